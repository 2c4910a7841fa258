// Keras model.to_json() (Sequential and Functional; Keras 2 and 3 spellings)
// to a Sequential or Model with the same layers, names and wiring.
import { ConfigError, quoted } from '../errors.js';
import { configNestingProblem } from '../nesting.js';
import { checkKnownKeys, checkOptionsObject, describeOptions } from '../option-keys.js';
import type { KerasVersion } from '../layers/activations.js';
import { deserializeLayer, type KerasLayerSpec } from '../layers/config.js';
import { kerasOptions, readSpec } from '../layers/keras-options.js';
import { TimeDistributed } from '../layers/time-distributed.js';
import { InputLayer } from '../layers/input-layer.js';
import type { Layer } from '../layers/layer.js';
import { Model } from './functional.js';
import { Sequential } from './sequential.js';
import { MASK_INPUT_ARG, type CallArgs, type SymbolicTensor } from '../symbolic.js';

export interface ModelFromConfigOptions {
  /** Keras major version; by default read from the JSON's keras_version, else 3. */
  kerasVersion?: KerasVersion;
}

/** A reference to a tensor in Keras' config: [layer name, node index, tensor index]. */
type TensorReference = [string, number, number];

export function modelFromConfig(json: string | Record<string, unknown>, options: ModelFromConfigOptions = {}): Sequential | Model {
  return modelFrom(json, options, 'modelFromConfig');
}

/** Keras' model_from_json: the model (with fresh weights) whose JSON model.toJSON() or Keras' to_json() wrote. */
export function modelFromJson(json: string, options: ModelFromConfigOptions = {}): Sequential | Model {
  if (typeof json !== 'string') {
    throw new ConfigError(`modelFromJson: expected the JSON string model.toJSON() (Keras' to_json()) writes, received ${describeOptions(json)}; a config object goes to modelFromConfig`);
  }
  return modelFrom(json, options, 'modelFromJson');
}

function modelFrom(json: string | Record<string, unknown>, options: ModelFromConfigOptions, where: string): Sequential | Model {
  checkOptionsObject(options, where, '{ kerasVersion: 2 }');
  checkKnownKeys(options, ['kerasVersion'], where);
  let parsed: unknown = json;
  if (typeof json === 'string') {
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      throw new ConfigError(`${where}: the JSON does not parse (${String(error)})`, { cause: error });
    }
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new ConfigError(`${where}: expected a Keras model config object, received ${quoted(parsed)}`);
  }
  const nesting = configNestingProblem(parsed);
  if (nesting !== null) throw new ConfigError(`${where}: the config ${nesting}`);
  const root = parsed as Record<string, unknown>;
  const kerasVersion = options.kerasVersion ?? versionFrom(root.keras_version);
  const className = root.class_name;
  if (className === 'Sequential') return sequentialFromConfig(root.config, kerasVersion);
  if (className === 'Functional' || className === 'Model') return functionalFromConfig(root.config, kerasVersion);
  throw new ConfigError(`${where}: class_name must be Sequential, Functional or Model, received ${quoted(className)}`);
}

function versionFrom(value: unknown): KerasVersion {
  return typeof value === 'string' && value.startsWith('2.') ? 2 : 3;
}

function sequentialFromConfig(config: unknown, kerasVersion: KerasVersion): Sequential {
  // Keras 2.0 wrote the layer list itself; later versions { name, layers }.
  const layers = Array.isArray(config) ? config : (config as Record<string, unknown> | null)?.layers;
  if (!Array.isArray(layers)) throw new ConfigError('modelFromConfig: Sequential config has no layers list');
  const name = Array.isArray(config) ? undefined : stringOrUndefined((config as Record<string, unknown>).name);
  const model = new Sequential(name ? { name } : {});
  layers.forEach((spec, i) => model.add(checkedLayer(spec, i, kerasVersion)));
  return model;
}

function checkedLayer(spec: unknown, index: number, kerasVersion: KerasVersion): Layer {
  const { className, config } = readSpec(spec, `modelFromConfig: layers[${index}]`);
  // A model used as a layer: Keras nests its whole config, as model.to_json() writes it.
  if (className === 'Sequential') return builtSequential(sequentialFromConfig(config, kerasVersion), config);
  if (className === 'Functional' || className === 'Model') return functionalFromConfig(config, kerasVersion);
  if (className === 'TimeDistributed' && isModelSpec(config.layer)) {
    // TimeDistributed(model), as CNN-LSTM models wrap a per-frame CNN.
    const options = kerasOptions('TimeDistributed', config, `modelFromConfig: layers[${index}]`);
    return new TimeDistributed(checkedLayer(config.layer, index, kerasVersion), options);
  }
  return deserializeLayer(spec as KerasLayerSpec, { kerasVersion });
}

function isModelSpec(spec: unknown): boolean {
  const className = (spec as { class_name?: unknown } | null)?.class_name;
  return className === 'Sequential' || className === 'Functional' || className === 'Model';
}

/** Keras' Sequential.from_config builds a model its layers left unbuilt for the build_input_shape it records. */
function builtSequential(model: Sequential, config: unknown): Sequential {
  const shape = (config as Record<string, unknown> | null)?.build_input_shape;
  if (!model.built && Array.isArray(shape)) model.build(shape as (number | null)[]);
  return model;
}

function functionalFromConfig(config: unknown, kerasVersion: KerasVersion): Model {
  if (typeof config !== 'object' || config === null) throw new ConfigError('modelFromConfig: Functional config must be an object');
  const { layers: layerSpecs, input_layers: inputLayers, output_layers: outputLayers, name } = config as Record<string, unknown>;
  if (!Array.isArray(layerSpecs)) throw new ConfigError('modelFromConfig: Functional config has no layers list');
  const layers = new Map<string, Layer>();
  const created = layerSpecs.map((spec, i) => {
    const layer = checkedLayer(spec, i, kerasVersion);
    const specName = (spec as Record<string, unknown>).name;
    layers.set(typeof specName === 'string' ? specName : layer.name, layer);
    return { layer, spec: spec as Record<string, unknown> };
  });
  // Outputs of every node so far, by layer name, in node order.
  const nodeOutputs = new Map<string, SymbolicTensor[][]>();
  for (const { layer } of created) {
    if (layer instanceof InputLayer) nodeOutputs.set(layer.name, [[layer.output]]);
  }
  const resolve = (ref: TensorReference, where: string): SymbolicTensor => {
    const tensor = nodeOutputs.get(ref[0])?.[ref[1]]?.[ref[2]];
    if (!tensor) throw new ConfigError(`modelFromConfig: ${where} refers to ${ref[0]}[${ref[1]}][${ref[2]}], which is not defined before it`);
    return tensor;
  };
  // Keras' functional_from_config: passes over the layers list, each running a layer's nodes in
  // order while their inputs exist; a layer shared at two depths (A, B, then A on B's output)
  // runs its second node on a later pass. A pass that runs nothing leaves an input undefined.
  const pending = new Map(created.filter(({ layer }) => !(layer instanceof InputLayer)).map(({ layer, spec }) => [layer, readInboundNodes(spec.inbound_nodes, layer.name)]));
  while (pending.size > 0) {
    let progressed = false;
    for (const { layer } of created) {
      const nodes = pending.get(layer);
      if (!nodes) continue;
      while (nodes.length > 0 && nodes[0].refs.every((ref) => nodeOutputs.get(ref[0])?.[ref[1]]?.[ref[2]] !== undefined)) {
        const inbound = nodes.shift() as (typeof nodes)[number];
        const outputs = layer.callSymbolic(inbound.refs.map((ref) => resolve(ref, `layer ${layer.name}`)), inbound.callArgs);
        const list = nodeOutputs.get(layer.name) ?? [];
        list.push(outputs);
        nodeOutputs.set(layer.name, list);
        progressed = true;
      }
      if (nodes.length === 0) pending.delete(layer);
    }
    if (!progressed) {
      const [layer, nodes] = pending.entries().next().value as [Layer, { refs: TensorReference[] }[]];
      for (const ref of nodes[0].refs) resolve(ref, `layer ${layer.name}`);
    }
  }
  const references = (value: unknown, key: string): SymbolicTensor[] => {
    if (!Array.isArray(value) || value.length === 0) throw new ConfigError(`modelFromConfig: Functional config '${key}' must list tensors`);
    const list = typeof value[0] === 'string' ? [value] : value;
    return list.map((ref) => resolve(ref as TensorReference, key));
  };
  const model = new Model({
    inputs: references(inputLayers, 'input_layers'),
    outputs: references(outputLayers, 'output_layers'),
    ...(stringOrUndefined(name) ? { name: name as string } : {}),
  });
  model.useSavedLayerOrder(created.map(({ layer }) => layer));
  return model;
}

/**
 * Each inbound node as the tensors it reads, in order (x, then initial states).
 * Keras 2: [[[name, node, tensor, kwargs], ...], ...]; Keras 3: [{ args: [...], kwargs: {...} }, ...]
 * where tensors are { class_name: '__keras_tensor__', config: { keras_history: [name, node, tensor] } }.
 */
function readInboundNodes(value: unknown, layerName: string): { refs: TensorReference[]; callArgs: CallArgs }[] {
  if (!Array.isArray(value)) throw new ConfigError(`modelFromConfig: layer ${layerName} has no inbound_nodes list`);
  return value.map((node) => {
    if (Array.isArray(node)) {
      // Keras 2 repeats the call's kwargs as the fourth item of every tensor entry, a tensor in them as [name, node, tensor].
      const kwargs = Array.isArray(node[0]) ? node[0][3] : undefined;
      const refs = node.map((entry) => readKeras2Reference(entry, layerName));
      const mask = (kwargs as Record<string, unknown> | undefined)?.mask;
      const maskRefs = Array.isArray(mask) && typeof mask[0] === 'string' ? [readKeras2Reference(mask, layerName)] : [];
      return withExplicitMask(refs, maskRefs, plainCallArgs(kwargs), layerName);
    }
    if (typeof node === 'object' && node !== null) {
      const { args, kwargs } = node as { args?: unknown; kwargs?: Record<string, unknown> };
      const refs = collectKerasTensors(args);
      if (kwargs?.initial_state) refs.push(...collectKerasTensors(kwargs.initial_state));
      return withExplicitMask(refs, collectKerasTensors(kwargs?.mask), plainCallArgs(kwargs), layerName);
    }
    throw new ConfigError(`modelFromConfig: layer ${layerName} has an inbound node of an unknown form: ${quoted(node)}`);
  });
}

/** Keras' layer(x, mask=m): the mask tensor read last, flagged in the call args (see MASK_INPUT_ARG). */
function withExplicitMask(refs: TensorReference[], maskRefs: TensorReference[], callArgs: CallArgs, layerName: string): { refs: TensorReference[]; callArgs: CallArgs } {
  if (maskRefs.length === 0) return { refs, callArgs };
  if (maskRefs.length > 1) {
    throw new ConfigError(`modelFromConfig: layer ${layerName} is called with a list of ${maskRefs.length} mask tensors; only one mask, that of the first input, can be given as a tensor of the graph`);
  }
  return { refs: [...refs, ...maskRefs], callArgs: { ...callArgs, [MASK_INPUT_ARG]: true } };
}

/** A call's non-tensor kwargs (use_causal_mask, return_attention_scores) as camelCase call options; training is never on. */
function plainCallArgs(kwargs: unknown): CallArgs {
  if (typeof kwargs !== 'object' || kwargs === null || Array.isArray(kwargs)) return {};
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(kwargs)) {
    if (key === 'training' || key === 'initial_state' || key === 'mask' || (typeof value === 'object' && value !== null)) continue;
    args[key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())] = value;
  }
  return args;
}

function readKeras2Reference(entry: unknown, layerName: string): TensorReference {
  if (!Array.isArray(entry) || typeof entry[0] !== 'string') {
    throw new ConfigError(`modelFromConfig: layer ${layerName} has an inbound tensor of an unknown form: ${quoted(entry)}`);
  }
  return [entry[0], Number(entry[1] ?? 0), Number(entry[2] ?? 0)];
}

function collectKerasTensors(value: unknown): TensorReference[] {
  if (Array.isArray(value)) return value.flatMap(collectKerasTensors);
  if (typeof value === 'object' && value !== null) {
    const { class_name: className, config } = value as Record<string, unknown>;
    if (className === '__keras_tensor__') {
      const history = (config as Record<string, unknown>).keras_history as unknown[];
      return [[String(history[0]), Number(history[1]), Number(history[2])]];
    }
  }
  return [];
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** @internal What a model class's fromConfig received instead of its own kind of config, and where that goes. */
export function configMismatch(config: unknown, otherKind: string): string {
  const object = typeof config === 'object' && config !== null && !Array.isArray(config);
  const received = object ? `an object with keys ${Object.keys(config).join(', ') || '(none)'}` : describeOptions(config);
  return `received ${received}; ${object && 'class_name' in config ? 'a { class_name, config } spec or model.toJSON() goes to modelFromConfig' : otherKind}`;
}
