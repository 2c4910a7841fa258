// What a model config's layers would allocate, worked out from the config alone
// (feature sizes followed from the inputs through every layer), so a file that
// declares weights far larger than the weights it holds is refused before
// building allocates them, and before any size can overflow.
import { ModelFileError } from './errors.js';
import type { ConfigLocation } from './model-config.js';
import { quoted } from '../errors.js';

type Spec = { class_name: string; config: Record<string, unknown>; name?: unknown; inbound_nodes?: unknown };

const GATES: Record<string, number> = { SimpleRNN: 1, LSTM: 4, GRU: 3, CuDNNLSTM: 4, CuDNNGRU: 3 };
const CONV_CLASSES = ['Conv1D', 'Conv2D', 'Conv3D'];
const CONV_LSTM_CLASSES = ['ConvLSTM1D', 'ConvLSTM2D'];
const SHAPE_KEYS = ['batch_input_shape', 'batch_shape', 'input_shape'];
/** A dimension past this fits no WebAssembly buffer (4 GiB of float32 is 2^30 values). */
const MAX_DIMENSION = 2 ** 31 - 1;

/**
 * Refuses any layer whose weights, given the feature size reaching it, would be more than
 * `budgetFloats` values, and any shape with a dimension that is not a size.
 */
export function checkConfigSizes(root: Record<string, unknown>, layers: readonly unknown[], where: ConfigLocation, budgetFloats: number): void {
  const specs = layers.filter(isSpec);
  const sequential = root.class_name === 'Sequential';
  const inner = root.config as Record<string, unknown> | unknown[];
  const buildShape = Array.isArray(inner) ? undefined : inner.build_input_shape;
  let features = sequential && buildShape !== undefined ? lastDim(buildShape, 'build_input_shape', where) : undefined;
  const outputs = new Map<string, number | undefined>();
  for (const spec of specs) {
    const name = layerName(spec);
    const layerWhere = { ...where, layer: name };
    for (const key of SHAPE_KEYS) {
      if (spec.config[key] !== undefined && spec.config[key] !== null) {
        const declared = lastDim(spec.config[key], key, layerWhere);
        if (declared !== undefined) features = declared;
      }
    }
    const input = sequential ? features : functionalInput(spec, outputs);
    const weights = weightCount(spec, input);
    if (weights !== undefined && weights > budgetFloats) {
      throw new ModelFileError(
        `config asks for ${weights} weight values (with ${input} input features), more than the file's weights can hold`,
        layerWhere,
      );
    }
    const output = outputFeatures(spec, input);
    if (typeof name === 'string') outputs.set(name, output);
    if (sequential) features = output;
  }
}

function isSpec(value: unknown): value is Spec {
  return typeof value === 'object' && value !== null && typeof (value as Spec).class_name === 'string'
    && typeof (value as Spec).config === 'object' && (value as Spec).config !== null;
}

function layerName(spec: Spec): string | undefined {
  return typeof spec.config.name === 'string' ? spec.config.name : typeof spec.name === 'string' ? spec.name : undefined;
}

/** The last dimension of a declared shape (undefined when None), after checking every dimension. */
function lastDim(shape: unknown, key: string, where: ConfigLocation & { layer?: string }): number | undefined {
  if (!Array.isArray(shape) || shape.length > 8) throw new ModelFileError(`config '${key}' must be a list of at most 8 dimensions, received ${quoted(shape)}`, where);
  for (const d of shape) {
    if (d !== null && !(typeof d === 'number' && Number.isSafeInteger(d) && d >= 0 && d <= MAX_DIMENSION)) {
      throw new ModelFileError(`config '${key}' has dimension ${quoted(d)}; dimensions are None or integers from 0 to ${MAX_DIMENSION}`, where);
    }
  }
  const last: unknown = shape[shape.length - 1];
  return typeof last === 'number' ? last : undefined;
}

/** Layer names a functional layer's inbound nodes refer to (Keras 2 ['name', 0, 0, {}] or Keras 3 keras_history). */
function inboundNames(nodes: unknown, found: string[] = [], depth = 0): string[] {
  if (!Array.isArray(nodes) && (typeof nodes !== 'object' || nodes === null)) return found;
  if (depth > 16) return found;
  if (Array.isArray(nodes) && typeof nodes[0] === 'string' && typeof nodes[1] === 'number' && typeof nodes[2] === 'number') {
    found.push(nodes[0]);
    return found;
  }
  for (const child of Array.isArray(nodes) ? nodes : Object.values(nodes)) inboundNames(child, found, depth + 1);
  return found;
}

function functionalInput(spec: Spec, outputs: Map<string, number | undefined>): number | undefined {
  if (spec.class_name === 'InputLayer') return undefined;
  const dims = inboundNames(spec.inbound_nodes).map((name) => outputs.get(name));
  if (dims.length === 0 || dims.some((d) => d === undefined)) return undefined;
  if (spec.class_name === 'Concatenate') return (dims as number[]).reduce((a, b) => a + b, 0);
  return dims[0];
}

const unitsOf = (config: Record<string, unknown>, key = 'units'): number | undefined => {
  const value = config[key];
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
};

function weightCount(spec: Spec, input: number | undefined): number | undefined {
  const { class_name: className, config } = spec;
  if (className in GATES) {
    const units = unitsOf(config);
    if (units === undefined || input === undefined) return undefined;
    return GATES[className] * units * (input + units + 2);
  }
  if (className === 'Dense') {
    const units = unitsOf(config);
    return units === undefined || input === undefined ? undefined : units * (input + 1);
  }
  if (CONV_CLASSES.includes(className) || CONV_LSTM_CLASSES.includes(className)) {
    const filters = unitsOf(config, 'filters');
    const kernel = Array.isArray(config.kernel_size) ? config.kernel_size : [config.kernel_size];
    const taps = kernel.reduce((product: number, k: unknown) => (typeof k === 'number' && Number.isSafeInteger(k) && k > 0 ? product * k : NaN), 1);
    if (filters === undefined || input === undefined || !Number.isFinite(taps)) return undefined;
    // ConvLSTM: kernel (...k, C, 4F), recurrent kernel (...k, F, 4F), bias (4F).
    if (CONV_LSTM_CLASSES.includes(className)) return 4 * filters * (taps * (input + filters) + 1);
    const groups = unitsOf(config, 'groups') || 1;
    return taps * Math.ceil(input / groups) * filters + filters;
  }
  if (className === 'Embedding') {
    const rows = unitsOf(config, 'input_dim');
    const columns = unitsOf(config, 'output_dim');
    return rows === undefined || columns === undefined ? undefined : rows * columns;
  }
  if (className === 'Bidirectional' || className === 'TimeDistributed') {
    const inner = isSpec(config.layer) ? weightCount(config.layer, input) : undefined;
    if (className === 'TimeDistributed' || inner === undefined) return inner;
    const backward = isSpec(config.backward_layer) ? weightCount(config.backward_layer, input) : inner;
    return backward === undefined ? undefined : inner + backward;
  }
  return 0;
}

function outputFeatures(spec: Spec, input: number | undefined): number | undefined {
  const { class_name: className, config } = spec;
  if (className === 'InputLayer') {
    const shape = config.batch_input_shape ?? config.batch_shape ?? config.input_shape;
    const last: unknown = Array.isArray(shape) ? shape[shape.length - 1] : undefined;
    return typeof last === 'number' ? last : undefined;
  }
  if (className in GATES || className === 'Dense') return unitsOf(config);
  if (CONV_CLASSES.includes(className) || CONV_LSTM_CLASSES.includes(className)) return unitsOf(config, 'filters');
  if (className === 'Embedding') return unitsOf(config, 'output_dim');
  if (className === 'TimeDistributed') return isSpec(config.layer) ? outputFeatures(config.layer, input) : undefined;
  if (className === 'Bidirectional') {
    const forward = isSpec(config.layer) ? outputFeatures(config.layer, input) : undefined;
    const backward = isSpec(config.backward_layer) ? outputFeatures(config.backward_layer, input) : forward;
    if (forward === undefined || backward === undefined) return undefined;
    return config.merge_mode === undefined || config.merge_mode === 'concat' ? forward + backward : forward;
  }
  // Dropout, Masking, Activation and the like keep the feature size; Concatenate's is its input.
  return input;
}
