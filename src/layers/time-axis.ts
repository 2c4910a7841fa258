// Keras' layers that change the time axis of (batch, steps, features): ZeroPadding1D (zero steps
// before and after), Cropping1D (steps cut from both ends) and UpSampling1D (each step repeated).
// None of them supports masking in Keras, so an incoming mask stops here, as Keras 3 drops it.
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import { floatBytes } from '../kernels/sizes.js';
import { Tensor } from '../tensor.js';
import { dataFormatOption, type DataFormat } from './flatten.js';
import { LAYER_OPTION_KEYS, type LayerOptions, type Shape } from './layer.js';
import { checkKnownKeys, checkOptionsObject } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { UnaryLayer } from './unary.js';

/** Steps at the start and at the end: one number for both, or [start, end]. */
export type TimeMargins = number | readonly [number, number];

/** Keras' positional first argument that is a number or a pair (`ZeroPadding1D(2)`, `Cropping1D((1, 2))`). */
function leadingMargins(args: readonly unknown[], key: string, className: string): Record<string, unknown> {
  const [first, second] = args;
  if (first === undefined && second === undefined) return {};
  if (typeof first !== 'number' && !Array.isArray(first)) {
    if (second !== undefined) throw new ConfigError(`${className}: expected (options) or (${key}, options), received 2 arguments with a first one that is not a ${key}`);
    checkOptionsObject(first, className, `{ ${key}: [1, 2] }`);
    return first as Record<string, unknown>;
  }
  if (second === undefined) return { [key]: first };
  checkOptionsObject(second, `${className}: options after ${key}`, "{ name: 'my_layer' }");
  if (key in (second as object)) throw new ConfigError(`${className}: '${key}' is given twice, as the first argument and in the options`);
  return { ...(second as Record<string, unknown>), [key]: first };
}

/** Keras' standardize_tuple(value, 2, allow_zero=True): [start, end] of non-negative integers. */
function marginsOption(value: unknown, fallback: readonly [number, number], key: string, layerName: string): readonly [number, number] {
  if (value === undefined || value === null) return fallback;
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || pair.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new ConfigError(`${layerName}: option '${key}' must be a non-negative integer or a pair [start, end] of them, received ${quoted(value)}`);
  }
  return Object.freeze([pair[0], pair[1]] as [number, number]);
}

/** The input must be (batch, steps, features). */
function checkRank3(inputShape: Shape, layerName: string, what: string): void {
  if (!Array.isArray(inputShape) || inputShape.length !== 3) {
    throw new ShapeError(`${layerName}: input must have rank 3 ${what}, received shape ${formatShape(inputShape ?? [])}`);
  }
}

/**
 * Copies steps of x (B, T, F) or, with `channelsFirst`, (B, F, T) into T' output steps: output step
 * s is input step source(s), or zeros where that is -1.
 */
function mapSteps(layerName: string, x: Tensor, steps: number, source: (s: number) => number, channelsFirst = false): Tensor {
  const [batch, d1, d2] = x.shape;
  // Checked before allocating: a padding or repeat of millions of steps may not fit in memory.
  const shape = channelsFirst ? [batch, d1, steps] : [batch, steps, d2];
  const out = new Float32Array(floatBytes(shape, `${layerName}: output`) / 4);
  if (channelsFirst) {
    for (let r = 0; r < batch * d1; r++) {
      for (let s = 0; s < steps; s++) {
        const t = source(s);
        if (t >= 0) out[r * steps + s] = x.data[r * d2 + t];
      }
    }
    return new Tensor(out, shape);
  }
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < steps; s++) {
      const t = source(s);
      if (t >= 0) out.set(x.data.subarray((b * d1 + t) * d2, (b * d1 + t + 1) * d2), (b * steps + s) * d2);
    }
  }
  return new Tensor(out, shape);
}

export interface ZeroPadding1DOptions extends LayerOptions {
  /** Zero steps added at the start and at the end: one number for both, or [start, end]. Default 1. */
  padding?: TimeMargins;
  /** 'channels_last' (batch, steps, features), the default, or 'channels_first' (batch, features, steps). */
  dataFormat?: DataFormat;
}

/** Keras' ZeroPadding1D: zero steps before and after the sequence. */
export class ZeroPadding1D extends UnaryLayer {
  readonly padding: readonly [number, number];
  readonly dataFormat: DataFormat;

  /** `new ZeroPadding1D()`, `new ZeroPadding1D({ padding: [1, 2] })`, or the padding first as in Keras: `new ZeroPadding1D(2)`. */
  constructor(options?: ZeroPadding1DOptions);
  constructor(padding: TimeMargins, options?: Omit<ZeroPadding1DOptions, 'padding'>);
  constructor(...args: [ZeroPadding1DOptions?] | [TimeMargins, Omit<ZeroPadding1DOptions, 'padding'>?]) {
    const options = leadingMargins(args, 'padding', 'ZeroPadding1D') as ZeroPadding1DOptions;
    super(options, 'zero_padding1d');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'padding', 'dataFormat'], this.name, 'ZeroPadding1D.fromConfig');
    this.padding = marginsOption(options.padding, [1, 1], 'padding', this.name);
    this.dataFormat = dataFormatOption(options.dataFormat, this.name);
  }

  /** Keras' from_config; Keras 1's { left_pad, right_pad } padding too. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): ZeroPadding1D {
    configKerasVersion(options, 'ZeroPadding1D.fromConfig');
    const read = kerasOptions('ZeroPadding1D', config, 'ZeroPadding1D.fromConfig');
    const padding = read.padding as Record<string, unknown> | undefined;
    if (typeof padding === 'object' && padding !== null && !Array.isArray(padding)) read.padding = [padding.left_pad ?? 0, padding.right_pad ?? 0];
    return new this(read as ZeroPadding1DOptions);
  }

  get className(): string {
    return 'ZeroPadding1D';
  }

  protected get passesMask(): boolean {
    return false;
  }

  private get stepAxis(): number {
    return this.dataFormat === 'channels_first' ? 2 : 1;
  }

  computeOutputShape(inputShape: Shape): Shape {
    checkRank3(inputShape, this.name, this.dataFormat === 'channels_first' ? '(batch, features, steps)' : '(batch, steps, features)');
    const out = [...inputShape];
    const steps = out[this.stepAxis];
    if (steps !== null) out[this.stepAxis] = steps + this.padding[0] + this.padding[1];
    return out;
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), padding: [...this.padding], data_format: this.dataFormat };
  }

  protected transform(x: Tensor): Tensor {
    const steps = x.shape[this.stepAxis];
    const [start] = this.padding;
    return mapSteps(this.name, x, steps + this.padding[0] + this.padding[1], (s) => (s >= start && s < start + steps ? s - start : -1), this.dataFormat === 'channels_first');
  }
}

export interface Cropping1DOptions extends LayerOptions {
  /** Steps cut at the start and at the end: one number for both, or [start, end]. Default [1, 1]. */
  cropping?: TimeMargins;
}

/** Keras' Cropping1D: steps cut from the start and the end of the sequence. */
export class Cropping1D extends UnaryLayer {
  readonly cropping: readonly [number, number];

  /** `new Cropping1D()`, `new Cropping1D({ cropping: [1, 2] })`, or the cropping first as in Keras: `new Cropping1D([1, 2])`. */
  constructor(options?: Cropping1DOptions);
  constructor(cropping: TimeMargins, options?: Omit<Cropping1DOptions, 'cropping'>);
  constructor(...args: [Cropping1DOptions?] | [TimeMargins, Omit<Cropping1DOptions, 'cropping'>?]) {
    const options = leadingMargins(args, 'cropping', 'Cropping1D') as Cropping1DOptions;
    super(options, 'cropping1d');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'cropping'], this.name, 'Cropping1D.fromConfig');
    this.cropping = marginsOption(options.cropping, [1, 1], 'cropping', this.name);
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Cropping1D {
    configKerasVersion(options, 'Cropping1D.fromConfig');
    return new this(kerasOptions('Cropping1D', config, 'Cropping1D.fromConfig') as Cropping1DOptions);
  }

  get className(): string {
    return 'Cropping1D';
  }

  protected get passesMask(): boolean {
    return false;
  }

  computeOutputShape(inputShape: Shape): Shape {
    checkRank3(inputShape, this.name, '(batch, steps, features)');
    const steps = inputShape[1];
    const cut = this.cropping[0] + this.cropping[1];
    if (steps !== null && steps - cut <= 0) {
      throw new ShapeError(`${this.name}: cropping [${this.cropping.join(', ')}] must leave at least one of the ${steps} steps of input shape ${formatShape(inputShape)}`);
    }
    return [inputShape[0], steps === null ? null : steps - cut, inputShape[2]];
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), cropping: [...this.cropping] };
  }

  protected transform(x: Tensor): Tensor {
    const steps = x.shape[1] - this.cropping[0] - this.cropping[1];
    return mapSteps(this.name, x, steps, (s) => s + this.cropping[0]);
  }
}

export interface UpSampling1DOptions extends LayerOptions {
  /** How many times each step is repeated (a positive integer). Default 2. */
  size?: number;
}

/** Keras' UpSampling1D: each step repeated `size` times along the time axis. */
export class UpSampling1D extends UnaryLayer {
  readonly size: number;

  /** `new UpSampling1D()`, `new UpSampling1D({ size: 3 })`, or the size first as in Keras: `new UpSampling1D(3)`. */
  constructor(options?: UpSampling1DOptions);
  constructor(size: number, options?: Omit<UpSampling1DOptions, 'size'>);
  constructor(...args: [UpSampling1DOptions?] | [number, Omit<UpSampling1DOptions, 'size'>?]) {
    const options = (args.every((a) => a === undefined) ? {} : leadingMargins(args, 'size', 'UpSampling1D')) as UpSampling1DOptions;
    super(options, 'up_sampling1d');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'size'], this.name, 'UpSampling1D.fromConfig');
    const size = options.size ?? 2;
    if (!Number.isSafeInteger(size) || size < 1) {
      throw new ConfigError(`${this.name}: option 'size' must be a positive integer, received ${quoted(options.size)}`);
    }
    this.size = size;
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): UpSampling1D {
    configKerasVersion(options, 'UpSampling1D.fromConfig');
    return new this(kerasOptions('UpSampling1D', config, 'UpSampling1D.fromConfig') as UpSampling1DOptions);
  }

  get className(): string {
    return 'UpSampling1D';
  }

  protected get passesMask(): boolean {
    return false;
  }

  computeOutputShape(inputShape: Shape): Shape {
    checkRank3(inputShape, this.name, '(batch, steps, features)');
    const steps = inputShape[1];
    return [inputShape[0], steps === null ? null : steps * this.size, inputShape[2]];
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), size: this.size };
  }

  protected transform(x: Tensor): Tensor {
    return mapSteps(this.name, x, x.shape[1] * this.size, (s) => Math.floor(s / this.size));
  }
}
