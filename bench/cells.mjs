// The three recurrent layers the bench compares, and their cost model. Gate
// counts come from the cell table (src/kernels/cells.ts, built into dist/).
import { CELLS } from '../dist/kernels/cells.js';

/** The cell table row each benchmarked layer runs (GRU: Keras' default reset_after). */
const CELL_OF_LAYER = { LSTM: CELLS.lstm, GRU: CELLS.gru_reset_after, SimpleRNN: CELLS.simple_rnn };

/** G, the gate blocks of H columns in Keras' kernels. */
export const GATES = Object.fromEntries(Object.entries(CELL_OF_LAYER).map(([layer, cell]) => [layer, cell.gates.length]));

export const CELL_NAMES = Object.keys(GATES);

/**
 * Multiply-adds of the two matrix products per step, counted as 2 FLOPs each:
 * x·W (D inputs) and h·U (H inputs) into G·H gate columns, for B rows over T steps.
 * Gate nonlinearities are left out: they are O(G·H) per step, not O(G·H·(D+H)).
 */
export function flopsPerRun(cell, { B, T, D, H }) {
  return 2 * T * B * GATES[cell] * H * (D + H);
}

/** "LSTM B=32 H=256" style label for progress lines and the chart. */
export function cellLabel(cell, { B, H }) {
  return `${cell} B=${B} H=${H}`;
}
