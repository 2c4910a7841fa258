// Keras' PReLU layer: relu(x) - alpha * relu(-x) with a trained alpha of the input's shape
// (batch axis aside), size 1 along `sharedAxes`. The arithmetic runs in WebAssembly
// (assembly/keras_activations.ts), the code a stream runs too; the mask passes on.
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import type { Initializer, InitializerSpec } from '../initializers/index.js';
import { PARAMETER_ACTIVATION } from '../kernels/keras-activation.js';
import { Tensor } from '../tensor.js';
import { applyParameterActivation } from './activation-functions.js';
import { OneInputHostWeightLayer, initializerOption, type WeightSpec } from './host-weights.js';
import { LAYER_OPTION_KEYS, type LayerCallResult, type LayerOptions, type Shape } from './layer.js';
import { checkKnownKeys, checkOptionsObject } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { WeightRules, weightRuleKeys, type WeightPrefix, type WeightRuleFields, type WeightRuleOptions } from './weight-rules.js';

/** Keras' alpha_regularizer and alpha_constraint. */
export interface PReLUOptions extends LayerOptions, WeightRuleOptions<'alpha'> {
  /** Initializer of alpha. Default 'zeros'. */
  alphaInitializer?: InitializerSpec;
  /** Axes (1-based, the batch axis is 0) along which one alpha is shared, e.g. [1] for every time step. Default none. */
  sharedAxes?: number | readonly number[] | null;
}

/** Keras' layer.alpha_regularizer and alpha_constraint, null for none. */
export interface PReLU extends WeightRuleFields<'alpha'> {}

export class PReLU extends OneInputHostWeightLayer {
  readonly sharedAxes: readonly number[] | null;
  private readonly alphaInitializer: Initializer;

  /** `new PReLU()`, `new PReLU({ sharedAxes: [1] })`, or the initializer first as in Keras: `new PReLU('ones')`. */
  constructor(options?: PReLUOptions);
  constructor(alphaInitializer: string, options?: Omit<PReLUOptions, 'alphaInitializer'>);
  constructor(first?: PReLUOptions | string, rest?: Omit<PReLUOptions, 'alphaInitializer'>) {
    const options = readArguments(first, rest);
    super(options, 'p_re_lu');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'alphaInitializer', 'sharedAxes', ...weightRuleKeys(['alpha'])], this.name, 'PReLU.fromConfig');
    this.alphaInitializer = initializerOption(options.alphaInitializer, 'zeros', 'alphaInitializer', this.name);
    const rules = new WeightRules(options, ['alpha'], this.name);
    this.rules = rules;
    Object.assign(this, rules.fields());
    const shared = options.sharedAxes;
    if (shared === undefined || shared === null) this.sharedAxes = null;
    else {
      const list = typeof shared === 'number' ? [shared] : shared;
      if (!Array.isArray(list) || list.some((a) => !Number.isInteger(a) || a < 1) || new Set(list).size !== list.length) {
        throw new ConfigError(`${this.name}: option 'sharedAxes' must be an axis >= 1 or a list of distinct ones (the batch axis is 0), received ${quoted(shared)}`);
      }
      this.sharedAxes = Object.freeze([...list]);
    }
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): PReLU {
    configKerasVersion(options, 'PReLU.fromConfig');
    return new this(kerasOptions('PReLU', config, 'PReLU.fromConfig') as PReLUOptions);
  }

  get className(): string {
    return 'PReLU';
  }

  /** Keras' param_shape: the input's shape without the batch axis, 1 along the shared axes. */
  private alphaShape(shape: Shape): number[] {
    if (!Array.isArray(shape) || shape.length < 2) {
      throw new ShapeError(`${this.name}: input must have a batch axis and at least one more, received shape ${formatShape(shape ?? [])}`);
    }
    const shared = this.sharedAxes ?? [];
    const beyond = shared.find((a) => a >= shape.length);
    if (beyond !== undefined) throw new ShapeError(`${this.name}: shared axis ${beyond} is out of range for inputs of rank ${shape.length}`);
    const dims = shape.slice(1).map((d, i) => (shared.includes(i + 1) ? 1 : d));
    if (dims.some((d) => d === null)) {
      throw new ShapeError(`${this.name}: alpha takes the input's shape without the batch axis, so every axis not in sharedAxes needs a known size (share the time axis with sharedAxes: [1]), received shape ${formatShape(shape)}`);
    }
    return dims as number[];
  }

  protected weightSpecs(inputShapes: Shape[]): WeightSpec[] {
    return [{ name: 'alpha', shape: this.alphaShape(inputShapes[0]), initializer: this.alphaInitializer, trainable: true }];
  }

  protected specsFromWeights(weights: Tensor[]): WeightSpec[] {
    return [{ name: 'alpha', shape: weights.length > 0 ? [...weights[0].shape] : [0], initializer: this.alphaInitializer, trainable: true }];
  }

  computeOutputShape(inputShape: Shape): Shape {
    const have = this.weightLayout?.[0]?.shape;
    if (have) {
      const dims = inputShape.slice(1);
      const fits = dims.length === have.length && dims.every((d, i) => d === null || have[i] === 1 || d === have[i]);
      if (!fits) throw new ShapeError(`${this.name}: input of shape ${formatShape(inputShape)} does not fit alpha of shape ${formatShape(have)}`);
    } else {
      this.alphaShape(inputShape);
    }
    return inputShape;
  }

  getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      alpha_initializer: { class_name: this.alphaInitializer.className, config: this.alphaInitializer.getConfig() },
      ...(this.rules as WeightRules<WeightPrefix>).config(), shared_axes: this.sharedAxes === null ? null : [...this.sharedAxes],
    };
  }

  /** For each value of one sample of this shape, the index of its alpha (broadcast along the axes of size 1). */
  private alphaIndex(shape: readonly number[]): Int32Array {
    this.ensureBuilt([[...shape]]);
    const dims = shape.slice(1);
    const have = this.weightLayout?.[0]?.shape as number[];
    const index = new Int32Array(dims.reduce((p, d) => p * d, 1));
    for (let i = 0; i < index.length; i++) {
      let rest = i;
      let at = 0;
      let stride = 1;
      for (let a = dims.length - 1; a >= 0; a--) {
        if (have[a] !== 1) at += (rest % dims[a]) * stride;
        rest = Math.floor(rest / dims[a]);
        stride *= have[a];
      }
      index[i] = at;
    }
    return index;
  }

  /** @internal alpha for every value of one sample, as the kernel reads it. */
  sampleAlphas(shape: readonly number[]): Float32Array {
    const index = this.alphaIndex(shape);
    const alpha = (this.values as Float32Array[])[0];
    return Float32Array.from(index, (at) => alpha[at]);
  }

  /** @internal Runs the layer inside a model (see Layer.computeOutputs). */
  computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[]): LayerCallResult {
    this.checkNotDisposed('run');
    const x = inputs[0];
    this.computeOutputShape(x.shape);
    const alphas = this.sampleAlphas(x.shape);
    const out = new Float32Array(x.data);
    applyParameterActivation(PARAMETER_ACTIVATION.prelu, out, alphas.length, alphas);
    return { outputs: [new Tensor(out, x.shape)], masks: [masks[0]] };
  }

  /**
   * @internal d loss / d x and d loss / d alpha from d loss / d output: dx = dy where x > 0, alpha
   * dy where x < 0 (0 at 0, relu's slope there); d alpha sums dy * min(x, 0) over the batch and the shared axes.
   */
  gradients(x: Tensor, dY: Float32Array): { x: Float32Array; weights: Float32Array[] } {
    const index = this.alphaIndex(x.shape);
    const alpha = (this.values as Float32Array[])[0];
    const per = index.length;
    const dX = new Float32Array(x.size);
    const dAlpha = new Float64Array(alpha.length);
    for (let i = 0; i < x.size; i++) {
      const v = x.data[i];
      const at = index[i % per];
      dX[i] = v > 0 ? dY[i] : v < 0 ? alpha[at] * dY[i] : 0;
      if (v < 0) dAlpha[at] += dY[i] * v;
    }
    return { x: dX, weights: [Float32Array.from(dAlpha)] };
  }
}

function readArguments(first: PReLUOptions | string | undefined, rest: Omit<PReLUOptions, 'alphaInitializer'> | undefined): PReLUOptions {
  if (typeof first !== 'string') {
    if (rest !== undefined) throw new ConfigError('PReLU: expected (options) or (alphaInitializer, options), received 2 arguments with a first one that is not an initializer name');
    if (first === undefined) return {};
    checkOptionsObject(first, 'PReLU', '{ sharedAxes: [1] }');
    return first;
  }
  if (rest === undefined) return { alphaInitializer: first };
  checkOptionsObject(rest, 'PReLU: options after alphaInitializer', '{ sharedAxes: [1] }');
  if ('alphaInitializer' in rest) throw new ConfigError("PReLU: 'alphaInitializer' is given twice, as the first argument and in the options");
  return { ...rest, alphaInitializer: first };
}
