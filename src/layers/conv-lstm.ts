// Keras ConvLSTM1D and ConvLSTM2D (channels_last; Keras 3 semantics, which are Keras 2's maths):
// an LSTM whose products are convolutions, the input one with the layer's strides, padding and
// dilation, the recurrent one stride 1 'same'. The sequence loop runs in WebAssembly
// (assembly/conv_lstm.ts) on the convolution kernel of assembly/conv.ts.
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers/index.js';
import type { Extents3 } from '../kernels/conv.js';
import { packConvLstmWeights, releaseConvLstmWeights, runConvLstm, type PackedConvLstmWeights } from '../kernels/conv-lstm.js';
import { defaultInstance } from '../kernels/default-instance.js';
import { OwnedBlock } from '../kernels/owned.js';
import { paddedUnits } from '../kernels/recurrent.js';
import { floatBytes } from '../kernels/sizes.js';
import { isSymbolic, type SymbolicTensor } from '../symbolic.js';
import { Tensor, shapeSize, toTensor, type TensorLike } from '../tensor.js';
import { activationId, checkActivation, type ActivationName, type KerasVersion } from './activations.js';
import { callGeometry, checkWindowSpans, dataFormatOption, filtersKernelOptions, outputExtents, paddingOption, spatialAxes, tupleOption } from './conv-geometry.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { LAYER_OPTION_KEYS, Layer, type LayerCallResult, type LayerOptions, type Shape } from './layer.js';
import { booleanOption, checkKnownKeys, checkOptionsObject, nextRandomSeed, rateOption } from './options.js';
import type { ExactArgs, OptionFlag, RecurrentOutput } from './recurrent.js';
import { checkBuildShape } from './validate.js';
import { checkWeightList } from './weights.js';
import { WeightRules, weightRuleKeys, type WeightRuleFields, type WeightRuleOptions } from './weight-rules.js';
import { checkTrainingFlag, type InferenceOptions } from './call-options.js';

/** The regularizers and constraints are kept in the config (ConvLSTM does not train here). */
export interface ConvLSTMOptions extends LayerOptions, WeightRuleOptions<'kernel' | 'recurrent' | 'bias'> {
  filters: number;
  /** An integer (the same on every spatial axis) or one per axis. */
  kernelSize: number | readonly number[];
  /** Of the input convolution; default 1. The recurrent convolution always has stride 1. */
  strides?: number | readonly number[];
  /** Of the input convolution, default 'valid'; the recurrent convolution is always 'same'. */
  padding?: 'valid' | 'same';
  /** Only 'channels_last' (Keras' default). */
  dataFormat?: 'channels_last';
  /** Of the input convolution; default 1. */
  dilationRate?: number | readonly number[];
  /** Default tanh. */
  activation?: ActivationName | null;
  /** Default sigmoid. */
  recurrentActivation?: ActivationName | null;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  recurrentInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  /** Default true: the forget gate's bias starts at 1. */
  unitForgetBias?: boolean;
  returnSequences?: boolean;
  /** `apply` returns [output, h, c]. */
  returnState?: boolean;
  goBackwards?: boolean;
  /** Only false: ConvLSTM layers here keep no states between calls. */
  stateful?: boolean;
  /** Training-time only; accepted and kept in the config. */
  dropout?: number;
  recurrentDropout?: number;
  seed?: number;
  kerasVersion?: KerasVersion;
}

export interface ConvLSTMApplyOptions extends InferenceOptions {
  /** [h, c], each (batch, ...spatial', filters). */
  initialState?: readonly TensorLike[];
}

const CONV_LSTM_OPTION_KEYS = [
  ...LAYER_OPTION_KEYS, 'filters', 'kernelSize', 'strides', 'padding', 'dataFormat', 'dilationRate', 'activation', 'recurrentActivation',
  'useBias', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer', 'unitForgetBias', 'returnSequences', 'returnState',
  'goBackwards', 'stateful', 'dropout', 'recurrentDropout', 'seed', 'kerasVersion', ...weightRuleKeys(['kernel', 'recurrent', 'bias']),
];

/** What `new ConvLSTM1D(...)` / `new ConvLSTM2D(...)` take: `(options)` or `(filters, kernelSize, options?)`. */
export type ConvLSTMArgs =
  | [options: ConvLSTMOptions]
  | [filters: number, kernelSize: number | readonly number[], options?: Omit<ConvLSTMOptions, 'filters' | 'kernelSize'>];

/** The returnState option as constructor arguments `A` give it (see OptionFlag). */
type ConvLSTMReturnState<A> = A extends [unknown, unknown, infer O] ? OptionFlag<[O], 'returnState'>
  : A extends [number, unknown] ? false : OptionFlag<A, 'returnState'>;

/** What `apply` returns: the output, or with returnState [output, h, c]; `T | T[]` when only the run time knows. */
export type ConvLSTMOutput<T, ReturnState extends boolean> = RecurrentOutput<T, ReturnState, ['h', 'c']>;

const WEIGHT_NAMES = ['kernel', 'recurrent_kernel', 'bias'];

/** `ReturnState` is the returnState option as the constructor call gave it, for typing `apply`. */
/** Keras' layer.kernel_regularizer, ...: each weight's regularizer (its penalty joins the training loss) and constraint (applied after every optimizer update), null for none. */
export interface ConvLSTM<ReturnState extends boolean = boolean> extends WeightRuleFields<'kernel' | 'recurrent' | 'bias'> {}

export abstract class ConvLSTM<ReturnState extends boolean = boolean> extends Layer {
  /** Spatial axes: 1 for ConvLSTM1D, 2 for ConvLSTM2D. */
  readonly rank: number;
  readonly filters: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: 'valid' | 'same';
  readonly dataFormat: 'channels_last';
  readonly dilationRate: readonly number[];
  readonly activation: ActivationName;
  readonly recurrentActivation: ActivationName;
  readonly useBias: boolean;
  readonly unitForgetBias: boolean;
  readonly returnSequences: boolean;
  readonly returnState: ReturnState;
  readonly goBackwards: boolean;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly seed: number | undefined;
  readonly kerasVersion: KerasVersion;
  private readonly dropout: number;
  private readonly recurrentDropout: number;
  private weightArrays: Float32Array[] | null = null;
  private readonly packed = new OwnedBlock<PackedConvLstmWeights>(releaseConvLstmWeights);
  private inputChannels: number | null = null;
  private readonly rules: WeightRules<'kernel' | 'recurrent' | 'bias'>;

  protected constructor(rank: number, args: readonly unknown[], className: string, namePrefix: string) {
    const options = filtersKernelOptions<ConvLSTMOptions>(args, className, '{ returnSequences: true }');
    super(options, namePrefix);
    checkKnownKeys(options, CONV_LSTM_OPTION_KEYS, this.name, `${className}.fromConfig`);
    this.rank = rank;
    if (!Number.isSafeInteger(options.filters) || options.filters <= 0) {
      throw new ConfigError(`${this.name}: option 'filters' must be a positive integer, received ${quoted(options.filters)}`);
    }
    this.filters = options.filters;
    this.kernelSize = tupleOption(options.kernelSize, rank, 'kernelSize', this.name);
    this.strides = tupleOption(options.strides, rank, 'strides', this.name, Array(rank).fill(1));
    this.dilationRate = tupleOption(options.dilationRate, rank, 'dilationRate', this.name, Array(rank).fill(1));
    checkWindowSpans(this.kernelSize, this.dilationRate, this.name, 'kernelSize');
    this.padding = paddingOption(options.padding, false, this.name) as 'valid' | 'same';
    this.dataFormat = dataFormatOption(options.dataFormat, this.name);
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw new ConfigError(`${this.name}: strides ${quoted(this.strides)} above 1 cannot be combined with dilationRate ${quoted(this.dilationRate)} above 1 (as in Keras)`);
    }
    this.activation = checkActivation(options.activation === undefined ? 'tanh' : options.activation, `${this.name}: option 'activation'`);
    this.recurrentActivation = checkActivation(
      options.recurrentActivation === undefined ? 'sigmoid' : options.recurrentActivation, `${this.name}: option 'recurrentActivation'`,
    );
    this.useBias = booleanOption(options.useBias, true, 'useBias', this.name);
    this.unitForgetBias = booleanOption(options.unitForgetBias, true, 'unitForgetBias', this.name);
    this.returnSequences = booleanOption(options.returnSequences, false, 'returnSequences', this.name);
    this.returnState = booleanOption(options.returnState, false, 'returnState', this.name) as ReturnState;
    this.goBackwards = booleanOption(options.goBackwards, false, 'goBackwards', this.name);
    if (booleanOption(options.stateful, false, 'stateful', this.name)) {
      throw new ConfigError(`${this.name}: option 'stateful' true is not supported by ${className}; expected false`);
    }
    this.dropout = rateOption(options.dropout, 'dropout', this.name);
    this.recurrentDropout = rateOption(options.recurrentDropout, 'recurrentDropout', this.name);
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? 'glorot_uniform', `${this.name}: option 'kernelInitializer'`);
    this.recurrentInitializer = getInitializer(options.recurrentInitializer ?? 'orthogonal', `${this.name}: option 'recurrentInitializer'`);
    this.biasInitializer = getInitializer(options.biasInitializer ?? 'zeros', `${this.name}: option 'biasInitializer'`);
    if (options.seed !== undefined && !Number.isInteger(options.seed)) {
      throw new ConfigError(`${this.name}: option 'seed' must be an integer, received ${quoted(options.seed)}`);
    }
    this.seed = options.seed;
    const kerasVersion = options.kerasVersion ?? 3;
    if (kerasVersion !== 2 && kerasVersion !== 3) {
      throw new ConfigError(`${this.name}: option 'kerasVersion' must be 2 or 3, received ${quoted(kerasVersion)}`);
    }
    this.kerasVersion = kerasVersion;
    this.rules = new WeightRules(options, ['kernel', 'recurrent', 'bias'], this.name);
    Object.assign(this, this.rules.fields());
    // The recurrent kernel does not depend on the input: refused at once when it cannot fit.
    floatBytes([...this.kernelSize, paddedUnits(this.filters), 4 * paddedUnits(this.filters)], () => `${this.name}: recurrent_kernel for ${this.filters} filters`);
  }

  /** State names in Keras order. */
  get stateNames(): readonly string[] {
    return ['h', 'c'];
  }

  get built(): boolean {
    return this.packed.current !== null;
  }

  /** The weights' shapes in Keras get_weights() order for C input channels. */
  weightShapes(channels: number): number[][] {
    const F = this.filters;
    const shapes = [[...this.kernelSize, channels, 4 * F], [...this.kernelSize, F, 4 * F]];
    return this.useBias ? [...shapes, [4 * F]] : shapes;
  }

  /** Creates the weights from the initializers for input shape (B, T, ...spatial, C). */
  build(inputShape: Shape): void {
    this.checkNotDisposed('build');
    const channels = this.checkInput(checkBuildShape(inputShape, this.name));
    if (channels === null) {
      throw new ShapeError(`${this.name}: build expects an input shape with a known channel axis, received ${formatShape(inputShape)}`);
    }
    const seed = this.seed ?? nextRandomSeed();
    const shapes = this.weightShapes(channels);
    const initializers = [this.kernelInitializer, this.recurrentInitializer, this.biasInitializer];
    const values = shapes.map((shape, i) => initializers[i].generate(shape, seed + i));
    if (this.useBias && this.unitForgetBias) values[2].fill(1, this.filters, 2 * this.filters);
    this.install(channels, values);
  }

  /** The spatial axes of (B, T, ...spatial, C) checked, and the channel count (null when unknown). */
  private checkInput(shape: Shape): number | null {
    if (shape.length !== this.rank + 3) {
      const axes = this.rank === 1 ? 'steps' : 'rows, cols';
      throw new ShapeError(`${this.name}: input must have rank ${this.rank + 3} (batch, time, ${axes}, channels), received shape ${formatShape(shape)}`);
    }
    const channels = shape[shape.length - 1];
    if (channels === 0) throw new ShapeError(`${this.name}: the input's channel axis must be positive, received shape ${formatShape(shape)}`);
    if (channels !== null && this.inputChannels !== null && channels !== this.inputChannels) {
      throw new ShapeError(`${this.name}: input must have ${this.inputChannels} channels on its last axis, received shape ${formatShape(shape)}`);
    }
    return channels;
  }

  /** (B, ...spatial', F): the spatial shape of the input convolution's output. */
  private stateShape(inputShape: Shape): Shape {
    const frame = [inputShape[0], ...inputShape.slice(2)];
    const spatial = spatialAxes(frame, this.rank, this.name);
    return [inputShape[0], ...outputExtents(spatial, this.windowSpec(), this.name, inputShape), this.filters];
  }

  computeOutputShape(inputShape: Shape): Shape | Shape[] {
    this.checkInput(inputShape);
    const state = this.stateShape(inputShape);
    const output = this.returnSequences ? [state[0], inputShape[1], ...state.slice(1)] : state;
    return this.returnState ? [output, state, [...state]] : output;
  }

  /** @internal Inputs are x then, optionally, the initial states h and c. */
  override outputShapes(inputShapes: Shape[]): Shape[] {
    const shape = checkBuildShape(inputShapes[0], this.name);
    const shapes = super.outputShapes([shape]);
    if (inputShapes.length !== 1 && inputShapes.length !== 3) {
      throw new ShapeError(`${this.name}: expected the input alone or with its initial states [h, c], received ${inputShapes.length} inputs`);
    }
    if (inputShapes.length === 3) {
      const state = this.stateShape(shape);
      inputShapes.slice(1).forEach((given, i) => {
        const fits = given.length === state.length && given.every((d, k) => d === null || state[k] === null || d === state[k]);
        if (!fits) throw new ShapeError(`${this.name}: initialState[${i}] (${this.stateNames[i]}) must have shape ${formatShape(state)}, received ${formatShape(given)}`);
      });
    }
    return shapes;
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
    const names = WEIGHT_NAMES.slice(0, this.useBias ? 3 : 2);
    const first = Array.isArray(weights) && weights.length > 0 ? toTensor(weights[0], `${this.name}: setWeights kernel`) : null;
    const channels = this.inputChannels ?? (first && first.rank === this.rank + 2 ? first.shape[this.rank] : 0);
    const tensors = checkWeightList(this.name, weights, names, this.weightShapes(channels));
    this.install(channels, tensors.map((t) => new Float32Array(t.data)));
  }

  countParams(): number {
    this.checkNotDisposed('count parameters');
    return this.inputChannels === null ? 0 : this.weightShapes(this.inputChannels).reduce((sum, s) => sum + shapeSize(s), 0);
  }

  getConfig(): Record<string, unknown> {
    const initializer = (i: Initializer) => ({ class_name: i.className, config: i.getConfig() });
    const config: Record<string, unknown> = {
      ...this.baseConfig(), filters: this.filters, kernel_size: [...this.kernelSize],
      strides: [...this.strides], padding: this.padding, data_format: this.dataFormat, dilation_rate: [...this.dilationRate],
      activation: this.activation, recurrent_activation: this.recurrentActivation, use_bias: this.useBias,
      kernel_initializer: initializer(this.kernelInitializer), recurrent_initializer: initializer(this.recurrentInitializer),
      bias_initializer: initializer(this.biasInitializer), unit_forget_bias: this.unitForgetBias, ...this.rules.config(this.activityRegularizer),
      return_sequences: this.returnSequences, return_state: this.returnState, go_backwards: this.goBackwards, stateful: false,
      dropout: this.dropout, recurrent_dropout: this.recurrentDropout, seed: this.seed ?? null,
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

  /**
   * Runs the layer on x (batch, time, ...spatial, channels). Returns the output, or with
   * returnState [output, h, c], as Keras does.
   */
  override apply(x: SymbolicTensor, options?: { initialState?: readonly SymbolicTensor[] }): ConvLSTMOutput<SymbolicTensor, ReturnState>;
  override apply(x: TensorLike, options?: ConvLSTMApplyOptions): ConvLSTMOutput<Tensor, ReturnState>;
  override apply(x: TensorLike | SymbolicTensor, options: ConvLSTMApplyOptions | { initialState?: readonly SymbolicTensor[] } = {}): unknown {
    this.checkNotDisposed('run');
    checkOptionsObject(options, `${this.name}: apply options`, '{ initialState: [h, c] }');
    checkKnownKeys(options as Record<string, unknown>, ['initialState', 'training'], `${this.name}: apply`, `${this.name}: apply`);
    checkTrainingFlag(options as object, this.name);
    const states = (options as { initialState?: readonly unknown[] }).initialState;
    if (states !== undefined && (!Array.isArray(states) || states.length !== 2)) {
      throw new ShapeError(`${this.name}: initialState must be a list of 2 state tensors [h, c], received ${Array.isArray(states) ? states.length : typeof states}`);
    }
    if (isSymbolic(x)) {
      if (states && !states.every(isSymbolic)) throw new ConfigError(`${this.name}: a symbolic call takes symbolic initial states`);
      const outputs = this.callSymbolic([x, ...((states ?? []) as SymbolicTensor[])]);
      return this.returnState ? outputs : outputs[0];
    }
    const input = toTensor(x, `${this.name}: input x`);
    const initial = states?.map((s, i) => toTensor(s, `${this.name}: initialState[${i}]`));
    const outputs = this.call(input, initial);
    return this.returnState ? outputs : outputs[0];
  }

  /** @internal Inputs are x then the initial states; a mask is refused (Keras' 5-D masks are rare and not supported here). */
  computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[]): LayerCallResult {
    if (masks[0] !== undefined) throw new ConfigError(`${this.name}: ${this.className} does not support an input mask here`);
    const outputs = this.call(inputs[0], inputs.length > 1 ? inputs.slice(1) : undefined);
    return { outputs, masks: outputs.map(() => undefined) };
  }

  private call(x: Tensor, initialState: Tensor[] | undefined): Tensor[] {
    this.checkNotDisposed('run');
    const shapes = [x.shape, ...(initialState ?? []).map((s) => s.shape)];
    const outputShapes = this.outputShapes(shapes) as number[][];
    if (this.batchInputShape && !(this.batchInputShape.length === x.rank && this.batchInputShape.every((d, i) => d === null || d === x.shape[i]))) {
      throw new ShapeError(`${this.name}: input x must have shape ${formatShape(this.batchInputShape)}, received ${formatShape(x.shape)}`);
    }
    if (!this.built) this.build(x.shape);
    const stateShape = this.stateShape(x.shape) as number[];
    const [batch, steps] = x.shape;
    if (x.size === 0 || shapeSize(stateShape) === 0 || steps === 0) {
      // No frames or no positions: Keras' zero initial states are the result.
      return outputShapes.map((shape, i) => (i > 0 && initialState ? new Tensor(initialState[i - 1].data.slice(), shape) : new Tensor(new Float32Array(shapeSize(shape)), shape)));
    }
    const frame = callGeometry([batch * steps, ...x.shape.slice(2)], this.windowSpec(), 4 * paddedUnits(this.filters), 1);
    const result = runConvLstm(this.packed.current as PackedConvLstmWeights, x.data, {
      batch, steps, frame,
      activation: activationId(this.activation, this.kerasVersion, `${this.name}: activation`),
      recurrentActivation: activationId(this.recurrentActivation, this.kerasVersion, `${this.name}: recurrentActivation`),
      returnSequences: this.returnSequences, goBackwards: this.goBackwards,
      initialState: initialState ? [initialState[0].data, initialState[1].data] : null,
    }, () => `${this.name}: ${this.className} on input of shape ${formatShape(x.shape)}`);
    const outputs = [new Tensor(result.output, outputShapes[0])];
    if (this.returnState) outputs.push(new Tensor(result.h, stateShape), new Tensor(result.c, [...stateShape]));
    return outputs;
  }

  private kernelExtents(): Extents3 {
    return [...Array(3 - this.rank).fill(1), ...this.kernelSize] as unknown as Extents3;
  }

  private install(channels: number, values: Float32Array[]): void {
    const what = () => `${this.name}: weights for ${channels} input channels and ${this.filters} filters`;
    floatBytes([...this.kernelSize, Math.max(channels, paddedUnits(this.filters)), 4 * paddedUnits(this.filters)], what);
    const packed = packConvLstmWeights(defaultInstance(), this.kernelExtents(), channels, this.filters, values[0], values[1], values[2] ?? null, what);
    this.packed.replace(this, packed);
    this.weightArrays = values;
    this.inputChannels = channels;
  }
}

function fromConfigOptions(className: string, config: Record<string, unknown>, options: LayerFromConfigOptions): ConvLSTMOptions {
  const where = `${className}.fromConfig`;
  const kerasVersion = configKerasVersion(options, where);
  const read = kerasOptions(className, config, where);
  // Keras writes seed: null when none was given.
  if (read.seed === null) delete read.seed;
  return { ...read, kerasVersion } as unknown as ConvLSTMOptions;
}

/** Keras ConvLSTM1D over (batch, time, steps, channels). */
export class ConvLSTM1D<A extends ConvLSTMArgs = ConvLSTMArgs> extends ConvLSTM<ConvLSTMReturnState<A>> {
  /** `new ConvLSTM1D({ filters: 8, kernelSize: 3 })`, or as in Keras: `new ConvLSTM1D(8, 3, { returnSequences: true })`. */
  constructor(...args: A & ExactArgs<A, ConvLSTMArgs>) {
    super(1, args, 'ConvLSTM1D', 'conv_lstm1d');
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): ConvLSTM1D {
    return new this(fromConfigOptions('ConvLSTM1D', config, options));
  }

  get className(): string {
    return 'ConvLSTM1D';
  }
}

/** Keras ConvLSTM2D over (batch, time, rows, cols, channels). */
export class ConvLSTM2D<A extends ConvLSTMArgs = ConvLSTMArgs> extends ConvLSTM<ConvLSTMReturnState<A>> {
  /** `new ConvLSTM2D({ filters: 8, kernelSize: 3 })`, or as in Keras: `new ConvLSTM2D(8, [3, 3], { returnSequences: true })`. */
  constructor(...args: A & ExactArgs<A, ConvLSTMArgs>) {
    super(2, args, 'ConvLSTM2D', 'conv_lstm2d');
  }

  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): ConvLSTM2D {
    return new this(fromConfigOptions('ConvLSTM2D', config, options));
  }

  get className(): string {
    return 'ConvLSTM2D';
  }
}
