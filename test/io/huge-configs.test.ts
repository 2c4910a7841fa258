// Issue 12 (huge declared shapes): a config declaring sizes its file's weights cannot
// hold is refused at once with ModelFileError, before building allocates anything,
// never a RangeError or a multi-second allocation.
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError, loadModel, ready } from '../../dist/io/keras.js';
import { loadExpected, modelBytes, type Expected, withKerasConfig } from './helpers.js';

const keras = loadExpected().find((e) => e.file === 'gru_model.keras') as Expected;
const FAST_MS = 2_000;

beforeAll(async () => {
  await ready();
});

const withConfig = (edit: (config: string) => string) => withKerasConfig(keras, edit);

async function refusedFast(source: Uint8Array | string, options?: Parameters<typeof loadModel>[1]): Promise<ModelFileError> {
  const started = performance.now();
  const error = await loadModel(source, options).catch((e: unknown) => e);
  expect(performance.now() - started).toBeLessThan(FAST_MS);
  if (!(error instanceof ModelFileError)) throw new Error(`expected ModelFileError, got ${String(error)}`);
  return error;
}

describe('configs declaring sizes the file cannot hold', () => {
  const cases: [string, (c: string) => string, string | undefined][] = [
    ['GRU units 2**30', (c) => c.replace('"units": 50', `"units": ${2 ** 30}`), 'gru_1'],
    ['GRU units 2**27', (c) => c.replace('"units": 50', `"units": ${2 ** 27}`), 'gru_1'],
    ['Dense units 2**30', (c) => c.replace('"units": 1,', `"units": ${2 ** 30},`), 'dense_1'],
    ['input features 2**30 (batch_shape)', (c) => c.replace('"batch_shape": [null, 60, 1]', `"batch_shape": [null, 60, ${2 ** 30}]`), 'gru_1'],
    ['input features 10**6 with 50 units (a 600 MB kernel)', (c) => c.replace('"batch_shape": [null, 60, 1]', '"batch_shape": [null, 60, 1000000]'), 'gru_1'],
    ['a dimension of 1e12', (c) => c.replace('"batch_shape": [null, 60, 1]', '"batch_shape": [null, 1000000000000, 1]'), 'input_layer_1'],
    ['a fractional dimension', (c) => c.replace('"batch_shape": [null, 60, 1]', '"batch_shape": [null, 60, 1.5]'), 'input_layer_1'],
    ['a negative dimension', (c) => c.replace('"batch_shape": [null, 60, 1]', '"batch_shape": [null, -60, 1]'), 'input_layer_1'],
    ['build_input_shape 2**40 features', (c) => c.replace('"build_input_shape": [null, 60, 1]', `"build_input_shape": [null, 60, ${2 ** 40}]`), undefined],
  ];
  for (const [name, edit, layer] of cases) {
    it(name, async () => {
      const error = await refusedFast(withConfig(edit));
      if (layer !== undefined) expect(error.layer).toBe(layer);
    });
  }

  it('Embedding input_dim 1e12 and a huge Bidirectional, from model JSON with small weights', async () => {
    const json = (layer: unknown) => JSON.stringify({
      class_name: 'Sequential',
      config: { name: 's', layers: [{ class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 5] } }, layer] },
    });
    const embedding = { class_name: 'Embedding', config: { name: 'emb', input_dim: 1e12, output_dim: 8 } };
    expect((await refusedFast(json(embedding), { weights: [] })).layer).toBe('emb');
    const bidirectional = { class_name: 'Bidirectional', config: { name: 'bi', layer: { class_name: 'LSTM', config: { name: 'l', units: 2 ** 20 } } } };
    expect((await refusedFast(json(bidirectional), { weights: [] })).layer).toMatch(/^(bi|l)$/);
  });

  it('a ConvLSTM2D whose filters no file of this size holds, from model JSON with small weights', async () => {
    const config = JSON.stringify({
      class_name: 'Sequential',
      config: {
        name: 's',
        layers: [
          { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 3, 8, 8, 2] } },
          { class_name: 'ConvLSTM2D', config: { name: 'cl', filters: 2 ** 20, kernel_size: [3, 3] } },
        ],
      },
    });
    expect((await refusedFast(config, { weights: [] })).layer).toBe('cl');
  });

  it('a functional model follows the feature size through Concatenate', async () => {
    const wide = 300_000;
    const config = {
      class_name: 'Functional',
      config: {
        name: 'f',
        layers: [
          { class_name: 'InputLayer', name: 'a', config: { name: 'a', batch_input_shape: [null, 4, wide] }, inbound_nodes: [] },
          { class_name: 'InputLayer', name: 'b', config: { name: 'b', batch_input_shape: [null, 4, wide] }, inbound_nodes: [] },
          { class_name: 'Concatenate', name: 'cat', config: { name: 'cat', axis: -1 }, inbound_nodes: [[['a', 0, 0, {}], ['b', 0, 0, {}]]] },
          { class_name: 'LSTM', name: 'l', config: { name: 'l', units: 64 }, inbound_nodes: [[['cat', 0, 0, {}]]] },
        ],
        input_layers: [['a', 0, 0], ['b', 0, 0]],
        output_layers: [['l', 0, 0]],
      },
    };
    expect((await refusedFast(JSON.stringify(config), { weights: [] })).layer).toBe('l');
  });

  it('the unedited archive still loads', async () => {
    expect((await loadModel(modelBytes(keras))).countParams()).toBe(keras.summary.total_params);
  });
});
