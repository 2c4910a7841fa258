// Files saveModel writes, read by Python: h5py opens every .h5 and the model.weights.h5 inside
// every .keras, the datasets hold exactly the weights, and the attribute strings are what Keras
// reads (model_config, keras_version, backend, layer_names, weight_names); Python's zipfile
// checks the archive's CRCs, stored and deflated.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bidirectional, Dense, Dropout, Embedding, GRU, LSTM, Sequential, SimpleRNN, TimeDistributed, type ModelBase } from '../../dist/index.js';
import { loadModel, ready, saveModel } from '../../dist/io/keras.js';
import { h5pyDump, h5pyDumpAll, h5pyMissing, type H5Node } from './h5py.js';
import { SAMPLE_MODELS, randomizeWeights } from './save-models.js';

beforeAll(async () => {
  await ready();
});

function named(): ModelBase {
  const model = new Sequential({
    name: 'named',
    layers: [
      new Embedding({ inputDim: 9, outputDim: 3, inputLength: 4, name: 'embedding' }),
      new LSTM({ units: 2, returnSequences: true, name: 'lstm' }),
      new Bidirectional(new GRU({ units: 2, returnSequences: true, name: 'gru' }), { name: 'bidirectional' }),
      new TimeDistributed(new Dense({ units: 2, name: 'dense' }), { name: 'time_distributed' }),
      new Dropout({ rate: 0.1, name: 'dropout' }),
      new SimpleRNN({ units: 2, name: 'simple_rnn', useBias: false }),
      new Dense({ units: 1, name: 'dense_1' }),
    ],
  });
  randomizeWeights(model, 5);
  return model;
}

/** Each weight tensor of `model` as plain numbers, in getWeights() order. */
function weightValues(model: ModelBase): number[][] {
  return model.getWeights().map((w) => Array.from(w.data));
}

function datasetValues(dump: Record<string, H5Node>, paths: string[]): (number[] | undefined)[] {
  return paths.map((path) => dump[path]?.values);
}

const describeH5py = describe.skipIf(h5pyMissing !== null);

describeH5py('legacy .h5 read by h5py', () => {
  it('holds the attributes Keras reads and the weights under tf.keras names', async () => {
    const model = named();
    const dump = h5pyDump(await saveModel(model, { format: 'h5' }));
    const root = dump['/'];
    expect(root.attrs.backend).toEqual({ shape: [], kind: 'vlen', cset: 'utf8', value: ['tensorflow'] });
    expect(root.attrs.keras_version).toEqual({ shape: [], kind: 'vlen', cset: 'utf8', value: ['3.9.2'] });
    expect(root.attrs.model_config.kind).toBe('vlen');
    expect(JSON.parse(root.attrs.model_config.value[0] as string)).toEqual(JSON.parse(model.toJSON()));
    const weights = dump.model_weights;
    expect(weights.attrs.layer_names.value).toEqual(['embedding', 'lstm', 'bidirectional', 'time_distributed', 'dropout', 'simple_rnn', 'dense_1']);
    const names: Record<string, string[]> = {
      embedding: ['embedding/embeddings:0'],
      lstm: ['lstm/lstm_cell/kernel:0', 'lstm/lstm_cell/recurrent_kernel:0', 'lstm/lstm_cell/bias:0'],
      bidirectional: [
        'bidirectional/forward_gru/gru_cell/kernel:0', 'bidirectional/forward_gru/gru_cell/recurrent_kernel:0', 'bidirectional/forward_gru/gru_cell/bias:0',
        'bidirectional/backward_gru/gru_cell/kernel:0', 'bidirectional/backward_gru/gru_cell/recurrent_kernel:0', 'bidirectional/backward_gru/gru_cell/bias:0',
      ],
      time_distributed: ['time_distributed/dense/kernel:0', 'time_distributed/dense/bias:0'],
      dropout: [],
      simple_rnn: ['simple_rnn/simple_rnn_cell/kernel:0', 'simple_rnn/simple_rnn_cell/recurrent_kernel:0'],
      dense_1: ['dense_1/kernel:0', 'dense_1/bias:0'],
    };
    for (const [layer, list] of Object.entries(names)) {
      const attribute = dump[`model_weights/${layer}`].attrs.weight_names;
      expect(attribute.value, layer).toEqual(list);
      if (list.length > 0) expect(attribute.kind).toBe('vlen');
    }
    const paths = Object.entries(names).flatMap(([layer, list]) => list.map((name) => `model_weights/${layer}/${name}`));
    expect(paths.map((path) => dump[path]?.dtype)).toEqual(paths.map(() => '<f4'));
    expect(datasetValues(dump, paths)).toEqual(weightValues(model));
  });

  it('writes every sample model so that h5py reads exactly its weights', async () => {
    const models = SAMPLE_MODELS.map((sample) => {
      const model = sample.make();
      randomizeWeights(model, 3);
      return model;
    });
    const dumps = h5pyDumpAll(await Promise.all(models.map((model) => saveModel(model, { format: 'h5' }))));
    for (const [i, sample] of SAMPLE_MODELS.entries()) {
      const [model, dump] = [models[i], dumps[i]];
      const names = model.layers.flatMap((layer) => (dump[`model_weights/${layer.name}`].attrs.weight_names.value as string[]).map((n) => `model_weights/${layer.name}/${n}`));
      expect(datasetValues(dump, names), sample.name).toEqual(weightValues(model));
    }
  });
});

describeH5py('.keras read by Python', () => {
  it("model.weights.h5 has the saving library's layout and exactly the weights", async () => {
    const model = named();
    const members = unzipSync(await saveModel(model, { format: 'keras' }));
    expect(Object.keys(members)).toEqual(['metadata.json', 'config.json', 'model.weights.h5']);
    const dump = h5pyDump(members['model.weights.h5']);
    const paths = [
      'layers/embedding/vars/0',
      'layers/lstm/cell/vars/0', 'layers/lstm/cell/vars/1', 'layers/lstm/cell/vars/2',
      ...['forward_layer', 'backward_layer'].flatMap((side) => [0, 1, 2].map((i) => `layers/bidirectional/${side}/cell/vars/${i}`)),
      'layers/time_distributed/layer/vars/0', 'layers/time_distributed/layer/vars/1',
      'layers/simple_rnn/cell/vars/0', 'layers/simple_rnn/cell/vars/1',
      'layers/dense/vars/0', 'layers/dense/vars/1',
    ];
    expect(datasetValues(dump, paths)).toEqual(weightValues(model));
    expect(dump['layers'].members).toEqual(['bidirectional', 'dense', 'dropout', 'embedding', 'lstm', 'simple_rnn', 'time_distributed']);
    expect(dump['layers/dropout/vars'].members).toEqual([]);
    expect(dump['layers/lstm/vars'].members).toEqual([]);
  });

  it("zipfile verifies every member's CRC, stored and deflated, and reads config.json and metadata.json", async () => {
    const model = named();
    const dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-zip-'));
    try {
      for (const compress of [false, true]) {
        const path = join(dir, `model-${compress}.keras`);
        writeFileSync(path, await saveModel(model, { format: 'keras', compress, date: new Date(2024, 5, 7, 8, 9, 10) }));
        const script = [
          'import json, sys, zipfile',
          'z = zipfile.ZipFile(sys.argv[1])',
          'assert z.testzip() is None',
          'print(json.dumps({"types": [i.compress_type for i in z.infolist()], "date": list(z.infolist()[0].date_time),',
          ' "metadata": json.loads(z.read("metadata.json")), "config": json.loads(z.read("config.json"))}))',
        ].join('\n');
        const report = JSON.parse(execFileSync(process.env.PYTHON ?? '/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' })) as {
          types: number[]; date: number[]; metadata: Record<string, unknown>; config: unknown;
        };
        // A member that deflate would not shrink (the small metadata.json) stays stored.
        expect(report.types.slice(1)).toEqual(compress ? [8, 8] : [0, 0]);
        if (!compress) expect(report.types[0]).toBe(0);
        expect(report.date).toEqual([2024, 6, 7, 8, 9, 10]);
        expect(report.metadata).toEqual({ keras_version: '3.9.2', date_saved: '2024-06-07@08:09:10' });
        expect(report.config).toEqual(JSON.parse(model.toJSON()));
        const loaded = await loadModel(path);
        expect(weightValues(loaded)).toEqual(weightValues(model));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
