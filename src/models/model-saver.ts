// model.save(path): Keras' model.save. The file writers live in wasm-rnn/keras (HDF5 and zip),
// which the core entry does not bundle: the core entry installs a writer that imports them on the
// first save (io/on-demand.ts), and importing wasm-rnn/keras installs its own.
import { ConfigError } from '../errors.js';
import type { ModelBase } from './model.js';

export type SaveFormat = 'keras' | 'h5' | 'tfjs';

export interface SaveModelOptions {
  /** The file format; with a path, taken from its extension (.keras, .h5 / .hdf5, .json) when not given. */
  format?: SaveFormat;
  /** `.keras` only: deflate the archive members (Keras itself stores them); default false. */
  compress?: boolean;
  /** TF.js only: the largest weight shard in bytes; default 4 MiB as tensorflowjs_converter. */
  shardBytes?: number;
  /** The save date written in a `.keras` archive's metadata and zip headers; default now. */
  date?: Date;
}

type ModelWriter = (model: ModelBase, path: string | URL, options: SaveModelOptions) => Promise<void>;

let writer: ModelWriter | undefined;

/** @internal Called by wasm-rnn/keras when it is imported. */
export function installModelWriter(write: ModelWriter): void {
  writer = write;
}

/** @internal */
export function writeModelFile(model: ModelBase, path: string | URL, options: SaveModelOptions): Promise<void> {
  if (!writer) {
    return Promise.reject(new ConfigError(`${model.name}: save writes model files through wasm-rnn/keras, which this bundle left out; import saveModel from 'wasm-rnn' or 'wasm-rnn/keras' and call model.save again`));
  }
  return writer(model, path, options);
}

type WeightsWriter = (model: ModelBase, path: string | URL) => Promise<void>;

let weightsWriter: WeightsWriter | undefined;

/** @internal Called by wasm-rnn/keras when it is imported (and by the core entry, lazily). */
export function installWeightsWriter(write: WeightsWriter): void {
  weightsWriter = write;
}

/** @internal */
export function writeWeightsFile(model: ModelBase, path: string | URL): Promise<void> {
  if (!weightsWriter) {
    return Promise.reject(new ConfigError(`${model.name}: saveWeights writes HDF5 through wasm-rnn/keras, which this bundle left out; import it and call model.saveWeights again`));
  }
  return weightsWriter(model, path);
}
