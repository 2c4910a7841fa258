// Keras' weight constraints (keras/src/constraints/constraints.py): MaxNorm, NonNeg, UnitNorm and
// MinMaxNorm, the projection fit applies to a weight after every optimizer update, and how a layer
// option names one: an object, a Keras string ('max_norm', 'non_neg', 'unit_norm', ...) or a
// config { class_name, config } as Keras 2 and 3 files store it.
import { ConfigError, ShapeError, formatShape } from '../errors.js';
import { describeValue } from '../initializers/validate.js';
import { checkedOptions, resolveKerasObject, type KerasObjectKind } from './keras-objects.js';

const f32 = Math.fround;
/** Keras' backend epsilon, a float32 as the constraint computes. */
const EPSILON = f32(1e-7);

/**
 * A projection of a weight after each optimizer update (Keras' kernel_constraint, ...). Built-in
 * ones come from `constraints` (maxNorm, nonNeg, unitNorm, minMaxNorm) or their classes.
 */
export abstract class Constraint {
  /** The Keras class name, e.g. 'MaxNorm'. */
  abstract readonly className: string;
  /** Keras' get_config(), e.g. { max_value: 2, axis: 0 }. */
  abstract getConfig(): Record<string, unknown>;
  /** Keras' constraint(weight), assigned back: projects the values of a weight of `shape` in place. */
  abstract apply(values: Float32Array, shape: readonly number[]): void;
}

/** Keras' axis argument: one axis or several; negative ones count from the end. */
export type ConstraintAxis = number | readonly number[];

function checkAxis(axis: unknown, where: string): ConstraintAxis {
  const ok = (a: unknown) => Number.isInteger(a);
  if (ok(axis)) return axis as number;
  if (Array.isArray(axis) && axis.length > 0 && axis.every(ok)) return [...(axis as number[])];
  throw new ConfigError(`${where}: 'axis' must be an integer or a non-empty list of integers, received ${describeValue(axis)}`);
}

function finite(value: unknown, name: string, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ConfigError(`${where}: '${name}' must be a finite number, received ${describeValue(value)}`);
  return value;
}

/**
 * Each value's group under a sum over `axis` with keepdims (the norm it shares) and the group count;
 * ShapeError for an axis the weight does not have.
 */
function normGroups(shape: readonly number[], axis: ConstraintAxis, className: string): { groups: Int32Array; count: number } {
  const rank = shape.length;
  const axes = (typeof axis === 'number' ? [axis] : axis).map((a) => {
    if (a < -rank || a >= rank) throw new ShapeError(`${className}: axis ${a} is out of range for a weight of shape ${formatShape(shape)}`);
    return a < 0 ? a + rank : a;
  });
  const kept = shape.map((d, a) => (axes.includes(a) ? 1 : d));
  const size = shape.reduce((a, b) => a * b, 1);
  const groups = new Int32Array(size);
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < size; i++) {
    let g = 0;
    for (let a = 0; a < rank; a++) g = g * kept[a] + (kept[a] === 1 ? 0 : index[a]);
    groups[i] = g;
    for (let a = rank - 1; a >= 0; a--) {
      if (++index[a] < shape[a]) break;
      index[a] = 0;
    }
  }
  return { groups, count: kept.reduce((a, b) => a * b, 1) };
}

/** w * desired(norm) / (epsilon + norm), with norms = sqrt(sum w^2 over axis), in float32. */
function rescaleNorms(values: Float32Array, shape: readonly number[], axis: ConstraintAxis, className: string, desired: (norm: number) => number): void {
  const { groups, count } = normGroups(shape, axis, className);
  const sums = new Float64Array(count);
  for (let i = 0; i < values.length; i++) sums[groups[i]] += values[i] * values[i];
  const factors = new Float32Array(count);
  for (let g = 0; g < count; g++) {
    const norm = f32(Math.sqrt(f32(sums[g])));
    factors[g] = f32(f32(desired(norm)) / f32(EPSILON + norm));
  }
  for (let i = 0; i < values.length; i++) values[i] *= factors[groups[i]];
}

function clip(x: number, low: number, high: number): number {
  return Math.min(Math.max(x, low), high);
}

/** Keras' MaxNorm: each norm over `axis` at most maxValue (defaults 2 and axis 0: a Dense kernel's columns). */
export class MaxNorm extends Constraint {
  readonly className = 'MaxNorm';
  readonly maxValue: number;
  readonly axis: ConstraintAxis;

  /** `new MaxNorm(3)`, or `new MaxNorm({ maxValue: 3, axis: [0, 1] })`. */
  constructor(options: number | { maxValue?: number; axis?: ConstraintAxis } = {}) {
    super();
    const o = typeof options === 'number' ? { maxValue: options } : optionsOf(options, ['maxValue', 'axis'], 'MaxNorm');
    this.maxValue = finite(o.maxValue ?? 2, 'maxValue', 'constraints.MaxNorm');
    this.axis = checkAxis(o.axis ?? 0, 'constraints.MaxNorm');
  }

  getConfig(): Record<string, unknown> {
    return { max_value: this.maxValue, axis: this.axis };
  }

  override apply(values: Float32Array, shape: readonly number[]): void {
    const max = this.maxValue;
    rescaleNorms(values, shape, this.axis, this.className, (norm) => clip(norm, 0, max));
  }
}

/** Keras' NonNeg: max(w, 0). */
export class NonNeg extends Constraint {
  readonly className = 'NonNeg';

  getConfig(): Record<string, unknown> {
    return {};
  }

  override apply(values: Float32Array): void {
    for (let i = 0; i < values.length; i++) if (values[i] < 0) values[i] = 0;
  }
}

/** Keras' UnitNorm: w / (epsilon + norm over `axis`); default axis 0. */
export class UnitNorm extends Constraint {
  readonly className = 'UnitNorm';
  readonly axis: ConstraintAxis;

  constructor(options: { axis?: ConstraintAxis } = {}) {
    super();
    this.axis = checkAxis(optionsOf(options, ['axis'], 'UnitNorm').axis ?? 0, 'constraints.UnitNorm');
  }

  getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }

  override apply(values: Float32Array, shape: readonly number[]): void {
    rescaleNorms(values, shape, this.axis, this.className, () => 1);
  }
}

/** Keras' MinMaxNorm: norms moved to rate * clip(norm, minValue, maxValue) + (1 - rate) * norm; defaults 0, 1, 1, axis 0. */
export class MinMaxNorm extends Constraint {
  readonly className = 'MinMaxNorm';
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: ConstraintAxis;

  constructor(options: { minValue?: number; maxValue?: number; rate?: number; axis?: ConstraintAxis } = {}) {
    super();
    const o = optionsOf(options, ['minValue', 'maxValue', 'rate', 'axis'], 'MinMaxNorm');
    this.minValue = finite(o.minValue ?? 0, 'minValue', 'constraints.MinMaxNorm');
    this.maxValue = finite(o.maxValue ?? 1, 'maxValue', 'constraints.MinMaxNorm');
    this.rate = finite(o.rate ?? 1, 'rate', 'constraints.MinMaxNorm');
    this.axis = checkAxis(o.axis ?? 0, 'constraints.MinMaxNorm');
  }

  getConfig(): Record<string, unknown> {
    return { min_value: this.minValue, max_value: this.maxValue, rate: this.rate, axis: this.axis };
  }

  override apply(values: Float32Array, shape: readonly number[]): void {
    const { minValue, maxValue, rate } = this;
    rescaleNorms(values, shape, this.axis, this.className, (norm) => f32(f32(rate * f32(clip(norm, minValue, maxValue))) + f32(f32(1 - rate) * norm)));
  }
}

function optionsOf<T extends object>(options: T, keys: readonly string[], className: string): T {
  return checkedOptions(options, keys, `constraints.${className}`, 'an options object');
}

/** What a layer's constraint option takes: a Constraint, a Keras name ('max_norm', 'non_neg', 'unit_norm', 'min_max_norm', 'MaxNorm', ...), a Keras config, or null for none. */
export type ConstraintSpec = Constraint | ConstraintName | { class_name: string; config?: Record<string, unknown> | null; [key: string]: unknown } | null;

export type ConstraintName =
  | 'max_norm' | 'non_neg' | 'unit_norm' | 'min_max_norm' | 'MaxNorm' | 'NonNeg' | 'UnitNorm' | 'MinMaxNorm' | 'maxnorm' | 'nonneg' | 'unitnorm';

type ConstraintClass = 'MaxNorm' | 'NonNeg' | 'UnitNorm' | 'MinMaxNorm';

/** Keras 3's names (class and snake_case) and tf.keras 2's aliases maxnorm, nonneg, unitnorm meet here. */
function classOfName(name: string): ConstraintClass | null {
  switch (name.replace(/_/g, '').toLowerCase()) {
    case 'maxnorm': return 'MaxNorm';
    case 'nonneg': return 'NonNeg';
    case 'unitnorm': return 'UnitNorm';
    case 'minmaxnorm': return 'MinMaxNorm';
    default: return null;
  }
}

/** Keras config keys of each class, and the options they become. */
const CONFIG_OPTIONS: Readonly<Record<ConstraintClass, Readonly<Record<string, string>>>> = {
  MaxNorm: { max_value: 'maxValue', axis: 'axis' },
  NonNeg: {},
  UnitNorm: { axis: 'axis' },
  MinMaxNorm: { min_value: 'minValue', max_value: 'maxValue', rate: 'rate', axis: 'axis' },
};

function construct(className: ConstraintClass, options: Record<string, unknown>): Constraint {
  switch (className) {
    case 'MaxNorm': return new MaxNorm(options);
    case 'NonNeg': return new NonNeg();
    case 'UnitNorm': return new UnitNorm(options);
    case 'MinMaxNorm': return new MinMaxNorm(options);
  }
}

/** @internal */
export const CONSTRAINT_KIND: KerasObjectKind<Constraint> = {
  kind: 'constraint',
  isInstance: (value): value is Constraint => value instanceof Constraint,
  lookup: (name) => {
    const className = classOfName(name);
    return className && { className, defaults: {} };
  },
  configKeys: (className) => CONFIG_OPTIONS[className as ConstraintClass],
  construct: (className, options) => construct(className as ConstraintClass, options),
  names: "'max_norm', 'non_neg', 'unit_norm', 'min_max_norm'",
  classes: 'MaxNorm, NonNeg, UnitNorm or MinMaxNorm',
  example: 'constraints.maxNorm(3)',
};

/** @internal Why `constraint` cannot act on a weight of `shape` (an axis it lacks), or null. */
export function constraintShapeProblem(constraint: Constraint, shape: readonly number[]): string | null {
  if (!(constraint instanceof MaxNorm || constraint instanceof UnitNorm || constraint instanceof MinMaxNorm)) return null;
  const axes = typeof constraint.axis === 'number' ? [constraint.axis] : constraint.axis;
  const bad = axes.find((a) => a < -shape.length || a >= shape.length);
  return bad === undefined ? null : `${constraint.className} axis ${bad} is out of range for rank ${shape.length}`;
}

/** Keras' constraints.get: a layer option's value as a Constraint, null for none. @internal */
export function getConstraint(spec: unknown, where: string): Constraint | null {
  return resolveKerasObject(spec, where, CONSTRAINT_KIND);
}

export interface ConstraintFactories {
  /** Keras' constraints.max_norm; defaults maxValue 2, axis 0. */
  maxNorm(options?: number | { maxValue?: number; axis?: ConstraintAxis }): MaxNorm;
  /** Keras' constraints.non_neg. */
  nonNeg(): NonNeg;
  /** Keras' constraints.unit_norm; default axis 0. */
  unitNorm(options?: { axis?: ConstraintAxis }): UnitNorm;
  /** Keras' constraints.min_max_norm; defaults minValue 0, maxValue 1, rate 1, axis 0. */
  minMaxNorm(options?: { minValue?: number; maxValue?: number; rate?: number; axis?: ConstraintAxis }): MinMaxNorm;
}

export const constraints: ConstraintFactories = {
  maxNorm: (options) => new MaxNorm(options ?? {}),
  nonNeg: () => new NonNeg(),
  unitNorm: (options) => new UnitNorm(options ?? {}),
  minMaxNorm: (options) => new MinMaxNorm(options ?? {}),
};
