// Keras 3's recurrent_dropout in training, and dropout inside a Bidirectional: one mask per
// sequence reused at every step, inverted scaling, one mask per gate for LSTM and GRU (their
// implementation 1), each Bidirectional copy drawing its own. Checked by statistics, and by the
// kernels' outputs and gradients against the float64 reference given the masks the step drew.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, Sequential, Bidirectional, Dense, LSTM, GRU, SimpleRNN, type Tensor } from '../dist/index.js';
import { defaultInstance } from '../dist/kernels/default-instance.js';
import { trainingStep } from '../dist/training/layer-steps.js';
import { seededGenerator } from '../dist/training/random-source.js';
import { referenceRecurrent, type ReferenceTensor } from './reference/index.js';
import { referenceRecurrentBackward } from './reference/recurrent-backward.js';
import { recurrentSpec } from './reference/layers.js';
import type { ReferenceDropout, ReferenceRecurrentSpec } from './reference/types.js';
import { expectClose } from './expect-close.js';
import { toReference } from './training-helpers.js';
import { randomFloats, randomMask, seededRandom } from './random.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

/** Float32 kernels over T steps against the float64 reference. */
const close = (actual: ArrayLike<number>, expected: ArrayLike<number>, label: string) =>
  expectClose(actual, expected, { tolerance: { abs: 1e-4, rel: 1e-3 }, label });

/** A generator that also records its draws, to rebuild the masks a step drew. */
function recording(seed: number): { random: () => number; draws: number[] } {
  const generator = seededGenerator(seed);
  const draws: number[] = [];
  return { draws, random: () => { const u = generator(); draws.push(u); return u; } };
}

/**
 * The masks a layer drew, in the order Keras draws them: the input masks (one, or one per gate
 * with recurrent_dropout), then one recurrent mask per gate; each unit kept when u >= rate.
 */
function masksFromDraws(draws: number[], G: number, B: number, D: number, H: number, rate: number, recurrentRate: number): ReferenceDropout {
  let at = 0;
  const take = (rows: number, p: number): ReferenceTensor => {
    const data = Float64Array.from(draws.slice(at, at + B * rows), (u) => (u >= p ? 1 / (1 - p) : 0));
    at += B * rows;
    return { shape: [B, rows], data };
  };
  const perGate = recurrentRate > 0;
  let input: ReferenceTensor[] | null = null;
  if (rate > 0) {
    input = perGate ? Array.from({ length: G }, () => take(D, rate)) : new Array<ReferenceTensor>(G).fill(take(D, rate));
  }
  const recurrent = recurrentRate > 0 ? Array.from({ length: G }, () => take(H, recurrentRate)) : null;
  expect(draws.length, 'every draw is part of a mask').toBe(at);
  return { input, recurrent };
}

type Variant = { label: string; cell: 'SimpleRNN' | 'LSTM' | 'GRU'; resetAfter: boolean };
const VARIANTS: Variant[] = [
  { label: 'SimpleRNN', cell: 'SimpleRNN', resetAfter: false },
  { label: 'LSTM', cell: 'LSTM', resetAfter: false },
  { label: 'GRU reset_after', cell: 'GRU', resetAfter: true },
  { label: 'GRU reset_before', cell: 'GRU', resetAfter: false },
];
const gates = (cell: Variant['cell']) => (cell === 'LSTM' ? 4 : cell === 'GRU' ? 3 : 1);

function makeLayer(v: Variant, options: Record<string, unknown>): SimpleRNN | LSTM | GRU {
  if (v.cell === 'LSTM') return new LSTM({ units: 1, ...options });
  if (v.cell === 'GRU') return new GRU({ units: 1, resetAfter: v.resetAfter, ...options });
  return new SimpleRNN({ units: 1, ...options });
}

describe('recurrent_dropout in training', () => {
  // Linear SimpleRNN with W = ones (1, H), U = identity and x = 1 at step 0 only: the output at
  // step t is the recurrent mask to the power t, so the mask can be read off the outputs.
  const [B, T, H, rate] = [80, 4, 64, 0.3];
  function probe(): SimpleRNN {
    const layer = new SimpleRNN({ units: H, activation: 'linear', recurrentDropout: rate, returnSequences: true, useBias: false });
    layer.build([B, T, 1]);
    const identity = new Float32Array(H * H);
    for (let j = 0; j < H; j++) identity[j * H + j] = 1;
    layer.setWeights([tensor(new Float32Array(H).fill(1), [1, H]), tensor(identity, [H, H])]);
    return layer;
  }
  const x = new Float32Array(B * T);
  for (let b = 0; b < B; b++) x[b * T] = 1;
  const input = tensor(x, [B, T, 1]);

  it('drops h at its rate, keeps the mean by inverted scaling, and reuses one mask per sequence at every step', () => {
    const layer = probe();
    const step = trainingStep(layer, [input], [undefined], seededGenerator(5));
    const out = step.outputs[0].data;
    step.release();
    const at = (b: number, t: number, j: number) => out[(b * T + t) * H + j];
    let zeros = 0;
    let sum = 0;
    const masks = new Set<string>();
    const wrong: string[] = [];
    for (let b = 0; b < B; b++) {
      const mask: number[] = [];
      for (let j = 0; j < H; j++) {
        const m = at(b, 1, j);
        mask.push(m);
        if (m === 0) zeros++;
        sum += m;
        if (at(b, 0, j) !== 1) wrong.push(`step 0 of ${b}, ${j} saw a recurrent input`);
        if (m !== 0 && m !== Math.fround(1 / (1 - rate))) wrong.push(`${b}, ${j}: kept ${m}, not 1 / (1 - rate)`);
        // The same mask again at steps 2 and 3: m², m³.
        if (at(b, 2, j) !== Math.fround(m * m) || at(b, 3, j) !== Math.fround(Math.fround(m * m) * m)) wrong.push(`${b}, ${j}: another mask at step 2 or 3`);
      }
      masks.add(mask.join(','));
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    const n = B * H;
    expect(Math.abs(zeros / n - rate)).toBeLessThan(4 * Math.sqrt((rate * (1 - rate)) / n));
    // Each kept value is 1 / (1 - rate): the mean is 1 with variance rate / (1 - rate) per unit.
    expect(Math.abs(sum / n - 1)).toBeLessThan(4 * Math.sqrt(rate / (1 - rate) / n));
    expect(masks.size, 'every sequence draws its own mask').toBe(B);
    expect(Array.from((layer.apply(input) as Tensor).data).every((v) => v === 1), 'apply (inference) drops nothing').toBe(true);
  });

  it('is the identity in predict and evaluate, and fit keeps WebAssembly memory flat', async () => {
    const model = new Sequential({ layers: [probe()] });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const y = tensor(new Float32Array(B * T * H).fill(1), [B, T, H]);
    expect(Array.from((model.predict(input) as Tensor).data).every((v) => v === 1)).toBe(true);
    expect((await model.evaluate(input, y, { batchSize: B })).loss).toBe(0);
    const trained = new Sequential({ layers: [new GRU({ units: 5, inputShape: [T, 1], dropout: 0.2, recurrentDropout: 0.3 }), new Dense({ units: 1 })] });
    trained.compile({ optimizer: 'adam', loss: 'mse' });
    const target = tensor(new Float32Array(B).fill(0.5), [B, 1]);
    trained.trainOnBatch(input, target);
    const heap = defaultInstance().heap.allocatedBytes;
    for (let i = 0; i < 3; i++) expect(Number.isFinite(trained.trainOnBatch(input, target).loss)).toBe(true);
    expect(defaultInstance().heap.allocatedBytes).toBe(heap);
  });

  for (const v of VARIANTS) {
    for (const [what, rate, recurrentRate, overrides] of [
      ['dropout and recurrent_dropout, sequences, a mask', 0.35, 0.4, { returnSequences: true }],
      ['recurrent_dropout alone, go_backwards, last output', 0, 0.3, { goBackwards: true }],
    ] as const) {
      it(`${v.label}, ${what}: outputs and gradients equal the float64 reference with the drawn masks`, () => {
        const [b, t, d, h] = [3, 6, 5, 5];
        const G = gates(v.cell);
        const random = seededRandom(v.label.length * 31 + rate * 100);
        const layer = makeLayer(v, { units: h, dropout: rate, recurrentDropout: recurrentRate, seed: 3, ...overrides });
        layer.build([b, t, d]);
        const x = randomFloats(random, b * t * d);
        const mask = overrides.returnSequences ? randomMask(random, b, t) : null;
        const outFloats = overrides.returnSequences ? b * t * h : b * h;
        const dOut = randomFloats(random, outFloats);
        const { random: draw, draws } = recording(41);
        const keepMask = mask ? tensor(mask, [b, t]) : undefined;
        const step = trainingStep(layer, [tensor(x, [b, t, d])], [keepMask], draw);
        const dropout = masksFromDraws(draws, G, b, d, h, rate, recurrentRate);
        const grads = step.backward([dOut]);
        step.release();

        const spec: ReferenceRecurrentSpec = recurrentSpec(v.cell, h, { resetAfter: v.resetAfter, ...overrides });
        const weights = layer.getWeights().map((w) => toReference(w.data, [...w.shape]));
        const xRef = toReference(x, [b, t, d]);
        const options = { dropout, mask: mask ? toReference(mask, [b, t]) : undefined };
        close(step.outputs[0].data, referenceRecurrent(spec, weights, xRef, options)[0].data, 'output');
        const expected = referenceRecurrentBackward(spec, weights, xRef, toReference(dOut, overrides.returnSequences ? [b, t, h] : [b, h]), options);
        grads.weights.forEach((g, i) => close(g, expected.weights[i].data, `d weight ${i}`));
        close(grads.inputs[0]!, expected.x.data, 'd x');
      });
    }
  }

  it('applies a rate of 1 as Keras does: SimpleRNN drops everything, LSTM and GRU apply no dropout', () => {
    const [b, t, d] = [2, 3, 4];
    const x = tensor(randomFloats(seededRandom(4), b * t * d), [b, t, d]);
    const zeros = tensor(new Float32Array(b * t * d), [b, t, d]);
    const run = (layer: SimpleRNN | LSTM | GRU, input: Tensor) => {
      layer.build([b, t, d]);
      const step = trainingStep(layer, [input], [undefined], seededGenerator(1));
      step.release();
      return Array.from(step.outputs[0].data);
    };
    const simple = new SimpleRNN({ units: 3, dropout: 1, recurrentDropout: 1, seed: 2, returnSequences: true });
    expect(run(simple, x), 'SimpleRNN(dropout=1) sees zeros').toEqual(Array.from((simple.apply(zeros) as Tensor).data));
    for (const layer of [new LSTM({ units: 3, dropout: 1, recurrentDropout: 1, seed: 2 }), new GRU({ units: 3, dropout: 1, recurrentDropout: 1, seed: 2 })]) {
      const trained = run(layer, x);
      const inferred = Array.from((layer.apply(x) as Tensor).data);
      close(trained, inferred, `${layer.className}(dropout=1)`);
    }
  });

  it('a reference with one mask per gate is not the one-mask reference (the per-gate masks matter)', () => {
    const [b, t, d, h] = [2, 3, 4, 3];
    const random = seededRandom(9);
    const spec = recurrentSpec('LSTM', h, { returnSequences: true });
    const weights = [[d, 4 * h], [h, 4 * h], [4 * h]].map((shape) => toReference(randomFloats(random, shape.reduce((p, q) => p * q, 1)), shape));
    const x = toReference(randomFloats(random, b * t * d), [b, t, d]);
    const masks = Array.from({ length: 4 }, () => ({ shape: [b, d], data: Float64Array.from({ length: b * d }, () => (random() < 0.5 ? 0 : 2)) }));
    const perGate = referenceRecurrent(spec, weights, x, { dropout: { input: masks, recurrent: null } })[0].data;
    const first = referenceRecurrent(spec, weights, x, { dropout: { input: new Array(4).fill(masks[0]), recurrent: null } })[0].data;
    // One shared mask folded into the weights is the same as masking x itself.
    const maskedX = x.data.map((v, i) => v * masks[0].data[Math.floor(i / (t * d)) * d + (i % d)]);
    close(first, referenceRecurrent(spec, weights, { shape: x.shape, data: maskedX })[0].data, 'shared mask');
    expect(Array.from(perGate)).not.toEqual(Array.from(first));
  });
});

describe('dropout inside a Bidirectional', () => {
  for (const v of VARIANTS) {
    it(`${v.label}: each copy draws its own masks; outputs and gradients equal the reference per direction`, () => {
      const [b, t, d, h, rate, recurrentRate] = [3, 5, 4, 3, 0.3, v.cell === 'LSTM' ? 0 : 0.25];
      const G = gates(v.cell);
      const random = seededRandom(v.label.length * 7);
      const wrapped = makeLayer(v, { units: h, dropout: rate, recurrentDropout: recurrentRate });
      const layer = new Bidirectional(wrapped, { mergeMode: 'concat' });
      layer.build([b, t, d]);
      const x = randomFloats(random, b * t * d);
      const dOut = randomFloats(random, b * 2 * h);
      const { random: draw, draws } = recording(77);
      const step = trainingStep(layer, [tensor(x, [b, t, d])], [undefined], draw);
      const perDirection = draws.length / 2;
      const forwardMasks = masksFromDraws(draws.slice(0, perDirection), G, b, d, h, rate, recurrentRate);
      const backwardMasks = masksFromDraws(draws.slice(perDirection), G, b, d, h, rate, recurrentRate);
      expect(draws.slice(0, perDirection), 'the copies draw different masks').not.toEqual(draws.slice(perDirection));
      const grads = step.backward([dOut]);
      step.release();

      const weights = layer.getWeights().map((w) => toReference(w.data, [...w.shape]));
      const half = weights.length / 2;
      const xRef = toReference(x, [b, t, d]);
      const out = step.outputs[0].data;
      const dx = new Float64Array(b * t * d);
      ([[false, forwardMasks, 0], [true, backwardMasks, 1]] as const).forEach(([goBackwards, dropout, side]) => {
        const spec = recurrentSpec(v.cell, h, { resetAfter: v.resetAfter, goBackwards });
        const own = weights.slice(side * half, (side + 1) * half);
        const expected = referenceRecurrent(spec, own, xRef, { dropout })[0].data;
        close(Array.from({ length: b * h }, (_, i) => out[Math.floor(i / h) * 2 * h + side * h + (i % h)]), expected, `direction ${side} output`);
        const g = Float64Array.from({ length: b * h }, (_, i) => dOut[Math.floor(i / h) * 2 * h + side * h + (i % h)]);
        const back = referenceRecurrentBackward(spec, own, xRef, { shape: [b, h], data: g }, { dropout });
        back.weights.forEach((w, i) => close(grads.weights[side * half + i], w.data, `direction ${side} d weight ${i}`));
        back.x.data.forEach((value, i) => { dx[i] += value; });
      });
      close(grads.inputs[0]!, dx, 'd x');
    });
  }

  it('merge ave: the gradient of the mean reaches each copy through its own masks', () => {
    const [b, t, d, h, rate, recurrentRate] = [2, 4, 3, 5, 0.3, 0.3];
    const random = seededRandom(12);
    const layer = new Bidirectional(new GRU({ units: h, dropout: rate, recurrentDropout: recurrentRate }), { mergeMode: 'ave' });
    layer.build([b, t, d]);
    const x = randomFloats(random, b * t * d);
    const dOut = randomFloats(random, b * h);
    const { random: draw, draws } = recording(5);
    const step = trainingStep(layer, [tensor(x, [b, t, d])], [undefined], draw);
    const half = draws.length / 2;
    const grads = step.backward([dOut]);
    step.release();
    const weights = layer.getWeights().map((w) => toReference(w.data, [...w.shape]));
    const xRef = toReference(x, [b, t, d]);
    const halfGradient = { shape: [b, h], data: Float64Array.from(dOut, (g) => g / 2) };
    const outputs: Float64Array[] = [];
    const dx = new Float64Array(b * t * d);
    [false, true].forEach((goBackwards, side) => {
      const dropout = masksFromDraws(draws.slice(side * half, (side + 1) * half), 3, b, d, h, rate, recurrentRate);
      const spec = recurrentSpec('GRU', h, { goBackwards });
      const own = weights.slice(side * 3, side * 3 + 3);
      outputs.push(referenceRecurrent(spec, own, xRef, { dropout })[0].data);
      const back = referenceRecurrentBackward(spec, own, xRef, halfGradient, { dropout });
      back.weights.forEach((w, i) => close(grads.weights[side * 3 + i], w.data, `direction ${side} d weight ${i}`));
      back.x.data.forEach((value, i) => { dx[i] += value; });
    });
    close(step.outputs[0].data, outputs[0].map((v, i) => (v + outputs[1][i]) / 2), 'output');
    close(grads.inputs[0]!, dx, 'd x');
  });

  it('trains in fit, and is the identity in predict', async () => {
    const model = new Sequential({ layers: [new Bidirectional(new LSTM({ units: 3, dropout: 0.3, recurrentDropout: 0.3 }), { inputShape: [4, 2] }), new Dense({ units: 1 })] });
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const random = seededRandom(3);
    const x = tensor(randomFloats(random, 8 * 4 * 2), [8, 4, 2]);
    const y = tensor(randomFloats(random, 8), [8, 1]);
    const before = Array.from((model.predict(x) as Tensor).data);
    expect(Array.from((model.predict(x) as Tensor).data), 'predict draws no masks').toEqual(before);
    const history = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, seed: 1 });
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
    expect(Array.from((model.predict(x) as Tensor).data)).not.toEqual(before);
  });
});
