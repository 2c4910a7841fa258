// Keras 3's learning-rate schedules (keras/src/optimizers/schedules/learning_rate_schedule.py):
// an optimizer given one as its learning rate takes schedule(iterations) at each step, the step
// count before that step (0 at the first). Each formula runs in float32, operation by operation,
// as Keras' ops do on its float32 tensors; the configs are Keras' get_config(), snake_case.
import { ConfigError } from '../errors.js';
import { describeValue, isRecord } from '../initializers/validate.js';
import { checkKnownKeys, checkOptionsObject } from '../option-keys.js';

const f32 = Math.fround;
const PI = f32(Math.PI);

/**
 * Keras' LearningRateSchedule: the learning rate as a function of the optimizer's step. The
 * built-in ones are ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay,
 * CosineDecay and CosineDecayRestarts; a subclass gives `call(step)` (Keras' `__call__`), and a
 * `getConfig()` to be saved in a model file.
 */
export abstract class LearningRateSchedule {
  /** The Keras class name, e.g. 'ExponentialDecay' (a subclass's own name where it gives none). */
  readonly className: string;

  protected constructor(className?: string) {
    this.className = className ?? new.target.name;
  }

  /** The learning rate at optimizer step `step` (0 at the first step). */
  abstract call(step: number): number;

  /** Keras' get_config(): what the file keeps; a subclass that is saved gives its own. */
  getConfig(): Record<string, unknown> {
    throw new ConfigError(`${this.className}: a learning rate schedule must override getConfig() to be saved (Keras' get_config())`);
  }
}

function finite(value: unknown, key: string, where: string, ok: (v: number) => boolean = () => true, expected = 'a finite number'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new ConfigError(`${where}: option '${key}' must be ${expected}, received ${describeValue(value)}`);
  }
  return value;
}

const positiveSteps = (value: unknown, key: string, where: string) => finite(value, key, where, (v) => v > 0, 'a number > 0 (Keras refuses others)');

function flag(value: unknown, key: string, where: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new ConfigError(`${where}: option '${key}' must be a boolean, received ${describeValue(value)}`);
  return value;
}

function scheduleName(value: unknown, fallback: string, where: string): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw new ConfigError(`${where}: option 'name' must be a string, received ${describeValue(value)}`);
  return value;
}

/** The options object of schedule `className`, checked against its keys (which it requires marked). */
function scheduleOptions<T extends object>(options: T, className: string, keys: readonly string[], required: readonly string[], example: string): T {
  checkOptionsObject(options, className, example);
  checkKnownKeys(options, keys, className);
  const missing = required.find((key) => (options as Record<string, unknown>)[key] === undefined);
  if (missing) throw new ConfigError(`${className}: option '${missing}' is required, as in Keras; for example new ${className}(${example})`);
  return options;
}

export interface ExponentialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  /** Decay at whole multiples of decaySteps only; default false. */
  staircase?: boolean;
  name?: string;
}

export type InverseTimeDecayOptions = ExponentialDecayOptions;

/** ExponentialDecay's and InverseTimeDecay's shared options, and their step / decaySteps (floored with staircase). */
abstract class RateDecay extends LearningRateSchedule {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  readonly name: string;

  protected constructor(className: string, options: ExponentialDecayOptions, example: string) {
    super(className);
    scheduleOptions(options, className, ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase', 'name'], ['initialLearningRate', 'decaySteps', 'decayRate'], example);
    this.initialLearningRate = finite(options.initialLearningRate, 'initialLearningRate', className);
    this.decaySteps = positiveSteps(options.decaySteps, 'decaySteps', className);
    this.decayRate = finite(options.decayRate, 'decayRate', className);
    this.staircase = flag(options.staircase, 'staircase', className);
    this.name = scheduleName(options.name, className, className);
  }

  protected progress(step: number): number {
    const p = f32(f32(step) / f32(this.decaySteps));
    return this.staircase ? Math.floor(p) : p;
  }

  override getConfig(): Record<string, unknown> {
    return { initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, decay_rate: this.decayRate, staircase: this.staircase, name: this.name };
  }
}

/** Keras' ExponentialDecay: initialLearningRate · decayRate^(step / decaySteps), the exponent floored with staircase. */
export class ExponentialDecay extends RateDecay {
  constructor(options: ExponentialDecayOptions) {
    super('ExponentialDecay', options, '{ initialLearningRate: 0.01, decaySteps: 10000, decayRate: 0.9 }');
  }

  call(step: number): number {
    return f32(f32(this.initialLearningRate) * f32(Math.pow(f32(this.decayRate), this.progress(step))));
  }
}

/** Keras' InverseTimeDecay: initialLearningRate / (1 + decayRate · step / decaySteps), the ratio floored with staircase. */
export class InverseTimeDecay extends RateDecay {
  constructor(options: InverseTimeDecayOptions) {
    super('InverseTimeDecay', options, '{ initialLearningRate: 0.1, decaySteps: 1000, decayRate: 0.5 }');
  }

  call(step: number): number {
    return f32(f32(this.initialLearningRate) / f32(1 + f32(f32(this.decayRate) * this.progress(step))));
  }
}

export interface PiecewiseConstantDecayOptions {
  /** Strictly increasing steps; one fewer than values. */
  boundaries: readonly number[];
  /** values[0] while step <= boundaries[0], values[i] while step <= boundaries[i], the last after. */
  values: readonly number[];
  name?: string;
}

/** Keras' PiecewiseConstantDecay: values[i] on the interval (boundaries[i - 1], boundaries[i]]. */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly boundaries: readonly number[];
  readonly values: readonly number[];
  readonly name: string;

  constructor(options: PiecewiseConstantDecayOptions) {
    super('PiecewiseConstantDecay');
    const where = 'PiecewiseConstantDecay';
    scheduleOptions(options, where, ['boundaries', 'values', 'name'], ['boundaries', 'values'], '{ boundaries: [1000, 2000], values: [0.1, 0.01, 0.001] }');
    const list = (value: unknown, key: string) => {
      if (!Array.isArray(value)) throw new ConfigError(`${where}: option '${key}' must be an array of numbers, received ${describeValue(value)}`);
      return value.map((v, i) => finite(v, `${key}[${i}]`, where));
    };
    const boundaries = list(options.boundaries, 'boundaries');
    const values = list(options.values, 'values');
    if (boundaries.length !== values.length - 1 || values.length === 0) {
      throw new ConfigError(`${where}: the length of boundaries should be 1 less than the length of values (Keras raises alike), received ${boundaries.length} boundaries and ${values.length} values`);
    }
    const unordered = boundaries.findIndex((b, i) => i > 0 && b <= boundaries[i - 1]);
    if (unordered > 0) throw new ConfigError(`${where}: option 'boundaries' must increase strictly, received ${JSON.stringify(boundaries)}`);
    this.boundaries = Object.freeze(boundaries);
    this.values = Object.freeze(values);
    this.name = scheduleName(options.name, 'PiecewiseConstant', where);
  }

  call(step: number): number {
    const i = this.boundaries.findIndex((boundary) => step <= boundary);
    return f32(this.values[i < 0 ? this.values.length - 1 : i]);
  }

  override getConfig(): Record<string, unknown> {
    return { boundaries: [...this.boundaries], values: [...this.values], name: this.name };
  }
}

export interface PolynomialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  /** Default 0.0001. */
  endLearningRate?: number;
  /** Default 1. */
  power?: number;
  /** Start again from a multiple of decaySteps after each decay; default false. */
  cycle?: boolean;
  name?: string;
}

/** Keras' PolynomialDecay: (initial - end) · (1 - step / decaySteps)^power + end, the step capped at decaySteps (or the period grown with cycle). */
export class PolynomialDecay extends LearningRateSchedule {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly endLearningRate: number;
  readonly power: number;
  readonly cycle: boolean;
  readonly name: string;

  constructor(options: PolynomialDecayOptions) {
    super('PolynomialDecay');
    const where = 'PolynomialDecay';
    scheduleOptions(options, where, ['initialLearningRate', 'decaySteps', 'endLearningRate', 'power', 'cycle', 'name'], ['initialLearningRate', 'decaySteps'], '{ initialLearningRate: 0.1, decaySteps: 10000, endLearningRate: 0.01 }');
    this.initialLearningRate = finite(options.initialLearningRate, 'initialLearningRate', where);
    this.decaySteps = positiveSteps(options.decaySteps, 'decaySteps', where);
    this.endLearningRate = finite(options.endLearningRate ?? 0.0001, 'endLearningRate', where);
    this.power = finite(options.power ?? 1, 'power', where);
    this.cycle = flag(options.cycle, 'cycle', where);
    this.name = scheduleName(options.name, 'PolynomialDecay', where);
  }

  call(step: number): number {
    const initial = f32(this.initialLearningRate);
    const end = f32(this.endLearningRate);
    let global = f32(step);
    let decaySteps = f32(this.decaySteps);
    if (this.cycle) {
      decaySteps = f32(decaySteps * (global === 0 ? 1 : Math.ceil(f32(global / f32(this.decaySteps)))));
    } else {
      global = Math.min(global, decaySteps);
    }
    const p = f32(global / decaySteps);
    return f32(f32(f32(initial - end) * f32(Math.pow(f32(1 - p), f32(this.power)))) + end);
  }

  override getConfig(): Record<string, unknown> {
    return { initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, end_learning_rate: this.endLearningRate, power: this.power, cycle: this.cycle, name: this.name };
  }
}

export interface CosineDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  /** The floor, a fraction of the learning rate decayed from; default 0. */
  alpha?: number;
  name?: string;
  /** With warmupSteps: rise linearly from initialLearningRate to this, then decay from it; default none. */
  warmupTarget?: number | null;
  /** Default 0. */
  warmupSteps?: number;
}

/** Keras' CosineDecay: an optional linear warmup, then lr · ((1 - alpha) · ½(1 + cos(π · step / decaySteps)) + alpha), the step capped. */
export class CosineDecay extends LearningRateSchedule {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly name: string;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(options: CosineDecayOptions) {
    super('CosineDecay');
    const where = 'CosineDecay';
    scheduleOptions(options, where, ['initialLearningRate', 'decaySteps', 'alpha', 'name', 'warmupTarget', 'warmupSteps'], ['initialLearningRate', 'decaySteps'], '{ initialLearningRate: 0.1, decaySteps: 1000 }');
    this.initialLearningRate = finite(options.initialLearningRate, 'initialLearningRate', where);
    this.decaySteps = positiveSteps(options.decaySteps, 'decaySteps', where);
    this.alpha = finite(options.alpha ?? 0, 'alpha', where);
    this.name = scheduleName(options.name, 'CosineDecay', where);
    this.warmupTarget = options.warmupTarget === undefined || options.warmupTarget === null ? null : finite(options.warmupTarget, 'warmupTarget', where);
    this.warmupSteps = finite(options.warmupSteps ?? 0, 'warmupSteps', where, (v) => v >= 0, 'a number >= 0');
  }

  private decayed(step: number, decaySteps: number, from: number): number {
    const fraction = f32(step / decaySteps);
    const cosine = f32(0.5 * f32(1 + f32(Math.cos(f32(PI * fraction)))));
    const alpha = f32(this.alpha);
    return f32(from * f32(f32(f32(1 - alpha) * cosine) + alpha));
  }

  call(step: number): number {
    const initial = f32(this.initialLearningRate);
    const decaySteps = f32(this.decaySteps);
    const global = f32(step);
    if (this.warmupTarget === null) return this.decayed(Math.min(global, decaySteps), decaySteps, initial);
    const target = f32(this.warmupTarget);
    const warmupSteps = f32(this.warmupSteps);
    const capped = Math.min(global, f32(decaySteps + warmupSteps));
    if (capped < warmupSteps) return f32(f32(f32(target - initial) * f32(capped / warmupSteps)) + initial);
    return this.decayed(f32(capped - warmupSteps), decaySteps, target);
  }

  override getConfig(): Record<string, unknown> {
    return {
      initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, alpha: this.alpha, name: this.name,
      warmup_target: this.warmupTarget, warmup_steps: this.warmupSteps,
    };
  }
}

export interface CosineDecayRestartsOptions {
  initialLearningRate: number;
  /** Steps of the first period. */
  firstDecaySteps: number;
  /** Each period's length over the one before; default 2. */
  tMul?: number;
  /** Each period's starting rate over the one before; default 1. */
  mMul?: number;
  /** The floor, a fraction of initialLearningRate; default 0. */
  alpha?: number;
  name?: string;
}

/** Keras' CosineDecayRestarts (SGDR): the cosine decay started again at each period's end, periods growing by tMul and peaks by mMul. */
export class CosineDecayRestarts extends LearningRateSchedule {
  readonly initialLearningRate: number;
  readonly firstDecaySteps: number;
  readonly tMul: number;
  readonly mMul: number;
  readonly alpha: number;
  readonly name: string;

  constructor(options: CosineDecayRestartsOptions) {
    super('CosineDecayRestarts');
    const where = 'CosineDecayRestarts';
    scheduleOptions(options, where, ['initialLearningRate', 'firstDecaySteps', 'tMul', 'mMul', 'alpha', 'name'], ['initialLearningRate', 'firstDecaySteps'], '{ initialLearningRate: 0.1, firstDecaySteps: 1000 }');
    this.initialLearningRate = finite(options.initialLearningRate, 'initialLearningRate', where);
    this.firstDecaySteps = positiveSteps(options.firstDecaySteps, 'firstDecaySteps', where);
    this.tMul = finite(options.tMul ?? 2, 'tMul', where);
    this.mMul = finite(options.mMul ?? 1, 'mMul', where);
    this.alpha = finite(options.alpha ?? 0, 'alpha', where);
    this.name = scheduleName(options.name, 'SGDRDecay', where);
  }

  call(step: number): number {
    const tMul = f32(this.tMul);
    const alpha = f32(this.alpha);
    let fraction = f32(f32(step) / f32(this.firstDecaySteps));
    let restart: number;
    if (tMul === 1) {
      restart = Math.floor(fraction);
      fraction = f32(fraction - restart);
    } else {
      restart = Math.floor(f32(f32(Math.log(f32(1 - f32(fraction * f32(1 - tMul))))) / f32(Math.log(tMul))));
      const sum = f32(f32(1 - f32(Math.pow(tMul, restart))) / f32(1 - tMul));
      fraction = f32(f32(fraction - sum) / f32(Math.pow(tMul, restart)));
    }
    const peak = f32(Math.pow(f32(this.mMul), restart));
    const cosine = f32(f32(0.5 * peak) * f32(1 + f32(Math.cos(f32(PI * fraction)))));
    return f32(f32(this.initialLearningRate) * f32(f32(f32(1 - alpha) * cosine) + alpha));
  }

  override getConfig(): Record<string, unknown> {
    return { initial_learning_rate: this.initialLearningRate, first_decay_steps: this.firstDecaySteps, t_mul: this.tMul, m_mul: this.mMul, alpha: this.alpha, name: this.name };
  }
}

type ScheduleClass = new (options: never) => LearningRateSchedule;

/** Each built-in class with its options as Keras' config keys name them. */
const SCHEDULES: Readonly<Record<string, { make: ScheduleClass; keys: Readonly<Record<string, string>> }>> = {
  ExponentialDecay: { make: ExponentialDecay, keys: { initial_learning_rate: 'initialLearningRate', decay_steps: 'decaySteps', decay_rate: 'decayRate', staircase: 'staircase', name: 'name' } },
  PiecewiseConstantDecay: { make: PiecewiseConstantDecay, keys: { boundaries: 'boundaries', values: 'values', name: 'name' } },
  PolynomialDecay: { make: PolynomialDecay, keys: { initial_learning_rate: 'initialLearningRate', decay_steps: 'decaySteps', end_learning_rate: 'endLearningRate', power: 'power', cycle: 'cycle', name: 'name' } },
  InverseTimeDecay: { make: InverseTimeDecay, keys: { initial_learning_rate: 'initialLearningRate', decay_steps: 'decaySteps', decay_rate: 'decayRate', staircase: 'staircase', name: 'name' } },
  CosineDecay: { make: CosineDecay, keys: { initial_learning_rate: 'initialLearningRate', decay_steps: 'decaySteps', alpha: 'alpha', name: 'name', warmup_target: 'warmupTarget', warmup_steps: 'warmupSteps' } },
  CosineDecayRestarts: { make: CosineDecayRestarts, keys: { initial_learning_rate: 'initialLearningRate', first_decay_steps: 'firstDecaySteps', t_mul: 'tMul', m_mul: 'mMul', alpha: 'alpha', name: 'name' } },
};

/** Whether `value` is a Keras schedule config { class_name, config } (as a file's optimizer config holds one). @internal */
export function isScheduleConfig(value: unknown): value is { class_name: string; config?: unknown } {
  return isRecord(value) && typeof value.class_name === 'string';
}

/** Keras' schedules.deserialize: the schedule a { module, class_name, config } describes. @internal */
export function scheduleFromConfig(spec: { class_name: string; config?: unknown }, where: string): LearningRateSchedule {
  const known = Object.hasOwn(SCHEDULES, spec.class_name) ? SCHEDULES[spec.class_name] : undefined;
  if (!known) throw new ConfigError(`${where}: learning rate schedule class must be one of ${Object.keys(SCHEDULES).join(', ')}, received ${JSON.stringify(spec.class_name)}`);
  const config = spec.config ?? {};
  if (!isRecord(config)) throw new ConfigError(`${where}: the ${spec.class_name} config must be an object, received ${describeValue(config)}`);
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const option = known.keys[key];
    if (option === undefined) throw new ConfigError(`${where}: unknown ${spec.class_name} config key '${key}'; it takes ${Object.keys(known.keys).join(', ')}`);
    options[option] = value;
  }
  return new known.make(options as never);
}

/** Keras' schedules.serialize, as an optimizer's config holds its learning rate. @internal */
export function serializeSchedule(schedule: LearningRateSchedule): Record<string, unknown> {
  return { module: 'keras.optimizers.schedules', class_name: schedule.className, config: schedule.getConfig(), registered_name: null };
}
