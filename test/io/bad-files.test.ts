// Damaged, foreign and mismatched files: every case ends in ModelFileError
// (the package's own error, a WasmRnnError), never a TypeError, RangeError,
// crash or hang. Bit flips in weight data may load with other numbers; those
// models must still predict or fail with the package's error.
import { zipSync, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ModelFileError, WasmRnnError, loadModel, ready, tensor, type Model, type Sequential } from '../../dist/io/keras.js';
import { datasetDims, writeU64 } from './hdf5-bytes.js';
import { loadExpected, modelBytes, patchBytes, seededRandom, type Expected, withKerasConfig } from './helpers.js';

const all = loadExpected();
const CASE_TIMEOUT = 10_000;
const FLIPS_PER_FILE = 30;

beforeAll(async () => {
  await ready();
});

/** Loads and expects a ModelFileError; returns it for further checks. */
async function expectModelFileError(source: Parameters<typeof loadModel>[0], options?: Parameters<typeof loadModel>[1]): Promise<ModelFileError> {
  let caught: unknown;
  try {
    await loadModel(source, options);
  } catch (error) {
    caught = error;
  }
  expect(caught, 'loadModel should have thrown').toBeDefined();
  if (!(caught instanceof ModelFileError)) {
    throw new Error(`expected a ModelFileError, received ${(caught as Error)?.constructor?.name}: ${(caught as Error)?.message ?? String(caught)}`);
  }
  expect(caught).toBeInstanceOf(WasmRnnError);
  return caught;
}

function predictInputs(expected: Expected) {
  return expected.inputs.map((input) => tensor(Float32Array.from(input.data), input.shape));
}

/** Positions weighted toward the file's structure: its start, its end (zip directory, heaps), then anywhere. */
function flipPosition(random: () => number, length: number): number {
  const region = random();
  const span = Math.min(4096, length);
  if (region < 0.4) return Math.floor(random() * span);
  if (region < 0.6) return length - 1 - Math.floor(random() * span);
  return Math.floor(random() * length);
}

describe('truncated and bit-flipped copies of the real files', () => {
  for (const expected of all) {
    describe(`${expected.folder}/${expected.file}`, () => {
      const bytes = modelBytes(expected);
      const lengths = [0, 1, 4, 8, 64, 512, 4096, Math.floor(bytes.length / 4), Math.floor(bytes.length / 2), Math.floor((bytes.length * 3) / 4), bytes.length - 100, bytes.length - 1];

      for (const length of lengths) {
        it(`truncated to ${length} bytes`, async () => {
          const error = await expectModelFileError(bytes.slice(0, length));
          expect(error.message).toMatch(/truncated|corrupted|not a Keras model file|not an HDF5|zip/i);
        }, CASE_TIMEOUT);
      }

      it(`${FLIPS_PER_FILE} single-bit flips either load (and predict) or throw ModelFileError`, async () => {
        let loaded = 0;
        for (let seed = 1; seed <= FLIPS_PER_FILE; seed++) {
          const random = seededRandom(seed * 7919 + expected.file.length);
          const copy = bytes.slice();
          const at = flipPosition(random, copy.length);
          copy[at] ^= 1 << Math.floor(random() * 8);
          let model: Sequential | Model | undefined;
          try {
            model = await loadModel(copy);
          } catch (error) {
            if (!(error instanceof ModelFileError)) throw new Error(`flip at byte ${at} (seed ${seed}): ${(error as Error)?.constructor?.name}: ${String((error as Error)?.message ?? error)}`);
          }
          if (model) {
            loaded++;
            const inputs = predictInputs(expected);
            try {
              model.predictAll(inputs.length === 1 ? inputs[0] : inputs);
            } catch (error) {
              // A flip in the config may change shapes: the package's own error is fine.
              if (!(error instanceof WasmRnnError)) throw error;
            }
          }
        }
        expect(loaded).toBeLessThanOrEqual(FLIPS_PER_FILE);
      }, 60_000);
    });
  }
});

describe('files that are not Keras models', () => {
  const random = seededRandom(42);
  const noise = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
  const text = (s: string) => new TextEncoder().encode(s);
  const cases: [string, Uint8Array][] = [
    ['an empty file', new Uint8Array(0)],
    ['random bytes', noise(5000)],
    ['a PNG header', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...noise(200)])],
    ['an HDF5 signature followed by noise', Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, ...noise(4000)])],
    ['JSON that is not a model', text('{"hello": "world", "layers": [1, 2]}')],
    ['a JSON array', text('[1, 2, 3]')],
    ['broken JSON', text('{"class_name": "Sequential", "config": ')],
    ['a single layer config', text('{"class_name": "LSTM", "config": {"units": 4}}')],
    ['a TF.js graph model', text('{"format": "graph-model", "modelTopology": {"node": []}, "weightsManifest": []}')],
    ['plain text', text('hello world')],
    ['a zip of unrelated files', zipSync({ 'readme.txt': text('hello'), 'data.bin': noise(100) })],
    ['an empty zip', zipSync({})],
  ];
  for (const [name, bytes] of cases) {
    it(name, async () => {
      await expectModelFileError(bytes);
    }, CASE_TIMEOUT);
  }

  it('a path that does not exist', async () => {
    const error = await expectModelFileError('/nonexistent/dir/model.h5');
    expect(error.file).toBe('model.h5');
  }, CASE_TIMEOUT);

  it('invalid options are a ConfigError, before anything is read', async () => {
    await expect(loadModel(new Uint8Array(0), { kerasVersion: 4 as never })).rejects.toBeInstanceOf(ConfigError);
    await expect(loadModel(new Uint8Array(0), null as never)).rejects.toBeInstanceOf(ConfigError);
  }, CASE_TIMEOUT);

  it('a Keras config without weights', async () => {
    const error = await expectModelFileError('{"class_name": "Sequential", "config": {"layers": []}}');
    expect(error.message).toMatch(/options\.weights/);
  }, CASE_TIMEOUT);
});

describe('archives and HDF5 files missing their parts', () => {
  const keras = all.find((e) => e.file === 'gru_model.keras') as Expected;
  const h5 = all.find((e) => e.file === 'simple_rnn_model.h5') as Expected;

  it('a .keras zip without config.json', async () => {
    const { 'config.json': _config, ...rest } = unzipSync(modelBytes(keras));
    const error = await expectModelFileError(zipSync(rest));
    expect(error.part).toBe('config.json');
  }, CASE_TIMEOUT);

  it('a .keras zip without model.weights.h5', async () => {
    const { 'model.weights.h5': _weights, ...rest } = unzipSync(modelBytes(keras));
    const error = await expectModelFileError(zipSync(rest));
    expect(error.part).toBe('model.weights.h5');
  }, CASE_TIMEOUT);

  it('a .keras zip whose weights file is not HDF5', async () => {
    const members = unzipSync(modelBytes(keras));
    const error = await expectModelFileError(zipSync({ ...members, 'model.weights.h5': new TextEncoder().encode('not hdf5') }));
    expect(error.part).toBe('model.weights.h5');
  }, CASE_TIMEOUT);

  it('a .keras zip whose config.json is not JSON', async () => {
    const members = unzipSync(modelBytes(keras));
    const error = await expectModelFileError(zipSync({ ...members, 'config.json': new TextEncoder().encode('{"class_name": ') }));
    expect(error.part).toBe('config.json');
  }, CASE_TIMEOUT);

  it('an .h5 without model_config (the attribute renamed)', async () => {
    const error = await expectModelFileError(patchBytes(modelBytes(h5), 'model_config', 'model_confiX'));
    expect(error.part).toBe('model_config');
  }, CASE_TIMEOUT);

  it('an .h5 without the model_weights group (renamed)', async () => {
    const error = await expectModelFileError(patchBytes(modelBytes(h5), 'model_weights', 'model_weightX'));
    expect(error.part).toBe('model_weights');
  }, CASE_TIMEOUT);
});

describe('configs the package cannot build or weights that do not fit', () => {
  const keras = all.find((e) => e.file === 'gru_model.keras') as Expected;
  const h5 = all.find((e) => e.file === 'simple_rnn_model.h5') as Expected;
  const lstm = all.find((e) => e.file === 'lstm_model.h5') as Expected;

  const withConfig = (edit: (config: string) => string) => withKerasConfig(keras, edit);

  it('a .keras config with an unsupported layer class', async () => {
    const error = await expectModelFileError(withConfig((c) => c.replace('"class_name": "GRU"', '"class_name": "Conv1DTranspose"')));
    expect(error.layer).toBe('gru_1');
    expect(error.part).toBe('config.json');
    expect(error.message).toContain('Conv1DTranspose');
  }, CASE_TIMEOUT);

  it('a config with several unsupported classes names every one, with the layers that use it', async () => {
    const error = await expectModelFileError(withConfig((c) => c.replace('"class_name": "GRU"', '"class_name": "QRU"').replace('"class_name": "Dense"', '"class_name": "Dunse"')));
    expect(error.layer).toBe('gru_1');
    expect(error.message).toContain('has 2 layer classes wasm-rnn does not support: "QRU" (gru_1), "Dunse" (dense_1); supported layers: ');
  }, CASE_TIMEOUT);

  it('an .h5 config with an unsupported layer class', async () => {
    const error = await expectModelFileError(patchBytes(modelBytes(h5), '"class_name": "GRU"', '"class_name": "QRU"'));
    expect(error.layer).toBe('gru_2');
    expect(error.part).toBe('model_config');
    expect(error.message).toContain('QRU');
  }, CASE_TIMEOUT);

  it('a .keras config whose GRU is narrower than its stored weights', async () => {
    const error = await expectModelFileError(withConfig((c) => c.replace('"units": 50', '"units": 40')));
    expect(error.layer).toBe('gru_1');
    expect(error.part).toBe('model.weights.h5: layers/gru/cell/vars/0');
    expect(error.message).toContain('model.weights.h5: layers/gru/cell/vars/0 (layer gru_1)');
    expect(error.message).toMatch(/\[1, 150\].*\[1, 120\]/);
  }, CASE_TIMEOUT);

  it('an .h5 config whose Embedding is narrower than its stored table', async () => {
    const error = await expectModelFileError(patchBytes(modelBytes(lstm), '"output_dim": 32', '"output_dim": 16'));
    expect(error.layer).toBe('embedding_1');
    expect(error.part).toBe('model_weights/embedding_1/sequential_1/embedding_1/embeddings');
  }, CASE_TIMEOUT);

  it('an .h5 config asking for a table larger than the whole file', async () => {
    const error = await expectModelFileError(patchBytes(modelBytes(lstm), '"input_dim": 10000', '"input_dim": 99999'));
    expect(error.layer).toBe('embedding_1');
  }, CASE_TIMEOUT);

  it('an .h5 config with a layer the file has no weights for (renamed)', async () => {
    const error = await expectModelFileError(patchBytes(modelBytes(lstm), '"name": "lstm"', '"name": "lstx"'));
    expect(error.layer).toBe('lstx');
    expect(error.part).toBe('model_weights/lstx');
  }, CASE_TIMEOUT);

  it("a dataset declaring a dimension of 2^32 or more (which a 32-bit read would take as its remainder) is refused, not read as the smaller shape", async () => {
    const bytes = modelBytes(h5).slice();
    const path = 'model_weights/gru_2/gru_2/bias:0';
    const { dims, offsets } = datasetDims(bytes, path);
    writeU64(bytes, offsets[0], 2 ** 32 + dims[0]);
    const error = await expectModelFileError(bytes);
    expect(error.message).toMatch(/declares dimension 0 as 4294967\d+, past the 2\^32 - 1/);
    expect((await loadModel(modelBytes(h5))).countParams()).toBeGreaterThan(0);
  }, CASE_TIMEOUT);

  it('a Keras 2 GRU read as Keras 3 (reset_after default) does not fit its bias', async () => {
    const error = await expectModelFileError(modelBytes(h5), { kerasVersion: 3 });
    expect(error.layer).toBe('gru_2');
    expect(error.part).toBe('model_weights/gru_2/gru_2/bias:0');
  }, CASE_TIMEOUT);
});

describe('ModelFileError itself', () => {
  it("is named 'ModelFileError' (it printed as WasmRnnError)", async () => {
    const error = await expectModelFileError(new Uint8Array(3));
    expect(error.name).toBe('ModelFileError');
    expect(String(error)).toMatch(/^ModelFileError: /);
    expect(new ModelFileError('x').name).toBe('ModelFileError');
  });
});

describe('model JSON nested beyond any Keras config', () => {
  const deepLayer = (depth: number): string => {
    let layer = '{"class_name": "LSTM", "config": {"name": "l", "units": 2}}';
    for (let i = 0; i < depth; i++) layer = `{"class_name": "Bidirectional", "config": {"name": "b${i}", "layer": ${layer}}}`;
    return `{"class_name": "Sequential", "config": {"layers": [${layer}]}}`;
  };

  it('deep nesting in JSON text, bytes or an object is a ModelFileError at once', async () => {
    const text = deepLayer(20_000);
    for (const source of [text, new TextEncoder().encode(text)]) {
      const error = await expectModelFileError(source, { weights: [] });
      expect(error.message).toMatch(/nests deeper than/);
    }
    const nested: Record<string, unknown> = { class_name: 'Sequential' };
    let cursor = nested;
    for (let i = 0; i < 100_000; i++) cursor = (cursor.config = {}) as Record<string, unknown>;
    await expectModelFileError(nested, { weights: [] });
  }, CASE_TIMEOUT);

  it('a cyclic JSON object is a ModelFileError', async () => {
    const cyclic: Record<string, unknown> = { class_name: 'Sequential', config: { layers: [] } };
    (cyclic.config as Record<string, unknown>).self = cyclic;
    await expectModelFileError(cyclic, { weights: [] });
  }, CASE_TIMEOUT);
});
