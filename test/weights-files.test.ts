// Weights-only files (model.save_weights: tf.keras 2's legacy HDF5, Keras 3's .weights.h5) into a
// model built in code with model.loadWeights / loadWeights, matched by order as Keras does; the
// errors a file that does not fit gives; loadModel on a weights-only file and on a model saved
// unbuilt. Files from test/data/weights/make_weights.py (h5py), with their values in JSON.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dense, Dropout, LSTM, Sequential, ready } from '../dist/index.js';
import { ModelFileError, loadModel, loadWeights } from '../dist/io/keras.js';

const DATA = new URL('./data/weights/', import.meta.url);
const path = (name: string) => fileURLToPath(new URL(name, DATA));
const stored = JSON.parse(readFileSync(new URL('lstm_dense.json', DATA), 'utf8')) as Record<string, { shape: number[]; data: number[] }[]>;

beforeAll(async () => {
  await ready();
});

/** What the files were saved from: LSTM(3) on (None, 5, 2), Dropout, Dense(1); the layer names differ from the file's. */
function model(): Sequential {
  return new Sequential({ layers: [new LSTM({ units: 3, inputShape: [5, 2] }), new Dropout({ rate: 0.2 }), new Dense({ units: 1 })] });
}

async function rejection(promise: Promise<unknown>): Promise<ModelFileError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ModelFileError);
  return error as ModelFileError;
}

describe('model.loadWeights', () => {
  for (const file of ['legacy_weights.h5', 'keras3.weights.h5']) {
    it(`${file}: every weight, exactly, in Keras order`, async () => {
      const m = model();
      await m.loadWeights(path(file));
      const expected = [...stored.lstm, ...stored.dense];
      expect(m.getWeights().map((w) => [...w.shape])).toEqual(expected.map((w) => w.shape));
      m.getWeights().forEach((w, i) => expect(Array.from(w.data)).toEqual(expected[i].data.map(Math.fround)));
    });
  }

  it('loadWeights(model, bytes) from wasm-rnn/keras does the same from the bytes', async () => {
    const a = model();
    const b = model();
    await a.loadWeights(path('keras3.weights.h5'));
    await loadWeights(b, new Uint8Array(readFileSync(path('legacy_weights.h5'))));
    expect(b.getWeights().map((w) => Array.from(w.data))).toEqual(a.getWeights().map((w) => Array.from(w.data)));
  });

  it('a file with more weighted layers than the model: ModelFileError naming both lists, weights unchanged', async () => {
    const m = model();
    const before = m.getWeights().map((w) => Array.from(w.data));
    const error = await rejection(m.loadWeights(path('legacy_three_layers.h5')));
    expect(error.message).toContain('holds weights for 3 layers (lstm_7, dense_7, dense_8)');
    expect(error.message).toContain('2 layers with weights');
    expect(error.message).toContain('the first without a partner is dense_8');
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(before);
  });

  it('a tensor of the wrong shape: ModelFileError naming the tensor, the layer and both shapes; weights unchanged', async () => {
    const m = model();
    const before = m.getWeights().map((w) => Array.from(w.data));
    const error = await rejection(m.loadWeights(path('legacy_wide_lstm.h5')));
    expect(error.layer).toBe(m.layers[0].name);
    expect(error.part).toBe('lstm_7/lstm_7/kernel:0');
    expect(error.message).toMatch(/\[2, 16\].*\[2, 12\]/);
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(before);
  });

  it('a model with another layer count in a Keras 3 file: the layer whose weights are missing', async () => {
    const m = new Sequential({ layers: [new LSTM({ units: 3, inputShape: [5, 2] }), new Dense({ units: 1 }), new Dense({ units: 1, name: 'extra_head' })] });
    const error = await rejection(m.loadWeights(path('keras3.weights.h5')));
    expect(error.layer).toBe('extra_head');
  });
});

describe('loadModel on files that are not whole models', () => {
  for (const file of ['legacy_weights.h5', 'keras3.weights.h5']) {
    it(`${file}: says it holds only weights, and to build the model and call loadWeights`, async () => {
      const error = await rejection(loadModel(path(file)));
      expect(error.message).toContain('holds only weights (model.save_weights)');
      expect(error.message).toContain('call model.loadWeights(file)');
    });
  }

  it('a model saved before it was built: says exactly that, not that a size exceeds the file', async () => {
    const error = await rejection(loadModel(path('unbuilt.keras')));
    expect(error.message).toContain('holds a model saved before it was built');
    expect(error.message).toContain('the file has no weights');
    expect(error.message).not.toContain('more than the file');
    expect(error.part).toBe('config.json');
  });

  it('with only the core entry imported, model.loadWeights loads the HDF5 reader on its first call', () => {
    // A fresh process that imports only the core entry: the reader is there, and a missing file is named.
    const script = `const m = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
      await m.ready();
      const model = new m.Sequential({ layers: [new m.Dense({ units: 1, inputShape: [2] })] });
      await model.loadWeights('no-such-weights.h5').catch((e) => console.log(e.name + ' ' + (e instanceof m.ModelFileError) + ': ' + e.message));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(out).toContain('ModelFileError true: ');
    expect(out).toContain('no-such-weights.h5');
  });
});
