// Nested models in configs and files, as Keras 3's source writes them (keras v3.15.1):
// - config: the sub-model's whole config is one entry of the layers list (Sequential.get_config
//   serialises each layer; Functional's adds name and inbound_nodes to it);
// - .keras weights (saving_lib._save_container_state): a model's layers go under
//   <its path>/layers/<snake_case class>[_N], each with its own vars, the model's own vars empty;
// - legacy .h5 (legacy_h5_format.save_weights_to_hdf5_group): one group per top-level layer, so a
//   sub-model's weights all sit in model_weights/<sub-model>, in _legacy_weights order
//   (trainable_weights, then non_trainable_weights).
// No Keras-written nested file is at hand (../shared has none), so the layouts are checked with
// h5py against those rules, and the loaded models against the outputs of the models saved.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BatchNormalization,
  Concatenate,
  ConfigError,
  Dense,
  GRU,
  Input,
  LSTM,
  Model,
  Sequential,
  TimeDistributed,
  modelFromConfig,
  type ModelBase,
  type Tensor,
} from '../../dist/index.js';
import { loadModel, ready, saveModel, saveModelFiles } from '../../dist/io/keras.js';
import { unzipSync } from 'fflate';
import { h5pyDump, h5pyMissing } from './h5py.js';
import { seededTensor } from '../model-helpers.js';
import { expectError } from '../expect-error.js';

beforeAll(async () => {
  await ready();
});

const x = seededTensor([2, 5, 3], 18);
const xb = seededTensor([2, 4], 19);

function randomize(model: ModelBase, seed: number): void {
  model.setWeights(model.getWeights().map((w, i) => seededTensor([...w.shape], seed + i, 0.5)));
}

/** encoder (Sequential: LSTM, BatchNormalization, Dense) inside a Sequential with a Dense head. */
function sequentialInSequential(): { model: Sequential; encoder: Sequential } {
  const encoder = new Sequential([new LSTM(4, { inputShape: [5, 3], name: 'enc_lstm' }), new BatchNormalization({ name: 'enc_bn' }), new Dense(2, { name: 'enc_dense' })], { name: 'encoder' });
  const model = new Sequential([encoder, new Dense(1, { name: 'head' })], { name: 'outer' });
  randomize(model, 100);
  return { model, encoder };
}

/** A shared Sequential applied to two inputs and a two-input Functional sub-model, in a Functional model. */
function functionalWithSubModels(): Model {
  const shared = new Sequential([new GRU(3, { name: 'shared_gru' })], { name: 'shared' });
  const ia = Input({ shape: [3], name: 'core_a' });
  const ib = Input({ shape: [4], name: 'core_b' });
  const core = new Model({ inputs: [ia, ib], outputs: new Concatenate({ name: 'core_cat' }).apply([ia, new Dense(2, { name: 'core_dense' }).apply(ib)]), name: 'core' });
  const left = Input({ shape: [5, 3], name: 'left' });
  const right = Input({ shape: [5, 3], name: 'right' });
  const side = Input({ shape: [4], name: 'side' });
  const merged = new Concatenate({ name: 'merge' }).apply([shared.apply(left), shared.apply(right)]);
  const out = new Dense(1, { name: 'out' }).apply(core.apply([new Dense(3, { name: 'squeeze' }).apply(merged), side]));
  const model = new Model({ inputs: [left, right, side], outputs: out, name: 'outer_fn' });
  randomize(model, 200);
  return model;
}

function expectSameOutputs(a: Tensor | Tensor[], b: Tensor | Tensor[]): void {
  const la = Array.isArray(a) ? a : [a];
  const lb = Array.isArray(b) ? b : [b];
  expect(la.length).toBe(lb.length);
  la.forEach((t, i) => expect(Array.from(t.data)).toEqual(Array.from(lb[i].data)));
}

describe('configs', () => {
  it('nest the sub-model config as a layer entry, as Keras 3 writes it, and rebuild the same model', () => {
    const { model } = sequentialInSequential();
    const config = JSON.parse(model.toJSON()) as { config: { layers: Record<string, unknown>[] } };
    const entry = config.config.layers.find((l) => l.class_name === 'Sequential') as { module: string; config: { name: string; layers: { class_name: string }[] }; registered_name: null; build_config: unknown };
    expect(entry.module).toBe('keras');
    expect(entry.registered_name).toBeNull();
    expect(entry.config.name).toBe('encoder');
    expect(entry.config.layers.map((l) => l.class_name)).toEqual(['InputLayer', 'LSTM', 'BatchNormalization', 'Dense']);
    expect(entry.build_config).toEqual({ input_shape: [null, 5, 3] });
    const rebuilt = modelFromConfig(model.toJSON()) as Sequential;
    expect(rebuilt.layers.map((l) => `${l.name}:${l.className}`)).toEqual(['encoder:Sequential', 'head:Dense']);
    rebuilt.setWeights(model.getWeights());
    expectSameOutputs(rebuilt.predict(x), model.predict(x));
    // tf.keras 2's spelling nests { class_name, config } the same way.
    const keras2 = JSON.parse(model.toJSON({ kerasVersion: 2 })) as { config: { layers: { class_name: string; config: { name: string } }[] } };
    // Keras' Sequential.build puts an InputLayer first, then the sub-model.
    expect(keras2.config.layers.map((l) => l.class_name)).toEqual(['InputLayer', 'Sequential', 'Dense']);
    expect(keras2.config.layers[1].config.name).toBe('encoder');
    const rebuilt2 = modelFromConfig(model.toJSON({ kerasVersion: 2 }));
    rebuilt2.setWeights(model.getWeights());
    expectSameOutputs(rebuilt2.predict(x), model.predict(x));
  });

  it('list a functional sub-model with name and inbound_nodes, and a shared one with two nodes', () => {
    const model = functionalWithSubModels();
    const config = JSON.parse(model.toJSON()) as { config: { layers: Record<string, unknown>[] } };
    const byName = new Map(config.config.layers.map((l) => [l.name as string, l]));
    const shared = byName.get('shared') as { class_name: string; inbound_nodes: { args: { config: { keras_history: unknown[] } }[] }[] };
    expect(shared.class_name).toBe('Sequential');
    expect(shared.inbound_nodes.map((n) => n.args[0].config.keras_history)).toEqual([['left', 0, 0], ['right', 0, 0]]);
    const core = byName.get('core') as { class_name: string; module: string; registered_name: string; config: { input_layers: unknown; output_layers: unknown }; inbound_nodes: { args: { config: { keras_history: unknown[] } }[][] }[] };
    expect([core.class_name, core.module, core.registered_name]).toEqual(['Functional', 'keras.src.models.functional', 'Functional']);
    expect(core.config.input_layers).toEqual([['core_a', 0, 0], ['core_b', 0, 0]]);
    expect(core.config.output_layers).toEqual([['core_cat', 0, 0]]);
    expect(core.inbound_nodes[0].args[0].map((t) => t.config.keras_history)).toEqual([['squeeze', 0, 0], ['side', 0, 0]]);
    const out = byName.get('out') as { inbound_nodes: { args: { config: { keras_history: unknown[] } }[] }[] };
    expect(out.inbound_nodes[0].args[0].config.keras_history).toEqual(['core', 0, 0]);
    const rebuilt = modelFromConfig(model.toJSON());
    expect(rebuilt.getWeights().length).toBe(model.getWeights().length);
    rebuilt.setWeights(model.getWeights());
    expectSameOutputs(rebuilt.predict([x, seededTensor([2, 5, 3], 20), xb]), model.predict([x, seededTensor([2, 5, 3], 20), xb]));
  });
});

describe('files', () => {
  for (const format of ['keras', 'h5'] as const) {
    it(`.${format}: a Sequential in a Sequential and a Functional with shared and multi-input sub-models load back with the same outputs`, async () => {
      const { model } = sequentialInSequential();
      const loaded = await loadModel(await saveModel(model, { format }));
      expect(loaded.layers.map((l) => l.className)).toEqual(['Sequential', 'Dense']);
      expectSameOutputs(loaded.predict(x), model.predict(x));
      const fn = functionalWithSubModels();
      const inputs = [x, seededTensor([2, 5, 3], 21), xb];
      const loadedFn = await loadModel(await saveModel(fn, { format }));
      expectSameOutputs(loadedFn.predict(inputs), fn.predict(inputs));
      // loadWeights into a model built in code reads the same layout.
      const fresh = sequentialInSequential().model;
      randomize(fresh, 7);
      await fresh.loadWeights(await saveModel(model, { format }));
      expectSameOutputs(fresh.predict(x), model.predict(x));
    });
  }

  it('TF.js: the weights manifest names a sub-model\'s weights under its name, and loads back', async () => {
    const { model } = sequentialInSequential();
    const files = saveModelFiles(model, { format: 'tfjs' });
    const json = JSON.parse(new TextDecoder().decode(files['model.json'])) as { weightsManifest: { weights: { name: string }[] }[] };
    expect(json.weightsManifest[0].weights.map((w) => w.name).slice(0, 3)).toEqual(['encoder/enc_lstm/lstm_cell/kernel', 'encoder/enc_lstm/lstm_cell/recurrent_kernel', 'encoder/enc_lstm/lstm_cell/bias']);
    const loaded = await loadModel(json, { weightFiles: files });
    expectSameOutputs(loaded.predict(x), model.predict(x));
  });

  it('keep a frozen sub-model frozen through .h5 and give its weights back in place', async () => {
    const { model, encoder } = sequentialInSequential();
    encoder.layers[0].trainable = false;
    const loaded = await loadModel(await saveModel(model, { format: 'h5' }));
    expectSameOutputs(loaded.predict(x), model.predict(x));
    expect((loaded.layers[0] as Sequential).layers[0].trainable).toBe(false);
  });

  for (const format of ['keras', 'h5'] as const) {
    it(`.${format}: TimeDistributed of a model (CNN-LSTM style) loads back with the same outputs`, async () => {
      const model = timeDistributedModel();
      const loaded = await loadModel(await saveModel(model, { format }));
      expect(loaded.layers.map((l) => l.className)).toEqual(['TimeDistributed', 'LSTM']);
      expect(((loaded.layers[0] as TimeDistributed).layer as Sequential).layers.map((l) => l.name)).toEqual(['frame_dense', 'frame_bn']);
      expectSameOutputs(loaded.predict(x), model.predict(x));
    });
  }
});

/** A per-frame Sequential (Dense, BatchNormalization) in TimeDistributed, then an LSTM. */
function timeDistributedModel(): Sequential {
  const perFrame = new Sequential([new Dense(4, { inputShape: [3], name: 'frame_dense' }), new BatchNormalization({ name: 'frame_bn' })], { name: 'per_frame' });
  const model = new Sequential([new TimeDistributed(perFrame, { inputShape: [5, 3], name: 'td' }), new LSTM(2, { name: 'lstm' })]);
  randomize(model, 300);
  return model;
}

it('TimeDistributed of a model: its config nests the model\'s, and rebuilds the same model', () => {
  const model = timeDistributedModel();
  const config = JSON.parse(model.toJSON()) as { config: { layers: { class_name: string; config: { layer?: { module: string; class_name: string; config: { name: string } } } }[] } };
  const td = config.config.layers.find((l) => l.class_name === 'TimeDistributed');
  expect(td?.config.layer?.class_name).toBe('Sequential');
  expect(td?.config.layer?.module).toBe('keras');
  expect(td?.config.layer?.config.name).toBe('per_frame');
  for (const kerasVersion of [2, 3] as const) {
    const rebuilt = modelFromConfig(model.toJSON({ kerasVersion }));
    rebuilt.setWeights(model.getWeights());
    expectSameOutputs(rebuilt.predict(x), model.predict(x));
  }
});

describe.skipIf(h5pyMissing !== null)('file layouts read by h5py', () => {
  it('.keras: a sub-model\'s layers under <its path>/layers/<snake_case class>, as saving_lib walks them', async () => {
    const { model, encoder } = sequentialInSequential();
    const archive = unzipSync(await saveModel(model, { format: 'keras' }));
    const dump = h5pyDump(archive['model.weights.h5']);
    const [kernel, recurrent, bias, gamma, beta, mean, variance, dk, db] = encoder.getWeights();
    const expected: Record<string, Tensor> = {
      'layers/sequential/layers/lstm/cell/vars/0': kernel,
      'layers/sequential/layers/lstm/cell/vars/1': recurrent,
      'layers/sequential/layers/lstm/cell/vars/2': bias,
      'layers/sequential/layers/batch_normalization/vars/0': gamma,
      'layers/sequential/layers/batch_normalization/vars/1': beta,
      'layers/sequential/layers/batch_normalization/vars/2': mean,
      'layers/sequential/layers/batch_normalization/vars/3': variance,
      'layers/sequential/layers/dense/vars/0': dk,
      'layers/sequential/layers/dense/vars/1': db,
      'layers/dense/vars/0': model.layers[1].getWeights()[0],
      'layers/dense/vars/1': model.layers[1].getWeights()[1],
    };
    for (const [path, tensor] of Object.entries(expected)) {
      expect(dump[path]?.shape, path).toEqual([...tensor.shape]);
      expect(dump[path]?.values, path).toEqual(Array.from(tensor.data));
    }
    expect(dump['layers/sequential/vars']?.members ?? []).toEqual([]);
    expect(dump['layers/sequential/layers/lstm/vars']?.members ?? []).toEqual([]);
    const datasets = Object.keys(dump).filter((path) => dump[path].values !== undefined);
    expect(datasets.sort()).toEqual(Object.keys(expected).sort());
  });

  it('.keras: TimeDistributed(model) keeps the model under its layer, then the model\'s layers', async () => {
    const model = timeDistributedModel();
    const dump = h5pyDump(unzipSync(await saveModel(model, { format: 'keras' }))['model.weights.h5']);
    const [kernel, , , , , variance] = model.layers[0].getWeights();
    expect(dump['layers/time_distributed/layer/layers/dense/vars/0']?.values).toEqual(Array.from(kernel.data));
    expect(dump['layers/time_distributed/layer/layers/batch_normalization/vars/3']?.values).toEqual(Array.from(variance.data));
    expect(dump['layers/lstm/cell/vars/0']?.shape).toEqual([4, 8]);
  });

  it('.h5: a sub-model is one group of model_weights, trainable weights first', async () => {
    const { model, encoder } = sequentialInSequential();
    encoder.layers[0].trainable = false;
    const dump = h5pyDump(await saveModel(model, { format: 'h5' }));
    expect(dump.model_weights.attrs.layer_names.value).toEqual(['encoder', 'head']);
    const names = dump['model_weights/encoder'].attrs.weight_names.value;
    // trainable_weights: BatchNormalization's gamma, beta and the Dense; then the frozen LSTM and the moving statistics.
    expect(names).toEqual([
      'encoder/enc_bn/gamma:0', 'encoder/enc_bn/beta:0', 'encoder/enc_dense/kernel:0', 'encoder/enc_dense/bias:0',
      'encoder/enc_lstm/lstm_cell/kernel:0', 'encoder/enc_lstm/lstm_cell/recurrent_kernel:0', 'encoder/enc_lstm/lstm_cell/bias:0',
      'encoder/enc_bn/moving_mean:0', 'encoder/enc_bn/moving_variance:0',
    ]);
    const w = encoder.getWeights();
    const inGetWeightsOrder = [3, 4, 7, 8, 0, 1, 2, 5, 6];
    names.forEach((name, k) => expect(dump[`model_weights/encoder/${name}`]?.values, String(name)).toEqual(Array.from(w[inGetWeightsOrder[k]].data)));
  });
});

it('a nested model config that names an unknown inner layer class is refused naming it', () => {
  const config = JSON.parse(sequentialInSequential().model.toJSON()) as { config: { layers: { config: { layers: { class_name: string }[] } }[] } };
  config.config.layers[1].config.layers[1].class_name = 'NoSuchLayer';
  expectError(() => modelFromConfig(config as unknown as Record<string, unknown>), ConfigError, ['NoSuchLayer']);
});
