// Keras Dense on the last axis of any input of rank >= 2.
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers/index.js';
import {
  checkDenseWeightsFit, denseWeightBytes, packDenseWeights, releaseDenseWeights, runDense, type DenseOutput, type PackedDenseWeights,
} from '../kernels/dense.js';
import { defaultInstance } from '../kernels/default-instance.js';
import { OwnedBlock } from '../kernels/owned.js';
import { isSymbolic, type SymbolicTensor } from '../symbolic.js';
import { Tensor, shapeSize, toTensor, type TensorLike } from '../tensor.js';
import { ACTIVATION_NAMES, activationId, type KerasVersion } from './activations.js';
import { applyActivation, type KerasActivationName } from './activation-functions.js';
import { checkKerasActivation } from './activation.js';
import { LAYER_OPTION_KEYS, Layer, type LayerCallResult, type LayerOptions, type Shape } from './layer.js';
import { booleanOption, checkKnownKeys, nextRandomSeed, positionalOptions } from './options.js';
import { checkWeightList } from './weights.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { checkBuildShape } from './validate.js';
import { WeightRules, weightRuleKeys, type WeightRuleFields, type WeightRule, type WeightRuleOptions } from './weight-rules.js';
import { checkApplyOptions, type InferenceOptions } from './call-options.js';

/** Any Keras activation; the kernels' own (ActivationName and softmax) run fused into the GEMM, the others after it. */
export type DenseActivationName = KerasActivationName;

/** Keras' kernel_regularizer, bias_regularizer, kernel_constraint and bias_constraint. */
export interface DenseOptions extends LayerOptions, WeightRuleOptions<'kernel' | 'bias'> {
  units: number;
  /** Default linear (Keras' None). */
  activation?: DenseActivationName | null;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  seed?: number;
  kerasVersion?: KerasVersion;
}

const DENSE_OPTION_KEYS = [...LAYER_OPTION_KEYS, 'units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'seed', 'kerasVersion', ...weightRuleKeys(['kernel', 'bias'])];

/** `(units, activation, options?)` as `(units, { ...options, activation })`. */
function activationSecond(args: readonly unknown[]): readonly unknown[] {
  const [units, activation, options] = args;
  if (args.length < 2 || (typeof activation !== 'string' && activation !== null)) return args;
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) return args;
  if (options && 'activation' in options) throw new ConfigError("Dense: 'activation' is given twice, as the second argument and in the options");
  return [units, { ...(options as object | undefined), activation }];
}

/** Keras' layer.kernel_regularizer, ...: each weight's regularizer (its penalty joins the training loss) and constraint (applied after every optimizer update), null for none. */
export interface Dense extends WeightRuleFields<'kernel' | 'bias'> {}

export class Dense extends Layer {
  /** Keras' layer.output: the symbolic output of the layer's first call (see Layer.output); always one tensor. */
  override get output(): SymbolicTensor {
    return super.output as SymbolicTensor;
  }

  readonly units: number;
  readonly activation: DenseActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly seed: number | undefined;
  readonly kerasVersion: KerasVersion;
  private readonly rules: WeightRules<'kernel' | 'bias'>;
  private weightArrays: Float32Array[] | null = null;
  private readonly packed = new OwnedBlock<PackedDenseWeights>(releaseDenseWeights);
  private inputDim: number | null = null;

  /** `new Dense({ units: 1 })`, or with the units first as in Keras: `new Dense(1, { activation: 'sigmoid' })`. */
  constructor(options: DenseOptions);
  constructor(units: number, options?: Omit<DenseOptions, 'units'>);
  /** Keras' `Dense(10, 'softmax')`: the activation second. */
  constructor(units: number, activation: DenseActivationName | null, options?: Omit<DenseOptions, 'units' | 'activation'>);
  constructor(...args: [DenseOptions] | [number, Omit<DenseOptions, 'units'>?] | [number, DenseActivationName | null, Omit<DenseOptions, 'units' | 'activation'>?]) {
    const options = positionalOptions(activationSecond(args), 'units', 'Dense') as unknown as DenseOptions;
    super(options, 'dense', 'features');
    checkKnownKeys(options, DENSE_OPTION_KEYS, this.name, 'Dense.fromConfig');
    if (!Number.isInteger(options.units) || options.units <= 0) {
      throw new ConfigError(`${this.name}: option 'units' must be a positive integer, received ${quoted(options.units)}`);
    }
    this.units = options.units;
    // Refused at once when even the declared (or a single) input feature's weights cannot fit WebAssembly memory.
    const declaredFeatures = this.batchInputShape?.[this.batchInputShape.length - 1] ?? 1;
    denseWeightBytes(declaredFeatures, this.units, `${this.name}: weights for ${declaredFeatures} input features and ${this.units} units`);
    this.activation = checkKerasActivation(options.activation === undefined ? 'linear' : options.activation, `${this.name}: option 'activation'`);
    this.useBias = booleanOption(options.useBias, true, 'useBias', this.name);
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? 'glorot_uniform', `${this.name}: option 'kernelInitializer'`);
    this.biasInitializer = getInitializer(options.biasInitializer ?? 'zeros', `${this.name}: option 'biasInitializer'`);
    this.seed = options.seed;
    this.kerasVersion = options.kerasVersion ?? 3;
    this.rules = new WeightRules(options, ['kernel', 'bias'], this.name);
    Object.assign(this, this.rules.fields());
  }

  /** @internal */
  override weightRules(): readonly WeightRule[] {
    return this.inputDim === null ? [] : this.rules.rules(['kernel', 'bias'], this.weightShapes(this.inputDim));
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Dense {
    const kerasVersion = configKerasVersion(options, 'Dense.fromConfig');
    return new this({ ...kerasOptions('Dense', config, 'Dense.fromConfig'), kerasVersion } as unknown as DenseOptions);
  }

  get className(): string {
    return 'Dense';
  }

  get built(): boolean {
    return this.packed.current !== null;
  }

  private weightShapes(inputDim: number): number[][] {
    return this.useBias ? [[inputDim, this.units], [this.units]] : [[inputDim, this.units]];
  }

  build(inputShape: Shape): void {
    this.checkNotDisposed('build');
    checkBuildShape(inputShape, this.name);
    const inputDim = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || inputDim === null || inputDim === 0) {
      throw new ShapeError(`${this.name}: build expects an input shape of rank >= 2 with a known, non-zero last axis, received ${formatShape(inputShape)}`);
    }
    this.checkWeightsFit(inputDim);
    const seed = this.seed ?? nextRandomSeed();
    const shapes = this.weightShapes(inputDim);
    const values = [this.kernelInitializer.generate(shapes[0], seed)];
    if (this.useBias) values.push(this.biasInitializer.generate(shapes[1], seed + 1));
    this.install(inputDim, values);
  }

  computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape.slice(0, -1), this.units];
  }

  override outputShapes(inputShapes: Shape[]): Shape[] {
    const shape = inputShapes[0];
    if (shape.length < 2) {
      throw new ShapeError(`${this.name}: input must have rank >= 2, received shape ${formatShape(shape)}`);
    }
    const last = shape[shape.length - 1];
    if (this.inputDim !== null && last !== null && last !== this.inputDim) {
      throw new ShapeError(`${this.name}: input must have ${this.inputDim} features on its last axis, received shape ${formatShape(shape)}`);
    }
    return [this.computeOutputShape(shape)];
  }

  getWeights(): Tensor[] {
    this.checkNotDisposed('get weights');
    if (!this.weightArrays || this.inputDim === null) return [];
    const shapes = this.weightShapes(this.inputDim);
    return this.weightArrays.map((w, i) => new Tensor(w.slice(), shapes[i]));
  }

  setWeights(weights: readonly TensorLike[]): void {
    this.checkNotDisposed('set weights');
    const names = this.useBias ? ['kernel', 'bias'] : ['kernel'];
    const first = Array.isArray(weights) && weights.length > 0 ? toTensor(weights[0], `${this.name}: setWeights kernel`) : null;
    const inputDim = this.inputDim ?? (first && first.rank === 2 ? first.shape[0] : 0);
    const tensors = checkWeightList(this.name, weights, names, this.weightShapes(inputDim));
    this.checkWeightsFit(inputDim);
    this.install(inputDim, tensors.map((t) => new Float32Array(t.data)));
  }

  countParams(): number {
    this.checkNotDisposed('count parameters');
    return this.inputDim === null ? 0 : this.weightShapes(this.inputDim).reduce((sum, s) => sum + shapeSize(s), 0);
  }

  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      ...this.baseConfig(), units: this.units, activation: this.activation, use_bias: this.useBias,
      kernel_initializer: { class_name: this.kernelInitializer.className, config: this.kernelInitializer.getConfig() },
      bias_initializer: { class_name: this.biasInitializer.className, config: this.biasInitializer.getConfig() },
      ...this.rules.config(this.activityRegularizer),
    };
    if (this.batchInputShape) config.batch_input_shape = [...this.batchInputShape];
    return config;
  }

  override dispose(): void {
    this.packed.clear();
    this.weightArrays = null;
    this.inputDim = null;
    super.dispose();
  }

  override apply(x: SymbolicTensor, options?: InferenceOptions): SymbolicTensor;
  override apply(x: TensorLike, options?: InferenceOptions): Tensor;
  override apply(x: TensorLike | SymbolicTensor, options?: InferenceOptions): Tensor | SymbolicTensor {
    checkApplyOptions(options, this.name);
    this.checkNotDisposed('run');
    if (isSymbolic(x)) return this.callSymbolic([x])[0];
    return this.call(toTensor(x, `${this.name}: input x`));
  }

  /** @internal Runs the layer inside a model (see Layer.computeOutputs). */
  computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[]): LayerCallResult {
    return { outputs: [this.call(inputs[0])], masks: [masks[0]] };
  }

  private call(x: Tensor): Tensor {
    this.checkNotDisposed('run');
    this.outputShapes([x.shape]);
    if (this.batchInputShape && !this.batchInputShape.every((d, i) => d === null || d === x.shape[i])) {
      throw new ShapeError(`${this.name}: input x must have shape ${formatShape(this.batchInputShape)}, received ${formatShape(x.shape)}`);
    }
    if (!this.built) this.build(x.shape);
    const packed = this.packed.current as PackedDenseWeights;
    const rows = x.size / packed.inputDim;
    const fused = this.activation === 'softmax' || (ACTIVATION_NAMES as readonly string[]).includes(this.activation);
    const output: DenseOutput = this.activation === 'softmax'
      ? 'softmax'
      : { elementwise: activationId(fused ? this.activation : 'linear', this.kerasVersion, `${this.name}: activation`) };
    const data = rows === 0 ? new Float32Array(0) : runDense(packed, x.data, rows, output, this.name);
    if (!fused) applyActivation(this.activation, this.kerasVersion, data, this.units);
    return new Tensor(data, this.computeOutputShape(x.shape) as number[]);
  }

  /** @internal x·kernel + bias before the activation, for `rows` rows of x (training's backward pass of silu). */
  preActivations(x: Float32Array, rows: number): Float32Array {
    const packed = this.packed.current as PackedDenseWeights;
    return rows === 0 ? new Float32Array(0) : runDense(packed, x, rows, { elementwise: activationId('linear', this.kerasVersion, `${this.name}: activation`) }, this.name);
  }

  /** Refuses, before any initializer runs, weights whose packing cannot fit WebAssembly memory. */
  private checkWeightsFit(inputDim: number): void {
    checkDenseWeightsFit(defaultInstance(), inputDim, this.units, () => `${this.name}: weights for ${inputDim} input features and ${this.units} units`);
  }

  private install(inputDim: number, values: Float32Array[]): void {
    const packed = packDenseWeights(defaultInstance(), inputDim, this.units, values[0], values[1] ?? null);
    this.packed.replace(this, packed);
    this.weightArrays = values;
    this.inputDim = inputDim;
  }
}
