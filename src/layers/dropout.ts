// Keras Dropout: the identity at inference; masks pass through.
import { ConfigError, quoted } from '../errors.js';
import { isSymbolic, type SymbolicTensor } from '../symbolic.js';
import { toTensor, type Tensor, type TensorLike } from '../tensor.js';
import { LAYER_OPTION_KEYS, type LayerCallResult, type LayerOptions, type Shape } from './layer.js';
import { WeightlessLayer } from './weightless.js';
import { checkKnownKeys, positionalOptions } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { checkApplyOptions, type InferenceOptions } from './call-options.js';

export interface DropoutOptions extends LayerOptions {
  rate: number;
  noiseShape?: readonly (number | null)[] | null;
  seed?: number;
}

/** Checks Keras' noise_shape: a list of positive sizes or nulls (the input's own size), or null. @internal */
export function noiseShapeOption(value: unknown, layerName: string): (number | null)[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || !value.every((d) => d === null || (Number.isInteger(d) && d >= 1))) {
    throw new ConfigError(`${layerName}: option 'noiseShape' must be a list of positive integers or nulls, received ${quoted(value)}`);
  }
  return [...value] as (number | null)[];
}

export class Dropout extends WeightlessLayer {
  readonly rate: number;
  /** Keras' noise_shape: one keep-or-drop broadcast over the axes given as 1 (null: the input's own size). */
  readonly noiseShape: readonly (number | null)[] | null;

  /** `new Dropout({ rate: 0.5 })`, or with the rate first as in Keras: `new Dropout(0.5)`. */
  constructor(options: DropoutOptions);
  constructor(rate: number, options?: Omit<DropoutOptions, 'rate'>);
  constructor(...args: [DropoutOptions] | [number, Omit<DropoutOptions, 'rate'>?]) {
    const options = positionalOptions(args, 'rate', 'Dropout') as unknown as DropoutOptions;
    super(options, 'dropout', 'features');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'rate', 'noiseShape', 'seed'], this.name);
    if (typeof options.rate !== 'number' || !(options.rate >= 0 && options.rate < 1)) {
      throw new ConfigError(`${this.name}: option 'rate' must be a number in [0, 1), received ${quoted(options.rate)}`);
    }
    this.rate = options.rate;
    this.noiseShape = noiseShapeOption(options.noiseShape, this.name);
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Dropout {
    configKerasVersion(options, 'Dropout.fromConfig');
    return new this(kerasOptions('Dropout', config, 'Dropout.fromConfig') as unknown as DropoutOptions);
  }

  get className(): string {
    return 'Dropout';
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), rate: this.rate, noise_shape: this.noiseShape };
  }

  override apply(x: SymbolicTensor, options?: InferenceOptions): SymbolicTensor;
  override apply(x: TensorLike, options?: InferenceOptions): Tensor;
  override apply(x: TensorLike | SymbolicTensor, options?: InferenceOptions): Tensor | SymbolicTensor {
    checkApplyOptions(options, this.name);
    this.checkNotDisposed('run');
    return isSymbolic(x) ? this.callSymbolic([x])[0] : toTensor(x, `${this.name}: input x`);
  }

  /** @internal Runs the layer inside a model (see Layer.computeOutputs). */
  computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[]): LayerCallResult {
    return { outputs: [inputs[0]], masks: [masks[0]] };
  }
}
