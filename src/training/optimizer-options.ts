// Keras 3 optimizers' hyperparameters: which each class takes, their Keras defaults,
// the camelCase options and the snake_case config keys get_compile_config() writes,
// and the checks Keras makes of their values.
import { ConfigError, quoted } from '../errors.js';
import { checkKnownKeys, checkOptionsObject } from '../option-keys.js';
import { LearningRateSchedule } from './learning-rate-schedules.js';

export type OptimizerName = 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad' | 'nadam' | 'adamax' | 'adadelta' | 'lion' | 'ftrl';

export interface OptimizerOptions {
  /** A number, or a LearningRateSchedule (ExponentialDecay, CosineDecay, ...) giving it per step, as Keras takes either. */
  learningRate?: number | LearningRateSchedule;
  /** SGD, RMSprop */
  momentum?: number;
  /** SGD */
  nesterov?: boolean;
  /** Adam, AdamW, Nadam, Adamax, Lion */
  beta1?: number;
  beta2?: number;
  /** Adam, AdamW */
  amsgrad?: boolean;
  /** Every optimizer but SGD, Lion and Ftrl */
  epsilon?: number;
  /** RMSprop, Adadelta */
  rho?: number;
  /** RMSprop */
  centered?: boolean;
  /** Adagrad, Ftrl */
  initialAccumulatorValue?: number;
  /** Ftrl */
  learningRatePower?: number;
  l1RegularizationStrength?: number;
  l2RegularizationStrength?: number;
  l2ShrinkageRegularizationStrength?: number;
  beta?: number;
  weightDecay?: number | null;
  clipnorm?: number | null;
  clipvalue?: number | null;
  globalClipnorm?: number | null;
}

/** Every hyperparameter resolved: the option, or the optimizer's Keras default. @internal */
export type ResolvedOptimizerOptions = Required<Omit<OptimizerOptions, 'learningRate' | 'weightDecay' | 'clipnorm' | 'clipvalue' | 'globalClipnorm'>> & {
  /** The fixed rate, or the schedule's rate at step 0. */
  learningRate: number;
  schedule: LearningRateSchedule | null;
  weightDecay: number | null;
  clipnorm: number | null;
  clipvalue: number | null;
  globalClipnorm: number | null;
};

type OwnOption = Exclude<keyof OptimizerOptions, 'learningRate' | 'weightDecay' | 'clipnorm' | 'clipvalue' | 'globalClipnorm'>;

/** Each optimizer's Keras class and the hyperparameters its __init__ takes besides the common ones, in Keras' config order. @internal */
export const OPTIMIZER_CLASSES: Record<OptimizerName, { className: string; own: readonly OwnOption[] }> = {
  sgd: { className: 'SGD', own: ['momentum', 'nesterov'] },
  adam: { className: 'Adam', own: ['beta1', 'beta2', 'epsilon', 'amsgrad'] },
  adamw: { className: 'AdamW', own: ['beta1', 'beta2', 'epsilon', 'amsgrad'] },
  rmsprop: { className: 'RMSprop', own: ['rho', 'momentum', 'epsilon', 'centered'] },
  adagrad: { className: 'Adagrad', own: ['initialAccumulatorValue', 'epsilon'] },
  nadam: { className: 'Nadam', own: ['beta1', 'beta2', 'epsilon'] },
  adamax: { className: 'Adamax', own: ['beta1', 'beta2', 'epsilon'] },
  adadelta: { className: 'Adadelta', own: ['rho', 'epsilon'] },
  lion: { className: 'Lion', own: ['beta1', 'beta2'] },
  ftrl: {
    className: 'Ftrl',
    own: ['learningRatePower', 'initialAccumulatorValue', 'l1RegularizationStrength', 'l2RegularizationStrength', 'l2ShrinkageRegularizationStrength', 'beta'],
  },
};

const COMMON_OPTIONS = ['learningRate', 'weightDecay', 'clipnorm', 'clipvalue', 'globalClipnorm'] as const;

const DECAY_GONE = "tf.keras 2's per-step learning-rate decay, gone in Keras 3: give learningRate: new InverseTimeDecay({ initialLearningRate, decaySteps: 1, decayRate: decay }), the same decay, or use the LearningRateScheduler or ReduceLROnPlateau callback";

/** tf.keras 2 optimizer keys Keras 3 refuses, as notebooks still write them, and what replaced each. */
const TF_KERAS2_KEYS: Readonly<Record<string, { option: string; config: string }>> = {
  lr: { option: "did you mean 'learningRate'? 'lr' is tf.keras 2's name for it", config: "tf.keras 2's name for learning_rate" },
  decay: { option: DECAY_GONE, config: DECAY_GONE },
};

/** ' (what replaced it)' for a tf.keras 2 optimizer key, as an option or a config key; '' for any other key. @internal */
export function tfKeras2KeyHint(key: string, spelling: 'option' | 'config'): string {
  return Object.hasOwn(TF_KERAS2_KEYS, key) ? ` (${TF_KERAS2_KEYS[key][spelling]})` : '';
}

/** The snake_case config key of each option. @internal */
export const CONFIG_KEY: Record<keyof OptimizerOptions, string> = {
  learningRate: 'learning_rate', momentum: 'momentum', nesterov: 'nesterov', beta1: 'beta_1', beta2: 'beta_2', amsgrad: 'amsgrad',
  epsilon: 'epsilon', rho: 'rho', centered: 'centered', initialAccumulatorValue: 'initial_accumulator_value',
  learningRatePower: 'learning_rate_power', l1RegularizationStrength: 'l1_regularization_strength', l2RegularizationStrength: 'l2_regularization_strength',
  l2ShrinkageRegularizationStrength: 'l2_shrinkage_regularization_strength', beta: 'beta',
  weightDecay: 'weight_decay', clipnorm: 'clipnorm', clipvalue: 'clipvalue', globalClipnorm: 'global_clipnorm',
};

const BASE_DEFAULTS: ResolvedOptimizerOptions = {
  learningRate: 0.001, momentum: 0, nesterov: false, beta1: 0.9, beta2: 0.999, amsgrad: false, epsilon: 1e-7, rho: 0.9, centered: false,
  initialAccumulatorValue: 0.1, learningRatePower: -0.5, l1RegularizationStrength: 0, l2RegularizationStrength: 0,
  l2ShrinkageRegularizationStrength: 0, beta: 0, weightDecay: null, clipnorm: null, clipvalue: null, globalClipnorm: null, schedule: null,
};

/** Where an optimizer's Keras defaults differ from BASE_DEFAULTS. */
const DEFAULTS: Record<OptimizerName, Partial<ResolvedOptimizerOptions>> = {
  sgd: { learningRate: 0.01 },
  adam: {},
  adamw: { weightDecay: 0.004 },
  rmsprop: {},
  adagrad: {},
  nadam: {},
  adamax: {},
  adadelta: { rho: 0.95 },
  lion: { beta2: 0.99 },
  ftrl: {},
};

/** The optimizer names, as messages list them. @internal */
export const OPTIMIZER_NAMES = Object.keys(OPTIMIZER_CLASSES) as OptimizerName[];

function numberIn(value: unknown, key: string, where: string, ok: (v: number) => boolean, expected: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new ConfigError(`${where}: optimizer option '${key}' must be ${expected}, received ${typeof value === 'number' ? String(value) : quoted(value)}`);
  }
  return value;
}

const nonNegative = (v: number) => v >= 0;

/** The options of optimizer `name`, checked as Keras checks them, with its defaults filled in. @internal */
export function resolveOptimizerOptions(name: OptimizerName, options: OptimizerOptions | number | LearningRateSchedule, where: string): ResolvedOptimizerOptions {
  if (typeof options === 'number' || options instanceof LearningRateSchedule) options = { learningRate: options };
  checkOptionsObject(options, where, '{ learningRate: 0.001 }, a learning rate or a LearningRateSchedule');
  const own = OPTIMIZER_CLASSES[name].own;
  const allowed = [...COMMON_OPTIONS, ...own];
  const oldKey = Object.keys(options).find((key) => tfKeras2KeyHint(key, 'option') !== '');
  if (oldKey !== undefined) throw new ConfigError(`${where}: unknown option '${oldKey}'${tfKeras2KeyHint(oldKey, 'option')}; expected one of ${allowed.join(', ')}`);
  checkKnownKeys(options, allowed, where);
  const given = options as Record<string, unknown>;
  const d = { ...BASE_DEFAULTS, ...DEFAULTS[name] };
  const value = (key: keyof OptimizerOptions) => (given[key] === undefined ? d[key] : given[key]);
  const resolved: ResolvedOptimizerOptions = { ...d };
  const out = resolved as unknown as Record<string, unknown>;
  const rate = value('learningRate');
  if (typeof rate === 'function') {
    throw new ConfigError(`${where}: optimizer option 'learningRate' must be a finite number or a LearningRateSchedule, received a function; for a rate that changes per step, subclass LearningRateSchedule with call(step) returning it (Keras' zero-argument callable is not taken)`);
  }
  if (rate instanceof LearningRateSchedule) {
    resolved.schedule = rate;
    resolved.learningRate = rate.call(0);
  } else {
    // Keras keeps the learning rate in a float32 variable, and takes any float: 0 (a warm-up's start) included.
    resolved.learningRate = Math.fround(numberIn(rate, 'learningRate', where, () => true, 'a finite number or a LearningRateSchedule'));
  }
  for (const key of own) {
    const v = value(key);
    if (key === 'nesterov' || key === 'amsgrad' || key === 'centered') {
      if (typeof v !== 'boolean') throw new ConfigError(`${where}: optimizer option '${key}' must be a boolean, received ${quoted(v)}`);
      out[key] = v;
    } else if (key === 'learningRatePower') {
      out[key] = numberIn(v, key, where, (x) => x <= 0, 'a number <= 0 (Keras refuses a positive power)');
    } else if (key === 'beta') {
      out[key] = numberIn(v, key, where, () => true, 'a number');
    } else if (name === 'lion' && key === 'beta1') {
      out[key] = numberIn(v, key, where, (x) => x > 0 && x <= 1, 'in (0, 1] (Keras: otherwise Lion degenerates to SignSGD)');
    } else {
      out[key] = numberIn(v, key, where, nonNegative, 'a non-negative number');
    }
  }
  const optional = (key: 'weightDecay' | 'clipnorm' | 'clipvalue' | 'globalClipnorm') => {
    const v = value(key);
    return v === undefined || v === null ? null : numberIn(v, key, where, (x) => x > 0, 'a positive number');
  };
  resolved.weightDecay = optional('weightDecay');
  if (name === 'adamw' && resolved.weightDecay === null) throw new ConfigError(`${where}: AdamW needs a weightDecay, received null`);
  resolved.clipnorm = optional('clipnorm');
  resolved.clipvalue = optional('clipvalue');
  resolved.globalClipnorm = optional('globalClipnorm');
  const clips = [resolved.clipnorm, resolved.clipvalue, resolved.globalClipnorm].filter((c) => c !== null).length;
  if (clips > 1) throw new ConfigError(`${where}: at most one of clipnorm, clipvalue and globalClipnorm may be set (Keras refuses more)`);
  return resolved;
}
