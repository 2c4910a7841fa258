// ConvLSTM1D and ConvLSTM2D against the float64 reference (test/reference/conv-lstm.ts) on odd
// sizes (filters not a multiple of 4, odd spatial extents), every option that changes the
// numbers, Keras configs both ways, weights in Keras order, parameter counts and summary rows,
// and the typed errors bad options and shapes get (after which the next valid call still works).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError, ConvLSTM1D, ConvLSTM2D, Input, Masking, Model, Sequential, ShapeError, deserializeLayer, memoryBytes, ready,
  serializeLayer, tensor, type ConvLSTMOptions, type Tensor,
} from '../dist/index.js';
import { convLstmRef, type ReferenceConvLstmSpec } from './reference/conv-lstm.js';
import type { ReferenceTensor } from './reference/types.js';
import { expectClose } from './expect-close.js';
import { expectError } from './expect-error.js';
import { randomFloats, seededRandom } from './random.js';

beforeAll(async () => {
  await ready();
});

const ref = (t: Tensor): ReferenceTensor => ({ shape: [...t.shape], data: Float64Array.from(t.data) });

function randomTensor(shape: number[], seed: number, scale = 1): Tensor {
  return tensor(randomFloats(seededRandom(seed), shape.reduce((a, b) => a * b, 1), scale), shape);
}

/** Random weights of Keras' shapes, small enough that the gates do not all saturate. */
function randomWeights(layer: ConvLSTM1D | ConvLSTM2D, channels: number, seed: number): Tensor[] {
  return layer.weightShapes(channels).map((shape, i) => randomTensor(shape, seed + i, 0.4));
}

function referenceSpec(layer: ConvLSTM1D | ConvLSTM2D): ReferenceConvLstmSpec {
  return {
    filters: layer.filters, strides: [...layer.strides], dilations: [...layer.dilationRate], padding: layer.padding,
    activation: layer.activation, recurrentActivation: layer.recurrentActivation, returnSequences: layer.returnSequences,
    goBackwards: layer.goBackwards, hardSigmoidVariant: layer.kerasVersion === 2 ? 'keras2' : 'keras3',
  };
}

interface Case {
  name: string;
  rank: 1 | 2;
  input: number[];
  options: ConvLSTMOptions;
}

const CASES: Case[] = [
  { name: '2-D same, strides (2, 1), 5 filters', rank: 2, input: [2, 3, 5, 7, 3], options: { filters: 5, kernelSize: [3, 2], strides: [2, 1], padding: 'same' } },
  { name: '2-D valid, dilation (2, 1), sequences', rank: 2, input: [3, 4, 7, 5, 2], options: { filters: 3, kernelSize: 2, dilationRate: [2, 1], returnSequences: true } },
  { name: '2-D go_backwards, relu / hard_sigmoid, no bias', rank: 2, input: [1, 5, 4, 3, 4], options: { filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', recurrentActivation: 'hard_sigmoid', useBias: false, goBackwards: true, returnSequences: true } },
  { name: '2-D 1x1 kernel (the OceanObservation layer)', rank: 2, input: [4, 3, 1, 1, 5], options: { filters: 32, kernelSize: [1, 1], activation: 'relu' } },
  { name: '1-D valid, stride 2, 3 filters', rank: 1, input: [3, 4, 9, 2], options: { filters: 3, kernelSize: 3, strides: 2 } },
  { name: '1-D same, dilation 2, sequences backwards, Keras 2 hard_sigmoid', rank: 1, input: [2, 6, 8, 3], options: { filters: 9, kernelSize: 3, padding: 'same', dilationRate: 2, returnSequences: true, goBackwards: true, recurrentActivation: 'hard_sigmoid', kerasVersion: 2 } },
];

const make = (c: Case, extra: Partial<ConvLSTMOptions> = {}) => (c.rank === 1 ? new ConvLSTM1D({ ...c.options, ...extra }) : new ConvLSTM2D({ ...c.options, ...extra }));

describe('ConvLSTM1D, ConvLSTM2D against the float64 reference', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', (_name, c, i) => {
    const layer = make(c, { returnState: true });
    const channels = c.input[c.input.length - 1];
    const weights = randomWeights(layer, channels, 10 * i + 1);
    layer.setWeights(weights);
    const x = randomTensor(c.input, 10 * i + 7);
    const [output, h, cState] = layer.apply(x) as Tensor[];
    const expected = convLstmRef(ref(x), ref(weights[0]), ref(weights[1]), weights[2] ? ref(weights[2]) : null, referenceSpec(layer));
    expectClose(output, expected.output, { label: 'output' });
    expectClose(h, expected.h, { label: 'h' });
    expectClose(cState, expected.c, { label: 'c' });
    expect(layer.computeOutputShape([null, ...c.input.slice(1)])).toEqual([
      [null, ...expected.output.shape.slice(1)], [null, ...expected.h.shape.slice(1)], [null, ...expected.c.shape.slice(1)],
    ]);
    layer.dispose();
  });

  it('starts from given initial states [h, c]', () => {
    const layer = new ConvLSTM2D(4, 3, { padding: 'same', returnSequences: true });
    const weights = randomWeights(layer, 2, 50);
    layer.setWeights(weights);
    const x = randomTensor([2, 3, 5, 3, 2], 51);
    const h0 = randomTensor([2, 5, 3, 4], 52, 0.5);
    const c0 = randomTensor([2, 5, 3, 4], 53, 0.5);
    const y = layer.apply(x, { initialState: [h0, c0] }) as Tensor;
    const expected = convLstmRef(ref(x), ref(weights[0]), ref(weights[1]), ref(weights[2]), referenceSpec(layer), { h: ref(h0), c: ref(c0) });
    expectClose(y, expected.output);
    expectError(() => layer.apply(x, { initialState: [h0] }), ShapeError, ['initialState', '[h, c]']);
    expectError(() => layer.apply(x, { initialState: [h0, randomTensor([2, 5, 4, 4], 1)] }), ShapeError, ['initialState[1]', '(c)']);
  });

  it('keeps WebAssembly memory flat over repeated calls', () => {
    const layer = new ConvLSTM2D(3, 3, { returnSequences: true });
    const x = randomTensor([2, 4, 6, 5, 3], 60);
    const first = layer.apply(x) as Tensor;
    const before = memoryBytes();
    for (let i = 0; i < 20; i++) expect(Array.from((layer.apply(x) as Tensor).data)).toEqual(Array.from(first.data));
    expect(memoryBytes()).toBe(before);
    layer.dispose();
  });
});

describe('ConvLSTM layers: weights, configs, summary', () => {
  it('weights in Keras order and shapes; unit_forget_bias sets the forget block to 1', () => {
    const layer = new ConvLSTM2D({ filters: 5, kernelSize: [3, 2], seed: 3, name: 'cl' });
    layer.build([null, 4, 8, 8, 3]);
    const [kernel, recurrent, bias] = layer.getWeights();
    expect(kernel.shape).toEqual([3, 2, 3, 20]);
    expect(recurrent.shape).toEqual([3, 2, 5, 20]);
    expect(bias.shape).toEqual([20]);
    expect(Array.from(bias.data)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // Keras: 4 * F * (k * (C + F)) + 4 * F.
    expect(layer.countParams()).toBe(4 * 5 * (6 * (3 + 5)) + 20);
    const withoutBias = new ConvLSTM1D(2, 3, { useBias: false });
    withoutBias.build([null, 2, 5, 4]);
    expect(withoutBias.getWeights().map((w) => w.shape)).toEqual([[3, 4, 8], [3, 2, 8]]);
  });

  it('getConfig / fromConfig round trip, and Keras 3 configs', () => {
    const layer = new ConvLSTM2D({
      filters: 3, kernelSize: [2, 3], strides: [1, 2], padding: 'same', activation: 'relu', recurrentActivation: 'hard_sigmoid',
      returnSequences: true, returnState: true, goBackwards: true, unitForgetBias: false, dropout: 0.25, name: 'round',
    });
    const config = layer.getConfig();
    expect(config).toMatchObject({
      name: 'round', filters: 3, kernel_size: [2, 3], strides: [1, 2], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1],
      activation: 'relu', recurrent_activation: 'hard_sigmoid', return_sequences: true, return_state: true, go_backwards: true,
      unit_forget_bias: false, dropout: 0.25, recurrent_dropout: 0, stateful: false,
    });
    const copy = ConvLSTM2D.fromConfig(config);
    expect(copy.getConfig()).toEqual(config);
    const spec = serializeLayer(layer);
    expect(spec.class_name).toBe('ConvLSTM2D');
    expect((deserializeLayer(spec) as ConvLSTM2D).getConfig()).toEqual(config);
    // A Keras 3.8 ConvLSTM2D config as written to a file (tleeds1--human-activity-recognition).
    const keras = ConvLSTM2D.fromConfig({
      name: 'conv_lstm2d', trainable: true, dtype: 'float32', return_sequences: true, return_state: false, go_backwards: false, stateful: false,
      unroll: false, zero_output_for_mask: false, filters: 4, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', data_format: 'channels_last',
      dilation_rate: [1, 1], activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true,
      kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
      recurrent_initializer: { module: 'keras.initializers', class_name: 'Orthogonal', config: { seed: null, gain: 1.0 }, registered_name: null },
      bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
      unit_forget_bias: true, kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null,
      kernel_constraint: null, recurrent_constraint: null, bias_constraint: null, dropout: 0.2, recurrent_dropout: 0.0, seed: null,
    });
    expect(keras.computeOutputShape([null, 20, 64, 64, 3])).toEqual([null, 20, 62, 62, 4]);
    keras.build([null, 20, 64, 64, 3]);
    expect(keras.countParams()).toBe(1024);
    const oneD = ConvLSTM1D.fromConfig(new ConvLSTM1D(2, 3, { dilationRate: 2 }).getConfig());
    expect(oneD.dilationRate).toEqual([2]);
  });

  it('summary rows and parameter counts in a Sequential and a functional model', () => {
    const model = new Sequential({
      name: 'video',
      layers: [
        new ConvLSTM2D(4, 3, { inputShape: [5, 9, 9, 3], returnSequences: true, name: 'cl_a' }),
        new ConvLSTM2D(2, [1, 1], { name: 'cl_b' }),
      ],
    });
    const text = model.summary({ print: false, layout: 'tf.keras' }) as unknown as string;
    expect(text).toContain('cl_a (ConvLSTM2D)');
    expect(text).toContain('(None, 5, 7, 7, 4)');
    expect(text).toContain('(None, 7, 7, 2)');
    const first = 4 * 4 * (9 * (3 + 4)) + 16;
    const second = 4 * 2 * (4 + 2) + 8;
    expect(model.countParams()).toBe(first + second);
    expect(text).toContain(`Total params: ${(first + second).toLocaleString('en-US')}`);

    const input = Input({ shape: [3, 7, 2] });
    const layer = new ConvLSTM1D(3, 2, { returnState: true, name: 'states' });
    const [out, h, c] = layer.apply(input) as ReturnType<typeof Input>[];
    expect([out.shape, h.shape, c.shape]).toEqual([[null, 6, 3], [null, 6, 3], [null, 6, 3]]);
    const functional = new Model({ inputs: input, outputs: [out, c] });
    const x = randomTensor([2, 3, 7, 2], 70);
    const [y, cFinal] = functional.predict(x) as Tensor[];
    const [kernel, recurrent, bias] = layer.getWeights();
    const expected = convLstmRef(ref(x), ref(kernel), ref(recurrent), ref(bias), referenceSpec(layer));
    expectClose(y, expected.output);
    expectClose(cFinal, expected.c);
  });
});

describe('ConvLSTM layers: errors', () => {
  it('bad options are ConfigErrors naming the option', () => {
    expectError(() => new ConvLSTM2D({ filters: 0, kernelSize: 3 }), ConfigError, ['filters', 'positive integer']);
    expectError(() => new ConvLSTM2D({ filters: 2, kernelSize: [3] }), ConfigError, ['kernelSize']);
    expectError(() => new ConvLSTM1D({ filters: 2, kernelSize: 3, padding: 'causal' as 'same' }), ConfigError, ['padding', "'valid' or 'same'"]);
    expectError(() => new ConvLSTM2D({ filters: 2, kernelSize: 3, stateful: true }), ConfigError, ['stateful']);
    expectError(() => new ConvLSTM2D({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 }), ConfigError, ['strides', 'dilationRate']);
    expectError(() => new ConvLSTM2D({ filters: 2, kernelSize: 3, recurrentActivation: 'softmax' as 'tanh' }), ConfigError, ['recurrentActivation', 'softmax']);
    expectError(() => new ConvLSTM2D({ filters: 2, kernelSize: 3, dataFormat: 'channels_first' as 'channels_last' }), ConfigError, ['channels_first']);
    expectError(() => new ConvLSTM2D({ filters: 2, kernelSize: 3, returnSequence: true } as ConvLSTMOptions), ConfigError, ['returnSequence']);
  });

  it('bad shapes are ShapeErrors, and the next valid call still works', () => {
    const layer = new ConvLSTM2D(2, 3);
    const good = randomTensor([1, 2, 4, 4, 1], 80);
    expectError(() => layer.apply(randomTensor([1, 4, 4, 1], 81)), ShapeError, ['rank 5', '[1, 4, 4, 1]']);
    expectError(() => layer.apply(randomTensor([1, 2, 2, 4, 1], 82)), ShapeError, ['too short']);
    const y = layer.apply(good) as Tensor;
    expect(y.shape).toEqual([1, 2, 2, 2]);
    expectError(() => layer.apply(randomTensor([1, 2, 4, 4, 3], 83)), ShapeError, ['1 channels']);
    expectError(() => layer.setWeights([randomTensor([3, 3, 1, 8], 84)]), ShapeError, ['3 tensors']);
    expect(Array.from((layer.apply(good) as Tensor).data)).toEqual(Array.from(y.data));
  });

  it('an input mask is refused with a ConfigError naming the layer', () => {
    const input = Input({ shape: [3, 2, 2, 1] });
    const masked = new Masking().apply(input);
    const out = new ConvLSTM2D(2, 1, { name: 'masked_cl' }).apply(masked) as ReturnType<typeof Input>;
    const model = new Model({ inputs: input, outputs: out });
    expectError(() => model.predict(randomTensor([1, 3, 2, 2, 1], 90)), ConfigError, ['masked_cl', 'mask']);
  });
});
