// What every layer shares: a Keras-style name, an optional declared input
// shape, and the weight/config surface Keras users call.
import { ConfigError, formatShape } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';

/** A shape with unknown dimensions as null, Keras' None. */
export type Shape = readonly (number | null)[];

export interface LayerOptions {
  /** Layer name; defaults to Keras' per-class name (`lstm`, `lstm_1`, ...). */
  name?: string;
  /** Input shape without the batch axis, e.g. [10, 3] for 10 steps of 3 features. */
  inputShape?: Shape;
  /** Input shape with the batch axis, e.g. [8, 10, 3]. */
  batchInputShape?: Shape;
  /** Batch size paired with `inputShape`. */
  batchSize?: number;
  /** Legacy Keras 1/2 spelling of the feature size. */
  inputDim?: number;
  /** Legacy Keras 1/2 spelling of the sequence length. */
  inputLength?: number;
  trainable?: boolean;
  dtype?: string;
}

export const LAYER_OPTION_KEYS: readonly string[] = [
  'name', 'inputShape', 'batchInputShape', 'batchSize', 'inputDim', 'inputLength', 'trainable', 'dtype',
];

const nameCounters = new Map<string, number>();

/** Keras' naming: the first layer of a kind gets the bare prefix, later ones `_1`, `_2`, ... */
export function uniqueLayerName(prefix: string): string {
  const count = nameCounters.get(prefix) ?? 0;
  nameCounters.set(prefix, count + 1);
  return count === 0 ? prefix : `${prefix}_${count}`;
}

export abstract class Layer {
  readonly name: string;
  /** The input shape declared through options, batch axis first; null when none was given. */
  readonly batchInputShape: Shape | null;
  protected readonly options: LayerOptions;

  protected constructor(options: LayerOptions, namePrefix: string) {
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw new ConfigError(`${namePrefix}: option 'name' must be a non-empty string, received ${JSON.stringify(options.name)}`);
    }
    this.options = options;
    this.name = options.name ?? uniqueLayerName(namePrefix);
    this.batchInputShape = declaredBatchInputShape(options, this.name);
  }

  /** The Keras class name, e.g. 'LSTM'. */
  abstract get className(): string;
  abstract get built(): boolean;
  abstract build(inputShape: Shape): void;
  abstract computeOutputShape(inputShape: Shape): Shape | Shape[];
  abstract getWeights(): Tensor[];
  abstract setWeights(weights: readonly TensorLike[]): void;
  abstract countParams(): number;
  abstract getConfig(): Record<string, unknown>;

  toString(): string {
    return `${this.className}(name=${this.name})`;
  }
}

function declaredBatchInputShape(options: LayerOptions, layerName: string): Shape | null {
  const check = (shape: unknown, key: string): Shape => {
    if (!Array.isArray(shape) || shape.some((d) => d !== null && (!Number.isInteger(d) || d <= 0))) {
      throw new ConfigError(`${layerName}: option '${key}' must be an array of positive integers or null, received ${JSON.stringify(shape)}`);
    }
    return shape as Shape;
  };
  const checkDim = (value: unknown, key: string): number | null => {
    if (value === undefined || value === null) return null;
    if (!Number.isInteger(value) || (value as number) <= 0) {
      throw new ConfigError(`${layerName}: option '${key}' must be a positive integer, received ${JSON.stringify(value)}`);
    }
    return value as number;
  };
  if (options.batchInputShape !== undefined) return check(options.batchInputShape, 'batchInputShape');
  if (options.inputShape !== undefined) {
    return [checkDim(options.batchSize, 'batchSize'), ...check(options.inputShape, 'inputShape')];
  }
  if (options.inputDim !== undefined || options.inputLength !== undefined) {
    return [checkDim(options.batchSize, 'batchSize'), checkDim(options.inputLength, 'inputLength'), checkDim(options.inputDim, 'inputDim')];
  }
  return null;
}

export function describeShape(shape: Shape): string {
  return formatShape(shape);
}
