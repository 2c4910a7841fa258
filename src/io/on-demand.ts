// loadModel, loadWeights and saveModel from the core entry, as a Keras user finds load_model and
// save beside the layers. They are async anyway, so the file readers and writers (HDF5, zip, jsfive
// and fflate: wasm-rnn/keras) are imported on the first call, not on the core entry's import path:
// Node's start-up and a browser app's first download stay as they were.
import { RuntimeError } from '../errors.js';
import type { ModelBase, Model } from '../models/model.js';
import type { Sequential } from '../models/sequential.js';
import { installModelWriter, installWeightsWriter, type SaveFormat, type SaveModelOptions } from '../models/model-saver.js';
import { installWeightsReader, type WeightsFileSource } from '../models/weights-loader.js';
import type { LoadModelOptions, ModelSource } from './load-options.js';

type KerasEntry = typeof import('./keras.js');

let importKeras: (() => Promise<KerasEntry>) | undefined;
// The prebuilt single-file browser bundle drops this line (esbuild --drop-labels=KERAS_CHUNK):
// it has no second file to load. Bundlers (Vite, esbuild, webpack) split it into a lazy chunk.
KERAS_CHUNK: importKeras = () => import('./keras.js');

let keras: Promise<KerasEntry> | undefined;

function kerasEntry(action: string): Promise<KerasEntry> {
  if (importKeras === undefined) {
    return Promise.reject(new RuntimeError(
      `${action}: the prebuilt single-file browser bundle (dist/browser/wasm-rnn.min.js) leaves out the model-file readers and writers; ` +
      "import 'wasm-rnn' (or 'wasm-rnn/keras') through a bundler such as Vite or esbuild, which loads them on first use",
    ));
  }
  keras ??= importKeras().catch((error: unknown) => {
    keras = undefined;
    throw new RuntimeError(`${action}: the model-file module (wasm-rnn/keras) could not be loaded: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  return keras;
}

/**
 * Keras' `keras.models.load_model`: loads a `.keras` archive, a legacy `.h5`, a TF.js `model.json`
 * with its shards, or a `model.to_json()` string with `options.weights`, as `loadModel` of
 * wasm-rnn/keras does (it is that function, imported on the first call).
 */
export async function loadModel(source: ModelSource, options?: LoadModelOptions): Promise<Sequential | Model> {
  return (await kerasEntry('loadModel')).loadModel(source, options);
}

/** Keras' `model.load_weights(path)` as a function: `loadWeights` of wasm-rnn/keras, imported on the first call. */
export async function loadWeights(model: ModelBase, source: WeightsFileSource): Promise<void> {
  return (await kerasEntry('loadWeights')).loadWeights(model, source);
}

/**
 * Keras' `model.save(path)` as a function: `saveModel` of wasm-rnn/keras, imported on the first
 * call. With a path (Node) it writes the file; with options only it resolves to the file's bytes.
 */
export async function saveModel(model: ModelBase, options: SaveModelOptions & { format: Exclude<SaveFormat, 'tfjs'> }): Promise<Uint8Array>;
export async function saveModel(model: ModelBase, path: string | URL, options?: SaveModelOptions): Promise<void>;
export async function saveModel(model: ModelBase, target: string | URL | SaveModelOptions, options?: SaveModelOptions): Promise<Uint8Array | void> {
  const entry = await kerasEntry('saveModel');
  if (typeof target === 'string' || target instanceof URL) return entry.saveModel(model, target, options);
  return entry.saveModel(model, target as SaveModelOptions & { format: Exclude<SaveFormat, 'tfjs'> });
}

// model.save(path), model.saveWeights(path) and model.loadWeights(file) work with the core entry alone: wasm-rnn/keras,
// once imported, installs its own functions over these (the same ones).
installModelWriter(async (model, path, options) => (await kerasEntry('save')).saveModel(model, path, options));
installWeightsReader(async (model, source) => (await kerasEntry('loadWeights')).loadWeights(model, source));
installWeightsWriter(async (model, path) => (await kerasEntry('saveWeights')).saveWeights(model, path));
