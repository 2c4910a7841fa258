// What a Keras user writes from memory around training (issue 13): every option of compile, fit,
// evaluate, trainOnBatch, EarlyStopping and the optimizers is checked, with the camelCase spelling
// of a Keras name; Keras' call forms that were ignored now work (class_weight, verbose=2, a lone
// callback, Adam(0.01), trainable=False); out-of-range sparse labels are refused before a step.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ConfigError, Dense, EarlyStopping, Input, InputError, LSTM, Model, Sequential, SimpleRNN, TimeDistributed, Bidirectional, ShapeError,
  layerFromConfig, memoryBytes, modelFromConfig, optimizers, ready, serializeLayer, tensor, deserializeLayer, type Tensor,
} from '../dist/index.js';
import { expectError, untyped } from './expect-error.js';
import { randomFloats, seededRandom } from './random.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const N = 8;
const T = 4;
const D = 3;

function inputs(seed = 1): Tensor {
  return tensor(randomFloats(seededRandom(seed), N * T * D), [N, T, D]);
}

const binaryLabels = tensor(Array.from({ length: N }, (_, n) => [n % 3 === 0 ? 1 : 0]));

function classifier(seed = 5): Sequential {
  return new Sequential([new SimpleRNN(3, { inputShape: [T, D], seed }), new Dense(1, { activation: 'sigmoid', seed: seed + 1 })]);
}

function compiled(seed = 5, optimizer: 'sgd' | 'adam' = 'sgd'): Sequential {
  const model = classifier(seed);
  model.compile({ optimizer, loss: 'binary_crossentropy', metrics: ['accuracy'] });
  return model;
}

const sameWeights = (a: readonly Tensor[], b: readonly Tensor[]) => a.length === b.length && a.every((t, i) => {
  const other = b[i] as Tensor;
  return t.data.length === other.data.length && t.data.every((v, j) => Object.is(v, other.data[j]));
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('training options are checked like every other options object', () => {
  const x = inputs();
  const cases: { title: string; run: (m: Sequential) => unknown; patterns: string[] }[] = [
    { title: 'compile({ loss_weights })', run: (m) => m.compile(untyped({ optimizer: 'sgd', loss: 'mse', loss_weights: [1] })), patterns: ["compile: unknown option 'loss_weights'", "did you mean 'lossWeights'?"] },
    { title: 'trainOnBatch(x, y, { sample_weight })', run: (m) => m.trainOnBatch(x, binaryLabels, untyped({ sample_weight: [] })), patterns: ["trainOnBatch: unknown option 'sample_weight'", "'sampleWeight'"] },
    { title: 'computeGradients(x, y, { sampleWeights })', run: (m) => m.computeGradients(x, binaryLabels, untyped({ sampleWeights: [] })), patterns: ["computeGradients: unknown option 'sampleWeights'", "'sampleWeight'"] },
    { title: 'optimizers.adam({ learning_rate })', run: () => optimizers.adam(untyped({ learning_rate: 0.1 })), patterns: ["optimizers.adam: unknown option 'learning_rate'", "did you mean 'learningRate'?"] },
    { title: 'optimizers.nadam({ beta_1 })', run: () => optimizers.nadam(untyped({ beta_1: 0.5 })), patterns: ["did you mean 'beta1'?"] },
    { title: 'optimizers.sgd({ beta1 }): an option of another optimizer', run: () => optimizers.sgd(untyped({ beta1: 0.5 })), patterns: ["optimizers.sgd: unknown option 'beta1'; expected one of learningRate, weightDecay, clipnorm, clipvalue, globalClipnorm, momentum, nesterov"] },
    { title: "optimizers.adam('fast')", run: () => optimizers.adam(untyped('fast')), patterns: ['optimizers.adam: options must be an object such as { learningRate: 0.001 }, a learning rate or a LearningRateSchedule, received "fast"'] },
    { title: 'EarlyStopping({ restore_best_weights })', run: () => new EarlyStopping(untyped({ restore_best_weights: true })), patterns: ["EarlyStopping: unknown option 'restore_best_weights'", "did you mean 'restoreBestWeights'?"] },
    { title: "compile({ loss: 'binary_crossentropyy' })", run: (m) => m.compile({ optimizer: 'sgd', loss: 'binary_crossentropyy' }), patterns: ['unknown loss "binary_crossentropyy" (did you mean \'binary_crossentropy\'?)'] },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const model = compiled();
      const before = memoryBytes();
      expectError(() => c.run(model), ConfigError, c.patterns);
      expect(memoryBytes()).toBe(before);
      expect(Number.isFinite(model.trainOnBatch(x, binaryLabels).loss)).toBe(true);
    });
  }

  it("a short unknown loss gets no misleading suggestion ('rmse' is not 'mse')", () => {
    const error = expectError(() => classifier().compile({ optimizer: 'sgd', loss: 'rmse' }), ConfigError, ['unknown loss "rmse"; expected one of']);
    expect(error.message).not.toContain('did you mean');
  });

  it('fit and evaluate reject snake_case and positional options before any step', async () => {
    const model = compiled();
    const weights = model.getWeights();
    const fitBatch = await rejection(model.fit(x, binaryLabels, untyped({ batch_size: 4, epochs: 2 })));
    expect(fitBatch).toBeInstanceOf(ConfigError);
    expect(fitBatch.message).toContain("fit: unknown option 'batch_size' (did you mean 'batchSize'?");
    const positional = await rejection(model.fit(x, binaryLabels, untyped(4)));
    expect(positional).toBeInstanceOf(ConfigError);
    expect(positional.message).toContain('fit: options must be an object such as { batchSize: 32, epochs: 10 }, received 4');
    const evaluate = await rejection(model.evaluate(x, binaryLabels, untyped({ return_dict: true })));
    expect(evaluate.message).toContain("evaluate: unknown option 'return_dict'");
    const verbose = await rejection(model.fit(x, binaryLabels, untyped({ verbose: 'loud' })));
    expect(verbose.message).toContain("option 'verbose' must be 0, 1, 2 or 'auto', received \"loud\"");
    const callbacks = await rejection(model.fit(x, binaryLabels, untyped({ verbose: 0, callbacks: [() => 1] })));
    expect(callbacks.message).toContain("option 'callbacks' must be a list of callback objects");
    // A bare function is named as one (JSON.stringify said "undefined"), with the way to wrap it.
    expect(callbacks.message).toContain('received a function (wrap it: new LambdaCallback({ onEpochEnd: fn })');
    expect(sameWeights(model.getWeights(), weights)).toBe(true);
  });

  it("predict accepts Keras' verbose and checks it", () => {
    const model = classifier();
    const y = model.predict(x);
    expect(Array.from(model.predict(x, { verbose: 0 }).data)).toEqual(Array.from(y.data));
    expect(Array.from(model.predict(x, { batchSize: 3, verbose: 'auto' }).data)).toEqual(Array.from(y.data));
    expectError(() => model.predict(x, untyped({ verbose: 3 })), ConfigError, ["predict: option 'verbose' must be 0, 1, 2 or 'auto', received 3"]);
  });
});

describe("Keras' training call forms", () => {
  const x = inputs(2);

  it('optimizers.adam(0.01) is the learning rate, as Keras Adam(0.01)', () => {
    expect(optimizers.adam(0.01).learningRate).toBe(Math.fround(0.01));
    expect(optimizers.sgd(0.5).learningRate).toBe(0.5);
    expect(optimizers.rmsprop().learningRate).toBe(Math.fround(0.001));
  });

  it("'bce', 'BCE', 'MSE' and 'MAE' are Keras' aliases of the losses", () => {
    const losses = (['bce', 'BCE', 'binary_crossentropy', 'MSE', 'mse', 'MAE', 'mae'] as const).map((loss) => {
      const model = classifier(7);
      model.compile({ optimizer: 'sgd', loss });
      return model.trainOnBatch(x, binaryLabels).loss;
    });
    expect(losses[0]).toBe(losses[2]);
    expect(losses[1]).toBe(losses[2]);
    expect(losses[3]).toBe(losses[4]);
    expect(losses[5]).toBe(losses[6]);
    expect(losses[2]).not.toBe(losses[4]);
  });

  it('a single callback object works as a list of one', async () => {
    const epochs: number[] = [];
    const model = compiled();
    await model.fit(x, binaryLabels, { epochs: 2, verbose: 0, callbacks: { onEpochEnd: (epoch) => { epochs.push(epoch); } } });
    expect(epochs).toEqual([0, 1]);
  });

  it("verbose: 2 prints one line per epoch without the bar; evaluate's verbose prints its result", async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((text: string | Uint8Array) => { lines.push(String(text)); return true; });
    const model = compiled();
    const history = await model.fit(x, binaryLabels, { epochs: 2, batchSize: 4, verbose: 2, shuffle: false });
    const text = lines.join('');
    // Keras 3 prints the logs sorted (its CallbackList's pythonify_logs): accuracy before loss.
    expect(text).toMatch(/^Epoch 1\/2\n2\/2 - \d+s - \d+(ms|us)\/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}\nEpoch 2\/2\n2\/2 - /);
    expect(text).not.toContain('\u2501');
    expect(text).not.toContain('\r');
    expect(text).toContain(`loss: ${(history.history.loss?.[1] ?? NaN).toFixed(4)}`);
    lines.length = 0;
    const logs = await model.evaluate(x, binaryLabels, { verbose: 1 });
    expect(lines.join('')).toMatch(new RegExp(`^1/1 \u2501{20} \\d+s \\d+(ms|us)/step - accuracy: ${logs.accuracy?.toFixed(4)} - loss: ${logs.loss?.toFixed(4)}\\n$`));
    lines.length = 0;
    await model.evaluate(x, binaryLabels);
    expect(lines).toEqual([]);
  });

  it('EarlyStopping({ verbose: 1 }) prints Keras\' lines when it stops and restores', async () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((text: string) => { printed.push(text); });
    const model = compiled();
    // A monitor that never improves after the first epoch: stops at the second.
    let value = 0;
    const worsening = { onEpochEnd: (_: number, logs: Record<string, number>) => { logs.watched = value++; } };
    const stopper = new EarlyStopping({ monitor: 'watched', mode: 'min', patience: 1, restoreBestWeights: true, verbose: 1 });
    await model.fit(x, binaryLabels, { epochs: 5, verbose: 0, callbacks: [worsening, stopper] });
    expect(stopper.stoppedEpoch).toBe(1);
    expect(printed).toEqual(['Epoch 2: early stopping', 'Restoring model weights from the end of the best epoch: 1.']);
  });
});

describe("fit's classWeight, as Keras' class_weight", () => {
  const x = inputs(3);

  it('weighs each sample by its class: the first loss is the weighted binary cross-entropy of the predictions', async () => {
    const classWeight = { 0: 0.5, 1: 4 };
    const model = compiled(11);
    const p = model.predict(x).data;
    // float64 reference: Keras clips to [eps, 1 - eps] and averages the weighted losses over the batch.
    const eps = 1e-7;
    let sum = 0;
    for (let n = 0; n < N; n++) {
      const y = binaryLabels.data[n] as number;
      const q = Math.min(Math.max(p[n] as number, eps), 1 - eps);
      sum += (y === 1 ? classWeight[1] : classWeight[0]) * -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
    }
    const history = await model.fit(x, binaryLabels, { epochs: 1, batchSize: N, verbose: 0, classWeight });
    expect(history.history.loss?.[0]).toBeCloseTo(sum / N, 5);
  });

  it("weighs only the training part with validationSplit: val_loss is the unweighted loss of the held-out samples (Keras' validation iterator has no class_weight)", async () => {
    const model = compiled(13);
    const history = await model.fit(x, binaryLabels, { epochs: 1, batchSize: N, shuffle: false, verbose: 0, validationSplit: 0.5, classWeight: { 0: 1, 1: 5 } });
    // float64 reference on the predictions after the epoch: the mean clipped binary cross-entropy of the last N / 2 samples, every weight 1.
    const p = model.predict(x).data;
    const eps = 1e-7;
    let sum = 0;
    for (let n = N / 2; n < N; n++) {
      const y = binaryLabels.data[n] as number;
      const q = Math.min(Math.max(p[n] as number, eps), 1 - eps);
      sum -= y * Math.log(q) + (1 - y) * Math.log(1 - q);
    }
    expect(binaryLabels.data.slice(N / 2)).toContain(1);
    expect(history.history.val_loss?.[0]).toBeCloseTo(sum / (N / 2), 5);
  });

  it('trains exactly as the same weights given as sampleWeight; one-hot targets use their argmax', async () => {
    const oneHot = tensor(Array.from({ length: N }, (_, n) => [0, 1, 2].map((c) => (c === n % 3 ? 1 : 0))));
    const build = () => {
      const m = new Sequential([new LSTM(3, { inputShape: [T, D], seed: 21 }), new Dense(3, { activation: 'softmax', seed: 22 })]);
      m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
      return m;
    };
    const byClass = build();
    const bySample = build();
    await byClass.fit(x, oneHot, { epochs: 2, batchSize: 3, verbose: 0, seed: 9, classWeight: { 2: 3, 0: 0.25 } });
    await bySample.fit(x, oneHot, { epochs: 2, batchSize: 3, verbose: 0, seed: 9, sampleWeight: Array.from({ length: N }, (_, n) => [0.25, 1, 3][n % 3] as number) });
    expect(sameWeights(byClass.getWeights(), bySample.getWeights())).toBe(true);
  });

  it("is refused with sampleWeight, with several outputs, for sequence targets and with keys that are not class indices", async () => {
    const model = compiled();
    expect((await rejection(model.fit(x, binaryLabels, { verbose: 0, classWeight: { 0: 1 }, sampleWeight: new Array(N).fill(1) }))).message)
      .toContain("options 'classWeight' and 'sampleWeight' cannot be used together");
    expect((await rejection(model.fit(x, binaryLabels, untyped({ verbose: 0, classWeight: { yes: 1 } })))).message)
      .toContain("option 'classWeight' keys must be class indices (non-negative integers), received 'yes'");
    expect((await rejection(model.fit(x, binaryLabels, untyped({ verbose: 0, classWeight: [1, 2] })))).message)
      .toContain("option 'classWeight' must be an object of weights by class index such as { 0: 1, 1: 5 }");
    const inp = Input({ shape: [T, D] });
    const h = new LSTM(2, { seed: 1 }).apply(inp);
    const twoOutputs = new Model({ inputs: inp, outputs: [new Dense(1).apply(h), new Dense(1).apply(h)] });
    twoOutputs.compile({ optimizer: 'sgd', loss: 'mse' });
    expect((await rejection(twoOutputs.fit(x, [binaryLabels, binaryLabels], { verbose: 0, classWeight: { 0: 1 } }))).message)
      .toContain("option 'classWeight' works for a model with one output only");
    const sequence = new Sequential([new LSTM(2, { inputShape: [T, D], returnSequences: true }), new Dense(1)]);
    sequence.compile({ optimizer: 'sgd', loss: 'mse' });
    const error = await rejection(sequence.fit(x, tensor(new Float32Array(N * T), [N, T, 1]), { verbose: 0, classWeight: { 0: 1 } }));
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toContain("option 'classWeight' needs targets of shape (N,), (N, 1) or (N, classes), received [8, 4, 1]");
  });
});

describe('sparse labels outside the classes', () => {
  it('are an InputError naming the label and its index in y, before any step; the next valid fit works', async () => {
    const model = new Sequential([new SimpleRNN(3, { inputShape: [T, D], seed: 4 }), new Dense(3, { activation: 'softmax', seed: 5 })]);
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const x = inputs(4);
    const weights = model.getWeights();
    const labels = Array.from({ length: N }, (_, n) => n % 3);
    labels[5] = 3;
    const error = await rejection(model.fit(x, labels, { verbose: 0, batchSize: 2 }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('fit: sparse_categorical_crossentropy labels must be class indices, integers in [0, 2] for 3 outputs, received 3 at flat index 5 of y of shape [8]');
    expect(sameWeights(model.getWeights(), weights)).toBe(true);
    labels[5] = -1;
    expect((await rejection(model.evaluate(x, labels))).message).toContain('received -1 at flat index 5');
    labels[5] = 1.5;
    expect(() => model.trainOnBatch(x, labels)).toThrow(/received 1.5 at flat index 5/);
    labels[5] = 2;
    const history = await model.fit(x, labels, { verbose: 0 });
    expect(Number.isFinite(history.history.loss?.[0])).toBe(true);
  });

  it('one-hot targets with sparse_categorical_crossentropy, and class indices with categorical_crossentropy, name the other loss', () => {
    const model = new Sequential([new SimpleRNN(3, { inputShape: [T, D] }), new Dense(3, { activation: 'softmax' })]);
    const x = inputs(5);
    const oneHot = tensor(Array.from({ length: N }, (_, n) => [0, 1, 2].map((c) => (c === n % 3 ? 1 : 0))));
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    expectError(() => model.trainOnBatch(x, oneHot), ShapeError, ['one-hot targets go with categorical_crossentropy']);
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    expectError(() => model.trainOnBatch(x, Array.from({ length: N }, (_, n) => [n % 3])), ShapeError, ['class indices (not one-hot) go with sparse_categorical_crossentropy']);
  });
});

describe("trainable: false freezes a layer, as in Keras", () => {
  const x = inputs(6);
  const y = tensor(randomFloats(seededRandom(7), N), [N, 1]);

  function stack(frozen: { trainable?: boolean } = {}): Sequential {
    return new Sequential([
      new LSTM(4, { inputShape: [T, D], seed: 1 }),
      new Dense(3, { activation: 'tanh', seed: 2, ...frozen }),
      new Dense(1, { seed: 3 }),
    ]);
  }

  it('fit leaves a frozen layer bit for bit, trains the layers before and after it (gradients flow through), and summary counts it', async () => {
    const model = stack({ trainable: false });
    expect(model.layers.map((l) => l.trainable)).toEqual([true, false, true]);
    const before = model.layers.map((l) => l.getWeights());
    model.compile({ optimizer: 'adam', loss: 'mse' });
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    const after = model.layers.map((l) => l.getWeights());
    expect(sameWeights(after[1] as Tensor[], before[1] as Tensor[])).toBe(true);
    expect(sameWeights(after[0] as Tensor[], before[0] as Tensor[])).toBe(false);
    expect(sameWeights(after[2] as Tensor[], before[2] as Tensor[])).toBe(false);
    // LSTM(4) on 3 features: 4*4*(3+4+1) = 128; Dense(3) frozen: 4*3+3 = 15; Dense(1): 4.
    // Keras 3 counts the built optimizer too: Adam's iteration (int64) and learning_rate, and a
    // momentum and a velocity per trainable value (none for the frozen Dense): 2 + 2 * 132 = 266
    // variables of 8 + 4 + 264 * 4 = 1068 bytes, so the total is 413 of 1656 bytes (1.62 KB).
    const text = model.summary({ print: false });
    expect(text).toContain('Total params: 413 (1.62 KB)');
    expect(text).toContain('Optimizer params: 266 (1.04 KB)');
    expect(text).toContain('Trainable params: 132 (528.00 B)');
    expect(text).toContain('Non-trainable params: 15 (60.00 B)');
    expect(model.summary({ layout: 'tf.keras', print: false })).toContain('Non-trainable params: 15');
  });

  it('the property freezes from the next compile(), as Keras documents, and a call before it warns once per change; model.trainable = false freezes every layer', async () => {
    const model = stack();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const dense = model.getLayer(1);
    dense.trainable = false;
    let before = dense.getWeights();
    // Keras 3's _warn_if_trainable_state_changed: once per change, naming the layer.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await model.fit(x, y, { epochs: 1, verbose: 0 });
      expect(sameWeights(dense.getWeights(), before)).toBe(false);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(new RegExp(`fit: a layer's trainable state has changed since the model was compiled: ${dense.name} \\(now frozen\\)\\. The change takes effect at the next compile\\(\\)`));
      await model.evaluate(x, y, { verbose: 0 });
      model.trainOnBatch(x, y);
      expect(warn).toHaveBeenCalledTimes(1);
      dense.trainable = true;
      model.testOnBatch(x, y);
      expect(warn).toHaveBeenCalledTimes(2);
      expect(String(warn.mock.calls[1][0])).toContain(`testOnBatch: a layer's trainable state has changed since the model was compiled: ${dense.name} (now trainable)`);
      dense.trainable = false;
      model.compile({ optimizer: 'sgd', loss: 'mse' });
      before = dense.getWeights();
      await model.fit(x, y, { epochs: 1, verbose: 0 });
      expect(sameWeights(dense.getWeights(), before)).toBe(true);
      expect(warn).toHaveBeenCalledTimes(2);
    } finally {
      warn.mockRestore();
    }

    model.trainable = false;
    expect(model.layers.map((l) => l.trainable)).toEqual([false, false, false]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const all = model.getWeights();
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(sameWeights(model.getWeights(), all)).toBe(true);
    expect(model.summary({ print: false })).toContain('Trainable params: 0 (0.00 B)');
  });

  it('wrappers freeze with their layer, and setting theirs sets the wrapped ones', () => {
    const bi = new Bidirectional(new LSTM(2, { trainable: false, returnSequences: true }));
    expect(bi.trainable).toBe(false);
    const td = new TimeDistributed(new Dense(2));
    expect(td.trainable).toBe(true);
    td.layer.trainable = false;
    expect(td.trainable).toBe(false);
    td.trainable = true;
    expect(td.layer.trainable).toBe(true);
    const free = new Bidirectional(new LSTM(2));
    free.trainable = false;
    expect([free.forwardLayer.trainable, free.backwardLayer.trainable]).toEqual([false, false]);
  });

  it('getConfig says trainable: false, and every config reader keeps it', () => {
    const layer = new Dense(2, { trainable: false });
    expect(layer.getConfig().trainable).toBe(false);
    expect(Dense.fromConfig(layer.getConfig()).trainable).toBe(false);
    expect(layerFromConfig({ class_name: 'LSTM', config: { units: 2, trainable: false } }).trainable).toBe(false);
    expect(deserializeLayer(serializeLayer(new LSTM(2, { trainable: false }))).trainable).toBe(false);
    const model = stack({ trainable: false });
    expect(modelFromConfig(model.toJSON()).layers.map((l) => l.trainable)).toEqual([true, false, true]);
    expect(new Dense(2).getConfig().trainable).toBe(true);
  });

  it("a trainable that is not a boolean is a ConfigError", () => {
    expectError(() => new Dense(2, untyped({ trainable: 'no' })), ConfigError, ["option 'trainable' must be a boolean, received \"no\""]);
    const layer = new Dense(2);
    expectError(() => { layer.trainable = untyped(0); }, ConfigError, ["'trainable' must be a boolean, received 0"]);
    expect(layer.trainable).toBe(true);
  });
});
