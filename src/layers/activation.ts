// Keras Activation: a named activation on every element (softmax-like ones over the last axis).
import { ConfigError, quoted } from '../errors.js';
import { Tensor } from '../tensor.js';
import { unknownActivation, type KerasVersion } from './activations.js';
import { KERAS_ACTIVATION_NAMES, applyActivation, type KerasActivationName } from './activation-functions.js';
import { LAYER_OPTION_KEYS, type LayerOptions, type Shape } from './layer.js';
import { checkKnownKeys, leadingValueOptions } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { UnaryLayer } from './unary.js';

export interface ActivationOptions extends LayerOptions {
  activation: KerasActivationName;
  /** Keras major version whose hard_sigmoid is meant (2: 0.2x + 0.5, 3: relu6(x + 3) / 6). Default 3. */
  kerasVersion?: KerasVersion;
}

export class Activation extends UnaryLayer {
  readonly activation: KerasActivationName;
  readonly kerasVersion: KerasVersion;

  /** `new Activation({ activation: 'relu' })`, or with the name first as in Keras: `new Activation('relu')`. */
  constructor(options: ActivationOptions);
  constructor(activation: KerasActivationName, options?: Omit<ActivationOptions, 'activation'>);
  constructor(first: ActivationOptions | KerasActivationName, rest?: Omit<ActivationOptions, 'activation'>) {
    const options = leadingValueOptions(first, rest, 'activation', 'Activation', (v) => typeof v === 'string') as unknown as ActivationOptions;
    super(options, 'activation');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'activation', 'kerasVersion'], this.name, 'Activation.fromConfig');
    if (options.activation === undefined) throw new ConfigError(`${this.name}: option 'activation' is required, e.g. new Activation('relu')`);
    this.activation = checkKerasActivation(options.activation, `${this.name}: option 'activation'`);
    const version = options.kerasVersion ?? 3;
    if (version !== 2 && version !== 3) throw new ConfigError(`${this.name}: option 'kerasVersion' must be 2 or 3, received ${quoted(version)}`);
    this.kerasVersion = version;
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Activation {
    const kerasVersion = configKerasVersion(options, 'Activation.fromConfig');
    return new this({ ...kerasOptions('Activation', config, 'Activation.fromConfig'), kerasVersion } as ActivationOptions);
  }

  get className(): string {
    return 'Activation';
  }

  protected get passesMask(): boolean {
    return true;
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), activation: this.activation };
  }

  protected transform(x: Tensor): Tensor {
    const out = new Float32Array(x.data);
    applyActivation(this.activation, this.kerasVersion, out, x.rank === 0 ? 1 : x.shape[x.rank - 1]);
    return new Tensor(out, x.shape);
  }
}

/** @internal An activation option naming any Keras activation; null is linear, as in Keras. */
export function checkKerasActivation(value: unknown, argumentName: string): KerasActivationName {
  if (value === null) return 'linear';
  if (typeof value !== 'string' || !(KERAS_ACTIVATION_NAMES as readonly string[]).includes(value)) throw unknownActivation(value, KERAS_ACTIVATION_NAMES, argumentName);
  return value as KerasActivationName;
}
