// Keras' loss and metric classes as compile takes them: `new losses.SparseCategoricalCrossentropy({
// fromLogits: true })`, `new metrics.AUC({ curve: 'PR' })`. Their values against the float64 loss
// references and formulas, their configs against Keras' get_config, their checks at construction,
// and a saved model that keeps them.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, Sequential, Model, Input, Dense, ConfigError, losses, metrics, loadModel, saveModel, type Tensor } from '../dist/index.js';
import { expectError, untyped } from './expect-error.js';
import { referenceLoss } from './reference/losses.js';
import { seededRandom, randomFloats } from './random.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const N = 12, D = 4, C = 3;
const random = seededRandom(41);
const x = tensor(randomFloats(random, N * D, 1), [N, D]);
const labels = Float32Array.from({ length: N }, (_, i) => (i * 7) % C);

function logitsModel(seed: number): Sequential {
  return new Sequential([Input({ shape: [D] }), new Dense(C, { seed })]);
}

describe('losses.*', () => {
  it('SparseCategoricalCrossentropy({ fromLogits: true }): evaluate is the float64 crossentropy of the logits', async () => {
    const model = logitsModel(1);
    model.compile({ optimizer: 'sgd', loss: new losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
    const logits = (model.predict(x) as Tensor).data;
    const expected = referenceLoss('sparse_categorical_crossentropy', labels, logits, C, N, { fromLogits: true });
    const { loss } = await model.evaluate(x, tensor(labels, [N, 1]));
    expect(loss).toBeCloseTo(expected, 5);
  });

  it('Huber({ delta: 0.4 }) and BinaryCrossentropy({ labelSmoothing: 0.2 }) take their options', async () => {
    const y = tensor(randomFloats(random, N * C, 1), [N, C]);
    const model = logitsModel(2);
    model.compile({ optimizer: 'sgd', loss: new losses.Huber({ delta: 0.4 }) });
    const p = (model.predict(x) as Tensor).data;
    expect((await model.evaluate(x, y)).loss).toBeCloseTo(referenceLoss('huber', y.data, p, C, N, { delta: 0.4 }), 5);

    const sigmoid = new Sequential([Input({ shape: [D] }), new Dense(1, { seed: 3, activation: 'sigmoid' })]);
    sigmoid.compile({ optimizer: 'sgd', loss: new losses.BinaryCrossentropy({ labelSmoothing: 0.2 }) });
    const binary = Float32Array.from(labels, (l) => (l === 0 ? 1 : 0));
    const q = (sigmoid.predict(x) as Tensor).data;
    expect((await sigmoid.evaluate(x, tensor(binary, [N, 1]))).loss).toBeCloseTo(referenceLoss('binary_crossentropy', binary, q, 1, N, { labelSmoothing: 0.2 }), 5);
  });

  it('getConfig is Keras get_config: the default name, the reduction, the options given in snake_case', () => {
    expect(new losses.SparseCategoricalCrossentropy({ fromLogits: true }).getConfig()).toEqual({ name: 'sparse_categorical_crossentropy', reduction: 'sum_over_batch_size', from_logits: true });
    expect(new losses.Huber().getConfig()).toEqual({ name: 'huber_loss', reduction: 'sum_over_batch_size' });
    expect(new losses.MeanSquaredError({ name: 'mse_loss', reduction: 'sum' }).toJSON()).toEqual({
      module: 'keras.losses', class_name: 'MeanSquaredError', config: { name: 'mse_loss', reduction: 'sum' }, registered_name: null,
    });
  });

  it('bad options are a ConfigError when the loss is made: snake_case keys suggest camelCase, values are checked', () => {
    expectError(() => new losses.SparseCategoricalCrossentropy(untyped({ from_logits: true })), ConfigError, ["unknown option 'from_logits'", "did you mean 'fromLogits'"]);
    expectError(() => new losses.Huber(untyped({ fromLogits: true })), ConfigError, ["losses.Huber: unknown option 'fromLogits'", 'delta']);
    expectError(() => new losses.BinaryCrossentropy({ labelSmoothing: 2 }), ConfigError, ['label_smoothing', 'a number in [0, 1]']);
    expectError(() => new losses.MeanSquaredError(untyped({ reduction: 'average' })), ConfigError, ['reduction']);
  });

  it('a JavaScript function as the loss is a ConfigError that says so', () => {
    const model = logitsModel(4);
    expectError(() => model.compile({ optimizer: 'sgd', loss: untyped((a: number, b: number) => a - b) }), ConfigError, ['received a function', 'gradient cannot be computed']);
  });

  it('by output name, with a loss instance for each output of a functional model', async () => {
    const input = Input({ shape: [D] });
    const a = new Dense(C, { seed: 5, name: 'classes' }).apply(input);
    const b = new Dense(1, { seed: 6, name: 'value' }).apply(input);
    const model = new Model({ inputs: input, outputs: [a, b] });
    model.compile({ optimizer: 'sgd', loss: { classes: new losses.SparseCategoricalCrossentropy({ fromLogits: true }), value: new losses.MeanAbsoluteError() } });
    const target = tensor(randomFloats(random, N, 1), [N, 1]);
    const [logits, value] = model.predict(x) as Tensor[];
    const logs = await model.evaluate(x, [tensor(labels, [N, 1]), target]);
    expect(logs.classes_loss).toBeCloseTo(referenceLoss('sparse_categorical_crossentropy', labels, logits.data, C, N, { fromLogits: true }), 5);
    expect(logs.value_loss).toBeCloseTo(referenceLoss('mae', target.data, value.data, 1, N), 5);
  });
});

describe("'crossentropy' and 'ce', which Keras' get_loss resolves from the shapes", () => {
  const oneHot = Float32Array.from({ length: N * C }, (_, i) => (labels[Math.floor(i / C)] === i % C ? 1 : 0));
  const cases: [string, () => Sequential, Tensor, string][] = [
    ['one output value: binary', () => new Sequential([Input({ shape: [D] }), new Dense(1, { seed: 10, activation: 'sigmoid' })]), tensor(Float32Array.from(labels, (l) => (l === 0 ? 1 : 0)), [N, 1]), 'binary_crossentropy'],
    ['one label against several outputs: sparse', () => new Sequential([Input({ shape: [D] }), new Dense(C, { seed: 11, activation: 'softmax' })]), tensor(labels, [N, 1]), 'sparse_categorical_crossentropy'],
    ['labels of a lower rank: sparse', () => new Sequential([Input({ shape: [D] }), new Dense(C, { seed: 12, activation: 'softmax' })]), tensor(labels, [N]), 'sparse_categorical_crossentropy'],
    ['one-hot targets: categorical', () => new Sequential([Input({ shape: [D] }), new Dense(C, { seed: 13, activation: 'softmax' })]), tensor(oneHot, [N, C]), 'categorical_crossentropy'],
  ];
  for (const [what, make, y, name] of cases) {
    it(what, async () => {
      for (const alias of ['crossentropy', 'CE']) {
        const byShape = make();
        byShape.compile({ optimizer: 'sgd', loss: alias });
        const named = make();
        named.compile({ optimizer: 'sgd', loss: name });
        expect((await byShape.evaluate(x, y)).loss).toBe((await named.evaluate(x, y)).loss);
      }
    });
  }
});

describe('metrics.*', () => {
  it('Precision({ thresholds: 0.3, name }) and SparseCategoricalAccuracy: the formulas, under their log names', async () => {
    const sigmoid = new Sequential([Input({ shape: [D] }), new Dense(1, { seed: 7, activation: 'sigmoid' })]);
    sigmoid.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', metrics: [new metrics.Precision({ thresholds: 0.3, name: 'p30' }), new metrics.AUC()] });
    const binary = Float32Array.from(labels, (l) => (l === 1 ? 1 : 0));
    const q = (sigmoid.predict(x) as Tensor).data;
    let tp = 0, fp = 0;
    q.forEach((p, i) => { if (p > 0.3) { if (binary[i] === 1) tp++; else fp++; } });
    const logs = await sigmoid.evaluate(x, tensor(binary, [N, 1]));
    expect(Object.keys(logs)).toEqual(['loss', 'p30', 'auc']);
    expect(logs.p30).toBeCloseTo(tp / (tp + fp), 6);
    // The same value as the config form of the same metric.
    const byConfig = new Sequential([Input({ shape: [D] }), new Dense(1, { seed: 7, activation: 'sigmoid' })]);
    byConfig.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', metrics: [{ class_name: 'AUC', config: {} }] });
    expect((await byConfig.evaluate(x, tensor(binary, [N, 1]))).auc).toBe(logs.auc);

    const model = logitsModel(8);
    model.compile({ optimizer: 'sgd', loss: new losses.SparseCategoricalCrossentropy({ fromLogits: true }), metrics: [new metrics.SparseCategoricalAccuracy()] });
    const logits = (model.predict(x) as Tensor).data;
    let right = 0;
    for (let i = 0; i < N; i++) {
      const row = Array.from(logits.subarray(i * C, (i + 1) * C));
      if (row.indexOf(Math.max(...row)) === labels[i]) right++;
    }
    expect((await model.evaluate(x, tensor(labels, [N, 1]))).sparse_categorical_accuracy).toBeCloseTo(right / N, 6);
  });

  it('getConfig is the name, the dtype and the options given; bad options are a ConfigError when made', () => {
    expect(new metrics.AUC({ curve: 'PR', numThresholds: 50 }).getConfig()).toEqual({ name: 'auc', dtype: 'float32', curve: 'PR', num_thresholds: 50 });
    expect(new metrics.RootMeanSquaredError().name).toBe('root_mean_squared_error');
    expectError(() => new metrics.AUC(untyped({ num_thresholds: 10 })), ConfigError, ["unknown option 'num_thresholds'", "did you mean 'numThresholds'"]);
    expectError(() => new metrics.AUC(untyped({ curve: 'XY' })), ConfigError, ['curve']);
  });
});

describe('saved and loaded', () => {
  it('a .keras file keeps the loss and metric instances as Keras configs, and the loaded model evaluates the same', async () => {
    const model = logitsModel(9);
    model.compile({ optimizer: 'adam', loss: new losses.SparseCategoricalCrossentropy({ fromLogits: true }), metrics: [new metrics.SparseTopKCategoricalAccuracy({ k: 2 })] });
    const y = tensor(labels, [N, 1]);
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    const loaded = await loadModel(await saveModel(model, { format: 'keras' }));
    const before = await model.evaluate(x, y);
    const after = await loaded.evaluate(x, y);
    expect(Object.keys(after)).toEqual(['loss', 'sparse_top_k_categorical_accuracy']);
    expect(after.loss).toBe(before.loss);
    expect(after.sparse_top_k_categorical_accuracy).toBe(before.sparse_top_k_categorical_accuracy);
  });
});
