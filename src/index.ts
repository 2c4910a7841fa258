// wasm-rnn: Keras-exact recurrent layers on SIMD WebAssembly.
export { ready, memoryBytes, type ReadyOptions, type WasmSource } from './kernels/module.js';
export { Tensor, tensor, type TensorLike, type NestedArray, type TypedArray } from './tensor.js';
export { WasmRnnError, ShapeError, ConfigError, InputError, RuntimeError } from './errors.js';
export { initializers, getInitializer, type Initializer, type InitializerSpec, type SeedOption } from './initializers/index.js';
export { Layer, type LayerOptions, type Shape } from './layers/layer.js';
export { RecurrentLayer, type RecurrentLayerOptions, type ApplyOptions } from './layers/recurrent.js';
export { SimpleRNN, type SimpleRNNOptions } from './layers/simple-rnn.js';
export { LSTM, type LSTMOptions } from './layers/lstm.js';
export { GRU, type GRUOptions } from './layers/gru.js';
export { Bidirectional, type BidirectionalOptions, type MergeMode } from './layers/bidirectional.js';
export { layerFromConfig, type KerasLayerSpec, type LayerFromConfigOptions } from './layers/config.js';
export { ACTIVATION_NAMES, type ActivationName, type KerasVersion } from './layers/activations.js';
