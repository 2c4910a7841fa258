// F1Score, FBetaScore and R2Score as Keras 3 defines them (keras/src/metrics/f_score_metrics.py
// and regression_metrics.py at v3.15.1), against Keras' docstring and test values
// (f_score_metrics_test.py, regression_metrics_test.py); in compile as metrics and as
// weightedMetrics, against the same formulas in float64 over the batches fit saw.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, Sequential, Dense, Input, Model, LSTM, Masking, TimeDistributed, ConfigError, type Tensor } from '../dist/index.js';
import { FBetaState, R2State, resolveScoreMetric } from '../dist/training/score-metrics.js';
import { randomFloats, seededRandom } from './random.js';
import { referenceFBeta, referenceR2 } from './reference/metrics.js';
import { expectClose } from './expect-close.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const KERAS_ATOL = { abs: 1e-6, rel: 0 };
/** Keras' test values are printed to 6 or 7 digits. */
const PRINTED = { abs: 2e-6, rel: 0 };

function fbeta(config: Record<string, unknown>, yTrue: number[][], yPred: number[][], sampleWeight?: number[], className = 'FBetaScore'): number[] {
  const spec = resolveScoreMetric(className, config, 'test');
  const state = new FBetaState(spec.fbeta as NonNullable<typeof spec.fbeta>);
  state.update(tensor(yTrue), tensor(yPred), sampleWeight ? Float32Array.from(sampleWeight) : undefined, 'test');
  return state.scores();
}

describe('FBetaScore and F1Score: Keras docstring and test values', () => {
  it('the docstring examples (average None)', () => {
    const yTrue = [[1, 1, 1], [1, 0, 0], [1, 1, 0]];
    const yPred = [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]];
    expectClose(fbeta({ beta: 2.0, threshold: 0.5 }, yTrue, yPred), [0.3846154, 0.90909094, 0.8333334], { tolerance: PRINTED });
    expectClose(fbeta({ threshold: 0.5 }, yTrue, yPred, undefined, 'F1Score'), [0.5, 0.8, 0.6666667], { tolerance: PRINTED });
  });

  // test_fbeta_random_score: threshold 0.66.
  const randomScore: [string | null, number, number[]][] = [
    [null, 0.5, [0.71428573, 0.5, 0.833334]], [null, 1.0, [0.8, 0.5, 0.6666667]], [null, 2.0, [0.9090904, 0.5, 0.555556]],
    ['micro', 0.5, [0.6666667]], ['micro', 1.0, [0.6666667]], ['micro', 2.0, [0.6666667]],
    ['macro', 0.5, [0.6825397]], ['macro', 1.0, [0.6555555]], ['macro', 2.0, [0.6548822]],
    ['weighted', 0.5, [0.6825397]], ['weighted', 1.0, [0.6555555]], ['weighted', 2.0, [0.6548822]],
  ];
  it.each(randomScore)('threshold 0.66, average %s, beta %s', (average, beta, result) => {
    expectClose(fbeta({ average, beta, threshold: 0.66 }, [[0, 0, 1], [1, 1, 0], [1, 1, 1]], [[0.7, 0.7, 0.7], [1, 0, 0], [0.9, 0.8, 0]]), result, { tolerance: PRINTED });
  });

  // test_fbeta_weighted_random_score_none: threshold None (the argmax), sample weights.
  const yTrue = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [1, 0, 0], [0, 0, 1]];
  const yPred = [[0.9, 0.1, 0], [0.2, 0.6, 0.2], [0, 0, 1], [0.4, 0.3, 0.3], [0, 0.9, 0.1], [0, 0, 1]];
  const w1 = [1, 1, 1, 1, 1, 1];
  const w2 = [1, 0, 1, 1, 0, 1];
  const w3 = [0.5, 1, 1, 1, 0.5, 1];
  const weighted: [string | null, number, number[], number[]][] = [
    [null, 0.5, w1, [0.909091, 0.555556, 1.0]], [null, 0.5, w2, [1.0, 0.0, 1.0]], [null, 0.5, w3, [0.9375, 0.714286, 1.0]],
    [null, 1.0, w1, [0.8, 0.666667, 1.0]], [null, 1.0, w2, [1.0, 0.0, 1.0]], [null, 1.0, w3, [0.857143, 0.8, 1.0]],
    [null, 2.0, w1, [0.714286, 0.833333, 1.0]], [null, 2.0, w2, [1.0, 0.0, 1.0]], [null, 2.0, w3, [0.789474, 0.909091, 1.0]],
    ['micro', 0.5, w1, [0.833333]], ['micro', 0.5, w2, [1.0]], ['micro', 0.5, w3, [0.9]],
    ['micro', 2.0, w1, [0.833333]], ['micro', 2.0, w3, [0.9]],
    ['macro', 0.5, w1, [0.821549]], ['macro', 0.5, w2, [0.666667]], ['macro', 0.5, w3, [0.883929]],
    ['macro', 1.0, w1, [0.822222]], ['macro', 1.0, w2, [0.666667]], ['macro', 1.0, w3, [0.885714]],
    ['macro', 2.0, w1, [0.849206]], ['macro', 2.0, w2, [0.666667]], ['macro', 2.0, w3, [0.899522]],
    ['weighted', 0.5, w1, [0.880471]], ['weighted', 0.5, w2, [1.0]], ['weighted', 0.5, w3, [0.917857]],
    ['weighted', 1.0, w1, [0.844444]], ['weighted', 1.0, w2, [1.0]], ['weighted', 1.0, w3, [0.902857]],
    ['weighted', 2.0, w1, [0.829365]], ['weighted', 2.0, w2, [1.0]], ['weighted', 2.0, w3, [0.897608]],
  ];
  it.each(weighted)('argmax, average %s, beta %s, sample weights %j', (average, beta, weights, result) => {
    expectClose(fbeta({ average, beta, threshold: null }, yTrue, yPred, weights), result, { tolerance: PRINTED });
  });

  it('perfect and worst scores (threshold 0.66) for every average', () => {
    for (const average of [null, 'micro', 'macro', 'weighted']) {
      for (const beta of [0.5, 1.0, 2.0]) {
        const perfect = fbeta({ average, beta, threshold: 0.66 }, [[1, 1, 1], [1, 0, 0], [1, 1, 0]], [[0.7, 0.7, 0.7], [1, 0, 0], [0.9, 0.8, 0]]);
        expectClose(perfect, perfect.map(() => 1), { tolerance: KERAS_ATOL });
        const worst = fbeta({ average, beta, threshold: 0.66 }, [[0, 0, 0], [0, 1, 0], [0, 0, 1]], [[0.7, 0.7, 0.7], [1, 0, 0], [0.9, 0.8, 0]]);
        expectClose(worst, worst.map(() => 0), { tolerance: KERAS_ATOL });
      }
    }
  });

  it("refuses Keras' invalid arguments with a ConfigError naming them", () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ average: 'invalid_average' }, /'average' must be null, 'micro', 'macro' or 'weighted', received "invalid_average"/],
      [{ average: 'macro', beta: 0 }, /'beta' must be a number > 0, received 0/],
      [{ average: 'macro', beta: -0.5 }, /'beta' must be a number > 0, received -0.5/],
      [{ average: 'macro', beta: '1.0' }, /'beta' must be a number > 0, received "1.0"/],
      [{ average: 'macro', threshold: 1.1 }, /'threshold' must be null or a number with 0 < threshold <= 1, received 1.1/],
      [{ average: 'macro', threshold: 0 }, /'threshold' must be null or a number with 0 < threshold <= 1, received 0/],
      [{ average: 'macro', threshold: '0.5' }, /'threshold' must be null or a number/],
    ];
    for (const [config, message] of bad) expect(() => resolveScoreMetric('FBetaScore', config, 'test'), JSON.stringify(config)).toThrow(message);
    expect(() => resolveScoreMetric('F1Score', { beta: 2 }, 'test')).toThrow(/unknown metric config key 'beta'/);
    const state = new FBetaState(resolveScoreMetric('F1Score', { average: 'macro' }, 'test').fbeta as NonNullable<ReturnType<typeof resolveScoreMetric>['fbeta']>);
    expect(() => state.update(tensor([0, 1]), tensor([0.2, 0.8]), undefined, 'test')).toThrow(/F1Score expects 2D inputs with shape \(batch_size, output_dim\)/);
  });
});

function r2(config: Record<string, unknown>, yTrue: number[][], yPred: number[][], sampleWeight?: number[]): number[] {
  const state = new R2State(resolveScoreMetric('R2Score', config, 'test').r2 as NonNullable<ReturnType<typeof resolveScoreMetric>['r2']>);
  state.update(tensor(yTrue), tensor(yPred), sampleWeight ? Float32Array.from(sampleWeight) : undefined, 'test');
  return state.scores();
}

describe('R2Score: Keras docstring and test values', () => {
  it('the docstring example', () => {
    expectClose(r2({}, [[1], [4], [3]], [[2], [4], [4]]), [0.57142854], { tolerance: PRINTED });
  });

  it.each([
    [null, 0, [0.37, -1.295, 0.565]], ['uniform_average', 0, [-0.12]], ['variance_weighted_average', 0, [-0.12]],
  ] as const)('sklearn comparison: class_aggregation %s, num_regressors %s', (classAggregation, numRegressors, result) => {
    expectClose(r2({ class_aggregation: classAggregation, num_regressors: numRegressors }, [[0, 0, 1], [0, 1, 0], [1, 0, 0]], [[0.4, 0.5, 0.6], [0.1, 0.2, 0.3], [0.5, 0.8, 0.2]]), [...result], { tolerance: PRINTED });
  });

  it.each([
    [null, 0, [0.17305559, -8.836666, -0.521]], [null, 1, [0.054920673, -10.241904, -0.7382858]], [null, 2, [-0.10259259, -12.115555, -1.0280001]],
    ['uniform_average', 0, [-3.0615367889404297]], ['uniform_average', 1, [-3.641756534576416]], ['uniform_average', 2, [-4.415382385253906]],
    ['variance_weighted_average', 0, [-1.3710224628448486]], ['variance_weighted_average', 1, [-1.7097399234771729]], ['variance_weighted_average', 2, [-2.161363363265991]],
  ] as const)('tfa comparison with sample weights: class_aggregation %s, num_regressors %s', (classAggregation, numRegressors, result) => {
    const yTrue = [[0, 0, 1], [0, 1, 0], [1, 0, 0]];
    const yPred = [[0.4, 0.9, 1.6], [0.1, 1.2, 0.6], [1.5, 0.8, 0.6]];
    expectClose(r2({ class_aggregation: classAggregation, num_regressors: numRegressors }, yTrue, yPred, [0.8, 0.1, 0.4]), [...result], { tolerance: { abs: 1e-5, rel: 1e-6 } });
  });

  it("refuses Keras' invalid arguments and inputs", () => {
    expect(() => resolveScoreMetric('R2Score', { class_aggregation: 'wrong' }, 'test')).toThrow(/'class_aggregation' must be null, 'uniform_average' or 'variance_weighted_average', received "wrong"/);
    expect(() => resolveScoreMetric('R2Score', { num_regressors: -1 }, 'test')).toThrow(/'num_regressors' must be an integer >= 0, received -1/);
    const state = new R2State(resolveScoreMetric('R2Score', {}, 'test').r2 as NonNullable<ReturnType<typeof resolveScoreMetric>['r2']>);
    expect(() => state.update(tensor([0, 1]), tensor([0, 1]), undefined, 'test')).toThrow(/R2Score expects 2D inputs/);
  });
});

describe('F1Score, FBetaScore and R2Score in compile, and weightedMetrics', () => {
  const N = 10;
  const D = 3;
  const C = 3;
  const data = (seed: number) => {
    const random = seededRandom(seed);
    const x = randomFloats(random, N * D, 2);
    const labels = Float32Array.from({ length: N * C }, () => (random() < 0.4 ? 1 : 0));
    return { x, labels, targets: randomFloats(random, N * C) };
  };
  const model = (activation: 'sigmoid' | 'linear', seed: number) => {
    const m = new Sequential();
    m.add(new Dense({ units: C, activation, inputShape: [D], seed }));
    return m;
  };

  it('evaluate: the scores of all the batches together (not the mean of per-batch scores), against their float64 formulas', async () => {
    const { x, labels, targets } = data(3);
    const classifier = model('sigmoid', 4);
    classifier.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', metrics: [
      { class_name: 'F1Score', config: { average: 'macro', threshold: 0.5 } },
      { class_name: 'FBetaScore', config: { average: 'weighted', beta: 2.0, threshold: null, name: 'f2' } },
      { class_name: 'F1Score', config: { average: 'micro', threshold: 0.4 } },
    ] });
    const logs = await classifier.evaluate(tensor(x, [N, D]), tensor(labels, [N, C]), { batchSize: 3 });
    expect(Object.keys(logs)).toEqual(['loss', 'f1_score', 'f2', 'f1_score_1']);
    const p = (classifier.predict(tensor(x, [N, D])) as Tensor).data;
    expectClose([logs.f1_score, logs.f2, logs.f1_score_1], [
      referenceFBeta(labels, p, C, 'macro', 1, 0.5), referenceFBeta(labels, p, C, 'weighted', 2, null), referenceFBeta(labels, p, C, 'micro', 1, 0.4),
    ], { label: 'scores' });
    // One batch of three rows alone scores differently: the counts run over the epoch.
    const firstBatch = referenceFBeta(labels.subarray(0, 3 * C), p.subarray(0, 3 * C), C, 'macro', 1, 0.5);
    expect(Math.abs(firstBatch - logs.f1_score)).toBeGreaterThan(1e-3);

    const regressor = model('linear', 5);
    regressor.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['r2_score', { class_name: 'R2Score', config: { class_aggregation: 'variance_weighted_average', name: 'r2_vw' } }] });
    const r2Logs = await regressor.evaluate(tensor(x, [N, D]), tensor(targets, [N, C]), { batchSize: 4 });
    const q = (regressor.predict(tensor(x, [N, D])) as Tensor).data;
    expectClose([r2Logs.r2_score], [referenceR2(targets, q, C)], { label: 'r2' });
    expect(Number.isFinite(r2Logs.r2_vw)).toBe(true);
  });

  it("refuses Keras' per-class results (average null, class_aggregation null), which logs cannot hold, with a ConfigError saying what to pass", () => {
    const m = model('sigmoid', 6);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['f1_score'] })).toThrow(ConfigError);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['f1_score'] })).toThrow(/average null \(Keras' default\) gives one score per class.*average: 'macro'/);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: [{ class_name: 'R2Score', config: { class_aggregation: null } }] })).toThrow(/class_aggregation null gives one score per output column/);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: [{ class_name: 'FBetaScore', config: { average: 'macro', beta: -1 } }] })).toThrow(/'beta' must be a number > 0/);
  });

  it('weightedMetrics use the sample weights, come after the metrics, and a taken name becomes weighted_<name>', async () => {
    const { x, targets } = data(8);
    const m = model('linear', 9);
    const weights = Float32Array.from({ length: N }, (_, i) => Math.fround(0.1 + 0.2 * (i % 4)));
    m.compile({ optimizer: 'sgd', loss: 'mae', metrics: ['mae'], weightedMetrics: ['mae', 'mse', 'r2_score', 'mae'] });
    const logs = await m.evaluate(tensor(x, [N, D]), tensor(targets, [N, C]), { batchSize: 4, sampleWeight: weights });
    expect(Object.keys(logs)).toEqual(['loss', 'mae', 'weighted_mae', 'mse', 'r2_score', 'weighted_mae_1']);
    const p = (m.predict(tensor(x, [N, D])) as Tensor).data;
    const perSample = (f: (d: number) => number) => Array.from({ length: N }, (_, i) => {
      let s = 0;
      for (let c = 0; c < C; c++) s += f(p[i * C + c] - targets[i * C + c]);
      return s / C;
    });
    const mae = perSample(Math.abs);
    const mse = perSample((d) => d * d);
    const weightedMean = (v: number[]) => v.reduce((a, x, i) => a + x * weights[i], 0) / weights.reduce((a, w) => a + w, 0);
    expectClose([logs.mae, logs.weighted_mae, logs.mse, logs.r2_score, logs.weighted_mae_1], [
      mae.reduce((a, b) => a + b, 0) / N, weightedMean(mae), weightedMean(mse), referenceR2(targets, p, C, weights), weightedMean(mae),
    ], { label: 'weighted metrics' });
    expect(Math.abs(logs.mae - logs.weighted_mae)).toBeGreaterThan(1e-4);
    // fit logs them the same way, val_ included; without sample weights they equal the plain ones.
    const history = await m.fit(tensor(x, [N, D]), tensor(targets, [N, C]), { batchSize: 4, epochs: 1, shuffle: false, verbose: 0, validationData: [tensor(x, [N, D]), tensor(targets, [N, C])] });
    expect(Object.keys(history.history)).toEqual(['loss', 'mae', 'weighted_mae', 'mse', 'r2_score', 'weighted_mae_1', 'val_loss', 'val_mae', 'val_weighted_mae', 'val_mse', 'val_r2_score', 'val_weighted_mae_1']);
    expect(history.history.val_weighted_mae[0]).toBe(history.history.val_mae[0]);
    const config = (m as unknown as { compileConfig(): Record<string, unknown> }).compileConfig();
    expect(config.weighted_metrics).toEqual(['mae', 'mse', 'r2_score', 'mae']);
  });

  it('weightedMetrics of several outputs are named per output; class weights weigh them; a masked per-step metric weighs mask times sample weight', async () => {
    const input = Input({ shape: [D] });
    const a = new Dense({ units: 1, seed: 1, name: 'a' }).apply(input);
    const b = new Dense({ units: 2, activation: 'softmax', seed: 2, name: 'b' }).apply(input);
    const two = new Model({ inputs: input, outputs: [a, b] });
    two.compile({ optimizer: 'sgd', loss: ['mse', 'categorical_crossentropy'], metrics: { a: ['mae'] }, weightedMetrics: [['mae'], ['mae', 'accuracy']] });
    const random = seededRandom(21);
    const x = tensor(randomFloats(random, N * D), [N, D]);
    const ya = tensor(randomFloats(random, N), [N, 1]);
    const yb = tensor(Float32Array.from({ length: N * 2 }, (_, i) => ((i >> 1) % 3 === 0) === (i % 2 === 0) ? 1 : 0), [N, 2]);
    const logs = await two.evaluate(x, [ya, yb]);
    // A list goes in output order, as for metrics (Keras: one entry per output).
    expect(Object.keys(logs)).toEqual(['loss', 'a_mae', 'a_weighted_mae', 'b_mae', 'b_accuracy', 'a_loss', 'b_loss']);

    // Class weights become sample weights, which the weighted metrics see (one batch: its
    // predictions are those of the weights before the step).
    const { x: cx } = data(13);
    const labels = Float32Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const single = new Sequential();
    single.add(new Dense({ units: 1, activation: 'sigmoid', inputShape: [D], seed: 12 }));
    single.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', metrics: ['binary_accuracy'], weightedMetrics: ['binary_accuracy'] });
    const probabilities = (single.predict(tensor(cx, [N, D])) as Tensor).data;
    const history = await single.fit(tensor(cx, [N, D]), tensor(labels, [N, 1]), { batchSize: N, epochs: 1, shuffle: false, verbose: 0, classWeight: { 0: 1, 1: 4 } });
    const hits: number[] = Array.from(labels, (l, i) => ((probabilities[i] > 0.5 ? 1 : 0) === l ? 1 : 0));
    const classWeights: number[] = Array.from(labels, (l) => (l === 1 ? 4 : 1));
    expectClose([history.history.binary_accuracy[0], history.history.weighted_binary_accuracy[0]], [
      hits.reduce((s, h) => s + h, 0) / N, hits.reduce((s, h, i) => s + h * classWeights[i], 0) / classWeights.reduce((s, w) => s + w, 0),
    ], { label: 'class-weighted accuracy' });
    expect(Math.abs(history.history.binary_accuracy[0] - history.history.weighted_binary_accuracy[0])).toBeGreaterThan(1e-3);

    // Per-step rows under a mask: each valid row weighs its sample's weight, masked rows 0.
    const T = 4;
    const seq = new Sequential();
    seq.add(new Masking({ maskValue: 0, inputShape: [T, D] }));
    seq.add(new LSTM({ units: 2, returnSequences: true, seed: 3 }));
    seq.add(new TimeDistributed(new Dense({ units: 1, seed: 4 })));
    seq.compile({ optimizer: 'sgd', loss: 'mse', weightedMetrics: ['mae'] });
    const xs = randomFloats(random, N * T * D);
    const valid = Float32Array.from({ length: N * T }, (_, i) => (i % 3 === 1 ? 0 : 1));
    valid.forEach((v, i) => { if (!v) xs.fill(0, i * D, (i + 1) * D); });
    const ys = randomFloats(random, N * T);
    const sw = Float32Array.from({ length: N }, (_, i) => Math.fround(0.5 + 0.1 * i));
    const seqLogs = await seq.evaluate(tensor(xs, [N, T, D]), tensor(ys, [N, T, 1]), { sampleWeight: sw, batchSize: 4 });
    const out = (seq.predict(tensor(xs, [N, T, D])) as Tensor).data;
    let total = 0;
    let count = 0;
    for (let i = 0; i < N * T; i++) {
      total += Math.abs(out[i] - ys[i]) * sw[Math.floor(i / T)] * valid[i];
      count += sw[Math.floor(i / T)] * valid[i];
    }
    expectClose([seqLogs.mae], [total / count], { label: 'per-step weighted mae' });
  });
});
