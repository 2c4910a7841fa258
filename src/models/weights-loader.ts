// model.loadWeights(source): Keras' load_weights. Reading HDF5 lives in wasm-rnn/keras (with
// jsfive), which the core entry does not bundle: the core entry installs a reader that imports it on
// the first call (io/on-demand.ts), and importing wasm-rnn/keras installs its own.
import { ConfigError } from '../errors.js';
import type { ModelBase } from './model.js';

/** A weights file: a Node path, a URL, a fetch Response or Blob, or the bytes. */
export type WeightsFileSource = ArrayBuffer | ArrayBufferView | string | URL | Response | Blob;

type WeightsReader = (model: ModelBase, source: WeightsFileSource) => Promise<void>;

let reader: WeightsReader | undefined;

/** @internal Called by wasm-rnn/keras when it is imported. */
export function installWeightsReader(read: WeightsReader): void {
  reader = read;
}

/** @internal */
export function readWeightsInto(model: ModelBase, source: WeightsFileSource): Promise<void> {
  if (!reader) {
    return Promise.reject(new ConfigError(`${model.name}: loadWeights reads HDF5 files through wasm-rnn/keras, which this bundle left out; import loadWeights from 'wasm-rnn' or 'wasm-rnn/keras' and call model.loadWeights again`));
  }
  return reader(model, source);
}
