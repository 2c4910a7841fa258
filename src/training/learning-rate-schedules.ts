// Keras 3's learning-rate schedules (keras/src/optimizers/schedules/learning_rate_schedule.py):
// an optimizer given one as its learning rate takes schedule(iterations) at each step, the step
// count before that step (0 at the first). Each formula runs in float32, operation by operation,
// as Keras' ops do on its float32 tensors; the configs are Keras' get_config(), snake_case.
import { ConfigError, quoted } from '../errors.js';
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

/** @internal One option of a built-in schedule: its camelCase name, its Keras config key, and its check (with its default). */
interface ScheduleField {
  readonly option: string;
  readonly key: string;
  readonly required: boolean;
  read(value: unknown, where: string): unknown;
}

const numberField = (option: string, key: string, fallback?: number, ok?: (v: number) => boolean, expected?: string): ScheduleField => ({
  option, key, required: fallback === undefined, read: (value, where) => finite(fallback === undefined ? value : value ?? fallback, option, where, ok, expected),
});
const stepsField = (option: string, key: string): ScheduleField => numberField(option, key, undefined, (v) => v > 0, 'a number > 0 (Keras refuses others)');
const flagField = (option: string): ScheduleField => ({ option, key: option, required: false, read: (value, where) => flag(value, option, where) });
const nameField = (fallback: string): ScheduleField => ({ option: 'name', key: 'name', required: false, read: (value, where) => scheduleName(value, fallback, where) });
const listField = (option: string): ScheduleField => ({
  option, key: option, required: true,
  read: (value, where) => {
    if (!Array.isArray(value)) throw new ConfigError(`${where}: option '${option}' must be an array of numbers, received ${describeValue(value)}`);
    return Object.freeze(value.map((v, i) => finite(v, `${option}[${i}]`, where)));
  },
});
const initialRate = numberField('initialLearningRate', 'initial_learning_rate');

/**
 * A built-in schedule: its options read, checked and kept as its properties from one list of
 * fields, which also gives its Keras config (get_config) and the keys fromConfig reads.
 */
abstract class KerasSchedule extends LearningRateSchedule {
  declare readonly name: string;
  private readonly fields: readonly ScheduleField[];

  /** @internal */
  protected constructor(className: string, fields: readonly ScheduleField[], options: object, example: string) {
    super(className);
    checkOptionsObject(options, className, example);
    checkKnownKeys(options, fields.map((f) => f.option), className);
    const given = options as Record<string, unknown>;
    const missing = fields.find((f) => f.required && given[f.option] === undefined);
    if (missing) throw new ConfigError(`${className}: option '${missing.option}' is required, as in Keras; for example new ${className}(${example})`);
    const own = this as unknown as Record<string, unknown>;
    for (const f of fields) own[f.option] = f.read(given[f.option], className);
    this.fields = fields;
  }

  override getConfig(): Record<string, unknown> {
    const own = this as unknown as Record<string, unknown>;
    return Object.fromEntries(this.fields.map((f) => [f.key, Array.isArray(own[f.option]) ? [...(own[f.option] as number[])] : own[f.option]]));
  }
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

const rateDecayFields = (className: string): ScheduleField[] => [
  initialRate, stepsField('decaySteps', 'decay_steps'), numberField('decayRate', 'decay_rate'), flagField('staircase'), nameField(className),
];
const EXPONENTIAL_DECAY = rateDecayFields('ExponentialDecay');
const INVERSE_TIME_DECAY = rateDecayFields('InverseTimeDecay');

/** ExponentialDecay's and InverseTimeDecay's shared options, and their step / decaySteps (floored with staircase). */
abstract class RateDecay extends KerasSchedule {
  declare readonly initialLearningRate: number;
  declare readonly decaySteps: number;
  declare readonly decayRate: number;
  declare readonly staircase: boolean;

  protected progress(step: number): number {
    const p = f32(f32(step) / f32(this.decaySteps));
    return this.staircase ? Math.floor(p) : p;
  }
}

/** Keras' ExponentialDecay: initialLearningRate · decayRate^(step / decaySteps), the exponent floored with staircase. */
export class ExponentialDecay extends RateDecay {
  constructor(options: ExponentialDecayOptions) {
    super('ExponentialDecay', EXPONENTIAL_DECAY, options, '{ initialLearningRate: 0.01, decaySteps: 10000, decayRate: 0.9 }');
  }

  call(step: number): number {
    return f32(f32(this.initialLearningRate) * f32(Math.pow(f32(this.decayRate), this.progress(step))));
  }
}

/** Keras' InverseTimeDecay: initialLearningRate / (1 + decayRate · step / decaySteps), the ratio floored with staircase. */
export class InverseTimeDecay extends RateDecay {
  constructor(options: InverseTimeDecayOptions) {
    super('InverseTimeDecay', INVERSE_TIME_DECAY, options, '{ initialLearningRate: 0.1, decaySteps: 1000, decayRate: 0.5 }');
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

const PIECEWISE_CONSTANT_DECAY = [listField('boundaries'), listField('values'), nameField('PiecewiseConstant')];

/** Keras' PiecewiseConstantDecay: values[i] on the interval (boundaries[i - 1], boundaries[i]]. */
export class PiecewiseConstantDecay extends KerasSchedule {
  declare readonly boundaries: readonly number[];
  declare readonly values: readonly number[];

  constructor(options: PiecewiseConstantDecayOptions) {
    super('PiecewiseConstantDecay', PIECEWISE_CONSTANT_DECAY, options, '{ boundaries: [1000, 2000], values: [0.1, 0.01, 0.001] }');
    const { boundaries, values } = this;
    if (boundaries.length !== values.length - 1 || values.length === 0) {
      throw new ConfigError(`PiecewiseConstantDecay: the length of boundaries should be 1 less than the length of values (Keras raises alike), received ${boundaries.length} boundaries and ${values.length} values`);
    }
    if (boundaries.some((b, i) => i > 0 && b <= boundaries[i - 1])) {
      throw new ConfigError(`PiecewiseConstantDecay: option 'boundaries' must increase strictly, received ${quoted(boundaries)}`);
    }
  }

  call(step: number): number {
    const i = this.boundaries.findIndex((boundary) => step <= boundary);
    return f32(this.values[i < 0 ? this.values.length - 1 : i]);
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

const POLYNOMIAL_DECAY = [
  initialRate, stepsField('decaySteps', 'decay_steps'), numberField('endLearningRate', 'end_learning_rate', 0.0001), numberField('power', 'power', 1),
  flagField('cycle'), nameField('PolynomialDecay'),
];

/** Keras' PolynomialDecay: (initial - end) · (1 - step / decaySteps)^power + end, the step capped at decaySteps (or the period grown with cycle). */
export class PolynomialDecay extends KerasSchedule {
  declare readonly initialLearningRate: number;
  declare readonly decaySteps: number;
  declare readonly endLearningRate: number;
  declare readonly power: number;
  declare readonly cycle: boolean;

  constructor(options: PolynomialDecayOptions) {
    super('PolynomialDecay', POLYNOMIAL_DECAY, options, '{ initialLearningRate: 0.1, decaySteps: 10000, endLearningRate: 0.01 }');
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

const COSINE_DECAY: ScheduleField[] = [
  initialRate, stepsField('decaySteps', 'decay_steps'), numberField('alpha', 'alpha', 0), nameField('CosineDecay'),
  { option: 'warmupTarget', key: 'warmup_target', required: false, read: (value, where) => (value === undefined || value === null ? null : finite(value, 'warmupTarget', where)) },
  numberField('warmupSteps', 'warmup_steps', 0, (v) => v >= 0, 'a number >= 0'),
];

/** Keras' CosineDecay: an optional linear warmup, then lr · ((1 - alpha) · ½(1 + cos(π · step / decaySteps)) + alpha), the step capped. */
export class CosineDecay extends KerasSchedule {
  declare readonly initialLearningRate: number;
  declare readonly decaySteps: number;
  declare readonly alpha: number;
  declare readonly warmupTarget: number | null;
  declare readonly warmupSteps: number;

  constructor(options: CosineDecayOptions) {
    super('CosineDecay', COSINE_DECAY, options, '{ initialLearningRate: 0.1, decaySteps: 1000 }');
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

const COSINE_DECAY_RESTARTS = [
  initialRate, stepsField('firstDecaySteps', 'first_decay_steps'), numberField('tMul', 't_mul', 2), numberField('mMul', 'm_mul', 1),
  numberField('alpha', 'alpha', 0), nameField('SGDRDecay'),
];

/** Keras' CosineDecayRestarts (SGDR): the cosine decay started again at each period's end, periods growing by tMul and peaks by mMul. */
export class CosineDecayRestarts extends KerasSchedule {
  declare readonly initialLearningRate: number;
  declare readonly firstDecaySteps: number;
  declare readonly tMul: number;
  declare readonly mMul: number;
  declare readonly alpha: number;

  constructor(options: CosineDecayRestartsOptions) {
    super('CosineDecayRestarts', COSINE_DECAY_RESTARTS, options, '{ initialLearningRate: 0.1, firstDecaySteps: 1000 }');
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
}

type ScheduleClass = new (options: never) => LearningRateSchedule;

/** Each built-in class with its fields, whose config keys fromConfig reads. */
const SCHEDULES: Readonly<Record<string, { make: ScheduleClass; fields: readonly ScheduleField[] }>> = {
  ExponentialDecay: { make: ExponentialDecay, fields: EXPONENTIAL_DECAY },
  PiecewiseConstantDecay: { make: PiecewiseConstantDecay, fields: PIECEWISE_CONSTANT_DECAY },
  PolynomialDecay: { make: PolynomialDecay, fields: POLYNOMIAL_DECAY },
  InverseTimeDecay: { make: InverseTimeDecay, fields: INVERSE_TIME_DECAY },
  CosineDecay: { make: CosineDecay, fields: COSINE_DECAY },
  CosineDecayRestarts: { make: CosineDecayRestarts, fields: COSINE_DECAY_RESTARTS },
};

/** Whether `value` is a Keras schedule config { class_name, config } (as a file's optimizer config holds one). @internal */
export function isScheduleConfig(value: unknown): value is { class_name: string; config?: unknown } {
  return isRecord(value) && typeof value.class_name === 'string';
}

/** Keras' schedules.deserialize: the schedule a { module, class_name, config } describes. @internal */
export function scheduleFromConfig(spec: { class_name: string; config?: unknown }, where: string): LearningRateSchedule {
  const known = Object.hasOwn(SCHEDULES, spec.class_name) ? SCHEDULES[spec.class_name] : undefined;
  if (!known) throw new ConfigError(`${where}: learning rate schedule class must be one of ${Object.keys(SCHEDULES).join(', ')}, received ${quoted(spec.class_name)}`);
  const config = spec.config ?? {};
  if (!isRecord(config)) throw new ConfigError(`${where}: the ${spec.class_name} config must be an object, received ${describeValue(config)}`);
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const field = known.fields.find((f) => f.key === key);
    if (field === undefined) throw new ConfigError(`${where}: unknown ${spec.class_name} config key '${key}'; it takes ${known.fields.map((f) => f.key).join(', ')}`);
    options[field.option] = value;
  }
  return new known.make(options as never);
}

/** Keras' schedules.serialize, as an optimizer's config holds its learning rate. @internal */
export function serializeSchedule(schedule: LearningRateSchedule): Record<string, unknown> {
  return { module: 'keras.optimizers.schedules', class_name: schedule.className, config: schedule.getConfig(), registered_name: null };
}
