// Keras Sequential: a chain of single-output layers. With a declared input
// shape the chain is traced as each layer is added, so a layer that cannot
// fit is rejected by add(); otherwise it is traced on the first predict.
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import { InputLayer } from '../layers/input-layer.js';
import { Layer, uniqueLayerName, type Shape } from '../layers/layer.js';
import type { Tensor } from '../tensor.js';
import { Graph } from './graph.js';
import { ModelBase } from './model.js';
import { isSymbolic, type SymbolicTensor } from '../symbolic.js';
import { checkKnownKeys, checkOptionsObject, describeOptions } from '../option-keys.js';
// from-config builds models of this module's class; Sequential.fromConfig calls it only once both are loaded.
import { configMismatch, modelFromConfig, type ModelFromConfigOptions } from './from-config.js';

export interface SequentialOptions {
  name?: string;
  layers?: readonly (Layer | SymbolicTensor)[];
}

export class Sequential extends ModelBase<Tensor> {
  private readonly chain: Layer[] = [];
  private tracedInput: SymbolicTensor | null = null;
  /** Each layer's output in the traced chain, so that pop() leaves the kept layers' calls as they are. */
  private tracedOutputs: SymbolicTensor[] = [];
  private graph: Graph | null = null;

  /** `new Sequential()`, `new Sequential({ layers, name })`, or Keras' `new Sequential([layer, ...], { name })`. */
  constructor(options?: SequentialOptions);
  constructor(layers: readonly (Layer | SymbolicTensor)[], options?: Omit<SequentialOptions, 'layers'>);
  constructor(first: SequentialOptions | readonly (Layer | SymbolicTensor)[] = {}, second?: Omit<SequentialOptions, 'layers'>) {
    const options = sequentialOptions(first, second);
    super(options.name, 'sequential');
    const layers = options.layers ?? [];
    if (!Array.isArray(layers)) {
      throw new ConfigError(`${this.name}: option 'layers' must be a list of layers, received ${String(layers)}`);
    }
    // As Keras' __init__: every layer added, then one rebuild.
    for (const layer of layers) this.append(layer);
    if (layers.length > 0) this.maybeRebuild();
  }

  /**
   * Keras' Sequential.from_config(model.get_config()): the same layers and names, with fresh
   * weights (the layer list alone, as Keras 2.0 wrote it, too).
   */
  static fromConfig(config: Record<string, unknown> | readonly unknown[], options: ModelFromConfigOptions = {}): Sequential {
    if (typeof config !== 'object' || config === null || (!Array.isArray(config) && ('class_name' in config || 'input_layers' in config))) {
      throw new ConfigError(`Sequential.fromConfig: expects a Sequential's getConfig() (with its layers list), ${configMismatch(config, "a functional model's config goes to Model.fromConfig")}`);
    }
    return modelFromConfig({ class_name: 'Sequential', config }, options) as Sequential;
  }

  get layers(): Layer[] {
    return [...this.chain];
  }

  get className(): string {
    return 'Sequential';
  }

  /** Whether the chain is traced for an input shape (declared, given to build(), or met in predict()). */
  get built(): boolean {
    return this.tracedInput !== null;
  }

  private get tracedOutput(): SymbolicTensor | null {
    return this.tracedOutputs[this.tracedOutputs.length - 1] ?? this.tracedInput;
  }

  /** The input shape the chain is traced for, batch axis first; null before it is known. */
  override get batchInputShape(): Shape | null {
    return this.tracedInput?.shape ?? null;
  }

  /** Keras' model.input: the input the chain is traced for; ConfigError before the input shape is known. */
  override get input(): SymbolicTensor {
    return this.inputs[0] as SymbolicTensor;
  }

  /** Keras' model.output: the last layer's output in the traced chain. */
  override get output(): SymbolicTensor {
    return this.outputs[0] as SymbolicTensor;
  }

  /** @internal */
  protected get isChain(): boolean {
    return true;
  }

  /** @internal */
  override get serializesAsSequential(): boolean {
    return true;
  }

  /**
   * Appends a layer; an `Input()` tensor as the first item fixes the input shape. ConfigError,
   * before anything changes, for a layer whose name another layer of the model has (Keras' rule).
   */
  add(layer: Layer | SymbolicTensor): void {
    this.append(layer);
    this.maybeRebuild();
  }

  /** Keras' add(layer, rebuild=False). */
  private append(layer: Layer | SymbolicTensor): void {
    this.checkNotDisposed('add a layer');
    if (isSymbolic(layer)) {
      if (!(layer.layer instanceof InputLayer) || this.tracedInput || this.chain.length > 0) {
        throw new ConfigError(`${this.name}: only an Input() tensor can be added, and only first`);
      }
      this.tracedInput = layer;
      return;
    }
    if (!(layer instanceof Layer)) {
      throw new ConfigError(`${this.name}: add() expects a layer, received ${describeNotLayer(layer)}`);
    }
    if (layer instanceof InputLayer) {
      this.append(layer.output);
      return;
    }
    if (layer === this) throw new ConfigError(`${this.name}: a model cannot be added to itself`);
    if (this.chain.includes(layer)) throw new ConfigError(`${this.name}: layer ${layer.name} was already added`);
    // Keras makes the InputLayer of a first layer's input_shape before it checks the name.
    const input = this.tracedInput ?? (this.chain.length === 0 && layer.declaresInputShape
      ? new InputLayer({ batchShape: layer.batchInputShape as Shape }).output
      : null);
    const taken = [...(input ? [input.layer] : []), ...this.chain];
    if (taken.some((other) => other.name === layer.name)) {
      throw new ConfigError(`${this.name}: All layers added to a Sequential model should have unique names. Name '${layer.name}' is already the name of a layer in this model. Update the \`name\` argument to pass a unique name.`);
    }
    const previous = this.tracedOutputs[this.tracedOutputs.length - 1] ?? input;
    if (previous) this.tracedOutputs.push(this.callLayer(layer, previous));
    this.tracedInput = input;
    this.chain.push(layer);
    this.graph = null;
  }

  /**
   * Keras' _maybe_rebuild: a traced chain, or one whose first layer is a model with an input shape,
   * is (re)built, and each build makes a Functional that takes the next auto name ('functional',
   * 'functional_1', ...), so that a later Model() is named as in Keras.
   */
  private maybeRebuild(): void {
    const first = this.chain[0];
    if (!first) return;
    if (this.tracedInput) {
      // The chain was traced as it grew; what is left of Keras' build is its Functional's name.
      uniqueLayerName('functional');
    } else if (this.chain.length > 1 && first instanceof ModelBase && first.batchInputShape) {
      this.build(first.batchInputShape);
    }
  }

  /** Keras' pop(): removes the last layer and returns it; the rest of the chain stays traced. */
  pop(): Layer {
    this.checkNotDisposed('pop a layer');
    const layer = this.chain.pop();
    if (!layer) throw new ConfigError(`${this.name}: pop(): the model has no layers`);
    this.graph = null;
    this.tracedOutputs.pop();
    this.maybeRebuild();
    return layer;
  }

  /** Traces the chain for inputs of this shape (batch axis first, None allowed). */
  build(inputShape?: Shape): void {
    this.checkNotDisposed('build');
    if (inputShape === undefined) {
      // Keras' build(input_shape=None) returns; the first layer's own shape builds it here.
      const own = this.chain[0]?.batchInputShape;
      if (this.tracedInput || !own) return;
      inputShape = own;
    }
    checkBuildShape(inputShape, this.name);
    let shape = inputShape;
    if (this.tracedInput) {
      const traced = this.tracedInput.shape;
      if (traced.length !== inputShape.length || traced.some((d, i) => d !== null && d !== inputShape[i])) {
        throw new ConfigError(`${this.name}: the model is already configured for inputs of shape ${formatShape(traced)}; it cannot be built with input shape ${formatShape(inputShape)}`);
      }
      // A declared shape stays; an input nothing fixed (an Embedding's default (None, None)) takes
      // the sizes build() gives, as Keras' build does (the batch axis stays open).
      if (traced.some((d) => d !== null) || traced.every((d, i) => i === 0 || d === inputShape[i])) {
        uniqueLayerName('functional');
        return;
      }
      shape = [null, ...inputShape.slice(1)];
    }
    const input = new InputLayer({ batchShape: shape }).output;
    const outputs: SymbolicTensor[] = [];
    try {
      for (const layer of this.chain) outputs.push(this.callLayer(layer, outputs[outputs.length - 1] ?? input));
    } catch (error) {
      forgetCalls(outputs);
      throw error;
    }
    // The calls of the trace this one replaces go, so that a layer's input and output (its first call) are this model's.
    forgetCalls(this.tracedOutputs);
    this.tracedInput = input;
    this.tracedOutputs = outputs;
    this.graph = null;
    // Keras' build ends with Functional(inputs, outputs), which takes the next auto name.
    uniqueLayerName('functional');
  }

  /** @internal */
  protected graphFor(inputs: readonly Tensor[] | null): Graph {
    if (this.chain.length === 0) throw new ConfigError(`${this.name}: the model has no layers; add() some first`);
    if (!this.tracedInput) {
      // The first layer's own shape (an Embedding's (None, None), a nested model's input), unless the
      // data it is first called on has another rank (ids of rank 3 into an Embedding): then the
      // data's shape, as Keras builds on the first call.
      const first = this.chain[0];
      const fits = !inputs || first.declaresInputShape || first.batchInputShape?.length === inputs[0].rank;
      const own = fits ? first.batchInputShape : null;
      if (!own && !inputs) {
        throw new ConfigError(`${this.name}: this model has not yet been built; give the first layer an inputShape, call build(inputShape), or call predict() on data first`);
      }
      this.build(own ?? [null, ...(inputs as readonly Tensor[])[0].shape.slice(1)]);
    }
    this.graph ??= new Graph([this.tracedInput as SymbolicTensor], [this.tracedOutput as SymbolicTensor], this.name);
    return this.graph;
  }

  private callLayer(layer: Layer, input: SymbolicTensor): SymbolicTensor {
    let outputs: SymbolicTensor[];
    try {
      outputs = layer.callSymbolic([input]);
    } catch (error) {
      // Only a shape that does not fit is about the chain; anything else (not ready, a bad option) keeps its class.
      if (error instanceof ShapeError && !error.message.startsWith(layer.name)) {
        throw new ShapeError(`${this.name}: layer ${layer.name} cannot follow the previous output of shape ${formatShape(input.shape)}: ${error.message}`, { cause: error });
      }
      throw error;
    }
    if (outputs.length !== 1) {
      throw new ConfigError(`${this.name}: layer ${layer.name} has ${outputs.length} outputs (returnState or mergeMode null); Sequential layers must have one, use the functional Model instead`);
    }
    return outputs[0];
  }
}

/** Takes the calls that produced `outputs` off their layers' inboundNodes. */
function forgetCalls(outputs: readonly SymbolicTensor[]): void {
  for (const output of outputs) {
    const nodes = output.layer.inboundNodes;
    const index = nodes.indexOf(output.node);
    if (index >= 0) nodes.splice(index, 1);
  }
}

function sequentialOptions(first: unknown, second: unknown): SequentialOptions {
  if (Array.isArray(first)) {
    if (second === undefined) return { layers: first };
    checkOptionsObject(second, 'Sequential: options after the layers', "{ name: 'my_model' }");
    checkKnownKeys(second, ['name'], 'Sequential');
    return { ...(second as SequentialOptions), layers: first };
  }
  checkOptionsObject(first, 'Sequential', '[layer, ...] or { layers: [layer, ...], name }');
  checkKnownKeys(first, ['name', 'layers'], 'Sequential');
  if (second !== undefined) throw new ConfigError('Sequential: a second argument (options) only follows a list of layers');
  return first as SequentialOptions;
}

/** A layer class given for a layer (Keras' add(LSTM(3)) without `new`) gets the call to write. */
function describeNotLayer(value: unknown): string {
  if (typeof value === 'function' && value.prototype instanceof Layer) {
    return `the class ${value.name} itself, not a layer made from it; write add(new ${value.name}(...)), as Keras' add(${value.name}(...))`;
  }
  return typeof value === 'function' ? `the function ${value.name || '(anonymous)'}` : describeOptions(value);
}

/** A shape build() can trace: a list of sizes (positive integers) or null, the batch axis first. */
function checkBuildShape(shape: unknown, name: string): asserts shape is Shape {
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => d === null || (Number.isInteger(d) && d > 0))) {
    throw new ShapeError(`${name}: build(inputShape) expects the input shape with its batch axis, a list of positive integers or null such as [null, 10, 8], received ${quoted(shape) ?? String(shape)}`);
  }
}
