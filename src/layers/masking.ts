// Keras Masking: a time step whose features all equal maskValue is masked
// for the layers that follow, and its features are zeroed.
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import { isSymbolic, type SymbolicTensor } from '../symbolic.js';
import { Tensor, shapeSize, toTensor, type TensorLike } from '../tensor.js';
import { LAYER_OPTION_KEYS, type LayerCallResult, type LayerOptions, type Shape } from './layer.js';
import { WeightlessLayer } from './weightless.js';
import { checkKnownKeys, optionalPositionalOptions } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { checkApplyOptions, type InferenceOptions } from './call-options.js';

export interface MaskingOptions extends LayerOptions {
  /** Default 0. */
  maskValue?: number;
}

export class Masking extends WeightlessLayer {
  readonly maskValue: number;

  /** `new Masking({ maskValue: 0 })`, or the mask value first as in Keras: `new Masking(0)`. */
  constructor(options?: MaskingOptions);
  constructor(maskValue: number, options?: Omit<MaskingOptions, 'maskValue'>);
  constructor(...args: [MaskingOptions?] | [number, Omit<MaskingOptions, 'maskValue'>?]) {
    const options = optionalPositionalOptions(args, 'maskValue', 'Masking') as MaskingOptions;
    super(options, 'masking');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'maskValue'], this.name);
    const maskValue = options.maskValue ?? 0;
    if (typeof maskValue !== 'number') {
      throw new ConfigError(`${this.name}: option 'maskValue' must be a number, received ${quoted(maskValue)}`);
    }
    this.maskValue = maskValue;
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Masking {
    configKerasVersion(options, 'Masking.fromConfig');
    return new this(kerasOptions('Masking', config, 'Masking.fromConfig') as unknown as MaskingOptions);
  }

  get className(): string {
    return 'Masking';
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), mask_value: this.maskValue };
  }

  override apply(x: SymbolicTensor, options?: InferenceOptions): SymbolicTensor;
  override apply(x: TensorLike, options?: InferenceOptions): Tensor;
  override apply(x: TensorLike | SymbolicTensor, options?: InferenceOptions): Tensor | SymbolicTensor {
    checkApplyOptions(options, this.name);
    this.checkNotDisposed('run');
    return isSymbolic(x) ? this.callSymbolic([x])[0] : this.computeOutputs([toTensor(x, `${this.name}: input x`)]).outputs[0];
  }

  /** The (B, T) mask Keras computes: 1 where any feature differs from maskValue. */
  computeMask(x: Tensor): Tensor {
    const features = x.shape[x.rank - 1];
    // Counted from the shape, not x.size / features: a step with no features is a step too (masked).
    const steps = shapeSize(x.shape.slice(0, -1));
    const mask = new Float32Array(steps);
    // Keras compares in the input's dtype: maskValue 0.1 masks float32 steps of 0.1.
    const maskValue = Math.fround(this.maskValue);
    for (let s = 0; s < steps; s++) {
      for (let f = 0; f < features; f++) {
        if (x.data[s * features + f] !== maskValue) {
          mask[s] = 1;
          break;
        }
      }
    }
    return new Tensor(mask, x.shape.slice(0, -1));
  }

  /** @internal Runs the layer inside a model (see Layer.computeOutputs). */
  computeOutputs(inputs: Tensor[]): LayerCallResult {
    const x = inputs[0];
    if (x.rank < 2) throw new ShapeError(`${this.name}: input x must have rank >= 2, received shape ${formatShape(x.shape)}`);
    const mask = this.computeMask(x);
    const features = x.shape[x.rank - 1];
    const out = new Float32Array(x.data);
    mask.data.forEach((valid, s) => {
      if (!valid) out.fill(0, s * features, (s + 1) * features);
    });
    return { outputs: [new Tensor(out, x.shape)], masks: [mask] };
  }
}
