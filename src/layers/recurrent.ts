// The recurrent layer shared by SimpleRNN, LSTM and GRU: options, weights in
// Keras order, and one kernel call per apply. A cell subclass only says how
// many gates it has, what its weights look like and how its bias starts.
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers/index.js';
import { orthogonalPackedRows } from '../initializers/orthogonal.js';
import { activationId, checkActivation, type ActivationName, type KerasVersion } from './activations.js';
import { cellWeightShapes, gateCount, type CellSpec } from '../kernels/cells.js';
import type { ActivationId } from '../kernels/ids.js';
import { defaultInstance } from '../kernels/default-instance.js';
import {
  checkRecurrentWeightsFit, packRecurrentWeights, releasePackedWeights, runRecurrent, takesPackedRecurrentKernel, unpackRecurrentKernel,
  type PackedRecurrentWeights, type RecurrentDirection,
} from '../kernels/recurrent.js';
import { OwnedBlock } from '../kernels/owned.js';
import { floatBytes } from '../kernels/sizes.js';
import { StreamProgramBuilder, checkStreamFits, type RecurrentStreamSpec } from '../kernels/stream-program.js';
import { openStream, streamBatchSize, type Stream, type StreamOptions } from '../streaming/stream.js';
import { Tensor, shapeSize, toTensor, type TensorLike } from '../tensor.js';
import { isSymbolic, type SymbolicTensor } from '../symbolic.js';
import { LAYER_OPTION_KEYS, Layer, type LayerCallResult, type LayerOptions, type Shape, type WeightUpdate } from './layer.js';
import { checkBuildShape, checkCallOptions, checkInitialState, checkMask, checkSequenceInput, symbolicCallInputs } from './validate.js';
import { checkWeightList } from './weights.js';
import { booleanOption, checkKnownKeys, nextRandomSeed, positionalOptions, rateOption } from './options.js';
import { WeightRules, weightRuleKeys, type WeightRuleFields, type WeightRule, type WeightRuleOptions } from './weight-rules.js';
import type { InferenceOptions } from './call-options.js';

/** Keras' kernel_, recurrent_ and bias_regularizer / _constraint: the kernel (D, gates H), the recurrent kernel (H, gates H), the bias. */
export interface RecurrentLayerOptions extends LayerOptions, WeightRuleOptions<'kernel' | 'recurrent' | 'bias'> {
  /** Positive number of units, H. */
  units: number;
  /** Output/candidate activation; default 'tanh'; null means linear. */
  activation?: ActivationName | null;
  useBias?: boolean;
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  /** Masked steps output zeros instead of the previous output. */
  zeroOutputForMask?: boolean;
  /**
   * Keep the final states of each call as the initial states of the next (Keras' stateful RNN);
   * the batch size is then fixed until resetStates().
   */
  stateful?: boolean;
  /** Kept in the config, and otherwise ignored: unrolling does not change results. */
  unroll?: boolean;
  kernelInitializer?: InitializerSpec;
  recurrentInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  /** Seeds every random initializer that has no seed of its own. */
  seed?: number;
  /** Which Keras major version defines 'hard_sigmoid'; default 3. */
  kerasVersion?: KerasVersion;
  /** Training-only; identity at inference. */
  dropout?: number;
  /** Training-only; identity at inference. */
  recurrentDropout?: number;
}

export interface ApplyOptions extends InferenceOptions {
  /** [h] or [h, c] for LSTM, each (B, H). */
  initialState?: readonly TensorLike[];
  /** (B, T) with 1 for valid steps and 0 for skipped ones. */
  mask?: TensorLike;
}

/** Options of a call on symbolic tensors while building a functional model. */
export interface SymbolicApplyOptions extends InferenceOptions {
  /** Symbolic initial states, e.g. an encoder's final [h, c]. */
  initialState?: readonly SymbolicTensor[];
  /**
   * Keras' `layer(x, mask=m)`: a (batch, timesteps) symbolic tensor, such as
   * `Input({ shape: [timesteps], dtype: 'bool' })`, whose zero entries mark the steps to skip; it
   * takes the place of the mask x carries, and the model takes its values as one more input.
   */
  mask?: SymbolicTensor;
}

/**
 * What a recurrent layer's constructor takes: the options, or the units first as Keras users
 * write them (`new LSTM(3)`, `new GRU(3, { returnState: true })`).
 */
export type RecurrentArgs<O extends RecurrentLayerOptions> = [options: O] | [units: number, options?: Omit<O, 'units'>];

/**
 * Constructor arguments `A` with each option key that the same argument of `Args` lacks typed
 * `never`. `A` is inferred from the call, and an inferred type skips TypeScript's excess-property
 * check, so without this a misspelt option beside a right one (`{ units: 3, returnSequence: true }`)
 * would compile; the run time refuses it.
 */
export type ExactArgs<A, Args> = {
  [I in keyof A]: A[I] extends readonly unknown[] | number | string | boolean | null | undefined
    ? A[I]
    : A[I] & { [K in Exclude<WrittenKeys<A[I]>, AllowedKeys<Args, I>>]: never };
};
/**
 * The keys an object literal wrote: its required keys. A declared options type's optional keys and
 * index signatures are left alone (a variable typed LSTMOptions may go to a SimpleRNN when it leaves
 * LSTM's own keys out, as the run time allows).
 */
type WrittenKeys<O> = { [K in keyof O]-?: string extends K ? never : number extends K ? never : {} extends Pick<O, K> ? never : K }[keyof O];
type AllowedKeys<Args, I> = Args extends readonly unknown[] ? (I extends keyof Args ? keyof NonNullable<Args[I]> : never) : never;

/**
 * Whether constructor arguments `A` turn the boolean option `K` on: `true` or `false` when the
 * call says so (or leaves it out: false), `boolean` when only the run time knows.
 */
export type OptionFlag<A, K extends string> =
  A extends [infer O] ? FlagOf<O, K> : A extends [number, infer O] ? FlagOf<O, K> : boolean;
type FlagOf<O, K extends string> = O extends number | undefined
  ? false
  : K extends keyof O ? (O[K] extends true ? true : O[K] extends false | undefined ? false : boolean) : false;

/** One `T` per state name: `[T, T]` for ['h', 'c']. */
export type StateList<T, StateNames extends readonly string[]> = { -readonly [K in keyof StateNames]: T };

/**
 * What `apply` returns: the output alone, or with returnState `[output, ...states]`;
 * `T | T[]` when returnState is not known at compile time.
 */
export type RecurrentOutput<T, ReturnState extends boolean, StateNames extends readonly string[]> =
  boolean extends ReturnState ? T | T[] : ReturnState extends true ? [T, ...StateList<T, StateNames>] : T;

const RECURRENT_OPTION_KEYS: readonly string[] = [
  ...LAYER_OPTION_KEYS, 'units', 'activation', 'useBias', 'returnSequences', 'returnState', 'goBackwards',
  'zeroOutputForMask', 'stateful', 'unroll', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer',
  'seed', 'kerasVersion', 'dropout', 'recurrentDropout', ...weightRuleKeys(['kernel', 'recurrent', 'bias']),
];

/** `ReturnState` is the returnState option as the constructor call gave it, for typing `apply`. */
/** Keras' defaults of a cell's options (a cell table row's `defaults`). */
export interface RecurrentDefaults {
  readonly activation: ActivationName;
  readonly recurrentActivation: ActivationName | null;
  readonly kernelInitializer: string;
  readonly recurrentInitializer: string;
  readonly biasInitializer: string;
}

/** Keras' layer.kernel_regularizer, ...: each weight's regularizer (its penalty joins the training loss) and constraint (applied after every optimizer update), null for none. */
export interface RecurrentLayer<ReturnState extends boolean = boolean> extends WeightRuleFields<'kernel' | 'recurrent' | 'bias'> {}

export abstract class RecurrentLayer<ReturnState extends boolean = boolean> extends Layer {
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  readonly returnState: ReturnState;
  readonly goBackwards: boolean;
  readonly zeroOutputForMask: boolean;
  readonly stateful: boolean;
  /** Keras' unroll, kept for the config: one call into WebAssembly runs the sequence either way. */
  readonly unroll: boolean;
  readonly kerasVersion: KerasVersion;
  readonly seed: number | undefined;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  private readonly dropout: number;
  private readonly recurrentDropout: number;
  private readonly rules: WeightRules<'kernel' | 'recurrent' | 'bias'>;

  /**
   * The weights in getWeights() order, except a recurrent kernel that came packed from the
   * orthogonal initializer: null there until someone reads it (see kerasWeights).
   */
  private weightArrays: (Float32Array | null)[] | null = null;
  private readonly packed = new OwnedBlock<PackedRecurrentWeights>(releasePackedWeights);
  private inputDim: number | null = null;
  /** stateful: the states the next call starts from, (B, H) each; null means zeros. */
  private carriedStates: Float32Array[] | null = null;
  private carriedBatch: number | null = null;
  /** The batch size of the states a reset zeroed, which `states` shows as zeros until the next call. */
  private resetBatch: number | null = null;

  protected constructor(
    args: readonly unknown[], className: string, namePrefix: string, extraKeys: readonly string[], defaults: RecurrentDefaults,
  ) {
    const options = positionalOptions(args, 'units', className) as unknown as RecurrentLayerOptions;
    super(options, namePrefix);
    checkSequenceShape(this.batchInputShape, options, this.name);
    checkKnownKeys(options, [...RECURRENT_OPTION_KEYS, ...extraKeys], this.name, `${className}.fromConfig`);
    const { units } = options;
    if (!Number.isInteger(units) || units <= 0) {
      throw new ConfigError(`${this.name}: option 'units' must be a positive integer, received ${quoted(units)}`);
    }
    this.units = units;
    // Refused at once, before anything waits on initializers, when the recurrent kernel alone cannot
    // fit. The subclass's cell getter (a table row) is in place while this runs.
    const gates = gateCount((this as unknown as { cellSpec: CellSpec }).cellSpec);
    floatBytes([units, gates * units], `${this.name}: recurrent_kernel of shape ${formatShape([units, gates * units])}`);
    this.activation = checkActivation(options.activation === undefined ? defaults.activation : options.activation, `${this.name}: option 'activation'`);
    this.useBias = booleanOption(options.useBias, true, 'useBias', this.name);
    this.returnSequences = booleanOption(options.returnSequences, false, 'returnSequences', this.name);
    this.returnState = booleanOption(options.returnState, false, 'returnState', this.name) as ReturnState;
    this.goBackwards = booleanOption(options.goBackwards, false, 'goBackwards', this.name);
    this.zeroOutputForMask = booleanOption(options.zeroOutputForMask, false, 'zeroOutputForMask', this.name);
    this.stateful = booleanOption(options.stateful, false, 'stateful', this.name);
    this.unroll = booleanOption(options.unroll, false, 'unroll', this.name);
    const kerasVersion = options.kerasVersion ?? 3;
    if (kerasVersion !== 2 && kerasVersion !== 3) {
      throw new ConfigError(`${this.name}: option 'kerasVersion' must be 2 or 3, received ${quoted(kerasVersion)}`);
    }
    this.kerasVersion = kerasVersion;
    if (options.seed !== undefined && !Number.isInteger(options.seed)) {
      throw new ConfigError(`${this.name}: option 'seed' must be an integer, received ${quoted(options.seed)}`);
    }
    this.seed = options.seed;
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? defaults.kernelInitializer, `${this.name}: option 'kernelInitializer'`);
    this.recurrentInitializer = getInitializer(options.recurrentInitializer ?? defaults.recurrentInitializer, `${this.name}: option 'recurrentInitializer'`);
    this.biasInitializer = getInitializer(options.biasInitializer ?? defaults.biasInitializer, `${this.name}: option 'biasInitializer'`);
    this.dropout = rateOption(options.dropout, 'dropout', this.name);
    this.recurrentDropout = rateOption(options.recurrentDropout, 'recurrentDropout', this.name);
    this.rules = new WeightRules(options, ['kernel', 'recurrent', 'bias'], this.name);
    Object.assign(this, this.rules.fields());
  }

  /** @internal */
  override weightRules(): readonly WeightRule[] {
    return this.inputDim === null ? [] : this.rules.rules(['kernel', 'recurrent', 'bias'], this.weightShapes(this.inputDim));
  }

  // ---- what a cell says about itself ----

  /** @internal The cell's row in the cell table; may depend on options (GRU reset_after). */
  protected abstract get cellSpec(): CellSpec;
  /** @internal */
  protected abstract get recurrentActivationId(): ActivationId;

  /** State names in Keras order: ['h'] or ['h', 'c']. */
  get stateNames(): readonly string[] {
    return this.cellSpec.states;
  }

  /**
   * @internal The cell kernel's kernel, recurrent kernel and bias (the cell table's layout) from the
   * weights as getWeights() lists them; the same arrays except for layers that store another layout (CuDNN).
   */
  protected kernelWeights(stored: Float32Array[], _inputDim: number): Float32Array[] {
    return stored;
  }

  /**
   * @internal d loss / d each weight as getWeights() lists them, from d loss / d the cell kernel's
   * kernel, recurrent kernel and bias (kernelWeights' outputs); the same arrays where they are one.
   */
  weightGradients(cellGradients: Float32Array[], _inputDim: number): Float32Array[] {
    return cellGradients;
  }

  /** @internal Throws when the layer cannot take a mask (Keras' CuDNN layers); `where` names the caller. */
  checkMaskSupported(_where: string): void {}

  /** @internal Hook for LSTM's unit_forget_bias; the default keeps the initializer's values. */
  protected adjustInitialBias(bias: Float32Array): Float32Array {
    return bias;
  }
  /** @internal */
  protected abstract cellConfig(): Record<string, unknown>;

  // ---- Layer surface ----

  get built(): boolean {
    return this.weightArrays !== null;
  }

  /** The weights' shapes in Keras get_weights() order for an input of D features. */
  weightShapes(inputDim: number): number[][] {
    return cellWeightShapes(this.cellSpec, inputDim, this.units, this.useBias);
  }

  /** Creates the weights from the initializers for input shape (B, T, D). */
  build(inputShape: Shape): void {
    this.checkNotDisposed('build');
    const inputDim = featureSize(checkBuildShape(inputShape, this.name), this.name);
    const declared = this.declaredFeatureSize();
    if (declared !== null && declared !== inputDim) {
      throw new ShapeError(`${this.name}: build expects ${declared} features as declared by its input shape ${formatShape(this.batchInputShape as Shape)}, received ${formatShape(inputShape)}`);
    }
    const shapes = this.weightShapes(inputDim);
    this.checkWeightsFit(inputDim);
    const baseSeed = this.seed ?? nextRandomSeed();
    const initializers = [this.kernelInitializer, this.recurrentInitializer, this.biasInitializer];
    // The default orthogonal recurrent kernel comes packed, and only packed: installing it skips
    // packing, and its Keras layout is read back only when asked for (a 1024-unit LSTM's is 16 MB).
    const recurrent = this.storesCellLayout() && takesPackedRecurrentKernel(this.cellSpec, this.units)
      ? orthogonalPackedRows(this.recurrentInitializer, shapes[1], baseSeed + 1)
      : null;
    let values: (Float32Array | null)[];
    try {
      values = shapes.map((shape, i) => (i === 1 && recurrent !== null ? null : initializers[i].generate(shape, baseSeed + i)));
      if (this.useBias) values[2] = this.adjustInitialBias(values[2] as Float32Array);
    } catch (error) {
      if (recurrent !== null) defaultInstance().heap.release(recurrent);
      throw error;
    }
    this.installWeights(inputDim, values, recurrent);
  }

  /**
   * @internal Whether the weights as getWeights() lists them are the cell kernel's (kernelWeights
   * returns them as they are); a layer storing another layout (CuDNN) says no.
   */
  protected storesCellLayout(): boolean {
    return true;
  }

  /** The weights in getWeights() order, the recurrent kernel read back from its packed form if it has only that. */
  private kerasWeights(): Float32Array[] | null {
    const weights = this.weightArrays;
    const packed = this.packed.current;
    if (weights && weights[1] === null && packed) weights[1] = unpackRecurrentKernel(packed);
    return weights as Float32Array[] | null;
  }

  computeOutputShape(inputShape: Shape): Shape | Shape[] {
    const batch = inputShape[0] ?? null;
    const output: Shape = this.returnSequences ? [batch, inputShape[1] ?? null, this.units] : [batch, this.units];
    if (!this.returnState) return output;
    return [output, ...this.stateNames.map((): Shape => [batch, this.units])];
  }

  getWeights(): Tensor[] {
    this.checkNotDisposed('get weights');
    const weights = this.kerasWeights();
    if (!weights || this.inputDim === null) return [];
    const shapes = this.weightShapes(this.inputDim);
    return weights.map((w, i) => new Tensor(w.slice(), shapes[i]));
  }

  /** @internal The layer's own arrays: the step updates them in place, commit() repacks them. */
  override weightsForUpdate(): WeightUpdate {
    this.checkNotDisposed('update weights');
    const weights = this.kerasWeights();
    const { inputDim } = this;
    if (!weights || inputDim === null) return { arrays: [], commit: () => {} };
    return { arrays: weights, commit: () => this.installWeights(inputDim, weights) };
  }

  /** Replaces all weights (Keras get_weights() order and shapes); on any error nothing changes. */
  setWeights(weights: readonly TensorLike[]): void {
    this.checkNotDisposed('set weights');
    const names = this.useBias ? ['kernel', 'recurrent_kernel', 'bias'] : ['kernel', 'recurrent_kernel'];
    const kernel = Array.isArray(weights) && weights.length > 0 ? toTensor(weights[0], `${this.name}: setWeights kernel`) : null;
    // D comes from the weights already set, else the declared input shape, else the kernel itself.
    const inputDim = this.inputDim ?? this.declaredFeatureSize() ?? (kernel && kernel.rank === 2 ? kernel.shape[0] : 0);
    const tensors = checkWeightList(this.name, weights, names, this.weightShapes(inputDim));
    this.checkWeightsFit(inputDim);
    this.installWeights(inputDim, tensors.map((t) => new Float32Array(t.data)));
  }

  countParams(): number {
    this.checkNotDisposed('count parameters');
    if (this.inputDim === null) return 0;
    return this.weightShapes(this.inputDim).reduce((sum, shape) => sum + shapeSize(shape), 0);
  }

  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      ...this.baseConfig(),
      return_sequences: this.returnSequences,
      return_state: this.returnState,
      go_backwards: this.goBackwards,
      stateful: this.stateful,
      unroll: this.unroll,
      zero_output_for_mask: this.zeroOutputForMask,
      units: this.units,
      activation: this.activation,
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      recurrent_initializer: serializeInitializer(this.recurrentInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      ...this.rules.config(this.activityRegularizer),
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
      seed: this.seed ?? null,
      ...this.cellConfig(),
    };
    if (this.batchInputShape) config.batch_input_shape = [...this.batchInputShape];
    return config;
  }

  /** Frees the packed weights in WebAssembly memory; the layer cannot be used afterwards. */
  override dispose(): void {
    this.releaseWeights();
    this.carriedStates = null;
    super.dispose();
  }

  /** @internal Back to unbuilt (Bidirectional's rollback of a half-done setWeights). */
  releaseWeights(): void {
    this.packed.clear();
    this.weightArrays = null;
    this.inputDim = null;
  }

  /** Keras' layer.output: the first call's output, or with returnState [output, h] / [output, h, c] (see Layer.output). */
  override get output(): RecurrentOutput<SymbolicTensor, ReturnState, this['stateNames']> {
    return super.output as RecurrentOutput<SymbolicTensor, ReturnState, this['stateNames']>;
  }

  /**
   * Runs the layer. Returns the output tensor, or with returnState the list
   * [output, h] / [output, h, c], as Keras does.
   */
  override apply(x: SymbolicTensor, options?: SymbolicApplyOptions): RecurrentOutput<SymbolicTensor, ReturnState, this['stateNames']>;
  override apply(x: TensorLike, options?: ApplyOptions): RecurrentOutput<Tensor, ReturnState, this['stateNames']>;
  override apply(x: TensorLike | SymbolicTensor, options: ApplyOptions | SymbolicApplyOptions = {}): unknown {
    this.checkNotDisposed('run');
    if (isSymbolic(x)) {
      const { inputs, callArgs } = symbolicCallInputs(x, options, this.name);
      const outputs = this.callSymbolic(inputs, callArgs);
      return this.returnState ? outputs : outputs[0];
    }
    const outputs = this.call(x, options as ApplyOptions);
    return this.returnState ? outputs : outputs[0];
  }

  /** @internal Inputs are x then the initial states; the sequence output keeps x's mask. */
  computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[]): LayerCallResult {
    const outputs = this.call(inputs[0], { mask: masks[0], initialState: inputs.length > 1 ? inputs.slice(1) : undefined });
    return { outputs, masks: outputs.map((_, i) => (i === 0 && this.returnSequences ? masks[0] : undefined)) };
  }

  /** @internal */
  override outputShapes(inputShapes: Shape[]): Shape[] {
    checkRecurrentShapes(this.name, inputShapes, this.expectedInputShape(), this.stateNames, this.units);
    return super.outputShapes(inputShapes);
  }

  /** Like `apply` but always a list: [output, ...states when returnState]. */
  call(x: TensorLike, options: ApplyOptions = {}): Tensor[] {
    this.checkNotDisposed('run');
    checkCallOptions(options, this.name);
    const input = checkSequenceInput(x, this.name, this.expectedInputShape());
    const [batch, timesteps] = input.shape;
    const mask = checkMask(options.mask, this.name, batch, timesteps);
    if (mask) this.checkMaskSupported(this.name);
    const initialState = checkInitialState(options.initialState, this.name, this.stateNames, batch, this.units);
    this.checkStatefulBatch(batch);
    if (!this.built) this.build(input.shape);
    const H = this.units;
    const { outputs, finalStates } = runRecurrent({
      x: input.data, batch, timesteps, mask: mask?.data ?? null, merge: 'none', layerName: this.name,
      directions: [this.direction(initialState, this.goBackwards, this.zeroOutputForMask, this.returnState)],
    });
    this.keepFinalStates(finalStates[0], batch);
    const results = [new Tensor(outputs[0], this.returnSequences ? [batch, timesteps, H] : [batch, H])];
    if (this.returnState) results.push(...finalStates[0].map((state) => new Tensor(state, [batch, H])));
    return results;
  }

  override get isStateful(): boolean {
    return this.stateful;
  }

  /**
   * Keras' layer.states: the states a stateful layer's next call starts from, in Keras order ([h],
   * or [h, c] for an LSTM), copies of shape (B, H); zeros where a batch size is known but no call
   * ran since the last reset. Null for a layer that is not stateful (Keras' None), or whose batch
   * size is not known yet. `new LSTM(64).apply(x, { initialState: stateful.states })` goes on from them.
   */
  get states(): Tensor[] | null {
    this.checkNotDisposed('read states');
    if (!this.stateful) return null;
    const H = this.units;
    if (this.carriedStates && this.carriedBatch !== null) {
      const batch = this.carriedBatch;
      return this.carriedStates.map((state) => new Tensor(state.slice(), [batch, H]));
    }
    // Keras' reset assigns zeros to the state variables, which keep their batch size.
    const batch = this.batchInputShape?.[0] ?? this.resetBatch;
    return batch === null ? null : this.stateNames.map(() => new Tensor(new Float32Array(batch * H), [batch, H]));
  }

  /**
   * Keras' reset_states(): a stateful layer's next call starts from zeros, or from `states`
   * ([h] or [h, c], each (B, H)); the batch size may change after a reset without states.
   */
  override resetStates(states?: readonly TensorLike[]): void {
    this.checkNotDisposed('reset states');
    if (!this.stateful) throw new ConfigError(`${this.name}: resetStates() needs a stateful layer (stateful: true)`);
    if (states === undefined) {
      this.resetBatch = this.carriedBatch ?? this.resetBatch;
      this.carriedStates = null;
      this.carriedBatch = null;
      return;
    }
    const first = Array.isArray(states) && states.length > 0 ? toTensor(states[0], `${this.name}: resetStates states[0]`) : null;
    const batch = this.batchInputShape?.[0] ?? (first && first.rank === 2 ? first.shape[0] : 0);
    const checked = checkInitialState(states, `${this.name}: resetStates`, this.stateNames, batch, this.units) as Tensor[];
    this.carriedStates = checked.map((t) => new Float32Array(t.data));
    this.carriedBatch = batch;
  }

  /** @internal A stateful layer runs one batch size until resetStates(); throws before any work. */
  checkStatefulBatch(batch: number): void {
    if (!this.stateful) return;
    const expected = this.batchInputShape?.[0] ?? this.carriedBatch;
    if (expected !== null && expected !== undefined && expected !== batch) {
      throw new ShapeError(`${this.name}: a stateful layer keeps one state per sample: input x must have batch size ${expected}, received ${batch} (resetStates() first to change it)`);
    }
  }

  /**
   * @internal This layer as one direction of a run: its weights, activations and starting states
   * (the given ones, else a stateful layer's carried ones, else zeros). Bidirectional runs two.
   */
  direction(initialState: readonly Tensor[] | undefined, goBackwards: boolean, zeroOutputForMask: boolean, finalStates: boolean): RecurrentDirection {
    const packed = this.packed.current;
    if (!packed) throw new ConfigError(`${this.name}: the layer has no weights; call build() or setWeights() first`);
    const carried = this.stateful && !initialState ? this.carriedStates : null;
    return {
      weights: packed,
      activation: activationId(this.activation, this.kerasVersion, `${this.name}: activation`),
      recurrentActivation: this.recurrentActivationId,
      returnSequences: this.returnSequences,
      goBackwards,
      zeroOutputForMask,
      initialState: initialState?.map((t) => t.data) ?? carried,
      // A stateful layer always keeps its final states, whether or not the caller asked for them.
      finalStates: finalStates || this.stateful,
    };
  }

  /** @internal After a run: a stateful layer starts its next call from these states. */
  keepFinalStates(states: Float32Array[], batch: number): void {
    if (!this.stateful) return;
    this.carriedStates = states.map((state) => state.slice());
    this.carriedBatch = batch;
  }

  /**
   * A live stream of this layer: `step(frame)` runs one time step of batchSize × features and
   * returns what `apply` returns on the sequence so far (its last output, or with returnSequences
   * that step of the sequence; with returnState, `step([frame])` returns [output, ...states]); the
   * states live in WebAssembly memory until `dispose()`.
   */
  stream(options?: StreamOptions): Stream {
    this.checkNotDisposed('stream');
    const batch = streamBatchSize(options, this.name, this.batchInputShape?.[0] ?? null);
    const spec = this.streamSpec();
    checkStreamFits(defaultInstance(), this.name, batch, spec.inputDim + this.units * (1 + this.stateNames.length), [spec]);
    return openStream(this.name, new StreamProgramBuilder(defaultInstance(), batch), (builder) => {
      const x = builder.value(spec.inputDim);
      const mask = builder.mask();
      const { output, states } = builder.recurrent(spec, x, mask);
      return {
        // With returnState, apply returns [output, ...states], and so does step([frame]).
        inputs: [{ value: x, ids: null, mask, frame: [spec.inputDim], name: this.name }], outputs: this.returnState ? [output, ...states] : [output],
        states: this.stateNames.map((state) => ({ layer: this.name, state })), stateShapes: this.stateNames.map(() => [this.units]),
      };
    });
  }

  /** @internal This layer as one step of a stream (its own copy of the weights); ConfigError if it cannot stream. */
  streamSpec(): RecurrentStreamSpec {
    if (this.goBackwards) {
      throw new ConfigError(`${this.name}: a layer with goBackwards: true reads the sequence from its end, so it cannot stream one frame at a time`);
    }
    const direction = this.direction(undefined, false, this.zeroOutputForMask, false);
    const [kernel, recurrentKernel, bias] = this.kernelWeights(this.kerasWeights() as Float32Array[], direction.weights.inputDim);
    return {
      cell: this.cellSpec, inputDim: direction.weights.inputDim, units: this.units,
      activation: direction.activation, recurrentActivation: direction.recurrentActivation,
      returnSequences: this.returnSequences, zeroOutputForMask: this.zeroOutputForMask,
      weights: [kernel, recurrentKernel, bias ?? null],
    };
  }

  /** @internal A new, unbuilt layer of the same class and options, with `overrides` applied. */
  cloneWith(overrides: Partial<RecurrentLayerOptions>): RecurrentLayer {
    const Ctor = this.constructor as new (options: RecurrentLayerOptions) => RecurrentLayer;
    return new Ctor({ ...(this.options as RecurrentLayerOptions), ...overrides });
  }

  private declaredFeatureSize(): number | null {
    const declared = this.batchInputShape;
    return declared && declared.length === 3 ? declared[2] : null;
  }

  /** @internal The (B, T, D) shape inputs must fit: D from the weights, the rest as declared. */
  expectedInputShape(): Shape | null {
    const declared = this.batchInputShape;
    if (this.inputDim === null) return declared;
    return [declared?.[0] ?? null, declared?.[1] ?? null, this.inputDim];
  }

  /** @internal */
  protected resolveActivation(name: ActivationName): ActivationId {
    return activationId(name, this.kerasVersion, `${this.name}: activation`);
  }

  /** Refuses, before any initializer runs, weights whose packing cannot fit WebAssembly memory. */
  private checkWeightsFit(inputDim: number): void {
    const biasFloats = this.useBias ? shapeSize(cellWeightShapes(this.cellSpec, inputDim, this.units, true)[2]) : 0;
    checkRecurrentWeightsFit(defaultInstance(), this.cellSpec, inputDim, this.units, biasFloats, () => `${this.name}: weights for ${inputDim} input features and ${this.units} units`);
  }

  /**
   * `prepacked` (a heap block owned by this call from here on): the recurrent kernel already
   * packed (orthogonalPackedRows), values[1] then null; see packRecurrentWeights.
   */
  private installWeights(inputDim: number, values: (Float32Array | null)[], prepacked: number | null = null): void {
    let packed: PackedRecurrentWeights;
    if (prepacked !== null) {
      const [kernel, , bias] = values;
      packed = packRecurrentWeights(defaultInstance(), this.cellSpec, inputDim, this.units, kernel as Float32Array, prepacked, bias ?? null);
    } else {
      const [kernel, recurrentKernel, bias] = this.kernelWeights(values as Float32Array[], inputDim);
      packed = packRecurrentWeights(defaultInstance(), this.cellSpec, inputDim, this.units, kernel, recurrentKernel, bias ?? null);
    }
    this.packed.replace(this, packed);
    this.weightArrays = values;
    this.inputDim = inputDim;
  }
}

/**
 * A recurrent layer's declared input must be (batch, timesteps, features). An inputShape of three
 * entries is the common slip of writing the batch axis into it.
 * @internal
 */
export function checkSequenceShape(declared: Shape | null, options: LayerOptions, layerName: string): void {
  if (declared === null || declared.length === 3) return;
  const { inputShape } = options;
  if (options.batchInputShape === undefined && inputShape !== undefined && inputShape.length === 3) {
    throw new ConfigError(
      `${layerName}: option 'inputShape' ${formatShape(inputShape)} has 3 entries, but inputShape leaves out the batch axis: (timesteps, features); did you mean batchInputShape: ${formatShape(inputShape)}, or inputShape: ${formatShape(inputShape.slice(1))}?`,
    );
  }
  const key = options.batchInputShape !== undefined ? "'batchInputShape' (batch, timesteps, features)" : "'inputShape' (timesteps, features)";
  throw new ConfigError(`${layerName}: option ${key} must describe a sequence, received ${formatShape(options.batchInputShape ?? inputShape ?? declared)}`);
}

/** Shape checks of a symbolic call: x (B, T, D) fitting the layer, states (B, H) each. @internal */
export function checkRecurrentShapes(
  layerName: string, inputShapes: Shape[], expected: Shape | null, stateNames: readonly string[], units: number,
): void {
  const [x, ...states] = inputShapes;
  if (x.length !== 3) {
    throw new ShapeError(`${layerName}: input must have rank 3 (batch, timesteps, features), received shape ${formatShape(x)}${batchAxisHint(x)}`);
  }
  if (expected && !expected.every((d, i) => d === null || x[i] === null || d === x[i])) {
    throw new ShapeError(`${layerName}: input must have shape ${formatShape(expected)}, received ${formatShape(x)}`);
  }
  if (states.length > 0 && states.length !== stateNames.length) {
    throw new ShapeError(`${layerName}: initialState must be a list of ${stateNames.length} state tensors [${stateNames.join(', ')}], received ${states.length}`);
  }
  states.forEach((state, i) => {
    if (state.length !== 2 || (state[1] !== null && state[1] !== units)) {
      throw new ShapeError(`${layerName}: initialState[${i}] (${stateNames[i]}) must have shape ${formatShape([x[0], units])}, received ${formatShape(state)}`);
    }
  });
}

/** A rank-4 input from Input() is usually a shape written with its batch axis. */
function batchAxisHint(shape: Shape): string {
  return shape.length === 4 && shape[0] === null ? `; Input's shape leaves out the batch axis: did you mean Input({ shape: ${formatShape(shape.slice(2))} })?` : '';
}

/** @internal */
export function featureSize(inputShape: Shape, layerName: string): number {
  const features = inputShape[inputShape.length - 1];
  if (inputShape.length !== 3 || features === null || !Number.isInteger(features) || features <= 0) {
    throw new ShapeError(`${layerName}: build expects an input shape (batch, timesteps, features) with a known feature size, received shape ${formatShape(inputShape)}${batchAxisHint(inputShape)}`);
  }
  return features;
}

function serializeInitializer(initializer: Initializer): Record<string, unknown> {
  return { class_name: initializer.className, config: initializer.getConfig() };
}

/** @internal Keras 3's use_cudnn of LSTM and GRU: 'auto', true or false, as Keras checks it. */
export function checkUseCudnn(value: unknown, layerName: string): void {
  if (value !== undefined && value !== 'auto' && value !== true && value !== false) {
    throw new ConfigError(`${layerName}: option 'useCudnn' must be 'auto', true or false, received ${quoted(value)}`);
  }
}
