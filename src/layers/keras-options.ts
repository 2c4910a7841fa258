// Keras layer configs (snake_case, as `layer.get_config()` and `getConfig()` write them, Keras 2
// and 3 spellings) to this package's camelCase options. Pure data and reading: no layer classes,
// so every class's static fromConfig can use it.
import { ConfigError, quoted } from '../errors.js';
import { checkKnownKeys, checkOptionsObject } from '../option-keys.js';
import type { KerasVersion } from './activations.js';
import type { Shape } from './layer.js';

export interface KerasLayerSpec {
  class_name: string;
  config: Record<string, unknown>;
  module?: string | null;
  registered_name?: string | null;
}

export interface LayerFromConfigOptions {
  /** Keras major version that wrote the config: decides what 'hard_sigmoid' means. Default 3. */
  kerasVersion?: KerasVersion;
}

/** Keras' `<prefix>_regularizer` and `<prefix>_constraint` keys of the weights `prefixes`. */
function ruleKeys(...prefixes: string[]): Record<string, string> {
  return Object.fromEntries(prefixes.flatMap((p) => [[`${p}_regularizer`, `${p}Regularizer`], [`${p}_constraint`, `${p}Constraint`]]));
}

/**
 * snake_case config key -> camelCase option, per class. Keys not listed have no effect on
 * inference and are ignored. Built on first use: its object spreads are a cost of every start.
 */
function buildOptionKeys(): Record<string, Record<string, string>> {
  const NAME_KEYS: Record<string, string> = { name: 'name', batch_size: 'batchSize', trainable: 'trainable' };
  const COMMON_KEYS: Record<string, string> = { ...NAME_KEYS, activity_regularizer: 'activityRegularizer' };
  const RECURRENT_KEYS: Record<string, string> = {
    ...COMMON_KEYS,
    units: 'units',
    activation: 'activation',
    recurrent_activation: 'recurrentActivation',
    use_bias: 'useBias',
    return_sequences: 'returnSequences',
    return_state: 'returnState',
    go_backwards: 'goBackwards',
    zero_output_for_mask: 'zeroOutputForMask',
    reset_after: 'resetAfter',
    unit_forget_bias: 'unitForgetBias',
    kernel_initializer: 'kernelInitializer',
    recurrent_initializer: 'recurrentInitializer',
    bias_initializer: 'biasInitializer',
    dropout: 'dropout',
    recurrent_dropout: 'recurrentDropout',
    stateful: 'stateful',
    unroll: 'unroll',
    seed: 'seed',
    input_dim: 'inputDim',
    input_length: 'inputLength',
    ...ruleKeys('kernel', 'recurrent', 'bias'),
  };

  /** Keras 2's CuDNNLSTM / CuDNNGRU: no activation, bias or dropout keys (cuDNN fixes them). */
  const CUDNN_KEYS: Record<string, string> = {
    ...COMMON_KEYS,
    units: 'units',
    return_sequences: 'returnSequences',
    return_state: 'returnState',
    go_backwards: 'goBackwards',
    stateful: 'stateful',
    kernel_initializer: 'kernelInitializer',
    recurrent_initializer: 'recurrentInitializer',
    bias_initializer: 'biasInitializer',
    seed: 'seed',
    input_dim: 'inputDim',
    input_length: 'inputLength',
    ...ruleKeys('kernel', 'recurrent', 'bias'),
  };
  const CONV_KEYS: Record<string, string> = {
    ...COMMON_KEYS, filters: 'filters', kernel_size: 'kernelSize', strides: 'strides', padding: 'padding', data_format: 'dataFormat',
    dilation_rate: 'dilationRate', groups: 'groups', activation: 'activation', use_bias: 'useBias',
    kernel_initializer: 'kernelInitializer', bias_initializer: 'biasInitializer', input_dim: 'inputDim', input_length: 'inputLength',
    ...ruleKeys('kernel', 'bias'),
  };
  const CONV_LSTM_KEYS: Record<string, string> = {
    ...COMMON_KEYS, filters: 'filters', kernel_size: 'kernelSize', strides: 'strides', padding: 'padding', data_format: 'dataFormat',
    dilation_rate: 'dilationRate', activation: 'activation', recurrent_activation: 'recurrentActivation', use_bias: 'useBias',
    kernel_initializer: 'kernelInitializer', recurrent_initializer: 'recurrentInitializer', bias_initializer: 'biasInitializer',
    unit_forget_bias: 'unitForgetBias', return_sequences: 'returnSequences', return_state: 'returnState', go_backwards: 'goBackwards',
    stateful: 'stateful', dropout: 'dropout', recurrent_dropout: 'recurrentDropout', seed: 'seed',
    ...ruleKeys('kernel', 'recurrent', 'bias'),
  };
  const POOLING_KEYS: Record<string, string> = { ...COMMON_KEYS, pool_size: 'poolSize', strides: 'strides', padding: 'padding', data_format: 'dataFormat' };
  const GLOBAL_POOLING_KEYS: Record<string, string> = { ...COMMON_KEYS, data_format: 'dataFormat', keepdims: 'keepdims' };
  return {
    CuDNNLSTM: { ...CUDNN_KEYS, unit_forget_bias: 'unitForgetBias' },
    CuDNNGRU: CUDNN_KEYS,
    SimpleRNN: RECURRENT_KEYS,
    LSTM: RECURRENT_KEYS,
    GRU: RECURRENT_KEYS,
    ConvLSTM1D: CONV_LSTM_KEYS,
    ConvLSTM2D: CONV_LSTM_KEYS,
    Bidirectional: { ...COMMON_KEYS, merge_mode: 'mergeMode' },
    RNN: {
      ...COMMON_KEYS, return_sequences: 'returnSequences', return_state: 'returnState', go_backwards: 'goBackwards',
      zero_output_for_mask: 'zeroOutputForMask', stateful: 'stateful', unroll: 'unroll', input_dim: 'inputDim', input_length: 'inputLength',
    },
    Dense: {
      ...COMMON_KEYS, units: 'units', activation: 'activation', use_bias: 'useBias',
      kernel_initializer: 'kernelInitializer', bias_initializer: 'biasInitializer', input_dim: 'inputDim',
      ...ruleKeys('kernel', 'bias'),
    },
    Embedding: {
      ...COMMON_KEYS, input_dim: 'inputDim', output_dim: 'outputDim', mask_zero: 'maskZero',
      embeddings_initializer: 'embeddingsInitializer', input_length: 'inputLength',
      ...ruleKeys('embeddings'),
    },
    Dropout: { ...COMMON_KEYS, rate: 'rate', noise_shape: 'noiseShape' },
    Masking: { ...COMMON_KEYS, mask_value: 'maskValue' },
    Concatenate: { ...COMMON_KEYS, axis: 'axis' },
    TimeDistributed: { ...COMMON_KEYS },
    Conv1D: CONV_KEYS,
    Conv2D: CONV_KEYS,
    Conv3D: CONV_KEYS,
    MaxPooling1D: POOLING_KEYS,
    MaxPooling2D: POOLING_KEYS,
    MaxPooling3D: POOLING_KEYS,
    AveragePooling1D: POOLING_KEYS,
    AveragePooling2D: POOLING_KEYS,
    AveragePooling3D: POOLING_KEYS,
    GlobalMaxPooling1D: GLOBAL_POOLING_KEYS,
    GlobalMaxPooling2D: GLOBAL_POOLING_KEYS,
    GlobalAveragePooling1D: GLOBAL_POOLING_KEYS,
    GlobalAveragePooling2D: GLOBAL_POOLING_KEYS,
    Flatten: { ...COMMON_KEYS, data_format: 'dataFormat' },
    Reshape: { ...COMMON_KEYS, target_shape: 'targetShape' },
    Permute: { ...COMMON_KEYS, dims: 'dims' },
    RepeatVector: { ...COMMON_KEYS, n: 'n' },
    Activation: { ...COMMON_KEYS, activation: 'activation' },
    Add: { ...COMMON_KEYS },
    Subtract: { ...COMMON_KEYS },
    Multiply: { ...COMMON_KEYS },
    Average: { ...COMMON_KEYS },
    Maximum: { ...COMMON_KEYS },
    Minimum: { ...COMMON_KEYS },
    Dot: { ...COMMON_KEYS, axes: 'axes', normalize: 'normalize' },
    LayerNormalization: {
      ...COMMON_KEYS, axis: 'axis', epsilon: 'epsilon', center: 'center', scale: 'scale', rms_scaling: 'rmsScaling',
      beta_initializer: 'betaInitializer', gamma_initializer: 'gammaInitializer',
      ...ruleKeys('beta', 'gamma'),
    },
    SpatialDropout1D: { ...COMMON_KEYS, rate: 'rate', seed: 'seed' },
    SpatialDropout2D: { ...COMMON_KEYS, rate: 'rate', seed: 'seed', data_format: 'dataFormat' },
    SpatialDropout3D: { ...COMMON_KEYS, rate: 'rate', seed: 'seed', data_format: 'dataFormat' },
    GaussianNoise: { ...COMMON_KEYS, stddev: 'stddev', seed: 'seed' },
    GaussianDropout: { ...COMMON_KEYS, rate: 'rate', seed: 'seed' },
    AlphaDropout: { ...COMMON_KEYS, rate: 'rate', seed: 'seed', noise_shape: 'noiseShape' },
    // Its regularizer is L1L2(l1, l2): Keras 3's get_config leaves activity_regularizer out.
    ActivityRegularization: { ...NAME_KEYS, l1: 'l1', l2: 'l2' },
    Attention: { ...COMMON_KEYS, use_scale: 'useScale', score_mode: 'scoreMode', dropout: 'dropout', seed: 'seed', causal: 'causal' },
    AdditiveAttention: { ...COMMON_KEYS, use_scale: 'useScale', dropout: 'dropout', seed: 'seed', causal: 'causal' },
    ReLU: { ...COMMON_KEYS, max_value: 'maxValue', negative_slope: 'negativeSlope', threshold: 'threshold' },
    LeakyReLU: { ...COMMON_KEYS, negative_slope: 'negativeSlope', alpha: 'alpha' },
    ELU: { ...COMMON_KEYS, alpha: 'alpha' },
    Softmax: { ...COMMON_KEYS, axis: 'axis' },
    PReLU: { ...COMMON_KEYS, alpha_initializer: 'alphaInitializer', shared_axes: 'sharedAxes', ...ruleKeys('alpha') },
    ZeroPadding1D: { ...COMMON_KEYS, padding: 'padding', data_format: 'dataFormat' },
    Cropping1D: { ...COMMON_KEYS, cropping: 'cropping' },
    UpSampling1D: { ...COMMON_KEYS, size: 'size' },
    Normalization: { ...COMMON_KEYS, axis: 'axis', mean: 'mean', variance: 'variance', invert: 'invert' },
    BatchNormalization: {
      ...COMMON_KEYS, axis: 'axis', epsilon: 'epsilon', momentum: 'momentum', center: 'center', scale: 'scale',
      beta_initializer: 'betaInitializer', gamma_initializer: 'gammaInitializer',
      moving_mean_initializer: 'movingMeanInitializer', moving_variance_initializer: 'movingVarianceInitializer',
      ...ruleKeys('beta', 'gamma'),
    },
  };
}

let optionKeys: Record<string, Record<string, string>> | null = null;

/** The Keras version of fromConfig / layerFromConfig options; checks the options object too. @internal */
export function configKerasVersion(options: unknown, where: string): KerasVersion {
  checkOptionsObject(options, where, '{ kerasVersion: 2 }');
  checkKnownKeys(options, ['kerasVersion'], where);
  const kerasVersion = (options as LayerFromConfigOptions).kerasVersion ?? 3;
  if (kerasVersion !== 2 && kerasVersion !== 3) {
    throw new ConfigError(`${where}: option 'kerasVersion' must be 2 or 3, received ${quoted(kerasVersion)}`);
  }
  return kerasVersion;
}

/** A Keras config of `className` as camelCase options; keys without effect on inference are left out. @internal */
export function kerasOptions(className: string, config: unknown, where: string): Record<string, unknown> {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConfigError(`${where}: config must be an object such as layer.getConfig() returns, received ${quoted(config)}`);
  }
  optionKeys ??= buildOptionKeys();
  return readOptions(className, config as Record<string, unknown>, Object.hasOwn(optionKeys, className) ? optionKeys[className] : {}, where);
}

function readOptions(className: string, config: Record<string, unknown>, keys: Record<string, string>, where: string): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    // Own keys only: 'constructor' or 'toString' in a config are keys Keras does not know, not Object's.
    const option = Object.hasOwn(keys, key) ? keys[key] : undefined;
    if (option) {
      // null means "Keras default" except where null is a value of its own.
      if (value !== null || key === 'activation' || key === 'merge_mode') options[option] = readValue(key, value);
    } else if (key === 'time_major' && value === true) {
      throw new ConfigError(`${where}: ${className} config 'time_major': true is not supported; expected false`);
    }
  }
  return { ...options, ...shapeOptions(config) };
}

/** @internal */
export function shapeOptions(config: Record<string, unknown>): { batchInputShape?: Shape; inputShape?: Shape } {
  const batchShape = config.batch_input_shape ?? config.batch_shape;
  if (batchShape !== undefined && batchShape !== null) return { batchInputShape: batchShape as Shape };
  if (config.input_shape !== undefined && config.input_shape !== null) return { inputShape: config.input_shape as Shape };
  return {};
}

/** Keras 3 may wrap activations in { class_name, config, module } objects; initializers go to getInitializer as they are. */
function readValue(key: string, value: unknown): unknown {
  if (key !== 'activation' && key !== 'recurrent_activation') return value;
  if (value === null || typeof value === 'string') return value;
  if (typeof value === 'object') {
    const { config, registered_name: registeredName, class_name: className } = value as Record<string, unknown>;
    if (typeof config === 'string') return config;
    if (typeof registeredName === 'string') return registeredName;
    if (typeof className === 'string') return className;
  }
  throw new ConfigError(`layerFromConfig: config '${key}' must be an activation name such as 'tanh', received ${quoted(value)}`);
}

/** A nested { class_name, config } spec (Bidirectional's layer, TimeDistributed's layer, model.to_json()'s layers). @internal */
export function readSpec(spec: unknown, where: string): { className: string; config: Record<string, unknown> } {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new ConfigError(`${where} must be an object { class_name, config }, received ${quoted(spec)}`);
  }
  const { class_name: className, config } = spec as Record<string, unknown>;
  if (className === undefined && config === undefined && typeof (spec as Record<string, unknown>).name === 'string') {
    // Keras' layers.deserialize refuses a bare get_config() alike: the config does not name its class.
    throw new ConfigError(`${where} must be Keras' { class_name, config }; a layer's getConfig() alone does not say its class: use serializeLayer(layer) (or { class_name: layer.className, config: layer.getConfig() }), or the class's own fromConfig, such as LSTM.fromConfig(layer.getConfig())`);
  }
  if (typeof className !== 'string') {
    throw new ConfigError(`${where}.class_name must be a string such as 'LSTM', received ${quoted(className)}`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConfigError(`${where}.config must be an object, received ${quoted(config)}`);
  }
  return { className, config: config as Record<string, unknown> };
}
