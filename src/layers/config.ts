// Keras layer configs (as `layer.get_config()` / `model.to_json()` write them,
// Keras 2 and 3 spellings) to layer objects.
import { ConfigError } from '../errors.js';
import type { KerasVersion } from './activations.js';
import { Bidirectional, type BidirectionalOptions } from './bidirectional.js';
import { Concatenate, type ConcatenateOptions } from './concatenate.js';
import { Dense, type DenseOptions } from './dense.js';
import { Dropout, type DropoutOptions } from './dropout.js';
import { Embedding, type EmbeddingOptions } from './embedding.js';
import { GRU, type GRUOptions } from './gru.js';
import { InputLayer } from './input-layer.js';
import type { Layer, LayerOptions, Shape } from './layer.js';
import { LSTM, type LSTMOptions } from './lstm.js';
import { Masking, type MaskingOptions } from './masking.js';
import { RecurrentLayer } from './recurrent.js';
import { SimpleRNN, type SimpleRNNOptions } from './simple-rnn.js';
import { TimeDistributed } from './time-distributed.js';

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

/** snake_case config key -> camelCase option. Keys not listed have no effect on inference and are ignored. */
const COMMON_KEYS: Record<string, string> = { name: 'name', batch_size: 'batchSize' };

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
};

const OPTION_KEYS: Record<string, Record<string, string>> = {
  SimpleRNN: RECURRENT_KEYS,
  LSTM: RECURRENT_KEYS,
  GRU: RECURRENT_KEYS,
  Bidirectional: { ...COMMON_KEYS, merge_mode: 'mergeMode' },
  Dense: {
    ...COMMON_KEYS, units: 'units', activation: 'activation', use_bias: 'useBias',
    kernel_initializer: 'kernelInitializer', bias_initializer: 'biasInitializer', input_dim: 'inputDim',
  },
  Embedding: {
    ...COMMON_KEYS, input_dim: 'inputDim', output_dim: 'outputDim', mask_zero: 'maskZero',
    embeddings_initializer: 'embeddingsInitializer', input_length: 'inputLength',
  },
  Dropout: { ...COMMON_KEYS, rate: 'rate', noise_shape: 'noiseShape' },
  Masking: { ...COMMON_KEYS, mask_value: 'maskValue' },
  Concatenate: { ...COMMON_KEYS, axis: 'axis' },
  TimeDistributed: { ...COMMON_KEYS },
};

const RECURRENT_CLASSES = ['SimpleRNN', 'LSTM', 'GRU', 'Bidirectional'];
export const SUPPORTED_LAYER_CLASSES: readonly string[] = [...Object.keys(OPTION_KEYS), 'InputLayer'];

/** Builds a SimpleRNN, LSTM, GRU or Bidirectional from its Keras serialisation. */
export function layerFromConfig(spec: KerasLayerSpec, options: LayerFromConfigOptions = {}): RecurrentLayer | Bidirectional {
  const { className } = readSpec(spec, 'layerFromConfig: spec');
  if (!RECURRENT_CLASSES.includes(className)) {
    throw new ConfigError(`layerFromConfig: unknown layer class_name ${JSON.stringify(className)}; expected SimpleRNN, LSTM, GRU or Bidirectional (deserializeLayer builds the other layers)`);
  }
  return deserializeLayer(spec, options) as RecurrentLayer | Bidirectional;
}

/** Builds any supported layer: the recurrent ones, Dense, Embedding, Dropout, Masking, Concatenate, TimeDistributed, InputLayer. */
export function deserializeLayer(spec: KerasLayerSpec, options: LayerFromConfigOptions = {}): Layer {
  const kerasVersion = options.kerasVersion ?? 3;
  if (kerasVersion !== 2 && kerasVersion !== 3) {
    throw new ConfigError(`layerFromConfig: option 'kerasVersion' must be 2 or 3, received ${JSON.stringify(kerasVersion)}`);
  }
  const { className, config } = readSpec(spec, 'layerFromConfig: spec');
  return layerFromParts(className, config, kerasVersion, 'layerFromConfig');
}

export function readSpec(spec: unknown, where: string): { className: string; config: Record<string, unknown> } {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new ConfigError(`${where} must be an object { class_name, config }, received ${JSON.stringify(spec)}`);
  }
  const { class_name: className, config } = spec as Record<string, unknown>;
  if (typeof className !== 'string') {
    throw new ConfigError(`${where}.class_name must be a string such as 'LSTM', received ${JSON.stringify(className)}`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConfigError(`${where}.config must be an object, received ${JSON.stringify(config)}`);
  }
  return { className, config: config as Record<string, unknown> };
}

function layerFromParts(className: string, config: Record<string, unknown>, kerasVersion: KerasVersion, where: string): Layer {
  if (className === 'InputLayer') {
    return new InputLayer({
      batchShape: (config.batch_shape ?? config.batch_input_shape) as Shape | undefined,
      ...(typeof config.name === 'string' ? { name: config.name } : {}),
      ...(typeof config.dtype === 'string' ? { dtype: config.dtype } : {}),
    });
  }
  const keys = OPTION_KEYS[className];
  if (!keys) {
    throw new ConfigError(`${where}: unknown layer class_name ${JSON.stringify(className)}; supported: ${SUPPORTED_LAYER_CLASSES.join(', ')}`);
  }
  const options = readOptions(className, config, keys, where);
  switch (className) {
    case 'SimpleRNN': return new SimpleRNN({ ...options, kerasVersion } as unknown as SimpleRNNOptions);
    case 'LSTM': return new LSTM({ ...options, kerasVersion } as unknown as LSTMOptions);
    case 'GRU':
      // Keras before 2.1.5 had no reset_after and ran the reset-before GRU; later versions always write the key.
      return new GRU({ resetAfter: kerasVersion !== 2, ...options, kerasVersion } as unknown as GRUOptions);
    case 'Dense': return new Dense({ ...options, kerasVersion } as unknown as DenseOptions);
    case 'Embedding': return new Embedding(options as unknown as EmbeddingOptions);
    case 'Dropout': return new Dropout(options as unknown as DropoutOptions);
    case 'Masking': return new Masking(options as unknown as MaskingOptions);
    case 'Concatenate': return new Concatenate(options as unknown as ConcatenateOptions);
    case 'TimeDistributed': {
      const inner = readSpec(config.layer, `${where}: TimeDistributed config.layer`);
      return new TimeDistributed(layerFromParts(inner.className, inner.config, kerasVersion, `${where}: TimeDistributed layer`), options as LayerOptions);
    }
    default: return bidirectionalFromConfig(config, options, kerasVersion, where);
  }
}

function readOptions(className: string, config: Record<string, unknown>, keys: Record<string, string>, where: string): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const option = keys[key];
    if (option) {
      // null means "Keras default" except where null is a value of its own.
      if (value !== null || key === 'activation' || key === 'merge_mode') options[option] = readValue(key, value);
    } else if (key === 'time_major' && value === true) {
      throw new ConfigError(`${where}: ${className} config 'time_major': true is not supported; expected false`);
    }
  }
  return { ...options, ...shapeOptions(config) };
}

function bidirectionalFromConfig(config: Record<string, unknown>, options: Record<string, unknown>, kerasVersion: KerasVersion, where: string): Bidirectional {
  const inner = readSpec(config.layer, `${where}: Bidirectional config.layer`);
  const layer = layerFromParts(inner.className, inner.config, kerasVersion, `${where}: Bidirectional layer`);
  if (!(layer instanceof RecurrentLayer)) {
    throw new ConfigError(`${where}: Bidirectional config.layer must be SimpleRNN, LSTM or GRU, received ${inner.className}`);
  }
  let backwardLayer: Layer | undefined;
  if (config.backward_layer !== undefined && config.backward_layer !== null) {
    const backward = readSpec(config.backward_layer, `${where}: Bidirectional config.backward_layer`);
    backwardLayer = layerFromParts(backward.className, backward.config, kerasVersion, `${where}: Bidirectional backward_layer`);
  }
  return new Bidirectional(layer, { ...options, ...(backwardLayer ? { backwardLayer } : {}) } as BidirectionalOptions);
}

function shapeOptions(config: Record<string, unknown>): { batchInputShape?: Shape; inputShape?: Shape } {
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
  throw new ConfigError(`layerFromConfig: config '${key}' must be an activation name such as 'tanh', received ${JSON.stringify(value)}`);
}
