// Keras' Normalization preprocessing layer: (x - mean) / max(sqrt(variance), 1e-7) for each
// position of `axis` (the features by default), or with `invert` its inverse. The statistics are
// constants given as options (kept in the config, no weights), or the non-trainable weights
// [mean, variance, count] that adapt(data) fills and Keras files carry (count an int64 Keras
// itself leaves at 0 when it adapts to an array).
import { ConfigError, InputError, ShapeError, formatShape, quoted } from '../errors.js';
import { initializers } from '../initializers/index.js';
import { Tensor, shapeSize, toTensor, type NestedArray, type TensorLike, type TypedArray } from '../tensor.js';
import { applyAffine, parameterIndex } from './batch-normalization.js';
import { OneInputHostWeightLayer, type WeightSpec } from './host-weights.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { LAYER_OPTION_KEYS, type LayerCallResult, type LayerOptions, type Shape } from './layer.js';
import { booleanOption, checkKnownKeys } from './options.js';
import { resolveAxis } from './tensor-ops.js';

/** Keras' backend.epsilon(), the floor of the standard deviation, in float32 as Keras divides by it. */
const EPSILON = Math.fround(1e-7);

export interface NormalizationOptions extends LayerOptions {
  /** The axes each keep their own mean and variance: -1 (default, the features), a list, or null / [] for one over everything. */
  axis?: number | readonly number[] | null;
  /** Constant statistics instead of adapt(): a number, or values of the kept axes' shape (size-1 axes broadcast). Give both or neither. */
  mean?: number | NestedArray | TypedArray | null;
  variance?: number | NestedArray | TypedArray | null;
  /** Keras' invert: mean + x * max(sqrt(variance), 1e-7), turning normalised values back. Default false. */
  invert?: boolean;
}

const OPTION_KEYS = [...LAYER_OPTION_KEYS, 'axis', 'mean', 'variance', 'invert'];

/** Statistics given as options: their values and shape, broadcast to the kept axes at build. */
interface ConstantStatistics {
  mean: Tensor;
  variance: Tensor;
}

export class Normalization extends OneInputHostWeightLayer {
  /** The kept axes as given (negative from the end); empty for statistics over everything. */
  readonly axis: readonly number[];
  readonly invert: boolean;
  private readonly constants: ConstantStatistics | null;

  constructor(options: NormalizationOptions = {}) {
    super(options, 'normalization');
    checkKnownKeys(options, OPTION_KEYS, this.name, 'Normalization.fromConfig');
    this.axis = axisList(options.axis, this.name);
    this.invert = booleanOption(options.invert, false, 'invert', this.name);
    const given = (value: unknown) => value !== undefined && value !== null;
    if (given(options.mean) !== given(options.variance)) {
      throw new ConfigError(`${this.name}: give both 'mean' and 'variance', or neither (then adapt() computes them), received mean=${quoted(options.mean ?? null)} and variance=${quoted(options.variance ?? null)}`);
    }
    this.constants = given(options.mean) ? {
      mean: toTensor(options.mean as TensorLike, `${this.name}: option 'mean'`),
      variance: toTensor(options.variance as TensorLike, `${this.name}: option 'variance'`),
    } : null;
    if (this.constants && this.constants.mean.shape.join() !== this.constants.variance.shape.join()) {
      throw new ConfigError(`${this.name}: 'mean' and 'variance' must have the same shape, received ${formatShape(this.constants.mean.shape)} and ${formatShape(this.constants.variance.shape)}`);
    }
    if (this.constants && !this.constants.mean.data.every(Number.isFinite)) {
      throw new ConfigError(`${this.name}: option 'mean' must hold finite numbers, received ${quoted(options.mean)}`);
    }
    if (this.constants && !this.constants.variance.data.every((v) => Number.isFinite(v) && v >= 0)) {
      throw new ConfigError(`${this.name}: option 'variance' must hold finite numbers >= 0 (a negative variance has no square root), received ${quoted(options.variance)}`);
    }
    if (this.constants && this.constants.mean.shape.length > this.axis.length) {
      throw new ConfigError(`${this.name}: 'mean' of shape ${formatShape(this.constants.mean.shape)} has more axes than axis ${quoted(this.axis)} keeps`);
    }
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Normalization {
    configKerasVersion(options, 'Normalization.fromConfig');
    return new this(kerasOptions('Normalization', config, 'Normalization.fromConfig') as NormalizationOptions);
  }

  get className(): string {
    return 'Normalization';
  }

  /** The kept axes of an input of this shape, sorted and counted from 0, each of a known size. */
  private keptAxes(shape: Shape): number[] {
    if (!Array.isArray(shape) || shape.length < 1) throw new ShapeError(`${this.name}: input must have a batch axis, received shape ${formatShape(shape ?? [])}`);
    const axes = [...new Set(this.axis.map((a) => resolveAxis(a, shape.length, this.name)))].sort((a, b) => a - b);
    const unknown = axes.find((a) => shape[a] === null);
    if (unknown !== undefined) {
      throw new ShapeError(`${this.name}: every kept axis needs a known size, received axis ${quoted(this.axis)} of shape ${formatShape(shape)} with axis ${unknown} unknown`);
    }
    return axes;
  }

  private statisticsShape(shape: Shape): number[] {
    return this.keptAxes(shape).map((a) => shape[a] as number);
  }

  protected weightSpecs(inputShapes: Shape[]): WeightSpec[] {
    const shape = inputShapes[0];
    const statistics = this.statisticsShape(shape);
    if (this.constants) {
      // Checked now, as Keras broadcasts them at build.
      broadcastToKept(this.constants.mean, statistics, this.name);
      return [];
    }
    return [
      { name: 'mean', shape: statistics, initializer: initializers.zeros(), trainable: false },
      { name: 'variance', shape: statistics, initializer: initializers.ones(), trainable: false },
      { name: 'count', shape: [], initializer: initializers.zeros(), trainable: false },
    ];
  }

  protected specsFromWeights(weights: Tensor[]): WeightSpec[] {
    if (this.constants) return [];
    const statistics = weights.length > 0 ? [...weights[0].shape] : [];
    return [
      { name: 'mean', shape: statistics, initializer: initializers.zeros(), trainable: false },
      { name: 'variance', shape: statistics, initializer: initializers.ones(), trainable: false },
      { name: 'count', shape: [], initializer: initializers.zeros(), trainable: false },
    ];
  }

  /**
   * Keras' adapt() on an array: the mean and the (population) variance over every axis but the
   * kept ones, in float64, stored as float32. Builds the layer for the data's shape if it is not
   * built; a built layer's kept axes must match. Layers given constant statistics have nothing to adapt.
   */
  adapt(data: TensorLike): void {
    this.checkNotDisposed('adapt');
    if (this.constants) throw new ConfigError(`${this.name}: adapt() computes the statistics given as 'mean' and 'variance'; construct the layer without them to adapt it`);
    const x = toTensor(data, `${this.name}: adapt data`);
    if (x.size === 0) throw new ShapeError(`${this.name}: adapt data must hold at least one value, received shape ${formatShape(x.shape)}`);
    const notFinite = x.data.findIndex((v) => !Number.isFinite(v));
    if (notFinite >= 0) throw new InputError(`${this.name}: adapt data must be finite numbers; value ${notFinite} is ${x.data[notFinite]}`);
    this.checkFits(x.shape);
    const values = this.ensureBuilt([x.shape]);
    const kept = this.keptAxes(x.shape);
    const index = parameterIndex(x.shape, kept);
    const positions = shapeSize(this.statisticsShape(x.shape));
    const per = x.size / positions;
    const sum = new Float64Array(positions);
    for (let i = 0; i < x.size; i++) sum[index(i)] += x.data[i];
    const mean = sum.map((s) => s / per);
    const squares = new Float64Array(positions);
    for (let i = 0; i < x.size; i++) squares[index(i)] += (x.data[i] - mean[index(i)]) ** 2;
    this.setWeights([
      new Tensor(Float32Array.from(mean), this.statisticsShape(x.shape)),
      new Tensor(Float32Array.from(squares, (s) => s / per), this.statisticsShape(x.shape)),
      new Tensor(Float32Array.of(values[2]?.[0] ?? 0), []),
    ]);
  }

  /**
   * @internal y = x * scale + shift for each kept position, in float64: scale = 1 / max(sqrt(variance), 1e-7)
   * and shift = -mean * scale, or with invert scale = max(sqrt(variance), 1e-7) and shift = mean. A
   * stream runs the same numbers.
   */
  inferenceAffine(inputShape: Shape): { scale: Float64Array; shift: Float64Array } {
    const statistics = this.statisticsShape(inputShape);
    const { mean, variance } = this.constants
      ? { mean: broadcastToKept(this.constants.mean, statistics, this.name), variance: broadcastToKept(this.constants.variance, statistics, this.name) }
      : (() => {
        const [m, v] = this.ensureBuilt([inputShape]);
        return { mean: m, variance: v };
      })();
    const scale = new Float64Array(mean.length);
    const shift = new Float64Array(mean.length);
    for (let c = 0; c < mean.length; c++) {
      const deviation = Math.max(Math.fround(Math.sqrt(variance[c])), EPSILON);
      scale[c] = this.invert ? deviation : 1 / deviation;
      shift[c] = this.invert ? mean[c] : -mean[c] / deviation;
    }
    return { scale, shift };
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.checkFits(inputShape);
    return inputShape;
  }

  /** @internal The count weight, when the layer has weights (see Layer.int64Params). */
  override int64Params(): number {
    return this.weightLayout && this.weightLayout.length > 0 ? 1 : 0;
  }

  /**
   * ShapeError when the kept axes of `shape` do not fit the statistics the layer has. Any rank
   * whose kept axes fit is taken (adapted on sequences, the layer normalises a single reading too),
   * where Keras' broadcasting would add axes to the output instead.
   */
  private checkFits(shape: Shape): void {
    const wanted = this.statisticsShape(shape);
    const stored = this.weightLayout?.[0]?.shape;
    if (stored && wanted.join() !== stored.join()) {
      throw new ShapeError(`${this.name}: inputs of shape ${formatShape(shape)} need statistics of shape ${formatShape(wanted)} on axis ${quoted(this.axis)}; the layer's mean and variance have shape ${formatShape(stored)}`);
    }
  }

  getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      axis: [...this.axis],
      invert: this.invert,
      mean: this.constants ? this.constants.mean.toArray() : null,
      variance: this.constants ? this.constants.variance.toArray() : null,
    };
  }

  /** @internal Runs the layer inside a model; the mask passes on, as Keras' supports_masking. */
  computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[]): LayerCallResult {
    this.checkNotDisposed('run');
    const x = inputs[0];
    this.checkFits(x.shape);
    const { scale, shift } = this.inferenceAffine(x.shape);
    return { outputs: [applyAffine(x, this.keptAxes(x.shape), scale, shift)], masks: [masks[0]] };
  }

  /** @internal d loss / d x = dy * scale; the statistics take no gradient (none of them is trainable). */
  gradients(x: Tensor, dY: Float32Array): { x: Float32Array; weights: Float32Array[] } {
    const { scale } = this.inferenceAffine(x.shape);
    const index = parameterIndex(x.shape, this.keptAxes(x.shape));
    return { x: Float32Array.from(dY, (g, i) => g * scale[index(i)]), weights: this.getWeights().map((w) => new Float32Array(w.size)) };
  }
}

function axisList(value: unknown, layerName: string): readonly number[] {
  if (value === undefined) return [-1];
  if (value === null) return [];
  const list = typeof value === 'number' ? [value] : value;
  if (!Array.isArray(list) || list.some((a) => !Number.isInteger(a))) {
    throw new ConfigError(`${layerName}: option 'axis' must be an integer, a list of integers, or null (statistics over everything), received ${quoted(value)}`);
  }
  return Object.freeze([...(list as number[])]);
}

/** Constant statistics broadcast to the kept axes' shape, right-aligned as Keras expands them; size-1 axes repeat. */
function broadcastToKept(values: Tensor, kept: readonly number[], layerName: string): Float32Array {
  const shape = values.shape;
  const offset = kept.length - shape.length;
  const fits = offset >= 0 && shape.every((d, i) => d === 1 || d === kept[offset + i]);
  if (!fits) {
    throw new ShapeError(`${layerName}: 'mean' and 'variance' of shape ${formatShape(shape)} do not broadcast to the kept axes' shape ${formatShape(kept)}`);
  }
  const out = new Float32Array(shapeSize(kept));
  for (let i = 0; i < out.length; i++) {
    let rest = i;
    let at = 0;
    let stride = 1;
    for (let a = kept.length - 1; a >= 0; a--) {
      const d = kept[a];
      const k = rest % d;
      rest = Math.floor(rest / d);
      const own = a - offset;
      if (own >= 0) {
        if (shape[own] !== 1) at += k * stride;
        stride *= shape[own];
      }
    }
    out[i] = values.data[at];
  }
  return out;
}
