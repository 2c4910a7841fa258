// The float64 backpropagation-through-time reference against central finite
// differences of the forward oracle, for every cell, masks, go_backwards,
// initial states, zero_output_for_mask and the final-state gradients.
import { describe, expect, it } from 'vitest';
import { referenceRecurrent, recurrentSpec, type CellKind, type ReferenceRecurrentSpec, type ReferenceTensor } from './reference/index.js';
import { referenceRecurrentBackward } from './reference/recurrent-backward.js';
import { randomFloats, randomMask, seededRandom } from './random.js';
import { weightShapesFor } from './training-helpers.js';

interface Case {
  label: string;
  cell: CellKind;
  overrides: Partial<ReferenceRecurrentSpec>;
  masked: boolean;
  initialState: boolean;
  /** Per-gate dropout masks on the input and the state, as Keras' implementation 1 draws them. */
  dropout?: boolean;
}

const CASES: Case[] = [];
for (const [cell, resetAfter] of [['SimpleRNN', false], ['LSTM', false], ['GRU', true], ['GRU', false]] as const) {
  const name = cell === 'GRU' ? `GRU reset_after=${resetAfter}` : cell;
  CASES.push(
    { label: `${name} last output`, cell, overrides: { resetAfter }, masked: false, initialState: false },
    { label: `${name} sequences, mask, initial state`, cell, overrides: { resetAfter, returnSequences: true }, masked: true, initialState: true },
    { label: `${name} go_backwards, mask, last output`, cell, overrides: { resetAfter, goBackwards: true }, masked: true, initialState: true },
    { label: `${name} zero_output_for_mask sequences, go_backwards`, cell, overrides: { resetAfter, returnSequences: true, zeroOutputForMask: true, goBackwards: true }, masked: true, initialState: false },
    { label: `${name} silu / hard_sigmoid`, cell, overrides: { resetAfter, activation: 'silu', recurrentActivation: 'hard_sigmoid', returnSequences: true }, masked: false, initialState: true },
    { label: `${name} dropout and recurrent_dropout masks, sequences, mask`, cell, overrides: { resetAfter, returnSequences: true }, masked: true, initialState: true, dropout: true },
    { label: `${name} recurrent_dropout masks, go_backwards, last output`, cell, overrides: { resetAfter, goBackwards: true }, masked: false, initialState: false, dropout: true },
  );
}

function tensor(data: Float64Array, shape: number[]): ReferenceTensor {
  return { shape, data };
}

describe('referenceRecurrentBackward against central finite differences', () => {
  it.each(CASES.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    const random = seededRandom(CASES.indexOf(c) + 11);
    const [B, T, D, H] = [3, 5, 2, 3];
    const spec = recurrentSpec(c.cell, H, { ...c.overrides, returnState: true });
    const weights = weightShapesFor(spec, D).map((shape) => tensor(Float64Array.from(randomFloats(random, shape.reduce((a, b) => a * b, 1), 0.8)), shape));
    const x = tensor(Float64Array.from(randomFloats(random, B * T * D)), [B, T, D]);
    const mask = c.masked ? tensor(Float64Array.from(randomMask(random, B, T)), [B, T]) : undefined;
    const stateCount = c.cell === 'LSTM' ? 2 : 1;
    const initialState = c.initialState
      ? Array.from({ length: stateCount }, () => tensor(Float64Array.from(randomFloats(random, B * H, 0.5)), [B, H]))
      : undefined;
    const G = c.cell === 'LSTM' ? 4 : c.cell === 'GRU' ? 3 : 1;
    // Inverted-scaled masks of rate 0.4: zeros and 1 / 0.6.
    const dropMasks = (rows: number) => Array.from({ length: G }, () =>
      tensor(Float64Array.from({ length: B * rows }, () => (random() < 0.4 ? 0 : 1 / 0.6)), [B, rows]));
    const dropout = c.dropout ? { input: dropMasks(D), recurrent: dropMasks(H) } : undefined;
    const outputs = referenceRecurrent(spec, weights, x, { mask, initialState, dropout });
    const outputGradient = tensor(Float64Array.from(randomFloats(random, outputs[0].data.length)), outputs[0].shape);
    const finalStateGradients = outputs.slice(1).map((o) => tensor(Float64Array.from(randomFloats(random, o.data.length)), o.shape));
    const loss = (): number => {
      const out = referenceRecurrent(spec, weights, x, { mask, initialState, dropout });
      let sum = 0;
      out[0].data.forEach((v, i) => { sum += v * outputGradient.data[i]; });
      out.slice(1).forEach((o, k) => o.data.forEach((v, i) => { sum += v * finalStateGradients[k].data[i]; }));
      return sum;
    };
    const grads = referenceRecurrentBackward(spec, weights, x, outputGradient, { mask, initialState, finalStateGradients, dropout });

    const step = 1e-6;
    const check = (values: Float64Array, analytic: Float64Array, what: string) => {
      expect(analytic.length, what).toBe(values.length);
      for (let i = 0; i < values.length; i++) {
        const kept = values[i];
        values[i] = kept + step;
        const up = loss();
        values[i] = kept - step;
        const down = loss();
        values[i] = kept;
        const numeric = (up - down) / (2 * step);
        expect(Math.abs(analytic[i] - numeric), `${what}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`).toBeLessThanOrEqual(1e-7 + 1e-6 * Math.abs(numeric));
      }
    };
    weights.forEach((w, k) => check(w.data, grads.weights[k].data, `weight ${k}`));
    check(x.data, grads.x.data, 'x');
    initialState?.forEach((s, k) => check(s.data, grads.initialState[k].data, `initial state ${k}`));
    // Masked steps give x exactly zero gradient.
    if (mask) {
      for (let i = 0; i < B * T; i++) {
        if (mask.data[i] === 0) for (let d = 0; d < D; d++) expect(grads.x.data[i * D + d]).toBe(0);
      }
    }
  });
});
