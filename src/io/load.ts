// loadModel: any supported model file (or model JSON with its weights) to a
// Sequential or Model with the file's layer names and weights, ready for predict.
import { ready } from '../kernels/module.js';
import type { KerasVersion } from '../layers/activations.js';
import type { Layer } from '../layers/layer.js';
import { withCustomLayers } from '../layers/registry.js';
import type { Model, ModelBase } from '../models/model.js';
import type { Sequential } from '../models/sequential.js';
import { toTensor } from '../tensor.js';
import { ModelFileError, describeThrown } from './errors.js';
import { Hdf5Reader, formatDims, sameShape } from './hdf5.js';
export type { LoadModelOptions } from './load-options.js';
import { decodeUtf8, readKerasArchive } from './keras-zip.js';
import { isKeras1, upgradeKeras1Config } from './keras1-config.js';
import { readLegacyH5 } from './legacy-h5.js';
import { legacyWeightSource } from './legacy-weights.js';
import { buildModel, configLayerNames, isObject, kerasVersionOf, prepareConfig, restoreInitializers, type ConfigLocation } from './model-config.js';
import { describeMagic, sniffFormat } from './sniff.js';
import { parseJsonText, readSource, type ReadSource } from './source.js';
import { checkLoadOptions, type LoadModelOptions, type ModelSource } from './load-options.js';
import { ReadLimits } from './read-limits.js';
import { isTfjsModelJson, readTfjsModel } from './tfjs.js';
import { assignWeights, orderedWeightSource, type WeightSource } from './weights.js';
import { compileAsSaved, savedCompileNotes, savedCompileOptions } from './saved-compile.js';
import { legacyOptimizer, restoreSavedOptimizer, type SavedOptimizer } from './optimizer-state.js';
import type { CompileOptions } from '../training/trainer.js';

/** What a file yields before the model is built. */
interface Contents {
  config: unknown;
  configLocation: ConfigLocation;
  kerasVersion: string | undefined;
  /** The backend the file says it was trained with ('theano' flips convolution kernels). */
  backend?: string;
  /** Keras version to assume when the file does not say. */
  defaultVersion: KerasVersion;
  /** Bytes of weight data in the file: sizes in the config cannot exceed it. */
  weightBytes: number;
  /** False when the file holds no weight tensor at all; undefined when the format cannot say. */
  holdsWeights?: boolean;
  weights(model: ModelBase, order: readonly string[]): WeightSource;
  /** The compile options the file was saved with, or null when it was saved uncompiled. */
  compileOptions: CompileOptions | null;
  /** The optimizer state the file holds (Keras' optimizer variables), or null. */
  optimizer?: () => SavedOptimizer | null;
}

/**
 * Loads a Keras model: a Keras 3 `.keras` archive, a legacy HDF5 `.h5` (Keras 2 or 3), a
 * TensorFlow.js layers `model.json` with its shards, or a Keras `model.to_json()` string with
 * `options.weights`. Resolves to the same Sequential / Model the core builds, with the file's
 * layer names and weights; rejects with a ModelFileError naming the file part and the layer.
 */
export async function loadModel(source: ModelSource, options: LoadModelOptions = {}): Promise<Sequential | Model> {
  const checked = checkLoadOptions(options);
  const limits = new ReadLimits(checked);
  try {
    limits.check();
    await ready(checked.wasm === undefined ? {} : { wasm: checked.wasm });
    const input = await readSource(source, limits);
    const contents = await readContents(input, checked, limits);
    limits.check();
    const keras1 = isKeras1(contents.kerasVersion);
    // Unsupported layer classes first: they are what a user most needs to hear about.
    const raw = keras1 ? upgradeKeras1Config(contents.config, contents.configLocation) : contents.config;
    const config = withCustomLayers(checked.customLayers, () => unlessUnbuilt(contents, () => prepareConfig(raw, contents.configLocation, contents.weightBytes)));
    const version = checked.kerasVersion ?? kerasVersionOf(contents.kerasVersion, contents.defaultVersion, contents.configLocation);
    const model = withCustomLayers(checked.customLayers, () => buildModel(config, version, contents.configLocation));
    const order = configLayerNames(config);
    try {
      const stored = contents.weights(model, order);
      const theano = contents.backend === 'theano';
      unlessUnbuilt(contents, () => assignWeights(model, keras1 || theano ? legacyWeightSource(stored, { keras1, theano }) : stored, order));
      restoreInitializers(model.layers, contents.config);
      if (checked.compile !== false && contents.compileOptions) {
        compileAsSaved(model, contents.compileOptions);
        const where = contents.configLocation.file;
        if (model.savedCompileProblem !== null) console.warn(`wasm-rnn loadModel: ${where}: the model loads uncompiled: its compile config could not be used (${model.savedCompileProblem})`);
        else for (const note of savedCompileNotes(contents.compileOptions)) console.warn(`wasm-rnn loadModel: ${where}: ${note}`);
        const saved = contents.optimizer?.() ?? null;
        // Keras warns and goes on with a fresh optimizer when the saved state does not fit.
        const skipped = saved && model.savedCompileProblem === null ? restoreSavedOptimizer(model, saved, contents.configLocation.file) : null;
        if (skipped !== null) console.warn(`wasm-rnn loadModel: ${skipped}`);
      }
      limits.check();
    } catch (error) {
      disposeLayers(model.layers);
      if (error instanceof ModelFileError || limits.signal.aborted) throw error;
      throw new ModelFileError(`the weights cannot be loaded: ${describeThrown(error)}`, { file: contents.configLocation.file, cause: error });
    }
    return model;
  } finally {
    limits.close();
  }
}

/**
 * Runs a step that a file without any weights fails for want of them (the config's sizes exceed
 * the empty weights, a layer finds none), and says what happened instead: the model was saved unbuilt.
 */
function unlessUnbuilt<T>(contents: Contents, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (contents.holdsWeights !== false || !(error instanceof ModelFileError)) throw error;
    throw new ModelFileError(
      'holds a model saved before it was built: its layers were never given an input shape or called on data, so the file has no weights. '
      + 'In Keras, build the model (model.build(input_shape), or call it on a batch) before model.save(); or build it here in code and call model.loadWeights(file) with a weights file',
      { file: contents.configLocation.file, part: contents.configLocation.part, layer: error.layer, cause: error },
    );
  }
}

async function readContents(input: ReadSource, options: LoadModelOptions, limits: ReadLimits): Promise<Contents> {
  const file = input.label;
  if (input.json !== undefined) return jsonContents(input.json, input, options, limits);
  const bytes = input.bytes as Uint8Array;
  const format = sniffFormat(bytes);
  if (format === 'keras-zip') {
    const archive = readKerasArchive(bytes, file, limits);
    return { ...archive, configLocation: { file, part: 'config.json' }, defaultVersion: 3, compileOptions: savedCompileOptions(isObject(archive.config) ? archive.config.compile_config : null, 'keras3') };
  }
  if (format === 'hdf5') {
    const reader = Hdf5Reader.open(bytes, { file });
    const legacy = readLegacyH5(reader, file);
    return {
      ...legacy, weights: () => legacy.weights, configLocation: { file, part: 'model_config' }, defaultVersion: 2, weightBytes: bytes.length,
      optimizer: () => legacyOptimizer(reader),
      compileOptions: savedCompileOptions(legacy.trainingConfig, 'training_config'),
    };
  }
  if (format === 'json') return jsonContents(parseJsonText(decodeUtf8(bytes, file, 'JSON'), file), input, options, limits);
  throw new ModelFileError(
    `is not a Keras model file (${describeMagic(bytes)}); expected a .keras zip archive, a Keras .h5 (HDF5) file, or model JSON`,
    { file },
  );
}

/** A TF.js model.json, or a Keras model.to_json() with options.weights. */
async function jsonContents(json: unknown, input: ReadSource, options: LoadModelOptions, limits: ReadLimits): Promise<Contents> {
  const file = input.label;
  if (!isObject(json)) throw new ModelFileError('is JSON but not a Keras or TF.js model (expected an object)', { file });
  if (isTfjsModelJson(json)) {
    const tfjs = await readTfjsModel(json, file, options.weightFiles, input.sibling, limits);
    return { ...tfjs, configLocation: { file, part: 'modelTopology' }, defaultVersion: 2, compileOptions: null };
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
    compileOptions: savedCompileOptions(json.compile_config, 'keras3'),
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
