// wasm-rnn: Keras-exact recurrent layers on SIMD WebAssembly.
export { initSync, type InitSyncOptions } from './kernels/init-sync.js';
export { ready, memoryBytes, kernelVariant, type ReadyOptions, type WasmSource, type KernelVariant } from './kernels/module.js';
export { Tensor, tensor, type TensorLike, type NestedArray, type TypedArray, type NestedTypedArrays } from './tensor.js';
export { WasmRnnError, ShapeError, ConfigError, InputError, RuntimeError, DisposedError } from './errors.js';
export { initializers, getInitializer, type Initializer, type InitializerSpec, type SeedOption } from './initializers/index.js';
export { Layer, type LayerOptions, type Shape } from './layers/layer.js';
export {
  regularizers, Regularizer, L1, L2, L1L2, OrthogonalRegularizer,
  type RegularizerSpec, type RegularizerName, type RegularizerFactories, type OrthogonalMode,
} from './layers/regularizers.js';
export {
  constraints, Constraint, MaxNorm, NonNeg, UnitNorm, MinMaxNorm,
  type ConstraintSpec, type ConstraintName, type ConstraintFactories, type ConstraintAxis,
} from './layers/constraints.js';
export {
  RecurrentLayer, type RecurrentLayerOptions, type ApplyOptions, type SymbolicApplyOptions,
  type RecurrentArgs, type RecurrentOutput, type OptionFlag, type StateList,
} from './layers/recurrent.js';
export { SimpleRNN, type SimpleRNNOptions, type SimpleRNNArgs } from './layers/simple-rnn.js';
export { LSTM, type LSTMOptions, type LSTMArgs } from './layers/lstm.js';
export { GRU, type GRUOptions, type GRUArgs } from './layers/gru.js';
export { RNN, type RNNOptions, type RNNLayerOptions, type RNNArgs } from './layers/rnn.js';
export {
  RNNCell, SimpleRNNCell, LSTMCell, GRUCell, type SimpleRNNCellOptions, type LSTMCellOptions, type GRUCellOptions,
  type CellArgs, type SimpleRNNCellArgs, type LSTMCellArgs, type GRUCellArgs,
} from './layers/rnn-cells.js';
export {
  CuDNNLSTM, CuDNNGRU, type CuDNNLSTMOptions, type CuDNNGRUOptions, type CuDNNLSTMArgs, type CuDNNGRUArgs, type CuDNNRecurrentOptions,
} from './layers/cudnn.js';
export { Bidirectional, type BidirectionalOptions, type BidirectionalArgs, type BidirectionalOutput, type MergeMode } from './layers/bidirectional.js';
export { layerFromConfig, type KerasLayerSpec, type LayerFromConfigOptions } from './layers/config.js';
export { ACTIVATION_NAMES, type ActivationName, type KerasVersion } from './layers/activations.js';
export { deserializeLayer, serializeLayer, SUPPORTED_LAYER_CLASSES } from './layers/config.js';
export { Dense, type DenseOptions, type DenseActivationName } from './layers/dense.js';
export { Embedding, type EmbeddingOptions } from './layers/embedding.js';
export { Dropout, type DropoutOptions } from './layers/dropout.js';
export { Masking, type MaskingOptions } from './layers/masking.js';
export { Concatenate, type ConcatenateOptions } from './layers/concatenate.js';
export { TimeDistributed } from './layers/time-distributed.js';
export { Conv, Conv1D, Conv2D, Conv3D, type ConvOptions } from './layers/conv.js';
export { ConvLSTM, ConvLSTM1D, ConvLSTM2D, type ConvLSTMOptions, type ConvLSTMApplyOptions } from './layers/conv-lstm.js';
export {
  Pooling, MaxPooling1D, MaxPooling2D, MaxPooling3D, AveragePooling1D, AveragePooling2D, AveragePooling3D, type PoolingOptions, type PoolingArgs,
} from './layers/pooling.js';
export {
  GlobalPooling, GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
  type GlobalPoolingOptions, type GlobalPoolingCallOptions,
} from './layers/global-pooling.js';
export { Flatten, type FlattenOptions, type DataFormat } from './layers/flatten.js';
export { Reshape, type ReshapeOptions } from './layers/reshape.js';
export { Permute, type PermuteOptions } from './layers/permute.js';
export { RepeatVector, type RepeatVectorOptions } from './layers/repeat-vector.js';
export { ReLU, LeakyReLU, ELU, type ReLUOptions, type LeakyReLUOptions, type ELUOptions } from './layers/relu-layers.js';
export { Softmax, type SoftmaxOptions, type SoftmaxCallOptions } from './layers/softmax.js';
export { PReLU, type PReLUOptions } from './layers/prelu.js';
export {
  ZeroPadding1D, Cropping1D, UpSampling1D, type ZeroPadding1DOptions, type Cropping1DOptions, type UpSampling1DOptions, type TimeMargins,
} from './layers/time-axis.js';
export { Activation, type ActivationOptions } from './layers/activation.js';
export { KERAS_ACTIVATION_NAMES, type KerasActivationName } from './layers/activation-functions.js';
export { BatchNormalization, type BatchNormalizationOptions } from './layers/batch-normalization.js';
export { Normalization, type NormalizationOptions } from './layers/normalization.js';
export { Rescaling, type RescalingOptions } from './layers/rescaling.js';
export { LayerNormalization, type LayerNormalizationOptions } from './layers/layer-normalization.js';
export { Add, Subtract, Multiply, Average, Maximum, Minimum, type MergeOptions } from './layers/merge.js';
export { Dot, type DotOptions } from './layers/dot.js';
export {
  Attention, AdditiveAttention, type AttentionOptions, type DotAttentionOptions, type AttentionCallOptions, type ScoreMode,
} from './layers/attention.js';
export {
  SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, GaussianNoise, GaussianDropout, AlphaDropout, ActivityRegularization,
  type SpatialDropoutOptions, type GaussianNoiseOptions, type RateNoiseOptions, type AlphaDropoutOptions, type ActivityRegularizationOptions,
} from './layers/noise.js';
export { Input, InputLayer, type InputOptions } from './layers/input-layer.js';
export { CustomLayer, type CustomLayerConfig, type AddWeightOptions } from './layers/custom-layer.js';
export { registerLayer, type LayerFactory } from './layers/registry.js';
export { SymbolicTensor } from './symbolic.js';
export { Model, type ModelInput, type ModelOptions, type ModelOutput } from './models/functional.js';
export { ModelBase, type ModelInputs, type SymbolicOutput, type PredictOptions, type GetLayerOptions, type SummaryOptions, type SummaryLayout, type ToJsonOptions } from './models/model.js';
export { Sequential, type SequentialOptions } from './models/sequential.js';
export { modelFromConfig, modelFromJson, type ModelFromConfigOptions } from './models/from-config.js';
export { cloneModel } from './models/clone.js';
export type { WeightsFileSource } from './models/weights-loader.js';
export { Stream, type StreamOptions } from './streaming/stream.js';
export { Optimizer, type OptimizerName, type OptimizerOptions } from './training/optimizers.js';
export {
  optimizers, SGD, Adam, AdamW, RMSprop, Adagrad, Nadam, Adamax, Adadelta, Lion, Ftrl, type CommonOptimizerOptions, type SGDOptions, type AdamOptions,
  type AdamWOptions, type RMSpropOptions, type AdagradOptions, type NadamOptions, type AdamaxOptions, type AdadeltaOptions, type LionOptions, type FtrlOptions,
} from './training/optimizer-classes.js';
export { Callback, History, EarlyStopping, type CallbackHooks, type TrainedModel, type MonitorMode, type FitParams, type Logs, type EarlyStoppingOptions } from './training/callbacks.js';
export { LearningRateScheduler, ReduceLROnPlateau, type LearningRateSchedulerFunction, type ReduceLROnPlateauOptions } from './training/schedule-callbacks.js';
export {
  LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay, CosineDecay, CosineDecayRestarts,
  type ExponentialDecayOptions, type PiecewiseConstantDecayOptions, type PolynomialDecayOptions, type InverseTimeDecayOptions,
  type CosineDecayOptions, type CosineDecayRestartsOptions,
} from './training/learning-rate-schedules.js';
export {
  LambdaCallback, TerminateOnNaN, CSVLogger, ModelCheckpoint, type LambdaCallbackOptions, type CSVLoggerOptions, type ModelCheckpointOptions,
} from './training/keras-callbacks.js';
export type { CompileOptions, FitOptions, EvaluateOptions, EvaluateResult, TestOnBatchOptions, TrainOnBatchOptions, KerasOptimizerConfig, Targets, Verbosity } from './training/trainer.js';
export type { LossesArgument, MetricsArgument } from './training/outputs.js';
export type { LossArgument, MetricArgument } from './training/outputs.js';
export {
  losses, Loss, type LossReductionName, type LossOptions, type HuberOptions, type CosineSimilarityOptions, type CrossentropyOptions,
  type SparseCategoricalCrossentropyOptions, type BinaryFocalCrossentropyOptions, type CategoricalFocalCrossentropyOptions,
} from './training/loss-classes.js';
export type { KerasConfigObject, KerasObjectConfig } from './training/keras-config-object.js';
export {
  metrics, Metric, type MetricOptions, type BinaryAccuracyOptions, type TopKOptions, type SparseTopKOptions, type AxisMetricOptions,
  type CrossentropyMetricOptions, type CategoricalCrossentropyMetricOptions, type SparseCategoricalCrossentropyMetricOptions,
  type PrecisionRecallOptions, type AUCOptions, type F1ScoreOptions, type FBetaScoreOptions, type R2ScoreOptions,
} from './training/metric-classes.js';
// Keras' load_model / save / load_weights beside the layers: the file readers load on the first call.
export { loadModel, loadWeights, saveModel } from './io/on-demand.js';
export { ModelFileError, type ModelFileErrorDetails } from './io/errors.js';
export type { LoadModelOptions, ModelSource, ModelJson, WeightFiles } from './io/load-options.js';
export type { SaveModelOptions, SaveFormat } from './models/model-saver.js';
// Keras' keras.utils.pad_sequences and to_categorical.
export { padSequences, toCategorical, type PadSequencesOptions } from './utils.js';
