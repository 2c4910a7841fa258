// loadModel: any supported model file (or model JSON with its weights) to a
// Sequential or Model with the file's layer names and weights, ready for predict.
import { ConfigError } from '../errors.js';
import { checkKnownKeys } from '../option-keys.js';
import { ready, type WasmSource } from '../kernels/module.js';
import type { KerasVersion } from '../layers/activations.js';
import type { Layer } from '../layers/layer.js';
import type { Model, ModelBase } from '../models/model.js';
import type { Sequential } from '../models/sequential.js';
import { toTensor, type TensorLike } from '../tensor.js';
import { ModelFileError, describeThrown } from './errors.js';
import { Hdf5Reader, formatDims, sameShape } from './hdf5.js';
import { decodeUtf8, readKerasArchive } from './keras-zip.js';
import { readLegacyH5 } from './legacy-h5.js';
import { buildModel, configLayerNames, isObject, kerasVersionOf, prepareConfig, type ConfigLocation } from './model-config.js';
import { describeMagic, sniffFormat } from './sniff.js';
import { parseJsonText, readSource, type ModelSource, type ReadSource } from './source.js';
import { isTfjsModelJson, readTfjsModel, type WeightFiles } from './tfjs.js';
import { assignWeights, orderedWeightSource, type WeightSource } from './weights.js';

export interface LoadModelOptions {
  /**
   * The weights for a Keras `model.to_json()` source, in `model.get_weights()` order
   * (every layer's weights, layers in the order of the config's layers list). Required for such
   * a source, unused otherwise.
   */
  weights?: readonly TensorLike[];
  /** TF.js weight shard files by the names in model.json's `weightsManifest` paths. */
  weightFiles?: WeightFiles;
  /**
   * Which Keras major version defines `hard_sigmoid` (and the GRU `reset_after` default when the
   * config omits it). Default: from the file's keras_version (TF.js files count as 2).
   */
  kerasVersion?: KerasVersion;
  /** Where the kernel module comes from; passed to `ready()`. */
  wasm?: WasmSource;
}

/** What a file yields before the model is built. */
interface Contents {
  config: unknown;
  configLocation: ConfigLocation;
  kerasVersion: string | undefined;
  /** Keras version to assume when the file does not say. */
  defaultVersion: KerasVersion;
  /** Bytes of weight data in the file: sizes in the config cannot exceed it. */
  weightBytes: number;
  weights(model: ModelBase, order: readonly string[]): WeightSource;
}

/**
 * Loads a Keras model: a Keras 3 `.keras` archive, a legacy HDF5 `.h5` (Keras 2 or 3), a
 * TensorFlow.js layers `model.json` with its shards, or a Keras `model.to_json()` string with
 * `options.weights`. Resolves to the same Sequential / Model the core builds, with the file's
 * layer names and weights; rejects with a ModelFileError naming the file part and the layer.
 */
// A record over every key, so that a new LoadModelOptions key cannot be forgotten here.
const LOAD_MODEL_KEYS: Record<keyof LoadModelOptions, true> = { weights: true, weightFiles: true, kerasVersion: true, wasm: true };

export async function loadModel(source: ModelSource, options: LoadModelOptions = {}): Promise<Sequential | Model> {
  // Wrong options are the caller's mistake, not the file's: ConfigError, as everywhere in the package.
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`loadModel: options must be an object, received ${JSON.stringify(options)}`);
  }
  checkKnownKeys(options, Object.keys(LOAD_MODEL_KEYS), 'loadModel');
  const kerasVersion = options.kerasVersion;
  if (kerasVersion !== undefined && kerasVersion !== 2 && kerasVersion !== 3) {
    throw new ConfigError(`loadModel: option 'kerasVersion' must be 2 or 3, received ${JSON.stringify(kerasVersion)}`);
  }
  await ready(options.wasm === undefined ? {} : { wasm: options.wasm });
  const input = await readSource(source);
  const contents = await readContents(input, options);
  const version = kerasVersion ?? kerasVersionOf(contents.kerasVersion, contents.defaultVersion, contents.configLocation);
  const config = prepareConfig(contents.config, contents.configLocation, contents.weightBytes);
  const model = buildModel(config, version, contents.configLocation);
  const order = configLayerNames(config);
  try {
    assignWeights(model, contents.weights(model, order), order);
  } catch (error) {
    disposeLayers(model.layers);
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(`the weights cannot be loaded: ${describeThrown(error)}`, { file: contents.configLocation.file, cause: error });
  }
  return model;
}

async function readContents(input: ReadSource, options: LoadModelOptions): Promise<Contents> {
  const file = input.label;
  if (input.json !== undefined) return jsonContents(input.json, input, options);
  const bytes = input.bytes as Uint8Array;
  const format = sniffFormat(bytes);
  if (format === 'keras-zip') {
    const archive = readKerasArchive(bytes, file);
    return { ...archive, configLocation: { file, part: 'config.json' }, defaultVersion: 3 };
  }
  if (format === 'hdf5') {
    const reader = Hdf5Reader.open(bytes, { file });
    const legacy = readLegacyH5(reader, file);
    return { ...legacy, weights: () => legacy.weights, configLocation: { file, part: 'model_config' }, defaultVersion: 2, weightBytes: bytes.length };
  }
  if (format === 'json') return jsonContents(parseJsonText(decodeUtf8(bytes, file, 'JSON'), file), input, options);
  throw new ModelFileError(
    `is not a Keras model file (${describeMagic(bytes)}); expected a .keras zip archive, a Keras .h5 (HDF5) file, or model JSON`,
    { file },
  );
}

/** A TF.js model.json, or a Keras model.to_json() with options.weights. */
async function jsonContents(json: unknown, input: ReadSource, options: LoadModelOptions): Promise<Contents> {
  const file = input.label;
  if (!isObject(json)) throw new ModelFileError('is JSON but not a Keras or TF.js model (expected an object)', { file });
  if (isTfjsModelJson(json)) {
    const tfjs = await readTfjsModel(json, file, options.weightFiles, input.sibling);
    return { ...tfjs, configLocation: { file, part: 'modelTopology' }, defaultVersion: 2 };
  }
  if (typeof json.class_name !== 'string' || !('config' in json)) {
    throw new ModelFileError('is JSON but not a Keras model: expected model.to_json() ({ class_name, config }) or a TF.js model.json ({ modelTopology, weightsManifest })', { file });
  }
  const weights = options.weights;
  if (weights === undefined) {
    throw new ModelFileError('is a model config without weights; pass them as options.weights (model.get_weights() order)', { file });
  }
  if (!Array.isArray(weights)) throw new ModelFileError(`options.weights must be an array of tensors, received ${typeof weights}`, { file, part: 'options.weights' });
  const tensors = weights.map((w, i) => {
    try {
      return toTensor(w, `options.weights[${i}]`);
    } catch (error) {
      throw new ModelFileError(`is not a tensor: ${describeThrown(error)}`, { file, part: `options.weights[${i}]`, cause: error });
    }
  });
  const entries = tensors.map((t, i) => ({
    part: `options.weights[${i}]`,
    read: (expected: readonly number[] | null, layer: string) => {
      if (expected && !sameShape(t.shape, expected)) {
        throw new ModelFileError(`has shape ${formatDims(t.shape)} but the model config needs ${formatDims(expected)}`, { file, part: `options.weights[${i}]`, layer });
      }
      return { shape: [...t.shape], data: t.data };
    },
  }));
  const keras = typeof json.keras_version === 'string' ? json.keras_version : undefined;
  return {
    config: json,
    configLocation: { file, part: 'model config' },
    kerasVersion: keras,
    defaultVersion: 3,
    weightBytes: tensors.reduce((sum, t) => sum + 4 * t.size, 0),
    weights: () => orderedWeightSource(file, entries, (layer: Layer) => `options.weights (weights of ${layer.name})`),
  };
}

function disposeLayers(layers: readonly Layer[]): void {
  for (const layer of layers) {
    const dispose = (layer as { dispose?: unknown }).dispose;
    if (typeof dispose === 'function') {
      try {
        dispose.call(layer);
      } catch {
        // best effort: the error being reported matters more
      }
    }
  }
}
