// Every real Keras file in ../shared/models loads in Node from its path (and
// from its bytes and a file: URL), predicts Keras' outputs within tolerance,
// and summarises with the file's layer names and Keras' parameter counts.
import { beforeAll, describe, expect, it } from 'vitest';
import { Model, Sequential, loadModel, ready, tensor, type Tensor } from '../../dist/io/keras.js';
import { checkOutputs, loadExpected, modelBytes, modelPath, modelUrl, type Expected } from './helpers.js';

const all = loadExpected();
/** The files whose config is a functional model (class Model or Functional); the others are Sequential. */
const FUNCTIONAL = ['simple_rnn_model.h5', 'bilstm_model_64.h5'];

beforeAll(async () => {
  await ready();
});

function inputsOf(expected: Expected, idsAs: 'int32' | 'float32' = 'int32'): Tensor[] {
  return expected.inputs.map((input) => {
    const data = input.dtype === 'int32' && idsAs === 'int32' ? Int32Array.from(input.data) : Float32Array.from(input.data);
    return tensor(data, input.shape);
  });
}

function run(model: Sequential | Model, inputs: Tensor[]): Tensor[] {
  return model.predictAll(inputs.length === 1 ? inputs[0] : inputs);
}

describe('real Keras files', () => {
  it('finds the six model files and their expected outputs', () => {
    expect(all.map((e) => `${e.folder}/${e.file}`)).toEqual([
      'Arafat-Hossain-Anik--emoji-prediction-using-bilstm/bilstm_model.h5',
      'Khushibung05--RNN_LSTM_GRU/lstm_model.h5',
      'TeKuV--cc_rnn/gru_model.h5',
      'TeKuV--cc_rnn/gru_model.keras',
      'moskalyk--aind2-nlp-capstone/simple_rnn_model.h5',
      'ril-lexknowrep--character_language_models/bilstm_model_64.h5',
    ]);
  });

  it("the summaries' totals are the README's", () => {
    expect([...new Set(all.map((e) => e.summary.total_params))].sort((a, b) => a - b)).toEqual([8001, 35032, 89841, 287041, 328865]);
  });

  for (const expected of all) {
    describe(`${expected.folder}/${expected.file} (Keras ${expected.keras_version})`, () => {
      let model: Sequential | Model;

      beforeAll(async () => {
        model = await loadModel(modelPath(expected));
      }, 30_000);

      it('predicts the expected outputs', () => {
        const outputs = run(model, inputsOf(expected));
        const { shapes, worst } = checkOutputs(outputs, expected);
        expect(shapes).toEqual(expected.outputs.map((o) => o.shape));
        worst.forEach((w, i) => expect(w, `output ${expected.outputs[i].name}`).toBeLessThanOrEqual(1));
      });

      it('has the file\'s layer names and Keras\' parameter counts', () => {
        // Keras' summary lists InputLayer rows only for functional models; Sequential.layers omits them too.
        const rows = expected.summary.layers.filter((row) => model instanceof Model || row.class_name !== 'InputLayer');
        expect(model.layers.map((layer) => layer.name)).toEqual(rows.map((row) => row.name));
        expect(model.layers.map((layer) => layer.countParams())).toEqual(rows.map((row) => row.params));
        expect(model.countParams()).toBe(expected.summary.total_params);
        const text = model.summary({ print: false, layout: 'tf.keras' });
        expect(text).toContain(`Total params: ${expected.summary.total_params.toLocaleString('en-US')}`);
        for (const row of rows) expect(text).toContain(`${row.name} (`);
      });

      it('is a Sequential or a functional Model as in the file', () => {
        expect(model).toBeInstanceOf(FUNCTIONAL.includes(expected.file) ? Model : Sequential);
      });

      if (expected.inputs.some((input) => input.dtype === 'int32')) {
        it('accepts token ids given as integral float32 as well as int32', () => {
          const asInt = run(model, inputsOf(expected, 'int32'));
          const asFloat = run(model, inputsOf(expected, 'float32'));
          expect(Array.from(asFloat[0].data)).toEqual(Array.from(asInt[0].data));
        });
      }

      it('loads the same from bytes and from a file: URL', async () => {
        const fromBytes = await loadModel(modelBytes(expected));
        const fromUrl = await loadModel(modelUrl(expected));
        const reference = run(model, inputsOf(expected));
        for (const other of [fromBytes, fromUrl]) {
          expect(other.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
          const outputs = run(other, inputsOf(expected));
          outputs.forEach((o, i) => expect(Array.from(o.data)).toEqual(Array.from(reference[i].data)));
        }
      }, 30_000);

      it('predicts the expected outputs one row at a time', () => {
        const inputs = inputsOf(expected);
        const outputs = model.predictAll(inputs.length === 1 ? inputs[0] : inputs, { batchSize: 1 });
        checkOutputs(outputs, expected).worst.forEach((w) => expect(w).toBeLessThanOrEqual(1));
      });
    });
  }
});
