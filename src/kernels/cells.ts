// The recurrent cells, one row each. This table is the one place a cell's facts
// live: the layers, the Keras file loaders, the bench and the tests read it, and
// scripts/generate-cells.mjs writes assembly/cells/index.ts (ids, gate counts,
// the step dispatch) from it. A new cell is a row here, a kernel file
// assembly/cells/<kernel>.ts exporting <kernel>_step, and a layer.

/** A weight's Keras shape for a layer of `units` (H) on inputs of `inputDim` (D) features. */
export type CellWeightShape = (inputDim: number, units: number) => number[];

export interface CellSpec {
  /** Kernel id: the row's index. */
  readonly id: number;
  /** The row's key and kernel file: assembly/cells/<kernel>.ts exports <kernel>_step. */
  readonly kernel: string;
  /** The Keras layer class that runs this cell. */
  readonly kerasClass: 'SimpleRNN' | 'LSTM' | 'GRU';
  /** Gate blocks of H columns in Keras' kernel, in Keras order; G is their count. */
  readonly gates: readonly string[];
  /** States in Keras order, each (B, H). */
  readonly states: readonly ('h' | 'c')[];
  /** Keras weights in get_weights() order; the bias is left out with use_bias=false. */
  readonly weights: readonly { readonly name: 'kernel' | 'recurrent_kernel' | 'bias'; readonly shape: CellWeightShape }[];
  /**
   * How the recurrent kernel (H, G*H) is packed for the step: gate ranges [from, to), each packed
   * as its own matrix of (to - from) padded gate blocks, stored back to back.
   */
  readonly recurrentBlocks: readonly (readonly [number, number])[];
  /** The bias row (of a (2, G*H) bias) the packed recurrent kernel carries, or null. */
  readonly recurrentBiasRow: number | null;
  /** Floats of step work per batch row, in units of Hp (the step's `work` buffer). */
  readonly workBlocks: number;
  /** Keras' defaults for the cell's options. */
  readonly defaults: {
    readonly activation: 'tanh';
    readonly recurrentActivation: 'sigmoid' | null;
    readonly kernelInitializer: 'glorot_uniform';
    readonly recurrentInitializer: 'orthogonal';
    readonly biasInitializer: 'zeros';
  };
}

const kernel: CellWeightShape = (D, H) => [D, H];
const RNN_DEFAULTS = {
  activation: 'tanh', kernelInitializer: 'glorot_uniform', recurrentInitializer: 'orthogonal', biasInitializer: 'zeros',
} as const;

function gateWeights(G: number, biasRows: 1 | 2): CellSpec['weights'] {
  return [
    { name: 'kernel', shape: (D, H) => kernel(D, G * H) },
    { name: 'recurrent_kernel', shape: (_D, H) => [H, G * H] },
    { name: 'bias', shape: (_D, H) => (biasRows === 1 ? [G * H] : [2, G * H]) },
  ];
}

export const CELLS = {
  simple_rnn: {
    id: 0, kernel: 'simple_rnn', kerasClass: 'SimpleRNN', gates: ['h'], states: ['h'],
    weights: gateWeights(1, 1), recurrentBlocks: [[0, 1]], recurrentBiasRow: null, workBlocks: 0,
    defaults: { ...RNN_DEFAULTS, recurrentActivation: null },
  },
  lstm: {
    id: 1, kernel: 'lstm', kerasClass: 'LSTM', gates: ['i', 'f', 'c', 'o'], states: ['h', 'c'],
    weights: gateWeights(4, 1), recurrentBlocks: [[0, 4]], recurrentBiasRow: null, workBlocks: 0,
    defaults: { ...RNN_DEFAULTS, recurrentActivation: 'sigmoid' },
  },
  gru_reset_after: {
    id: 2, kernel: 'gru_reset_after', kerasClass: 'GRU', gates: ['z', 'r', 'h'], states: ['h'],
    weights: gateWeights(3, 2), recurrentBlocks: [[0, 3]], recurrentBiasRow: 1, workBlocks: 3,
    defaults: { ...RNN_DEFAULTS, recurrentActivation: 'sigmoid' },
  },
  gru_reset_before: {
    id: 3, kernel: 'gru_reset_before', kerasClass: 'GRU', gates: ['z', 'r', 'h'], states: ['h'],
    weights: gateWeights(3, 1), recurrentBlocks: [[0, 2], [2, 3]], recurrentBiasRow: null, workBlocks: 3,
    defaults: { ...RNN_DEFAULTS, recurrentActivation: 'sigmoid' },
  },
} as const satisfies Record<string, CellSpec>;

export type CellName = keyof typeof CELLS;

/** The rows in id order. */
export const CELL_LIST: readonly CellSpec[] = Object.values(CELLS).sort((a, b) => a.id - b.id);

/** G, the gate blocks of H columns. */
export function gateCount(cell: CellSpec): number {
  return cell.gates.length;
}

/** The cell's weight shapes in Keras get_weights() order. */
export function cellWeightShapes(cell: CellSpec, inputDim: number, units: number, useBias: boolean): number[][] {
  return cell.weights.filter((w) => useBias || w.name !== 'bias').map((w) => w.shape(inputDim, units));
}
