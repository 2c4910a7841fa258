// Training a model with several outputs, as Keras 3 compiles it: a loss per output (a list in
// output order or a dict by output name), loss_weights, per-output metrics, and the log names
// loss, <output>_loss (unweighted) and <output>_<metric>. Expected values come from
// single-output models over the same layers, whose training matches Keras (the fixtures).
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, Input, Model, Dense, LSTM, ConfigError, ShapeError, type Tensor } from '../dist/index.js';
import { randomFloats, seededRandom } from './random.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const [n, T, D] = [8, 4, 3];

function build() {
  const input = Input({ shape: [T, D] });
  const shared = new LSTM({ units: 3, seed: 1, name: 'shared' });
  const headA = new Dense({ units: 1, seed: 2, name: 'a' });
  const headB = new Dense({ units: 2, activation: 'softmax', seed: 3, name: 'b' });
  const h = shared.apply(input);
  const outA = headA.apply(h);
  const outB = headB.apply(h);
  return {
    both: new Model({ inputs: input, outputs: [outA, outB] }),
    onlyA: new Model({ inputs: input, outputs: outA }),
    onlyB: new Model({ inputs: input, outputs: outB }),
  };
}

function data() {
  const random = seededRandom(9);
  const x = tensor(randomFloats(random, n * T * D), [n, T, D]);
  const yA = tensor(randomFloats(random, n), [n, 1]);
  const yB = tensor(Float32Array.from({ length: 2 * n }, (_, i) => ((i >> 1) % 3 === 0) === (i % 2 === 0) ? 1 : 0), [n, 2]);
  return { x, yA, yB };
}

describe('a model with several outputs', () => {
  it('sums the weighted losses, logs each unweighted loss and the metrics by output name', async () => {
    const { both, onlyA, onlyB } = build();
    const { x, yA, yB } = data();
    both.compile({ optimizer: 'sgd', loss: { a: 'mse', b: 'categorical_crossentropy' }, lossWeights: { a: 0.5, b: 2 }, metrics: { a: ['mae'], b: ['accuracy'] } });
    onlyA.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    onlyB.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const a = await onlyA.evaluate(x, yA, { batchSize: 4 });
    const b = await onlyB.evaluate(x, yB, { batchSize: 4 });
    const logs = await both.evaluate(x, [yA, yB], { batchSize: 4 });
    expect(Object.keys(logs)).toEqual(['loss', 'a_loss', 'b_loss', 'a_mae', 'b_accuracy']);
    expect(logs.a_loss).toBeCloseTo(a.loss, 6);
    expect(logs.b_loss).toBeCloseTo(b.loss, 6);
    expect(logs.a_mae).toBeCloseTo(a.mae, 6);
    expect(logs.b_accuracy).toBeCloseTo(b.accuracy, 6);
    expect(logs.loss).toBeCloseTo(0.5 * a.loss + 2 * b.loss, 5);
    expect(await both.evaluate(x, { b: yB, a: yA }, { batchSize: 4 })).toEqual(logs);

    // The gradient of the weighted sum: 0.5 d(loss a) + 2 d(loss b), layer by layer.
    const byLayer = (model: Model, grads: Tensor[]) => {
      const out = new Map<string, Float32Array[]>();
      let at = 0;
      for (const layer of model.layers) {
        const count = layer.getWeights().length;
        out.set(layer.name, grads.slice(at, at + count).map((g) => g.data));
        at += count;
      }
      return out;
    };
    const gBoth = byLayer(both, both.computeGradients(x, [yA, yB]));
    const gA = byLayer(onlyA, onlyA.computeGradients(x, yA));
    const gB = byLayer(onlyB, onlyB.computeGradients(x, yB));
    for (const [name, grads] of gBoth) {
      grads.forEach((g, i) => {
        const expected = g.map((_, k) => 0.5 * (gA.get(name)?.[i][k] ?? 0) + 2 * (gB.get(name)?.[i][k] ?? 0));
        for (let k = 0; k < g.length; k++) expect(g[k], `${name} weight ${i}[${k}]`).toBeCloseTo(expected[k], 5);
      });
    }
  });

  it('fits with one loss for every output, a list of weights, and validation logs named as Keras', async () => {
    const { both } = build();
    const { x, yA, yB } = data();
    both.compile({ optimizer: 'adam', loss: 'mse', lossWeights: [1, 0.25], metrics: [['mae'], null] });
    const batch = both.trainOnBatch(x, [yA, yB]);
    expect(Object.keys(batch)).toEqual(['loss', 'a_loss', 'b_loss', 'a_mae']);
    expect(batch.loss).toBeCloseTo(batch.a_loss + 0.25 * batch.b_loss, 5);
    const history = await both.fit(x, [yA, yB], { epochs: 2, batchSize: 3, validationSplit: 0.25, verbose: 0, seed: 4 });
    expect(Object.keys(history.history)).toEqual(['loss', 'a_loss', 'b_loss', 'a_mae', 'val_loss', 'val_a_loss', 'val_b_loss', 'val_a_mae']);
    expect(both.optimizer.iterations).toBe(1 + 2 * 2);
  });

  it('refuses losses, weights, metrics or targets that do not match the outputs', () => {
    const { both } = build();
    const { x, yA, yB } = data();
    expect(() => both.compile({ optimizer: 'sgd', loss: ['mse'] })).toThrow(ConfigError);
    expect(() => both.compile({ optimizer: 'sgd', loss: { a: 'mse', c: 'mse' } })).toThrow(/'c'/);
    expect(() => both.compile({ optimizer: 'sgd', loss: { a: 'mse' } })).toThrow(/output 'b'/);
    expect(() => both.compile({ optimizer: 'sgd', loss: 'mse', lossWeights: [1] })).toThrow(/lossWeights/);
    expect(() => both.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] })).toThrow(/metrics/);
    both.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(() => both.trainOnBatch(x, yA)).toThrow(ShapeError);
    expect(() => both.trainOnBatch(x, { a: yA })).toThrow(/output 'b'/);
    expect(both.trainOnBatch(x, [yA, yB]).loss).toBeGreaterThan(0);
  });
});
