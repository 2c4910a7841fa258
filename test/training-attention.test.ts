// Attention (dot and concat scores, with and without its scale) and AdditiveAttention in
// training, as Keras 3's call(training=True): gradients of every weight before them and of the
// layers' own weights against central differences of the float64 forward pass (attentionRef, the
// inference semantics of ../shared/models2/LAYERS.md), with a key input, the causal mask, value
// and query masks from Masking, and the returned attention scores as the output; dropout of the
// weights read back from a step; an LSTM encoder-decoder with attention fits.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ready, tensor, optimizers, Model, Input, Dense, LSTM, Masking, Attention, AdditiveAttention, GlobalAveragePooling1D, type SymbolicTensor, type Tensor,
} from '../dist/index.js';
import { trainingStep } from '../dist/training/layer-steps.js';
import { seededGenerator } from '../dist/training/random-source.js';
import { testKernelVariant } from './kernel-variant.js';
import { expectGradients, randomize, ref } from './model-gradient-check.js';
import { randomFloats, seededRandom } from './random.js';
import { denseRef } from './reference/layers.js';
import { attentionRef, type AttentionRefSpec } from './reference/extra-layers.js';
import type { ReferenceTensor } from './reference/index.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const [B, Tq, Tv, D, F] = [2, 3, 4, 3, 4];

interface Case {
  title: string;
  layer: () => Attention | AdditiveAttention;
  /** The reference spec from the attention layer's weights (after the projections' 4 or 6). */
  spec: (own: ReferenceTensor[]) => AttentionRefSpec;
  withKey?: boolean;
  causal?: boolean;
  scoresOut?: boolean;
}

const CASES: Case[] = [
  { title: 'Attention, dot scores', layer: () => new Attention(), spec: () => ({ kind: 'dot' }) },
  { title: 'Attention, dot scores with its scale', layer: () => new Attention({ useScale: true }), spec: ([s]) => ({ kind: 'dot', scale: s.data[0] }) },
  { title: 'Attention, concat scores with its scale', layer: () => new Attention({ useScale: true, scoreMode: 'concat' }), spec: ([s, w]) => ({ kind: 'concat', scale: s.data[0], concatWeight: w.data[0] }) },
  { title: 'Attention, concat scores without a scale', layer: () => new Attention({ scoreMode: 'concat' }), spec: ([w]) => ({ kind: 'concat', concatWeight: w.data[0] }) },
  { title: 'AdditiveAttention with its per-feature scale', layer: () => new AdditiveAttention(), spec: ([s]) => ({ kind: 'additive', scale: Array.from(s.data) }) },
  { title: 'AdditiveAttention without a scale', layer: () => new AdditiveAttention({ useScale: false }), spec: () => ({ kind: 'additive' }) },
  { title: 'Attention with a key input of its own', layer: () => new Attention({ useScale: true }), spec: ([s]) => ({ kind: 'dot', scale: s.data[0] }), withKey: true },
  { title: 'AdditiveAttention with the causal mask', layer: () => new AdditiveAttention(), spec: ([s]) => ({ kind: 'additive', scale: Array.from(s.data) }), causal: true },
  { title: 'Attention whose output is its attention scores', layer: () => new Attention({ useScale: true }), spec: ([s]) => ({ kind: 'dot', scale: s.data[0] }), scoresOut: true },
];

describe('attention gradients against central differences of the float64 forward pass', () => {
  for (const c of CASES) {
    it(c.title, () => {
      const qIn = Input({ shape: [Tq, D] });
      const vIn = Input({ shape: [Tv, D] });
      const query = new Dense({ units: F, activation: 'tanh' }).apply(qIn) as SymbolicTensor;
      const value = new Dense({ units: F }).apply(vIn) as SymbolicTensor;
      const key = c.withKey ? new Dense({ units: F }).apply(vIn) as SymbolicTensor : null;
      const attention = c.layer();
      const called = attention.apply(key ? [query, value, key] : [query, value], { useCausalMask: c.causal ?? false, returnAttentionScores: c.scoresOut ?? false });
      const output = Array.isArray(called) ? called[1] : called;
      const model = new Model({ inputs: [qIn, vIn], outputs: output });
      randomize(model, 3, 0.9);
      const random = seededRandom(4);
      const xq = tensor(randomFloats(random, B * Tq * D, 1), [B, Tq, D]);
      const xv = tensor(randomFloats(random, B * Tv * D, 1), [B, Tv, D]);
      const outSize = B * Tq * (c.scoresOut ? Tv : F);
      const y = randomFloats(random, outSize, 0.5);
      const projections = c.withKey ? 6 : 4;
      expectGradients(model, [xq, xv], y, (w) => {
        const q = denseRef(ref(xq), w[0], w[1], 'tanh');
        const v = denseRef(ref(xv), w[2], w[3], 'linear');
        const k = c.withKey ? denseRef(ref(xv), w[4], w[5], 'linear') : v;
        const [out, weights] = attentionRef(q, v, k, { ...c.spec(w.slice(projections)), causal: c.causal });
        return c.scoresOut ? weights : out;
      });
    });
  }

  // The output's mask is the query's, and a masked output would leave its rows out of the loss:
  // a masked GlobalAveragePooling1D (the mean over the valid query rows) ends the model instead.
  it('value and query masks from Masking: masked value steps get no weight, masked query rows output zeros, and the gradients follow', () => {
    const qIn = Input({ shape: [Tq, D] });
    const vIn = Input({ shape: [Tv, D] });
    const query = new Dense({ units: F }).apply(new Masking({ maskValue: 0 }).apply(qIn) as SymbolicTensor) as SymbolicTensor;
    const value = new Dense({ units: F }).apply(new Masking({ maskValue: 0 }).apply(vIn) as SymbolicTensor) as SymbolicTensor;
    const attended = new AdditiveAttention().apply([query, value]) as SymbolicTensor;
    const model = new Model({ inputs: [qIn, vIn], outputs: new GlobalAveragePooling1D().apply(attended) as SymbolicTensor });
    randomize(model, 5, 0.9);
    const random = seededRandom(6);
    const q = randomFloats(random, B * Tq * D, 1);
    const v = randomFloats(random, B * Tv * D, 1);
    q.fill(0, (0 * Tq + 2) * D, (0 * Tq + 3) * D);
    v.fill(0, (1 * Tv + 1) * D, (1 * Tv + 2) * D);
    v.fill(0, (0 * Tv + 3) * D, (0 * Tv + 4) * D);
    const queryMask = [[1, 1, 0], [1, 1, 1]];
    const valueMask = [[1, 1, 1, 0], [1, 0, 1, 1]];
    const [xq, xv] = [tensor(q, [B, Tq, D]), tensor(v, [B, Tv, D])];
    const y = randomFloats(random, B * F, 0.5);
    expectGradients(model, [xq, xv], y, (w) => {
      const qp = denseRef(ref(xq), w[0], w[1], 'linear');
      const vp = denseRef(ref(xv), w[2], w[3], 'linear');
      const out = attentionRef(qp, vp, vp, { kind: 'additive', scale: Array.from(w[4].data), queryMask, valueMask })[0];
      const pooled = new Float64Array(B * F);
      for (let b = 0; b < B; b++) {
        const valid = queryMask[b].reduce((n, m) => n + m, 0);
        for (let i = 0; i < Tq; i++) for (let f = 0; f < F; f++) if (queryMask[b][i]) pooled[b * F + f] += out.data[(b * Tq + i) * F + f] / valid;
      }
      return { shape: [B, F], data: pooled };
    });
  });
});

describe('attention dropout in training', () => {
  it("drops each weight with probability rate and scales the kept by 1 / (1 - rate) before the value, as Keras' dropout; the backward uses the same weights", () => {
    const rate = 0.4;
    const layer = new Attention({ dropout: rate });
    const random = seededRandom(7);
    const q = tensor(randomFloats(random, 8 * 5 * D, 1), [8, 5, D]);
    const v = tensor(randomFloats(random, 8 * 6 * D, 1), [8, 6, D]);
    // A key of its own, so that d loss / d value is the product's alone.
    const k = tensor(randomFloats(random, 8 * 6 * D, 1), [8, 6, D]);
    const plain = layer.apply([q, v, k], { returnAttentionScores: true }) as [Tensor, Tensor];
    const step = trainingStep(layer, [q, v, k], [undefined, undefined, undefined], seededGenerator(8), { returnAttentionScores: true });
    const [out, dropped] = step.outputs;
    let zeros = 0;
    dropped.data.forEach((w, i) => {
      if (w === 0) zeros++;
      else expect(Math.abs(w - plain[1].data[i] / (1 - rate))).toBeLessThan(1e-6);
    });
    expect(Math.abs(zeros / dropped.size - rate)).toBeLessThan(0.12);
    // out = dropped · value, row by row.
    const want = Array.from({ length: 8 * 5 * D }, (_, o) => {
      const [b, i, d] = [Math.floor(o / (5 * D)), Math.floor(o / D) % 5, o % D];
      let sum = 0;
      for (let j = 0; j < 6; j++) sum += dropped.data[(b * 5 + i) * 6 + j] * v.data[(b * 6 + j) * D + d];
      return sum;
    });
    out.data.forEach((o, i) => expect(Math.abs(o - want[i])).toBeLessThan(1e-5));
    // d out / d value is droppedᵀ · dOut: with dOut all ones, dValue[b, j, d] = Σ_i dropped[b, i, j].
    const { inputs } = step.backward([new Float32Array(out.size).fill(1), null]);
    const dValue = inputs[1] as Float32Array;
    for (let b = 0; b < 8; b++) for (let j = 0; j < 6; j++) {
      let sum = 0;
      for (let i = 0; i < 5; i++) sum += dropped.data[(b * 5 + i) * 6 + j];
      for (let d = 0; d < D; d++) expect(Math.abs(dValue[(b * 6 + j) * D + d] - sum)).toBeLessThan(1e-5);
    }
  });
});

describe('a model with attention trains', () => {
  it('an LSTM encoder and decoder with Luong attention over the encoder steps fits: its loss falls', async () => {
    const source = Input({ shape: [6, 2] });
    const target = Input({ shape: [4, 2] });
    const encoded = new LSTM({ units: 8, returnSequences: true, seed: 1 }).apply(source) as SymbolicTensor;
    const decoded = new LSTM({ units: 8, returnSequences: true, seed: 2 }).apply(target) as SymbolicTensor;
    const context = new Attention({ useScale: true }).apply([decoded, encoded]) as SymbolicTensor;
    const pooled = new GlobalAveragePooling1D().apply(context) as SymbolicTensor;
    const model = new Model({ inputs: [source, target], outputs: new Dense({ units: 1, seed: 3 }).apply(pooled) as SymbolicTensor });
    model.compile({ optimizer: optimizers.adam(0.01), loss: 'mse' });
    const random = seededRandom(9);
    const xs = tensor(randomFloats(random, 32 * 12, 1), [32, 6, 2]);
    const xt = tensor(randomFloats(random, 32 * 8, 1), [32, 4, 2]);
    // The mean of the source's first feature over its steps, which the context can carry.
    const y = tensor(Array.from({ length: 32 }, (_, n) => [Array.from({ length: 6 }, (_, t) => xs.data[n * 12 + 2 * t]).reduce((a, b) => a + b, 0) / 6]), [32, 1]);
    const history = await model.fit([xs, xt], y, { epochs: 20, batchSize: 8, verbose: 0, seed: 1 });
    const losses = history.history.loss;
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)).toBeLessThan(0.2 * losses[0]);
  });
});
