// TF.js files saveModelFiles writes, loaded by tfjs-layers' own loadLayersModel (4.22, cpu
// backend): every sample model whose layers tfjs has, with its weights matched by name (strict),
// predicts what this package predicts, to float32 rounding of a different implementation.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNormalization, ConvLSTM2D, Dense, Flatten, Input, Sequential, tensor, type Tensor } from '../../dist/index.js';
import { unzipSync } from 'fflate';
import { h5pyDump, h5pyMissing } from './h5py.js';
import { loadModel, ready, saveModelFiles } from '../../dist/io/keras.js';
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

describe("TF.js weights are matched by name within a layer, as tfjs-layers matches them", () => {
  /** The model's TF.js files with one shard, its manifest entries in `order` (indices of the saved order) and the shard's bytes moved with them. */
  function reordered(model: Sequential, order: (names: string[]) => number[]): { json: Uint8Array; shard: Uint8Array; manifest: tf.io.WeightsManifestEntry[] } {
    const files = saveModelFiles(model, { format: 'tfjs' });
    const json = JSON.parse(new TextDecoder().decode(files['model.json'])) as { weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
    const [group] = json.weightsManifest;
    const bytes = files[group.paths[0]];
    const sizes = group.weights.map((w) => 4 * w.shape.reduce((p, d) => p * d, 1));
    const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((p, d) => p + d, 0));
    const indices = order(group.weights.map((w) => w.name));
    group.weights = indices.map((i) => group.weights[i]);
    const shard = new Uint8Array(bytes.length);
    let at = 0;
    for (const i of indices) {
      shard.set(bytes.subarray(offsets[i], offsets[i] + sizes[i]), at);
      at += sizes[i];
    }
    return { json: new TextEncoder().encode(JSON.stringify(json)), shard, manifest: group.weights };
  }

  it('a BatchNormalization (without beta) and a Dense whose entries are listed in another order load as saved; tfjs-layers agrees', async () => {
    const model = new Sequential([Input({ shape: [3] }), new BatchNormalization({ center: false, name: 'bn' }), new Dense(2, { name: 'out' })]);
    randomizeWeights(model, 31);
    model.getLayer('bn').setWeights(model.getLayer('bn').getWeights().map((w, i) => (i === 2 ? tensor(Float32Array.from(w.data, (v) => Math.abs(v) + 0.5), [...w.shape]) : w)));
    // Each layer's entries reversed: moving_variance, moving_mean, gamma; bias, kernel.
    const { json, shard, manifest } = reordered(model, (names) => [2, 1, 0, 4, 3].filter((i) => i < names.length));
    expect(manifest.map((w) => w.name)).toEqual(['bn/moving_variance', 'bn/moving_mean', 'bn/gamma', 'out/bias', 'out/kernel']);
    const loaded = await loadModel(json, { weightFiles: { 'group1-shard1of1.bin': shard } });
    const x = tensor([[0.3, -1.2, 2.5], [1, 0.5, -0.25]]);
    expect(Array.from((loaded.predict(x) as Tensor).data)).toEqual(Array.from((model.predict(x) as Tensor).data));
    const topology = (JSON.parse(new TextDecoder().decode(json)) as { modelTopology: Record<string, unknown> }).modelTopology;
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs: manifest, weightData: shard.buffer }), { strict: true });
    const values = (theirs.predict(tf.tensor(Array.from(x.data), [2, 3])) as tf.Tensor).dataSync();
    (model.predict(x) as Tensor).data.forEach((v, k) => expect(Math.abs(values[k] - v)).toBeLessThan(2e-6 + 2e-6 * Math.abs(v)));
  });
});

describe('ConvLSTM2D weights under the names other readers look for', () => {
  it("TF.js: 'conv_lstm2d/kernel' as tfjs-layers names them, so loadLayersModel (strict) predicts the same; .keras: under the layer's cell, as Keras 3's saving library walks it", async () => {
    const model = new Sequential([Input({ shape: [3, 5, 5, 1] }), new ConvLSTM2D(2, 3, { seed: 1, name: 'conv_lstm2d' }), new Flatten(), new Dense(1, { seed: 2, name: 'dense' })]);
    randomizeWeights(model, 41);
    const x = tensor(Float32Array.from({ length: 75 }, (_, i) => Math.sin(i)), [1, 3, 5, 5, 1]);
    const ours = (model.predict(x) as Tensor).data;
    const files = saveModelFiles(model, { format: 'tfjs' });
    const json = JSON.parse(new TextDecoder().decode(files['model.json'])) as { modelTopology: Record<string, unknown>; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
    const [group] = json.weightsManifest;
    expect(group.weights.map((w) => w.name)).toEqual(['conv_lstm2d/kernel', 'conv_lstm2d/recurrent_kernel', 'conv_lstm2d/bias', 'dense/kernel', 'dense/bias']);
    const shard = files[group.paths[0]];
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: group.weights, weightData: shard.slice().buffer }), { strict: true });
    expect(Math.abs((theirs.predict(tf.tensor(Array.from(x.data), [1, 3, 5, 5, 1])) as tf.Tensor).dataSync()[0] - ours[0])).toBeLessThan(1e-5);
    // The .keras archive keeps them at layers/conv_lstm2d/cell/vars; a file with them under the
    // layer's own vars (how this package wrote them before) still loads.
    const keras = saveModelFiles(model, { format: 'keras' });
    const archive = unzipSync(keras['model.keras']);
    if (h5pyMissing === null) {
      const dump = h5pyDump(archive['model.weights.h5']);
      expect(['0', '1', '2'].map((i) => dump[`layers/conv_lstm2d/cell/vars/${i}`]?.shape)).toEqual([[3, 3, 1, 8], [3, 3, 2, 8], [8]]);
      expect(dump['layers/conv_lstm2d/vars']?.members ?? []).toEqual([]);
    }
    const reloaded = await loadModel(keras['model.keras']);
    expect(Array.from((reloaded.predict(x) as Tensor).data)).toEqual(Array.from(ours));
  });
});
