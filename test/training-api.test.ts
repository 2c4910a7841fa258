// The training API around the fixtures: compile's checks, fit's callbacks,
// logs, event-loop yields, progress line, EarlyStopping, shuffle, memory.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ready, memoryBytes, tensor, Sequential, Input, Model, Dense, LSTM, GRU, SimpleRNN, Dropout, EarlyStopping, optimizers, Bidirectional, ConvLSTM1D,
  ConfigError, ShapeError, type Logs, type Tensor,
} from '../dist/index.js';
import { trainingStep } from '../dist/training/layer-steps.js';
import { untyped } from './expect-error.js';
import { seededGenerator } from '../dist/training/random-source.js';
import { randomFloats, seededRandom } from './random.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

function data(n: number, T = 5, D = 3, seed = 1): { x: Tensor; y: Tensor } {
  const random = seededRandom(seed);
  return { x: tensor(randomFloats(random, n * T * D), [n, T, D]), y: tensor(randomFloats(random, n), [n, 1]) };
}

function model(seed = 3): Sequential {
  const m = new Sequential();
  m.add(new LSTM({ units: 4, inputShape: [5, 3], seed }));
  m.add(new Dense({ units: 1, seed: seed + 1 }));
  return m;
}

describe('compile', () => {
  it('compiles a model with a layer without a backward pass, for evaluate as in Keras; the training calls refuse it with a ConfigError naming the layer', async () => {
    const inferenceOnly = new Sequential();
    inferenceOnly.add(new ConvLSTM1D(2, 3, { inputShape: [4, 6, 3], name: 'my_conv_lstm' }));
    inferenceOnly.compile({ optimizer: 'adam', loss: 'mse' });
    const x = tensor(Float32Array.from({ length: 2 * 4 * 6 * 3 }, (_, i) => Math.sin(i)), [2, 4, 6, 3]);
    const yPred = inferenceOnly.predict(x);
    const zeros = tensor(new Float32Array(yPred.size), [...yPred.shape]);
    // Against zeros the mse is the mean square of the prediction.
    const want = Array.from(yPred.data).reduce((sum, v) => sum + v * v, 0) / yPred.size;
    const { loss } = await inferenceOnly.evaluate(x, zeros, { verbose: 0 });
    expect(Math.abs(loss - want)).toBeLessThan(1e-6 * Math.max(1, want));
    expect(() => inferenceOnly.trainOnBatch(x, zeros)).toThrow(ConfigError);
    expect(() => inferenceOnly.trainOnBatch(x, zeros)).toThrow(/my_conv_lstm: ConvLSTM1D has no backward pass/);
    expect(() => inferenceOnly.computeGradients(x, zeros)).toThrow(/my_conv_lstm: ConvLSTM1D has no backward pass/);
    await expect(inferenceOnly.fit(x, zeros, { verbose: 0 })).rejects.toThrow(/my_conv_lstm: ConvLSTM1D has no backward pass/);
  });

  it('checks the loss, optimizer and metrics', () => {
    const m = model();
    expect(() => m.compile({ optimizer: 'adam', loss: 'rmse' })).toThrow(ConfigError);
    expect(() => m.compile({ optimizer: 'lamb' as never, loss: 'mse' })).toThrow(ConfigError);
    expect(() => m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['f1'] })).toThrow(ConfigError);
    expect(() => m.compile({ optimizer: optimizers.sgd({ clipnorm: 1, clipvalue: 1 }), loss: 'mse' })).toThrow(/at most one/);
    expect(() => m.compile({ optimizer: { class_name: 'AdamW', config: { weight_decay: null } }, loss: 'mse' })).toThrow(ConfigError);
    expect(() => m.fit(tensor(new Float32Array(15), [1, 5, 3]), tensor([[1]]))).toThrow(/compile/);
  });
});

describe('fit', () => {
  it('gives each callback Keras params (verbose, epochs, steps) before training, kept on the History with its model', async () => {
    const m = model();
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x, y } = data(10);
    const seen: { params: unknown; trainBegun: boolean }[] = [];
    let trainBegun = false;
    const history = await m.fit(x, y, {
      batchSize: 4, epochs: 3, verbose: 0,
      callbacks: [{ setParams: (params) => { seen.push({ params, trainBegun }); }, onTrainBegin: () => { trainBegun = true; } }],
    });
    // 10 samples in batches of 4: 3 batches per epoch, the last partial.
    expect(seen).toEqual([{ params: { verbose: 0, epochs: 3, steps: 3 }, trainBegun: false }]);
    expect(history.params).toEqual({ verbose: 0, epochs: 3, steps: 3 });
    expect(history.model).toBe(m);
    await expect(m.fit(x, y, { verbose: 0, callbacks: [untyped({ set_params: () => {} })] })).rejects.toThrow(/'set_params'.*did you mean 'setParams'/);
  });

  it('calls the callbacks in Keras order with running logs, and yields to the event loop between batches', async () => {
    const m = model();
    m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const { x, y } = data(10);
    const events: string[] = [];
    let ticks = 0;
    const interval = setInterval(() => { ticks++; }, 0);
    const seenTicks: number[] = [];
    const history = await m.fit(x, y, {
      batchSize: 4, epochs: 2, shuffle: false, verbose: 0,
      callbacks: [{
        onTrainBegin: () => { events.push('trainBegin'); },
        onEpochBegin: (e: number) => { events.push(`epochBegin ${e}`); },
        onTrainBatchBegin: (b: number) => { events.push(`batchBegin ${b}`); },
        onTrainBatchEnd: (b: number, logs: Logs) => { events.push(`batchEnd ${b}`); seenTicks.push(ticks); expect(Object.keys(logs)).toEqual(['loss', 'mae']); },
        onEpochEnd: (e: number, logs: Logs) => { events.push(`epochEnd ${e}`); expect(Object.keys(logs)).toEqual(['loss', 'mae']); },
        onTrainEnd: () => { events.push('trainEnd'); },
      }],
    });
    clearInterval(interval);
    expect(events).toEqual([
      'trainBegin',
      'epochBegin 0', 'batchBegin 0', 'batchEnd 0', 'batchBegin 1', 'batchEnd 1', 'batchBegin 2', 'batchEnd 2', 'epochEnd 0',
      'epochBegin 1', 'batchBegin 0', 'batchEnd 0', 'batchBegin 1', 'batchEnd 1', 'batchBegin 2', 'batchEnd 2', 'epochEnd 1',
      'trainEnd',
    ]);
    expect(seenTicks[seenTicks.length - 1], 'timers ran while fit was training').toBeGreaterThan(seenTicks[0]);
    expect(Object.keys(history.history)).toEqual(['loss', 'mae']);
    expect(history.history.loss).toHaveLength(2);
    expect(history.epoch).toEqual([0, 1]);
    expect(m.optimizer.iterations).toBe(6);
  });

  it('validationData gives val_ logs; evaluate and computeGradients change neither weights nor iterations', async () => {
    const m = model();
    m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mse'] });
    const { x, y } = data(8);
    const val = data(4, 5, 3, 9);
    const history = await m.fit(x, y, { batchSize: 3, epochs: 1, validationData: [val.x, val.y], verbose: 0 });
    expect(Object.keys(history.history)).toEqual(['loss', 'mse', 'val_loss', 'val_mse']);
    const before = m.getWeights().map((w) => w.data.slice());
    const evaluated = await m.evaluate(val.x, val.y, { batchSize: 2 });
    expect(evaluated.loss).toBeCloseTo(history.history.val_loss[0], 6);
    m.computeGradients(x, y);
    expect(m.optimizer.iterations).toBe(3);
    m.getWeights().forEach((w, i) => expect(w.data).toEqual(before[i]));
    const logs = m.trainOnBatch(x, y);
    expect(Object.keys(logs)).toEqual(['loss', 'mse']);
    expect(m.optimizer.iterations).toBe(4);
  });

  it("validationFreq validates every n-th epoch or at the listed epochs (1-based), as Keras' _should_eval; validationBatchSize batches the validation", async () => {
    const { x, y } = data(8);
    const val = data(6, 5, 3, 9);
    const every2 = model(6);
    every2.compile({ optimizer: 'sgd', loss: 'mse' });
    const epochsSeen: number[] = [];
    const history = await every2.fit(x, y, { epochs: 4, batchSize: 4, validationData: [val.x, val.y], validationFreq: 2, verbose: 0, callbacks: [{ onEpochEnd: (epoch, logs) => { if ('val_loss' in logs) epochsSeen.push(epoch); } }] });
    expect(epochsSeen).toEqual([1, 3]);
    expect(history.history.loss).toHaveLength(4);
    expect(history.history.val_loss).toHaveLength(2);
    expect(history.history.val_loss[1]).toBeCloseTo((await every2.evaluate(val.x, val.y)).loss, 6);
    const listed = model(6);
    listed.compile({ optimizer: 'sgd', loss: 'mse' });
    const seen: number[] = [];
    await listed.fit(x, y, { epochs: 3, validationData: [val.x, val.y], validationFreq: [1, 3], validationBatchSize: 4, verbose: 0, callbacks: [{ onEpochEnd: (epoch, logs) => { if ('val_loss' in logs) seen.push(epoch); } }] });
    expect(seen).toEqual([0, 2]);
    await expect(listed.fit(x, y, { epochs: 1, validationData: [val.x, val.y], validationFreq: 0, verbose: 0 })).rejects.toThrow("option 'validationFreq' must be a positive integer");
    await expect(listed.fit(x, y, { epochs: 1, validationData: [val.x, val.y], validationBatchSize: -1, verbose: 0 })).rejects.toThrow("option 'batchSize' must be a positive integer");
  });

  it("evaluate and the batch calls of a model without metrics give the loss as Keras' lone number: Number(), a template string, toFixed", async () => {
    const m = model(5);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x, y } = data(6);
    const result = await m.evaluate(x, y);
    const loss = result.loss;
    expect(Number(result)).toBe(loss);
    expect(`${result}`).toBe(String(loss));
    expect(untyped<{ toFixed(d: number): string }>(result).toFixed(4)).toBe(loss.toFixed(4));
    expect(untyped<number>(result) < loss + 1).toBe(true);
    expect([...result]).toEqual([loss]);
    expect(Object.keys(result)).toEqual(['loss']);
    expect(Number(m.testOnBatch(x, y))).toBe(m.testOnBatch(x, y).loss);
    // With metrics Keras returns a list: no number to convert to.
    const withMetric = model(5);
    withMetric.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    expect(Number(await withMetric.evaluate(x, y))).toBeNaN();
  });

  it("orders the progress line's values as Keras 3 prints them (sorted, the validation ones after) and pads the step to the target's digits", async () => {
    const m = model(7);
    m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae', 'accuracy'] });
    const { x, y } = data(20);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
    let text = '';
    try {
      await m.fit(x, y, { batchSize: 2, epochs: 1, validationData: [x, y], verbose: 1 });
      text = write.mock.calls.map((call) => String(call[0])).join('');
    } finally {
      write.mockRestore();
      if (tty) Object.defineProperty(process.stdout, 'isTTY', tty);
      else delete (process.stdout as { isTTY?: boolean }).isTTY;
    }
    // In place on a TTY: ' 3/10' while the count has fewer digits than the target.
    expect(text).toMatch(/\r 3\/10 ━{6}─{14} \d+s \d+(ms|us|s)\/step - accuracy: \S+ - loss: \S+ - mae: \S+/);
    expect(text).toMatch(/\r10\/10 ━{20} \d+s \d+(ms|us|s)\/step - accuracy: \S+ - loss: \S+ - mae: \S+ - val_accuracy: \S+ - val_loss: \S+ - val_mae: \S+\n$/);
  });

  it('refuses mismatched data with a ShapeError before training', async () => {
    const m = model();
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const { x } = data(4);
    await expect(m.fit(x, tensor(new Float32Array(3), [3, 1]), { verbose: 0 })).rejects.toThrow(ShapeError);
    expect(m.optimizer.iterations).toBe(0);
  });

  it('refuses data of no samples with a ShapeError, as predict does, rather than a loss of 0 that reads as a perfect fit', async () => {
    const m = model();
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const x0 = tensor(new Float32Array(0), [0, 5, 3]);
    const y0 = tensor(new Float32Array(0), [0, 1]);
    const noSamples = /x must have at least one sample, received shape \[0, 5, 3\]/;
    await expect(m.fit(x0, y0, { verbose: 0 })).rejects.toThrow(ShapeError);
    await expect(m.fit(x0, y0, { verbose: 0 })).rejects.toThrow(noSamples);
    await expect(m.evaluate(x0, y0)).rejects.toThrow(noSamples);
    expect(() => m.trainOnBatch(x0, y0)).toThrow(noSamples);
    expect(() => m.testOnBatch(x0, y0)).toThrow(noSamples);
    const { x, y } = data(4);
    await expect(m.fit(x, y, { verbose: 0, validationData: [x0, y0] })).rejects.toThrow(/validationData: x must have at least one sample/);
    expect(m.optimizer.iterations).toBe(0);
    await m.fit(x, y, { verbose: 0, batchSize: 4 });
    expect(m.optimizer.iterations).toBe(1);
  });

  it('shuffles reproducibly with a seed, differently from data order', async () => {
    const { x, y } = data(12);
    const run = async (shuffle: boolean, seed?: number) => {
      const m = model(7);
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      await m.fit(x, y, { batchSize: 4, epochs: 2, shuffle, seed, verbose: 0 });
      return m.getWeights()[0].data;
    };
    const a = await run(true, 42);
    expect(await run(true, 42)).toEqual(a);
    expect(await run(false)).not.toEqual(a);
  });

  it('prints the progress line with verbose 1 (once per epoch off a TTY) and nothing with verbose 0', async () => {
    const m = model();
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const { x, y } = data(6);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let text = '';
    try {
      await m.fit(x, y, { batchSize: 2, epochs: 1, verbose: 0 });
      expect(write).not.toHaveBeenCalled();
      await m.fit(x, y, { batchSize: 2, epochs: 1, verbose: 1 });
      text = write.mock.calls.map((call) => String(call[0])).join('');
    } finally {
      write.mockRestore();
    }
    expect(text).toMatch(/Epoch 1\/1\n/);
    expect(text).toMatch(/3\/3 ━{20} \d+s \d+(ms|us|s)\/step - loss: \d+\.\d{4}\n/);
  });

  it("prints each value as Keras' Progbar does: %.4f above 1e-3, %.4e at or below (|value| with the bar, the value itself with verbose 2)", async () => {
    const printed = async (y: number[][], metrics: string[], verbose: 1 | 2) => {
      const m = new Sequential([new Dense(1, { inputShape: [1], kernelInitializer: 'ones', biasInitializer: 'zeros' })]);
      m.compile({ optimizer: 'sgd', loss: 'mse', metrics });
      const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        await m.fit(tensor([[1], [2]]), tensor(y), { epochs: 1, verbose });
        return write.mock.calls.map((call) => String(call[0])).join('').split('/step - ')[1];
      } finally {
        write.mockRestore();
      }
    };
    // Predictions 1 and 2, errors 2^-6: mse 2^-12 = 0.000244140625, mae 0.015625.
    const e = 2 ** -6;
    expect(await printed([[1 + e], [2 + e]], ['mae'], 1)).toBe('loss: 2.4414e-04 - mae: 0.0156\n');
    expect(await printed([[1 + e], [2 + e]], ['mae'], 2)).toBe('loss: 2.4414e-04 - mae: 0.0156\n');
    // y = -x: loss (2² + 4²) / 2 = 10, cosine similarity -1, which verbose 2 compares unsigned (progbar.py: `if avg > 1e-3`).
    expect(await printed([[-1], [-2]], ['cosine_similarity'], 1)).toBe('cosine_similarity: -1.0000 - loss: 10.0000\n');
    expect(await printed([[-1], [-2]], ['cosine_similarity'], 2)).toBe('cosine_similarity: -1.0000e+00 - loss: 10.0000\n');
    // Python rounds an exact tie to even, JavaScript's toFixed away from zero: mae 2^-5 = 0.03125 prints 0.0312; mse 2^-10 = 0.0009765625.
    expect(await printed([[1 + 2 ** -5], [2 + 2 ** -5]], ['mae'], 1)).toBe('loss: 9.7656e-04 - mae: 0.0312\n');
  });

  it('EarlyStopping stops when the monitored value stops improving and restores the best weights', async () => {
    const m = model(11);
    // A learning rate this large makes the loss climb after the first epochs.
    m.compile({ optimizer: optimizers.sgd({ learningRate: 3 }), loss: 'mse' });
    const { x, y } = data(8);
    const perEpoch: Float32Array[] = [];
    const stopper = new EarlyStopping({ monitor: 'loss', patience: 1, restoreBestWeights: true });
    const history = await m.fit(x, y, {
      batchSize: 8, epochs: 30, shuffle: false, verbose: 0,
      callbacks: [{ onEpochEnd: () => { perEpoch.push(m.getWeights()[0].data.slice()); } }, stopper],
    });
    const losses = history.history.loss;
    expect(losses.length).toBeLessThan(30);
    const best = losses.indexOf(Math.min(...losses));
    expect(stopper.bestEpoch).toBe(best);
    expect(m.getWeights()[0].data).toEqual(perEpoch[best]);
  });

  it("EarlyStopping restores the best epoch's weights at the end of training even when it never stops (Keras 3's on_train_end)", async () => {
    const m = model(12);
    m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'mse' });
    const { x, y } = data(8);
    const perEpoch: Float32Array[][] = [];
    // The monitored value is best at epoch 1 (0-based); patience 10 never runs out in 4 epochs.
    const watched = [3, 1, 2, 4];
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((text: string) => { printed.push(text); });
    const stopper = new EarlyStopping({ monitor: 'watched', mode: 'min', patience: 10, restoreBestWeights: true, verbose: 1 });
    await m.fit(x, y, {
      batchSize: 4, epochs: 4, shuffle: false, verbose: 0,
      callbacks: [{ onEpochEnd: (epoch, logs) => { logs.watched = watched[epoch]; perEpoch.push(m.getWeights().map((w) => w.data.slice())); } }, stopper],
    });
    log.mockRestore();
    expect(stopper.stoppedEpoch).toBe(0);
    expect(stopper.bestEpoch).toBe(1);
    expect(perEpoch[3][0]).not.toEqual(perEpoch[1][0]);
    m.getWeights().forEach((w, i) => expect(w.data).toEqual(perEpoch[1][i]));
    expect(printed).toEqual(['Restoring model weights from the end of the best epoch: 2.']);
  });

  it("testOnBatch and predictOnBatch are Keras' test_on_batch / predict_on_batch: evaluate and predict on x as one batch", async () => {
    const m = model(13);
    m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const { x, y } = data(8);
    const weights = m.getWeights();
    const sampleWeight = tensor([1, 2, 0, 1, 1, 3, 1, 1]);
    const one = m.testOnBatch(x, y, { sampleWeight });
    const all = await m.evaluate(x, y, { batchSize: 8, sampleWeight });
    expect(one).toEqual(all);
    expect([...one]).toEqual([...all]);
    expect(Object.keys(one)).toEqual(['loss', 'mae']);
    m.getWeights().forEach((w, i) => expect(w.data).toEqual(weights[i].data));
    expect((m.predictOnBatch(x) as Tensor).data).toEqual((m.predict(x) as Tensor).data);
    expect(() => m.testOnBatch(x, y, untyped({ batchSize: 2 }))).toThrow(/testOnBatch: unknown option 'batchSize'/);
    const predictOnBatch = m.predictOnBatch.bind(m) as (...args: unknown[]) => unknown;
    expect(() => predictOnBatch(x, { batchSize: 2 })).toThrow(ConfigError);
    expect(() => predictOnBatch(x, { batchSize: 2 })).toThrow(/predictOnBatch\(x\) takes x alone.*received 2 arguments/);
  });

  it('keeps WebAssembly memory flat across repeated fit calls', async () => {
    const m = model();
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const { x, y } = data(16, 20, 3);
    const x20 = tensor(x.data, [16, 20, 3]);
    const m2 = new Sequential();
    m2.add(new GRU({ units: 6, inputShape: [20, 3], returnSequences: false, seed: 1 }));
    m2.add(new Dense({ units: 1, seed: 2 }));
    m2.compile({ optimizer: 'rmsprop', loss: 'mse' });
    await m2.fit(x20, y, { batchSize: 5, epochs: 1, verbose: 0 });
    const warm = memoryBytes();
    for (let i = 0; i < 5; i++) await m2.fit(x20, y, { batchSize: 5, epochs: 1, verbose: 0 });
    expect(memoryBytes()).toBe(warm);
    m.dispose();
    m2.dispose();
  });

  it('trains a functional model with initial states as inputs', async () => {
    const x = Input({ shape: [4, 2] });
    const h0 = Input({ shape: [3] });
    const c0 = Input({ shape: [3] });
    const out = new Dense({ units: 1, seed: 1 }).apply(new LSTM({ units: 3, seed: 2 }).apply(x, { initialState: [h0, c0] }) as never);
    const m = new Model({ inputs: [x, h0, c0], outputs: out as never });
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const random = seededRandom(4);
    const xs = [tensor(randomFloats(random, 6 * 8), [6, 4, 2]), tensor(randomFloats(random, 18), [6, 3]), tensor(randomFloats(random, 18), [6, 3])];
    const history = await m.fit(xs, tensor(randomFloats(random, 6), [6, 1]), { batchSize: 3, epochs: 2, verbose: 0 });
    expect(history.history.loss).toHaveLength(2);
    expect(m.optimizer.iterations).toBe(4);
  });
});

describe('Dropout in training', () => {
  it('drops at its rate with inverted scaling, and is the identity in predict', () => {
    const layer = new Dropout({ rate: 0.3 });
    const n = 20000;
    const x = tensor(new Float32Array(n).fill(1), [100, 200]);
    const step = trainingStep(layer, [x], [undefined], seededGenerator(5));
    const out = step.outputs[0].data;
    const dropped = out.filter((v) => v === 0).length / n;
    expect(Math.abs(dropped - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / n));
    const kept = out.filter((v) => v !== 0);
    expect(kept.every((v) => v === Math.fround(1 / 0.7)), 'kept values are scaled by 1 / (1 - rate)').toBe(true);
    const mean = out.reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(mean - 1)).toBeLessThan(0.03);
    // The gradient goes through the same mask.
    const { inputs } = step.backward([new Float32Array(n).fill(1)]);
    expect(inputs[0]!.every((g, i) => g === out[i]), 'the gradient is masked and scaled the same way').toBe(true);
    expect((layer.apply(x) as Tensor).data).toEqual(x.data);
  });
});
