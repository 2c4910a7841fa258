// The layer classes a Keras config can name, for the wrappers and layerFromConfig. Every class
// reads its own config (static fromConfig); TimeDistributed, which wraps any of these, is added by
// layers/config.ts so that this module does not import it back.
import { Activation } from './activation.js';
import { BatchNormalization } from './batch-normalization.js';
import { Bidirectional } from './bidirectional.js';
import { Concatenate } from './concatenate.js';
import { CuDNNGRU, CuDNNLSTM } from './cudnn.js';
import { Conv1D, Conv2D, Conv3D } from './conv.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D } from './global-pooling.js';
import { Flatten } from './flatten.js';
import { GRU } from './gru.js';
import { InputLayer } from './input-layer.js';
import type { LayerFromConfigOptions } from './keras-options.js';
import type { Layer } from './layer.js';
import { LSTM } from './lstm.js';
import { Masking } from './masking.js';
import { AveragePooling1D, AveragePooling2D, AveragePooling3D, MaxPooling1D, MaxPooling2D, MaxPooling3D } from './pooling.js';
import { Permute } from './permute.js';
import { RepeatVector } from './repeat-vector.js';
import { Reshape } from './reshape.js';
import { SimpleRNN } from './simple-rnn.js';

export interface LayerClass {
  fromConfig(config: Record<string, unknown>, options?: LayerFromConfigOptions): Layer;
}

export const WRAPPABLE_CLASSES: Readonly<Record<string, LayerClass>> = {
  SimpleRNN, LSTM, GRU, CuDNNLSTM, CuDNNGRU, Bidirectional, Dense, Embedding, Dropout, Masking, Concatenate, InputLayer,
  Conv1D, Conv2D, Conv3D, MaxPooling1D, MaxPooling2D, MaxPooling3D, AveragePooling1D, AveragePooling2D, AveragePooling3D,
  GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
  Flatten, Reshape, Permute, RepeatVector, Activation, BatchNormalization,
};
