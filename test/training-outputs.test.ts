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
    expect(Object.keys(logs)).toEqual(['loss', 'a_mae', 'b_accuracy', 'a_loss', 'b_loss']);
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

  it('a chain that also outputs an inner layer has both outputs: outputNames, per-output losses', async () => {
    const input = Input({ shape: [T, D] });
    const features = new LSTM({ units: 3, seed: 1, name: 'feat' }).apply(input);
    const out = new Dense({ units: 1, seed: 2, name: 'out' }).apply(features);
    const model = new Model({ inputs: input, outputs: [features, out] });
    expect(model.outputNames).toEqual(['feat', 'out']);
    model.compile({ optimizer: 'sgd', loss: ['mse', 'mae'] });
    const { x, yA } = data();
    const yF = tensor(randomFloats(seededRandom(4), n * 3), [n, 3]);
    const [f, o] = model.predict(x) as Tensor[];
    const logs = await model.evaluate(x, [yF, yA]);
    expect(Object.keys(logs)).toEqual(['loss', 'feat_loss', 'out_loss']);
    const mse = Array.from(f.data).reduce((s, v, i) => s + (v - (yF.data[i] as number)) ** 2, 0) / (n * 3);
    const mae = Array.from(o.data).reduce((s, v, i) => s + Math.abs(v - (yA.data[i] as number)), 0) / n;
    expect(logs.feat_loss).toBeCloseTo(mse, 5);
    expect(logs.out_loss).toBeCloseTo(mae, 5);
  });

  it("iterates in Keras' list order: the loss, each output's loss, then the per-output metric keys sorted by name", async () => {
    // Keras' _flatten_metrics_in_order: the logs named as model.metrics are (loss, the compiled
    // metrics by their own names, each output's loss), then every other key in sorted order; a
    // multi-output model's metric keys carry the output's name, so they come last, sorted.
    const input = Input({ shape: [D] });
    const reg = new Dense(1, { seed: 4, name: 'reg' }).apply(input);
    const cls = new Dense(2, { seed: 5, activation: 'softmax', name: 'cls' }).apply(input);
    const model = new Model({ inputs: input, outputs: [reg, cls] });
    model.compile({ optimizer: 'sgd', loss: ['mse', 'categorical_crossentropy'], metrics: [['mae'], ['accuracy']] });
    const { yA, yB } = data();
    const x2 = tensor(randomFloats(seededRandom(3), n * D), [n, D]);
    const logs = await model.evaluate(x2, [yA, yB]);
    expect(Object.keys(logs)).toEqual(['loss', 'reg_mae', 'cls_accuracy', 'reg_loss', 'cls_loss']);
    expect([...logs]).toEqual([logs.loss, logs.reg_loss, logs.cls_loss, logs.cls_accuracy, logs.reg_mae]);
    const [loss, regLoss, clsLoss, clsAccuracy, regMae] = model.trainOnBatch(x2, [yA, yB]);
    expect([loss, regLoss, clsLoss, clsAccuracy, regMae].every(Number.isFinite)).toBe(true);
  });

  it("an output whose loss is null is not trained on, as Keras' None: the loss is the other output's, y may leave it out", async () => {
    const first = build();
    const second = build();
    const { x, yA, yB } = data();
    first.both.compile({ optimizer: 'sgd', loss: { a: 'mse', b: null } });
    second.onlyA.compile({ optimizer: 'sgd', loss: 'mse' });
    // One loss: no per-output loss logs (Keras logs <output>_loss only for more than one loss).
    const logs = await first.both.evaluate(x, { a: yA });
    expect(Object.keys(logs)).toEqual(['loss']);
    expect(logs.loss).toBeCloseTo((await second.onlyA.evaluate(x, yA)).loss, 6);
    const headB = first.both.getLayer('b').getWeights().map((w) => Array.from(w.data));
    await first.both.fit(x, { a: yA, b: yB }, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    await second.onlyA.fit(x, yA, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    for (const name of ['shared', 'a']) {
      expect(first.both.getLayer(name).getWeights().map((w) => Array.from(w.data)), name).toEqual(second.onlyA.getLayer(name).getWeights().map((w) => Array.from(w.data)));
    }
    expect(first.both.getLayer('b').getWeights().map((w) => Array.from(w.data))).toEqual(headB);
    // A list in output order takes null too; every entry null is a ConfigError.
    const third = build();
    third.both.compile({ optimizer: 'sgd', loss: [null, 'categorical_crossentropy'], metrics: [['mae'], []] });
    expect(Object.keys(await third.both.evaluate(x, [yA, yB]))).toEqual(['loss', 'a_mae']);
    expect(() => build().both.compile({ optimizer: 'sgd', loss: [null, null] })).toThrow(ConfigError);
  });

  it('fits with one loss for every output, a list of weights, and validation logs named as Keras', async () => {
    const { both } = build();
    const { x, yA, yB } = data();
    both.compile({ optimizer: 'adam', loss: 'mse', lossWeights: [1, 0.25], metrics: [['mae'], null] });
    const batch = both.trainOnBatch(x, [yA, yB]);
    expect(Object.keys(batch)).toEqual(['loss', 'a_mae', 'a_loss', 'b_loss']);
    expect(batch.loss).toBeCloseTo(batch.a_loss + 0.25 * batch.b_loss, 5);
    const history = await both.fit(x, [yA, yB], { epochs: 2, batchSize: 3, validationSplit: 0.25, verbose: 0, seed: 4 });
    expect(Object.keys(history.history)).toEqual(['loss', 'a_mae', 'a_loss', 'b_loss', 'val_loss', 'val_a_mae', 'val_a_loss', 'val_b_loss']);
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
