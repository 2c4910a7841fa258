// The base class for layers written in user code, as Keras' subclassed Layer: the subclass creates
// its weights in build() with addWeight, computes its outputs in call() on plain tensors, says its
// output shape and its config. Everything a model needs (weights in Keras order, parameter counts,
// symbolic calls, loading from files) comes from here, with no internal method to implement.
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import { getInitializer, type InitializerSpec } from '../initializers/index.js';
import { isSymbolic, type SymbolicTensor } from '../symbolic.js';
import { Tensor, shapeSize, toTensor, type TensorLike } from '../tensor.js';
import { Layer, type LayerCallResult, type LayerOptions, type Shape } from './layer.js';
import { nextRandomSeed } from './options.js';
import { checkApplyOptions, type InferenceOptions } from './call-options.js';

/**
 * A custom layer's options: the LayerOptions, or a Keras config as a file stores it (snake_case
 * `name`, `batch_input_shape`, `input_shape`, `trainable`, plus the layer's own keys).
 */
export type CustomLayerConfig = LayerOptions & Record<string, unknown>;

export interface AddWeightOptions {
  /** How build() fills the weight before any setWeights or file: an initializer name or object; default 'glorot_uniform'. */
  initializer?: InitializerSpec;
  /** Whether training would update it (Keras' trainable); non-trainable weights still count in countParams(). Default true. */
  trainable?: boolean;
}

interface CustomWeight {
  name: string;
  shape: number[];
  trainable: boolean;
  /** The live values: call() reads them, setWeights() writes into them. */
  value: Tensor;
}

/**
 * Subclass this to write a layer (Keras custom_objects). As in Keras, a layer called on one tensor
 * gets a Tensor (and its Shape) in call(), build() and computeOutputShape(), a layer called on
 * several gets lists; a subclass declares the form it takes. It provides:
 * - a constructor calling `super(config, 'ClassName')` with the Keras class name files use;
 * - `build(inputShape)`, creating weights with `this.addWeight(name, shape, options)` in Keras
 *   get_weights() order (omit it for a layer without weights);
 * - `call(inputs)`, computing the output tensor(s) from one input tensor (or the list, for a layer
 *   called on several tensors); read weights through the tensors addWeight returned;
 * - `computeOutputShape(inputShape)`, batch axis first (null when unknown);
 * - `getConfig()`, `{ ...super.getConfig(), ...its own options }` if it has options.
 */
export abstract class CustomLayer extends Layer {
  private readonly kerasClassName: string;
  private weightList: CustomWeight[] = [];
  private isBuilt = false;

  protected constructor(config: CustomLayerConfig = {}, className: string) {
    if (typeof className !== 'string' || !/^[A-Za-z_][\w.]*$/.test(className)) {
      throw new ConfigError(`CustomLayer: className must be the Keras class name such as 'AttentionLayer', received ${quoted(className)}`);
    }
    super(layerOptions(config), toSnakeCase(className));
    this.kerasClassName = className;
    this.trainable = config.trainable !== false;
  }

  get className(): string {
    return this.kerasClassName;
  }

  /** Built by a model or a first call, or by calling build() yourself (which adds weights). */
  get built(): boolean {
    return this.isBuilt || this.weightList.length > 0;
  }

  /** Creates the weights for inputs of this shape (batch axis first). The default creates none. */
  override build(_inputShape: Shape | Shape[]): void {}

  /** The outputs for these inputs: one tensor, or a list for several outputs. */
  abstract call(inputs: Tensor | Tensor[]): Tensor | Tensor[];

  /** The output shape (or shapes) for inputs of this shape, batch axis first (null when unknown). */
  abstract override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[];

  /**
   * Adds a weight of `shape` (in build()); returns its tensor, whose `data` call() reads and
   * setWeights() overwrites in place. Weights are listed in the order they were added.
   */
  protected addWeight(name: string, shape: readonly number[], options: AddWeightOptions = {}): Tensor {
    if (typeof name !== 'string' || name === '') throw new ConfigError(`${this.name}: addWeight needs a name, received ${quoted(name)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d > 0)) {
      throw new ShapeError(`${this.name}: addWeight '${name}' needs a shape of positive integers, received ${quoted(shape)}`);
    }
    const initializer = getInitializer(options.initializer ?? 'glorot_uniform', `${this.name}: addWeight '${name}' initializer`);
    const value = new Tensor(initializer.generate([...shape], nextRandomSeed()), [...shape]);
    this.weightList.push({ name, shape: [...shape], trainable: options.trainable ?? true, value });
    return value;
  }

  getWeights(): Tensor[] {
    this.checkNotDisposed('get weights');
    return this.weightList.map((w) => new Tensor(w.value.data.slice(), w.shape));
  }

  /** Replaces every weight (the order of addWeight; build() first, or let a model build the layer); on any error nothing changes. */
  setWeights(weights: readonly TensorLike[]): void {
    this.checkNotDisposed('set weights');
    if (!this.built) {
      throw new ConfigError(`${this.name}: setWeights needs the layer built first (its weights are created in build(); call build(inputShape) or use it in a model)`);
    }
    if (!Array.isArray(weights) || weights.length !== this.weightList.length) {
      throw new ShapeError(`${this.name}: setWeights expects ${this.weightList.length} tensors (${this.weightList.map((w) => `${w.name} ${formatShape(w.shape)}`).join(', ')}), received ${Array.isArray(weights) ? weights.length : typeof weights}`);
    }
    const tensors = weights.map((w, i) => toTensor(w, `${this.name}: setWeights ${this.weightList[i].name}`));
    tensors.forEach((t, i) => {
      const { name, shape } = this.weightList[i];
      if (t.shape.length !== shape.length || t.shape.some((d, k) => d !== shape[k])) {
        throw new ShapeError(`${this.name}: weight ${name} must have shape ${formatShape(shape)}, received ${formatShape([...t.shape])}`);
      }
    });
    tensors.forEach((t, i) => this.weightList[i].value.data.set(t.data));
  }

  countParams(): number {
    this.checkNotDisposed('count parameters');
    return this.weightList.reduce((sum, w) => sum + shapeSize(w.shape), 0);
  }

  /** The parameters of weights added with `trainable: false`. */
  override countNonTrainableParams(): number {
    return this.weightList.reduce((sum, w) => sum + (w.trainable ? 0 : shapeSize(w.shape)), 0);
  }

  override get hasWeights(): boolean {
    return !this.built || this.weightList.length > 0;
  }

  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { ...this.baseConfig() };
    if (this.batchInputShape) config.batch_input_shape = [...this.batchInputShape];
    return config;
  }

  /** Runs the layer on tensors (builds it on first use), or adds it to a functional graph when given symbolic tensors. */
  override apply(x: SymbolicTensor | readonly SymbolicTensor[], options?: InferenceOptions): SymbolicTensor | SymbolicTensor[];
  override apply(x: TensorLike | readonly Tensor[], options?: InferenceOptions): Tensor | Tensor[];
  override apply(x: TensorLike | SymbolicTensor | readonly (Tensor | SymbolicTensor)[], options?: InferenceOptions): unknown {
    checkApplyOptions(options, this.name);
    this.checkNotDisposed('run');
    const list = Array.isArray(x) && x.length > 0 && (isSymbolic(x[0]) || x[0] instanceof Tensor) ? (x as (Tensor | SymbolicTensor)[]) : [x as TensorLike | SymbolicTensor];
    if (list.every(isSymbolic)) {
      const outputs = this.callSymbolic(list as SymbolicTensor[]);
      return outputs.length === 1 ? outputs[0] : outputs;
    }
    const tensors = list.map((t, i) => toTensor(t as TensorLike, `${this.name}: input ${i}`));
    const outputs = this.computeOutputs(tensors, tensors.map(() => undefined)).outputs;
    return outputs.length === 1 ? outputs[0] : outputs;
  }

  /** @internal */
  computeOutputs(inputs: Tensor[], _masks: (Tensor | undefined)[]): LayerCallResult {
    this.checkNotDisposed('run');
    if (!this.built) this.buildFor(inputs.map((t) => [...t.shape]));
    const result = this.call(inputs.length === 1 ? inputs[0] : inputs);
    const outputs = Array.isArray(result) ? result : [result];
    outputs.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new ConfigError(`${this.name}: call() must return Tensor objects (tensor(data, shape)); output ${i} is ${String(t)}`);
    });
    return { outputs, masks: outputs.map(() => undefined) };
  }

  /** @internal */
  override outputShapes(inputShapes: Shape[]): Shape[] {
    const shape = this.computeOutputShape(inputShapes.length === 1 ? inputShapes[0] : inputShapes);
    return shape.length > 0 && Array.isArray(shape[0]) ? (shape as Shape[]) : [shape as Shape];
  }

  /** @internal */
  protected override buildForShapes(inputShapes: Shape[]): void {
    if (!this.built) this.buildFor(inputShapes);
  }

  private buildFor(inputShapes: Shape[]): void {
    this.weightList = [];
    this.build(inputShapes.length === 1 ? inputShapes[0] : inputShapes);
    this.isBuilt = true;
  }
}

/** LayerOptions from camelCase options or a Keras config (snake_case keys, dtype policies, extra keys). */
function layerOptions(config: CustomLayerConfig): LayerOptions {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConfigError(`CustomLayer: the config must be an object such as a file's layer config, received ${quoted(config)}`);
  }
  const options: LayerOptions = {};
  if (config.name !== undefined) options.name = config.name as string;
  const batchShape = config.batchInputShape ?? config.batch_input_shape ?? config.batch_shape;
  const inputShape = config.inputShape ?? config.input_shape;
  if (batchShape !== undefined && batchShape !== null) options.batchInputShape = batchShape as Shape;
  else if (inputShape !== undefined && inputShape !== null) options.inputShape = inputShape as Shape;
  return options;
}

/** @internal Keras' naming.to_snake_case: 'SimpleRNN' -> 'simple_rnn', 'AttentionLayer' -> 'attention_layer'. */
export function toSnakeCase(name: string): string {
  return name.replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}
