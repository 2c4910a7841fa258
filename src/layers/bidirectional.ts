// Keras Bidirectional: a forward copy and a backward copy with its own
// weights, run on the same uploaded input, merged inside WebAssembly.
import { alignedWeightRules, type WeightRule } from './weight-rules.js';
import { ConfigError, ShapeError, quoted } from '../errors.js';
import { runRecurrent } from '../kernels/recurrent.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { LAYER_OPTION_KEYS, Layer, type LayerCallResult, type LayerOptions, type Shape, type WeightUpdate } from './layer.js';
import { isSymbolic, type SymbolicTensor } from '../symbolic.js';
import {
  RecurrentLayer, checkRecurrentShapes, checkSequenceShape,
  type ApplyOptions, type StateList, type SymbolicApplyOptions,
} from './recurrent.js';
import { checkCallOptions, checkInitialState, checkMask, checkSequenceInput, symbolicCallInputs } from './validate.js';
import { checkKnownKeys, checkOptionsObject } from './options.js';
import { describeWrapped } from '../option-keys.js';
import { CuDNNGRU, CuDNNLSTM } from './cudnn.js';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import { SimpleRNN } from './simple-rnn.js';
import { RNN } from './rnn.js';
import { configKerasVersion, kerasOptions, readSpec, type LayerFromConfigOptions } from './keras-options.js';

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;
const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave', null];
const BACKWARD_SEED_OFFSET = 7919;
/** The recurrent classes a Bidirectional config may wrap. */
const WRAPPED_CLASSES: Readonly<Record<string, { fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions): RecurrentLayer }>> = {
  SimpleRNN, LSTM, GRU, RNN, CuDNNLSTM, CuDNNGRU,
};

export interface BidirectionalOptions extends LayerOptions {
  /** How forward and backward outputs combine; default 'concat'; null returns both. */
  mergeMode?: MergeMode;
  /** A separately configured backward layer (Keras `backward_layer`): same class, units and return flags, goBackwards true. */
  backwardLayer?: RecurrentLayer;
}

/** What follows the wrapped layer in `new Bidirectional(layer, options?)`. */
export type BidirectionalArgs = [options?: BidirectionalOptions];

/** How the outputs merge as far as the constructor call says: one merged output, two (mergeMode null), or not known. */
type MergeKind<A> = A extends [] | [undefined]
  ? 'merged'
  : A extends [infer O]
    ? ('mergeMode' extends keyof O ? (O['mergeMode'] extends null ? 'pair' : null extends O['mergeMode'] ? 'unknown' : 'merged') : 'merged')
    : 'unknown';

/**
 * What `apply` returns: the merged output (or with mergeMode null [forward, backward]), followed with
 * returnState by the forward states then the backward states; `T | T[]` when not known at compile time.
 */
export type BidirectionalOutput<T, L, A> = L extends { returnState: infer ReturnState; stateNames: infer StateNames extends readonly string[] }
  ? boolean extends ReturnState
    ? T | T[]
    : MergeKind<A> extends 'unknown'
      ? T | T[]
      : ReturnState extends true
        ? [...(MergeKind<A> extends 'pair' ? [T, T] : [T]), ...StateList<T, StateNames>, ...StateList<T, StateNames>]
        : MergeKind<A> extends 'pair' ? [T, T] : T
  : never;

/** Keras Bidirectional. `L` (the wrapped layer) and `A` (the options argument) type `apply`'s result. */
export class Bidirectional<L extends RecurrentLayer = RecurrentLayer, A extends BidirectionalArgs = BidirectionalArgs> extends Layer {
  /** A copy of the wrapped layer (same class and options), named forward_<name>. */
  readonly forwardLayer: L;
  readonly backwardLayer: RecurrentLayer;
  readonly mergeMode: MergeMode;

  constructor(layer: L, ...rest: A) {
    const options: BidirectionalOptions = rest[0] ?? {};
    checkOptionsObject(options, 'Bidirectional', "{ mergeMode: 'sum' }");
    if (!(layer instanceof RecurrentLayer)) {
      throw new ConfigError(`Bidirectional: 'layer' must be a SimpleRNN, LSTM, GRU, CuDNNLSTM or CuDNNGRU layer, received ${describeWrapped(layer, 'Bidirectional', "new Bidirectional(new LSTM(3), { mergeMode: 'sum' })")}`);
    }
    const declaresShape = options.inputShape !== undefined || options.batchInputShape !== undefined;
    super(declaresShape || !layer.batchInputShape ? options : { ...options, batchInputShape: layer.batchInputShape }, 'bidirectional');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'mergeMode', 'backwardLayer'], this.name, 'Bidirectional.fromConfig');
    checkSequenceShape(this.batchInputShape, options, this.name);
    const mergeMode = options.mergeMode === undefined ? 'concat' : options.mergeMode;
    if (!MERGE_MODES.includes(mergeMode)) {
      throw new ConfigError(`${this.name}: option 'mergeMode' must be one of 'concat', 'sum', 'mul', 'ave' or null, received ${quoted(mergeMode)}`);
    }
    if (layer.goBackwards) {
      throw new ConfigError(
        `${this.name}: the wrapped layer ${layer.name} has goBackwards: true; Keras 2 and Keras 3 disagree on what that means inside Bidirectional, so wrap a layer with goBackwards: false`,
      );
    }
    if (layer.built) {
      throw new ConfigError(`${this.name}: the wrapped layer ${layer.name} is already built; wrap a fresh layer so both copies start alike`);
    }
    this.mergeMode = mergeMode;
    const baseName = layer.name.replace(/^(forward|backward)_/, '');
    this.forwardLayer = layer.cloneWith({ name: `forward_${baseName}`, trainable: layer.trainable }) as L;
    // The backward copy gets its own weights: a different fallback seed when the layer is seeded.
    this.backwardLayer = options.backwardLayer
      ? checkedBackwardLayer(options.backwardLayer, layer, this.name)
      : layer.cloneWith({
        name: `backward_${baseName}`,
        goBackwards: true,
        trainable: layer.trainable,
        ...(layer.seed === undefined ? {} : { seed: layer.seed + BACKWARD_SEED_OFFSET }),
      });
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Bidirectional {
    const where = 'Bidirectional.fromConfig';
    const kerasVersion = configKerasVersion(options, where);
    const inner = (key: string): RecurrentLayer | undefined => {
      if (config[key] === undefined || config[key] === null) return undefined;
      const { className, config: innerConfig } = readSpec(config[key], `${where}: config.${key}`);
      const Class = WRAPPED_CLASSES[className];
      if (!Class) throw new ConfigError(`${where}: config.${key} must be SimpleRNN, LSTM, GRU, RNN, CuDNNLSTM or CuDNNGRU, received ${quoted(className)}`);
      return Class.fromConfig(innerConfig, { kerasVersion });
    };
    const layer = inner('layer');
    if (!layer) throw new ConfigError(`${where}: config.layer must be the wrapped layer's { class_name, config }, received ${String(config.layer)}`);
    const backwardLayer = inner('backward_layer');
    return new this(layer, { ...kerasOptions('Bidirectional', config, where), ...(backwardLayer ? { backwardLayer } : {}) } as BidirectionalOptions);
  }

  get className(): string {
    return 'Bidirectional';
  }

  get built(): boolean {
    return this.forwardLayer.built && this.backwardLayer.built;
  }

  /** Always a ConfigError: the backward layer reads the sequence from its end, which a stream has not seen yet. */
  stream(): never {
    throw new ConfigError(`${this.name}: Bidirectional needs the whole sequence (its backward layer reads the future), so it cannot stream one frame at a time`);
  }

  get returnSequences(): boolean {
    return this.forwardLayer.returnSequences;
  }

  get returnState(): boolean {
    return this.forwardLayer.returnState;
  }

  build(inputShape: Shape): void {
    this.checkNotDisposed('build');
    this.forwardLayer.build(inputShape);
    this.backwardLayer.build(inputShape);
  }

  computeOutputShape(inputShape: Shape): Shape | Shape[] {
    const H = this.forwardLayer.units;
    const batch = inputShape[0] ?? null;
    const width = this.mergeMode === 'concat' ? 2 * H : H;
    const one = (w: number): Shape => (this.returnSequences ? [batch, inputShape[1] ?? null, w] : [batch, w]);
    const outputs = this.mergeMode === null ? [one(H), one(H)] : [one(width)];
    if (!this.returnState) return outputs.length === 1 ? outputs[0] : outputs;
    const states = [...this.forwardLayer.stateNames, ...this.backwardLayer.stateNames].map((): Shape => [batch, H]);
    return [...outputs, ...states];
  }

  getWeights(): Tensor[] {
    this.checkNotDisposed('get weights');
    return [...this.forwardLayer.getWeights(), ...this.backwardLayer.getWeights()];
  }

  /** @internal Both directions' rules, forward first. */
  override weightRules(): readonly WeightRule[] {
    const forward = this.forwardLayer.weightRules();
    const backward = this.backwardLayer.weightRules();
    if (forward.length === 0 && backward.length === 0) return [];
    return [...alignedWeightRules(this.forwardLayer), ...alignedWeightRules(this.backwardLayer)];
  }

  /** @internal Both directions' own arrays, forward first. */
  override weightsForUpdate(): WeightUpdate {
    this.checkNotDisposed('update weights');
    const forward = this.forwardLayer.weightsForUpdate();
    const backward = this.backwardLayer.weightsForUpdate();
    return {
      arrays: [...forward.arrays, ...backward.arrays],
      commit: () => {
        forward.commit();
        backward.commit();
      },
    };
  }

  /** Forward weights then backward weights, each in Keras order; on any error nothing changes. */
  setWeights(weights: readonly TensorLike[]): void {
    this.checkNotDisposed('set weights');
    if (!Array.isArray(weights) || weights.length % 2 !== 0) {
      throw new ShapeError(`${this.name}: setWeights expects the forward layer's weights then the backward layer's, an even count, received ${Array.isArray(weights) ? weights.length : typeof weights}`);
    }
    const half = weights.length / 2;
    const forwardBefore = this.forwardLayer.built ? this.forwardLayer.getWeights() : null;
    this.forwardLayer.setWeights(weights.slice(0, half));
    try {
      this.backwardLayer.setWeights(weights.slice(half));
    } catch (error) {
      if (forwardBefore) this.forwardLayer.setWeights(forwardBefore);
      else this.forwardLayer.releaseWeights();
      throw error;
    }
  }

  /** Frozen when it or either direction is; setting it sets both directions, as in Keras. */
  override get trainable(): boolean {
    return super.trainable && this.forwardLayer.trainable && this.backwardLayer.trainable;
  }

  override set trainable(value: boolean) {
    super.trainable = value;
    this.forwardLayer.trainable = value;
    this.backwardLayer.trainable = value;
  }

  /** @internal */
  override frozenParams(): number {
    return this.trainable ? 0 : this.countParams();
  }

  countParams(): number {
    this.checkNotDisposed('count parameters');
    return this.forwardLayer.countParams() + this.backwardLayer.countParams();
  }

  getConfig(): Record<string, unknown> {
    const inner = this.forwardLayer.getConfig();
    inner.name = this.forwardLayer.name.replace(/^forward_/, '');
    const config: Record<string, unknown> = {
      ...this.baseConfig(),
      merge_mode: this.mergeMode,
      layer: { class_name: this.forwardLayer.className, config: inner },
      backward_layer: { class_name: this.backwardLayer.className, config: this.backwardLayer.getConfig() },
    };
    if (this.batchInputShape) config.batch_input_shape = [...this.batchInputShape];
    return config;
  }

  /** Keras' reset_states() on both copies: `states` as for initialState, forward then backward. */
  override get isStateful(): boolean {
    return this.forwardLayer.stateful;
  }

  override resetStates(states?: readonly TensorLike[]): void {
    this.checkNotDisposed('reset states');
    const count = this.forwardLayer.stateNames.length;
    if (states !== undefined && (!Array.isArray(states) || states.length !== 2 * count)) {
      throw new ShapeError(`${this.name}: resetStates expects ${2 * count} state tensors (forward then backward), received ${Array.isArray(states) ? states.length : typeof states}`);
    }
    this.forwardLayer.resetStates(states?.slice(0, count));
    this.backwardLayer.resetStates(states?.slice(count));
  }

  override dispose(): void {
    this.forwardLayer.dispose();
    this.backwardLayer.dispose();
    super.dispose();
  }

  /** Keras' layer.output: the first call's outputs, as apply() gives them (see Layer.output). */
  override get output(): BidirectionalOutput<SymbolicTensor, L, A> {
    return super.output as BidirectionalOutput<SymbolicTensor, L, A>;
  }

  /**
   * The merged output, or with mergeMode null [forward, backward]; with
   * returnState the states follow: forward h (c), then backward h (c).
   */
  override apply(x: SymbolicTensor, options?: SymbolicApplyOptions): BidirectionalOutput<SymbolicTensor, L, A>;
  override apply(x: TensorLike, options?: ApplyOptions): BidirectionalOutput<Tensor, L, A>;
  override apply(x: TensorLike | SymbolicTensor, options: ApplyOptions | SymbolicApplyOptions = {}): unknown {
    this.checkNotDisposed('run');
    let outputs: (Tensor | SymbolicTensor)[];
    if (isSymbolic(x)) {
      const { inputs, callArgs } = symbolicCallInputs(x, options, this.name);
      outputs = this.callSymbolic(inputs, callArgs);
    } else {
      outputs = this.call(x, options as ApplyOptions);
    }
    return outputs.length === 1 ? outputs[0] : outputs;
  }

  /** @internal Inputs are x then the initial states (forward then backward). */
  computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[]): LayerCallResult {
    const outputs = this.call(inputs[0], { mask: masks[0], initialState: inputs.length > 1 ? inputs.slice(1) : undefined });
    const sequenceOutputs = this.mergeMode === null ? 2 : 1;
    return { outputs, masks: outputs.map((_, i) => (i < sequenceOutputs && this.returnSequences ? masks[0] : undefined)) };
  }

  /** @internal */
  override outputShapes(inputShapes: Shape[]): Shape[] {
    const stateNames = [...this.forwardLayer.stateNames, ...this.backwardLayer.stateNames];
    checkRecurrentShapes(this.name, inputShapes, this.forwardLayer.expectedInputShape() ?? this.batchInputShape, stateNames, this.forwardLayer.units);
    return super.outputShapes(inputShapes);
  }

  /** Like `apply` but always a list. */
  call(x: TensorLike, options: ApplyOptions = {}): Tensor[] {
    this.checkNotDisposed('run');
    checkCallOptions(options, this.name);
    const forward = this.forwardLayer;
    const backward = this.backwardLayer;
    const input = checkSequenceInput(x, this.name, forward.expectedInputShape() ?? this.batchInputShape);
    const [batch, timesteps] = input.shape;
    const mask = checkMask(options.mask, this.name, batch, timesteps);
    if (mask) forward.checkMaskSupported(this.name);
    const stateNames = [...forward.stateNames.map((s) => `forward ${s}`), ...backward.stateNames.map((s) => `backward ${s}`)];
    const initialState = checkInitialState(options.initialState, this.name, stateNames, batch, forward.units);
    forward.checkStatefulBatch(batch);
    backward.checkStatefulBatch(batch);
    if (!this.built) this.build(input.shape);

    const H = forward.units;
    const stateCount = forward.stateNames.length;
    // Keras forces zero_output_for_mask = return_sequences on both copies.
    const zeroOutputForMask = this.returnSequences;
    const { outputs, finalStates } = runRecurrent({
      x: input.data, batch, timesteps, mask: mask?.data ?? null,
      merge: this.mergeMode ?? 'none', layerName: this.name,
      directions: [
        forward.direction(initialState?.slice(0, stateCount), false, zeroOutputForMask, this.returnState),
        backward.direction(initialState?.slice(stateCount), true, zeroOutputForMask, this.returnState),
      ],
    });
    forward.keepFinalStates(finalStates[0], batch);
    backward.keepFinalStates(finalStates[1], batch);
    const width = this.mergeMode === 'concat' ? 2 * H : H;
    const shape = this.returnSequences ? [batch, timesteps, width] : [batch, width];
    const results = outputs.map((data) => new Tensor(data, shape));
    if (this.returnState) {
      for (const states of finalStates) results.push(...states.map((state) => new Tensor(state, [batch, H])));
    }
    return results;
  }
}

function checkedBackwardLayer(backward: RecurrentLayer, forward: RecurrentLayer, name: string): RecurrentLayer {
  if (!(backward instanceof RecurrentLayer) || backward.className !== forward.className) {
    throw new ConfigError(`${name}: option 'backwardLayer' must be a ${forward.className} layer like the forward one, received ${String(backward)}`);
  }
  const mismatch = (['units', 'returnSequences', 'returnState'] as const).find((key) => backward[key] !== forward[key]);
  if (mismatch) {
    throw new ConfigError(`${name}: option 'backwardLayer' must have the forward layer's ${mismatch} (${String(forward[mismatch])}), received ${String(backward[mismatch])}`);
  }
  if (!backward.goBackwards) {
    throw new ConfigError(`${name}: option 'backwardLayer' must have goBackwards: true, received false`);
  }
  if (backward.built) {
    throw new ConfigError(`${name}: option 'backwardLayer' must be a fresh, unbuilt layer`);
  }
  return backward;
}
