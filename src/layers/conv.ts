// Keras Conv1D, Conv2D and Conv3D (channels_last): cross-correlation through the packed GEMM
// (assembly/conv.ts), TensorFlow padding rules, strides, dilation, groups, bias and activation.
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers/index.js';
import { convWeightBytes, packConvWeights, releaseConvWeights, runConv, type Extents3, type PackedConvWeights } from '../kernels/conv.js';
import type { DenseOutput } from '../kernels/dense.js';
import { defaultInstance } from '../kernels/default-instance.js';
import { OwnedBlock } from '../kernels/owned.js';
import { type SymbolicTensor } from '../symbolic.js';
import { Tensor, shapeSize, toTensor, type TensorLike } from '../tensor.js';
import { ACTIVATION_NAMES, activationId, type KerasVersion } from './activations.js';
import { checkKerasActivation } from './activation.js';
import { applyActivation } from './activation-functions.js';
import { callGeometry, checkWindowSpans, dataFormatOption, filtersKernelOptions, outputExtents, paddingOption, spatialAxes, tupleOption } from './conv-geometry.js';
import type { DenseActivationName } from './dense.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { LAYER_OPTION_KEYS, Layer, type LayerCallResult, type LayerOptions, type Shape } from './layer.js';
import { booleanOption, checkKnownKeys, nextRandomSeed } from './options.js';
import { checkBuildShape } from './validate.js';
import { checkWeightList } from './weights.js';
import { applyOne } from './unary.js';
import { WeightRules, weightRuleKeys, type WeightRuleFields, type WeightRule, type WeightRuleOptions } from './weight-rules.js';
import type { InferenceOptions } from './call-options.js';

/** TensorFlow's padding modes; 'causal' is Conv1D only. */
export type ConvPadding = 'valid' | 'same' | 'causal';

/** Keras' kernel_ and bias_regularizer / _constraint; the kernel is (...kernelSize, channels / groups, filters). */
export interface ConvOptions extends LayerOptions, WeightRuleOptions<'kernel' | 'bias'> {
  filters: number;
  /** An integer (the same on every spatial axis) or one per axis. */
  kernelSize: number | readonly number[];
  /** Default 1. */
  strides?: number | readonly number[];
  /** Default 'valid'; 'causal' is Conv1D only. */
  padding?: ConvPadding;
  /** Only 'channels_last' (Keras' default). */
  dataFormat?: 'channels_last';
  /** Default 1; Keras does not combine a dilation above 1 with a stride above 1. */
  dilationRate?: number | readonly number[];
  /** Default 1: input channels and filters split into this many independent blocks. */
  groups?: number;
  /** Default linear (Keras' None). */
  activation?: DenseActivationName | null;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  seed?: number;
  kerasVersion?: KerasVersion;
}

const CONV_OPTION_KEYS = [
  ...LAYER_OPTION_KEYS, 'filters', 'kernelSize', 'strides', 'padding', 'dataFormat', 'dilationRate', 'groups', 'activation', 'useBias',
  'kernelInitializer', 'biasInitializer', 'seed', 'kerasVersion', ...weightRuleKeys(['kernel', 'bias']),
];

type ConvArgs = [ConvOptions] | [number, number | readonly number[], Omit<ConvOptions, 'filters' | 'kernelSize'>?];

/** Keras' layer.kernel_regularizer, ...: each weight's regularizer (its penalty joins the training loss) and constraint (applied after every optimizer update), null for none. */
export interface Conv extends WeightRuleFields<'kernel' | 'bias'> {}

export abstract class Conv extends Layer {
  /** Keras' layer.output: the symbolic output of the layer's first call (see Layer.output); always one tensor. */
  override get output(): SymbolicTensor {
    return super.output as SymbolicTensor;
  }

  /** Spatial axes: 1 for Conv1D, 2 for Conv2D, 3 for Conv3D. */
  readonly rank: number;
  readonly filters: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: ConvPadding;
  readonly dataFormat: 'channels_last';
  readonly dilationRate: readonly number[];
  readonly groups: number;
  readonly activation: DenseActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly seed: number | undefined;
  readonly kerasVersion: KerasVersion;
  private weightArrays: Float32Array[] | null = null;
  private readonly packed = new OwnedBlock<PackedConvWeights>(releaseConvWeights);
  private inputChannels: number | null = null;
  private readonly rules: WeightRules<'kernel' | 'bias'>;

  protected constructor(rank: number, args: readonly unknown[], className: string, namePrefix: string) {
    const options = filtersKernelOptions<ConvOptions>(args, className, "{ activation: 'relu' }");
    super(options, namePrefix);
    checkKnownKeys(options, CONV_OPTION_KEYS, this.name, `${className}.fromConfig`);
    this.rank = rank;
    if (!Number.isSafeInteger(options.filters) || options.filters <= 0) {
      throw new ConfigError(`${this.name}: option 'filters' must be a positive integer, received ${quoted(options.filters)}`);
    }
    this.filters = options.filters;
    this.kernelSize = tupleOption(options.kernelSize, rank, 'kernelSize', this.name);
    this.strides = tupleOption(options.strides, rank, 'strides', this.name, Array(rank).fill(1));
    this.dilationRate = tupleOption(options.dilationRate, rank, 'dilationRate', this.name, Array(rank).fill(1));
    checkWindowSpans(this.kernelSize, this.dilationRate, this.name, 'kernelSize');
    this.padding = paddingOption(options.padding, rank === 1, this.name);
    this.dataFormat = dataFormatOption(options.dataFormat, this.name);
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw new ConfigError(`${this.name}: strides ${quoted(this.strides)} above 1 cannot be combined with dilationRate ${quoted(this.dilationRate)} above 1 (as in Keras)`);
    }
    const groups = options.groups ?? 1;
    if (!Number.isSafeInteger(groups) || groups <= 0 || this.filters % groups !== 0) {
      throw new ConfigError(`${this.name}: option 'groups' must be a positive integer that divides filters (${this.filters}), received ${quoted(options.groups)}`);
    }
    this.groups = groups;
    // Any Keras activation: the kernels' own run fused after the product, the others (gelu, mish, ...) after it.
    this.activation = checkKerasActivation(options.activation === undefined ? 'linear' : options.activation, `${this.name}: option 'activation'`);
    this.useBias = booleanOption(options.useBias, true, 'useBias', this.name);
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? 'glorot_uniform', `${this.name}: option 'kernelInitializer'`);
    this.biasInitializer = getInitializer(options.biasInitializer ?? 'zeros', `${this.name}: option 'biasInitializer'`);
    this.seed = options.seed;
    this.kerasVersion = options.kerasVersion ?? 3;
    this.rules = new WeightRules(options, ['kernel', 'bias'], this.name);
    Object.assign(this, this.rules.fields());
    // Refused at once when even the declared (or a single group's) channels' weights cannot fit WebAssembly memory.
    const declared = this.batchInputShape?.[this.batchInputShape.length - 1] ?? this.groups;
    this.checkWeightsFit(declared);
  }

  get built(): boolean {
    return this.packed.current !== null;
  }

  /** @internal */
  override weightRules(): readonly WeightRule[] {
    return this.inputChannels === null ? [] : this.rules.rules(['kernel', 'bias'], this.weightShapes(this.inputChannels));
  }

  private weightShapes(channels: number): number[][] {
    const kernel = [...this.kernelSize, channels / this.groups, this.filters];
    return this.useBias ? [kernel, [this.filters]] : [kernel];
  }

  build(inputShape: Shape): void {
    this.checkNotDisposed('build');
    checkBuildShape(inputShape, this.name);
    spatialAxes(inputShape, this.rank, this.name);
    const channels = this.checkChannels(inputShape);
    if (channels === null) {
      throw new ShapeError(`${this.name}: build expects an input shape with a known channel axis, received ${formatShape(inputShape)}`);
    }
    this.checkWeightsFit(channels);
    const seed = this.seed ?? nextRandomSeed();
    const shapes = this.weightShapes(channels);
    const values = [this.kernelInitializer.generate(shapes[0], seed)];
    if (this.useBias) values.push(this.biasInitializer.generate(shapes[1], seed + 1));
    this.install(channels, values);
  }

  /** The input's channel count (null when unknown), checked against groups and the built weights. */
  private checkChannels(inputShape: Shape): number | null {
    const channels = inputShape[inputShape.length - 1];
    if (channels === null) return null;
    if (channels === 0 || channels % this.groups !== 0) {
      throw new ShapeError(`${this.name}: the input's channel axis (${channels}) must be a positive multiple of groups (${this.groups}), received shape ${formatShape(inputShape)}`);
    }
    if (this.inputChannels !== null && channels !== this.inputChannels) {
      throw new ShapeError(`${this.name}: input must have ${this.inputChannels} channels on its last axis, received shape ${formatShape(inputShape)}`);
    }
    return channels;
  }

  computeOutputShape(inputShape: Shape): Shape {
    const spatial = spatialAxes(inputShape, this.rank, this.name);
    const out = outputExtents(spatial, this.windowSpec(), this.name, inputShape);
    return [inputShape[0], ...out, this.filters];
  }

  override outputShapes(inputShapes: Shape[]): Shape[] {
    const shape = checkBuildShape(inputShapes[0], this.name);
    spatialAxes(shape, this.rank, this.name);
    this.checkChannels(shape);
    return [this.computeOutputShape(shape)];
  }

  private windowSpec() {
    return { kernel: this.kernelSize, strides: this.strides, dilations: this.dilationRate, padding: this.padding };
  }

  getWeights(): Tensor[] {
    this.checkNotDisposed('get weights');
    if (!this.weightArrays || this.inputChannels === null) return [];
    const shapes = this.weightShapes(this.inputChannels);
    return this.weightArrays.map((w, i) => new Tensor(w.slice(), shapes[i]));
  }

  setWeights(weights: readonly TensorLike[]): void {
    this.checkNotDisposed('set weights');
    const names = this.useBias ? ['kernel', 'bias'] : ['kernel'];
    const first = Array.isArray(weights) && weights.length > 0 ? toTensor(weights[0], `${this.name}: setWeights kernel`) : null;
    const perGroup = first && first.rank === this.rank + 2 ? first.shape[this.rank] : 0;
    const channels = this.inputChannels ?? perGroup * this.groups;
    const tensors = checkWeightList(this.name, weights, names, this.weightShapes(channels));
    this.checkWeightsFit(channels);
    this.install(channels, tensors.map((t) => new Float32Array(t.data)));
  }

  countParams(): number {
    this.checkNotDisposed('count parameters');
    return this.inputChannels === null ? 0 : this.weightShapes(this.inputChannels).reduce((sum, s) => sum + shapeSize(s), 0);
  }

  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      ...this.baseConfig(), filters: this.filters, kernel_size: [...this.kernelSize],
      strides: [...this.strides], padding: this.padding, data_format: this.dataFormat, dilation_rate: [...this.dilationRate],
      groups: this.groups, activation: this.activation, use_bias: this.useBias,
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
    this.inputChannels = null;
    super.dispose();
  }

  override apply(x: SymbolicTensor, options?: InferenceOptions): SymbolicTensor;
  override apply(x: TensorLike, options?: InferenceOptions): Tensor;
  override apply(x: TensorLike | SymbolicTensor, options?: InferenceOptions): Tensor | SymbolicTensor {
    return applyOne(this, x, options);
  }

  /** @internal Runs the layer inside a model; Keras' convolutions do not carry a mask on. */
  computeOutputs(inputs: Tensor[]): LayerCallResult {
    return { outputs: [this.call(inputs[0])], masks: [undefined] };
  }

  private call(x: Tensor): Tensor {
    this.checkNotDisposed('run');
    const outputShape = this.outputShapes([x.shape])[0] as number[];
    if (this.batchInputShape && !this.batchInputShape.every((d, i) => d === null || d === x.shape[i])) {
      throw new ShapeError(`${this.name}: input x must have shape ${formatShape(this.batchInputShape)}, received ${formatShape(x.shape)}`);
    }
    if (!this.built) this.build(x.shape);
    const packed = this.packed.current as PackedConvWeights;
    if (shapeSize(outputShape) === 0 || x.size === 0) return new Tensor(new Float32Array(shapeSize(outputShape)), outputShape);
    const fused = isFusedActivation(this.activation);
    const output: DenseOutput = this.activation === 'softmax'
      ? 'softmax'
      : { elementwise: activationId(fused ? this.activation : 'linear', this.kerasVersion, `${this.name}: activation`) };
    const geometry = callGeometry(x.shape, this.windowSpec(), this.filters, this.groups);
    const data = runConv(packed, x.data, geometry, output, () => `${this.name}: ${this.className} on input of shape ${formatShape(x.shape)}`);
    if (!fused) applyActivation(this.activation, this.kerasVersion, data, this.filters);
    return new Tensor(data, outputShape);
  }

  private shapeOf(channels: number) {
    const kernel = [...Array(3 - this.rank).fill(1), ...this.kernelSize] as unknown as Extents3;
    return { kernel, channels, filters: this.filters, groups: this.groups };
  }

  /** Refuses, before any initializer runs, weights whose packing cannot fit WebAssembly memory. */
  private checkWeightsFit(channels: number): void {
    convWeightBytes(this.shapeOf(channels), () => `${this.name}: weights for ${channels} input channels and ${this.filters} filters`);
  }

  private install(channels: number, values: Float32Array[]): void {
    const what = () => `${this.name}: weights for ${channels} input channels and ${this.filters} filters`;
    const packed = packConvWeights(defaultInstance(), this.shapeOf(channels), values[0], values[1] ?? null, what);
    this.packed.replace(this, packed);
    this.weightArrays = values;
    this.inputChannels = channels;
  }
}

/** @internal Whether the convolution kernels apply `activation` themselves (softmax and the kernels' ActivationName). */
export function isFusedActivation(activation: string): boolean {
  return activation === 'softmax' || (ACTIVATION_NAMES as readonly string[]).includes(activation);
}

function fromConfigOptions(className: string, config: Record<string, unknown>, options: LayerFromConfigOptions): ConvOptions {
  const where = `${className}.fromConfig`;
  const kerasVersion = configKerasVersion(options, where);
  return { ...kerasOptions(className, config, where), kerasVersion } as unknown as ConvOptions;
}

/** Keras Conv1D over (batch, steps, channels). */
export class Conv1D extends Conv {
  /** `new Conv1D({ filters: 64, kernelSize: 3 })`, or as in Keras: `new Conv1D(64, 3, { activation: 'relu' })`. */
  constructor(options: ConvOptions);
  constructor(filters: number, kernelSize: number | readonly number[], options?: Omit<ConvOptions, 'filters' | 'kernelSize'>);
  constructor(...args: ConvArgs) {
    super(1, args, 'Conv1D', 'conv1d');
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Conv1D {
    return new this(fromConfigOptions('Conv1D', config, options));
  }

  get className(): string {
    return 'Conv1D';
  }
}

/** Keras Conv2D over (batch, rows, cols, channels). */
export class Conv2D extends Conv {
  constructor(options: ConvOptions);
  constructor(filters: number, kernelSize: number | readonly number[], options?: Omit<ConvOptions, 'filters' | 'kernelSize'>);
  constructor(...args: ConvArgs) {
    super(2, args, 'Conv2D', 'conv2d');
  }

  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Conv2D {
    return new this(fromConfigOptions('Conv2D', config, options));
  }

  get className(): string {
    return 'Conv2D';
  }
}

/** Keras Conv3D over (batch, dim1, dim2, dim3, channels). */
export class Conv3D extends Conv {
  constructor(options: ConvOptions);
  constructor(filters: number, kernelSize: number | readonly number[], options?: Omit<ConvOptions, 'filters' | 'kernelSize'>);
  constructor(...args: ConvArgs) {
    super(3, args, 'Conv3D', 'conv3d');
  }

  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Conv3D {
    return new this(fromConfigOptions('Conv3D', config, options));
  }

  get className(): string {
    return 'Conv3D';
  }
}
