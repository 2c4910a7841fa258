// The layer classes a Keras config can name, for the wrappers and layerFromConfig. Every class
// reads its own config (static fromConfig); TimeDistributed, which wraps any of these, is added by
// layers/config.ts so that this module does not import it back.
import { Activation } from './activation.js';
import { AdditiveAttention, Attention } from './attention.js';
import { BatchNormalization } from './batch-normalization.js';
import { Normalization } from './normalization.js';
import { Rescaling } from './rescaling.js';
import { Bidirectional } from './bidirectional.js';
import { Concatenate } from './concatenate.js';
import { CuDNNGRU, CuDNNLSTM } from './cudnn.js';
import { Conv1D, Conv2D, Conv3D } from './conv.js';
import { ConvLSTM1D, ConvLSTM2D } from './conv-lstm.js';
import { Dense } from './dense.js';
import { Dot } from './dot.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D } from './global-pooling.js';
import { Flatten } from './flatten.js';
import { GRU } from './gru.js';
import { InputLayer } from './input-layer.js';
import type { LayerFromConfigOptions } from './keras-options.js';
import { Layer } from './layer.js';
import { ConfigError, quoted } from '../errors.js';
import { LayerNormalization } from './layer-normalization.js';
import { LSTM } from './lstm.js';
import { Masking } from './masking.js';
import { AveragePooling1D, AveragePooling2D, AveragePooling3D, MaxPooling1D, MaxPooling2D, MaxPooling3D } from './pooling.js';
import { Add, Average, Maximum, Minimum, Multiply, Subtract } from './merge.js';
import {
  ActivityRegularization, AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D,
} from './noise.js';
import { Permute } from './permute.js';
import { PReLU } from './prelu.js';
import { ELU, LeakyReLU, ReLU } from './relu-layers.js';
import { RepeatVector } from './repeat-vector.js';
import { Reshape } from './reshape.js';
import { SimpleRNN } from './simple-rnn.js';
import { Softmax } from './softmax.js';
import { Cropping1D, UpSampling1D, ZeroPadding1D } from './time-axis.js';
import { RNN } from './rnn.js';

/** @internal */
export interface LayerClass {
  fromConfig(config: Record<string, unknown>, options?: LayerFromConfigOptions): Layer;
}

/** Builds a layer from its Keras config (the file's snake_case keys): what registerLayer and loadModel's customLayers take. */
export type LayerFactory = (config: Record<string, unknown>) => Layer;

const registered = new Map<string, LayerFactory>();
let scoped: Readonly<Record<string, LayerFactory>> | undefined;

/**
 * Keras' custom_objects: every later layerFromConfig, modelFromConfig and loadModel builds layers of
 * `className` (a config's class_name) with `factory`, e.g. `(config) => new MyAttention(config)`.
 * A registered name takes precedence over a built-in class of the same name, as in Keras.
 */
export function registerLayer(className: string, factory: LayerFactory): void {
  if (typeof className !== 'string' || !/^[A-Za-z_][\w.>]*$/.test(className)) {
    throw new ConfigError(`registerLayer: className must be a Keras class name such as 'AttentionLayer', received ${quoted(className)}`);
  }
  if (typeof factory !== 'function') {
    throw new ConfigError(`registerLayer: factory for ${className} must be a function (config) => layer, received ${typeof factory}`);
  }
  registered.set(className, factory);
}

/** @internal The factory for a class name: the ones given to this load first, then registered ones. */
export function customLayerFactory(className: string): LayerFactory | undefined {
  const own = scoped !== undefined && Object.prototype.hasOwnProperty.call(scoped, className) ? scoped[className] : undefined;
  return own ?? registered.get(className);
}

/** @internal Runs `build` (synchronous) with `layers` added to the registry, as loadModel's customLayers. */
export function withCustomLayers<T>(layers: Readonly<Record<string, LayerFactory>> | undefined, build: () => T): T {
  const previous = scoped;
  scoped = layers;
  try {
    return build();
  } finally {
    scoped = previous;
  }
}

/** @internal Builds a layer with a custom factory; the factory must return a Layer. */
export function buildCustomLayer(factory: LayerFactory, className: string, config: Record<string, unknown>): Layer {
  const layer: unknown = factory({ ...config });
  if (!(layer instanceof Layer)) {
    throw new ConfigError(`the factory registered for ${className} must return a Layer (for example a CustomLayer subclass), received ${String(layer)}`);
  }
  return layer;
}

/** @internal */
export const WRAPPABLE_CLASSES: Readonly<Record<string, LayerClass>> = {
  SimpleRNN, LSTM, GRU, RNN, CuDNNLSTM, CuDNNGRU, Bidirectional, Dense, Embedding, Dropout, Masking, Concatenate, InputLayer,
  Conv1D, Conv2D, Conv3D, ConvLSTM1D, ConvLSTM2D, MaxPooling1D, MaxPooling2D, MaxPooling3D, AveragePooling1D, AveragePooling2D, AveragePooling3D,
  GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
  Flatten, Reshape, Permute, RepeatVector, Activation, BatchNormalization, Normalization, Rescaling,
  Add, Subtract, Multiply, Average, Maximum, Minimum, Dot, LayerNormalization, Attention, AdditiveAttention,
  SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, GaussianNoise, GaussianDropout, AlphaDropout, ActivityRegularization,
  ReLU, LeakyReLU, ELU, Softmax, PReLU, ZeroPadding1D, Cropping1D, UpSampling1D,
};
