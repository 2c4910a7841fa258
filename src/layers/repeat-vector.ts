// Keras RepeatVector: (B, D) -> (B, n, D), the same vector at every step (an LSTM autoencoder's bridge).
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import { Tensor, shapeSize } from '../tensor.js';
import { LAYER_OPTION_KEYS, type LayerOptions, type Shape } from './layer.js';
import { checkKnownKeys, positionalOptions } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { UnaryLayer } from './unary.js';

export interface RepeatVectorOptions extends LayerOptions {
  /** How many steps the output has. */
  n: number;
}

export class RepeatVector extends UnaryLayer {
  readonly n: number;

  /** `new RepeatVector({ n: 8 })`, or with n first as in Keras: `new RepeatVector(8)`. */
  constructor(options: RepeatVectorOptions);
  constructor(n: number, options?: Omit<RepeatVectorOptions, 'n'>);
  constructor(...args: [RepeatVectorOptions] | [number, Omit<RepeatVectorOptions, 'n'>?]) {
    const options = positionalOptions(args, 'n', 'RepeatVector') as unknown as RepeatVectorOptions;
    super(options, 'repeat_vector', 'features');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'n'], this.name, 'RepeatVector.fromConfig');
    if (!Number.isSafeInteger(options.n) || options.n <= 0) {
      throw new ConfigError(`${this.name}: option 'n' must be a positive integer, received ${quoted(options.n)}`);
    }
    this.n = options.n;
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): RepeatVector {
    configKerasVersion(options, 'RepeatVector.fromConfig');
    return new this(kerasOptions('RepeatVector', config, 'RepeatVector.fromConfig') as unknown as RepeatVectorOptions);
  }

  get className(): string {
    return 'RepeatVector';
  }

  protected get passesMask(): boolean {
    return false;
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (!Array.isArray(inputShape) || inputShape.length !== 2) {
      throw new ShapeError(`${this.name}: input must have rank 2 (batch, features), received shape ${formatShape(inputShape ?? [])}`);
    }
    return [inputShape[0], this.n, inputShape[1]];
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), n: this.n };
  }

  protected transform(x: Tensor): Tensor {
    const [batch, features] = x.shape;
    const outShape = [batch, this.n, features];
    // Checked before allocating: n copies of a large input may not fit in memory.
    const size = shapeSize(outShape);
    if (!Number.isSafeInteger(size) || size > 2 ** 31) {
      throw new ShapeError(`${this.name}: output of shape ${formatShape(outShape)} is too large`);
    }
    const out = new Float32Array(size);
    for (let b = 0; b < batch; b++) {
      const row = x.data.subarray(b * features, (b + 1) * features);
      for (let t = 0; t < this.n; t++) out.set(row, (b * this.n + t) * features);
    }
    return new Tensor(out, outShape);
  }
}
