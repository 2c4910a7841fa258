// Keras 3's loss reductions ('sum_over_batch_size' default, 'mean', 'sum', 'mean_with_sample_weight',
// 'none' / null) on loss configs and in compile: Keras' own test values (keras/src/losses/
// losses_test.py and loss_test.py at v3.15.1), every reduction with masks and sample weights
// against the float64 reference of reduce_weighted_values with finite-difference gradients, fit
// against a float64 loop, evaluate against the reduction of predict's output, and the refusal
// to train on an unreduced loss.
import { expectCentralDifferences } from './loss-gradient-check.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, Sequential, Dense, LSTM, Input, Model, ConfigError, type Tensor } from '../dist/index.js';
import { computeLoss, resolveLoss } from '../dist/training/losses.js';
import { referenceLossValues, referenceReduction, type ReferenceReduction } from './reference/losses.js';
import { referenceDenseFit } from './reference/dense-training.js';
import { randomFloats, seededRandom } from './random.js';
import { expectClose } from './expect-close.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const REDUCTIONS: ReferenceReduction[] = ['sum_over_batch_size', 'mean', 'sum', 'mean_with_sample_weight', 'none'];

const loss = (className: string, reduction: string | null) => resolveLoss({ class_name: className, config: { reduction } }, 'test');

describe("Keras' test values", () => {
  // losses_test.py: y_true [[1, 9, 2], [-5, -2, 6]], y_pred [[4, 8, 12], [8, 1, 3]].
  const yTrue = tensor([[1, 9, 2], [-5, -2, 6]]);
  const yPred = tensor([[4, 8, 12], [8, 1, 3]]);
  const both = (w: number) => Float32Array.of(w, w);
  const close = (actual: number, expected: number) => expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(1e-4 * Math.abs(expected) + 1e-6);

  it('MeanSquaredError and MeanAbsoluteError for each reduction', () => {
    close(computeLoss(loss('MeanSquaredError', 'sum_over_batch_size'), yTrue, yPred, undefined, both(2.3), 'test').loss, 113.85);
    close(computeLoss(loss('MeanSquaredError', 'sum_over_batch_size'), yTrue, yPred, undefined, Float32Array.of(1.2, 3.4), 'test').loss, 767.8 / 6);
    close(computeLoss(loss('MeanSquaredError', 'sum'), yTrue, yPred, undefined, both(2.3), 'test').loss, 227.69998);
    close(computeLoss(loss('MeanAbsoluteError', 'sum'), yTrue, yPred, undefined, both(2.3), 'test').loss, 25.29999);
    close(computeLoss(loss('MeanSquaredError', 'mean_with_sample_weight'), yTrue, yPred, undefined, Float32Array.of(1.2, 3.4), 'test').loss, (110 / 3 * 1.2 + 187 / 3 * 3.4) / (1.2 + 3.4));
    close(computeLoss(loss('MeanAbsoluteError', 'mean_with_sample_weight'), yTrue, yPred, undefined, Float32Array.of(1.2, 3.4), 'test').loss, (14 / 3 * 1.2 + 19 / 3 * 3.4) / (1.2 + 3.4));
    // reduction=None keeps [84.3333, 143.3666] (MAE [10.7333, 14.5666]); the loss tracker records their mean.
    for (const reduction of ['none', null]) {
      const mse = computeLoss(loss('MeanSquaredError', reduction), yTrue, yPred, undefined, both(2.3), 'test');
      expect(mse.values?.length).toBe(2);
      close((mse.values as Float64Array)[0], 84.3333);
      close((mse.values as Float64Array)[1], 143.3666);
      close(mse.loss, (84.3333 + 143.3666) / 2);
      const mae = computeLoss(loss('MeanAbsoluteError', reduction), yTrue, yPred, undefined, both(2.3), 'test');
      close((mae.values as Float64Array)[0], 10.7333);
      close((mae.values as Float64Array)[1], 14.5666);
    }
    for (const reduction of REDUCTIONS) expect(computeLoss(loss('MeanSquaredError', reduction), yTrue, yPred, undefined, both(0), 'test').loss, reduction).toBe(0);
  });

  // loss_test.py: y_true [1, 0, 1, 0], y_pred [0.1, 0.2, 0.3, 0.4], mask [T, F, T, T], squared
  // errors one per sample (here mse on a last axis of 1).
  it('masks and sample weights (loss_test.py)', () => {
    const t = tensor([[1], [0], [1], [0]]);
    const p = tensor([[0.1], [0.2], [0.3], [0.4]]);
    const mask = Float32Array.of(1, 0, 1, 1);
    const weights = Float32Array.of(0.4, 0.3, 0.2, 0.1);
    const squares = [0.81, 0.04, 0.49, 0.16];
    close(computeLoss(loss('MeanSquaredError', 'sum_over_batch_size'), t, p, mask, undefined, 'test').loss, (0.81 + 0.49 + 0.16) / 3);
    close(computeLoss(loss('MeanSquaredError', 'sum_over_batch_size'), t, p, undefined, weights, 'test').loss, squares.reduce((s, v, i) => s + v * weights[i], 0) / 4);
    close(computeLoss(loss('MeanSquaredError', 'sum_over_batch_size'), t, p, mask, weights, 'test').loss, (0.4 * 0.81 + 0.2 * 0.49 + 0.1 * 0.16) / 3);
    close(computeLoss(loss('MeanSquaredError', 'sum'), t, p, mask, undefined, 'test').loss, 0.81 + 0.49 + 0.16);
    close(computeLoss(loss('MeanSquaredError', 'mean_with_sample_weight'), t, p, mask, undefined, 'test').loss, (0.81 + 0.49 + 0.16) / 3);
    close(computeLoss(loss('MeanSquaredError', 'mean_with_sample_weight'), t, p, mask, weights, 'test').loss, (0.4 * 0.81 + 0.2 * 0.49 + 0.1 * 0.16) / 0.7);
    // Everything masked: 0, never NaN.
    for (const reduction of REDUCTIONS) expect(computeLoss(loss('MeanSquaredError', reduction), t, p, new Float32Array(4), undefined, 'test').loss, reduction).toBe(0);
  });
});

describe('every reduction against the float64 reference, with finite-difference gradients', () => {
  const cases = REDUCTIONS.flatMap((reduction) => [
    { reduction, label: 'per-sample rows with sample weights', B: 4, T: 1, masked: false, weighted: true },
    { reduction, label: 'per-step rows with a mask', B: 3, T: 4, masked: true, weighted: false },
    { reduction, label: 'per-step rows with a mask and sample weights', B: 3, T: 4, masked: true, weighted: true },
  ]);
  it.each(cases.map((c) => [`${c.reduction}: ${c.label}`, c] as const))('%s', (_label, c) => {
    const random = seededRandom(cases.indexOf(c) + 31);
    const C = 3;
    const rows = c.B * c.T;
    const shape = c.T === 1 ? [c.B, C] : [c.B, c.T, C];
    const yTrue = randomFloats(random, rows * C);
    const yPred = randomFloats(random, rows * C);
    const mask = c.masked ? Float32Array.from({ length: rows }, (_, i) => (i % 5 === 2 ? 0 : 1)) : undefined;
    const sampleWeight = c.weighted ? Float32Array.from({ length: c.B }, () => Math.fround(0.25 + random() * 1.5)) : undefined;
    const result = computeLoss(loss('Huber', c.reduction), tensor(yTrue, shape), tensor(yPred, shape), mask, sampleWeight, 'test');
    const reference = (pred: ArrayLike<number>) => referenceReduction(referenceLossValues('huber', yTrue, pred, C), c.B, c.reduction, mask, sampleWeight);
    const expected = reference(yPred);
    expect(Math.abs(result.loss - expected), `${result.loss} vs ${expected}`).toBeLessThanOrEqual(1e-9 + 1e-9 * Math.abs(expected));
    expectCentralDifferences(result.gradient, yPred, reference, 1e-6);
  });
});

describe('reduction in compile', () => {
  const N = 10;
  const D = 3;
  const C = 2;
  const data = (seed: number) => {
    const random = seededRandom(seed);
    return { x: randomFloats(random, N * D), y: randomFloats(random, N * C) };
  };
  const dense = (seed: number) => {
    const m = new Sequential();
    m.add(new Dense({ units: C, inputShape: [D], seed }));
    return m;
  };

  it("fit with 'sum' and 'mean_with_sample_weight' (no weights: the mean) against a float64 loop", async () => {
    for (const reduction of ['sum', 'mean_with_sample_weight'] as const) {
      const model = dense(4);
      const { x, y } = data(5);
      const [kernel, bias] = model.getWeights().map((w) => Float64Array.from(w.data));
      const lr = Math.fround(0.05);
      model.compile({ optimizer: { class_name: 'SGD', config: { learning_rate: 0.05 } }, loss: { class_name: 'MeanSquaredError', config: { reduction } } });
      const history = await model.fit(tensor(x, [N, D]), tensor(y, [N, C]), { batchSize: 4, epochs: 2, shuffle: false, verbose: 0 });
      const expected = referenceDenseFit({
        x, y, D, C, activation: 'linear', kernel, bias, batchSize: 4, epochs: 2,
        loss: (yb, pred, samples) => referenceReduction(referenceLossValues('mse', yb, pred, C), samples, reduction),
        update: (weights, gradients) => weights.forEach((w, i) => w.forEach((v, j) => { w[j] = v - lr * gradients[i][j]; })),
      });
      expectClose(history.history.loss, expected, { label: `${reduction} loss` });
      expectClose(model.getWeights(), [{ shape: [D, C], data: kernel }, { shape: [C], data: bias }], { label: `${reduction} weights` });
    }
  });

  it("evaluate with each reduction and sample weights: the batches' reduced losses, weighted by their sample counts", async () => {
    const model = dense(6);
    const { x, y } = data(7);
    const weights = Float32Array.from({ length: N }, (_, i) => Math.fround(0.2 + 0.15 * i));
    const predicted = (model.predict(tensor(x, [N, D])) as Tensor).data;
    for (const reduction of REDUCTIONS) {
      model.compile({ optimizer: 'sgd', loss: { class_name: 'MeanAbsoluteError', config: { reduction: reduction === 'none' ? null : reduction } } });
      const result = await model.evaluate(tensor(x, [N, D]), tensor(y, [N, C]), { batchSize: 4, sampleWeight: weights });
      let total = 0;
      for (let start = 0; start < N; start += 4) {
        const end = Math.min(N, start + 4);
        const values = referenceLossValues('mae', y.subarray(start * C, end * C), predicted.subarray(start * C, end * C), C);
        total += referenceReduction(values, end - start, reduction, undefined, weights.subarray(start, end)) * (end - start);
      }
      expectClose([result.loss], [total / N], { label: `${reduction} evaluate` });
    }
  });

  it("refuses to train on an unreduced loss, naming the output and the reason; evaluate and the next valid compile work", async () => {
    const model = dense(8);
    const { x, y } = data(9);
    const before = model.getWeights().map((w) => w.data.slice());
    model.compile({ optimizer: 'sgd', loss: { class_name: 'MeanSquaredError', config: { reduction: 'none' } } });
    const xs = tensor(x, [N, D]);
    const ys = tensor(y, [N, C]);
    await expect(model.fit(xs, ys, { verbose: 0 })).rejects.toThrow(ConfigError);
    await expect(model.fit(xs, ys, { verbose: 0 })).rejects.toThrow(/reduction 'none', which leaves one loss value per sample, and training needs one scalar/);
    expect(() => model.trainOnBatch(xs, ys)).toThrow(/reduction 'none'/);
    expect(() => model.computeGradients(xs, ys)).toThrow(/reduction 'none'/);
    model.getWeights().forEach((w, i) => expect(w.data).toEqual(before[i]));
    expect(Number.isFinite((await model.evaluate(xs, ys)).loss)).toBe(true);
    model.compile({ optimizer: 'sgd', loss: { class_name: 'MeanSquaredError', config: { reduction: 'sum' } } });
    expect(Number.isFinite(model.trainOnBatch(xs, ys).loss)).toBe(true);
  });

  it("evaluate: two unreduced losses of different sizes do not add up (a ConfigError naming both outputs); of equal sizes they do", async () => {
    const T = 3;
    const input = Input({ shape: [T, D] });
    const sequence = new LSTM({ units: 2, returnSequences: true, seed: 1 }).apply(input);
    const perStep = new Dense({ units: C, seed: 2, name: 'per_step' }).apply(sequence);
    const last = new Dense({ units: C, seed: 3, name: 'last' }).apply(new LSTM({ units: 2, seed: 4 }).apply(input));
    const model = new Model({ inputs: input, outputs: [perStep, last] });
    const none = { class_name: 'MeanSquaredError', config: { reduction: null } };
    const random = seededRandom(12);
    const x = tensor(randomFloats(random, 4 * T * D), [4, T, D]);
    const y = [tensor(randomFloats(random, 4 * T * C), [4, T, C]), tensor(randomFloats(random, 4 * C), [4, C])];
    model.compile({ optimizer: 'sgd', loss: [none, none] });
    await expect(model.evaluate(x, y)).rejects.toThrow(/outputs per_step and last have reduction 'none' with 12 and 4 values per batch/);
    model.compile({ optimizer: 'sgd', loss: [none, 'mse'] });
    const logs = await model.evaluate(x, y);
    expectClose([logs.loss], [logs.per_step_loss + logs.last_loss], { label: 'total' });
  });

  it('refuses an unknown reduction with the list of the valid ones; absent is the default, and the default is unchanged', () => {
    expect(() => loss('Huber', 'auto')).toThrow(ConfigError);
    expect(() => loss('Huber', 'auto')).toThrow(/'reduction' must be one of 'sum_over_batch_size', 'sum', 'mean', 'mean_with_sample_weight', 'none' or null, received "auto"/);
    expect(() => resolveLoss({ class_name: 'Huber', config: { reduction: 3 } }, 'test')).toThrow(/received 3/);
    expect(resolveLoss({ class_name: 'Huber', config: {} }, 'test')).toEqual(resolveLoss('huber', 'test'));
    expect(resolveLoss('huber', 'test').reduction).toBe('sum_over_batch_size');
    expect(loss('Huber', null).reduction).toBe('none');
  });
});

describe("temporal sample weights, (samples, timesteps), as Keras' fit documents them", () => {
  const [N, T, D, C] = [6, 4, 3, 3];
  const random = seededRandom(77);
  const x = tensor(randomFloats(random, N * T * D), [N, T, D]);
  const labels = Float32Array.from({ length: N * T }, (_, i) => (i * 5) % C);
  const stepWeights = Float32Array.from({ length: N * T }, (_, i) => [0, 0.5, 1, 2][(i * 3) % 4] as number);
  const make = () => {
    const model = new Sequential([Input({ shape: [T, D] }), new LSTM(4, { returnSequences: true, seed: 1 }), new Dense(C, { activation: 'softmax', seed: 2 })]);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', weightedMetrics: ['sparse_categorical_accuracy'] });
    return model;
  };

  it('weigh each step: the loss is sum(w v) over the N·T rows divided by their count, the weighted metric sum(w a) / sum(w)', async () => {
    const model = make();
    const p = (model.predict(x) as Tensor).data;
    const values = referenceLossValues('sparse_categorical_crossentropy', labels, p, C);
    const expected = values.reduce((sum, v, r) => sum + (stepWeights[r] as number) * v, 0) / (N * T);
    let right = 0;
    let total = 0;
    for (let r = 0; r < N * T; r++) {
      const row = Array.from(p.subarray(r * C, (r + 1) * C));
      if (row.indexOf(Math.max(...row)) === labels[r]) right += stepWeights[r] as number;
      total += stepWeights[r] as number;
    }
    const logs = await model.evaluate(x, tensor(labels, [N, T]), { sampleWeight: tensor(stepWeights, [N, T]), batchSize: 4 });
    expect(logs.loss).toBeCloseTo(expected, 5);
    expect(logs.sparse_categorical_accuracy).toBeCloseTo(right / total, 6);
  });

  it('the same weight on every step of a sample trains as the per-sample weight, shuffled and split alike', async () => {
    const perSample = Float32Array.from({ length: N }, (_, i) => 0.5 + i);
    const expanded = Float32Array.from({ length: N * T }, (_, r) => perSample[Math.floor(r / T)] as number);
    const a = make();
    const b = make();
    const y = tensor(labels, [N, T]);
    const options = { epochs: 2, batchSize: 2, validationSplit: 1 / 3, seed: 5, verbose: 0 as const };
    const ha = await a.fit(x, y, { ...options, sampleWeight: tensor(perSample, [N]) });
    const hb = await b.fit(x, y, { ...options, sampleWeight: tensor(expanded, [N, T]) });
    expect(hb.history).toEqual(ha.history);
    expect(b.getWeights().map((w) => Array.from(w.data))).toEqual(a.getWeights().map((w) => Array.from(w.data)));
  });

  it('refuse outputs without that time axis and per-sample weighted metrics, with a ShapeError', async () => {
    const flat = new Sequential([Input({ shape: [T, D] }), new LSTM(4), new Dense(1)]);
    flat.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(flat.evaluate(x, tensor(new Float32Array(N), [N, 1]), { sampleWeight: tensor(stepWeights, [N, T]) })).rejects.toThrow('needs outputs of shape (samples, 4, ...)');
    const auc = new Sequential([Input({ shape: [T, D] }), new LSTM(4, { returnSequences: true }), new Dense(1, { activation: 'sigmoid' })]);
    auc.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', weightedMetrics: ['auc'] });
    await expect(auc.evaluate(x, tensor(new Float32Array(N * T), [N, T, 1]), { sampleWeight: tensor(stepWeights, [N, T]) })).rejects.toThrow('the weighted metric auc takes one weight per sample');
  });
});
