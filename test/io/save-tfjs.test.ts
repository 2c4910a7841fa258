// TF.js files saveModelFiles writes, loaded by tfjs-layers' own loadLayersModel (4.22, cpu
// backend): every sample model whose layers tfjs has, with its weights matched by name (strict),
// predicts what this package predicts, to float32 rounding of a different implementation.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, saveModelFiles } from '../../dist/io/keras.js';
import { SAMPLE_MODELS, randomizeWeights } from './save-models.js';

/**
 * What tfjs-layers 4.22 cannot run: GRU reset_after=true (it has no such option), the cuDNN layers, and
 * classes it does not have (ActivityRegularization, SpatialDropout2D/3D, ConvLSTM1D, Attention, AdditiveAttention,
 * ZeroPadding1D, Cropping1D, UpSampling1D).
 */
const TFJS_CANNOT = new Set([
  'embedding with mask_zero into a reset-after GRU', "Keras 2's cuDNN layers, plain and in Bidirectional",
  'a 1-D CNN-LSTM with normalisation, the identity-at-inference layers and the shape layers',
  'a 2-D CNN with global pooling and every merge layer',
  'a 3-D CNN',
  'ConvLSTM1D and ConvLSTM2D, and TimeDistributed convolution',
  'Attention and AdditiveAttention over a sequence, with global 1-D pooling',
  'the time-axis layers: ZeroPadding1D (both data formats), UpSampling1D, Cropping1D',
]);

beforeAll(async () => {
  await ready();
  await tf.setBackend('cpu');
});

describe('saved TF.js files in tfjs-layers', () => {
  for (const sample of SAMPLE_MODELS.filter((s) => !TFJS_CANNOT.has(s.name))) {
    it(`${sample.name}: loadLayersModel reads it and predicts the same`, async () => {
      const model = sample.make();
      randomizeWeights(model, 21);
      const files = saveModelFiles(model, { format: 'tfjs', shardBytes: 256 });
      const json = JSON.parse(new TextDecoder().decode(files['model.json'])) as {
        modelTopology: Record<string, unknown>;
        weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
      };
      const [group] = json.weightsManifest;
      const shards = group.paths.map((path) => files[path]);
      const data = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
      shards.reduce((offset, s) => (data.set(s, offset), offset + s.length), 0);
      const loaded = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: group.weights, weightData: data.buffer }), { strict: true });
      const inputs = sample.inputs();
      model.resetStates();
      const ours = model.predictAll(inputs.length === 1 ? inputs[0] : inputs);
      const theirs = loaded.predict(inputs.map((t) => tf.tensor(Array.from(t.data), [...t.shape], t.data instanceof Int32Array ? 'int32' : 'float32')));
      const list = Array.isArray(theirs) ? theirs : [theirs];
      expect(list.length).toBe(ours.length);
      list.forEach((t, i) => {
        expect(t.shape).toEqual([...ours[i].shape]);
        const values = t.dataSync();
        ours[i].data.forEach((v, k) => expect(Math.abs(values[k] - v), `output ${i}[${k}]`).toBeLessThan(2e-6 + 2e-6 * Math.abs(v)));
      });
    });
  }
});
