// wasm-rnn/keras: load Keras model files (.keras, .h5, TF.js model.json,
// model.to_json() + weights) in Node and in browsers.
import { installWeightsReader } from '../models/weights-loader.js';
import { installModelWriter, installWeightsWriter } from '../models/model-saver.js';
import { loadWeights } from './load-weights.js';
import { saveModel, saveWeights } from './save.js';

export { loadModel, type LoadModelOptions } from './load.js';
export { loadWeights, type WeightsFileSource } from './load-weights.js';
export { ModelFileError, type ModelFileErrorDetails } from './errors.js';
export type { ModelSource, ModelJson, WeightFiles } from './load-options.js';
// The core surface a loaded model is used with, from the same module instances as the loader's.
export { ready, type ReadyOptions, type WasmSource } from '../kernels/module.js';
export { Tensor, tensor, type TensorLike } from '../tensor.js';
export { WasmRnnError, ConfigError } from '../errors.js';
export { Model } from '../models/functional.js';
export type { PredictOptions, SummaryOptions } from '../models/model.js';
export { Sequential } from '../models/sequential.js';
export { CustomLayer, type CustomLayerConfig, type AddWeightOptions } from '../layers/custom-layer.js';
export { registerLayer, type LayerFactory } from '../layers/registry.js';
export type { Shape } from '../layers/layer.js';
export type { KerasVersion } from '../layers/activations.js';

// model.loadWeights(file) works once this entry is imported: it brings the HDF5 reader.
installWeightsReader(loadWeights);
// model.save(path) likewise, with the writers saveModel uses.
installModelWriter((model, path, options) => saveModel(model, path, options));
// model.saveWeights(path) likewise.
installWeightsWriter(saveWeights);
// saveModel: a model to .keras, legacy .h5 or TF.js files that Keras, h5py and loadModel read.
export { saveModel, saveModelFiles, saveModelBlob, saveWeights, type SaveModelOptions, type SaveFormat } from './save.js';
export type { ToJsonOptions } from '../models/model.js';
