// A TF.js layers model.json and its one weights shard, made from a real Keras file's
// config and weights (the GRU model), for the tests of where and how shards are read.
import { File as Hdf5File } from 'jsfive';
import { loadModel, type Tensor } from '../../dist/io/keras.js';
import { loadExpected, modelBytes, modelPath, type Expected } from './helpers.js';

export const gruH5 = loadExpected().find((e) => e.file === 'gru_model.h5') as Expected;

export interface TfjsArtifacts {
  modelJson: {
    format: string;
    modelTopology: Record<string, unknown>;
    weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
  };
  /** All weights, float32, back to back: the one shard. */
  bytes: Uint8Array;
  weights: Tensor[];
}

export async function gruTfjs(shardPath = 'weights.bin'): Promise<TfjsArtifacts> {
  const reference = await loadModel(modelPath(gruH5));
  const bytes = modelBytes(gruH5);
  const h5 = new Hdf5File(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const config = JSON.parse(String(h5.attrs.model_config)) as Record<string, unknown>;
  const named = reference.layers.flatMap((layer) => layer.getWeights().map((t, i) => ({ name: `${layer.name}/weight_${i}`, tensor: t })));
  const floats = new Float32Array(named.reduce((n, w) => n + w.tensor.size, 0));
  named.reduce((offset, w) => (floats.set(w.tensor.data, offset), offset + w.tensor.size), 0);
  return {
    modelJson: {
      format: 'layers-model',
      modelTopology: { keras_version: String(h5.attrs.keras_version), model_config: config },
      weightsManifest: [{ paths: [shardPath], weights: named.map((w) => ({ name: w.name, shape: [...w.tensor.shape], dtype: 'float32' })) }],
    },
    bytes: new Uint8Array(floats.buffer),
    weights: reference.getWeights(),
  };
}
