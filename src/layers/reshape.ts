// Keras Reshape: a row-major reshape of each sample; one -1 is inferred.
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import { Tensor } from '../tensor.js';
import { LAYER_OPTION_KEYS, type LayerOptions, type Shape } from './layer.js';
import { checkKnownKeys, leadingValueOptions } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { UnaryLayer, sampleDims } from './unary.js';

export interface ReshapeOptions extends LayerOptions {
  /** The shape of each sample, without the batch axis; one entry may be -1. */
  targetShape: readonly number[];
}

export class Reshape extends UnaryLayer {
  readonly targetShape: readonly number[];

  /** `new Reshape({ targetShape: [128, 1] })`, or with the shape first as in Keras: `new Reshape([128, 1])`. */
  constructor(options: ReshapeOptions);
  constructor(targetShape: readonly number[], options?: Omit<ReshapeOptions, 'targetShape'>);
  constructor(first: ReshapeOptions | readonly number[], rest?: Omit<ReshapeOptions, 'targetShape'>) {
    const options = leadingValueOptions(first, rest, 'targetShape', 'Reshape', Array.isArray) as unknown as ReshapeOptions;
    super(options, 'reshape');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'targetShape'], this.name, 'Reshape.fromConfig');
    const target = options.targetShape;
    const valid = Array.isArray(target) && target.every((d) => d === -1 || (Number.isSafeInteger(d) && d >= 0))
      && target.filter((d) => d === -1).length <= 1;
    if (!valid) {
      throw new ConfigError(`${this.name}: option 'targetShape' must be a list of non-negative integers with at most one -1, received ${quoted(target)}`);
    }
    this.targetShape = Object.freeze([...target]);
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Reshape {
    configKerasVersion(options, 'Reshape.fromConfig');
    const read = kerasOptions('Reshape', config, 'Reshape.fromConfig');
    // Keras 3 writes a None it could not know as null, which is -1 here.
    if (Array.isArray(read.targetShape)) read.targetShape = read.targetShape.map((d: unknown) => (d === null ? -1 : d));
    return new this(read as unknown as ReshapeOptions);
  }

  get className(): string {
    return 'Reshape';
  }

  protected get passesMask(): boolean {
    return false;
  }

  computeOutputShape(inputShape: Shape): Shape {
    const { rest, known } = sampleDims(inputShape, this.name);
    const total = rest.reduce((p: number, d) => p * (d ?? 1), 1);
    const fixed = this.targetShape.reduce((p, d) => (d === -1 ? p : p * d), 1);
    const free = this.targetShape.indexOf(-1);
    const fail = () => new ShapeError(`${this.name}: cannot reshape input of shape ${formatShape(inputShape)} (${total} values per sample) to target shape ${formatShape(this.targetShape)}`);
    if (free < 0) {
      if (known && total !== fixed) throw fail();
      return [inputShape[0], ...this.targetShape];
    }
    if (!known) return [inputShape[0], ...this.targetShape.map((d) => (d === -1 ? null : d))];
    if (fixed === 0 || total % fixed !== 0) throw fail();
    return [inputShape[0], ...this.targetShape.map((d) => (d === -1 ? total / fixed : d))];
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), target_shape: [...this.targetShape] };
  }

  protected transform(x: Tensor): Tensor {
    const shape = this.computeOutputShape(x.shape) as number[];
    return new Tensor(x.data, [x.shape[0], ...shape.slice(1)]);
  }
}
