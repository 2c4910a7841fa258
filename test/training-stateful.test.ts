// Training stateful recurrent layers as Keras 3 does (keras/src/layers/rnn/rnn.py at v3.15.1):
// each batch starts from the previous batch's final states, row by row, read from non-trainable
// variables, so no gradient flows back into the batch that produced them. Checked against a
// float64 reference (referenceRecurrent / referenceBidirectional, a Dense, mse) whose gradients
// are central finite differences with the carried states held fixed.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ready, tensor, memoryBytes, Sequential, Dense, LSTM, GRU, Bidirectional, ShapeError, optimizers, type Tensor,
} from '../dist/index.js';
import { denseRef, referenceBidirectional, referenceRecurrent, recurrentSpec, type ReferenceTensor } from './reference/index.js';
import { expectClose } from './expect-close.js';
import { maxViolation } from './fixtures.js';
import { randomFloats, seededRandom } from './random.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const B = 2;
const T = 4;
const D = 2;
const H = 3;
const TOLERANCE = { abs: 1e-5, rel: 1e-4 };

type Kind = 'LSTM' | 'Bidirectional GRU';

interface Forward {
  prediction: Float64Array;
  states: ReferenceTensor[];
}

const rows = (data: Float32Array, width: number, from: number, to: number): ReferenceTensor =>
  ({ shape: [to - from, ...(width === T * D ? [T, D] : [width])], data: Float64Array.from(data.subarray(from * width, to * width)) });

/** The float64 model: the recurrent layer from `states` (null: zeros), then Dense(1); weights in getWeights() order. */
function referenceForward(kind: Kind, weights: Float64Array[], shapes: number[][], x: ReferenceTensor, states: ReferenceTensor[] | null): Forward {
  const w = weights.map((data, i) => ({ shape: shapes[i], data }));
  const initialState = states ?? undefined;
  const [features, ...finalStates] = kind === 'LSTM'
    ? referenceRecurrent(recurrentSpec('LSTM', H, { returnState: true }), w.slice(0, 3), x, { initialState })
    : referenceBidirectional(recurrentSpec('GRU', H, { returnState: true }), 'concat', w.slice(0, 6), x, { initialState });
  const [kernel, bias] = w.slice(-2);
  return { prediction: denseRef(features, kernel, bias, 'linear').data, states: finalStates };
}

function mse(y: ReferenceTensor, prediction: Float64Array): number {
  let sum = 0;
  prediction.forEach((p, i) => { sum += (y.data[i] - p) ** 2; });
  return sum / prediction.length;
}

/** d loss / d each weight by central differences; `loss` reads the weights it is given. */
function finiteDifferences(weights: Float64Array[], loss: () => number): Float64Array[] {
  const h = 1e-6;
  return weights.map((w) => w.map((kept, i) => {
    w[i] = kept + h;
    const up = loss();
    w[i] = kept - h;
    const down = loss();
    w[i] = kept;
    return (up - down) / (2 * h);
  }));
}

function statefulModel(kind: Kind, seed: number): Sequential {
  const m = new Sequential();
  if (kind === 'LSTM') m.add(new LSTM({ units: H, stateful: true, batchInputShape: [B, T, D], seed }));
  else m.add(new Bidirectional(new GRU({ units: H, stateful: true, seed }), { batchInputShape: [B, T, D] }));
  m.add(new Dense({ units: 1, seed: seed + 1 }));
  return m;
}

function data(samples: number, seed: number): { x: Float32Array; y: Float32Array } {
  const random = seededRandom(seed);
  return { x: randomFloats(random, samples * T * D, 1.5), y: randomFloats(random, samples) };
}

describe('stateful training', () => {
  it.each(['LSTM', 'Bidirectional GRU'] as const)('%s: the second batch starts from the first batch\'s final states, with no gradient through them (finite differences)', (kind) => {
    const m = statefulModel(kind, 5);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x, y } = data(2 * B, 7);
    const shapes = m.getWeights().map((w) => [...w.shape]);
    const weights = m.getWeights().map((w) => Float64Array.from(w.data));
    const batch = (k: number) => ({ x: rows(x, T * D, k * B, (k + 1) * B), y: rows(y, 1, k * B, (k + 1) * B) });
    const [first, second] = [batch(0), batch(1)];

    const got1 = m.computeGradients(tensor(x.slice(0, B * T * D), [B, T, D]), tensor(y.slice(0, B), [B, 1]));
    const got2 = m.computeGradients(tensor(x.slice(B * T * D), [B, T, D]), tensor(y.slice(B), [B, 1]));

    const carried = referenceForward(kind, weights, shapes, first.x, null).states;
    const want1 = finiteDifferences(weights, () => mse(first.y, referenceForward(kind, weights, shapes, first.x, null).prediction));
    const want2 = finiteDifferences(weights, () => mse(second.y, referenceForward(kind, weights, shapes, second.x, carried).prediction));
    expectClose(got1, want1.map((data, i) => ({ shape: shapes[i], data })), { tolerance: TOLERANCE, label: 'first batch gradients' });
    expectClose(got2, want2.map((data, i) => ({ shape: shapes[i], data })), { tolerance: TOLERANCE, label: 'second batch gradients' });

    // The check tells the rules apart: zero initial states, or a gradient that also flows through
    // the carried states into the first batch, both give other numbers.
    const fromZeros = finiteDifferences(weights, () => mse(second.y, referenceForward(kind, weights, shapes, second.x, null).prediction));
    const throughStates = finiteDifferences(weights, () => {
      const states = referenceForward(kind, weights, shapes, first.x, null).states;
      return mse(second.y, referenceForward(kind, weights, shapes, second.x, states).prediction);
    });
    const worst = (other: Float64Array[]) => Math.max(...got2.map((g, i) => maxViolation(g.data, other[i], TOLERANCE).worst));
    expect(worst(fromZeros)).toBeGreaterThan(10);
    expect(worst(throughStates)).toBeGreaterThan(10);
  });

  it.each([
    ['states carried through every batch, validation and epoch', false],
    ['a callback resetting the states at the end of every epoch (after validation), as Keras\' tutorials do', true],
  ] as const)('fit: %s, against a float64 loop carrying the states', async (_label, resetAtEpochEnd) => {
    const kind: Kind = 'LSTM';
    const m = statefulModel(kind, 9);
    const lr = Math.fround(0.1);
    m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'mse' });
    const n = 3 * B;
    const { x, y } = data(n + B, 13);
    const shapes = m.getWeights().map((w) => [...w.shape]);
    const weights = m.getWeights().map((w) => Float64Array.from(w.data));
    const epochs = 3;

    // Keras' loop: forward from the carried states, loss, gradient, SGD step; the states the
    // forward pass ended in carry on (computed with the weights before the step).
    let states: ReferenceTensor[] | null = null;
    const want = { loss: [] as number[], val_loss: [] as number[] };
    for (let epoch = 0; epoch < epochs; epoch++) {
      let total = 0;
      for (let k = 0; k < n / B; k++) {
        const xb = rows(x, T * D, k * B, (k + 1) * B);
        const yb = rows(y, 1, k * B, (k + 1) * B);
        const start = states;
        const lossOf = () => mse(yb, referenceForward(kind, weights, shapes, xb, start).prediction);
        total += lossOf() * B;
        const gradients = finiteDifferences(weights, lossOf);
        states = referenceForward(kind, weights, shapes, xb, start).states;
        weights.forEach((w, i) => w.forEach((v, j) => { w[j] = v - lr * gradients[i][j]; }));
      }
      want.loss.push(total / n);
      const validation = referenceForward(kind, weights, shapes, rows(x, T * D, n, n + B), states);
      want.val_loss.push(mse(rows(y, 1, n, n + B), validation.prediction));
      states = resetAtEpochEnd ? null : validation.states;
    }

    const history = await m.fit(tensor(x.slice(0, n * T * D), [n, T, D]), tensor(y.slice(0, n), [n, 1]), {
      batchSize: B, epochs, shuffle: false, verbose: 0,
      validationData: [tensor(x.slice(n * T * D), [B, T, D]), tensor(y.slice(n), [B, 1])],
      callbacks: resetAtEpochEnd ? [{ onEpochEnd: () => m.resetStates() }] : [],
    });
    expectClose(history.history.loss, want.loss, { tolerance: TOLERANCE, label: 'loss' });
    expectClose(history.history.val_loss, want.val_loss, { tolerance: TOLERANCE, label: 'val_loss' });
    expectClose(m.getWeights(), weights.map((data, i) => ({ shape: shapes[i], data })), { tolerance: TOLERANCE, label: 'final weights' });

    // predict carries the states on too, batch by batch.
    const xp = x.slice(0, 2 * B * T * D);
    const first = referenceForward(kind, weights, shapes, rows(xp, T * D, 0, B), states);
    const second = referenceForward(kind, weights, shapes, rows(xp, T * D, B, 2 * B), first.states);
    const predicted = m.predict(tensor(xp, [2 * B, T, D]), { batchSize: B }) as Tensor;
    expectClose(predicted, { shape: [2 * B, 1], data: Float64Array.from([...first.prediction, ...second.prediction]) }, { tolerance: TOLERANCE, label: 'predictions' });
  });

  it('refuses, before any batch runs, a partial batch or a batch size other than the layer\'s; the next valid fit works', async () => {
    const m = statefulModel('LSTM', 3);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x, y } = data(5, 2);
    const before = m.getWeights().map((w) => w.data.slice());
    const fit = (samples: number, batchSize: number, validation?: number) => m.fit(
      tensor(x.slice(0, samples * T * D), [samples, T, D]), tensor(y.slice(0, samples), [samples, 1]),
      { batchSize, verbose: 0, shuffle: false, ...(validation ? { validationData: [tensor(x.slice(0, validation * T * D), [validation, T, D]), tensor(y.slice(0, validation), [validation, 1])] } : {}) },
    );
    await expect(fit(5, B)).rejects.toThrow(ShapeError);
    await expect(fit(5, B)).rejects.toThrow(/stateful layer lstm\w* needs every batch to hold 2 samples.*5 samples leave a last batch of 1/);
    await expect(fit(4, B, 3)).rejects.toThrow(/fit validation: .*3 samples leave a last batch of 1/);
    await expect(m.evaluate(tensor(x, [5, T, D]), tensor(y, [5, 1]), { batchSize: B })).rejects.toThrow(/evaluate: .*last batch of 1/);
    await expect(fit(4, 4)).rejects.toThrow(ShapeError);
    // The model is built for batches of B = 2: the default batchSize of 32 is named as such, and B suggested.
    await expect(m.fit(tensor(x.slice(0, 4 * T * D), [4, T, D]), tensor(y.slice(0, 4), [4, 1]), { verbose: 0 }))
      .rejects.toThrow(/: fit: the stateful layer lstm\w* was built for batch size 2 \(the model's input batch shape\), so every batch must hold 2 samples, but option 'batchSize' is 32 \(the default\); pass batchSize: 2$/);
    await expect(fit(4, 4)).rejects.toThrow("but option 'batchSize' is 4; pass batchSize: 2");
    await expect(m.evaluate(tensor(x, [5, T, D]), tensor(y, [5, 1]), { batchSize: 5 })).rejects.toThrow(/evaluate: the stateful layer lstm\w* was built for batch size 2 .*'batchSize' is 5; pass batchSize: 2$/);
    m.getWeights().forEach((w, i) => expect(w.data).toEqual(before[i]));
    const history = await fit(4, B);
    expect(history.history.loss).toHaveLength(1);
    expect(Number.isFinite(history.history.loss[0])).toBe(true);
  });

  it('keeps WebAssembly memory flat over repeated stateful fits', async () => {
    const m = statefulModel('Bidirectional GRU', 4);
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const { x, y } = data(4, 3);
    const run = () => m.fit(tensor(x, [4, T, D]), tensor(y, [4, 1]), { batchSize: B, epochs: 2, verbose: 0, shuffle: false });
    await run();
    const bytes = memoryBytes();
    for (let i = 0; i < 5; i++) await run();
    expect(memoryBytes()).toBe(bytes);
  });
});
