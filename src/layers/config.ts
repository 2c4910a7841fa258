// Keras layer configs (as `layer.get_config()` / `model.to_json()` write them,
// Keras 2 and 3 spellings) to layer objects.
import { ConfigError } from '../errors.js';
import type { InitializerSpec } from '../initializers/index.js';
import type { ActivationName, KerasVersion } from './activations.js';
import { Bidirectional, type MergeMode } from './bidirectional.js';
import { GRU, type GRUOptions } from './gru.js';
import type { Shape } from './layer.js';
import { LSTM, type LSTMOptions } from './lstm.js';
import type { RecurrentLayer } from './recurrent.js';
import { SimpleRNN } from './simple-rnn.js';

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

export type RecurrentLayerClassName = 'SimpleRNN' | 'LSTM' | 'GRU' | 'Bidirectional';

/** snake_case config key -> camelCase option, for keys that mean the same in both. */
const RECURRENT_KEYS: Record<string, string> = {
  name: 'name',
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
  input_dim: 'inputDim',
  input_length: 'inputLength',
  batch_size: 'batchSize',
};

/** Keys Keras writes that have no effect on inference here. Anything unknown is ignored too. */
const KEYS_WITHOUT_EFFECT = new Set([
  'trainable', 'dtype', 'implementation', 'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer',
  'activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'seed', 'use_cudnn',
]);

/** Builds a SimpleRNN, LSTM, GRU or Bidirectional from its Keras serialisation. */
export function layerFromConfig(spec: KerasLayerSpec, options: LayerFromConfigOptions = {}): RecurrentLayer | Bidirectional {
  const kerasVersion = options.kerasVersion ?? 3;
  if (kerasVersion !== 2 && kerasVersion !== 3) {
    throw new ConfigError(`layerFromConfig: option 'kerasVersion' must be 2 or 3, received ${JSON.stringify(kerasVersion)}`);
  }
  const { className, config } = readSpec(spec, 'layerFromConfig: spec');
  if (className === 'Bidirectional') return bidirectionalFromConfig(config, kerasVersion);
  return recurrentFromConfig(className, config, kerasVersion, 'layerFromConfig');
}

function readSpec(spec: unknown, where: string): { className: string; config: Record<string, unknown> } {
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

function recurrentFromConfig(className: string, config: Record<string, unknown>, kerasVersion: KerasVersion, where: string): RecurrentLayer {
  const options: Record<string, unknown> = { kerasVersion };
  for (const [key, value] of Object.entries(config)) {
    if (KEYS_WITHOUT_EFFECT.has(key)) continue;
    const option = RECURRENT_KEYS[key];
    if (option) options[option] = readValue(key, value);
    else if (key === 'time_major' && value === true) {
      throw new ConfigError(`${where}: ${className} config 'time_major': true is not supported; expected false`);
    }
  }
  Object.assign(options, shapeOptions(config));
  switch (className) {
    case 'SimpleRNN': return new SimpleRNN(options as unknown as LSTMOptions);
    case 'LSTM': return new LSTM(options as unknown as LSTMOptions);
    case 'GRU': return new GRU(options as unknown as GRUOptions);
    default:
      throw new ConfigError(`${where}: unknown layer class_name ${JSON.stringify(className)}; expected SimpleRNN, LSTM, GRU or Bidirectional`);
  }
}

function bidirectionalFromConfig(config: Record<string, unknown>, kerasVersion: KerasVersion): Bidirectional {
  const inner = readSpec(config.layer, 'layerFromConfig: Bidirectional config.layer');
  const layer = recurrentFromConfig(inner.className, inner.config, kerasVersion, 'layerFromConfig: Bidirectional layer');
  let backwardLayer: RecurrentLayer | undefined;
  if (config.backward_layer !== undefined && config.backward_layer !== null) {
    const backward = readSpec(config.backward_layer, 'layerFromConfig: Bidirectional config.backward_layer');
    backwardLayer = recurrentFromConfig(backward.className, backward.config, kerasVersion, 'layerFromConfig: Bidirectional backward_layer');
  }
  const mergeMode = config.merge_mode === undefined ? 'concat' : config.merge_mode;
  return new Bidirectional(layer, {
    mergeMode: mergeMode as MergeMode,
    ...(typeof config.name === 'string' ? { name: config.name } : {}),
    ...(backwardLayer ? { backwardLayer } : {}),
    ...shapeOptions(config),
  });
}

function shapeOptions(config: Record<string, unknown>): { batchInputShape?: Shape; inputShape?: Shape } {
  const batchShape = config.batch_input_shape ?? config.batch_shape;
  if (batchShape !== undefined && batchShape !== null) return { batchInputShape: batchShape as Shape };
  if (config.input_shape !== undefined && config.input_shape !== null) return { inputShape: config.input_shape as Shape };
  return {};
}

/** Keras 3 may wrap activations and initializers in { class_name, config, module } objects. */
function readValue(key: string, value: unknown): unknown {
  if (key === 'activation' || key === 'recurrent_activation') return readActivation(key, value);
  if (key.endsWith('_initializer')) return value as InitializerSpec;
  return value;
}

function readActivation(key: string, value: unknown): ActivationName | null | unknown {
  if (value === null || typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const { config, registered_name: registeredName, class_name: className } = value as Record<string, unknown>;
    if (typeof config === 'string') return config;
    if (typeof registeredName === 'string') return registeredName;
    if (typeof className === 'string') return className;
  }
  throw new ConfigError(`layerFromConfig: config '${key}' must be an activation name such as 'tanh', received ${JSON.stringify(value)}`);
}
