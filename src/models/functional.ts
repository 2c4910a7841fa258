// Keras' functional Model: a graph of layers called on Input() tensors, from its inputs to its outputs.
import { ConfigError } from '../errors.js';
import type { Layer, Shape } from '../layers/layer.js';
import type { Tensor } from '../tensor.js';
import { InputLayer } from '../layers/input-layer.js';
import { Graph } from './graph.js';
import { ModelBase, type SymbolicOutput } from './model.js';
// from-config builds models of this module's class; Model.fromConfig calls it only once both are loaded.
import { configMismatch, modelFromConfig, type ModelFromConfigOptions } from './from-config.js';
import { isSymbolic, type SymbolicTensor } from '../symbolic.js';
import { checkKnownKeys, checkOptionsObject } from '../option-keys.js';

/** Model(inputs, outputs, { name }) as the options object; anything else is passed on to be checked. */
function positionalModelOptions(first: unknown, outputs: unknown, rest: unknown): unknown {
  const positional = isSymbolic(first) || (Array.isArray(first) && first.length > 0 && first.every(isSymbolic));
  if (!positional) {
    if (outputs !== undefined) throw new ConfigError(`Model: expected new Model(inputs, outputs) with symbolic tensors from Input(), or new Model({ inputs, outputs }), received ${String(first)} as the inputs`);
    return first;
  }
  if (rest !== undefined) checkOptionsObject(rest, 'Model: options after the outputs', "{ name: 'my_model' }");
  if (rest !== undefined) checkKnownKeys(rest, ['name'], 'Model');
  return { ...(rest as object | undefined), inputs: first, outputs };
}

export interface ModelOptions {
  inputs: SymbolicTensor | readonly SymbolicTensor[];
  outputs: SymbolicTensor | readonly SymbolicTensor[];
  name?: string;
}

/**
 * One `T` per symbolic tensor of `Tensors` (a model's inputs or outputs as given): `T` for one tensor
 * or a list of one, a tuple for a list written out, `T | T[]` for a list of a length not known at compile time.
 */
export type PerSymbolicTensor<Tensors, T> = Tensors extends SymbolicTensor
  ? T
  : Tensors extends readonly [SymbolicTensor]
    ? T
    : Tensors extends readonly [SymbolicTensor, ...SymbolicTensor[]]
      ? { -readonly [K in keyof Tensors]: T }
      : T | T[];

/** What model.input is for these `inputs`: one symbolic tensor, a tuple for a list written out, else either. */
export type ModelInput<Inputs> = PerSymbolicTensor<Inputs, SymbolicTensor>;

/**
 * What predict returns for these `outputs`: a Tensor for one output, a tuple for a list written
 * out (`[o, h, c]`), `Tensor | Tensor[]` for a list whose length is not known at compile time.
 */
export type ModelOutput<Outputs> = PerSymbolicTensor<Outputs, Tensor>;

/**
 * Keras' functional Model(inputs, outputs). `O` is the options given, or `P` the outputs given
 * positionally: either types `predict`'s result.
 */
export class Model<O extends ModelOptions = ModelOptions, P extends ModelOptions['outputs'] | undefined = undefined>
  extends ModelBase<ModelOutput<[P] extends [undefined] ? O['outputs'] : P>> {
  private readonly graph: Graph;
  private savedLayerOrder: Layer[] | null = null;

  // `| readonly []` makes TypeScript read `outputs: [a, b]` as a tuple rather than an array.
  constructor(options: O & { outputs: O['outputs'] | readonly [] });
  /** Keras' positional form, `Model(inputs, outputs)`; the outputs type predict() as the options form does. */
  constructor(inputs: ModelOptions['inputs'], outputs: P | readonly [], options?: { name?: string });
  constructor(first: (O & { outputs: O['outputs'] | readonly [] }) | ModelOptions['inputs'], positionalOutputs?: P | ModelOptions['outputs'], rest?: { name?: string }) {
    const options = positionalModelOptions(first, positionalOutputs, rest) as O;
    checkOptionsObject(options, 'Model', '{ inputs, outputs }');
    checkKnownKeys(options, ['inputs', 'outputs', 'name'], 'Model');
    super(options.name, 'functional');
    const list = (value: unknown, key: string): SymbolicTensor[] => {
      const items = Array.isArray(value) ? value : [value];
      if (items.length === 0 || !items.every(isSymbolic)) {
        throw new ConfigError(`${this.name}: option '${key}' must be a symbolic tensor from Input() or a layer call, or a list of them, received ${String(value)}`);
      }
      return items as SymbolicTensor[];
    };
    const { inputs, outputs } = cloneFromIntermediateInputs(list(options?.inputs, 'inputs'), list(options?.outputs, 'outputs'));
    this.graph = new Graph(inputs, outputs, this.name);
    checkUniqueNames(this.graph.layers, this.name);
  }

  /**
   * Keras' Model.from_config(model.get_config()): a functional model of the same layers, names and
   * wiring, with fresh weights. A Sequential's config goes to Sequential.fromConfig, as in Keras.
   */
  static fromConfig(config: Record<string, unknown>, options: ModelFromConfigOptions = {}): Model {
    if (typeof config !== 'object' || config === null || Array.isArray(config) || !('input_layers' in config) || !('output_layers' in config)) {
      throw new ConfigError(`Model.fromConfig: expects a functional model's getConfig() (with layers, input_layers and output_layers), ${configMismatch(config, "a Sequential's config goes to Sequential.fromConfig")}`);
    }
    return modelFromConfig({ class_name: 'Functional', config }, options) as Model;
  }

  get layers(): Layer[] {
    return [...(this.savedLayerOrder ?? this.graph.layers)];
  }

  get className(): string {
    return 'Functional';
  }

  /** A functional model is built by its inputs' shapes. */
  get built(): boolean {
    return true;
  }

  /** Keras' Functional.build: the graph already fixes every shape, so there is nothing to build. */
  build(inputShape?: Shape): void {
    this.checkNotDisposed('build');
    if (inputShape === undefined) return;
    this.graph.outputShapesFor(this.graph.inputs.length === 1 ? [inputShape] : this.graph.inputs.map((t) => t.shape));
  }

  /** The one input's shape, batch axis first; null for a model with several inputs. */
  override get batchInputShape(): Shape | null {
    return this.graph.inputs.length === 1 ? this.graph.inputs[0].shape : null;
  }

  /**
   * @internal A loaded model keeps the layer order of the file's config: that is the order Keras
   * had when it saved, and so the order of its get_weights().
   */
  useSavedLayerOrder(layers: readonly Layer[]): void {
    const own = new Set(this.graph.layers);
    if (layers.length === own.size && layers.every((layer) => own.has(layer))) this.savedLayerOrder = [...layers];
  }

  /** Keras' model.input: the input given, a list when there are several (see ModelBase.input). */
  override get input(): ModelInput<O['inputs']> {
    return super.input as ModelInput<O['inputs']>;
  }

  /** Keras' model.output: the output given, a list when there are several, typed as predict's result. */
  override get output(): SymbolicOutput<ModelOutput<[P] extends [undefined] ? O['outputs'] : P>> {
    return super.output as SymbolicOutput<ModelOutput<[P] extends [undefined] ? O['outputs'] : P>>;
  }

  /** @internal */
  protected graphFor(): Graph {
    return this.graph;
  }

  /** @internal */
  protected get isChain(): boolean {
    return this.graph.isSequentialLike;
  }

  /** Keras' output_names: the layers of the outputs given, in their order (a chain may output its inner layers too). */
  override get outputNames(): string[] {
    return this.graph.outputs.map((o) => o.layer.name);
  }

  /** @internal */
  protected override inputCount(): number {
    return this.graph.inputs.length;
  }
}

/**
 * Keras 3's clone_graph_nodes: a model whose inputs are intermediate tensors (the decoder half of
 * a trained autoencoder, `new Model({ inputs: layer.input, outputs: model.output })`) gets a new
 * Input in place of each (named `<layer>CLONE`), and the layers between them and the outputs are
 * called again on it, sharing their weights. Inputs from Input() are kept as they are.
 */
function cloneFromIntermediateInputs(inputs: SymbolicTensor[], outputs: SymbolicTensor[]): { inputs: SymbolicTensor[]; outputs: SymbolicTensor[] } {
  if (inputs.every((t) => t.layer instanceof InputLayer)) return { inputs, outputs };
  const replaced = new Map<SymbolicTensor, SymbolicTensor>();
  const cloned = inputs.map((t) => {
    if (t.layer instanceof InputLayer) return t;
    const input = new InputLayer({ batchShape: t.shape, name: `${t.layer.name}${t.outputIndex > 0 ? `_${t.outputIndex}` : ''}CLONE` }).output;
    replaced.set(t, input);
    return input;
  });
  // A tensor that does not depend on a replaced input stays; an Input() the outputs reach but the
  // inputs do not name is left for Graph to report as disconnected.
  const trace = (t: SymbolicTensor): SymbolicTensor => {
    const done = replaced.get(t);
    if (done) return done;
    if (t.layer instanceof InputLayer) return t;
    const { node } = t;
    const args = node.inputs.map(trace);
    if (args.every((arg, i) => arg === node.inputs[i])) return t;
    const called = node.layer.callSymbolic(args, node.callArgs);
    node.outputs.forEach((output, i) => replaced.set(output, called[i] as SymbolicTensor));
    return replaced.get(t) as SymbolicTensor;
  };
  return { inputs: cloned, outputs: outputs.map(trace) };
}

/** Keras' map_graph: layers are saved and wired by name, so two layers of one model cannot share one. */
function checkUniqueNames(layers: readonly Layer[], modelName: string): void {
  const names = layers.map((layer) => layer.name);
  const count = (name: string) => names.filter((other) => other === name).length;
  const repeated = names.find((name) => count(name) !== 1);
  if (repeated !== undefined) {
    throw new ConfigError(`${modelName}: The name "${repeated}" is used ${count(repeated)} times in the model. All operation names should be unique.`);
  }
}
