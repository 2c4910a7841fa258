// Keras Dropout: the identity at inference; masks pass through.
import { ConfigError } from '../errors.js';
import { isSymbolic, type SymbolicTensor } from '../symbolic.js';
import { toTensor, type Tensor, type TensorLike } from '../tensor.js';
import { LAYER_OPTION_KEYS, type LayerCallResult, type LayerOptions, type Shape } from './layer.js';
import { WeightlessLayer } from './weightless.js';
import { checkKnownKeys, positionalOptions } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';

export interface DropoutOptions extends LayerOptions {
  rate: number;
  noiseShape?: readonly (number | null)[] | null;
  seed?: number;
}

export class Dropout extends WeightlessLayer {
  readonly rate: number;

  /** `new Dropout({ rate: 0.5 })`, or with the rate first as in Keras: `new Dropout(0.5)`. */
  constructor(options: DropoutOptions);
  constructor(rate: number, options?: Omit<DropoutOptions, 'rate'>);
  constructor(...args: [DropoutOptions] | [number, Omit<DropoutOptions, 'rate'>?]) {
    const options = positionalOptions(args, 'rate', 'Dropout') as unknown as DropoutOptions;
    super(options, 'dropout', 'features');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'rate', 'noiseShape', 'seed'], this.name);
    if (typeof options.rate !== 'number' || !(options.rate >= 0 && options.rate < 1)) {
      throw new ConfigError(`${this.name}: option 'rate' must be a number in [0, 1), received ${JSON.stringify(options.rate)}`);
    }
    this.rate = options.rate;
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
    return { name: this.name, trainable: this.trainable, dtype: 'float32', rate: this.rate };
  }

  apply(x: SymbolicTensor): SymbolicTensor;
  apply(x: TensorLike): Tensor;
  apply(x: TensorLike | SymbolicTensor): Tensor | SymbolicTensor {
    this.checkNotDisposed('run');
    return isSymbolic(x) ? this.callSymbolic([x])[0] : toTensor(x, `${this.name}: input x`);
  }

  /** @internal Runs the layer inside a model (see Layer.computeOutputs). */
  computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[]): LayerCallResult {
    return { outputs: [inputs[0]], masks: [masks[0]] };
  }
}
