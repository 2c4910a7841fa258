// A model's Keras serialisation, as model.to_json() writes it: Keras 3's
// (module / registered_name on every object, DTypePolicy, build_config,
// inbound nodes of __keras_tensor__ args) or Keras 2's (plain class_name /
// config, batch_input_shape, [name, node, tensor, kwargs] lists). Every layer
// comes from its own getConfig(), so a new layer class needs nothing here.
import { ConfigError } from '../errors.js';
import { InputLayer } from '../layers/input-layer.js';
import { TimeDistributed } from '../layers/time-distributed.js';
import { Layer as LayerClass, type Layer } from '../layers/layer.js';
import { MASK_INPUT_ARG, splitMaskInput, type LayerNode, type Shape, type SymbolicTensor } from '../symbolic.js';
import type { Graph } from './graph.js';

export type KerasSpelling = 2 | 3;

/** The tf.keras release whose spelling `{ kerasVersion: 2 }` writes. */
export const KERAS_2_VERSION = '2.15.0';

/** What the serialiser needs of a model. */
export interface SerializableModel {
  readonly name: string;
  readonly layers: Layer[];
  /** Whether Keras serialises it as a Sequential (else as a Functional model). */
  readonly serializesAsSequential: boolean;
  /** The graph as traced, a nested model as one node. */
  tracedGraph(inputs: null): Graph;
}

/**
 * Whether `layer`, or a layer inside it, computes as Keras 2 does (read from a Keras 2 file, or
 * built with kerasVersion: 2): only a Keras 2 spelling of its config reads back the same numbers
 * (hard_sigmoid's formula, GRU's reset_after default).
 */
export function computesAsKeras2(layer: Layer): boolean {
  if ((layer as { kerasVersion?: unknown }).kerasVersion === 2) return true;
  if (isNestedModel(layer)) return layer.layers.some(computesAsKeras2);
  const { layer: wrapped, forwardLayer, backwardLayer } = layer as { layer?: unknown; forwardLayer?: unknown; backwardLayer?: unknown };
  return [wrapped, forwardLayer, backwardLayer].some((inner) => inner instanceof LayerClass && computesAsKeras2(inner));
}

/** A model used as a layer: Keras serialises it whole, as a config of its own. */
function isNestedModel(layer: Layer): layer is Layer & SerializableModel {
  return 'serializesAsSequential' in layer;
}

/** Keys of a layer config that hold nested Keras objects, by the module Keras 3 files them under. */
const NESTED_MODULES: readonly [RegExp, string][] = [
  [/_initializer$/, 'keras.initializers'],
  [/_regularizer$/, 'keras.regularizers'],
  [/_constraint$/, 'keras.constraints'],
  [/^(layer|backward_layer|forward_layer|cell)$/, 'keras.layers'],
];

const DTYPE_POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

/** Keras' serialisation of `model` in the spelling of Keras `spelling`. */
export function modelConfig(model: SerializableModel, sequential: boolean, spelling: KerasSpelling): Record<string, unknown> {
  let graph: Graph | null = null;
  try {
    graph = model.tracedGraph(null);
  } catch (error) {
    if (!sequential) throw error;
  }
  if (sequential) return sequentialConfig(model, graph, spelling);
  return functionalConfig(model, graph as Graph, spelling);
}

function sequentialConfig(model: SerializableModel, graph: Graph | null, spelling: KerasSpelling): Record<string, unknown> {
  const input = graph?.inputs[0];
  const specs: Record<string, unknown>[] = [];
  if (input) specs.push(layerSpec(input.layer, graph as Graph, spelling));
  for (const layer of model.layers) specs.push(layerSpec(layer, graph, spelling));
  const config: Record<string, unknown> = { name: model.name, trainable: true };
  if (spelling === 3) config.dtype = DTYPE_POLICY;
  config.layers = specs;
  if (input) config.build_input_shape = [...input.shape];
  if (spelling === 2) return { class_name: 'Sequential', config };
  return { module: 'keras', class_name: 'Sequential', config, registered_name: null, ...(input ? { build_config: { input_shape: [...input.shape] } } : {}) };
}

function functionalConfig(model: SerializableModel, graph: Graph, spelling: KerasSpelling): Record<string, unknown> {
  const inModel = new Set(graph.nodes);
  // Node indices count the layer's calls inside this model, as the saved inbound_nodes list them.
  const nodeIndex = (node: LayerNode): number => (node.layer instanceof InputLayer ? 0 : node.layer.inboundNodes.filter((n) => inModel.has(n)).indexOf(node));
  const reference = (t: SymbolicTensor): [string, number, number] => [t.layer.name, nodeIndex(t.node), t.outputIndex];
  const specs = model.layers.map((layer) => {
    const spec = layerSpec(layer, graph, spelling);
    const nodes = layer.inboundNodes.filter((node) => inModel.has(node) && !(layer instanceof InputLayer));
    spec.name = layer.name;
    spec.inbound_nodes = nodes.map((node) => (spelling === 2
      ? inboundNode2(node, reference)
      : inboundNode3(layer, node, reference)));
    if (spelling === 2) {
      // Keras 2 puts the name before inbound_nodes and no module.
      return { class_name: spec.class_name, config: spec.config, name: spec.name, inbound_nodes: spec.inbound_nodes };
    }
    return spec;
  });
  const config = {
    name: model.name,
    trainable: true,
    layers: specs,
    input_layers: graph.inputs.map(reference),
    output_layers: graph.outputs.map(reference),
  };
  if (spelling === 2) return { class_name: 'Functional', config };
  return { module: 'keras.src.models.functional', class_name: 'Functional', config, registered_name: 'Functional', build_config: { input_shape: null } };
}

/**
 * A call's options that are not tensors as Keras writes them in a node's kwargs, snake_case
 * (Attention's use_causal_mask, return_attention_scores): a layer rebuilt from the config makes the
 * same call. `training` is never on here, and the explicit-mask flag is the mask's own kwarg.
 */
function plainKwargs(node: LayerNode): Record<string, unknown> {
  const kwargs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node.callArgs)) {
    if (key === MASK_INPUT_ARG || key === 'training' || value === undefined) continue;
    kwargs[key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)] = value;
  }
  return kwargs;
}

/** tf.keras 2's node: one [name, node, tensor, kwargs] entry per input, the kwargs (an explicit mask as [name, node, tensor]) on each. */
function inboundNode2(node: LayerNode, reference: (t: SymbolicTensor) => [string, number, number]): unknown[] {
  const { inputs, explicitMask } = splitMaskInput(node.inputs, node.callArgs);
  const kwargs = { ...plainKwargs(node), ...(explicitMask ? { mask: reference(explicitMask) } : {}) };
  return inputs.map((t) => [...reference(t), kwargs]);
}

function inboundNode3(layer: Layer, node: LayerNode, reference: (t: SymbolicTensor) => [string, number, number]): Record<string, unknown> {
  const tensor = (t: SymbolicTensor, dtype = 'float32') => ({ class_name: '__keras_tensor__', config: { shape: [...t.shape], dtype, keras_history: reference(t) } });
  const { inputs, explicitMask } = splitMaskInput(node.inputs, node.callArgs);
  // A mask Input's tensor is written with its dtype ('bool'), as Keras 3 writes it.
  const maskKwargs = { ...plainKwargs(node), ...(explicitMask ? { mask: tensor(explicitMask, explicitMask.layer instanceof InputLayer ? explicitMask.layer.dtype : 'bool') } : {}) };
  const [first, ...rest] = inputs;
  // Extra inputs of a recurrent layer are its initial states; a merge layer takes a list.
  if (rest.length > 0 && takesInitialState(layer)) return { args: [tensor(first)], kwargs: { initial_state: rest.map((t) => tensor(t)), ...maskKwargs } };
  if (rest.length > 0) return { args: [inputs.map((t) => tensor(t))], kwargs: maskKwargs };
  return { args: [tensor(first)], kwargs: maskKwargs };
}

function takesInitialState(layer: Layer): boolean {
  return 'stateNames' in layer || 'forwardLayer' in layer;
}

/** One entry of a config's layers list. */
function layerSpec(layer: Layer, graph: Graph | null, spelling: KerasSpelling): Record<string, unknown> {
  if (isNestedModel(layer)) return modelConfig(layer, layer.serializesAsSequential, spelling);
  const config = layer.configFor(spelling);
  if (layer instanceof InputLayer) {
    if (spelling === 2) {
      const { batch_shape: batchShape, ...rest } = config;
      return { class_name: 'InputLayer', config: { batch_input_shape: batchShape, ...rest, ragged: false } };
    }
    return { module: 'keras.layers', class_name: 'InputLayer', config: { ...config, ragged: false }, registered_name: null };
  }
  // TimeDistributed(model) nests the model's config as a layer config of its own.
  const wrapped = layer instanceof TimeDistributed && isNestedModel(layer.layer) ? modelConfig(layer.layer, layer.layer.serializesAsSequential, spelling) : null;
  if (spelling === 2) return { class_name: layer.className, config: wrapped ? { ...config, layer: wrapped } : config };
  const spec: Record<string, unknown> = { module: 'keras.layers', class_name: layer.className, config: keras3Config(config), registered_name: null };
  if (wrapped) (spec.config as Record<string, unknown>).layer = wrapped;
  const node = graph?.nodes.find((n) => n.layer === layer);
  if (node) {
    const shapes = splitMaskInput(node.inputs, node.callArgs).inputs.map((t) => [...t.shape] as Shape);
    spec.build_config = { input_shape: shapes.length === 1 || takesInitialState(layer) ? shapes[0] : shapes };
  }
  return spec;
}

/**
 * A layer config in Keras 3's spelling: dtype policies, nested objects with their module. A layer
 * given an input shape keeps batch_input_shape, which Keras 3's Layer still takes.
 */
function keras3Config(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'dtype' && typeof value === 'string') {
      out.dtype = { ...DTYPE_POLICY, config: { name: value } };
      continue;
    }
    const module = NESTED_MODULES.find(([pattern]) => pattern.test(key))?.[1];
    if (module && isSpec(value)) {
      const inner = module === 'keras.layers' ? keras3Config(value.config as Record<string, unknown>) : value.config;
      out[key] = { module, class_name: value.class_name, config: inner, registered_name: null };
      continue;
    }
    out[key] = value;
  }
  return out;
}

function isSpec(value: unknown): value is { class_name: string; config: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { class_name?: unknown }).class_name === 'string' && 'config' in value;
}

/** JSON as Python's json.dumps writes it (", " and ": " separators, non-ASCII escaped). */
export function pythonJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new ConfigError(`toJSON: the config holds ${v}, which JSON cannot represent`);
    return v;
  });
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') {
        out += c + text[++i];
        continue;
      }
      if (c === '"') inString = false;
      const code = c.charCodeAt(0);
      out += code > 0x7e ? `\\u${code.toString(16).padStart(4, '0')}` : c;
      continue;
    }
    if (c === '"') inString = true;
    out += c === ',' ? ', ' : c === ':' ? ': ' : c;
  }
  return out;
}
