// Keras Permute: reorders the non-batch axes; dims are 1-based, output axis i+1 is input axis dims[i].
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import { Tensor } from '../tensor.js';
import { LAYER_OPTION_KEYS, type LayerOptions, type Shape } from './layer.js';
import { checkKnownKeys, leadingValueOptions } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { transpose } from './tensor-ops.js';
import { UnaryLayer } from './unary.js';

export interface PermuteOptions extends LayerOptions {
  /** A permutation of 1..rank-1, e.g. [2, 1] swaps time and features. */
  dims: readonly number[];
}

export class Permute extends UnaryLayer {
  readonly dims: readonly number[];

  /** `new Permute({ dims: [2, 1] })`, or with the dims first as in Keras: `new Permute([2, 1])`. */
  constructor(options: PermuteOptions);
  constructor(dims: readonly number[], options?: Omit<PermuteOptions, 'dims'>);
  constructor(first: PermuteOptions | readonly number[], rest?: Omit<PermuteOptions, 'dims'>) {
    const options = leadingValueOptions(first, rest, 'dims', 'Permute', Array.isArray) as unknown as PermuteOptions;
    super(options, 'permute');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'dims'], this.name, 'Permute.fromConfig');
    const { dims } = options;
    const valid = Array.isArray(dims) && dims.length > 0 && [...dims].sort((a, b) => a - b).every((d, i) => d === i + 1);
    if (!valid) {
      throw new ConfigError(`${this.name}: option 'dims' must be a permutation of 1..n (axis 0, the batch, stays first), received ${quoted(dims)}`);
    }
    this.dims = Object.freeze([...dims]);
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Permute {
    configKerasVersion(options, 'Permute.fromConfig');
    return new this(kerasOptions('Permute', config, 'Permute.fromConfig') as unknown as PermuteOptions);
  }

  get className(): string {
    return 'Permute';
  }

  protected get passesMask(): boolean {
    return false;
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (!Array.isArray(inputShape) || inputShape.length !== this.dims.length + 1) {
      throw new ShapeError(`${this.name}: input must have rank ${this.dims.length + 1} for dims ${formatShape(this.dims)}, received shape ${formatShape(inputShape ?? [])}`);
    }
    return [inputShape[0], ...this.dims.map((d) => inputShape[d])];
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), dims: [...this.dims] };
  }

  protected transform(x: Tensor): Tensor {
    const perm = [0, ...this.dims];
    const identity = perm.every((p, i) => p === i);
    return new Tensor(identity ? x.data : transpose(x.data, x.shape, perm), perm.map((p) => x.shape[p]));
  }
}
