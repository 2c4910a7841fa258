// What every layer shares: a Keras-style name, an optional declared input
// shape, and the weight/config surface Keras users call.
import { ConfigError, DisposedError, ShapeError, formatShape, quoted } from '../errors.js';
import { checkOptionsObject } from '../option-keys.js';
import { LayerNode, SymbolicTensor, isSymbolic, isSymbolicList, splitMaskInput, type CallArgs, type NestedGraph } from '../symbolic.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { serializeKerasObject } from './keras-objects.js';
import { getRegularizer, type Regularizer, type RegularizerSpec } from './regularizers.js';
import type { WeightRule } from './weight-rules.js';

import type { Shape } from '../symbolic.js';
import { checkApplyOptions } from './call-options.js';

export type { Shape };

/** What a layer hands to the next one in a model: its outputs and their Keras masks. */
export interface LayerCallResult {
  outputs: Tensor[];
  masks: (Tensor | undefined)[];
}

/** @internal A layer's weights as arrays a training step updates in place; `commit()` makes the layer run on them. */
export interface WeightUpdate {
  readonly arrays: readonly Float32Array[];
  commit(): void;
}

export interface LayerOptions {
  /** Layer name; defaults to Keras' per-class name (`lstm`, `lstm_1`, ...). */
  name?: string;
  /** Input shape without the batch axis, e.g. [10, 3] for 10 steps of 3 features. */
  inputShape?: Shape;
  /** Input shape with the batch axis, e.g. [8, 10, 3]. */
  batchInputShape?: Shape;
  /** Batch size paired with `inputShape`. */
  batchSize?: number;
  /** Legacy Keras 1/2 spelling of the feature size. */
  inputDim?: number;
  /** Legacy Keras 1/2 spelling of the sequence length. */
  inputLength?: number;
  /**
   * Keras' trainable: false freezes the layer's weights, so fit() and trainOnBatch() leave them as
   * they are (gradients still flow through it to the layers before), and summary() counts them as
   * non-trainable. Default true; the `trainable` property changes it, taking effect at the next compile().
   */
  trainable?: boolean;
  dtype?: string;
  /**
   * Keras' activity_regularizer: a penalty on the layer's outputs, divided by their batch size and
   * added to the loss of fit() and evaluate() (every output of the call, the states of
   * `returnState` too). A Regularizer, a Keras name ('l2') or a { class_name, config }. Inference ignores it.
   */
  activityRegularizer?: RegularizerSpec;
}

/** @internal */
export const LAYER_OPTION_KEYS: readonly string[] = [
  'name', 'inputShape', 'batchInputShape', 'batchSize', 'inputDim', 'inputLength', 'trainable', 'dtype', 'activityRegularizer',
];

function checkTrainableFlag(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(`${name}: option 'trainable' must be a boolean, received ${quoted(value)}`);
  return value;
}

/** The classes whose supports_masking Keras 3 sets true (keras/src/layers, `self.supports_masking = True`, or compute_mask overridden). */
const MASKING_CLASSES: ReadonlySet<string> = new Set([
  'Activation', 'ELU', 'LeakyReLU', 'PReLU', 'ReLU', 'Softmax', 'Dense', 'Masking', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum',
  'Minimum', 'Concatenate', 'Dot', 'BatchNormalization', 'LayerNormalization', 'Normalization', 'Rescaling', 'GlobalAveragePooling1D', 'ActivityRegularization',
  'Dropout', 'AlphaDropout', 'GaussianDropout', 'GaussianNoise', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D',
  'Attention', 'AdditiveAttention',
]);

const INPUT_SHAPE_OPTION_KEYS = ['inputShape', 'batchInputShape', 'batchSize', 'inputDim', 'inputLength'] as const;

const nameCounters = new Map<string, number>();

/** Keras' naming: the first layer of a kind gets the bare prefix, later ones `_1`, `_2`, ... @internal */
export function uniqueLayerName(prefix: string): string {
  const count = nameCounters.get(prefix) ?? 0;
  nameCounters.set(prefix, count + 1);
  return count === 0 ? prefix : `${prefix}_${count}`;
}

export abstract class Layer {
  readonly name: string;
  private readonly declaredInputShape: Shape | null;
  protected readonly options: LayerOptions;

  /** The input shape declared through options, batch axis first; null when none was given. */
  get batchInputShape(): Shape | null {
    return this.declaredInputShape;
  }

  /**
   * @internal Whether the options gave an input shape (Keras' input_shape argument), not a
   * default: an Embedding's (None, None) is one, and a Sequential makes no InputLayer for it
   * until it is built, as Keras 3 does.
   */
  get declaresInputShape(): boolean {
    return INPUT_SHAPE_OPTION_KEYS.some((key) => this.options[key] !== undefined);
  }

  /**
   * `legacyInput` says what the Keras 1/2 options inputDim / inputLength mean
   * for this kind of layer: 'sequence' -> (B, T, D), 'features' -> (B, D), 'ids' -> (B, T).
   */
  protected constructor(options: LayerOptions, namePrefix: string, legacyInput: LegacyInput = 'sequence') {
    // A number or string where a class takes no positional argument (`new Flatten('channels_first')`)
    // would otherwise read as an object with no keys: every option silently at its default.
    checkOptionsObject(options, new.target.name, "{ name: 'my_layer' }");
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw new ConfigError(`${namePrefix}: option 'name' must be a non-empty string, received ${quoted(options.name)}`);
    }
    if (options.dtype !== undefined && options.dtype !== 'float32') {
      throw new ConfigError(`${namePrefix}: option 'dtype' must be 'float32' (the kernels compute in float32), received ${quoted(options.dtype)}`);
    }
    this.options = options;
    this.name = options.name ?? uniqueLayerName(namePrefix);
    // Not through the setter: a wrapper's override would reach its wrapped layer before it exists.
    if (options.trainable !== undefined) this.trainableSetting = checkTrainableFlag(options.trainable, this.name);
    this.declaredInputShape = declaredBatchInputShape(options, this.name, legacyInput);
    this.activityRegularizerOption = getRegularizer(options.activityRegularizer, `${this.name}: option 'activityRegularizer'`);
  }

  private readonly activityRegularizerOption: Regularizer | null;

  /** Keras' layer.activity_regularizer (see LayerOptions.activityRegularizer); null for none. */
  get activityRegularizer(): Regularizer | null {
    return this.activityRegularizerOption;
  }

  /**
   * The keys of Keras' base Layer.get_config() that every layer's config starts with; the
   * activity regularizer only where one was given, as Keras 3 writes it.
   */
  protected baseConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable, dtype: 'float32' };
    if (this.activityRegularizerOption) config.activity_regularizer = serializeKerasObject(this.activityRegularizerOption);
    return config;
  }

  /** Calls of this layer inside symbolic graphs, in call order. */
  readonly inboundNodes: LayerNode[] = [];

  /**
   * Keras' layer.input: the symbolic tensor(s) the layer was first called on (node 0, as Keras 3
   * and tf.keras 2 take it), one tensor or a list when the call had several (initial states, the
   * inputs of a merge). For feature extraction: `new Model({ inputs: model.input, outputs: layer.output })`.
   * ConfigError when the layer was never called on symbolic tensors.
   */
  get input(): SymbolicTensor | SymbolicTensor[] {
    return unwrapSingle(this.firstNode('input').inputs);
  }

  /**
   * Keras' layer.output: the symbolic tensor(s) of the layer's first call, one tensor or a list
   * for a layer with several outputs (`returnState: true` gives `[output, h, c]`).
   * ConfigError when the layer was never called on symbolic tensors.
   */
  get output(): SymbolicTensor | SymbolicTensor[] {
    return unwrapSingle(this.firstNode('output').outputs);
  }

  /** Keras' _get_node_attribute_at_index(0, ...): the first call, or why there is none. */
  private firstNode(attribute: 'input' | 'output'): LayerNode {
    const node = this.inboundNodes[0];
    if (!node) {
      throw new ConfigError(`${this.name}: the layer has never been called and thus has no defined ${attribute}; call it on Input() or on another layer's output, or add it to a model that has an input shape (Input() first, or inputShape on the first layer)`);
    }
    return node;
  }

  /** The Keras class name, e.g. 'LSTM'. */
  abstract get className(): string;

  abstract get built(): boolean;
  abstract build(inputShape: Shape): void;
  abstract computeOutputShape(inputShape: Shape): Shape | Shape[];
  abstract getWeights(): Tensor[];
  abstract setWeights(weights: readonly TensorLike[]): void;
  abstract countParams(): number;

  /**
   * @internal The weights in getWeights() order for an optimizer step. This default hands out
   * copies and commits them through setWeights; a layer that owns its arrays overrides it to
   * hand them out as they are, so a step copies no weight it does not have to.
   */
  weightsForUpdate(): WeightUpdate {
    const tensors = this.getWeights();
    return { arrays: tensors.map((t) => t.data), commit: () => this.setWeights(tensors) };
  }

  /**
   * @internal Each weight's regularizer and constraint with its shape, in getWeights() order (Keras
   * keeps them on the variable); empty for a layer that takes none, or is not built.
   */
  weightRules(): readonly WeightRule[] {
    return [];
  }

  private trainableSetting = true;

  /** Keras' trainable: whether fit() updates this layer's weights (see LayerOptions.trainable). */
  get trainable(): boolean {
    return this.trainableSetting;
  }

  set trainable(value: boolean) {
    this.trainableSetting = checkTrainableFlag(value, this.name);
  }

  /** @internal The parameters summary() counts as non-trainable: all of them when the layer is frozen. */
  frozenParams(): number {
    return this.trainable ? this.countNonTrainableParams() : this.countParams();
  }

  /**
   * @internal Of countParams(), those Keras keeps as int64 (Normalization's count), which Keras 3's
   * summary sizes at 8 bytes (its TensorFlow backend's int) rather than float32's 4; a nested
   * model's are its layers'.
   */
  int64Params(): number {
    return this.leafLayers().reduce((sum, leaf) => sum + (leaf === this ? 0 : leaf.int64Params()), 0);
  }

  /** Keras' layer.dtype: 'float32', the kernels' type (an InputLayer says what Input() declared). */
  get dtype(): string {
    return 'float32';
  }

  /**
   * Keras' layer.weights / model.weights: every weight, trainable or not, in getWeights() order
   * (Keras lists a model's layer by layer, each layer's in creation order); copies, as
   * getWeights() gives them. An unbuilt layer has none.
   */
  get weights(): Tensor[] {
    return this.getWeights();
  }

  /**
   * Keras' trainable_weights: the weights fit() updates, as getWeights() holds them and in its order;
   * none when the layer is frozen. An unbuilt layer has none.
   */
  get trainableWeights(): Tensor[] {
    const trained = this.weightTrainability();
    return this.getWeights().filter((_, i) => trained[i]);
  }

  /** Keras' non_trainable_weights: the rest of getWeights() (moving statistics; every weight of a frozen layer). */
  get nonTrainableWeights(): Tensor[] {
    const trained = this.weightTrainability();
    return this.getWeights().filter((_, i) => !trained[i]);
  }

  /** @internal For each of getWeights(), whether fit() updates it; a leaf's non-trainable weights are its last ones. */
  weightTrainability(): boolean[] {
    const frozen = new Set(this.frozenLeaves());
    return this.leafLayers().flatMap((leaf) => {
      const sizes = leaf.getWeights().map((w) => w.size);
      const fixed = frozen.has(leaf) ? sizes.length : trailingCount(sizes, leaf.countNonTrainableParams());
      return sizes.map((_, i) => i < sizes.length - fixed);
    });
  }

  /** How many of countParams() are not trained (Keras' non_trainable_weights: BatchNormalization's moving statistics). */
  countNonTrainableParams(): number {
    return 0;
  }
  abstract getConfig(): Record<string, unknown>;

  /** @internal getConfig() with the keys of Keras `spelling` where tf.keras 2 and Keras 3 name them differently. */
  configFor(_spelling: 2 | 3): Record<string, unknown> {
    return this.getConfig();
  }

  /** Whether the layer carries states from one call to the next (Keras' stateful RNNs); see resetStates(). */
  get isStateful(): boolean {
    return false;
  }

  /**
   * Keras 3's layer.supports_masking: true for the layers Keras marks (Dense, the activations,
   * merges, normalizations, Dropout and the noise layers, Masking, the attention layers,
   * GlobalAveragePooling1D; an Embedding with maskZero), false elsewhere. Keras sets it false on
   * its RNN, Bidirectional and TimeDistributed layers too, though they read the mask they are given.
   */
  get supportsMasking(): boolean {
    return MASKING_CLASSES.has(this.className);
  }

  /** Whether the layer has weights (in getWeights() and in model files); false for Dropout, Masking and the like. */
  get hasWeights(): boolean {
    return true;
  }

  /** Keras' reset_states(): only stateful layers have states to reset. */
  resetStates(_states?: readonly TensorLike[]): void {
    throw new ConfigError(`${this.name}: resetStates() needs a stateful layer; ${this.className} keeps no states between calls`);
  }

  /** Keras 3's reset_state(), its name for reset_states(): the same as resetStates(). */
  resetState(states?: readonly TensorLike[]): void {
    this.resetStates(states);
  }

  private disposedFlag = false;

  /** Whether dispose() was called: the layer can then no longer build, run or hand out weights. */
  get disposed(): boolean {
    return this.disposedFlag;
  }

  /**
   * Frees what the layer keeps in WebAssembly memory and retires the layer: every later call that
   * builds, runs or touches weights throws DisposedError. Calling it again does nothing.
   */
  dispose(): void {
    this.disposedFlag = true;
  }

  /** @internal Throws DisposedError when the layer was disposed; `action` names what was asked. */
  checkNotDisposed(action: string): void {
    if (this.disposedFlag) {
      throw new DisposedError(`${this.name}: cannot ${action}: the layer was disposed`);
    }
  }

  /**
   * Calls the layer, Keras' `layer(x)`: on symbolic tensors it adds a node to the graph and
   * returns its symbolic outputs, on tensors it computes. Each class narrows these types (an
   * LSTM's follow its options); through the base type, as `model.getLayer()` and `model.layers`
   * give it, the result is one tensor or a list.
   */
  apply(x: SymbolicTensor | readonly SymbolicTensor[], options?: object): SymbolicTensor | SymbolicTensor[];
  apply(x: TensorLike | readonly TensorLike[], options?: object): Tensor | Tensor[];
  apply(x: TensorLike | readonly TensorLike[] | SymbolicTensor | readonly SymbolicTensor[], options?: object): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    // Every class of this package overrides it; this serves a subclass of Layer itself.
    checkApplyOptions(options, this.name);
    this.checkNotDisposed('run');
    if (isSymbolic(x)) return unwrapSingle(this.callSymbolic([x]));
    if (isSymbolicList(x)) return unwrapSingle(this.callSymbolic([...x]));
    const list = Array.isArray(x) && x.length > 0 && x.every((item) => item instanceof Tensor);
    const inputs = list ? (x as readonly Tensor[]).slice() : [toTensor(x as TensorLike, `${this.name}: input x`)];
    const { outputs } = this.computeOutputs(inputs, inputs.map(() => undefined));
    return outputs.length === 1 ? outputs[0] : outputs;
  }

  /**
   * @internal Runs the layer inside a model: all inputs of one node in order
   * (e.g. x then initial states) with their masks.
   */
  abstract computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[], callArgs?: CallArgs): LayerCallResult;

  /**
   * @internal The traced graph of a model used as a layer (its nodes run in place of this layer's
   * node when training or streaming); null for every other layer.
   */
  nestedGraph(): NestedGraph | null {
    return null;
  }

  /** @internal The layers a training pass or a stream runs for this one, in getWeights() order: a nested model's layers, else itself. */
  leafLayers(): Layer[] {
    return [this];
  }

  /** @internal Of leafLayers(), those fit() leaves as they are. */
  frozenLeaves(): Layer[] {
    return this.trainable ? [] : [this];
  }

  /** @internal Output shapes of a node whose inputs have these shapes; throws ShapeError if they cannot fit. */
  outputShapes(inputShapes: Shape[], _callArgs?: CallArgs): Shape[] {
    const shape = this.computeOutputShape(inputShapes[0]);
    return isShapeList(shape) ? shape : [shape];
  }

  /** @internal Builds the layer for symbolic inputs when their shapes say enough. */
  protected buildForShapes(inputShapes: Shape[]): void {
    if (!this.built) this.build(inputShapes[0]);
  }

  /** @internal The shape a call's input must fit: the declared one (an Embedding's default (None, None) fixes no rank). */
  protected inputShapeToCheck(): Shape | null {
    return this.batchInputShape;
  }

  /** @internal Adds a node for a call on symbolic tensors and returns its symbolic outputs. */
  callSymbolic(inputs: SymbolicTensor[], callArgs: CallArgs = {}): SymbolicTensor[] {
    this.checkNotDisposed('add it to a model');
    // The explicit mask's shape was checked where the call took it; the layer sees only its own inputs.
    const shapes = splitMaskInput(inputs.map((t) => t.shape), callArgs).inputs;
    const declared = this.inputShapeToCheck();
    if (declared && shapes[0]) {
      const fits = declared.length === shapes[0].length && declared.every((d, i) => d === null || shapes[0][i] === null || d === shapes[0][i]);
      if (!fits) {
        throw new ShapeError(`${this.name}: input must have shape ${formatShape(declared)}, received ${formatShape(shapes[0])}`);
      }
    }
    this.buildForShapes(shapes);
    const outputShapes = this.outputShapes(shapes, callArgs);
    const node = new LayerNode(this, inputs, callArgs);
    node.outputs = outputShapes.map((shape, i) => new SymbolicTensor(shape, node, i));
    this.inboundNodes.push(node);
    return [...node.outputs];
  }

  toString(): string {
    return `${this.className}(name=${this.name})`;
  }
}

/** How many of the last tensors hold `values` values (a layer's non-trainable weights come last). */
function trailingCount(sizes: readonly number[], values: number): number {
  let count = 0;
  for (let sum = 0; sum < values && count < sizes.length; count++) sum += sizes[sizes.length - 1 - count];
  return count;
}

/** Keras' rule for a node's tensors: a list of one is that tensor. */
function unwrapSingle(tensors: readonly SymbolicTensor[]): SymbolicTensor | SymbolicTensor[] {
  return tensors.length === 1 ? (tensors[0] as SymbolicTensor) : [...tensors];
}

function isShapeList(shape: Shape | Shape[]): shape is Shape[] {
  return shape.length > 0 && Array.isArray(shape[0]);
}

export type LegacyInput = 'sequence' | 'features' | 'ids';

function declaredBatchInputShape(options: LayerOptions, layerName: string, legacyInput: LegacyInput): Shape | null {
  const check = (shape: unknown, key: string): Shape => {
    if (!Array.isArray(shape) || shape.some((d) => d !== null && (!Number.isInteger(d) || d <= 0))) {
      throw new ConfigError(`${layerName}: option '${key}' must be an array of positive integers or null, received ${Array.isArray(shape) ? formatShape(shape as (number | null)[]) : quoted(shape)}`);
    }
    return shape as Shape;
  };
  const checkDim = (value: unknown, key: string): number | null => {
    if (value === undefined || value === null) return null;
    if (!Number.isInteger(value) || (value as number) <= 0) {
      throw new ConfigError(`${layerName}: option '${key}' must be a positive integer, received ${quoted(value)}`);
    }
    return value as number;
  };
  if (options.batchInputShape !== undefined) return check(options.batchInputShape, 'batchInputShape');
  if (options.inputShape !== undefined) {
    return [checkDim(options.batchSize, 'batchSize'), ...check(options.inputShape, 'inputShape')];
  }
  const batch = checkDim(options.batchSize, 'batchSize');
  if (legacyInput === 'ids') {
    // Keras' Embedding always declares (batch, inputLength or None).
    return [batch, checkDim(options.inputLength, 'inputLength')];
  }
  if (options.inputDim !== undefined || options.inputLength !== undefined) {
    const features = checkDim(options.inputDim, 'inputDim');
    return legacyInput === 'features' ? [batch, features] : [batch, checkDim(options.inputLength, 'inputLength'), features];
  }
  return null;
}

/** @internal */
export function describeShape(shape: Shape): string {
  return formatShape(shape);
}
