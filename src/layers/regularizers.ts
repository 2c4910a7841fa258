// Keras' weight regularizers (keras/src/regularizers/regularizers.py): L1, L2, L1L2 and
// OrthogonalRegularizer, their penalty (Keras' __call__, in float32) and its gradient, and how a
// layer option names one: an object, a Keras string ('l2', 'l1_l2', 'L1L2', ...) or a config
// { class_name, config } as Keras 2 and 3 files store it.
import { ConfigError, ShapeError, formatShape } from '../errors.js';
import { describeValue } from '../initializers/validate.js';
import { checkedOptions, resolveKerasObject, type KerasObjectKind } from './keras-objects.js';

const f32 = Math.fround;

/**
 * A penalty on a weight, added to the training loss (Keras' kernel_regularizer, ...). Built-in ones
 * come from `regularizers` (l1, l2, l1l2, orthogonalRegularizer) or their classes; a subclass gives
 * its penalty and gradient and a Keras class name and config for model files.
 */
export abstract class Regularizer {
  /** The Keras class name, e.g. 'L2'. */
  abstract readonly className: string;
  /** Keras' get_config(), e.g. { l2: 0.01 }. */
  abstract getConfig(): Record<string, unknown>;
  /** Keras' regularizer(weight): the penalty of a weight of `shape` (row-major values), in float32. */
  abstract penalty(values: Float32Array, shape: readonly number[]): number;
  /** Adds d penalty / d values to `gradient`, value by value. */
  abstract addGradient(values: Float32Array, shape: readonly number[], gradient: Float32Array): void;
}

/** Keras' validate_float_arg: a finite number >= 0. */
function factor(value: unknown, name: string, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(`${where}: '${name}' must be a non-negative finite number, received ${describeValue(value)}`);
  }
  return value;
}

function sumAbs(values: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.abs(values[i]);
  return sum;
}

function sumSquares(values: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return sum;
}

/** l1 sum |w| + l2 sum w^2 with float32 factors; d / dw = l1 sign(w) + 2 l2 w (sign(0) = 0, as Keras' abs). */
abstract class ElementwiseRegularizer extends Regularizer {
  protected constructor(private readonly factors: { readonly l1: number; readonly l2: number }) {
    super();
  }

  penalty(values: Float32Array, _shape?: readonly number[]): number {
    const { l1, l2 } = this.factors;
    let total = 0;
    if (l1 !== 0) total = f32(total + f32(f32(l1) * f32(sumAbs(values))));
    if (l2 !== 0) total = f32(total + f32(f32(l2) * f32(sumSquares(values))));
    return total;
  }

  addGradient(values: Float32Array, _shape: readonly number[], gradient: Float32Array): void {
    const l1 = f32(this.factors.l1);
    const twiceL2 = 2 * f32(this.factors.l2);
    for (let i = 0; i < values.length; i++) gradient[i] += l1 * Math.sign(values[i]) + twiceL2 * values[i];
  }
}

/** L1's or L2's one factor: a number or { [key]: number }, Keras' None (null) its default 0.01. */
function oneFactor(value: number | Partial<Record<string, number | null>> | null | undefined, key: 'l1' | 'l2', className: string): number {
  const given = typeof value === 'object' && value !== null ? optionsOf(value, [key], className)[key] : value;
  return factor(given ?? 0.01, key, `regularizers.${className}`);
}

/** Keras' L1: l1 * sum(|w|); default l1 0.01. */
export class L1 extends ElementwiseRegularizer {
  readonly className = 'L1';
  readonly l1: number;

  constructor(l1: number | { l1?: number | null } = 0.01) {
    const value = oneFactor(l1, 'l1', 'L1');
    super({ l1: value, l2: 0 });
    this.l1 = value;
  }

  getConfig(): Record<string, unknown> {
    return { l1: this.l1 };
  }
}

/** Keras' L2: l2 * sum(w^2); default l2 0.01. */
export class L2 extends ElementwiseRegularizer {
  readonly className = 'L2';
  readonly l2: number;

  constructor(l2: number | { l2?: number | null } = 0.01) {
    const value = oneFactor(l2, 'l2', 'L2');
    super({ l1: 0, l2: value });
    this.l2 = value;
  }

  getConfig(): Record<string, unknown> {
    return { l2: this.l2 };
  }
}

/** Keras' L1L2: l1 * sum(|w|) + l2 * sum(w^2); both default 0, as Keras 3's class. */
export class L1L2 extends ElementwiseRegularizer {
  readonly className = 'L1L2';
  readonly l1: number;
  readonly l2: number;

  /** `new L1L2({ l1: 0.01, l2: 0.01 })`, or the factors in Keras' order: `new L1L2(0.01, 0.01)`. */
  constructor(l1: number | { l1?: number | null; l2?: number | null } = 0, l2 = 0) {
    const options = typeof l1 === 'object' && l1 !== null ? optionsOf(l1, ['l1', 'l2'], 'L1L2') : { l1, l2 };
    const factors = { l1: factor(options.l1 ?? 0, 'l1', 'regularizers.L1L2'), l2: factor(options.l2 ?? 0, 'l2', 'regularizers.L1L2') };
    super(factors);
    this.l1 = factors.l1;
    this.l2 = factors.l2;
  }

  getConfig(): Record<string, unknown> {
    return { l1: this.l1, l2: this.l2 };
  }
}

export type OrthogonalMode = 'rows' | 'columns';

/**
 * Keras' OrthogonalRegularizer of a 2-D weight: factor times the mean of |dot products| between
 * its L2-normalized rows (mode 'rows') or columns, each pair once.
 */
export class OrthogonalRegularizer extends Regularizer {
  readonly className = 'OrthogonalRegularizer';
  readonly factor: number;
  readonly mode: OrthogonalMode;

  constructor(options: { factor?: number; mode?: OrthogonalMode } | number = {}) {
    super();
    const o = typeof options === 'number' ? { factor: options } : optionsOf(options, ['factor', 'mode'], 'OrthogonalRegularizer');
    this.factor = factor(o.factor ?? 0.01, 'factor', 'regularizers.OrthogonalRegularizer');
    const mode = o.mode ?? 'rows';
    if (mode !== 'rows' && mode !== 'columns') {
      throw new ConfigError(`regularizers.OrthogonalRegularizer: 'mode' must be 'rows' or 'columns', received ${describeValue(mode)}`);
    }
    this.mode = mode;
  }

  getConfig(): Record<string, unknown> {
    return { factor: this.factor, mode: this.mode };
  }

  /** The vectors (rows or columns) as rows of a float64 matrix, their norms clamped at Keras' epsilon. */
  private vectors(values: Float32Array, shape: readonly number[]): { count: number; length: number; at: (v: number, k: number) => number; norms: Float64Array } {
    if (shape.length !== 2) throw new ShapeError(`OrthogonalRegularizer: the weight must have rank 2, received shape ${formatShape(shape)}`);
    const [rows, columns] = shape;
    const byRows = this.mode === 'rows';
    const count = byRows ? rows : columns;
    const length = byRows ? columns : rows;
    const at = byRows ? (v: number, k: number) => v * columns + k : (v: number, k: number) => k * columns + v;
    const norms = new Float64Array(count);
    for (let v = 0; v < count; v++) {
      let sum = 0;
      for (let k = 0; k < length; k++) sum += values[at(v, k)] ** 2;
      norms[v] = Math.sqrt(Math.max(sum, EPSILON * EPSILON));
    }
    return { count, length, at, norms };
  }

  /** The normalized vectors' dot products, n x n. */
  private products(values: Float32Array, count: number, length: number, at: (v: number, k: number) => number, norms: Float64Array): Float64Array {
    const product = new Float64Array(count * count);
    for (let a = 0; a < count; a++) {
      for (let b = a + 1; b < count; b++) {
        let dot = 0;
        for (let k = 0; k < length; k++) dot += values[at(a, k)] * values[at(b, k)];
        product[a * count + b] = product[b * count + a] = dot / (norms[a] * norms[b]);
      }
    }
    return product;
  }

  penalty(values: Float32Array, shape: readonly number[]): number {
    const { count, length, at, norms } = this.vectors(values, shape);
    if (count < 2) return 0;
    const product = this.products(values, count, length, at, norms);
    let sum = 0;
    for (const p of product) sum += Math.abs(p);
    // factor * 0.5 * sum over i != j / (n (n - 1) / 2)
    return f32((f32(this.factor) * 0.5 * sum) / ((count * (count - 1)) / 2));
  }

  /**
   * With N the normalized vectors, P = N N^T and S = factor sign(P) / (n (n - 1)) off the diagonal:
   * d / dN = 2 S N, and through N = x / max(|x|, eps): d / dx = (G - (G . N) N) / |x| (G / eps when clamped).
   */
  addGradient(values: Float32Array, shape: readonly number[], gradient: Float32Array): void {
    const { count, length, at, norms } = this.vectors(values, shape);
    if (count < 2) return;
    const product = this.products(values, count, length, at, norms);
    const scale = (2 * f32(this.factor)) / (count * (count - 1));
    const g = new Float64Array(length);
    for (let a = 0; a < count; a++) {
      g.fill(0);
      for (let b = 0; b < count; b++) {
        const s = b === a ? 0 : Math.sign(product[a * count + b]);
        if (s === 0) continue;
        for (let k = 0; k < length; k++) g[k] += (scale * s * values[at(b, k)]) / norms[b];
      }
      const clamped = norms[a] <= EPSILON;
      let dot = 0;
      if (!clamped) for (let k = 0; k < length; k++) dot += (g[k] * values[at(a, k)]) / norms[a];
      for (let k = 0; k < length; k++) gradient[at(a, k)] += (g[k] - (clamped ? 0 : (dot * values[at(a, k)]) / norms[a])) / norms[a];
    }
  }
}

/** Keras' backend epsilon (1e-7). */
const EPSILON = 1e-7;

function optionsOf<K extends string>(options: object, keys: readonly K[], className: string): Partial<Record<K, number | string | null>> {
  return checkedOptions(options, keys, `regularizers.${className}`, 'a number or an options object') as Partial<Record<K, number | string | null>>;
}

/** What a layer's regularizer option takes: a Regularizer, a Keras name ('l1', 'l2', 'l1_l2', 'L1L2', 'orthogonal_regularizer'), a Keras config, or null for none. */
export type RegularizerSpec = Regularizer | RegularizerName | { class_name: string; config?: Record<string, unknown> | null; [key: string]: unknown } | null;

/** Keras' regularizer names: the classes in both spellings; 'l1_l2' is tf.keras 2's l1_l2() with 0.01 and 0.01. */
export type RegularizerName = 'l1' | 'l2' | 'l1_l2' | 'l1l2' | 'L1' | 'L2' | 'L1L2' | 'OrthogonalRegularizer' | 'orthogonal_regularizer';

type RegularizerClass = 'L1' | 'L2' | 'L1L2' | 'OrthogonalRegularizer';

/** Keras config keys of each class, and the options they become. */
const CONFIG_OPTIONS: Readonly<Record<RegularizerClass, Readonly<Record<string, string>>>> = {
  L1: { l1: 'l1' },
  L2: { l2: 'l2' },
  L1L2: { l1: 'l1', l2: 'l2' },
  OrthogonalRegularizer: { factor: 'factor', mode: 'mode' },
};

/** Keras 3's lookup (class name or its snake_case) and tf.keras 2's l1_l2. */
function classOfName(name: string): RegularizerClass | null {
  switch (name) {
    case 'L1': case 'l1': return 'L1';
    case 'L2': case 'l2': return 'L2';
    case 'L1L2': case 'l1l2': case 'l1_l2': return 'L1L2';
    case 'OrthogonalRegularizer': case 'orthogonal_regularizer': return 'OrthogonalRegularizer';
    default: return null;
  }
}

function construct(className: RegularizerClass, options: Record<string, unknown>): Regularizer {
  switch (className) {
    case 'L1': return new L1(options as { l1?: number });
    case 'L2': return new L2(options as { l2?: number });
    case 'L1L2': return new L1L2(options as { l1?: number; l2?: number });
    case 'OrthogonalRegularizer': return new OrthogonalRegularizer(options as { factor?: number; mode?: OrthogonalMode });
  }
}

/** @internal */
export const REGULARIZER_KIND: KerasObjectKind<Regularizer> = {
  kind: 'regularizer',
  isInstance: (value): value is Regularizer => value instanceof Regularizer,
  // Keras 3 makes the class with its defaults; tf.keras 2's 'l1_l2' was its l1_l2() with 0.01 each.
  lookup: (name) => {
    const className = classOfName(name);
    return className && { className, defaults: name === 'l1_l2' ? { l1: 0.01, l2: 0.01 } : {} };
  },
  configKeys: (className) => CONFIG_OPTIONS[className as RegularizerClass],
  construct: (className, options) => construct(className as RegularizerClass, options),
  names: "'l1', 'l2', 'l1_l2', 'L1L2', 'orthogonal_regularizer'",
  classes: 'L1, L2, L1L2 or OrthogonalRegularizer',
  example: 'regularizers.l2(0.01)',
};

/** @internal Why `regularizer` cannot act on a weight (or an output) of `shape` (OrthogonalRegularizer needs rank 2), or null. */
export function regularizerShapeProblem(regularizer: Regularizer, shape: readonly number[], what: 'weight' | 'output' = 'weight'): string | null {
  return regularizer instanceof OrthogonalRegularizer && shape.length !== 2 ? `OrthogonalRegularizer needs ${what === 'weight' ? 'a weight' : 'an output'} of rank 2 (Keras raises alike), this one has rank ${shape.length}` : null;
}

/** Keras' regularizers.get: a layer option's value as a Regularizer, null for none. @internal */
export function getRegularizer(spec: unknown, where: string): Regularizer | null {
  return resolveKerasObject(spec, where, REGULARIZER_KIND);
}

export interface RegularizerFactories {
  /** Keras' regularizers.l1: l1 * sum(|w|); default 0.01. */
  l1(l1?: number): L1;
  /** Keras' regularizers.l2: l2 * sum(w^2); default 0.01. */
  l2(l2?: number): L2;
  /** Keras' regularizers.l1_l2 (Keras 3's L1L2): both factors default 0. */
  l1l2(options?: { l1?: number; l2?: number }): L1L2;
  /** Keras' regularizers.OrthogonalRegularizer; defaults factor 0.01, mode 'rows'. */
  orthogonalRegularizer(options?: { factor?: number; mode?: OrthogonalMode }): OrthogonalRegularizer;
}

export const regularizers: RegularizerFactories = {
  l1: (l1) => new L1(l1 ?? 0.01),
  l2: (l2) => new L2(l2 ?? 0.01),
  l1l2: (options) => new L1L2(options ?? {}),
  orthogonalRegularizer: (options) => new OrthogonalRegularizer(options ?? {}),
};
