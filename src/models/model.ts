// Models: the shared surface (predict, summary, weights) and the functional
// Model built from Input() tensors and the outputs of layers called on them.
import { readWeightsInto, type WeightsFileSource } from './weights-loader.js';
import { writeModelFile, writeWeightsFile, type SaveModelOptions } from './model-saver.js';
import { ConfigError, DisposedError, InputError, ShapeError, quoted } from '../errors.js';
import { InputLayer } from '../layers/input-layer.js';
import { Layer, type LayerCallResult, type Shape } from '../layers/layer.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { concatBatches, sliceBatch } from '../batching.js';
import type { Graph } from './graph.js';
import { summarize, type SummaryOptions } from './summary.js';
import type { SummaryRow } from './summary-layout.js';
import type { Stream, StreamOptions } from '../streaming/stream.js';
import { openModelStream } from './stream-graph.js';
import { isSymbolic, isSymbolicList, type NestedGraph, type SymbolicTensor } from '../symbolic.js';
import { checkKnownKeys, checkOptionsObject, describeOptions } from '../option-keys.js';
import type { CallbackHooks, History } from '../training/callbacks.js';
import type { MetricDirection } from '../training/metrics.js';
import { Optimizer } from '../training/optimizers.js';
import { optimizerVariableSizes, type OptimizerWeight } from '../training/optimizer-variables.js';
import { Trainer, verbosity, type CompileOptions, type EvaluateOptions, type KerasOptimizerConfig, type EvaluateResult, type TestOnBatchOptions, type TrainOnBatchOptions, type FitOptions, type Targets, type Verbosity } from '../training/trainer.js';
import { compileConfig, optimizerConfig } from '../training/compile-config.js';
import { computesAsKeras2, KERAS_2_VERSION, modelConfig, pythonJson } from './model-json.js';
import { checkApplyOptions, type InferenceOptions } from '../layers/call-options.js';

export interface ToJsonOptions {
  /** The spelling: 3 as Keras 3's model.to_json(), 2 as tf.keras 2's (with keras_version and backend); by default that of the Keras the model computes as. */
  kerasVersion?: 2 | 3;
}

/**
 * What predict, fit and evaluate take as x: a tensor for a single-input model; for several inputs
 * a list in input order, or (as in Keras) a dict by input name.
 */
export type ModelInputs = TensorLike | readonly TensorLike[] | { readonly [inputName: string]: TensorLike };

/** A plain object of tensors by name: not a Tensor, an array, a typed array or a symbolic tensor. */
function isInputDict(x: unknown): x is { readonly [inputName: string]: TensorLike } {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x) && !(x instanceof Tensor) && !isSymbolic(x)
    && Object.getPrototypeOf(x) === Object.prototype;
}

export interface PredictOptions {
  /** Run the batch in slices of this many samples; the result is the same as one call. */
  batchSize?: number;
  /** Accepted as in Keras (0, 1, 2 or 'auto'); predict is synchronous and prints nothing either way. */
  verbose?: Verbosity;
}

export type { SummaryLayout, SummaryOptions } from './summary.js';

/** getLayer's keyword form, Keras' get_layer(name=..., index=...): one of the two. */
export interface GetLayerOptions {
  name?: string | null;
  index?: number | null;
}

/** `Output` is what predict returns: a Tensor, a tuple of them, or `Tensor | Tensor[]` when not known at compile time. */
// A record over every key, so that a new SummaryOptions key cannot be forgotten here.
const SUMMARY_KEYS: Record<keyof SummaryOptions, true> = { layout: true, lineLength: true, positions: true, printFn: true, print: true, expandNested: true, showTrainable: true, layerRange: true };
const SUMMARY_OPTION_KEYS: readonly string[] = Object.keys(SUMMARY_KEYS);

/** What a model called on symbolic tensors returns: one symbolic tensor per output, shaped as predict's result. */
export type SymbolicOutput<Output> = Output extends Tensor
  ? SymbolicTensor
  : Output extends readonly unknown[]
    ? { -readonly [K in keyof Output]: SymbolicTensor }
    : SymbolicTensor | SymbolicTensor[];

/**
 * What Sequential and Model share. A model is a layer, as in Keras: it can be added to a
 * Sequential, called on symbolic tensors (`model.apply(Input(...))`) and wrapped in
 * TimeDistributed, and its weights, trainable flag and summary row are those of all its layers.
 */
export abstract class ModelBase<Output = Tensor | Tensor[]> extends Layer {
  protected constructor(name: string | undefined, prefix: string) {
    super({ name }, prefix);
    this.generatedName = name === undefined;
  }

  /** @internal Whether the name is Keras 3's own (sequential, functional_1, ...), not one given. */
  protected readonly generatedName: boolean;

  /** @internal The traced graph; Sequential builds it on first use. */
  protected abstract graphFor(inputs: readonly Tensor[] | null): Graph;
  /** Layers as Keras' model.layers lists them. */
  abstract get layers(): Layer[];
  /** @internal Keras' sequential_like: whether summary() leaves out the 'Connected to' column. */
  protected abstract get isChain(): boolean;

  /** Keras' model.inputs: the model's own symbolic inputs, one per input, in order. */
  get inputs(): readonly SymbolicTensor[] {
    return this.graphFor(null).inputs;
  }

  /** Keras' model.outputs: the model's own symbolic outputs, one per output, in order. */
  get outputs(): readonly SymbolicTensor[] {
    return this.graphFor(null).outputs;
  }

  /**
   * Keras' model.input_shape: the input's shape with the batch axis (null unless fixed), a list
   * of shapes for a model with several inputs. ConfigError for a Sequential not yet built.
   */
  get inputShape(): Shape | Shape[] {
    return unwrapShapes(this.inputs);
  }

  /** Keras' model.output_shape: the output's shape with the batch axis, a list for several outputs. */
  get outputShape(): Shape | Shape[] {
    return unwrapShapes(this.outputs);
  }

  /**
   * Keras' model.input: the model's own input, a list when it has several (not the tensors a model
   * around it calls it on). With a layer's output it makes a feature extractor that shares the weights:
   * `new Model({ inputs: model.input, outputs: model.getLayer('lstm').output })`.
   */
  override get input(): SymbolicTensor | SymbolicTensor[] {
    const inputs = this.inputs;
    return inputs.length === 1 ? (inputs[0] as SymbolicTensor) : [...inputs];
  }

  /** Keras' model.output: the model's own output, a list when it has several. */
  override get output(): SymbolicTensor | SymbolicTensor[] {
    const outputs = this.outputs;
    return outputs.length === 1 ? (outputs[0] as SymbolicTensor) : [...outputs];
  }

  /** Runs the model; one tensor per output (a single Tensor when there is one output). */
  predict(x: ModelInputs, options: PredictOptions = {}): Output {
    const outputs = this.predictAll(x, options);
    return (outputs.length === 1 ? outputs[0] : outputs) as Output;
  }

  /**
   * Keras' get_layer(name=None, index=None): the layer of that name, or at that index of `layers`
   * (negative from the end, as Python's list); `getLayer('lstm')`, `getLayer(2)`,
   * `getLayer(undefined, 2)` or `getLayer({ index: 2 })`. ConfigError naming the layers there are
   * when there is none, and, as Keras, when both or neither are given.
   */
  getLayer(name: string): Layer;
  getLayer(index: number): Layer;
  getLayer(name: string | null | undefined, index: number | null | undefined): Layer;
  getLayer(options: GetLayerOptions): Layer;
  getLayer(first?: string | number | null | GetLayerOptions, second?: number | null): Layer {
    const where = `${this.name}: getLayer`;
    let name: unknown = first;
    let index: unknown = second;
    if (typeof first === 'number') {
      if (second !== undefined && second !== null) throw new ConfigError(`${where}: give a layer name or an index, not two indices (received ${first} and ${quoted(second)})`);
      [name, index] = [undefined, first];
    } else if (typeof first === 'object' && first !== null) {
      if (second !== undefined) throw new ConfigError(`${where}: an options object { name, index } takes no second argument`);
      checkKnownKeys(first, ['name', 'index'], where);
      ({ name, index } = first);
    }
    name ??= undefined;
    index ??= undefined;
    if (name !== undefined && index !== undefined) {
      throw new ConfigError(`${where}: give only a layer name or a layer index (Keras' rule), received name ${quoted(name)} and index ${quoted(index)}`);
    }
    const layers = this.layers;
    if (index !== undefined) {
      if (typeof index !== 'number' || !Number.isInteger(index)) throw new ConfigError(`${where}: index must be an integer, received ${quoted(index)}`);
      const layer = layers[index < 0 ? layers.length + index : index];
      if (!layer) throw new ConfigError(`${where}(${index}): the model has ${layers.length} layers (indices 0 to ${layers.length - 1}, or -${layers.length} to -1 from the end)`);
      return layer;
    }
    if (name === undefined) throw new ConfigError(`${where}: give a layer name or an index (getLayer('dense'), getLayer(0), getLayer(undefined, 0)), received neither`);
    if (typeof name !== 'string') throw new ConfigError(`${where}: name must be a string, received ${quoted(name)}`);
    const layer = layers.find((l) => l.name === name);
    if (!layer) throw new ConfigError(`${where}: no layer named '${name}'; the layers are ${layers.map((l) => l.name).join(', ')}`);
    return layer;
  }

  /**
   * On data, the same as predict without batching. On symbolic tensors (Input() or a layer's
   * output), Keras' model(x): the model becomes one node of the graph being built, its weights
   * shared with every other call of it.
   */
  override apply(x: SymbolicTensor | readonly SymbolicTensor[], options?: InferenceOptions): SymbolicOutput<Output>;
  override apply(x: TensorLike | readonly TensorLike[], options?: InferenceOptions): Output;
  // Layer's own signatures, which the two above narrow for a model whose outputs are known; never
  // chosen before them, they let a model stand where a Layer is expected.
  override apply(x: SymbolicTensor | readonly SymbolicTensor[], options?: InferenceOptions): SymbolicTensor | SymbolicTensor[];
  override apply(x: TensorLike | readonly TensorLike[], options?: InferenceOptions): Tensor | Tensor[];
  override apply(x: TensorLike | readonly TensorLike[] | SymbolicTensor | readonly SymbolicTensor[], options?: InferenceOptions): Output | SymbolicOutput<Output> | Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    checkApplyOptions(options, this.name);
    if (isSymbolic(x) || isSymbolicList(x)) {
      const outputs = this.callSymbolic(isSymbolic(x) ? [x] : [...x]);
      return (outputs.length === 1 ? outputs[0] : outputs) as SymbolicOutput<Output>;
    }
    return this.predict(x as TensorLike | readonly TensorLike[]);
  }

  /** @internal Runs the model as one layer of a model around it, its inputs' masks given to its inputs. */
  computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[]): LayerCallResult {
    this.checkNotDisposed('run');
    const graph = this.graphFor(inputs);
    graph.checkInputs(inputs, this.name);
    const values = graph.runWithMasks(inputs, masks);
    return { outputs: values.map((v) => v.tensor), masks: values.map((v) => v.mask) };
  }

  /** @internal */
  override nestedGraph(): NestedGraph {
    return this.graphFor(null).flattened();
  }

  /** @internal */
  override outputShapes(inputShapes: Shape[]): Shape[] {
    return this.graphFor(null).outputShapesFor(inputShapes);
  }

  /** The output shape for inputs of this shape; a list of shapes for a model with several outputs. */
  computeOutputShape(inputShape: Shape): Shape | Shape[] {
    const shapes = this.outputShapes([inputShape]);
    return shapes.length === 1 ? shapes[0] : shapes;
  }

  /** @internal */
  override leafLayers(): Layer[] {
    return this.layers.flatMap((layer) => layer.leafLayers());
  }

  /** @internal A frozen model freezes all its layers, as Keras' trainable_weights is empty for it. */
  override frozenLeaves(): Layer[] {
    return this.trainable ? this.layers.flatMap((layer) => layer.frozenLeaves()) : this.leafLayers();
  }

  /** @internal The leaves fit() leaves as they are. */
  frozenLeafLayers(): Set<Layer> {
    return new Set(this.frozenLeaves());
  }

  override get isStateful(): boolean {
    return this.layers.some((layer) => layer.isStateful);
  }

  override get hasWeights(): boolean {
    return this.layers.some((layer) => layer.hasWeights);
  }

  /** @internal */
  override frozenParams(): number {
    return this.trainable ? this.layers.reduce((sum, layer) => sum + layer.frozenParams(), 0) : this.countParams();
  }

  override countNonTrainableParams(): number {
    return this.layers.reduce((sum, layer) => sum + layer.countNonTrainableParams(), 0);
  }

  /** Like predict but always a list of outputs. */
  predictAll(x: ModelInputs, options: PredictOptions = {}): Tensor[] {
    this.checkNotDisposed('predict');
    checkOptionsObject(options, `${this.name}: predict`, '{ batchSize: 32 }');
    checkKnownKeys(options, ['batchSize', 'verbose'], `${this.name}: predict`);
    verbosity(options.verbose, `${this.name}: predict`);
    const inputs = this.toInputList(x);
    const graph = this.graphFor(inputs);
    const { batchSize } = options;
    if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize <= 0)) {
      throw new ConfigError(`${this.name}: predict option 'batchSize' must be a positive integer, received ${typeof batchSize === 'number' ? String(batchSize) : quoted(batchSize)}`);
    }
    const total = inputs[0].shape[0];
    if (inputs.some((t) => t.shape[0] !== total)) {
      throw new ShapeError(`${this.name}: all inputs must have the same batch size, received ${inputs.map((t) => t.shape[0]).join(', ')}`);
    }
    if (batchSize === undefined || batchSize >= total) {
      graph.checkInputs(inputs, this.name);
      return graph.run(inputs);
    }
    // Each batch is checked, not the whole: a fixed batch size (a stateful model's) fits the slices.
    // The first and the last slice are the only two shapes, both checked before any batch runs.
    graph.checkInputs(inputs.map((t) => sliceBatch(t, 0, batchSize)), this.name);
    graph.checkInputs(inputs.map((t) => sliceBatch(t, total - (total % batchSize || batchSize), total)), this.name);
    const parts: Tensor[][] = [];
    for (let start = 0; start < total; start += batchSize) {
      const end = Math.min(total, start + batchSize);
      parts.push(graph.run(inputs.map((t) => sliceBatch(t, start, end))));
    }
    return parts[0].map((_, i) => concatBatches(parts.map((p) => p[i])));
  }

  /**
   * A live stream of the model: `step(frame)` runs one time step (batchSize × features floats, or
   * Int32Array ids for a model that starts with an Embedding) with one WebAssembly call, and
   * returns what `predict` returns on the sequence so far. ConfigError names a layer that cannot
   * stream (Bidirectional, goBackwards, layers that need the whole sequence).
   */
  stream(options?: StreamOptions): Stream {
    this.checkNotDisposed('stream');
    for (const layer of this.layers) layer.checkNotDisposed('stream');
    return openModelStream(this.graphFor(null).flattened(), this.name, options);
  }

  /** Set by a callback (EarlyStopping) to end fit() after the current epoch. */
  stopTraining = false;

  /** @internal Keras' stop_training: an assignment to it would otherwise go unread. */
  get stop_training(): boolean {
    throw new ConfigError(`${this.name}: stop_training is Keras' name; it is model.stopTraining here`);
  }

  /** @internal */
  set stop_training(_value: boolean) {
    throw new ConfigError(`${this.name}: stop_training is Keras' name; set model.stopTraining = true here`);
  }
  /** Keras' model.history: the History the last fit() returned, null before any. */
  history: History | null = null;
  private trainer: Trainer | null = null;
  private compileOptions: CompileOptions | null = null;

  /** @internal Why loadModel left the model uncompiled though its file holds a compile config. */
  savedCompileProblem: string | null = null;

  /** Keras' model.compile({ optimizer, loss, metrics }). A model with a layer that cannot train compiles (for evaluate); fit, trainOnBatch and computeGradients then throw a ConfigError naming it. */
  compile(options: CompileOptions): void;
  /** Keras' positional form, `compile('adam', 'mse', { metrics: ['mae'] })`: the optimizer, the loss, then the other options. */
  compile(optimizer: NonNullable<CompileOptions['optimizer']>, loss: CompileOptions['loss'], options?: Omit<CompileOptions, 'optimizer' | 'loss'>): void;
  compile(first: CompileOptions | NonNullable<CompileOptions['optimizer']>, loss?: CompileOptions['loss'], rest?: Omit<CompileOptions, 'optimizer' | 'loss'>): void {
    const options = positionalCompileOptions(first, loss, rest, `${this.name}: compile`);
    this.trainer = new Trainer(this, options);
    this.compileOptions = options;
    this.savedCompileProblem = null;
  }

  /** @internal What compile() was given, the optimizer as its config (a copy compiles with an optimizer of its own); null when not compiled. */
  compileOptionsForCopy(): CompileOptions | null {
    if (!this.trainer || !this.compileOptions) return null;
    return { ...this.compileOptions, optimizer: optimizerConfig(this.trainer.optimizer) as KerasOptimizerConfig };
  }

  /** @internal Keras 3's get_compile_config(), or null when the model is not compiled. */
  compileConfig(): Record<string, unknown> | null {
    if (!this.trainer || !this.compileOptions) return null;
    return compileConfig(this.trainer.optimizer, this.compileOptions.loss, this.compileOptions.metrics, this.compileOptions.lossWeights, this.compileOptions.weightedMetrics);
  }

  /** @internal Whether Keras serialises the model as a Sequential (else as a Functional model). */
  get serializesAsSequential(): boolean {
    return false;
  }

  /** @internal Keras' serialisation ({ class_name, config, ... }) in the spelling of Keras `spelling`. */
  kerasConfig(spelling: 2 | 3): Record<string, unknown> {
    this.checkNotDisposed('serialize');
    const config = modelConfig(this, this.serializesAsSequential, spelling);
    if (spelling === 2) return { ...config, keras_version: KERAS_2_VERSION, backend: 'tensorflow' };
    const compiled = this.compileConfig();
    return compiled ? { ...config, compile_config: compiled } : config;
  }

  /**
   * Keras' model.to_json(): the model's config as the Keras it computes as writes it, so that
   * modelFromJson reads back the same numbers: tf.keras 2's spelling for a model with Keras 2
   * semantics (read from a Keras 2 file, or built with kerasVersion: 2), else Keras 3's.
   * `{ kerasVersion: 2 }` or `{ kerasVersion: 3 }` picks one. modelFromConfig (and Keras) rebuild
   * the model from it, without weights.
   */
  toJSON(options: ToJsonOptions | string = {}): string {
    // JSON.stringify(model) calls toJSON with the property key.
    const checked = typeof options === 'string' ? {} : options;
    checkOptionsObject(checked, `${this.name}: toJSON`, '{ kerasVersion: 2 }');
    checkKnownKeys(checked, ['kerasVersion'], `${this.name}: toJSON`);
    const spelling = checked.kerasVersion ?? (this.layers.some(computesAsKeras2) ? 2 : 3);
    if (spelling !== 2 && spelling !== 3) throw new ConfigError(`${this.name}: toJSON option 'kerasVersion' must be 2 or 3, received ${quoted(spelling)}`);
    return pythonJson(this.kerasConfig(spelling));
  }

  private compiled(what: string): Trainer {
    if (!this.trainer) {
      const saved = this.savedCompileProblem === null ? '' : `; the file's compile config could not be used (${this.savedCompileProblem})`;
      throw new ConfigError(`${this.name}: ${what} needs compile({ optimizer, loss }) first${saved}`);
    }
    return this.trainer;
  }

  /**
   * Keras' metrics_names as tf.keras 2 lists them: the keys of evaluate()'s result and of fit()'s
   * logs ('loss', each output's '<name>_loss' when there are several, then the metrics; the logs
   * themselves come in Keras 3's order, with the outputs' losses last); [] before compile(). Keras 3 groups the metrics as 'compile_metrics' instead, a name
   * no result of its carries. Known from compile(), where tf.keras 2 waits for the first fit or evaluate.
   */
  get metricsNames(): string[] {
    return this.trainer ? this.trainer.logNames() : [];
  }

  /** @internal Keras' model.metrics as MonitorCallback reads them; [] before compile(). */
  compiledMetrics(): { name: string; direction: MetricDirection }[] {
    return this.trainer ? this.trainer.compiledMetrics() : [];
  }

  /** @internal The weights the compiled optimizer steps, in its order; null when not compiled. */
  optimizerWeights(): OptimizerWeight[] | null {
    return this.trainer ? this.trainer.optimizerWeights() : null;
  }

  /** The compiled optimizer (its `iterations` counts the steps taken). */
  get optimizer(): Optimizer {
    return this.compiled('optimizer').optimizer;
  }

  /** Keras' fit: trains in batches, yielding to the event loop between them; returns the History. */
  fit(x: ModelInputs, y: Targets, options: FitOptions = {}): Promise<History> {
    return this.compiled('fit').fit(x, y, options).then((history) => {
      this.history = history;
      return history;
    });
  }

  /** Keras' evaluate: the loss and compiled metrics over x, without changing weights. */
  evaluate(x: ModelInputs, y: Targets, options: EvaluateOptions & { callbacks?: CallbackHooks | readonly CallbackHooks[] } = {}): Promise<EvaluateResult> {
    return this.compiled('evaluate').evaluate(x, y, options);
  }

  /** Keras' train_on_batch: one optimizer step on x as one batch; returns { loss, <metric>... } for it, which also iterates as Keras' list. */
  trainOnBatch(x: ModelInputs, y: Targets, options: TrainOnBatchOptions = {}): EvaluateResult {
    return this.compiled('trainOnBatch').trainOnBatch(x, y, options);
  }

  /** Keras' test_on_batch: the loss and compiled metrics on x as one batch, as evaluate returns them; no callbacks. */
  testOnBatch(x: ModelInputs, y: Targets, options: TestOnBatchOptions = {}): EvaluateResult {
    return this.compiled('testOnBatch').testOnBatch(x, y, options);
  }

  /** Keras' predict_on_batch: predict on x as one batch. */
  predictOnBatch(x: ModelInputs): Output {
    // Keras' predict_on_batch takes x alone; an options object here would otherwise pass unread.
    if (arguments.length > 1) throw new ConfigError(`${this.name}: predictOnBatch(x) takes x alone, as Keras' predict_on_batch(x) does, received ${arguments.length} arguments; for a batch size use predict(x, { batchSize })`);
    return this.predict(x);
  }

  /** d loss / d each weight on one batch, in getWeights() order, before clipping; weights do not change. */
  computeGradients(x: ModelInputs, y: Targets, options: { sampleWeight?: TensorLike } = {}): Tensor[] {
    return this.compiled('computeGradients').computeGradients(x, y, options);
  }

  /** @internal The traced graph, a nested model as one node (what configs and summary show). */
  tracedGraph(inputs: readonly Tensor[] | null): Graph {
    return this.graphFor(inputs);
  }

  /** @internal The traced graph, for training, nested models' nodes in place (see leafLayers). */
  trainingGraph(inputs: readonly Tensor[] | null): Graph {
    return this.graphFor(inputs).flattened();
  }

  /**
   * Keras' model.output_names: the output layers' names in output order, the keys of a loss or
   * metrics dict in compile and of the logs (`cls_loss`). A Sequential has its last layer's.
   */
  get outputNames(): string[] {
    if (this.isChain) return [this.layers[this.layers.length - 1]?.name ?? this.name];
    return this.graphFor(null).outputs.map((o) => o.layer.name);
  }

  /**
   * tf.keras 2's model.input_names: the input layers' names in input order, the keys of a dict
   * of inputs to predict or fit. ConfigError for a Sequential that has no input shape yet.
   */
  get inputNames(): string[] {
    return this.inputs.map((input) => input.node.layer.name);
  }

  /** @internal x as one tensor per model input. */
  inputList(x: unknown): Tensor[] {
    return this.toInputList(x as ModelInputs);
  }

  /**
   * Keras' model.trainable: setting it sets every layer's `trainable` (false freezes the whole
   * model, as for a pretrained base); each layer's own flag then decides, from the next compile().
   * A nested model that is not trainable freezes all its layers inside the model around it.
   */
  override get trainable(): boolean {
    return super.trainable;
  }

  override set trainable(value: boolean) {
    if (typeof value !== 'boolean') throw new ConfigError(`${this.name}: 'trainable' must be a boolean, received ${quoted(value)}`);
    super.trainable = value;
    for (const layer of this.layers) layer.trainable = value;
  }

  /** Keras' model.reset_states(): every stateful layer starts its next call from zeros. */
  override resetStates(): void {
    this.checkNotDisposed('reset states');
    for (const layer of this.layers) {
      if (layer.isStateful) layer.resetStates();
    }
  }

  /**
   * Frees every layer's weights in WebAssembly memory and retires the model and its layers: later
   * calls throw DisposedError. Calling it again does nothing.
   */
  override dispose(): void {
    if (this.disposed) return;
    super.dispose();
    for (const layer of this.layers) layer.dispose();
    // The optimizer's slots belong to these weights; they go with them rather than at garbage collection.
    this.trainer?.optimizer.releaseState();
  }

  /** @internal Throws DisposedError when the model was disposed; `action` names what was asked. */
  override checkNotDisposed(action: string): void {
    if (this.disposed) {
      throw new DisposedError(`${this.name}: cannot ${action}: the model was disposed`);
    }
  }

  /**
   * Keras' model.save(path) in Node: the format from the extension (.keras, .h5, TF.js model.json)
   * or `{ format }`, as saveModel(model, path) writes it. The writers load on the first save.
   */
  save(path: string | URL, options: SaveModelOptions = {}): Promise<void> {
    this.checkNotDisposed('save');
    return writeModelFile(this as unknown as ModelBase, path, options);
  }

  /**
   * Keras 3's model.save_weights(path) in Node: the weights alone, to a `.weights.h5` file in Keras 3's
   * layout, which Keras' load_weights and loadWeights read. The writer loads on the first call.
   */
  saveWeights(path: string | URL): Promise<void> {
    this.checkNotDisposed('save weights');
    return writeWeightsFile(this as unknown as ModelBase, path);
  }

  /** Keras' model.get_config(): the `config` of toJSON() (Keras 3 spelling), as an object. */
  getConfig(): Record<string, unknown> {
    return this.kerasConfig(3).config as Record<string, unknown>;
  }

  /**
   * Keras' load_weights: sets this model's weights from a file model.save_weights() wrote (a legacy
   * `.h5`, a Keras 3 `.weights.h5`) or from a whole model file, matched by layer order as Keras does.
   * Rejects with a ModelFileError naming the first layer or tensor that does not fit, leaving the
   * weights as they were. The HDF5 reader loads on the first call.
   */
  loadWeights(source: WeightsFileSource): Promise<void> {
    this.checkNotDisposed('load weights');
    return readWeightsInto(this as unknown as ModelBase, source);
  }

  countParams(): number {
    this.checkNotDisposed('count parameters');
    return this.layers.reduce((sum, layer) => sum + layer.countParams(), 0);
  }

  /** Every layer's weights, in layer order (Keras model.get_weights()). */
  getWeights(): Tensor[] {
    this.checkNotDisposed('get weights');
    return this.layers.flatMap((layer) => layer.getWeights());
  }

  /** Weights in getWeights() order; on any error no layer changes. */
  setWeights(weights: readonly TensorLike[]): void {
    this.checkNotDisposed('set weights');
    const layers = this.layers;
    const counts = layers.map((layer) => layer.getWeights().length);
    const expected = counts.reduce((a, b) => a + b, 0);
    if (!Array.isArray(weights) || weights.length !== expected) {
      throw new ShapeError(`${this.name}: setWeights expects ${expected} tensors (every layer's weights in order; build the model first), received ${Array.isArray(weights) ? weights.length : typeof weights}`);
    }
    const previous = layers.map((layer) => layer.getWeights());
    let offset = 0;
    let done = 0;
    try {
      for (; done < layers.length; done++) {
        layers[done].setWeights(weights.slice(offset, offset + counts[done]));
        offset += counts[done];
      }
    } catch (error) {
      for (let i = 0; i < done; i++) layers[i].setWeights(previous[i]);
      throw error;
    }
  }

  /**
   * Keras' model.summary(): Keras 3's box table by default, or `{ layout: 'tf.keras' }` for the
   * tf.keras 2 one; printed with console.log (or `printFn`) unless `{ print: false }`, and returned.
   */
  summary(options: SummaryOptions = {}): string {
    this.checkNotDisposed('summarize');
    checkOptionsObject(options, `${this.name}: summary`, '{ print: false }');
    checkKnownKeys(options, SUMMARY_OPTION_KEYS, `${this.name}: summary`);
    const named = options.layout === 'tf.keras' ? tfKerasName : (layer: Layer) => layer.name;
    const rows = summaryRows(this, named, options.expandNested === true);
    const modelName = options.layout === 'tf.keras' && this.generatedName ? this.name.replace(/^functional(?=_\d+$|$)/, 'model') : this.name;
    // Keras 3 counts the optimizer's variables once it is built (model.compiled and optimizer.built).
    const optimizer = this.trainer?.optimizer.built ? optimizerVariableSizes(this.trainer.optimizer, this.trainer.optimizerWeights()) : null;
    return summarize(modelName, rows, this.isChain, options, optimizer);
  }

  private toInputList(x: ModelInputs): Tensor[] {
    if (x instanceof Tensor) return [x];
    if (isSymbolic(x)) throw new InputError(`${this.name}: predict takes data, not symbolic tensors`);
    if (isInputDict(x)) return this.inputsByName(x);
    const expectsList = this.inputCount() > 1;
    if (expectsList) {
      if (!Array.isArray(x)) throw new ShapeError(`${this.name}: expects a list of ${this.inputCount()} input tensors, received ${typeof x}`);
      return x.map((t, i) => toTensor(t, `${this.name}: inputs[${i}]`));
    }
    if (Array.isArray(x) && x.length === 1 && (x[0] instanceof Tensor || ArrayBuffer.isView(x[0]))) return [toTensor(x[0], `${this.name}: input`)];
    return [toTensor(x, `${this.name}: input`)];
  }

  /** Keras' Functional._standardize_inputs: a dict by input name gives each input (other keys are ignored). */
  private inputsByName(x: { readonly [inputName: string]: TensorLike }): Tensor[] {
    const names = this.inputNames;
    const missing = names.filter((name) => !Object.prototype.hasOwnProperty.call(x, name));
    if (missing.length > 0) {
      throw new InputError(`${this.name}: a dict of inputs must hold every input by name; expected keys ${quoted(names)}, missing ${quoted(missing)}, received ${quoted(Object.keys(x))}`);
    }
    return names.map((name) => toTensor(x[name] as TensorLike, `${this.name}: inputs['${name}']`));
  }

  /** @internal */
  protected inputCount(): number {
    return 1;
  }
}

/** Keras' rule for input_shape and output_shape: a list of one is that shape. */
function unwrapShapes(tensors: readonly SymbolicTensor[]): Shape | Shape[] {
  const shapes = tensors.map((t) => [...t.shape]);
  return shapes.length === 1 ? (shapes[0] as Shape) : shapes;
}

/**
 * The name tf.keras 2 would have given where Keras 3 chose one: its inputs count input_1,
 * input_2, ... where Keras 3 has input_layer, input_layer_1, ...; names given are kept.
 */
function tfKerasName(layer: Layer): string {
  if (!(layer instanceof InputLayer) || !layer.generatedName) return layer.name;
  const match = /^input_layer(?:_(\d+))?$/.exec(layer.name);
  return match ? `input_${Number(match[1] ?? 0) + 1}` : layer.name;
}

/**
 * One row per layer of `model`; with `expandNested`, a nested model's rows under its own (Keras'
 * print_layer). A nested layer's calls are not nodes of the summarized model, so both Keras list
 * no connections for it.
 */
function summaryRows(model: Pick<ModelBase, 'layers' | 'tracedGraph'>, named: (layer: Layer) => string, expandNested: boolean, nested = false): SummaryRow[] {
  const graph = model.tracedGraph(null);
  return model.layers.map((layer) => {
    const row = summaryRow(layer, graph, named);
    return {
      ...row,
      connections: nested ? [] : row.connections,
      nested: expandNested && layer instanceof ModelBase && layer.layers.length > 0 ? summaryRows(layer, named, true, true) : [],
    };
  });
}

function summaryRow(layer: Layer, graph: Graph, named: (layer: Layer) => string): Omit<SummaryRow, 'nested'> {
  const nodes = graph.nodes.filter((node) => node.layer === layer);
  return {
    trainable: layer.trainable,
    hasWeights: layer.hasWeights,
    name: named(layer),
    className: layer.className,
    params: layer.countParams(),
    nonTrainableParams: layer.frozenParams(),
    int64Params: layer.int64Params(),
    isInputLayer: layer instanceof InputLayer,
    nodeOutputs: nodes.map((node) => node.outputs.map((t) => t.shape)),
    connections: nodes.flatMap((node) => node.inputs.map((input) => {
      const nodeIndex = input.layer.inboundNodes.indexOf(input.node);
      return `${named(input.layer)}[${nodeIndex}][${input.outputIndex}]`;
    })),
  };
}

export type { Model, ModelOptions, PerSymbolicTensor, ModelInput, ModelOutput } from './functional.js';

/** compile(optimizer, loss, options) as the options object; an options object is passed on to be checked. */
function positionalCompileOptions(first: unknown, loss: unknown, rest: unknown, where: string): CompileOptions {
  const optimizerFirst = typeof first === 'string' || first instanceof Optimizer || (typeof first === 'object' && first !== null && 'class_name' in first);
  if (!optimizerFirst && loss === undefined && rest === undefined) return first as CompileOptions;
  if (!optimizerFirst) throw new ConfigError(`${where}: the positional form takes an optimizer first (a name such as 'adam', an optimizer object or a Keras optimizer config), received ${describeOptions(first)}`);
  if (rest !== undefined) {
    checkOptionsObject(rest, `${where}: options after the loss`, "{ metrics: ['accuracy'] }");
    for (const key of ['optimizer', 'loss']) {
      if (key in rest) throw new ConfigError(`${where}: '${key}' is given twice, positionally and in the options`);
    }
  }
  return { ...(rest as object | undefined), optimizer: first, loss } as CompileOptions;
}
