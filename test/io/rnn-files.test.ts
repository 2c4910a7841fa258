// RNN(cell) layers in files, as Keras writes them (keras v3 saving_lib, tf.keras 2 legacy h5):
// - .keras: the cell is the RNN's `cell` attribute, so its weights sit in layers/rnn/cell/vars;
// - legacy .h5: variables are named under the RNN's scope, then the cell's name
//   (rnn/lstm_cell/kernel:0, the cell's own auto-name, not the class's);
// - the config's `cell` is the cell's { module, class_name, config, registered_name }.
// The layouts are read back with h5py; the loaded models against the outputs of the models saved.
import { beforeAll, describe, expect, it } from 'vitest';
import { Bidirectional, Dense, GRUCell, Input, LSTMCell, Model, RNN, SimpleRNNCell, Sequential, modelFromConfig, type ModelBase, type Tensor } from '../../dist/index.js';
import { loadModel, ready, saveModel } from '../../dist/io/keras.js';
import { unzipSync } from 'fflate';
import { h5pyDump, h5pyMissing } from './h5py.js';
import { seededTensor } from '../model-helpers.js';

beforeAll(async () => {
  await ready();
});

const x = seededTensor([2, 5, 3], 61);

function randomize(model: ModelBase, seed: number): void {
  model.setWeights(model.getWeights().map((w, i) => seededTensor([...w.shape], seed + i, 0.5)));
}

function rnnModel(): Sequential {
  const model = new Sequential([
    Input({ shape: [5, 3] }),
    new RNN(new LSTMCell(4, { name: 'enc_cell' }), { returnSequences: true, name: 'enc' }),
    new RNN(new GRUCell(3, { resetAfter: false }), { name: 'dec' }),
    new Dense(2, { name: 'head' }),
  ]);
  randomize(model, 400);
  return model;
}

/** Single-output models: the same numbers, bit for bit. */
const expectSameOutputs = (a: Tensor | Tensor[], b: Tensor | Tensor[]) => expect(Array.from((a as Tensor).data)).toEqual(Array.from((b as Tensor).data));

describe('RNN(cell) models in configs and files', () => {
  it('the model config nests each cell spec, and rebuilds the same model (Keras 3 and tf.keras 2 spellings)', () => {
    const model = rnnModel();
    const config = JSON.parse(model.toJSON()) as { config: { layers: { class_name: string; config: { cell?: { class_name: string; module: string; config: Record<string, unknown> } } }[] } };
    const rnns = config.config.layers.filter((l) => l.class_name === 'RNN');
    expect(rnns.map((l) => l.config.cell?.class_name)).toEqual(['LSTMCell', 'GRUCell']);
    expect(rnns[0].config.cell?.config.name).toBe('enc_cell');
    expect(rnns[1].config.cell?.config.reset_after).toBe(false);
    for (const kerasVersion of [2, 3] as const) {
      const rebuilt = modelFromConfig(model.toJSON({ kerasVersion }));
      expect(rebuilt.layers.map((l) => l.className)).toEqual(['RNN', 'RNN', 'Dense']);
      rebuilt.setWeights(model.getWeights());
      expectSameOutputs(rebuilt.predict(x), model.predict(x));
    }
  });

  for (const format of ['keras', 'h5'] as const) {
    it(`.${format}: loads back with the same outputs, saves again the same`, async () => {
      const model = rnnModel();
      const loaded = await loadModel(await saveModel(model, { format }));
      expect(loaded.layers.map((l) => l.className)).toEqual(['RNN', 'RNN', 'Dense']);
      expect((loaded.layers[0] as RNN).cell.name).toBe('enc_cell');
      expectSameOutputs(loaded.predict(x), model.predict(x));
      const again = await loadModel(await saveModel(loaded, { format }));
      expectSameOutputs(again.predict(x), model.predict(x));
    });
  }

  for (const format of ['keras', 'h5'] as const) {
    it(`.${format}: Bidirectional(RNN(GRUCell)) loads back with the same outputs`, async () => {
      const model = new Sequential([Input({ shape: [5, 3] }), new Bidirectional(new RNN(new GRUCell(2)), { mergeMode: 'ave' })]);
      randomize(model, 600);
      const loaded = await loadModel(await saveModel(model, { format }));
      expect((loaded.layers[0] as Bidirectional).forwardLayer.className).toBe('RNN');
      expectSameOutputs(loaded.predict(x), model.predict(x));
    });
  }

  it('a functional model with RNN(SimpleRNNCell) states loads back from .keras', async () => {
    const input = Input({ shape: [5, 3] });
    const [seq, h] = new RNN(new SimpleRNNCell(2), { returnSequences: true, returnState: true }).apply(input);
    const out = new RNN(new SimpleRNNCell(2)).apply(seq, { initialState: [h] });
    const model = new Model({ inputs: input, outputs: out });
    randomize(model, 500);
    const loaded = await loadModel(await saveModel(model, { format: 'keras' }));
    expectSameOutputs(loaded.predict(x), model.predict(x));
  });
});

describe.skipIf(h5pyMissing !== null)('RNN(cell) file layouts read by h5py', () => {
  it('.keras: the weights under layers/rnn/cell/vars, as saving_lib walks the cell attribute', async () => {
    const model = rnnModel();
    const dump = h5pyDump(unzipSync(await saveModel(model, { format: 'keras' }))['model.weights.h5']);
    const [k1, r1, b1, k2, r2, b2] = model.getWeights();
    const expected: Record<string, Tensor> = {
      'layers/rnn/cell/vars/0': k1, 'layers/rnn/cell/vars/1': r1, 'layers/rnn/cell/vars/2': b1,
      'layers/rnn_1/cell/vars/0': k2, 'layers/rnn_1/cell/vars/1': r2, 'layers/rnn_1/cell/vars/2': b2,
    };
    for (const [path, tensor] of Object.entries(expected)) {
      expect(dump[path]?.shape, path).toEqual([...tensor.shape]);
      expect(dump[path]?.values, path).toEqual(Array.from(tensor.data));
    }
    expect(dump['layers/rnn/vars']?.members ?? []).toEqual([]);
  });

  it('.h5: weight names are <rnn>/<cell name>/<weight>:0', async () => {
    const model = rnnModel();
    const gruCell = (model.layers[1] as RNN).cell.name;
    const dump = h5pyDump(await saveModel(model, { format: 'h5' }));
    expect(dump.model_weights.attrs.layer_names.value).toEqual(['enc', 'dec', 'head']);
    expect(dump['model_weights/enc'].attrs.weight_names.value).toEqual(['enc/enc_cell/kernel:0', 'enc/enc_cell/recurrent_kernel:0', 'enc/enc_cell/bias:0']);
    expect(dump['model_weights/dec'].attrs.weight_names.value).toEqual([`dec/${gruCell}/kernel:0`, `dec/${gruCell}/recurrent_kernel:0`, `dec/${gruCell}/bias:0`]);
    expect(gruCell).toMatch(/^gru_cell(_\d+)?$/);
    expect(dump[`model_weights/enc/enc/enc_cell/kernel:0`]?.values).toEqual(Array.from(model.getWeights()[0].data));
  });
});
