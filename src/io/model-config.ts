// A model config from a file, checked and prepared before the core builds it:
// the Keras version that decides hard_sigmoid, unsupported layers named, absurd
// sizes refused before anything is allocated.
import type { KerasVersion } from '../layers/activations.js';
import { SUPPORTED_LAYER_CLASSES } from '../layers/config.js';
import { customLayerFactory } from '../layers/registry.js';
import { modelFromConfig } from '../models/from-config.js';
import type { Model } from '../models/model.js';
import { Sequential } from '../models/sequential.js';
import { checkConfigSizes } from './config-sizes.js';
import { ModelFileError, describeThrown } from './errors.js';
import { formatShape, quoted } from '../errors.js';
import { CELL_LIST } from '../kernels/cells.js';
import { getInitializer } from '../initializers/index.js';
import type { Layer } from '../layers/layer.js';

/** Where a config came from, for error messages. */
export interface ConfigLocation {
  file: string;
  part: string;
}

const MODEL_CLASSES = ['Sequential', 'Functional', 'Model'];
const INITIALIZER_KEYS = ['kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'embeddings_initializer'];

/**
 * The Keras major version from a version string: '2.10.0' -> 2, '3.9.2' -> 3. TensorFlow.js writes
 * 'tfjs-layers x.y.z' and uses Keras 2's hard_sigmoid, as Keras 1 does.
 */
export function kerasVersionOf(version: string | undefined, fallback: KerasVersion, where: ConfigLocation): KerasVersion {
  if (version === undefined || version === '') return fallback;
  if (/^tfjs/i.test(version)) return 2;
  const major = /^\s*(\d+)\./.exec(version)?.[1];
  if (major === undefined) return fallback;
  if (major === '0') {
    throw new ModelFileError(`was written by Keras ${version}; Keras before 1.0 is not supported (re-save the model with Keras 2 or 3)`, where);
  }
  // Keras 1 files are read as Keras 2 reads them (keras1-config.ts); hard_sigmoid is the same in both.
  if (major === '1') return 2;
  return major === '2' ? 2 : 3;
}

/**
 * A deep copy of the model config (`{ class_name, config }`) that the core can build, after checking
 * every layer class and size. `budgetBytes` is the size of the weight data the file holds.
 */
export function prepareConfig(raw: unknown, where: ConfigLocation, budgetBytes: number): Record<string, unknown> {
  if (!isObject(raw)) throw new ModelFileError('is not a Keras model config (expected an object with class_name and config)', where);
  const root = structuredCloneJson(raw, where);
  const className = root.class_name;
  if (typeof className !== 'string' || !isObject(root.config) && !Array.isArray(root.config)) {
    throw new ModelFileError('is not a Keras model config (expected an object with class_name and config)', where);
  }
  if (!MODEL_CLASSES.includes(className)) {
    const what = SUPPORTED_LAYER_CLASSES.includes(className) ? 'a single layer' : `class ${quoted(className)}`;
    throw new ModelFileError(`holds ${what}, not a Sequential or Functional model`, where);
  }
  const layers = Array.isArray(root.config) ? root.config : (root.config as Record<string, unknown>).layers;
  if (!Array.isArray(layers)) throw new ModelFileError(`is a ${className} config without a layers list`, where);
  const budgetFloats = Math.max(budgetBytes, 1024);
  const unsupported = new Map<string, string[]>();
  layers.forEach((spec, i) => checkLayer(spec, `layers[${i}]`, where, budgetFloats, unsupported));
  if (unsupported.size > 0) throw unsupportedClassesError(unsupported, where);
  checkConfigSizes(root, layers, where, budgetFloats);
  return root;
}

/** Builds the model with the core's modelFromConfig; any failure becomes a ModelFileError. */
export function buildModel(config: Record<string, unknown>, kerasVersion: KerasVersion, where: ConfigLocation): Sequential | Model {
  let model: Sequential | Model;
  try {
    model = modelFromConfig(config, { kerasVersion });
  } catch (error) {
    // The core's messages start with the layer's name ('gru_2: option ...') when one layer is at fault.
    const message = describeThrown(error);
    const layer = configLayerNames(config).find((name) => message.startsWith(`${name}:`));
    throw new ModelFileError(`the model cannot be built from its config: ${message}`, { ...where, layer, cause: error });
  }
  // A Keras Sequential saved without an input layer records the shape it was built for.
  const inner = config.config;
  const buildShape = isObject(inner) ? inner.build_input_shape : undefined;
  if (model instanceof Sequential && Array.isArray(buildShape) && model.layers.some((layer) => !layer.built)) {
    try {
      model.build(buildShape as (number | null)[]);
    } catch (error) {
      throw new ModelFileError(`the model cannot be built for its build_input_shape ${formatShape(buildShape as (number | null)[])}: ${describeThrown(error)}`, { ...where, cause: error });
    }
  }
  return model;
}

/** Every unsupported class at once (with the layers that use it), so one load tells the whole story. */
function unsupportedClassesError(unsupported: ReadonlyMap<string, string[]>, where: ConfigLocation): ModelFileError {
  const listed = [...unsupported].map(([className, layers]) => `${quoted(className)} (${layers.join(', ')})`);
  const what = unsupported.size === 1 ? `has class ${listed[0]}, which wasm-rnn does not support` : `has ${unsupported.size} layer classes wasm-rnn does not support: ${listed.join(', ')}`;
  const first = [...unsupported.values()][0][0];
  return new ModelFileError(
    `${what}; supported layers: ${SUPPORTED_LAYER_CLASSES.join(', ')}. A layer written in user code loads with registerLayer(className, factory) or loadModel(file, { customLayers: { ClassName: factory } })`,
    { ...where, layer: first },
  );
}

/** Checks one layer entry; an unsupported class is recorded in `unsupported` (class -> layer names) rather than thrown. */
function checkLayer(spec: unknown, path: string, where: ConfigLocation, budgetFloats: number, unsupported: Map<string, string[]>): void {
  if (!isObject(spec) || typeof spec.class_name !== 'string' || !isObject(spec.config)) {
    throw new ModelFileError(`${path} is not a layer entry { class_name, config }`, where);
  }
  const className = spec.class_name;
  const config = spec.config;
  const name = typeof config.name === 'string' ? config.name : typeof spec.name === 'string' ? spec.name : path;
  const layerWhere = { ...where, layer: name };
  if (MODEL_CLASSES.includes(className)) {
    // A model used as a layer: its own config, checked layer by layer as the outer one is.
    const inner = Array.isArray(config.layers) ? config.layers : undefined;
    if (!inner) throw new ModelFileError(`is a nested ${className} config without a layers list`, layerWhere);
    inner.forEach((innerSpec, i) => checkLayer(innerSpec, `${path}.layers[${i}]`, where, budgetFloats, unsupported));
    checkConfigSizes(spec, inner, where, budgetFloats);
    return;
  }
  if (customLayerFactory(className)) return;
  if (!SUPPORTED_LAYER_CLASSES.includes(className)) {
    unsupported.set(className, [...(unsupported.get(className) ?? []), name]);
    return;
  }
  // Every weight comes from the file (a layer left without is an error), so the build need not
  // spend time on random initial values (orthogonal ones are costly), nor parse initializer configs.
  for (const key of INITIALIZER_KEYS) if (key in config) config[key] = 'zeros';
  const count = (key: string): number | undefined => {
    const value = config[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new ModelFileError(`config '${key}' must be a non-negative integer, received ${quoted(value)}`, layerWhere);
    }
    return value;
  };
  // Refuse sizes whose weights cannot be in the file before building allocates them.
  const tooLarge = (what: string, floats: number) => {
    if (floats > budgetFloats) {
      throw new ModelFileError(`config asks for ${what} (${floats} values), more than the file's weights can hold`, layerWhere);
    }
  };
  const cell = CELL_LIST.find((row) => row.kerasClass === className.replace(/^CuDNN/, ''));
  if (cell) {
    const units = count('units') ?? 0;
    const G = cell.gates.length;
    tooLarge(`a ${units}x${G * units} recurrent kernel`, units * units * G);
  } else if (className === 'Dense') {
    const units = count('units') ?? 0;
    tooLarge(`${units} units`, units);
  } else if (className === 'Embedding') {
    const rows = count('input_dim') ?? 0;
    const columns = count('output_dim') ?? 0;
    tooLarge(`a ${rows}x${columns} embedding table`, rows * columns);
  } else if (className === 'Bidirectional' || className === 'TimeDistributed') {
    checkLayer(config.layer, `${path}.layer`, where, budgetFloats, unsupported);
    if (config.backward_layer !== undefined && config.backward_layer !== null) checkLayer(config.backward_layer, `${path}.backward_layer`, where, budgetFloats, unsupported);
  }
}

function structuredCloneJson(value: Record<string, unknown>, where: ConfigLocation): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  } catch (error) {
    throw new ModelFileError(`cannot be copied as JSON (${describeThrown(error)})`, { ...where, cause: error });
  }
}

/**
 * Layer names in the order of the config's layers list, as Keras 3's model.layers lists them:
 * a Sequential's without its InputLayer, a functional model's with them.
 */
export function configLayerNames(config: unknown): string[] {
  if (!isObject(config)) return [];
  const inner = config.config;
  const specs = Array.isArray(inner) ? inner : isObject(inner) && Array.isArray(inner.layers) ? inner.layers : [];
  const sequential = config.class_name === 'Sequential';
  return specs.flatMap((spec: unknown) => {
    if (!isObject(spec) || (sequential && spec.class_name === 'InputLayer')) return [];
    const name = isObject(spec.config) && typeof spec.config.name === 'string' ? spec.config.name : spec.name;
    return typeof name === 'string' ? [name] : [];
  });
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Gives the built layers back the initializers their file names (the build ran with zeros, as
 * every weight then comes from the file), so that getConfig() and a saved copy say what the file
 * said. An initializer this package cannot make is left as zeros.
 */
export function restoreInitializers(layers: readonly Layer[], rawConfig: unknown): void {
  const inner = isObject(rawConfig) ? rawConfig.config : undefined;
  const specs = Array.isArray(inner) ? inner : isObject(inner) && Array.isArray(inner.layers) ? inner.layers : [];
  const byName = new Map(layers.map((layer) => [layer.name, layer]));
  for (const spec of specs) {
    if (!isObject(spec) || !isObject(spec.config)) continue;
    const name = typeof spec.config.name === 'string' ? spec.config.name : spec.name;
    const layer = typeof name === 'string' ? byName.get(name) : undefined;
    if (!layer) continue;
    const nested = (layer as { layers?: unknown }).layers;
    if (Array.isArray(nested) && MODEL_CLASSES.includes(String(spec.class_name))) restoreInitializers(nested as Layer[], spec);
    else restoreLayer(layer, spec.config);
  }
}

function restoreLayer(layer: Layer, config: Record<string, unknown>): void {
  const wrapped = (key: string) => (isObject(config[key]) && isObject((config[key] as Record<string, unknown>).config) ? (config[key] as { config: Record<string, unknown> }).config : undefined);
  const own = layer as unknown as Record<string, unknown>;
  for (const [field, key] of [['forwardLayer', 'layer'], ['backwardLayer', 'backward_layer'], ['layer', 'layer']] as const) {
    const innerLayer = own[field];
    const innerConfig = wrapped(key) ?? (field === 'backwardLayer' ? wrapped('layer') : undefined);
    if (!innerConfig || typeof innerLayer !== 'object' || innerLayer === null || !('getConfig' in innerLayer)) continue;
    const nested = (innerLayer as { layers?: unknown }).layers;
    // TimeDistributed(model): the model's layers take their initializers from its own config.
    if (Array.isArray(nested)) restoreInitializers(nested as Layer[], { config: innerConfig });
    else restoreLayer(innerLayer as Layer, innerConfig);
  }
  for (const key of INITIALIZER_KEYS) {
    const field = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (config[key] === undefined || !(field in own)) continue;
    try {
      own[field] = getInitializer(config[key] as Parameters<typeof getInitializer>[0], `${layer.name}: ${key}`);
    } catch {
      // an initializer this package does not know: the file's weights are what matter
    }
  }
}
