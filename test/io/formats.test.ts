// The two JSON routes: a Keras model.to_json() string with the weights given
// as a list, and a TensorFlow.js layers model.json with weight shards, both
// generated here from the real files' configs and weights.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { File as Hdf5File } from 'jsfive';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError, loadModel, ready, tensor, type Model, type Sequential, type Tensor } from '../../dist/io/keras.js';
import { checkOutputs, loadExpected, modelBytes, modelPath, type Expected } from './helpers.js';

const all = loadExpected();
const tempDir = mkdtempSync(join(tmpdir(), 'wasm-rnn-io-'));

beforeAll(async () => {
  await ready();
});

afterAll(() => {
  rmSync(tempDir, { recursive: true, force: true });
});

/** The model config and Keras version as the file stores them. */
function fileConfig(expected: Expected): { config: Record<string, unknown>; kerasVersion: string } {
  const bytes = modelBytes(expected);
  if (expected.format === 'keras-zip') {
    const members = unzipSync(bytes);
    const text = (name: string) => new TextDecoder().decode(members[name]);
    return { config: JSON.parse(text('config.json')), kerasVersion: JSON.parse(text('metadata.json')).keras_version };
  }
  const file = new Hdf5File(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return { config: JSON.parse(String(file.attrs.model_config)), kerasVersion: String(file.attrs.keras_version) };
}

function inputsOf(expected: Expected): Tensor | Tensor[] {
  const inputs = expected.inputs.map((input) => tensor(Float32Array.from(input.data), input.shape));
  return inputs.length === 1 ? inputs[0] : inputs;
}

function expectOutputs(model: Sequential | Model, expected: Expected): void {
  const { shapes, worst } = checkOutputs(model.predictAll(inputsOf(expected)), expected);
  expect(shapes).toEqual(expected.outputs.map((o) => o.shape));
  worst.forEach((w) => expect(w).toBeLessThanOrEqual(1));
}

/** Each layer's weights with names the way tfjs writes them: '<layer name>/...'. */
function namedWeights(model: Sequential | Model): { name: string; tensor: Tensor }[] {
  return model.layers.flatMap((layer) => layer.getWeights().map((t, i) => ({ name: `${layer.name}/weight_${i}`, tensor: t })));
}

function float32Bytes(tensors: readonly Tensor[]): Uint8Array {
  const total = tensors.reduce((sum, t) => sum + t.size, 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const t of tensors) {
    out.set(t.data, offset);
    offset += t.size;
  }
  return new Uint8Array(out.buffer);
}

/** Splits bytes into shards of at most `size` bytes, named as tfjs names them. */
function shards(bytes: Uint8Array, size: number, group = 1): Record<string, Uint8Array> {
  const count = Math.max(1, Math.ceil(bytes.length / size));
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < count; i++) files[`group${group}-shard${i + 1}of${count}.bin`] = bytes.slice(i * size, (i + 1) * size);
  return files;
}

describe('Keras model.to_json() with weights given separately', () => {
  for (const expected of all) {
    it(`${expected.folder}/${expected.file}`, async () => {
      const reference = await loadModel(modelPath(expected));
      const { config, kerasVersion } = fileConfig(expected);
      // model.to_json() writes keras_version and backend beside class_name and config.
      const json = JSON.stringify({ ...config, keras_version: kerasVersion, backend: 'tensorflow' });
      const model = await loadModel(json, { weights: reference.getWeights() });
      expect(model.layers.map((l) => l.name)).toEqual(reference.layers.map((l) => l.name));
      expectOutputs(model, expected);
      // The same JSON already parsed, and as bytes.
      expectOutputs(await loadModel(JSON.parse(json) as Record<string, unknown>, { weights: reference.getWeights() }), expected);
      expectOutputs(await loadModel(new TextEncoder().encode(json), { weights: reference.getWeights().map((w) => w.data) .map((d, i) => tensor(d, reference.getWeights()[i].shape)) }), expected);
    }, 30_000);
  }

  const keras2 = all.find((e) => e.file === 'simple_rnn_model.h5') as Expected;

  it('kerasVersion decides hard_sigmoid and the GRU default when the JSON does not say', async () => {
    const reference = await loadModel(modelPath(keras2));
    const { config } = fileConfig(keras2);
    const json = JSON.stringify(config);
    // Without keras_version the config reads as Keras 3, whose GRU defaults to reset_after=True.
    const error = await loadModel(json, { weights: reference.getWeights() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as ModelFileError).layer).toBe('gru_2');
    expectOutputs(await loadModel(json, { weights: reference.getWeights(), kerasVersion: 2 }), keras2);
  }, 30_000);

  it('a stateful layer loads with a fresh state, carries it across predict calls, and resets', async () => {
    const gru = all.find((e) => e.file === 'gru_model.keras') as Expected;
    const reference = await loadModel(modelPath(gru));
    const { config, kerasVersion } = fileConfig(gru);
    const json = JSON.stringify({ ...config, keras_version: kerasVersion }).replace('"stateful":false', '"stateful":true');
    expect(json).toContain('"stateful":true');
    const model = await loadModel(json, { weights: reference.getWeights() });
    expectOutputs(model, gru);
    const x = tensor(gru.inputs[0].data, gru.inputs[0].shape);
    model.resetStates();
    const first = model.predict(x) as Tensor;
    // Keras: the next predict starts from this one's final state, so it differs; after a reset it does not.
    expect((model.predict(x) as Tensor).data).not.toEqual(first.data);
    model.resetStates();
    expect((model.predict(x) as Tensor).data).toEqual(first.data);
  }, 30_000);

  it('weights of the wrong count or shape give ModelFileError naming the layer', async () => {
    const reference = await loadModel(modelPath(keras2));
    const json = JSON.stringify({ ...fileConfig(keras2).config, keras_version: '2.0.4' });
    const weights = reference.getWeights();
    const tooFew = await loadModel(json, { weights: weights.slice(0, 2) }).catch((e: unknown) => e);
    expect(tooFew).toBeInstanceOf(ModelFileError);
    expect((tooFew as ModelFileError).layer).toBe('gru_2');
    const tooMany = await loadModel(json, { weights: [...weights, weights[0]] }).catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(ModelFileError);
    expect((tooMany as ModelFileError).message).toContain('options.weights[5]');
    const wrongShape = await loadModel(json, { weights: [tensor(weights[0].data, [weights[0].size]), ...weights.slice(1)] }).catch((e: unknown) => e);
    expect(wrongShape).toBeInstanceOf(ModelFileError);
    expect((wrongShape as ModelFileError).part).toBe('options.weights[0]');
    expect((wrongShape as ModelFileError).layer).toBe('gru_2');
  }, 30_000);
});

describe('TensorFlow.js layers model.json with weight shards', () => {
  for (const [index, expected] of all.entries()) {
    it(`${expected.folder}/${expected.file}`, async () => {
      const reference = await loadModel(modelPath(expected));
      const { config, kerasVersion } = fileConfig(expected);
      const weights = namedWeights(reference);
      // Two manifest groups (the first layer's weights, then the rest), each split into shards.
      const first = weights.filter((w) => w.name.startsWith(`${weights[0].name.split('/')[0]}/`));
      const rest = weights.slice(first.length);
      const files = { ...shards(float32Bytes(first.map((w) => w.tensor)), 65_536, 1), ...shards(float32Bytes(rest.map((w) => w.tensor)), 100_000, 2) };
      const manifest = [first, rest].map((group, g) => ({
        paths: Object.keys(files).filter((name) => name.startsWith(`group${g + 1}-`)),
        weights: group.map((w) => ({ name: w.name, shape: [...w.tensor.shape], dtype: 'float32' })),
      }));
      // tfjs model.save() puts the config itself in modelTopology; the converter wraps it in model_config.
      const modelTopology = index % 2 === 0
        ? { ...config, keras_version: kerasVersion, backend: 'tensorflow' }
        : { keras_version: kerasVersion, backend: 'tensorflow', model_config: config };
      const modelJson = JSON.stringify({ format: 'layers-model', generatedBy: 'wasm-rnn test', convertedBy: null, modelTopology, weightsManifest: manifest });

      // From a path: the shards are read beside model.json.
      const dir = mkdtempSync(join(tempDir, 'model-'));
      writeFileSync(join(dir, 'model.json'), modelJson);
      for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
      const fromPath = await loadModel(join(dir, 'model.json'));
      expect(fromPath.layers.map((l) => l.name)).toEqual(reference.layers.map((l) => l.name));
      expect(fromPath.countParams()).toBe(expected.summary.total_params);
      expectOutputs(fromPath, expected);

      // From bytes, a Response and parsed JSON, with the shards given in options.weightFiles.
      const jsonBytes = new TextEncoder().encode(modelJson);
      expectOutputs(await loadModel(jsonBytes, { weightFiles: files }), expected);
      expectOutputs(await loadModel(new Response(jsonBytes), { weightFiles: files }), expected);
      expectOutputs(await loadModel(JSON.parse(modelJson) as Record<string, unknown>, { weightFiles: files }), expected);
    }, 30_000);
  }

  const gru = all.find((e) => e.file === 'gru_model.h5') as Expected;

  async function gruArtifacts(nameOf: (name: string, i: number) => string) {
    const reference = await loadModel(modelPath(gru));
    const { config, kerasVersion } = fileConfig(gru);
    const weights = namedWeights(reference);
    const bytes = float32Bytes(weights.map((w) => w.tensor));
    const modelJson = {
      format: 'layers-model',
      modelTopology: { keras_version: kerasVersion, model_config: config },
      weightsManifest: [{ paths: ['weights.bin'], weights: weights.map((w, i) => ({ name: nameOf(w.name, i), shape: [...w.tensor.shape], dtype: 'float32' })) }],
    };
    return { modelJson, bytes, weights };
  }

  it('weights whose names match no layer are taken in model order', async () => {
    const { modelJson, bytes } = await gruArtifacts((_, i) => `var_${i}`);
    expectOutputs(await loadModel(modelJson, { weightFiles: { 'weights.bin': bytes } }), gru);
  });

  it('uint16-quantized weights are dequantized', async () => {
    const { modelJson, weights } = await gruArtifacts((name) => name);
    const parts: Uint8Array[] = [];
    modelJson.weightsManifest[0].weights = weights.map((w) => {
      const data = w.tensor.data;
      const min = Math.min(...data);
      const scale = (Math.max(...data) - min) / 65535 || 1;
      const q = Uint16Array.from(data, (v) => Math.round((v - min) / scale));
      parts.push(new Uint8Array(q.buffer));
      return { name: w.name, shape: [...w.tensor.shape], dtype: 'float32', quantization: { dtype: 'uint16', scale, min } } as never;
    });
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((offset, p) => (bytes.set(p, offset), offset + p.length), 0);
    const model = await loadModel(modelJson, { weightFiles: { 'weights.bin': bytes } });
    const { worst } = checkOutputs(model.predictAll(inputsOf(gru)), { ...gru, tolerance: { abs: 1e-3, rel: 0 } });
    worst.forEach((w) => expect(w).toBeLessThanOrEqual(1));
  });

  it('a missing or short shard gives ModelFileError', async () => {
    const { modelJson, bytes } = await gruArtifacts((name) => name);
    const missing = await loadModel(modelJson).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ModelFileError);
    expect((missing as ModelFileError).message).toContain('weights.bin');
    const short = await loadModel(modelJson, { weightFiles: { 'weights.bin': bytes.slice(0, bytes.length - 4) } }).catch((e: unknown) => e);
    expect(short).toBeInstanceOf(ModelFileError);
    expect((short as ModelFileError).part).toBe('weightsManifest[0]');
    const dir = mkdtempSync(join(tempDir, 'missing-'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
    const notOnDisk = await loadModel(join(dir, 'model.json')).catch((e: unknown) => e);
    expect(notOnDisk).toBeInstanceOf(ModelFileError);
    expect((notOnDisk as ModelFileError).file).toBe('weights.bin');
  });

  it('a shard path climbing out of the model folder is refused', async () => {
    const { modelJson, bytes } = await gruArtifacts((name) => name);
    modelJson.weightsManifest[0].paths = ['../weights.bin'];
    writeFileSync(join(tempDir, 'weights.bin'), bytes);
    const dir = mkdtempSync(join(tempDir, 'climb-'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
    const error = await loadModel(join(dir, 'model.json')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
  });

  it('a weight of the wrong shape names the manifest entry and the layer', async () => {
    const { modelJson, bytes } = await gruArtifacts((name) => name);
    const spec = modelJson.weightsManifest[0].weights[1];
    spec.shape = [spec.shape[1], spec.shape[0]];
    const error = await loadModel(modelJson, { weightFiles: { 'weights.bin': bytes } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as ModelFileError).layer).toBe('gru');
    expect((error as ModelFileError).part).toBe('weightsManifest: gru/weight_1');
  });
});

describe('weights follow the config order of a functional model', () => {
  // Keras lists layers (and get_weights) in the config's order: here lb before la, although
  // the concatenation reads la first.
  const config = {
    class_name: 'Functional',
    keras_version: '2.10.0',
    config: {
      name: 'branches',
      layers: [
        { class_name: 'InputLayer', name: 'in_a', config: { batch_input_shape: [null, 4, 3], name: 'in_a' }, inbound_nodes: [] },
        { class_name: 'InputLayer', name: 'in_b', config: { batch_input_shape: [null, 4, 5], name: 'in_b' }, inbound_nodes: [] },
        { class_name: 'LSTM', name: 'lb', config: { name: 'lb', units: 2 }, inbound_nodes: [[['in_b', 0, 0, {}]]] },
        { class_name: 'LSTM', name: 'la', config: { name: 'la', units: 2 }, inbound_nodes: [[['in_a', 0, 0, {}]]] },
        { class_name: 'Concatenate', name: 'cat', config: { name: 'cat', axis: -1 }, inbound_nodes: [[['la', 0, 0, {}], ['lb', 0, 0, {}]]] },
      ],
      input_layers: [['in_a', 0, 0], ['in_b', 0, 0]],
      output_layers: [['cat', 0, 0]],
    },
  };
  const random = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 100 + i) * 0.5);
  const weights = [
    tensor(random(40, 1), [5, 8]), tensor(random(16, 2), [2, 8]), tensor(random(8, 3), [8]),
    tensor(random(24, 4), [3, 8]), tensor(random(16, 5), [2, 8]), tensor(random(8, 6), [8]),
  ];

  it('assigns get_weights() order by the config, not by graph traversal', async () => {
    const model = await loadModel(config, { weights });
    const byName = new Map(model.layers.map((layer) => [layer.name, layer]));
    expect(Array.from(byName.get('lb')?.getWeights()[0].data ?? [])).toEqual(Array.from(weights[0].data));
    expect(Array.from(byName.get('la')?.getWeights()[0].data ?? [])).toEqual(Array.from(weights[3].data));
  });
});
