// Keras' ReLU, LeakyReLU and ELU layers: keras.activations.relu / leaky_relu / elu with the
// layer's parameters, in float32 in WebAssembly (assembly/keras_activations.ts), the code a
// stream runs too. Element-wise, so the mask passes on.
import { ConfigError, quoted } from '../errors.js';
import { PARAMETER_ACTIVATION } from '../kernels/keras-activation.js';
import { Tensor } from '../tensor.js';
import { applyParameterActivation } from './activation-functions.js';
import { LAYER_OPTION_KEYS, type LayerOptions, type Shape } from './layer.js';
import { checkKnownKeys, optionalPositionalOptions } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { UnaryLayer } from './unary.js';

/** @internal A number option: finite, at least `min` when given. */
export function finiteOption(value: unknown, fallback: number, key: string, layerName: string, min = -Infinity): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    const range = min === -Infinity ? 'a finite number' : `a finite number >= ${min}`;
    throw new ConfigError(`${layerName}: option '${key}' must be ${range}, received ${quoted(value)}`);
  }
  return value;
}

/** The layers that are one parameterised activation on every value. */
export abstract class ParameterActivationLayer extends UnaryLayer {
  /** @internal The kernel's kind (PARAMETER_ACTIVATION). */
  abstract get activationKind(): number;
  /** @internal The kind's float32 parameters. */
  abstract get activationParams(): Float32Array;

  protected get passesMask(): boolean {
    return true;
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  protected transform(x: Tensor): Tensor {
    const out = new Float32Array(x.data);
    applyParameterActivation(this.activationKind, out, 1, this.activationParams);
    return new Tensor(out, x.shape);
  }
}

export interface ReLUOptions extends LayerOptions {
  /** The largest output (>= 0); null or absent: no cap. */
  maxValue?: number | null;
  /** The slope below the threshold (>= 0). Default 0. */
  negativeSlope?: number;
  /** Values at or below it give 0 (or the negative slope's line). Default 0. */
  threshold?: number;
}

const RELU_KEYS = [...LAYER_OPTION_KEYS, 'maxValue', 'negativeSlope', 'threshold'];

/**
 * Keras' ReLU layer: min(x, maxValue) above `threshold`, negativeSlope * (x - threshold) below it
 * (Keras 3's relu: x where x > threshold else 0, capped to [0, maxValue], minus negativeSlope * relu(threshold - x)).
 */
export class ReLU extends ParameterActivationLayer {
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;

  /** `new ReLU()`, `new ReLU({ maxValue: 6 })`, or the cap first as in Keras' ReLU(max_value): `new ReLU(6)`. */
  constructor(options?: ReLUOptions);
  constructor(maxValue: number, options?: Omit<ReLUOptions, 'maxValue'>);
  constructor(...args: [ReLUOptions?] | [number, Omit<ReLUOptions, 'maxValue'>?]) {
    const options = optionalPositionalOptions(args, 'maxValue', 'ReLU') as ReLUOptions;
    super(options, 're_lu');
    checkKnownKeys(options, RELU_KEYS, this.name, 'ReLU.fromConfig');
    this.maxValue = options.maxValue === null || options.maxValue === undefined ? null : finiteOption(options.maxValue, 0, 'maxValue', this.name, 0);
    this.negativeSlope = finiteOption(options.negativeSlope, 0, 'negativeSlope', this.name, 0);
    this.threshold = finiteOption(options.threshold, 0, 'threshold', this.name, 0);
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): ReLU {
    configKerasVersion(options, 'ReLU.fromConfig');
    return new this(kerasOptions('ReLU', config, 'ReLU.fromConfig') as ReLUOptions);
  }

  get className(): string {
    return 'ReLU';
  }

  /** @internal */
  get activationKind(): number {
    return PARAMETER_ACTIVATION.relu;
  }

  /** @internal */
  get activationParams(): Float32Array {
    return Float32Array.of(this.negativeSlope, this.maxValue ?? Infinity, this.threshold);
  }

  getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      max_value: this.maxValue, negative_slope: this.negativeSlope, threshold: this.threshold,
    };
  }
}

export interface LeakyReLUOptions extends LayerOptions {
  /** The slope below 0 (>= 0). Default 0.3, as in Keras' LeakyReLU layer. */
  negativeSlope?: number;
  /** tf.keras 2's name for negativeSlope (Keras 3 still takes it). */
  alpha?: number;
}

/** Keras' LeakyReLU layer: x at 0 and above, negativeSlope * x below. */
export class LeakyReLU extends ParameterActivationLayer {
  readonly negativeSlope: number;

  /** `new LeakyReLU()`, `new LeakyReLU({ negativeSlope: 0.2 })`, or the slope first as in Keras: `new LeakyReLU(0.2)`. */
  constructor(options?: LeakyReLUOptions);
  constructor(negativeSlope: number, options?: Omit<LeakyReLUOptions, 'negativeSlope' | 'alpha'>);
  constructor(...args: [LeakyReLUOptions?] | [number, Omit<LeakyReLUOptions, 'negativeSlope' | 'alpha'>?]) {
    const options = optionalPositionalOptions(args, 'negativeSlope', 'LeakyReLU') as LeakyReLUOptions;
    super(options, 'leaky_re_lu');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'negativeSlope', 'alpha'], this.name, 'LeakyReLU.fromConfig');
    if (options.alpha !== undefined && options.negativeSlope !== undefined) {
      throw new ConfigError(`${this.name}: options 'negativeSlope' (${quoted(options.negativeSlope)}) and 'alpha' (${quoted(options.alpha)}) name the same slope; give one`);
    }
    const key = options.alpha !== undefined ? 'alpha' : 'negativeSlope';
    this.negativeSlope = finiteOption(options.alpha ?? options.negativeSlope, 0.3, key, this.name, 0);
  }

  /** Keras' from_config: Keras 3's negative_slope or tf.keras 2's alpha. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): LeakyReLU {
    configKerasVersion(options, 'LeakyReLU.fromConfig');
    return new this(kerasOptions('LeakyReLU', config, 'LeakyReLU.fromConfig') as LeakyReLUOptions);
  }

  get className(): string {
    return 'LeakyReLU';
  }

  /** @internal */
  get activationKind(): number {
    return PARAMETER_ACTIVATION.relu;
  }

  /** @internal Keras 3's leaky_relu is relu with a negative slope and no cap or threshold. */
  get activationParams(): Float32Array {
    return Float32Array.of(this.negativeSlope, Infinity, 0);
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), negative_slope: this.negativeSlope };
  }

  /** @internal tf.keras 2's LeakyReLU takes the slope as alpha only. */
  override configFor(spelling: 2 | 3): Record<string, unknown> {
    if (spelling === 3) return this.getConfig();
    const { negative_slope: alpha, ...rest } = this.getConfig();
    return { ...rest, alpha };
  }
}

export interface ELUOptions extends LayerOptions {
  /** The scale of the negative part, alpha * (exp(x) - 1). Default 1. */
  alpha?: number;
}

/** Keras' ELU layer: x above 0, alpha * (exp(x) - 1) at 0 and below. */
export class ELU extends ParameterActivationLayer {
  readonly alpha: number;

  /** `new ELU()`, `new ELU({ alpha: 0.5 })`, or alpha first as in Keras: `new ELU(0.5)`. */
  constructor(options?: ELUOptions);
  constructor(alpha: number, options?: Omit<ELUOptions, 'alpha'>);
  constructor(...args: [ELUOptions?] | [number, Omit<ELUOptions, 'alpha'>?]) {
    const options = optionalPositionalOptions(args, 'alpha', 'ELU') as ELUOptions;
    super(options, 'elu');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'alpha'], this.name, 'ELU.fromConfig');
    this.alpha = finiteOption(options.alpha, 1, 'alpha', this.name);
  }

  /** Keras' from_config (Keras 3's get_config leaves alpha out: it is then 1). */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): ELU {
    configKerasVersion(options, 'ELU.fromConfig');
    return new this(kerasOptions('ELU', config, 'ELU.fromConfig') as ELUOptions);
  }

  get className(): string {
    return 'ELU';
  }

  /** @internal */
  get activationKind(): number {
    return PARAMETER_ACTIVATION.elu;
  }

  /** @internal */
  get activationParams(): Float32Array {
    return Float32Array.of(this.alpha);
  }

  /** With alpha, which Keras 3's ELU.get_config omits (its from_config takes it; tf.keras 2 writes it). */
  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), alpha: this.alpha };
  }
}
