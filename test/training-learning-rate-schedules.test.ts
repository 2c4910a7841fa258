// Keras 3's learning-rate schedules (keras/src/optimizers/schedules/learning_rate_schedule.py):
// each formula against a float64 one written from Keras' docstrings, at steps around every
// boundary; an optimizer given one takes schedule(iterations) at each step; the rate is not
// settable then (Keras raises alike); configs as Keras writes them, read back from compile,
// from a Keras 3 and a tf.keras 2 optimizer config, and through a saved .keras file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ready, tensor, optimizers, SGD, Adam, Sequential, Dense, LearningRateScheduler, ConfigError,
  LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay, CosineDecay, CosineDecayRestarts,
} from '../dist/index.js';
import { loadModel, saveModel } from '../dist/io/keras.js';
import { optimizerVariables } from '../dist/training/optimizer-variables.js';
import { expectError, untyped } from './expect-error.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const STEPS = [0, 1, 2, 7, 99, 100, 101, 149, 150, 151, 299, 300, 301, 999, 1000, 1001, 2500, 10000];

const f32 = Math.fround;

/**
 * Every step's rate a float32, within a few float32 roundings of the float64 formula given
 * Keras' float32 constants: relative to the rate, or to the schedule's `scale` (its largest
 * rate) where the formula cancels (1 + cos near π), as Keras' float32 ops do too.
 */
function expectRates(schedule: LearningRateSchedule, reference: (step: number) => number, scale: number): void {
  for (const step of STEPS) {
    const want = reference(step);
    const got = schedule.call(step);
    expect(f32(got), `step ${step}: float32`).toBe(got);
    expect(Math.abs(got - want), `step ${step}: ${got} against ${want}`).toBeLessThanOrEqual(1e-6 * Math.abs(want) + 1e-6 * scale);
  }
}

describe('the schedules against their formulas', () => {
  it('ExponentialDecay: lr · rate^(step / steps), the exponent floored with staircase', () => {
    expectRates(new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 100, decayRate: 0.9 }), (s) => f32(0.1) * f32(0.9) ** (s / 100), 0.1);
    expectRates(new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 100, decayRate: 0.5, staircase: true }), (s) => f32(0.1) * 0.5 ** Math.floor(s / 100), 0.1);
  });

  it('PiecewiseConstantDecay: values[0] up to and at the first boundary, then each next value after its boundary', () => {
    const schedule = new PiecewiseConstantDecay({ boundaries: [100, 300], values: [1, 0.5, 0.1] });
    expectRates(schedule, (s) => (s <= 100 ? 1 : s <= 300 ? 0.5 : f32(0.1)), 1);
    expect([100, 101, 300, 301].map((s) => schedule.call(s))).toEqual([1, 0.5, 0.5, Math.fround(0.1)]);
  });

  it('PolynomialDecay: (lr - end)(1 - step / steps)^power + end, the step capped, or the period grown with cycle', () => {
    expectRates(new PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 300, endLearningRate: 0.01, power: 0.5 }),
      (s) => (f32(0.1) - f32(0.01)) * (1 - Math.min(s, 300) / 300) ** 0.5 + f32(0.01), 0.1);
    expectRates(new PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 150, power: 2, cycle: true }), (s) => {
      const steps = 150 * (s === 0 ? 1 : Math.ceil(s / 150));
      return (f32(0.1) - f32(0.0001)) * (1 - s / steps) ** 2 + f32(0.0001);
    }, 0.1);
  });

  it('InverseTimeDecay: lr / (1 + rate · step / steps), the ratio floored with staircase', () => {
    expectRates(new InverseTimeDecay({ initialLearningRate: 0.5, decaySteps: 100, decayRate: 0.5 }), (s) => 0.5 / (1 + 0.5 * (s / 100)), 0.5);
    expectRates(new InverseTimeDecay({ initialLearningRate: 0.5, decaySteps: 100, decayRate: 2, staircase: true }), (s) => 0.5 / (1 + 2 * Math.floor(s / 100)), 0.5);
  });

  it('CosineDecay: the cosine from lr to alpha · lr over decaySteps, after an optional linear warmup to warmupTarget', () => {
    const cosine = (lr: number, s: number, steps: number, alpha: number) => lr * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * Math.min(s, steps) / steps)) + alpha);
    expectRates(new CosineDecay({ initialLearningRate: 0.2, decaySteps: 1000, alpha: 0.1 }), (s) => cosine(f32(0.2), s, 1000, f32(0.1)), 0.2);
    expectRates(new CosineDecay({ initialLearningRate: 0, decaySteps: 1000, warmupTarget: 0.3, warmupSteps: 150 }),
      (s) => (s < 150 ? f32(0.3) * s / 150 : cosine(f32(0.3), s - 150, 1000, 0)), 0.3);
  });

  it('CosineDecayRestarts (SGDR): periods of firstDecaySteps · tMul^i, each starting at mMul^i · lr', () => {
    /**
     * Period i and the fraction of it done, found by walking the periods in units of the first
     * one, from Keras' float32 step / firstDecaySteps (at step 10000 its last digits are gone).
     */
    const sgdr = (lr: number, first: number, tMul: number, mMul: number, alpha: number) => (step: number) => {
      const done = f32(step / first);
      let start = 0;
      let length = 1;
      let i = 0;
      while (done >= start + length) {
        start += length;
        length *= tMul;
        i++;
      }
      return lr * ((1 - alpha) * 0.5 * mMul ** i * (1 + Math.cos(Math.PI * (done - start) / length)) + alpha);
    };
    expectRates(new CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 100, tMul: 2, mMul: 0.5, alpha: 0.05 }), sgdr(f32(0.1), 100, 2, 0.5, f32(0.05)), 0.1);
    expectRates(new CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 150, tMul: 1 }), sgdr(f32(0.1), 150, 1, 1, 0), 0.1);
  });

  it('a bad option is a ConfigError naming it; a missing required one says so', () => {
    expectError(() => new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.9 }), ConfigError, ["option 'decaySteps'", '> 0', 'received 0']);
    expectError(() => new ExponentialDecay(untyped({ initialLearningRate: 0.1, decayRate: 0.9 })), ConfigError, ["option 'decaySteps' is required"]);
    expectError(() => new ExponentialDecay(untyped({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9, decay_steps: 10 })), ConfigError, ["'decay_steps'", 'decaySteps']);
    expectError(() => new PiecewiseConstantDecay({ boundaries: [10, 20], values: [1, 2] }), ConfigError, ['1 less than the length of values']);
    expectError(() => new PiecewiseConstantDecay({ boundaries: [20, 10], values: [1, 2, 3] }), ConfigError, ['increase strictly']);
    expectError(() => new CosineDecay(untyped({ initialLearningRate: '0.1', decaySteps: 10 })), ConfigError, ["option 'initialLearningRate'", "received '0.1'"]);
    expectError(() => new InverseTimeDecay(untyped({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 1, staircase: 1 })), ConfigError, ["option 'staircase' must be a boolean"]);
  });
});

describe('an optimizer with a schedule as its learning rate', () => {
  it('takes schedule(iterations) at each step: SGD moves each weight by exactly lr_t · g', () => {
    const schedule = new ExponentialDecay({ initialLearningRate: 0.5, decaySteps: 2, decayRate: 0.25 });
    const sgd = new SGD({ learningRate: schedule });
    expect(sgd.learningRateSchedule).toBe(schedule);
    const w = Float32Array.of(1, -2, 0.75);
    const g = Float32Array.of(0.5, -1, 3);
    const want = Float32Array.from(w);
    for (let t = 0; t < 5; t++) {
      expect(sgd.learningRate).toBe(schedule.call(t));
      const lr = schedule.call(t);
      for (let i = 0; i < want.length; i++) want[i] = Math.fround(want[i] - Math.fround(lr * g[i]));
      sgd.apply([w], [g]);
      expect(Array.from(w), `step ${t}`).toEqual(Array.from(want));
    }
    expect(sgd.iterations).toBe(5);
  });

  it("is not settable (Keras raises alike), so LearningRateScheduler stops fit with the reason; a number still is", async () => {
    const adam = new Adam(new CosineDecay({ initialLearningRate: 0.01, decaySteps: 100 }));
    expectError(() => { adam.learningRate = 0.1; }, ConfigError, ['created with a LearningRateSchedule (CosineDecay)', 'not settable']);
    const model = new Sequential([new Dense(1, { inputShape: [2] })]);
    model.compile({ optimizer: adam, loss: 'mse' });
    const x = tensor([[1, 2], [3, 4]]);
    const y = tensor([[1], [0]]);
    await expect(model.fit(x, y, { verbose: 0, callbacks: [new LearningRateScheduler((epoch, lr) => lr / 2)] })).rejects.toThrow(/not settable/);
    expectError(() => new SGD({ learningRate: untyped(() => 0.1) }), ConfigError, ["option 'learningRate'", 'received a function', 'subclass LearningRateSchedule']);
    const plain = new Adam(0.01);
    plain.learningRate = 0.02;
    expect(plain.learningRate).toBe(Math.fround(0.02));
  });

  it('comes as optimizers.schedules.*, positionally (Keras\' SGD(lr_schedule)), and trains a model', async () => {
    const schedule = new optimizers.schedules.PiecewiseConstantDecay({ boundaries: [1], values: [0.1, 0.01] });
    const sgd = optimizers.sgd(schedule);
    const model = new Sequential([new Dense(1, { inputShape: [1], kernelInitializer: 'zeros', useBias: false })]);
    model.compile({ optimizer: sgd, loss: 'mse' });
    // mse of w·1 against 1: g = 2(w - 1); steps at lr 0.1, 0.1 (step 1 <= boundary 1), then 0.01.
    let w = 0;
    for (const lr of [0.1, 0.1, 0.01]) {
      model.trainOnBatch(tensor([[1]]), tensor([[1]]));
      w = Math.fround(w - Math.fround(Math.fround(lr) * Math.fround(2 * (w - 1))));
      expect(model.getWeights()[0].data[0]).toBeCloseTo(w, 6);
    }
  });
});

describe('schedules in configs and files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-schedules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("toJSON()'s compile_config writes Keras 3's serialized schedule; compile reads it back, and tf.keras 2's { class_name, config } too", () => {
    const model = new Sequential([new Dense(1, { inputShape: [2] })]);
    model.compile({ optimizer: new SGD({ learningRate: new ExponentialDecay({ initialLearningRate: 0.01, decaySteps: 10000, decayRate: 0.9 }), momentum: 0.5 }), loss: 'mse' });
    const optimizer = (JSON.parse(model.toJSON()) as { compile_config: { optimizer: { config: Record<string, unknown> } } }).compile_config.optimizer;
    expect(optimizer.config.learning_rate).toEqual({
      module: 'keras.optimizers.schedules', class_name: 'ExponentialDecay',
      config: { initial_learning_rate: 0.01, decay_steps: 10000, decay_rate: 0.9, staircase: false, name: 'ExponentialDecay' }, registered_name: null,
    });
    const again = new Sequential([new Dense(1, { inputShape: [2] })]);
    again.compile({ optimizer: optimizer as never, loss: 'mse' });
    expect(again.optimizer.learningRateSchedule).toBeInstanceOf(ExponentialDecay);
    expect(again.optimizer.learningRateSchedule?.getConfig()).toEqual((optimizer.config.learning_rate as { config: unknown }).config);
    expect(again.optimizer.momentum).toBe(0.5);
    again.compile({ optimizer: { class_name: 'Adam', config: { learning_rate: { class_name: 'CosineDecayRestarts', config: { initial_learning_rate: 0.1, first_decay_steps: 50, t_mul: 2.0, m_mul: 1.0, alpha: 0.0, name: 'SGDRDecay' } } } } as never, loss: 'mse' });
    expect(again.optimizer.learningRateSchedule).toBeInstanceOf(CosineDecayRestarts);
    expectError(() => again.compile({ optimizer: { class_name: 'SGD', config: { learning_rate: { class_name: 'WarmUp', config: {} } } } as never, loss: 'mse' }), ConfigError,
      ["'learning_rate'", 'must be one of ExponentialDecay', 'received "WarmUp"']);
    expectError(() => again.compile({ optimizer: { class_name: 'SGD', config: { learning_rate: { class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1, decay_steps: 5, decay_rate: 0.5, cycle: true } } } } as never, loss: 'mse' }), ConfigError,
      ["unknown ExponentialDecay config key 'cycle'"]);
  });

  it("a tf.keras 2.10 file's optimizer_config with PolynomialDecay (name null) compiles with it", () => {
    // training_config.optimizer_config of ../shared/models/ril-lexknowrep--character_language_models/bilstm_model_64.h5,
    // less its `decay: 0.0`, which loadModel drops (Keras 3 ignores it) and compile refuses.
    const saved = { class_name: 'Adam', config: { name: 'Adam', learning_rate: { class_name: 'PolynomialDecay', config: { initial_learning_rate: 0.001, decay_steps: 7812500.0, end_learning_rate: 1e-05, power: 2, cycle: false, name: null } }, beta_1: 0.8999999761581421, beta_2: 0.9990000128746033, epsilon: 1e-07, amsgrad: false } };
    const model = new Sequential([new Dense(1, { inputShape: [2] })]);
    model.compile({ optimizer: saved as never, loss: 'mse' });
    const schedule = model.optimizer.learningRateSchedule as PolynomialDecay;
    expect([schedule.initialLearningRate, schedule.decaySteps, schedule.endLearningRate, schedule.power, schedule.cycle, schedule.name]).toEqual([0.001, 7812500, 1e-5, 2, false, 'PolynomialDecay']);
    expect(model.optimizer.learningRate).toBe(Math.fround(0.001));
    expect(schedule.call(7812500)).toBe(Math.fround(1e-5));
  });

  it('a saved .keras or .h5 file keeps the schedule and the steps (no learning_rate variable, as Keras), so the rate goes on where it was', async () => {
    const model = new Sequential([new Dense(2, { inputShape: [3], seed: 1 }), new Dense(1, { seed: 2 })]);
    const schedule = new InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 });
    model.compile({ optimizer: new Adam({ learningRate: schedule }), loss: 'mse' });
    const x = tensor([[1, 2, 3], [0, -1, 1]]);
    const y = tensor([[1], [0]]);
    for (let i = 0; i < 3; i++) model.trainOnBatch(x, y);
    const weights = model.getWeights().map((w, index) => ({ shape: w.shape, trainable: true, layer: model.layers[0], index }));
    // Keras' Adam over 4 weights with a schedule: iteration, then each weight's momentum and velocity.
    expect(optimizerVariables(model.optimizer, weights).map((v) => v.name)).toEqual(['iteration', ...weights.flatMap(() => ['momentum', 'velocity'])]);
    const loaded = [];
    for (const name of ['scheduled.keras', 'scheduled.h5']) {
      await saveModel(model, join(dir, name));
      const back = await loadModel(join(dir, name));
      expect(back.optimizer.learningRateSchedule?.getConfig(), name).toEqual(schedule.getConfig());
      expect(back.optimizer.iterations, name).toBe(3);
      expect(back.optimizer.learningRate, name).toBe(schedule.call(3));
      loaded.push(back);
    }
    model.trainOnBatch(x, y);
    for (const back of loaded) {
      back.trainOnBatch(x, y);
      expect(back.getWeights().map((w) => Array.from(w.data))).toEqual(model.getWeights().map((w) => Array.from(w.data)));
    }
  });

  it('a schedule subclass runs its call(step), which must give a finite number; saving it needs its getConfig()', async () => {
    class HalfEachStep extends LearningRateSchedule {
      constructor() {
        super();
      }

      call(step: number): number {
        return Math.fround(0.1 / 2 ** step);
      }
    }
    const sgd = new SGD({ learningRate: new HalfEachStep() });
    expect(sgd.learningRate).toBe(Math.fround(0.1));
    sgd.apply([new Float32Array(1)], [Float32Array.of(1)]);
    expect(sgd.learningRate).toBe(Math.fround(0.05));
    const model = new Sequential([new Dense(1, { inputShape: [1] })]);
    model.compile({ optimizer: new SGD({ learningRate: new HalfEachStep() }), loss: 'mse' });
    await expect(saveModel(model, join(dir, 'custom.keras'))).rejects.toThrow(/HalfEachStep: a learning rate schedule must override getConfig\(\)/);
    class Broken extends LearningRateSchedule {
      constructor() {
        super();
      }

      call(step: number): number {
        return step > 0 ? Number.NaN : 0.1;
      }
    }
    const broken = new SGD(new Broken());
    const w = Float32Array.of(1);
    broken.apply([w], [Float32Array.of(1)]);
    expectError(() => broken.apply([w], [Float32Array.of(1)]), ConfigError, ['Broken.call(1) must return a finite number', 'received NaN']);
    expect(Array.from(w)).toEqual([Math.fround(1 - Math.fround(0.1))]);
  });
});
