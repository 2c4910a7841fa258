// The Keras metrics compile() takes: names as Keras resolves them and logs them, the mean
// metrics (losses as metrics, the top-k accuracies) against float64 references of Keras'
// functions, RootMeanSquaredError, Precision, Recall and AUC against Keras' documented values
// and a float64 reference, masks where Keras applies them, and bad options.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, Sequential, Embedding, Input, LSTM, SimpleRNN, TimeDistributed, Dense, ConfigError, ShapeError, metrics, type Tensor } from '../dist/index.js';
import { RunningMetric, resolveMetrics } from '../dist/training/metrics.js';
import { referenceLossValues } from './reference/losses.js';
import { mannWhitneyAuc, referenceAuc } from './reference/metrics.js';
import { seededRandom } from './random.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

/** A metric's value after the given batches. */
function run(metric: unknown, batches: [Tensor, Tensor, Float32Array?][]): number {
  const [spec] = resolveMetrics([metric], 'test');
  const m = new RunningMetric(spec);
  for (const [y, p, mask] of batches) m.update(y, p, mask);
  return m.value;
}

const close = (actual: number, expected: number, what: string, tolerance = 1e-9) =>
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance + tolerance * Math.abs(expected));

describe('Precision, Recall and AUC', () => {
  it("match Keras' documented values", () => {
    const y = tensor([0, 1, 1, 1], [4]);
    const p = tensor([1, 0, 1, 1], [4]);
    close(run('precision', [[y, p]]), 2 / 3, 'Precision');
    close(run('Recall', [[y, p]]), 2 / 3, 'Recall');
    // Ties in top_k go to the lower index, as Keras' top_k.
    close(run({ class_name: 'Precision', config: { top_k: 2 } }, [[tensor([[0, 0, 1, 1]]), tensor([[1, 1, 1, 1]])]]), 0, 'Precision top_k 2');
    close(run({ class_name: 'Precision', config: { top_k: 4 } }, [[tensor([[0, 0, 1, 1]]), tensor([[1, 1, 1, 1]])]]), 0.5, 'Precision top_k 4');
    const yt = tensor([0, 0, 1, 1], [4]);
    const yp = tensor([0, 0.5, 0.3, 0.9], [4]);
    close(run({ class_name: 'AUC', config: { num_thresholds: 3 } }, [[yt, yp]]), 0.75, 'AUC(num_thresholds=3)');
    close(run({ class_name: 'AUC', config: { num_thresholds: 3, curve: 'PRGAIN' } }, [[yt, yp]]), 0.666666 * 0.333333 + 0.333333 * 0.833333, 'AUC PRGAIN', 1e-5);
    close(run({ class_name: 'AUC', config: { thresholds: [0.5] } }, [[yt, yp]]), 0.75, 'AUC manual thresholds');
    const logits = tensor(Array.from(yp.data, (v) => -Math.log(1 / (v + 1e-12) - 1)), [4]);
    close(run({ class_name: 'AUC', config: { num_thresholds: 3, from_logits: true } }, [[yt, logits]]), 0.75, 'AUC from_logits', 1e-6);
  });

  it('AUC with 200 interpolated thresholds is the exact ROC AUC when no bucket mixes the classes', () => {
    const random = seededRandom(4);
    const n = 60;
    const buckets = Array.from({ length: 199 }, (_, i) => i).sort(() => random() - 0.5).slice(0, n);
    const pred = Float32Array.from(buckets, (b) => (b + 0.5) / 199);
    const labels = Float32Array.from({ length: n }, () => (random() < 0.4 ? 1 : 0));
    close(run('auc', [[tensor(labels, [n, 1]), tensor(pred, [n, 1])]]), mannWhitneyAuc(labels, pred), 'ROC AUC', 1e-6);
  });

  it('AUC against the float64 reference for every curve and summation, over several batches', () => {
    const random = seededRandom(8);
    const n = 45;
    const labels = Float32Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0));
    // Positives score higher on average; a few exact ties and the end points 0 and 1.
    const pred = Float32Array.from(labels, (l, i) => (i % 15 === 0 ? i % 2 : Math.min(1, Math.max(0, 0.35 * l + 0.65 * random()))));
    const batches: [Tensor, Tensor][] = [[0, 20], [20, 40], [40, 45]].map(([a, b]) => [tensor(labels.slice(a, b), [b - a, 1]), tensor(pred.slice(a, b), [b - a, 1])]);
    for (const curve of ['ROC', 'PR', 'PRGAIN'] as const) {
      for (const summationMethod of ['interpolation', 'majoring', 'minoring'] as const) {
        for (const thresholds of [undefined, [0.1, 0.25, 0.5, 0.7, 0.9]]) {
          for (const numThresholds of thresholds ? [undefined] : [200, 13]) {
            const config = { curve, summation_method: summationMethod, ...(thresholds ? { thresholds } : { num_thresholds: numThresholds }) };
            close(run({ class_name: 'AUC', config }, batches), referenceAuc(labels, pred, { curve, summationMethod, thresholds, numThresholds }), JSON.stringify(config), 1e-12);
          }
        }
      }
    }
  });

  it('multi_label AUC averages the per-label areas, weighted by label_weights', () => {
    const random = seededRandom(12);
    const [n, L] = [30, 3];
    const y = Float32Array.from({ length: n * L }, () => (random() < 0.5 ? 1 : 0));
    const p = Float32Array.from(y, (l) => Math.fround(0.3 * l + 0.7 * random()));
    const column = (data: Float32Array, c: number) => Float32Array.from({ length: n }, (_, i) => data[i * L + c]);
    const perLabel = [0, 1, 2].map((c) => referenceAuc(column(y, c), column(p, c)));
    const batches: [Tensor, Tensor][] = [[tensor(y, [n, L]), tensor(p, [n, L])]];
    close(run({ class_name: 'AUC', config: { multi_label: true } }, batches), perLabel.reduce((a, b) => a + b) / L, 'mean');
    close(run({ class_name: 'AUC', config: { multi_label: true, num_labels: 3, label_weights: [1, 0, 3] } }, batches), (perLabel[0] + 3 * perLabel[2]) / 4, 'weighted');
    close(run('auc', batches), referenceAuc(y, p), 'one curve over every element');
  });

  it('Precision and Recall by class_id and threshold count over batches', () => {
    const random = seededRandom(2);
    const [n, C] = [25, 4];
    const y = Float32Array.from({ length: n * C }, () => (random() < 0.3 ? 1 : 0));
    const p = Float32Array.from({ length: n * C }, () => Math.fround(random()));
    let tp = 0, fp = 0, fn = 0;
    for (let i = 0; i < n; i++) {
      const positive = p[i * C + 2] > 0.7;
      const label = y[i * C + 2] === 1;
      if (positive && label) tp++;
      else if (positive) fp++;
      else if (label) fn++;
    }
    const batches: [Tensor, Tensor][] = [[tensor(y.slice(0, 40), [10, C]), tensor(p.slice(0, 40), [10, C])], [tensor(y.slice(40), [15, C]), tensor(p.slice(40), [15, C])]];
    close(run({ class_name: 'Precision', config: { thresholds: 0.7, class_id: 2 } }, batches), tp / (tp + fp), 'precision');
    close(run({ class_name: 'Recall', config: { thresholds: [0.7], class_id: 2 } }, batches), tp / (tp + fn), 'recall');
  });
});

describe('mean metrics', () => {
  it('top-k accuracies: a hit when fewer than k predictions are above the label\'s (ties count in)', () => {
    const random = seededRandom(5);
    const [n, C] = [40, 6];
    const p = Float32Array.from({ length: n * C }, () => Math.round(random() * 8) / 8);
    const labels = Float32Array.from({ length: n }, () => Math.floor(random() * C));
    const oneHot = Float32Array.from({ length: n * C }, (_, i) => (labels[Math.floor(i / C)] === i % C ? 1 : 0));
    for (const k of [1, 2, 5]) {
      const hits = Array.from(labels, (l, r) => {
        const row = Array.from(p.subarray(r * C, (r + 1) * C));
        return row.filter((v) => v > row[l]).length < k ? 1 : 0;
      });
      const expected = hits.reduce<number>((a, b) => a + b, 0) / n;
      const config = k === 5 ? {} : { k };
      close(run({ class_name: 'TopKCategoricalAccuracy', config }, [[tensor(oneHot, [n, C]), tensor(p, [n, C])]]), expected, `top ${k}`);
      close(run({ class_name: 'SparseTopKCategoricalAccuracy', config }, [[tensor(labels, [n]), tensor(p, [n, C])]]), expected, `sparse top ${k}`);
    }
    close(run('top_k_categorical_accuracy', [[tensor(oneHot, [n, C]), tensor(p, [n, C])]]), run({ class_name: 'TopKCategoricalAccuracy', config: { k: 5 } }, [[tensor(oneHot, [n, C]), tensor(p, [n, C])]]), 'default k = 5');
    // from_sorted_ids: y_pred holds class ids sorted by score.
    const ids = tensor([[3, 1, 0], [2, 0, 1]]);
    close(run({ class_name: 'SparseTopKCategoricalAccuracy', config: { k: 2, from_sorted_ids: true } }, [[tensor([1, 1], [2]), ids]]), 0.5, 'from_sorted_ids');
  });

  it('losses as metrics are the mean of the per-sample loss, masked steps left out; RootMeanSquaredError ignores the mask', () => {
    const random = seededRandom(6);
    const [B, T, C] = [3, 4, 2];
    const y = Float32Array.from({ length: B * T * C }, () => (random() < 0.5 ? 1 : 0));
    const p = Float32Array.from({ length: B * T * C }, () => Math.fround(0.05 + 0.9 * random()));
    const mask = Float32Array.from({ length: B * T }, (_, i) => (i % 3 === 1 ? 0 : 1));
    const maskedMean = (values: number[]) => values.reduce((a, v, i) => a + v * mask[i], 0) / mask.reduce((a, b) => a + b, 0);
    const batch: [Tensor, Tensor, Float32Array][] = [[tensor(y, [B, T, C]), tensor(p, [B, T, C]), mask]];
    const cases: [unknown, (values: number[]) => number, number[]][] = [
      ['binary_crossentropy', maskedMean, referenceLossValues('binary_crossentropy', y, p, C)],
      [{ class_name: 'BinaryCrossentropy', config: { label_smoothing: 0.2 } }, maskedMean, referenceLossValues('binary_crossentropy', y, p, C, { labelSmoothing: 0.2 })],
      ['kl_divergence', maskedMean, referenceLossValues('kl_divergence', y, p, C)],
      ['poisson', maskedMean, referenceLossValues('poisson', y, p, C)],
      ['hinge', maskedMean, referenceLossValues('hinge', y, p, C)],
      ['squared_hinge', maskedMean, referenceLossValues('squared_hinge', y, p, C)],
      ['categorical_hinge', maskedMean, referenceLossValues('categorical_hinge', y, p, C)],
      ['log_cosh_error', maskedMean, referenceLossValues('log_cosh', y, p, C)],
      ['mape', maskedMean, referenceLossValues('mape', y.map((v) => v + 0.5), p, C)],
      ['MSLE', maskedMean, referenceLossValues('msle', y, p, C)],
      ['cosine_similarity', maskedMean, referenceLossValues('cosine_similarity', y, p, C).map((v) => -v)],
      ['categorical_crossentropy', maskedMean, referenceLossValues('categorical_crossentropy', y, p, C)],
    ];
    for (const [metric, reduce, values] of cases) {
      const yTrue = metric === 'mape' ? tensor(y.map((v) => v + 0.5), [B, T, C]) : batch[0][0];
      close(run(metric, [[yTrue, batch[0][1], mask]]), reduce(values), JSON.stringify(metric));
    }
    const squared = Array.from(p, (v, i) => (v - y[i]) ** 2);
    close(run('root_mean_squared_error', batch), Math.sqrt(squared.reduce((a, b) => a + b) / squared.length), 'RMSE over every step');
  });

  it('RootMeanSquaredError is the root of the running mean, not a mean of roots', () => {
    const first = [tensor([[1], [3]]), tensor([[0], [0]])] as [Tensor, Tensor];
    const second = [tensor([[2]]), tensor([[0]])] as [Tensor, Tensor];
    close(run('RootMeanSquaredError', [first, second]), Math.sqrt((1 + 9 + 4) / 3), 'rmse');
  });
});

describe('metric names, logs and options', () => {
  it('logs each metric under the string as given or the config name (Keras defaults otherwise), val_ ones after', async () => {
    const random = seededRandom(9);
    const [N, D] = [10, 3];
    const model = new Sequential();
    model.add(new Dense({ units: 1, activation: 'sigmoid', inputShape: [D], seed: 4 }));
    const metrics = ['auc', { class_name: 'Precision', config: { name: 'prec' } }, { class_name: 'Recall', config: {} }, 'RootMeanSquaredError', 'binary_crossentropy', { class_name: 'LogCoshError', config: {} }, 'acc'];
    model.compile({ optimizer: 'adam', loss: 'mse', metrics: metrics as never });
    const x = tensor(Float32Array.from({ length: N * D }, () => random() * 2 - 1), [N, D]);
    const y = tensor(Float32Array.from({ length: N }, () => (random() < 0.5 ? 1 : 0)), [N, 1]);
    const history = await model.fit(x, y, { batchSize: 4, epochs: 2, validationSplit: 0.3, verbose: 0 });
    const names = ['auc', 'prec', 'recall', 'RootMeanSquaredError', 'binary_crossentropy', 'logcosh', 'acc'];
    expect(Object.keys(history.history)).toEqual(['loss', ...names, 'val_loss', ...names.map((n) => `val_${n}`)]);
    // evaluate() against the references on predict()'s outputs.
    const logs = await model.evaluate(x, y, { batchSize: 3 });
    const p = model.predict(x).data;
    const labels = y.data;
    close(logs.auc, referenceAuc(labels, p), 'auc', 1e-6);
    let tp = 0, fp = 0, fn = 0;
    p.forEach((v, i) => { if (v > 0.5 && labels[i]) tp++; else if (v > 0.5) fp++; else if (labels[i]) fn++; });
    close(logs.prec, tp / (tp + fp), 'precision', 1e-6);
    close(logs.recall, tp / (tp + fn), 'recall', 1e-6);
    close(logs.RootMeanSquaredError, Math.sqrt(Array.from(p, (v, i) => (v - labels[i]) ** 2).reduce((a, b) => a + b) / N), 'rmse', 1e-6);
    const bce = referenceLossValues('binary_crossentropy', labels, p, 1);
    close(logs.binary_crossentropy, bce.reduce((a, b) => a + b) / N, 'bce', 1e-6);
    model.dispose();
  });

  it('a masked sequence model: mean metrics leave masked steps out, AUC and RMSE see every step', async () => {
    const [N, T] = [4, 5];
    const ids = tensor([[1, 2, 3, 0, 0], [4, 5, 0, 0, 0], [6, 7, 8, 9, 1], [2, 3, 4, 5, 0]]);
    const y = tensor(Float32Array.from({ length: N * T }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0), [N, T, 1]);
    const model = new Sequential();
    model.add(new Embedding({ inputDim: 10, outputDim: 3, maskZero: true, inputShape: [T], seed: 1 }));
    model.add(new LSTM({ units: 3, returnSequences: true, seed: 2 }));
    model.add(new Dense({ units: 1, activation: 'sigmoid', seed: 3 }));
    model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', metrics: ['binary_crossentropy', 'auc', 'root_mean_squared_error'] });
    const logs = await model.evaluate(ids, y, { batchSize: 4 });
    const p = model.predict(ids).data;
    const mask = Array.from(ids.data, (v): number => (v !== 0 ? 1 : 0));
    const bce = referenceLossValues('binary_crossentropy', y.data, p, 1);
    close(logs.binary_crossentropy, bce.reduce((a, v, i) => a + v * mask[i], 0) / mask.reduce((a, b) => a + b, 0), 'masked bce', 1e-6);
    close(logs.loss, logs.binary_crossentropy, 'the loss is the same masked mean', 1e-6);
    close(logs.auc, referenceAuc(y.data, p), 'auc over every step', 1e-6);
    close(logs.root_mean_squared_error, Math.sqrt(Array.from(p, (v, i) => (v - y.data[i]) ** 2).reduce((a, b) => a + b) / (N * T)), 'rmse over every step', 1e-6);
    model.dispose();
  });

  it('a log name already taken gets _1, _2 as Keras names it', async () => {
    const model = new Sequential();
    model.add(new Dense({ units: 1, inputShape: [2], seed: 1 }));
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae', 'mae', { class_name: 'MeanAbsoluteError', config: { name: 'mae' } }, 'auc', { class_name: 'AUC', config: {} }] });
    const logs = await model.evaluate(tensor([[1, 2], [3, 4]]), tensor([[0], [1]]));
    expect(Object.keys(logs)).toEqual(['loss', 'mae', 'mae_1', 'mae_2', 'auc', 'auc_1']);
    expect(logs.mae_1).toBe(logs.mae);
    expect(logs.auc_1).toBe(logs.auc);
    model.dispose();
  });

  it('resolves Keras names, snake_case class names, camelCase and aliases', () => {
    const kinds = (names: unknown[]) => resolveMetrics(names, 'test').map((s) => s.kind);
    expect(kinds(['AUC', 'auc', 'Precision', 'precision', 'recall', 'RootMeanSquaredError', 'root_mean_squared_error', 'rootMeanSquaredError'])).toEqual(['auc', 'auc', 'precision', 'precision', 'recall', 'root_mean_squared_error', 'root_mean_squared_error', 'root_mean_squared_error']);
    expect(kinds(['TopKCategoricalAccuracy', 'top_k_categorical_accuracy', 'sparse_top_k_categorical_accuracy', 'topKCategoricalAccuracy'])).toEqual(['top_k_categorical_accuracy', 'top_k_categorical_accuracy', 'sparse_top_k_categorical_accuracy', 'top_k_categorical_accuracy']);
    expect(kinds(['ACC', 'Accuracy', 'mape', 'MSLE', 'kl_divergence', 'bce'])).toEqual(['accuracy', 'accuracy', 'loss', 'loss', 'loss', 'loss']);
    expect(resolveMetrics(['mape', 'msle'], 'test').map((s) => s.loss?.kind)).toEqual(['mape', 'msle']);
    expect(resolveMetrics([{ class_name: 'AUC', config: { curve: 'PR' } }, { class_name: 'AUC', config: { name: 'pr_auc', curve: 'pr' } }], 'test').map((s) => [s.name, s.auc?.curve])).toEqual([['auc', 'PR'], ['pr_auc', 'PR']]);
  });

  it('refuses unknown metrics and bad options with a ConfigError naming them', () => {
    const bad: [unknown, RegExp][] = [
      ['f1', /metrics\[0\] must be a Keras metric name .* received "f1"/],
      ['kld', /received "kld"/],
      ['huber', /received "huber"/],
      [{ class_name: 'AUCC', config: {} }, /unknown metric class "AUCC"/],
      [{ class_name: 'AUC', config: { curve: 'XY' } }, /'curve' must be 'ROC', 'PR' or 'PRGAIN', received "XY"/],
      [{ class_name: 'AUC', config: { summation_method: 'mid' } }, /'summation_method' must be 'interpolation', 'majoring' or 'minoring'/],
      [{ class_name: 'AUC', config: { num_thresholds: 1 } }, /'num_thresholds' must be an integer >= 2, received 1/],
      [{ class_name: 'AUC', config: { thresholds: [0.5, 2] } }, /'thresholds' must be a list of numbers in \[0, 1\]/],
      [{ class_name: 'AUC', config: { num_labels: 3 } }, /'num_labels' is needed only when multi_label is true/],
      [{ class_name: 'AUC', config: { from_logits: 'yes' } }, /'from_logits' must be a boolean, received "yes"/],
      [{ class_name: 'TopKCategoricalAccuracy', config: { k: 0 } }, /'k' must be an integer >= 1, received 0/],
      [{ class_name: 'Precision', config: { thresholds: [0.3, 0.5] } }, /'thresholds' must be one threshold here/],
      [{ class_name: 'Precision', config: { thresholds: 1.5 } }, /'thresholds' must be a number in \[0, 1\], received 1.5/],
      [{ class_name: 'Recall', config: { class_id: -1 } }, /'class_id' must be null or an integer >= 0, received -1/],
      [{ class_name: 'BinaryAccuracy', config: { treshold: 0.4 } }, /unknown metric config key 'treshold'; BinaryAccuracy takes name, dtype, threshold/],
      [{ class_name: 'MeanSquaredError', config: { dtype: 'float16' } }, /'dtype' must be 'float32' or null/],
    ];
    for (const [metric, message] of bad) {
      expect(() => resolveMetrics([metric], 'm: compile'), JSON.stringify(metric)).toThrow(ConfigError);
      expect(() => resolveMetrics([metric], 'm: compile'), JSON.stringify(metric)).toThrow(message);
    }
  });
});

describe("thresholds compare in float32, as Keras casts them to the predictions' dtype", () => {
  it('a prediction of exactly float32(0.4) is not above a threshold of 0.4: Recall, BinaryAccuracy, F1Score and Precision', () => {
    const model = new Sequential([Input({ shape: [1] }), new Dense({ units: 1 })]);
    model.setWeights([tensor([1], [1, 1]), tensor([0], [1])]); // y_pred = x
    model.compile({
      optimizer: 'sgd', loss: 'mse',
      metrics: [new metrics.Recall({ thresholds: 0.4, name: 'r' }), new metrics.Precision({ thresholds: 0.3, name: 'p' }),
        new metrics.BinaryAccuracy({ threshold: 0.4, name: 'ba' }), new metrics.F1Score({ threshold: 0.4, average: 'micro', name: 'f1' })],
    });
    // Predictions 0.3, 0.4, 0.7, 0.1 (float32): only 0.7 is above float32(0.4), and 0.4, 0.7 above float32(0.3).
    const logs = model.testOnBatch(tensor([0.3, 0.4, 0.7, 0.1], [4, 1]), tensor([1, 1, 1, 0], [4, 1]));
    expect(logs.r).toBeCloseTo(1 / 3, 6);
    expect(logs.p).toBeCloseTo(1, 6);
    expect(logs.ba).toBeCloseTo(0.5, 6);
    // TP 1, FP 0, FN 2: precision 1, recall 1/3, F1 = 2 · (1/3) / (4/3).
    expect(logs.f1).toBeCloseTo(0.5, 6);
  });
});

describe("a per-step mask that does not fit y's layout is refused, as Keras fails to broadcast it", () => {
  it('Embedding(maskZero) -> SimpleRNN(returnSequences) -> TimeDistributed(Dense(1)): y [B, T, 1] trains on the valid steps, y [B, T] is a ShapeError rather than a loss over the padding', async () => {
    const model = new Sequential([
      Input({ shape: [4] }), new Embedding(5, 3, { maskZero: true, seed: 1 }),
      new SimpleRNN(2, { returnSequences: true, seed: 2 }), new TimeDistributed(new Dense(1, { seed: 3 })),
    ]);
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const ids = tensor([[1, 2, 3, 0], [2, 0, 0, 0], [3, 1, 2, 1]]);
    const targets = [1, 2, 3, 9, 2, 9, 9, 9, 3, 1, 2, 1];
    const valid = model.testOnBatch(ids, tensor(targets, [3, 4, 1]));
    // The mean over the 8 valid steps of predict's outputs; the padded steps' 9s take no part.
    const y = (model.predict(ids) as Tensor).data;
    const steps = targets.flatMap((t, i) => (ids.data[i] === 0 ? [] : [(y[i] - t) ** 2]));
    expect(steps).toHaveLength(8);
    expect(valid.loss).toBeCloseTo(steps.reduce((a, b) => a + b, 0) / 8, 5);
    const flat = tensor(targets, [3, 4]);
    expect(() => model.testOnBatch(ids, flat)).toThrow(/mask holds 12 values.*do not fit the 3 loss rows of y of shape \[3, 4\].*give y the predictions' shape/);
    await expect(model.fit(ids, flat, { verbose: 0 })).rejects.toThrow(ShapeError);
  });
});
