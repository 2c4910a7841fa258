// The regularisation layers that are the identity at inference: SpatialDropout1D/2D/3D,
// GaussianNoise, GaussianDropout, AlphaDropout, ActivityRegularization. Masks pass through.
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { dataFormatOption, type DataFormat } from './flatten.js';
import { noiseShapeOption } from './dropout.js';
import { LAYER_OPTION_KEYS, type LayerOptions, type Shape } from './layer.js';
import { checkKnownKeys, positionalOptions, twoPositionalOptions } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { L1L2 } from './regularizers.js';
import { UnaryLayer } from './unary.js';

/** What the training-time behaviour is set by; recorded for getConfig, unused at inference. */
interface NoiseSetting {
  key: string;
  configKey: string;
  /** [min, max) or [min, max] per `closed`. */
  range: [number, number];
  closed?: boolean;
  fallback?: number;
}

abstract class IdentityAtInference extends UnaryLayer {
  protected readonly settings: Record<string, number>;
  private readonly settingList: readonly NoiseSetting[];
  private readonly rank: number | null;
  readonly seed: number | undefined;

  protected constructor(options: LayerOptions & Record<string, unknown>, namePrefix: string, settings: readonly NoiseSetting[], rank: number | null, extraKeys: readonly string[] = []) {
    super(options, namePrefix);
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, ...settings.map((s) => s.key), 'seed', ...extraKeys], this.name);
    this.settingList = settings;
    this.settings = {};
    for (const setting of settings) {
      const value = options[setting.key] ?? setting.fallback;
      const [lo, hi] = setting.range;
      const inRange = typeof value === 'number' && value >= lo && (setting.closed ? value <= hi : value < hi);
      if (!inRange) {
        throw new ConfigError(`${this.name}: option '${setting.key}' must be a number in [${lo}, ${hi}${setting.closed ? ']' : ')'}, received ${quoted(value)}`);
      }
      this.settings[setting.key] = value;
    }
    if (options.seed !== undefined && options.seed !== null && !Number.isInteger(options.seed)) {
      throw new ConfigError(`${this.name}: option 'seed' must be an integer, received ${quoted(options.seed)}`);
    }
    this.seed = (options.seed ?? undefined) as number | undefined;
    this.rank = rank;
  }

  protected get passesMask(): boolean {
    return true;
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (this.rank !== null && (!Array.isArray(inputShape) || inputShape.length !== this.rank)) {
      throw new ShapeError(`${this.name}: input must have rank ${this.rank}, received shape ${formatShape(inputShape ?? [])}`);
    }
    return inputShape;
  }

  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { ...this.baseConfig() };
    for (const setting of this.settingList) config[setting.configKey] = this.settings[setting.key];
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }

  protected transform(x: Tensor): Tensor {
    return x;
  }
}

const RATE: NoiseSetting = { key: 'rate', configKey: 'rate', range: [0, 1] };

function read<T>(className: string, config: Record<string, unknown>, options: LayerFromConfigOptions, make: (o: Record<string, unknown>) => T): T {
  configKerasVersion(options, `${className}.fromConfig`);
  return make(kerasOptions(className, config, `${className}.fromConfig`));
}

export interface SpatialDropoutOptions extends LayerOptions {
  rate: number;
  seed?: number;
  /** SpatialDropout2D/3D: which axis holds the channels (recorded; the identity either way). */
  dataFormat?: DataFormat;
}

abstract class SpatialDropout extends IdentityAtInference {
  readonly dataFormat: DataFormat;

  protected constructor(options: SpatialDropoutOptions, namePrefix: string, rank: number, withDataFormat: boolean) {
    super(options as unknown as LayerOptions & Record<string, unknown>, namePrefix, [RATE], rank, withDataFormat ? ['dataFormat'] : []);
    this.dataFormat = dataFormatOption(options.dataFormat, this.name);
  }

  get rate(): number {
    return this.settings.rate;
  }
}

/** Keras SpatialDropout1D: drops whole feature maps of (B, T, C) in training; the identity at inference. */
export class SpatialDropout1D extends SpatialDropout {
  /** `new SpatialDropout1D({ rate: 0.2 })`, or the rate first as in Keras: `new SpatialDropout1D(0.2)`. */
  constructor(options: SpatialDropoutOptions);
  constructor(rate: number, options?: Omit<SpatialDropoutOptions, 'rate'>);
  constructor(...args: [SpatialDropoutOptions] | [number, Omit<SpatialDropoutOptions, 'rate'>?]) {
    super(positionalOptions(args, 'rate', 'SpatialDropout1D') as unknown as SpatialDropoutOptions, 'spatial_dropout1d', 3, false);
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): SpatialDropout1D {
    return read('SpatialDropout1D', config, options, (o) => new this(o as unknown as SpatialDropoutOptions));
  }

  get className(): string {
    return 'SpatialDropout1D';
  }
}

/** Keras SpatialDropout2D on (B, H, W, C); the identity at inference. */
export class SpatialDropout2D extends SpatialDropout {
  /** `new SpatialDropout2D({ rate: 0.2 })`, or the rate first as in Keras: `new SpatialDropout2D(0.2)`. */
  constructor(options: SpatialDropoutOptions);
  constructor(rate: number, options?: Omit<SpatialDropoutOptions, 'rate'>);
  constructor(...args: [SpatialDropoutOptions] | [number, Omit<SpatialDropoutOptions, 'rate'>?]) {
    super(positionalOptions(args, 'rate', 'SpatialDropout2D') as unknown as SpatialDropoutOptions, 'spatial_dropout2d', 4, true);
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): SpatialDropout2D {
    return read('SpatialDropout2D', config, options, (o) => new this(o as unknown as SpatialDropoutOptions));
  }

  get className(): string {
    return 'SpatialDropout2D';
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat };
  }
}

/** Keras SpatialDropout3D on (B, D, H, W, C); the identity at inference. */
export class SpatialDropout3D extends SpatialDropout {
  /** `new SpatialDropout3D({ rate: 0.2 })`, or the rate first as in Keras: `new SpatialDropout3D(0.2)`. */
  constructor(options: SpatialDropoutOptions);
  constructor(rate: number, options?: Omit<SpatialDropoutOptions, 'rate'>);
  constructor(...args: [SpatialDropoutOptions] | [number, Omit<SpatialDropoutOptions, 'rate'>?]) {
    super(positionalOptions(args, 'rate', 'SpatialDropout3D') as unknown as SpatialDropoutOptions, 'spatial_dropout3d', 5, true);
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): SpatialDropout3D {
    return read('SpatialDropout3D', config, options, (o) => new this(o as unknown as SpatialDropoutOptions));
  }

  get className(): string {
    return 'SpatialDropout3D';
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat };
  }
}

export interface GaussianNoiseOptions extends LayerOptions {
  /** Standard deviation of the training-time noise. */
  stddev: number;
  seed?: number;
}

/** Keras GaussianNoise: adds N(0, stddev) noise in training; the identity at inference. */
export class GaussianNoise extends IdentityAtInference {
  /** `new GaussianNoise({ stddev: 0.1 })`, or the deviation first as in Keras: `new GaussianNoise(0.1)`. */
  constructor(options: GaussianNoiseOptions);
  constructor(stddev: number, options?: Omit<GaussianNoiseOptions, 'stddev'>);
  constructor(...args: [GaussianNoiseOptions] | [number, Omit<GaussianNoiseOptions, 'stddev'>?]) {
    super(positionalOptions(args, 'stddev', 'GaussianNoise') as LayerOptions & Record<string, unknown>, 'gaussian_noise', [{ key: 'stddev', configKey: 'stddev', range: [0, Infinity] }], null);
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): GaussianNoise {
    return read('GaussianNoise', config, options, (o) => new this(o as unknown as GaussianNoiseOptions));
  }

  get className(): string {
    return 'GaussianNoise';
  }

  get stddev(): number {
    return this.settings.stddev;
  }
}

export interface RateNoiseOptions extends LayerOptions {
  rate: number;
  seed?: number;
}

export interface AlphaDropoutOptions extends RateNoiseOptions {
  /** As Dropout's: one keep-or-drop broadcast over the axes given as 1. */
  noiseShape?: readonly (number | null)[] | null;
}

/** Keras GaussianDropout: multiplies by N(1, rate / (1 - rate)) noise in training; the identity at inference. */
export class GaussianDropout extends IdentityAtInference {
  /** `new GaussianDropout({ rate: 0.2 })`, or the rate first as in Keras: `new GaussianDropout(0.2)`. */
  constructor(options: RateNoiseOptions);
  constructor(rate: number, options?: Omit<RateNoiseOptions, 'rate'>);
  constructor(...args: [RateNoiseOptions] | [number, Omit<RateNoiseOptions, 'rate'>?]) {
    super(positionalOptions(args, 'rate', 'GaussianDropout') as LayerOptions & Record<string, unknown>, 'gaussian_dropout', [RATE], null);
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): GaussianDropout {
    return read('GaussianDropout', config, options, (o) => new this(o as unknown as RateNoiseOptions));
  }

  get className(): string {
    return 'GaussianDropout';
  }

  get rate(): number {
    return this.settings.rate;
  }
}

/** Keras AlphaDropout: SELU-preserving dropout in training; the identity at inference. */
export class AlphaDropout extends IdentityAtInference {
  /** Keras' noise_shape: one keep-or-drop broadcast over the axes given as 1 (null: the input's own size). */
  readonly noiseShape: readonly (number | null)[] | null;

  /** `new AlphaDropout({ rate: 0.1 })`, or the rate first as in Keras: `new AlphaDropout(0.1)`. */
  constructor(options: AlphaDropoutOptions);
  constructor(rate: number, options?: Omit<AlphaDropoutOptions, 'rate'>);
  constructor(...args: [AlphaDropoutOptions] | [number, Omit<AlphaDropoutOptions, 'rate'>?]) {
    const options = positionalOptions(args, 'rate', 'AlphaDropout') as unknown as AlphaDropoutOptions;
    super(options as unknown as LayerOptions & Record<string, unknown>, 'alpha_dropout', [RATE], null, ['noiseShape']);
    this.noiseShape = noiseShapeOption(options.noiseShape, this.name);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), noise_shape: this.noiseShape };
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): AlphaDropout {
    return read('AlphaDropout', config, options, (o) => new this(o as unknown as AlphaDropoutOptions));
  }

  get className(): string {
    return 'AlphaDropout';
  }

  get rate(): number {
    return this.settings.rate;
  }
}

/** Keras' ActivityRegularization sets its activity regularizer from l1 and l2, so it takes none of its own. */
export interface ActivityRegularizationOptions extends Omit<LayerOptions, 'activityRegularizer'> {
  /** L1 factor of the training loss term. Default 0. */
  l1?: number;
  /** L2 factor of the training loss term. Default 0. */
  l2?: number;
}

/** ActivityRegularization's Keras forms: (options), (l1, options?), (l1, l2, options?). */
function activityRegularizationOptions(args: readonly unknown[]): LayerOptions & Record<string, unknown> {
  if (args.every((a) => a === undefined)) return {};
  const options = typeof args[1] === 'number' ? twoPositionalOptions(args, ['l1', 'l2'], 'ActivityRegularization') : positionalOptions(args, 'l1', 'ActivityRegularization');
  return options as LayerOptions & Record<string, unknown>;
}

/** Keras ActivityRegularization: adds a loss on its input in training; the identity at inference. */
export class ActivityRegularization extends IdentityAtInference {
  /** `new ActivityRegularization({ l1: 0.01 })`, or the factors first as in Keras: `new ActivityRegularization(0.01)`, `(0, 0.01)`. */
  constructor(options?: ActivityRegularizationOptions);
  constructor(l1: number, options?: Omit<ActivityRegularizationOptions, 'l1'>);
  constructor(l1: number, l2: number, options?: Omit<ActivityRegularizationOptions, 'l1' | 'l2'>);
  constructor(...args: [ActivityRegularizationOptions?] | [number, Omit<ActivityRegularizationOptions, 'l1'>?] | [number, number, Omit<ActivityRegularizationOptions, 'l1' | 'l2'>?]) {
    super(activityRegularizationOptions(args), 'activity_regularization', [
      { key: 'l1', configKey: 'l1', range: [0, Infinity], fallback: 0 },
      { key: 'l2', configKey: 'l2', range: [0, Infinity], fallback: 0 },
    ], null);
    if (this.options.activityRegularizer !== undefined) {
      throw new ConfigError(`${this.name}: ActivityRegularization takes no option 'activityRegularizer': its regularizer is L1L2 of its options 'l1' and 'l2'`);
    }
    this.regularizer = new L1L2({ l1: this.l1, l2: this.l2 });
  }

  private readonly regularizer: L1L2;

  /** Keras 3's: L1L2(l1, l2), which fit() and evaluate() apply to the layer's output. */
  override get activityRegularizer(): L1L2 {
    return this.regularizer;
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): ActivityRegularization {
    return read('ActivityRegularization', config, options, (o) => new this(o as ActivityRegularizationOptions));
  }

  get className(): string {
    return 'ActivityRegularization';
  }

  get l1(): number {
    return this.settings.l1;
  }

  get l2(): number {
    return this.settings.l2;
  }
}
