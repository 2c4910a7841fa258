// fit's shuffle: every order equally likely, a new one each epoch, and only the samples
// left after validation_split taken off the end (Keras splits first, then shuffles).
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, Sequential, Dense, LSTM } from '../dist/index.js';
import { permutation, seededGenerator } from '../dist/training/random-source.js';
import { randomFloats, seededRandom } from './random.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

describe('the epoch permutation', () => {
  const n = 5;
  const draws = 24_000;
  const random = seededGenerator(7);
  const orders = Array.from({ length: draws }, () => permutation(n, random));

  it('is a permutation of 0..n-1', () => {
    for (const order of orders.slice(0, 100)) expect([...order].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(permutation(0, random)).toEqual([]);
    expect(permutation(1, random)).toEqual([0]);
  });

  it('puts every sample at every position equally often (within 5 sigma)', () => {
    const p = 1 / n;
    const sigma = Math.sqrt(draws * p * (1 - p));
    for (let position = 0; position < n; position++) {
      for (let sample = 0; sample < n; sample++) {
        const count = orders.filter((order) => order[position] === sample).length;
        expect(Math.abs(count - draws * p), `sample ${sample} at ${position}`).toBeLessThan(5 * sigma);
      }
    }
  });

  it('draws all 120 orders of 5 equally often (within 5 sigma), a new one each epoch', () => {
    const counts = new Map<string, number>();
    for (const order of orders) counts.set(order.join(), (counts.get(order.join()) ?? 0) + 1);
    expect(counts.size).toBe(120);
    const p = 1 / 120;
    const sigma = Math.sqrt(draws * p * (1 - p));
    for (const count of counts.values()) expect(Math.abs(count - draws * p)).toBeLessThan(5 * sigma);
    const repeats = orders.slice(1).filter((order, i) => order.join() === orders[i].join()).length;
    expect(Math.abs(repeats - (draws - 1) * p)).toBeLessThan(5 * sigma);
  });
});

describe('fit with shuffle and validationSplit', () => {
  // The last quarter of the samples is validation data, and poisoned: a NaN input that reached
  // a training batch would make every weight NaN.
  function poisoned(n: number) {
    const T = 4;
    const D = 3;
    const xs = randomFloats(seededRandom(5), n * T * D);
    const validationFrom = Math.floor(n * 0.75);
    xs.fill(Number.NaN, validationFrom * T * D);
    return { x: tensor(xs, [n, T, D]), y: tensor(randomFloats(seededRandom(6), n), [n, 1]) };
  }
  function model(): Sequential {
    const m = new Sequential();
    m.add(new LSTM({ units: 3, inputShape: [4, 3], seed: 1 }));
    m.add(new Dense({ units: 1, seed: 2 }));
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    return m;
  }

  it('shuffles only the training part: the validation samples never reach a training batch', async () => {
    const { x, y } = poisoned(16);
    const m = model();
    const history = await m.fit(x, y, { batchSize: 2, epochs: 4, shuffle: true, validationSplit: 0.25, seed: 9, verbose: 0 });
    for (const weight of m.getWeights()) expect(weight.data.every(Number.isFinite)).toBe(true);
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
    expect(history.history.val_loss.every(Number.isNaN)).toBe(true);
  });

  it('the same data without the split trains on the poisoned samples (the check above can fail)', async () => {
    const { x, y } = poisoned(16);
    const m = model();
    await m.fit(x, y, { batchSize: 2, epochs: 1, shuffle: true, seed: 9, verbose: 0 });
    expect(m.getWeights().some((weight) => weight.data.some(Number.isNaN))).toBe(true);
  });
});
