// The TensorFlow.js layers format: model.json (modelTopology in tf.keras 2's
// spelling, which tfjs-layers deserialises, and weightsManifest) and the
// float32 weights back to back in shards of at most `shardBytes`, named as
// tensorflowjs_converter names them.
import { pythonJson } from '../models/model-json.js';
import type { ModelInfo } from './save-model-info.js';
import { namedWeights } from './weight-layout.js';

export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

/** model.json first, then the shards, by file name. */
export function tfjsFiles(info: ModelInfo, modelFile: string, shardBytes: number): [string, Uint8Array][] {
  const { model } = info;
  const weights = model.layers.flatMap((layer) => namedWeights(layer));
  const total = weights.reduce((sum, w) => sum + w.data.byteLength, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const w of weights) {
    data.set(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength), offset);
    offset += w.data.byteLength;
  }
  const count = Math.max(1, Math.ceil(total / shardBytes));
  const prefix = modelFile.replace(/\.json$/i, '') === 'model' ? '' : `${modelFile.replace(/\.json$/i, '')}.`;
  const shards = Array.from({ length: count }, (_, i) => [`${prefix}group1-shard${i + 1}of${count}.bin`, data.subarray(i * shardBytes, Math.min(total, (i + 1) * shardBytes))] as [string, Uint8Array]);
  const modelJson = {
    format: 'layers-model',
    generatedBy: `keras v${info.kerasVersion}`,
    convertedBy: 'wasm-rnn',
    modelTopology: { keras_version: info.kerasVersion, backend: 'tensorflow', model_config: model.kerasConfig(2) },
    weightsManifest: [{ paths: shards.map(([name]) => name), weights: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' })) }],
  };
  const config = modelJson.modelTopology.model_config as Record<string, unknown>;
  delete config.keras_version;
  delete config.backend;
  return [[modelFile, new TextEncoder().encode(pythonJson(modelJson))], ...shards];
}
