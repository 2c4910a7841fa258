// Keras' Rescaling preprocessing layer: x * scale + offset (in float64, rounded once: within an ulp of
// Keras' float32 product and sum), with scale and offset numbers or arrays broadcast against the input's last axes.
// The layer in front of a CNN-LSTM's frames (Rescaling(1 / 255)); no weights, the mask passes on.
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import { Tensor, toTensor, type NestedArray, type TypedArray } from '../tensor.js';
import { LAYER_OPTION_KEYS, type LayerOptions, type Shape } from './layer.js';
import { checkKnownKeys, leadingValueOptions } from './options.js';
import { configKerasVersion, type LayerFromConfigOptions } from './keras-options.js';
import { broadcastIndex } from './tensor-ops.js';
import { UnaryLayer } from './unary.js';

export interface RescalingOptions extends LayerOptions {
  /** What the input is multiplied by: a number, or values broadcast against the input's last axes. */
  scale: number | NestedArray | TypedArray;
  /** What is added after: a number or values broadcast the same way. Default 0. */
  offset?: number | NestedArray | TypedArray;
}

export class Rescaling extends UnaryLayer {
  private readonly scaleValues: Tensor;
  private readonly offsetValues: Tensor;

  /** `new Rescaling({ scale: 1 / 255 })`, or the scale first as in Keras: `new Rescaling(1 / 255, { offset: -1 })`. */
  constructor(options: RescalingOptions);
  constructor(scale: number | NestedArray | TypedArray, options?: Omit<RescalingOptions, 'scale'>);
  constructor(first: RescalingOptions | number | NestedArray | TypedArray, rest?: Omit<RescalingOptions, 'scale'>) {
    const options = leadingValueOptions(first, rest, 'scale', 'Rescaling', isValues) as unknown as RescalingOptions;
    super(options, 'rescaling');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'scale', 'offset'], this.name, 'Rescaling.fromConfig');
    if (options.scale === undefined) throw new ConfigError(`${this.name}: option 'scale' is required, e.g. new Rescaling(1 / 255)`);
    this.scaleValues = finiteValues(options.scale, 'scale', this.name);
    this.offsetValues = finiteValues(options.offset ?? 0, 'offset', this.name);
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Rescaling {
    configKerasVersion(options, 'Rescaling.fromConfig');
    const { name, trainable, scale, offset } = config;
    return new this({
      ...(typeof name === 'string' ? { name } : {}),
      ...(typeof trainable === 'boolean' ? { trainable } : {}),
      scale: kerasValue(scale, 'scale') as number | NestedArray,
      ...(offset === undefined || offset === null ? {} : { offset: kerasValue(offset, 'offset') as number | NestedArray }),
    });
  }

  get className(): string {
    return 'Rescaling';
  }

  /** The scale as given: a number, or its nested values. */
  get scale(): number | NestedArray {
    return this.scaleValues.rank === 0 ? this.scaleValues.data[0] : this.scaleValues.toArray();
  }

  get offset(): number | NestedArray {
    return this.offsetValues.rank === 0 ? this.offsetValues.data[0] : this.offsetValues.toArray();
  }

  protected get passesMask(): boolean {
    return true;
  }

  computeOutputShape(inputShape: Shape): Shape {
    for (const [values, key] of [[this.scaleValues, 'scale'], [this.offsetValues, 'offset']] as const) {
      const offset = inputShape.length - values.rank;
      const fits = offset >= 0 && values.shape.every((d, i) => d === 1 || inputShape[offset + i] === null || inputShape[offset + i] === d);
      if (!fits) {
        throw new ShapeError(`${this.name}: '${key}' of shape ${formatShape(values.shape)} does not broadcast against the last axes of inputs of shape ${formatShape(inputShape)}`);
      }
    }
    return inputShape;
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), scale: this.scale, offset: this.offset };
  }

  /** @internal Whether scale or offset differ between the frames of (batch, time, ...frame) inputs: a stream runs each frame alone. */
  variesAcrossFrames(frameRank: number): boolean {
    return [this.scaleValues, this.offsetValues].some((v) => v.shape.slice(0, Math.max(0, v.rank - frameRank)).some((d) => d !== 1));
  }

  /** @internal For each value of x, its scale and offset. */
  perValue(shape: readonly number[]): { scale: Float32Array; offset: Float32Array } {
    const spread = (values: Tensor) => {
      const index = broadcastIndex(values.shape, shape);
      return index ? Float32Array.from(index, (at) => values.data[at]) : values.data;
    };
    return { scale: spread(this.scaleValues), offset: spread(this.offsetValues) };
  }

  protected transform(x: Tensor): Tensor {
    const { scale, offset } = this.perValue(x.shape);
    // In float64, rounded once: the numbers a stream's affine op computes (within an ulp of Keras' float32 product and sum).
    return new Tensor(Float32Array.from(x.data, (v, i) => v * scale[i] + offset[i]), x.shape);
  }

  /** @internal d loss / d x = dy * scale; no weights. */
  gradients(x: Tensor, dY: Float32Array): { x: Float32Array; weights: Float32Array[] } {
    const { scale } = this.perValue(x.shape);
    return { x: Float32Array.from(dY, (g, i) => g * scale[i]), weights: [] };
  }
}

/** A number, nested arrays of them, or a numeric typed array (numpy's array for a per-feature scale). */
function isValues(value: unknown): boolean {
  return typeof value === 'number' || Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array));
}

function finiteValues(value: unknown, key: string, layerName: string): Tensor {
  if (!isValues(value)) {
    throw new ConfigError(`${layerName}: option '${key}' must be a number, a nested array of numbers or a typed array, received ${quoted(value)}`);
  }
  const values = toTensor(value as number | NestedArray | TypedArray, `${layerName}: option '${key}'`);
  if (!values.data.every(Number.isFinite)) throw new ConfigError(`${layerName}: option '${key}' must hold finite numbers, received ${quoted(value)}`);
  return values;
}

/** A Keras 3 config value: a number, a list, or serialize_keras_object's { class_name: '__numpy__', config: { value } } of an array. */
function kerasValue(value: unknown, key: string): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { class_name: className, config } = value as Record<string, unknown>;
    if (className === '__numpy__' && typeof config === 'object' && config !== null) return (config as Record<string, unknown>).value;
    throw new ConfigError(`Rescaling.fromConfig: config '${key}' must be a number, a list or a serialized numpy array, received ${quoted(value)}`);
  }
  return value;
}
