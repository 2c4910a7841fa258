// Keras' built-in callbacks a notebook passes to fit: LearningRateScheduler, ReduceLROnPlateau,
// LambdaCallback, TerminateOnNaN, CSVLogger, ModelCheckpoint; the settable learning rate they use;
// model.saveWeights. Expected values are worked by hand on a one-weight model: Dense(1) without a
// bias, x = 1, y = 0, MSE, so the loss is w² and SGD's step is w ← w − lr·2w.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CSVLogger, Callback, ConfigError, Dense, EarlyStopping, History, Input, LambdaCallback, LearningRateScheduler, Model, ModelCheckpoint, ModelFileError,
  ReduceLROnPlateau, Sequential, TerminateOnNaN, loadModel, optimizers, ready, tensor, type CallbackHooks, type Logs, type MetricsArgument, type TrainedModel,
} from '../dist/index.js';
import { expectError, rejected, untyped } from './expect-error.js';
import { testKernelVariant } from './kernel-variant.js';

let dir: string;
beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
  dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-callbacks-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const f32 = Math.fround;

/** Dense(1), no bias, w = 1, SGD(lr), MSE; `samples` rows of x = 1, y = 0. */
function oneWeight(lr: number, samples = 1) {
  const model = new Sequential([new Dense(1, { inputShape: [1], useBias: false, kernelInitializer: 'ones' })]);
  model.compile({ optimizer: optimizers.sgd(lr), loss: 'mse' });
  const x = tensor(new Float32Array(samples).fill(1), [samples, 1]);
  const y = tensor(new Float32Array(samples), [samples, 1]);
  return { model, x, y, weight: () => model.getWeights()[0]!.data[0]! };
}

describe('the optimizer learning rate is settable, as Keras callbacks set it', () => {
  it('keeps it a float32, checks it, and the next step uses it', async () => {
    const { model, x, y, weight } = oneWeight(0.1);
    model.optimizer.learningRate = 0.25;
    expect(model.optimizer.learningRate).toBe(0.25);
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(weight()).toBe(0.5); // 1 − 0.25·2
    model.optimizer.learningRate = 0.1;
    expect(model.optimizer.learningRate).toBe(f32(0.1));
    expectError(() => { model.optimizer.learningRate = Number.NaN; }, ConfigError, ["optimizer option 'learningRate' must be a finite number, received NaN"]);
    expect(model.optimizer.learningRate).toBe(f32(0.1));
  });

  it('takes 0 (and a negative rate) as Keras does: base_optimizer.py assigns any float to its variable', async () => {
    expect(optimizers.sgd({ learningRate: 0 }).learningRate).toBe(0);
    expect(optimizers.adam(0).learningRate).toBe(0);
    expect(optimizers.sgd({ learningRate: -0.5 }).learningRate).toBe(-0.5);
    // A warm-up from 0: SGD's step w ← w − lr·2w leaves w = 1 in epoch 0, then w = 1 − 0.25·2 = 0.5.
    const { model, x, y, weight } = oneWeight(0.1);
    const history = await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [new LearningRateScheduler((epoch) => epoch * 0.25)] });
    expect(history.history.learning_rate).toEqual([0, 0.25]);
    expect(history.history.loss).toEqual([1, 1]);
    expect(weight()).toBe(0.5);
    expectError(() => optimizers.sgd({ learningRate: Number.POSITIVE_INFINITY }), ConfigError, ["optimizer option 'learningRate' must be a finite number or a LearningRateSchedule, received Infinity"]);
  });
});

describe('LearningRateScheduler', () => {
  it('sets schedule(epoch, lr) before each epoch and logs learning_rate', async () => {
    const { model, x, y, weight } = oneWeight(0.1);
    const seen: [number, number][] = [];
    const rates = [0.1, 0.05, 0.2];
    const history = await model.fit(x, y, {
      epochs: 3, verbose: 0,
      callbacks: [new LearningRateScheduler((epoch, lr) => { seen.push([epoch, lr]); return rates[epoch]!; })],
    });
    expect(seen).toEqual([[0, f32(0.1)], [1, f32(0.1)], [2, f32(0.05)]]);
    expect(history.history.learning_rate).toEqual(rates.map(f32));
    // w: 1 → 1 − 0.2 = 0.8 → 0.8·(1 − 0.1) = 0.72 → 0.72·(1 − 0.4) = 0.432; loss is w² before each step.
    expect(weight()).toBeCloseTo(0.432, 6);
    const loss = history.history.loss!;
    [1, 0.64, 0.5184].forEach((expected, i) => expect(loss[i]).toBeCloseTo(expected, 6));
  });

  it('prints Keras\' line with verbose 1, and rejects a schedule that is not a function or returns no number', async () => {
    const { model, x, y } = oneWeight(0.1);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new LearningRateScheduler(() => 0.5, 1)] });
      expect(log.mock.calls).toEqual([['\nEpoch 1: LearningRateScheduler setting learning rate to 0.5.']]);
    } finally {
      log.mockRestore();
    }
    expectError(() => new LearningRateScheduler(untyped(0.1)), ConfigError, ['LearningRateScheduler: schedule must be a function (epoch, learningRate) => learningRate, received 0.1']);
    await expect(model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new LearningRateScheduler(untyped(() => '0.1'))] }))
      .rejects.toThrow('LearningRateScheduler: the schedule must return a finite number, received "0.1" for epoch 0');
  });
});

describe('ReduceLROnPlateau', () => {
  // lr 0.5 takes w to 0 in one step, so the loss is 1, then 0 for ever: no improvement from epoch 2 on.
  it('multiplies the rate by factor after patience epochs without improvement, honouring cooldown and minLr', async () => {
    const { model, x, y } = oneWeight(0.5);
    const history = await model.fit(x, y, {
      epochs: 5, verbose: 0, callbacks: [new ReduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 1, cooldown: 2, minDelta: 0 })],
    });
    expect(history.history.loss).toEqual([1, 0, 0, 0, 0]);
    // Logged before the epoch's reduction: reduced at epoch 3 (index 2), cooldown at 4, counting at 5 reduces again.
    expect(history.history.learning_rate).toEqual([0.5, 0.5, 0.5, 0.25, 0.25]);
    expect(model.optimizer.learningRate).toBe(0.125);

    const floor = oneWeight(0.5);
    await floor.model.fit(floor.x, floor.y, { epochs: 6, verbose: 0, callbacks: [new ReduceLROnPlateau({ monitor: 'loss', factor: 0.1, patience: 1, minLr: 0.01 })] });
    expect(floor.model.optimizer.learningRate).toBe(f32(0.01));
  });

  it("checks its options as Keras does, with the camelCase hint", () => {
    expectError(() => new ReduceLROnPlateau({ factor: 1 }), ConfigError, ["ReduceLROnPlateau: option 'factor' must be in (0, 1)", 'received 1']);
    expectError(() => new ReduceLROnPlateau(untyped({ min_lr: 0.001 })), ConfigError, ["ReduceLROnPlateau: unknown option 'min_lr' (did you mean 'minLr'? options are camelCase)"]);
    expectError(() => new ReduceLROnPlateau({ patience: 1.5 }), ConfigError, ["option 'patience' must be a non-negative integer, received 1.5"]);
  });
});

describe('LambdaCallback and TerminateOnNaN', () => {
  it('LambdaCallback calls the functions given, with onBatchEnd as Keras\' alias of onTrainBatchEnd', async () => {
    const { model, x, y } = oneWeight(0.1, 4);
    const calls: string[] = [];
    await model.fit(x, y, {
      epochs: 2, batchSize: 2, verbose: 0, shuffle: false,
      callbacks: new LambdaCallback({
        onTrainBegin: () => { calls.push('begin'); },
        onEpochBegin: (epoch) => { calls.push(`epoch ${epoch}`); },
        onBatchEnd: (batch, logs) => { calls.push(`batch ${batch} ${typeof logs.loss}`); },
        onEpochEnd: (epoch, logs) => { calls.push(`end ${epoch} ${Object.keys(logs).join()}`); },
        onTrainEnd: () => { calls.push('done'); },
      }),
    });
    expect(calls).toEqual(['begin', 'epoch 0', 'batch 0 number', 'batch 1 number', 'end 0 loss', 'epoch 1', 'batch 0 number', 'batch 1 number', 'end 1 loss', 'done']);
    expectError(() => new LambdaCallback(untyped({ on_epoch_end: () => undefined })), ConfigError, ["LambdaCallback: unknown option 'on_epoch_end' (did you mean 'onEpochEnd'? options are camelCase)"]);
    expectError(() => new LambdaCallback(untyped({ onEpochEnd: 3 })), ConfigError, ["LambdaCallback: option 'onEpochEnd' must be a function, received 3"]);
  });

  // lr 3e38: batch 0 has loss 1 and takes w to 1 − 6e38, beyond float32 (−Infinity); batch 1's loss is Infinity.
  it('TerminateOnNaN stops right after the first batch whose loss is not finite, as Keras 3 does', async () => {
    const { model, x, y } = oneWeight(3e38, 3);
    const batches: number[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    let history;
    try {
      history = await model.fit(x, y, {
        epochs: 3, batchSize: 1, shuffle: false, verbose: 0,
        callbacks: [new TerminateOnNaN(), new LambdaCallback({ onTrainBatchEnd: (batch) => { batches.push(batch); } })],
      });
      expect(log.mock.calls).toEqual([['Batch 1: Invalid loss, terminating training']]);
    } finally {
      log.mockRestore();
    }
    expect(batches).toEqual([0, 1]);
    expect(history.epoch).toEqual([0]);
  });
});

describe('CSVLogger', () => {
  it("writes Keras 3's file: epoch and the sorted log keys, val_ columns as NA without validation, Python's float spelling, \\r\\n rows", async () => {
    const file = join(dir, 'log.csv');
    const { model, x, y } = oneWeight(0.1);
    const history = await model.fit(x, y, {
      epochs: 2, verbose: 0, callbacks: [new LearningRateScheduler(() => 1e-5), new CSVLogger(file)],
    });
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe('epoch,learning_rate,loss,val_learning_rate,val_loss');
    // float32(1e-5) as Python prints the double: 9.999999747378752e-06; the first loss is exactly 1.
    expect(lines[1]).toBe('0,9.999999747378752e-06,1.0,NA,NA');
    const second = lines[2]!.split(',');
    expect(second[0]).toBe('1');
    expect(Number(second[2])).toBe(history.history.loss![1]);
    expect(lines).toHaveLength(3);

    await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new CSVLogger(file, { append: true, separator: ';' })] });
    const appended = readFileSync(file, 'utf8').split('\r\n');
    expect(appended).toHaveLength(5);
    expect(appended[3]).toMatch(/^0;[0-9.e-]+;NA$/);
    expectError(() => new CSVLogger(file, untyped({ sep: ';' })), ConfigError, ["CSVLogger: unknown option 'sep'"]);
  });

  it("a file in a missing folder is a ConfigError naming the file and Node's reason, before the first epoch; the next fit trains", async () => {
    const file = join(dir, 'missing', 'log.csv');
    const { model, x, y } = oneWeight(0.1);
    const before = Array.from(model.getWeights()[0]!.data);
    const failed = model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new CSVLogger(file)] });
    await expect(failed).rejects.toThrow(ConfigError);
    await expect(model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new CSVLogger(file)] })).rejects.toThrow(/CSVLogger: cannot write ".*missing.*log\.csv" \(ENOENT.*\); its folder must exist/);
    expect(Array.from(model.getWeights()[0]!.data)).toEqual(before);
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(Array.from(model.getWeights()[0]!.data)).not.toEqual(before);
  });
});

describe('ModelCheckpoint and model.saveWeights', () => {
  it('formats the filepath as Python does and saves only improvements with saveBestOnly; the files load back', async () => {
    const ckpt = join(dir, 'ckpt');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(ckpt);
    // lr 0.5: loss 1, then 0, 0: only epochs 1 and 2 improve.
    const { model, x, y } = oneWeight(0.5);
    await model.fit(x, y, {
      epochs: 3, verbose: 0, callbacks: [new ModelCheckpoint(join(ckpt, 'model-{epoch:02d}-{loss:.3f}.keras'), { monitor: 'loss', saveBestOnly: true })],
    });
    expect(readdirSync(ckpt).sort()).toEqual(['model-01-1.000.keras', 'model-02-0.000.keras']);
    const loaded = await loadModel(join(ckpt, 'model-02-0.000.keras'));
    expect(Array.from(loaded.getWeights()[0]!.data)).toEqual([0]);

    const weights = join(dir, 'w-{epoch}.weights.h5');
    const second = oneWeight(0.25);
    await second.model.fit(second.x, second.y, { epochs: 2, verbose: 0, callbacks: [new ModelCheckpoint(weights, { saveWeightsOnly: true })] });
    const fresh = oneWeight(0.1);
    await fresh.model.loadWeights(join(dir, 'w-1.weights.h5'));
    expect(fresh.weight()).toBe(0.5); // 1 − 0.25·2
    await fresh.model.loadWeights(join(dir, 'w-2.weights.h5'));
    expect(fresh.weight()).toBe(0.25);
  });

  it('saveFreq N saves every N batches, counted across epochs as Keras counts them, with {batch} from 1', async () => {
    const { model, x, y } = oneWeight(0.25, 3);
    // 3 batches of 1 per epoch, 2 epochs: batches seen 2, then 2 (1 + the next epoch's first), then 2.
    await model.fit(x, y, {
      epochs: 2, batchSize: 1, verbose: 0,
      callbacks: [new ModelCheckpoint(join(dir, 'b-{epoch}-{batch:02d}.weights.h5'), { saveWeightsOnly: true, saveFreq: 2 })],
    });
    expect(readdirSync(dir).filter((name) => name.startsWith('b-')).sort()).toEqual(['b-1-02.weights.h5', 'b-2-01.weights.h5', 'b-2-03.weights.h5']);
    // Each SGD step on mse(w·1, 0) halves w at lr 0.25: w = 0.5^steps.
    const fresh = oneWeight(0.1);
    for (const [file, steps] of [['b-1-02', 2], ['b-2-01', 4], ['b-2-03', 6]] as const) {
      await fresh.model.loadWeights(join(dir, `${file}.weights.h5`));
      expect(fresh.weight()).toBe(0.5 ** steps);
    }
    // {batch} is a field of batch checkpoints only, as in Keras.
    await expect(model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new ModelCheckpoint(join(dir, 'e-{batch}.keras'))] }))
      .rejects.toThrow("no log named 'batch'");
  });

  it("warns as Keras when the monitor is not in the epoch's logs; ModelCheckpoint with saveBestOnly then saves anyway, as Keras' _should_save_model", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { model, x, y } = oneWeight(0.1);
      await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [new EarlyStopping({ monitor: 'val_loss', patience: 0 }), new ReduceLROnPlateau({ monitor: 'val_loss' })] });
      const messages = warn.mock.calls.map((call) => String(call[0]));
      expect(messages.filter((m) => m.includes('Early stopping conditioned on metric `val_loss` which is not available. Available metrics are: loss'))).toHaveLength(2);
      expect(messages.filter((m) => m.includes('Learning rate reduction is conditioned on metric `val_loss` which is not available. Available metrics are: loss,learning_rate'))).toHaveLength(2);
      warn.mockClear();
      const path = join(dir, 'unmonitored.keras');
      await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new ModelCheckpoint(path, { monitor: 'val_loss', saveBestOnly: true })] });
      expect(warn.mock.calls.map((call) => String(call[0]))).toEqual(['wasm-rnn: ModelCheckpoint: Can save best model only with val_loss available.']);
      expect(existsSync(path)).toBe(true);
    } finally {
      warn.mockRestore();
    }
  });

  it('saves a whole model to an .h5 path, as Keras 3 takes one, which loads back with the same weights', async () => {
    const { model, x, y } = oneWeight(0.1);
    await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [new ModelCheckpoint(join(dir, 'whole-{epoch}.h5'))] });
    const loaded = await loadModel(join(dir, 'whole-2.h5'));
    expect(loaded.getWeights().map((w) => Array.from(w.data))).toEqual(model.getWeights().map((w) => Array.from(w.data)));
  });

  it("refuses what Keras 3 refuses, and names a missing log key", async () => {
    expectError(() => new ModelCheckpoint('best.txt'), ConfigError, ["ModelCheckpoint: the filepath must end in .keras or .h5 (Keras 3's rule; .weights.h5 with saveWeightsOnly)"]);
    expectError(() => new ModelCheckpoint('best.keras', { saveWeightsOnly: true }), ConfigError, ['with saveWeightsOnly the filepath must end in .weights.h5']);
    expectError(() => new ModelCheckpoint('best.keras', untyped({ save_best_only: true })), ConfigError, ["unknown option 'save_best_only' (did you mean 'saveBestOnly'?"]);
    expectError(() => new ModelCheckpoint('best.keras', untyped({ saveFreq: 0 })), ConfigError, ["option 'saveFreq' must be 'epoch' or a positive integer number of batches, received 0"]);
    expectError(() => new ModelCheckpoint('best.keras', untyped({ saveFreq: 'batch' })), ConfigError, ["option 'saveFreq' must be 'epoch' or a positive integer"]);
    const { model, x, y } = oneWeight(0.1);
    await expect(model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new ModelCheckpoint(join(dir, 'm-{val_loss:.2f}.keras'))] }))
      .rejects.toThrow("no log named 'val_loss'; the fields are epoch, loss");
    await expect(model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new ModelCheckpoint(join(dir, 'm-{loss:02d}.keras'))] }))
      .rejects.toThrow("format 'd' is for the epoch");
  });

  it('saveWeights writes Keras 3 .weights.h5 files only, and a wrong model is a ModelFileError on load', async () => {
    const { model } = oneWeight(0.1);
    await expect(model.saveWeights(join(dir, 'w.h5'))).rejects.toThrow("saveWeights: the filename must end in .weights.h5 (Keras 3's rule)");
    await model.saveWeights(join(dir, 'one.weights.h5'));
    const other = new Sequential([new Dense(3, { inputShape: [1] })]);
    await expect(other.loadWeights(join(dir, 'one.weights.h5'))).rejects.toBeInstanceOf(ModelFileError);
  });
});

describe("a callback's hooks as Keras calls them", () => {
  it("onBatchBegin / onBatchEnd, Keras' older names, run in fit where a callback has no onTrainBatchBegin / End", async () => {
    const { model, x, y } = oneWeight(0.1, 4);
    const seen: string[] = [];
    await model.fit(x, y, {
      epochs: 1, batchSize: 2, verbose: 0, shuffle: false,
      callbacks: [
        { onBatchBegin: (batch: number) => { seen.push(`begin ${batch}`); }, onBatchEnd: (batch: number, logs: Record<string, number>) => { seen.push(`end ${batch} ${logs.loss}`); } },
        { onTrainBatchEnd: () => { seen.push('train end'); }, onBatchEnd: () => { seen.push('never: onTrainBatchEnd overrides it'); } },
      ],
    });
    // SGD on w² from w = 1 with lr 0.1: w = 0.8 after the first batch; the running mean loss is (1 + 0.64) / 2 after the second.
    expect(seen.map((line) => line.replace(/ 0\.8200000\d*$/, ' 0.82'))).toEqual(['begin 0', 'end 0 1', 'train end', 'begin 1', 'end 1 0.82', 'train end']);
  });

  it('evaluate calls onTestBegin, onTestBatchBegin, onTestBatchEnd and onTestEnd with its logs', async () => {
    const { model, x, y } = oneWeight(0.1, 4);
    const seen: string[] = [];
    const result = await model.evaluate(x, y, {
      batchSize: 2, returnDict: true,
      callbacks: [{
        onTestBegin: () => { seen.push('begin'); },
        onTestBatchBegin: (batch: number) => { seen.push(`batch ${batch}`); },
        onTestBatchEnd: (batch: number) => { seen.push(`batch end ${batch}`); },
        onTestEnd: (logs: Record<string, number>) => { seen.push(`end ${logs.loss}`); },
      }],
    });
    expect(result).toEqual({ loss: 1 });
    expect(seen).toEqual(['begin', 'batch 0', 'batch end 0', 'batch 1', 'batch end 1', 'end 1']);
  });

  it("fit's validation runs the test hooks, as Keras' fit calls evaluate(callbacks=callbacks): unprefixed logs, before onEpochEnd", async () => {
    const { model, x, y } = oneWeight(0.1, 4);
    const seen: string[] = [];
    await model.fit(x, y, {
      epochs: 2, batchSize: 4, validationData: [x, y], validationBatchSize: 2, validationFreq: 2, verbose: 0,
      callbacks: [{
        onTestBegin: () => { seen.push('test begin'); },
        onTestBatchEnd: (batch: number) => { seen.push(`test batch ${batch}`); },
        onTestEnd: (logs: Record<string, number>) => { seen.push(`test end ${Object.keys(logs).join()}`); },
        onEpochEnd: (epoch: number, logs: Record<string, number>) => { seen.push(`epoch ${epoch} ${Object.keys(logs).join()}`); },
      }],
    });
    expect(seen).toEqual(['epoch 0 loss', 'test begin', 'test batch 0', 'test batch 1', 'test end loss', 'epoch 1 loss,val_loss']);
  });

  it('a plain object with a function no hook is named is a ConfigError naming the hook it likely meant', async () => {
    const { model, x, y } = oneWeight(0.1);
    const misspelt = await rejected(model.fit(x, y, { verbose: 0, callbacks: [untyped({ onEpochEnds: () => undefined })] }));
    expectError(() => { throw misspelt; }, ConfigError, ["the callback at index 0 has 'onEpochEnds'", "(did you mean 'onEpochEnd'?)"]);
    const snake = await rejected(model.fit(x, y, { verbose: 0, callbacks: [untyped({ on_epoch_end: () => undefined })] }));
    expectError(() => { throw snake; }, ConfigError, ["has 'on_epoch_end'", "(did you mean 'onEpochEnd'?)"]);
    // A class instance may carry helpers of its own, whatever their names.
    class Counter { count = 0; onEpochEnd(): void { this.count++; } onEveryThird(): void { /* a helper */ } }
    const counter = new Counter();
    await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [counter] });
    expect(counter.count).toBe(2);
  });
});

describe("mode 'auto' as Keras 3's MonitorCallback._set_monitor_op: the direction of the compiled metric", () => {
  /** Dense(1) sigmoid on two samples, compiled with `metrics`; `inject` writes `values[epoch]` into the logs before the callback under test. */
  function monitored(metrics: MetricsArgument, monitor: string, values: readonly number[]) {
    const model = new Sequential([new Dense(1, { inputShape: [2], activation: 'sigmoid', kernelInitializer: 'ones' })]);
    model.compile({ optimizer: optimizers.sgd(0.1), loss: 'binary_crossentropy', metrics });
    const x = tensor([[1, 2], [-1, 0.5]]);
    const y = tensor([[1], [0]]);
    const inject = { onEpochEnd: (epoch: number, logs: Logs) => { logs[monitor] = values[epoch]!; } };
    const fit = (callback: Callback) => model.fit(x, y, { epochs: values.length, verbose: 0, validationData: [x, y], callbacks: [inject, callback] });
    return { model, fit };
  }

  // Keras' _direction: 'up' for every accuracy, Precision, Recall, AUC, the F-scores, R2Score and
  // CosineSimilarity (the metric's name as compiled, in any case); 'down' for the losses and errors.
  const up: [MetricsArgument, string][] = [
    [['precision'], 'val_precision'], [['recall'], 'recall'], [['AUC'], 'val_AUC'], [['auc'], 'val_auc'], [['accuracy'], 'val_accuracy'],
    [['acc'], 'acc'], [['binary_accuracy'], 'val_binary_accuracy'], [[{ class_name: 'F1Score', config: { average: 'micro', name: 'f1' } }], 'val_f1'],
    [[{ class_name: 'R2Score' }], 'val_r2_score'], [['cosine_similarity'], 'val_cosine_similarity'],
  ];
  const down: [MetricsArgument, string][] = [
    [['mae'], 'val_mae'], [['mse'], 'mse'], [['root_mean_squared_error'], 'val_root_mean_squared_error'], [['hinge'], 'val_hinge'],
    [['kl_divergence'], 'val_kl_divergence'], [['poisson'], 'val_poisson'], [[], 'val_loss'], [[], 'loss'],
  ];
  const rising = [0.5, 0.6, 0.7, 0.8];

  it.each(up)('%j: %s maximised, so rising values are improvements for all three callbacks', async (metrics, monitor) => {
    // EarlyStopping(patience 0) runs every epoch; ReduceLROnPlateau never reduces; the checkpoint's best is the last value.
    const stopping = monitored(metrics, monitor, rising);
    expect((await stopping.fit(new EarlyStopping({ monitor, patience: 0 }))).history.loss).toHaveLength(4);
    const plateau = monitored(metrics, monitor, rising);
    await plateau.fit(new ReduceLROnPlateau({ monitor, patience: 1, factor: 0.5 }));
    expect(plateau.model.optimizer.learningRate).toBe(f32(0.1));
    const checkpoint = new ModelCheckpoint(join(dir, 'auto-up.weights.h5'), { monitor, saveBestOnly: true, saveWeightsOnly: true });
    await monitored(metrics, monitor, rising).fit(checkpoint);
    expect(checkpoint.best).toBe(0.8);
  });

  it.each(down)('%j: %s minimised, so rising values never improve after the first', async (metrics, monitor) => {
    // EarlyStopping(patience 0) stops at epoch 2 (index 1); ReduceLROnPlateau(patience 1) halves the rate at epochs 2, 3 and 4.
    const stopping = monitored(metrics, monitor, rising);
    expect((await stopping.fit(new EarlyStopping({ monitor, patience: 0 }))).history.loss).toHaveLength(2);
    const plateau = monitored(metrics, monitor, rising);
    await plateau.fit(new ReduceLROnPlateau({ monitor, patience: 1, factor: 0.5 }));
    expect(plateau.model.optimizer.learningRate).toBe(f32(0.1) / 8);
    const checkpoint = new ModelCheckpoint(join(dir, 'auto-down.weights.h5'), { monitor, saveBestOnly: true, saveWeightsOnly: true });
    await monitored(metrics, monitor, rising).fit(checkpoint);
    expect(checkpoint.best).toBe(0.5);
  });

  it("a monitor naming no compiled metric is Keras' error at the first epoch end, unless mode says which way", async () => {
    for (const make of [(monitor: string) => new EarlyStopping({ monitor }), (monitor: string) => new ReduceLROnPlateau({ monitor }),
      (monitor: string) => new ModelCheckpoint(join(dir, 'never.keras'), { monitor })]) {
      const { fit } = monitored(['mae'], 'watched', rising);
      const callback = make('watched');
      const error = await rejected(fit(callback));
      expectError(() => { throw error; }, ConfigError, [
        "received monitor 'watched', and mode 'auto' cannot tell whether it should be maximised or minimised",
        "the compiled metrics are 'mae'", "pass mode: 'max' to keep the highest value, or mode: 'min' the lowest",
      ]);
    }
    const stopper = new EarlyStopping({ monitor: 'watched', mode: 'max', patience: 0 });
    expect((await monitored(['mae'], 'watched', rising).fit(stopper)).history.loss).toHaveLength(4);
    expect(existsSync(join(dir, 'never.keras'))).toBe(false);
  });

  it("matches metric.name, not the log key: a per-output key names no metric (Keras raises), the metric's own name does", async () => {
    const input = Input({ shape: [2] });
    const model = new Model({ inputs: input, outputs: [new Dense(1, { name: 'a', activation: 'sigmoid' }).apply(input), new Dense(1, { name: 'b' }).apply(input)] });
    model.compile({ optimizer: 'sgd', loss: ['binary_crossentropy', 'mse'], metrics: [['accuracy'], ['mae']] });
    const x = tensor([[1, 2], [-1, 0.5]]);
    const y = [tensor([[1], [0]]), tensor([[0.5], [1]])];
    const history = await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(Object.keys(history.history)).toContain('a_accuracy');
    await expect(model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new EarlyStopping({ monitor: 'a_accuracy' })] })).rejects.toThrow("received monitor 'a_accuracy'");
    await expect(model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new EarlyStopping({ monitor: 'a_loss' })] })).rejects.toThrow("received monitor 'a_loss'");
    const stopper = new EarlyStopping({ monitor: 'a_accuracy', mode: 'max' });
    await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [stopper] });
    expect(stopper.mode).toBe('max');
  });
});

describe('ModelCheckpoint as Keras 3 saves', () => {
  it('creates the folder, parents included (file_utils.makedirs)', async () => {
    const { model, x, y } = oneWeight(0.25);
    const folder = join(dir, 'new', 'deeper');
    await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [new ModelCheckpoint(join(folder, 'model-{epoch:02d}.keras'))] });
    expect(readdirSync(folder).sort()).toEqual(['model-01.keras', 'model-02.keras']);
  });

  it("prints Keras 3's lines: 'improved from None' first, then 'finished saving model to'", async () => {
    // lr 0.5: loss 1, then 0, 0.
    const { model, x, y } = oneWeight(0.5);
    const path = join(dir, 'verbose.keras');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await model.fit(x, y, { epochs: 3, verbose: 0, callbacks: [new ModelCheckpoint(path, { monitor: 'loss', saveBestOnly: true, verbose: 1 })] });
      expect(log.mock.calls.map((call) => call[0])).toEqual([
        `\nEpoch 1: loss improved from None to 1.00000, saving model to ${path}`, `\nEpoch 1: finished saving model to ${path}`,
        `\nEpoch 2: loss improved from 1.00000 to 0.00000, saving model to ${path}`, `\nEpoch 2: finished saving model to ${path}`,
        '\nEpoch 3: loss did not improve from 0.00000',
      ]);
      log.mockClear();
      await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new ModelCheckpoint(path, { verbose: 1 })] });
      expect(log.mock.calls.map((call) => call[0])).toEqual([`\nEpoch 1: saving model to ${path}`, `\nEpoch 1: finished saving model to ${path}`]);
    } finally {
      log.mockRestore();
    }
  });
});

describe("the Callback base class, and model / params on every callback, as Keras' CallbackList sets them", () => {
  it('is extended with only the hooks needed; this.model.stopTraining ends fit after the epoch', async () => {
    const { model, x, y } = oneWeight(0.1);
    class StopAt extends Callback {
      override onEpochEnd(epoch: number): void {
        if (epoch === 1) this.model.stopTraining = true;
      }
    }
    const stopper = new StopAt();
    const history = await model.fit(x, y, { epochs: 5, verbose: 0, callbacks: [stopper] });
    expect(history.epoch).toEqual([0, 1]);
    expect(stopper.model).toBe(model);
    expect(stopper.params).toEqual({ verbose: 0, epochs: 5, steps: 1 });
    for (const builtIn of [history, new EarlyStopping(), new LambdaCallback(), new TerminateOnNaN(), new CSVLogger('log.csv'), new ModelCheckpoint('m.keras'),
      new LearningRateScheduler((_, lr) => lr), new ReduceLROnPlateau()]) expect(builtIn).toBeInstanceOf(Callback);
    expect(history).toBeInstanceOf(History);
    expectError(() => new StopAt().model, ConfigError, ['StopAt: this.model is set when fit or evaluate runs the callback, and neither has run it yet']);
  });

  it("runs a subclass's onBatchBegin / onBatchEnd through the base onTrainBatchBegin / End, as Keras' Callback does", async () => {
    const { model, x, y } = oneWeight(0.1, 4);
    const seen: string[] = [];
    class Batches extends Callback {
      override onBatchBegin(batch: number): void { seen.push(`begin ${batch}`); }
      override onBatchEnd(batch: number): void { seen.push(`end ${batch}`); }
    }
    await model.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0, callbacks: [new Batches()] });
    expect(seen).toEqual(['begin 0', 'end 0', 'begin 1', 'end 1']);
  });

  it('sets model and params on plain objects and on classes that do not extend Callback, in fit and in evaluate', async () => {
    const { model, x, y } = oneWeight(0.1, 4);
    class Plain { model: TrainedModel | undefined; stopAt = 2; onEpochEnd(epoch: number): void { if (epoch === this.stopAt && this.model) this.model.stopTraining = true; } }
    const plain = new Plain();
    const object: CallbackHooks = { onTrainBegin() {} };
    const frozen = Object.freeze({ onEpochEnd() {} });
    const history = await model.fit(x, y, { epochs: 6, batchSize: 3, verbose: 0, callbacks: [plain, object, frozen] });
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(plain.model).toBe(model);
    expect(object.model).toBe(model);
    // 4 samples in batches of 3: 2 steps.
    expect(object.params).toEqual({ verbose: 0, epochs: 6, steps: 2 });
    const evaluated: CallbackHooks = { onTestEnd() {} };
    await model.evaluate(x, y, { batchSize: 4, callbacks: [evaluated] });
    expect(evaluated.model).toBe(model);
    // Keras' evaluate: CallbackList(verbose, epochs=1, steps).
    expect(evaluated.params).toEqual({ verbose: 0, epochs: 1, steps: 1 });
  });

  it("onTrainEnd receives the last epoch's logs as the callbacks left them (Keras' training_logs), {} when no epoch ran", async () => {
    const { model, x, y } = oneWeight(0.5);
    const ended: Logs[] = [];
    const history = await model.fit(x, y, {
      epochs: 2, verbose: 0, callbacks: [new LearningRateScheduler(() => 0.25), { onTrainEnd: (logs: Logs) => { ended.push({ ...logs }); } }],
    });
    // Epoch 2 starts from w = 1 − 0.25·2 = 0.5: loss 0.25.
    expect(ended).toEqual([{ loss: 0.25, learning_rate: 0.25 }]);
    expect(history.history.loss).toEqual([1, 0.25]);
    await model.fit(x, y, { epochs: 1, initialEpoch: 1, verbose: 0, callbacks: [{ onTrainEnd: (logs: Logs) => { ended.push(logs); } }] });
    expect(ended[1]).toEqual({});
  });
});
