// Keras 1.1 / 1.2 files, loaded as Keras 2 loads them: Keras 1 config spellings, per-gate LSTM / GRU
// weights fused, TimeDistributedDense, Bidirectional's forward then backward arrays, 4-D
// Convolution1D kernels (both layouts), a Theano-trained file's flipped kernels, and the advanced
// activations and time-axis layers. The files and
// their expected outputs come from test/data/keras1/make_keras1.py (h5py, a float64 numpy forward pass).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SUPPORTED_LAYER_CLASSES } from '../dist/index.js';
import { Model, ModelFileError, Sequential, loadModel, ready, tensor } from '../dist/io/keras.js';
import { worstViolation, type TensorJson } from './io/helpers.js';

const DATA = new URL('./data/keras1/', import.meta.url);

interface Expected {
  inputs: TensorJson[];
  outputs: TensorJson[];
  tolerance: { abs: number; rel: number };
}

beforeAll(async () => {
  await ready();
});

async function run(name: string): Promise<{ model: Sequential | Model; worst: number; shape: number[] }> {
  const expected = JSON.parse(readFileSync(new URL(`${name}.json`, DATA), 'utf8')) as Expected;
  const model = await loadModel(fileURLToPath(new URL(`${name}.h5`, DATA)));
  const input = expected.inputs[0];
  const x = tensor(input.dtype === 'int32' ? Int32Array.from(input.data) : Float32Array.from(input.data), input.shape);
  const [y] = model.predictAll(x);
  return { model, worst: worstViolation(y.data, expected.outputs[0].data, expected.tolerance), shape: [...y.shape] };
}

describe('Keras 1 files', () => {
  it('Keras 1.1.1: Embedding, LSTM, Dropout(p), GRU (reset before), TimeDistributedDense, SimpleRNN, Dense(output_dim)', async () => {
    const { model, worst, shape } = await run('keras1_recurrent');
    expect(shape).toEqual([3, 2]);
    expect(worst).toBeLessThanOrEqual(1);
    expect(model.layers.map((l) => [l.name, l.className])).toEqual([
      ['embedding_1', 'Embedding'], ['lstm_1', 'LSTM'], ['dropout_1', 'Dropout'], ['gru_1', 'GRU'],
      ['timedistributeddense_1', 'TimeDistributed'], ['simplernn_1', 'SimpleRNN'], ['dense_1', 'Dense'],
    ]);
    // LSTM 4H(D+H+1), GRU (reset before) 3H(D+H+1): the fused Keras 2 weights.
    expect(model.layers.map((l) => l.countParams())).toEqual([55, 4 * 4 * (5 + 4 + 1), 0, 3 * 3 * (4 + 3 + 1), 8, 3 * (2 + 3 + 1), 8]);
    const lstm = model.layers[1].getConfig();
    expect([lstm.units, lstm.recurrent_activation, lstm.unit_forget_bias]).toEqual([4, 'hard_sigmoid', true]);
    expect(model.layers[3].getConfig().reset_after).toBe(false);
    expect(model.layers[2].getConfig().rate).toBe(0.3);
  });

  it('Keras 1.2.2: Bidirectional(LSTM) with forward then backward per-gate arrays', async () => {
    const { model, worst, shape } = await run('keras1_bidirectional');
    expect(shape).toEqual([2, 1]);
    expect(worst).toBeLessThanOrEqual(1);
    expect(model.layers[0].countParams()).toBe(2 * 4 * 4 * (3 + 4 + 1));
  });

  const convolution = SUPPORTED_LAYER_CLASSES.includes('Conv1D');
  for (const name of ['keras1_conv1d', 'keras1_conv1d_theano']) {
    if (convolution) {
      it(`${name}: Convolution1D's 4-D kernel made 3-D${name.endsWith('theano') ? ', from the older layout, flipped for Theano' : ''}`, async () => {
        const { worst, shape } = await run(name);
        expect(shape).toEqual([2, 1]);
        expect(worst).toBeLessThanOrEqual(1);
      });
    } else {
      it(`${name}: names Conv1D as unsupported until the Conv1D layer lands`, async () => {
        const error = await run(name).then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(ModelFileError);
        expect((error as Error).message).toContain('"Conv1D" (convolution1d_1)');
      });
    }
  }

  it("Keras 1.2.2: ZeroPadding1D ({ left_pad, right_pad }), LeakyReLU(alpha), UpSampling1D(length), Cropping1D, PReLU's alphas, ELU(alpha)", async () => {
    const { model, worst, shape } = await run('keras1_activations_time');
    expect(shape).toEqual([3, 2]);
    expect(worst).toBeLessThanOrEqual(1);
    expect(model.layers.map((l) => l.className)).toEqual(['ZeroPadding1D', 'LeakyReLU', 'UpSampling1D', 'Cropping1D', 'PReLU', 'ELU', 'Flatten', 'Dense']);
    expect(model.layers.slice(0, 6).map((l) => Object.values(l.getConfig()).slice(3))).toEqual([
      [[2, 1], 'channels_last'], [0.1], [2], [[1, 2]],
      [{ class_name: 'Zeros', config: {} }, null, null, null], [0.5],
    ]);
  });

  it('a Keras 1 BatchNormalization in mode 2 (batch statistics at inference) is refused by name', async () => {
    const error = await loadModel(fileURLToPath(new URL('keras1_batchnorm_mode2.h5', DATA))).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as ModelFileError).layer).toBe('batchnormalization_1');
    expect((error as Error).message).toContain('mode 2');
  });
});
