// Keras LayerNormalization: per sample, mean and biased variance over `axis`; Keras 3's
// rms_scaling divides by the same standard deviation without centring and has no beta.
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import type { Initializer, InitializerSpec } from '../initializers/index.js';
import { Tensor } from '../tensor.js';
import { axisOption, parameterIndex } from './batch-normalization.js';
import { WeightRules, weightRuleKeys, type WeightPrefix, type WeightRuleFields, type WeightRuleOptions } from './weight-rules.js';
import { OneInputHostWeightLayer, initializerOption, type WeightSpec } from './host-weights.js';
import { LAYER_OPTION_KEYS, type LayerCallResult, type LayerOptions, type Shape } from './layer.js';
import { booleanOption, checkKnownKeys, isAxisValue, leadingValueOptions } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { resolveAxis } from './tensor-ops.js';

/** Keras' gamma_ and beta_regularizer / _constraint. */
export interface LayerNormalizationOptions extends LayerOptions, WeightRuleOptions<'gamma' | 'beta'> {
  /** The normalised axis or axes (default -1). */
  axis?: number | readonly number[];
  /** Default 0.001. */
  epsilon?: number;
  /** Whether there is a beta (offset) weight. Default true. */
  center?: boolean;
  /** Whether there is a gamma (scale) weight. Default true. */
  scale?: boolean;
  /** Keras 3: scale by the standard deviation only (no centring, no beta, always a gamma). Default false. */
  rmsScaling?: boolean;
  betaInitializer?: InitializerSpec;
  gammaInitializer?: InitializerSpec;
}

/** Keras' layer.gamma_regularizer, ...: gamma's and beta's regularizer and constraint, null for none. */
export interface LayerNormalization extends WeightRuleFields<'gamma' | 'beta'> {}

export class LayerNormalization extends OneInputHostWeightLayer {
  readonly axis: number | readonly number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly rmsScaling: boolean;
  private readonly gammaInitializer: Initializer;
  private readonly betaInitializer: Initializer;

  /** `new LayerNormalization({ axis: -1 })`, or the axis first as in Keras: `new LayerNormalization(1)`. */
  constructor(options?: LayerNormalizationOptions);
  constructor(axis: LayerNormalizationOptions['axis'], options?: Omit<LayerNormalizationOptions, 'axis'>);
  constructor(...args: [LayerNormalizationOptions?] | [LayerNormalizationOptions['axis'], Omit<LayerNormalizationOptions, 'axis'>?]) {
    const options = (args.every((a) => a === undefined) ? {} : leadingValueOptions(args[0], args[1], 'axis', 'LayerNormalization', isAxisValue)) as LayerNormalizationOptions;
    super(options, 'layer_normalization');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'axis', 'epsilon', 'center', 'scale', 'rmsScaling', 'betaInitializer', 'gammaInitializer', ...weightRuleKeys(['beta', 'gamma'])], this.name, 'LayerNormalization.fromConfig');
    this.axis = axisOption(options.axis, -1, this.name);
    const epsilon = options.epsilon ?? 1e-3;
    if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
      throw new ConfigError(`${this.name}: option 'epsilon' must be a non-negative number, received ${quoted(epsilon)}`);
    }
    this.epsilon = epsilon;
    this.center = booleanOption(options.center, true, 'center', this.name);
    this.scale = booleanOption(options.scale, true, 'scale', this.name);
    this.rmsScaling = booleanOption(options.rmsScaling, false, 'rmsScaling', this.name);
    this.gammaInitializer = initializerOption(options.gammaInitializer, 'ones', 'gammaInitializer', this.name);
    this.betaInitializer = initializerOption(options.betaInitializer, 'zeros', 'betaInitializer', this.name);
    const rules = new WeightRules(options, ['beta', 'gamma'], this.name);
    this.rules = rules;
    Object.assign(this, rules.fields());
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): LayerNormalization {
    configKerasVersion(options, 'LayerNormalization.fromConfig');
    return new this(kerasOptions('LayerNormalization', config, 'LayerNormalization.fromConfig') as LayerNormalizationOptions);
  }

  get className(): string {
    return 'LayerNormalization';
  }

  private get hasGamma(): boolean {
    return this.scale || this.rmsScaling;
  }

  private get hasBeta(): boolean {
    return this.center && !this.rmsScaling;
  }

  /** The normalised axes for inputs of this shape, sorted as Keras sorts them. */
  private axesFor(shape: Shape): number[] {
    const list = typeof this.axis === 'number' ? [this.axis] : this.axis;
    const axes = list.map((a) => resolveAxis(a, shape.length, this.name)).sort((a, b) => a - b);
    if (new Set(axes).size !== axes.length) throw new ShapeError(`${this.name}: axis ${quoted(this.axis)} repeats an axis`);
    return axes;
  }

  private paramShape(shape: Shape): number[] {
    const sizes = this.axesFor(shape).map((a) => shape[a]);
    if (sizes.some((d) => d === null)) {
      throw new ShapeError(`${this.name}: axis ${quoted(this.axis)} of the input must have a known size, received shape ${formatShape(shape)}`);
    }
    return sizes as number[];
  }

  protected weightSpecs(inputShapes: Shape[]): WeightSpec[] {
    return this.specsOfShape(this.paramShape(inputShapes[0]));
  }

  protected specsFromWeights(weights: Tensor[]): WeightSpec[] {
    return this.specsOfShape(weights.length > 0 ? [...weights[0].shape] : [0]);
  }

  private specsOfShape(shape: number[]): WeightSpec[] {
    const specs: WeightSpec[] = [];
    if (this.hasGamma) specs.push({ name: 'gamma', shape, initializer: this.gammaInitializer, trainable: true });
    if (this.hasBeta) specs.push({ name: 'beta', shape, initializer: this.betaInitializer, trainable: true });
    return specs;
  }

  override get hasWeights(): boolean {
    return this.hasGamma || this.hasBeta;
  }

  computeOutputShape(inputShape: Shape): Shape {
    const expected = this.paramShape(inputShape);
    const have = this.weightLayout?.[0]?.shape;
    if (have && (have.length !== expected.length || have.some((d, i) => d !== expected[i]))) {
      throw new ShapeError(`${this.name}: input of shape ${formatShape(inputShape)} does not fit the weights of shape ${formatShape(have)} (axis ${quoted(this.axis)})`);
    }
    return inputShape;
  }

  getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(), axis: typeof this.axis === 'number' ? this.axis : [...this.axis],
      epsilon: this.epsilon, center: this.center, scale: this.scale, rms_scaling: this.rmsScaling,
      beta_initializer: { class_name: this.betaInitializer.className, config: this.betaInitializer.getConfig() },
      gamma_initializer: { class_name: this.gammaInitializer.className, config: this.gammaInitializer.getConfig() },
      ...(this.rules as WeightRules<WeightPrefix>).config(),
    };
  }

  /** @internal Runs the layer inside a model (see Layer.computeOutputs). */
  computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[]): LayerCallResult {
    this.checkNotDisposed('run');
    const x = inputs[0];
    this.computeOutputShape(x.shape);
    const values = this.ensureBuilt([x.shape]);
    const gamma = this.hasGamma ? values[0] : null;
    const beta = this.hasBeta ? values[gamma ? 1 : 0] : null;
    const axes = this.axesFor(x.shape);
    const others = [...x.shape.keys()].filter((a) => !axes.includes(a));
    const param = parameterIndex(x.shape, axes);
    const group = others.length === 0 ? () => 0 : parameterIndex(x.shape, others);
    const groups = others.reduce((p, a) => p * x.shape[a], 1);
    const sum = new Float64Array(groups);
    const sumSquares = new Float64Array(groups);
    const count = x.size / Math.max(groups, 1);
    for (let i = 0; i < x.size; i++) sum[group(i)] += x.data[i];
    for (let i = 0; i < x.size; i++) sumSquares[group(i)] += (x.data[i] - sum[group(i)] / count) ** 2;
    const out = new Float32Array(x.size);
    for (let i = 0; i < x.size; i++) {
      const g = group(i);
      const mean = sum[g] / count;
      const inv = 1 / Math.sqrt(sumSquares[g] / count + this.epsilon);
      const c = param(i);
      const centred = this.rmsScaling ? x.data[i] : x.data[i] - mean;
      out[i] = centred * inv * (gamma ? gamma[c] : 1) + (beta ? beta[c] : 0);
    }
    return { outputs: [new Tensor(out, x.shape)], masks: [masks[0]] };
  }

  /**
   * @internal d loss / d x, gamma and beta (those the layer has, in getWeights() order) from d loss
   * / d output, in float64 over each group of normalised values: with u = gamma * dY and
   * x̂ = (x - mean) * r, r = 1 / sqrt(var + epsilon), dx = r * (u - mean(u) - x̂ * mean(u * x̂));
   * with rms scaling (out = x * r * gamma, r from the centred variance) dx = r * u - r³ * (x - mean) * mean(u * x).
   */
  gradients(x: Tensor, dY: Float32Array): { x: Float32Array; weights: Float32Array[] } {
    const values = this.ensureBuilt([x.shape]);
    const gamma = this.hasGamma ? values[0] : null;
    const axes = this.axesFor(x.shape);
    const others = [...x.shape.keys()].filter((a) => !axes.includes(a));
    const param = parameterIndex(x.shape, axes);
    const group = others.length === 0 ? () => 0 : parameterIndex(x.shape, others);
    const groups = Math.max(others.reduce((p, a) => p * x.shape[a], 1), 1);
    const count = x.size / groups;
    const mean = new Float64Array(groups);
    const variance = new Float64Array(groups);
    for (let i = 0; i < x.size; i++) mean[group(i)] += x.data[i] / count;
    for (let i = 0; i < x.size; i++) variance[group(i)] += (x.data[i] - mean[group(i)]) ** 2 / count;
    const r = variance.map((v) => 1 / Math.sqrt(v + this.epsilon));
    const params = gamma ? gamma.length : values[0]?.length ?? 0;
    const dGamma = new Float64Array(params);
    const dBeta = new Float64Array(params);
    const meanU = new Float64Array(groups);
    const meanUX = new Float64Array(groups);
    for (let i = 0; i < x.size; i++) {
      const g = group(i);
      const c = param(i);
      const centred = x.data[i] - mean[g];
      const normalised = (this.rmsScaling ? x.data[i] : centred) * r[g];
      dGamma[c] += dY[i] * normalised;
      dBeta[c] += dY[i];
      const u = dY[i] * (gamma ? gamma[c] : 1);
      meanU[g] += u / count;
      meanUX[g] += (u * (this.rmsScaling ? x.data[i] : normalised)) / count;
    }
    const dX = new Float32Array(x.size);
    for (let i = 0; i < x.size; i++) {
      const g = group(i);
      const u = dY[i] * (gamma ? gamma[param(i)] : 1);
      const centred = x.data[i] - mean[g];
      dX[i] = this.rmsScaling
        ? r[g] * u - r[g] ** 3 * centred * meanUX[g]
        : r[g] * (u - meanU[g] - centred * r[g] * meanUX[g]);
    }
    const weights: Float32Array[] = [];
    if (this.hasGamma) weights.push(Float32Array.from(dGamma));
    if (this.hasBeta) weights.push(Float32Array.from(dBeta));
    return { x: dX, weights };
  }
}
