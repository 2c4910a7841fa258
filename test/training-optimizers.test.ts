// Nadam, Adamax, Adadelta, Lion and Ftrl against a float64 reference of Keras' update rules
// (test/reference/optimizers.ts): a few steps on ragged weights with clipping and weight decay,
// their compile config round trip, bad options, and one fit each against a float64 training loop.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ready, tensor, Sequential, Dense, Optimizer, optimizers, ConfigError, SGD, Adam, AdamW, RMSprop, Adagrad, Nadam, Adamax, Adadelta, Lion, Ftrl,
  type OptimizerOptions,
} from '../dist/index.js';
import { optimizerConfig } from '../dist/training/compile-config.js';
import { ReferenceOptimizer, type ReferenceOptimizerConfig } from './reference/optimizers.js';
import { referenceDenseFit } from './reference/dense-training.js';
import { expectClose } from './expect-close.js';
import { randomFloats, seededRandom } from './random.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

interface Case {
  label: string;
  name: ReferenceOptimizerConfig['name'];
  options: OptimizerOptions;
  reference: Omit<ReferenceOptimizerConfig, 'name' | 'learningRate'>;
}

const CASES: Case[] = [
  { label: 'Nadam defaults', name: 'nadam', options: {}, reference: {} },
  { label: 'Nadam beta1 0.8, beta2 0.99, epsilon 1e-4, clipnorm', name: 'nadam', options: { beta1: 0.8, beta2: 0.99, epsilon: 1e-4, clipnorm: 0.9 }, reference: { beta1: 0.8, beta2: 0.99, epsilon: 1e-4, clipnorm: 0.9 } },
  { label: 'Adamax defaults', name: 'adamax', options: {}, reference: {} },
  { label: 'Adamax beta2 0.9, weight decay, clipvalue', name: 'adamax', options: { beta2: 0.9, weightDecay: 0.05, clipvalue: 0.5 }, reference: { beta2: 0.9, weightDecay: 0.05, clipvalue: 0.5 } },
  { label: 'Adadelta defaults', name: 'adadelta', options: {}, reference: {} },
  { label: 'Adadelta rho 0.8, epsilon 1e-3, global clipnorm', name: 'adadelta', options: { rho: 0.8, epsilon: 1e-3, globalClipnorm: 1.5 }, reference: { rho: 0.8, epsilon: 1e-3, globalClipnorm: 1.5 } },
  { label: 'Lion defaults', name: 'lion', options: {}, reference: {} },
  { label: 'Lion beta1 0.5, beta2 0.9, weight decay', name: 'lion', options: { beta1: 0.5, beta2: 0.9, weightDecay: 0.1 }, reference: { beta1: 0.5, beta2: 0.9, weightDecay: 0.1 } },
  { label: 'Ftrl defaults', name: 'ftrl', options: {}, reference: {} },
  {
    label: 'Ftrl l1, l2, shrinkage, beta, power -0.3',
    name: 'ftrl',
    options: { learningRatePower: -0.3, initialAccumulatorValue: 0.2, l1RegularizationStrength: 0.01, l2RegularizationStrength: 0.02, l2ShrinkageRegularizationStrength: 0.05, beta: 0.3 },
    reference: { learningRatePower: -0.3, initialAccumulatorValue: 0.2, l1: 0.01, l2: 0.02, l2Shrinkage: 0.05, beta: 0.3 },
  },
  { label: 'Ftrl l1 0.05 (weights held at 0 while |linear| <= l1)', name: 'ftrl', options: { l1RegularizationStrength: 0.05 }, reference: { l1: 0.05 } },
];

/** The float32 learning rate, as Keras keeps it. */
const LEARNING_RATE = Math.fround(0.05);

describe('optimizer steps against the float64 reference of Keras\' rule', () => {
  it.each(CASES.map((c) => [c.label, c] as const))('%s: 6 steps on weights of 7, 15 and 1 floats', (_label, c) => {
    const random = seededRandom(CASES.indexOf(c) + 21);
    const sizes = [7, 15, 1];
    const optimizer = new Optimizer(c.name, { learningRate: 0.05, ...c.options });
    const reference = new ReferenceOptimizer({ name: c.name, learningRate: LEARNING_RATE, ...c.reference });
    const weights = sizes.map((n) => randomFloats(random, n));
    const expected = weights.map((w) => Float64Array.from(w));
    for (let step = 0; step < 6; step++) {
      const gradients = sizes.map((n) => randomFloats(random, n, 1.5));
      optimizer.apply(weights, gradients);
      reference.apply(expected, gradients);
      weights.forEach((w, k) => expectClose(w, expected[k], { label: `step ${step} weight ${k}` }));
    }
    expect(optimizer.iterations).toBe(6);
  });
});

/** The optimizer compile() makes of an optimizer argument. */
function resolveOptimizer(optimizer: unknown, where: string): Optimizer {
  const model = new Sequential({ name: where.split(':')[0] });
  model.add(new Dense({ units: 1, inputShape: [2] }));
  model.compile({ optimizer: optimizer as never, loss: 'mse' });
  return model.optimizer;
}

describe('optimizer options and configs', () => {
  it('Keras defaults, and the config get_compile_config() writes reads back to the same optimizer', () => {
    const defaults = {
      nadam: { learning_rate: 0.0010000000474974513, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
      adamax: { learning_rate: 0.0010000000474974513, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
      adadelta: { learning_rate: 0.0010000000474974513, rho: 0.95, epsilon: 1e-7 },
      lion: { learning_rate: 0.0010000000474974513, beta_1: 0.9, beta_2: 0.99 },
      ftrl: {
        learning_rate: 0.0010000000474974513, learning_rate_power: -0.5, initial_accumulator_value: 0.1, l1_regularization_strength: 0,
        l2_regularization_strength: 0, l2_shrinkage_regularization_strength: 0, beta: 0,
      },
    };
    const classNames = { nadam: 'Nadam', adamax: 'Adamax', adadelta: 'Adadelta', lion: 'Lion', ftrl: 'Ftrl' };
    for (const [name, own] of Object.entries(defaults) as [keyof typeof defaults, Record<string, number>][]) {
      const config = optimizerConfig(optimizers[name]()) as { class_name: string; config: Record<string, unknown> };
      expect(config.class_name).toBe(classNames[name]);
      expect(config.config).toMatchObject({ ...own, weight_decay: null, clipnorm: null, clipvalue: null, global_clipnorm: null, use_ema: false });
      const back = resolveOptimizer(config, 'test');
      expect(back.name).toBe(name);
      expect(optimizerConfig(back)).toEqual(config);
    }
    const custom = optimizers.ftrl({ learningRate: 0.1, l1RegularizationStrength: 0.2, beta: 0.5, clipnorm: 1 });
    expect(optimizerConfig(resolveOptimizer(optimizerConfig(custom), 'test'))).toEqual(optimizerConfig(custom));
    expect(resolveOptimizer('Nadam', 'test').name).toBe('nadam');
  });

  it("Keras' classes, new Adam({ learningRate }) or new SGD(0.01), are the optimizers the factories make, under Keras' class names", () => {
    const classes = [
      [new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }), 'SGD', optimizers.sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true })],
      [new Adam({ learningRate: 0.01, amsgrad: true }), 'Adam', optimizers.adam({ learningRate: 0.01, amsgrad: true })],
      [new AdamW(0.02), 'AdamW', optimizers.adamw(0.02)],
      [new RMSprop({ rho: 0.8, centered: true }), 'RMSprop', optimizers.rmsprop({ rho: 0.8, centered: true })],
      [new Adagrad(), 'Adagrad', optimizers.adagrad()],
      [new Nadam({ beta2: 0.99 }), 'Nadam', optimizers.nadam({ beta2: 0.99 })],
      [new Adamax({ clipnorm: 1 }), 'Adamax', optimizers.adamax({ clipnorm: 1 })],
      [new Adadelta({ epsilon: 1e-6 }), 'Adadelta', optimizers.adadelta({ epsilon: 1e-6 })],
      [new Lion({ beta1: 0.5 }), 'Lion', optimizers.lion({ beta1: 0.5 })],
      [new Ftrl({ beta: 0.3 }), 'Ftrl', optimizers.ftrl({ beta: 0.3 })],
      [new optimizers.Adam(0.003), 'Adam', optimizers.adam(0.003)],
    ] as const;
    for (const [made, className, factory] of classes) {
      expect(made).toBeInstanceOf(Optimizer);
      const config = optimizerConfig(made) as { class_name: string };
      expect(config.class_name).toBe(className);
      expect(config).toEqual(optimizerConfig(factory));
    }
    expect(new SGD(0.01).learningRate).toBe(Math.fround(0.01));
    // @ts-expect-error the types refuse it too: Adam takes no momentum
    expect(() => new Adam({ momentum: 0.9 })).toThrow(/optimizers.adam: unknown option 'momentum'/);
    expect(() => new Adam({ learningRate: 0.001 })).not.toThrow();
  });

  it('refuses bad options with a ConfigError naming them, before any step', () => {
    const bad: [() => unknown, RegExp][] = [
      [() => optimizers.lion({ beta1: 0 }), /optimizers.lion: optimizer option 'beta1' must be in \(0, 1\]/],
      [() => optimizers.lion({ beta1: 1.5 }), /'beta1' must be in \(0, 1\]/],
      // @ts-expect-error the types refuse it too: Lion takes no epsilon
      [() => optimizers.lion({ epsilon: 1e-7 }), /optimizers.lion: unknown option 'epsilon'/],
      // @ts-expect-error the types refuse it too: Nadam takes no amsgrad
      [() => optimizers.nadam({ amsgrad: true }), /optimizers.nadam: unknown option 'amsgrad'/],
      [() => optimizers.adadelta({ rho: -0.5 }), /'rho' must be a non-negative number, received -0.5/],
      [() => optimizers.adamax({ beta2: Number.NaN }), /'beta2' must be a non-negative number, received NaN/],
      [() => optimizers.ftrl({ learningRatePower: 0.5 }), /'learningRatePower' must be a number <= 0/],
      [() => optimizers.ftrl({ l1RegularizationStrength: -1 }), /'l1RegularizationStrength' must be a non-negative number/],
      [() => optimizers.ftrl({ initialAccumulatorValue: -0.1 }), /'initialAccumulatorValue' must be a non-negative number/],
      [() => optimizers.ftrl({ beta: 'x' as never }), /'beta' must be a number, received "x"/],
      [() => optimizers.sgd({ beta1: 0.5 } as never), /optimizers.sgd: unknown option 'beta1'/],
      [() => optimizers.nadam({ clipnorm: 1, globalClipnorm: 1 }), /at most one of clipnorm, clipvalue and globalClipnorm/],
      [() => resolveOptimizer({ class_name: 'Adadelta', config: { momentum: 0.9 } }, 'm: compile'), /m: compile: unknown Adadelta config key 'momentum'; Adadelta takes learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, rho, epsilon/],
      [() => resolveOptimizer({ class_name: 'Lamb', config: {} }, 'm: compile'), /optimizer class must be one of SGD, Adam, AdamW, RMSprop, Adagrad, Nadam, Adamax, Adadelta, Lion, Ftrl, received "Lamb"/],
      [() => resolveOptimizer('lamb', 'm: compile'), /optimizer must be one of sgd, adam, adamw, rmsprop, adagrad, nadam, adamax, adadelta, lion, ftrl, received "lamb"/],
    ];
    for (const [make, message] of bad) {
      expect(make).toThrow(ConfigError);
      expect(make).toThrow(message);
    }
  });
});

describe('fit with each new optimizer against a float64 training loop', () => {
  const [N, D, C] = [7, 3, 2];
  for (const c of CASES) {
    it(c.label, async () => {
      const random = seededRandom(200 + CASES.indexOf(c));
      const model = new Sequential();
      model.add(new Dense({ units: C, inputShape: [D], seed: CASES.indexOf(c) + 3 }));
      model.compile({ optimizer: new Optimizer(c.name, { learningRate: 0.05, ...c.options }), loss: 'mse' });
      const x = randomFloats(random, N * D);
      const y = randomFloats(random, N * C);
      const [kernel, bias] = model.getWeights().map((t) => Float64Array.from(t.data));
      const history = await model.fit(tensor(x, [N, D]), tensor(y, [N, C]), { batchSize: 3, epochs: 2, shuffle: false, verbose: 0 });
      const reference = new ReferenceOptimizer({ name: c.name, learningRate: LEARNING_RATE, ...c.reference });
      const losses = referenceDenseFit({
        x, y, D, C, activation: 'linear', kernel, bias, batchSize: 3, epochs: 2,
        loss: (yb, pred) => pred.reduce((s, p, i) => s + (p - yb[i]) ** 2, 0) / pred.length,
        update: (weights, gradients) => reference.apply(weights, gradients),
      });
      expectClose(history.history.loss, losses, { label: 'epoch losses' });
      model.getWeights().forEach((t, k) => expectClose(t.data, [kernel, bias][k], { label: `weight ${k}` }));
      expect(model.optimizer.iterations).toBe(6);
      model.dispose();
    });
  }
});
