// The layer classes a Keras config can name, for the wrappers and layerFromConfig. Every class
// reads its own config (static fromConfig); TimeDistributed, which wraps any of these, is added by
// layers/config.ts so that this module does not import it back.
import { Activation } from './activation.js';
import { BatchNormalization } from './batch-normalization.js';
import { Bidirectional } from './bidirectional.js';
import { Concatenate } from './concatenate.js';
import { CuDNNGRU, CuDNNLSTM } from './cudnn.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { Flatten } from './flatten.js';
import { GRU } from './gru.js';
import { InputLayer } from './input-layer.js';
import type { LayerFromConfigOptions } from './keras-options.js';
import type { Layer } from './layer.js';
import { LSTM } from './lstm.js';
import { Masking } from './masking.js';
import { Permute } from './permute.js';
import { RepeatVector } from './repeat-vector.js';
import { Reshape } from './reshape.js';
import { SimpleRNN } from './simple-rnn.js';

export interface LayerClass {
  fromConfig(config: Record<string, unknown>, options?: LayerFromConfigOptions): Layer;
}

export const WRAPPABLE_CLASSES: Readonly<Record<string, LayerClass>> = {
  SimpleRNN, LSTM, GRU, CuDNNLSTM, CuDNNGRU, Bidirectional, Dense, Embedding, Dropout, Masking, Concatenate, InputLayer,
  Flatten, Reshape, Permute, RepeatVector, Activation, BatchNormalization,
};
