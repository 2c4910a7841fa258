// Keras BatchNormalization: at inference the moving statistics; in training (trainingPass) the
// batch's, which also move the moving statistics, as Keras 3's call(training=True) does.
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import type { Initializer, InitializerSpec } from '../initializers/index.js';
import { Tensor } from '../tensor.js';
import { LAYER_OPTION_KEYS, type LayerCallResult, type LayerOptions, type Shape, type WeightUpdate } from './layer.js';
import { WeightRules, weightRuleKeys, type WeightPrefix, type WeightRuleFields, type WeightRuleOptions } from './weight-rules.js';
import { OneInputHostWeightLayer, initializerOption, type WeightSpec } from './host-weights.js';
import { booleanOption, checkKnownKeys, isAxisValue, leadingValueOptions } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { resolveAxis } from './tensor-ops.js';

/** Keras' gamma_ and beta_regularizer / _constraint. */
export interface BatchNormalizationOptions extends LayerOptions, WeightRuleOptions<'gamma' | 'beta'> {
  /** The feature axis (default -1), or several axes as tf.keras allows. */
  axis?: number | readonly number[];
  /** Default 0.001. */
  epsilon?: number;
  /** Training only; recorded for getConfig. Default 0.99. */
  momentum?: number;
  /** Whether there is a beta (offset) weight. Default true. */
  center?: boolean;
  /** Whether there is a gamma (scale) weight. Default true. */
  scale?: boolean;
  betaInitializer?: InitializerSpec;
  gammaInitializer?: InitializerSpec;
  movingMeanInitializer?: InitializerSpec;
  movingVarianceInitializer?: InitializerSpec;
}

const OPTION_KEYS = [
  ...LAYER_OPTION_KEYS, 'axis', 'epsilon', 'momentum', 'center', 'scale',
  'betaInitializer', 'gammaInitializer', 'movingMeanInitializer', 'movingVarianceInitializer', ...weightRuleKeys(['beta', 'gamma']),
];

/** Keras' layer.gamma_regularizer, ...: gamma's and beta's regularizer and constraint, null for none. */
export interface BatchNormalization extends WeightRuleFields<'gamma' | 'beta'> {}

export class BatchNormalization extends OneInputHostWeightLayer {
  readonly axis: number | readonly number[];
  readonly epsilon: number;
  readonly momentum: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly initializers: { gamma: Initializer; beta: Initializer; mean: Initializer; variance: Initializer };

  /** `new BatchNormalization({ axis: -1 })`, or the axis first as in Keras: `new BatchNormalization(1)`. */
  constructor(options?: BatchNormalizationOptions);
  constructor(axis: BatchNormalizationOptions['axis'], options?: Omit<BatchNormalizationOptions, 'axis'>);
  constructor(...args: [BatchNormalizationOptions?] | [BatchNormalizationOptions['axis'], Omit<BatchNormalizationOptions, 'axis'>?]) {
    const options = (args.every((a) => a === undefined) ? {} : leadingValueOptions(args[0], args[1], 'axis', 'BatchNormalization', isAxisValue)) as BatchNormalizationOptions;
    super(options, 'batch_normalization');
    checkKnownKeys(options, OPTION_KEYS, this.name, 'BatchNormalization.fromConfig');
    this.axis = axisOption(options.axis, -1, this.name);
    this.epsilon = positiveNumber(options.epsilon, 1e-3, 'epsilon', this.name);
    this.momentum = positiveNumber(options.momentum, 0.99, 'momentum', this.name);
    this.center = booleanOption(options.center, true, 'center', this.name);
    this.scale = booleanOption(options.scale, true, 'scale', this.name);
    this.initializers = {
      gamma: initializerOption(options.gammaInitializer, 'ones', 'gammaInitializer', this.name),
      beta: initializerOption(options.betaInitializer, 'zeros', 'betaInitializer', this.name),
      mean: initializerOption(options.movingMeanInitializer, 'zeros', 'movingMeanInitializer', this.name),
      variance: initializerOption(options.movingVarianceInitializer, 'ones', 'movingVarianceInitializer', this.name),
    };
    const rules = new WeightRules(options, ['beta', 'gamma'], this.name);
    this.rules = rules;
    Object.assign(this, rules.fields());
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): BatchNormalization {
    const where = 'BatchNormalization.fromConfig';
    configKerasVersion(options, where);
    if (config.renorm === true) throw new ConfigError(`${where}: config 'renorm': true is not supported; expected false`);
    return new this(kerasOptions('BatchNormalization', config, where) as BatchNormalizationOptions);
  }

  get className(): string {
    return 'BatchNormalization';
  }

  /** The axes normalised for inputs of `rank`, each in [1, rank). */
  private axesFor(shape: Shape): number[] {
    const list = typeof this.axis === 'number' ? [this.axis] : this.axis;
    const axes = list.map((a) => resolveAxis(a, shape.length, this.name));
    if (axes.includes(0) || new Set(axes).size !== axes.length) {
      throw new ShapeError(`${this.name}: axis ${quoted(this.axis)} must name distinct non-batch axes of inputs of shape ${formatShape(shape)}`);
    }
    return axes;
  }

  /** tf.keras: one axis gives weights of its size; several give weights broadcast over the whole rank. */
  private paramShape(shape: Shape): number[] {
    const axes = this.axesFor(shape);
    const sizes = axes.map((a) => shape[a]);
    if (sizes.some((d) => d === null)) {
      throw new ShapeError(`${this.name}: axis ${quoted(this.axis)} of the input must have a known size, received shape ${formatShape(shape)}`);
    }
    if (axes.length === 1) return [sizes[0] as number];
    return shape.map((d, i) => (axes.includes(i) ? d as number : 1));
  }

  protected weightSpecs(inputShapes: Shape[]): WeightSpec[] {
    return this.specsOfShape(this.paramShape(inputShapes[0]));
  }

  protected specsFromWeights(weights: Tensor[]): WeightSpec[] {
    return this.specsOfShape(weights.length > 0 ? [...weights[0].shape] : [0]);
  }

  private specsOfShape(shape: number[]): WeightSpec[] {
    const specs: WeightSpec[] = [];
    if (this.scale) specs.push({ name: 'gamma', shape, initializer: this.initializers.gamma, trainable: true });
    if (this.center) specs.push({ name: 'beta', shape, initializer: this.initializers.beta, trainable: true });
    specs.push({ name: 'moving_mean', shape, initializer: this.initializers.mean, trainable: false });
    specs.push({ name: 'moving_variance', shape, initializer: this.initializers.variance, trainable: false });
    return specs;
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.checkFits(inputShape);
    return inputShape;
  }

  private checkFits(shape: Shape): void {
    const expected = this.paramShape(shape);
    const layout = this.weightLayout;
    if (layout && layout.length > 0) {
      const have = layout[0].shape;
      if (have.length !== expected.length || have.some((d, i) => d !== expected[i])) {
        throw new ShapeError(`${this.name}: input of shape ${formatShape(shape)} does not fit the weights of shape ${formatShape(have)} (axis ${quoted(this.axis)})`);
      }
    }
  }

  getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(), axis: typeof this.axis === 'number' ? this.axis : [...this.axis],
      momentum: this.momentum, epsilon: this.epsilon, center: this.center, scale: this.scale,
      beta_initializer: serialize(this.initializers.beta), gamma_initializer: serialize(this.initializers.gamma),
      moving_mean_initializer: serialize(this.initializers.mean), moving_variance_initializer: serialize(this.initializers.variance),
      ...(this.rules as WeightRules<WeightPrefix>).config(),
    };
  }

  /**
   * @internal Per parameter y = x * scale + shift in float64, with scale = gamma / sqrt(var + eps) and
   * shift = beta - mean * scale, from the weight values in their order; a stream uses the same numbers.
   */
  inferenceAffine(values: readonly Float32Array[]): { scale: Float64Array; shift: Float64Array } {
    let next = 0;
    const gamma = this.scale ? values[next++] : null;
    const beta = this.center ? values[next++] : null;
    const mean = values[next++];
    const variance = values[next];
    const count = mean.length;
    const scale = new Float64Array(count);
    const shift = new Float64Array(count);
    for (let c = 0; c < count; c++) {
      scale[c] = (gamma ? gamma[c] : 1) / Math.sqrt(variance[c] + this.epsilon);
      shift[c] = (beta ? beta[c] : 0) - mean[c] * scale[c];
    }
    return { scale, shift };
  }

  /**
   * @internal One training forward pass, as Keras 3's call(training=True): a trainable layer
   * normalises by the batch's mean and biased variance over every axis but its own (only the
   * unmasked steps of a (batch, steps) mask count), and moves its moving statistics towards them
   * (moving * momentum + batch * (1 - momentum), in float32); a frozen one runs as at inference.
   * backward gives d loss / d x and the weights' gradients in getWeights() order (zero for the
   * moving statistics, which no gradient moves): with u = gamma * dY, w the 0/1 weight of a value
   * in its statistics and n their sum, dx = r * u - w * (r * sum(u) + r³ * (x - mean) * sum(u * (x - mean))) / n.
   */
  trainingPass(x: Tensor, mask: Tensor | undefined): { output: Tensor; backward(dY: Float32Array): { x: Float32Array; weights: Float32Array[] } } {
    this.checkNotDisposed('run');
    this.checkFits(x.shape);
    const values = this.ensureBuilt([x.shape]);
    const index = parameterIndex(x.shape, this.axesFor(x.shape));
    const gammaAt = this.scale ? 0 : -1;
    const meanAt = (this.scale ? 1 : 0) + (this.center ? 1 : 0);
    const params = values[meanAt].length;
    const zeros = () => values.map((v) => new Float32Array(v.length));
    if (!this.trainable) {
      const { scale } = this.inferenceAffine(values);
      const movingMean = values[meanAt];
      const movingVariance = values[meanAt + 1];
      return {
        output: this.computeOutputs([x], [mask]).outputs[0],
        backward: (dY) => {
          const weights = zeros();
          for (let i = 0; i < x.size; i++) {
            const c = index(i);
            if (gammaAt >= 0) weights[gammaAt][c] += (dY[i] * (x.data[i] - movingMean[c])) / Math.sqrt(movingVariance[c] + this.epsilon);
            if (this.center) weights[this.scale ? 1 : 0][c] += dY[i];
          }
          return { x: Float32Array.from(dY, (g, i) => g * scale[index(i)]), weights };
        },
      };
    }
    // A (batch, steps) mask weighs each step's values in the statistics.
    const steps = mask && x.rank >= 3 ? mask.size : 0;
    const perStep = steps > 0 ? x.size / steps : 1;
    const weight = (i: number) => (steps > 0 ? (mask as Tensor).data[Math.floor(i / perStep)] !== 0 ? 1 : 0 : 1);
    const count = new Float64Array(params);
    const mean = new Float64Array(params);
    const variance = new Float64Array(params);
    for (let i = 0; i < x.size; i++) {
      const c = index(i);
      count[c] += weight(i);
      mean[c] += weight(i) * x.data[i];
    }
    // Keras' masked moments divide by the weights' sum plus backend.epsilon() (1e-7).
    if (steps > 0) for (let c = 0; c < params; c++) count[c] += 1e-7;
    for (let c = 0; c < params; c++) mean[c] /= count[c];
    for (let i = 0; i < x.size; i++) variance[index(i)] += weight(i) * (x.data[i] - mean[index(i)]) ** 2;
    for (let c = 0; c < params; c++) variance[c] /= count[c];
    const r = variance.map((v) => 1 / Math.sqrt(v + this.epsilon));
    const gamma = gammaAt >= 0 ? values[gammaAt] : null;
    const beta = this.center ? values[this.scale ? 1 : 0] : null;
    const out = new Float32Array(x.size);
    for (let i = 0; i < x.size; i++) {
      const c = index(i);
      out[i] = (x.data[i] - mean[c]) * r[c] * (gamma ? gamma[c] : 1) + (beta ? beta[c] : 0);
    }
    const m = Math.fround(this.momentum);
    const keep = Math.fround(1 - m);
    const moved = values.map((v) => v.slice());
    for (let c = 0; c < params; c++) {
      moved[meanAt][c] = Math.fround(Math.fround(values[meanAt][c] * m) + Math.fround(Math.fround(mean[c]) * keep));
      moved[meanAt + 1][c] = Math.fround(Math.fround(values[meanAt + 1][c] * m) + Math.fround(Math.fround(variance[c]) * keep));
    }
    const shapes = this.getWeights().map((w) => w.shape);
    this.setWeights(moved.map((v, i) => new Tensor(v, shapes[i])));
    return {
      output: new Tensor(out, x.shape),
      backward: (dY) => {
        const sumU = new Float64Array(params);
        const sumUX = new Float64Array(params);
        const weights = zeros();
        for (let i = 0; i < x.size; i++) {
          const c = index(i);
          const centred = x.data[i] - mean[c];
          const u = dY[i] * (gamma ? gamma[c] : 1);
          sumU[c] += u;
          sumUX[c] += u * centred;
          if (gamma) weights[gammaAt][c] += dY[i] * centred * r[c];
          if (beta) weights[this.scale ? 1 : 0][c] += dY[i];
        }
        const dX = new Float32Array(x.size);
        for (let i = 0; i < x.size; i++) {
          const c = index(i);
          const u = dY[i] * (gamma ? gamma[c] : 1);
          dX[i] = r[c] * u - (weight(i) * (r[c] * sumU[c] + r[c] ** 3 * (x.data[i] - mean[c]) * sumUX[c])) / count[c];
        }
        return { x: dX, weights };
      },
    };
  }

  /** @internal The optimizer steps gamma and beta; the moving statistics keep what the forward pass set. */
  override weightsForUpdate(): WeightUpdate {
    const tensors = this.getWeights();
    const meanAt = (this.scale ? 1 : 0) + (this.center ? 1 : 0);
    const moving = tensors.slice(meanAt).map((t) => t.data.slice());
    return {
      arrays: tensors.map((t) => t.data),
      commit: () => this.setWeights(tensors.map((t, i) => (i < meanAt ? t : new Tensor(moving[i - meanAt], t.shape)))),
    };
  }

  /** @internal Runs the layer inside a model (see Layer.computeOutputs). */
  computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[]): LayerCallResult {
    this.checkNotDisposed('run');
    const x = inputs[0];
    this.checkFits(x.shape);
    const { scale, shift } = this.inferenceAffine(this.ensureBuilt([x.shape]));
    return { outputs: [applyAffine(x, this.axesFor(x.shape), scale, shift)], masks: [masks[0]] };
  }
}

/** @internal x * scale + shift in float64, one scale and shift per position of `axes` (what a stream's affine op computes). */
export function applyAffine(x: Tensor, axes: readonly number[], scale: Float64Array, shift: Float64Array): Tensor {
  const index = parameterIndex(x.shape, axes);
  const out = new Float32Array(x.size);
  for (let i = 0; i < out.length; i++) {
    const c = index(i);
    out[i] = x.data[i] * scale[c] + shift[c];
  }
  return new Tensor(out, x.shape);
}

/** @internal Maps a flat element index of `shape` to the flat index into weights over `axes` (row-major over those axes). */
export function parameterIndex(shape: readonly number[], axes: readonly number[]): (i: number) => number {
  const sorted = [...axes].sort((a, b) => a - b);
  if (sorted.length === 1 && sorted[0] === shape.length - 1) {
    const channels = shape[shape.length - 1];
    return (i) => i % channels;
  }
  const strides: number[] = [];
  let stride = 1;
  for (let a = shape.length - 1; a >= 0; a--) {
    strides[a] = stride;
    stride *= shape[a];
  }
  const weightStrides: number[] = [];
  let w = 1;
  for (let k = sorted.length - 1; k >= 0; k--) {
    weightStrides[k] = w;
    w *= shape[sorted[k]];
  }
  return (i) => {
    let index = 0;
    sorted.forEach((a, k) => {
      index += (Math.floor(i / strides[a]) % shape[a]) * weightStrides[k];
    });
    return index;
  };
}

/** @internal An axis option: an integer or a non-empty list of integers (a one-element list is kept as a list, as Keras writes it). */
export function axisOption(value: unknown, fallback: number, layerName: string): number | readonly number[] {
  if (value === undefined || value === null) return fallback;
  if (Number.isInteger(value)) return value as number;
  if (Array.isArray(value) && value.length > 0 && value.every((a) => Number.isInteger(a))) return Object.freeze([...value as number[]]);
  throw new ConfigError(`${layerName}: option 'axis' must be an integer or a list of integers, received ${quoted(value)}`);
}

function positiveNumber(value: unknown, fallback: number, key: string, layerName: string): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(`${layerName}: option '${key}' must be a non-negative number, received ${quoted(value)}`);
  }
  return value;
}

function serialize(initializer: Initializer): Record<string, unknown> {
  return { class_name: initializer.className, config: initializer.getConfig() };
}
