// Conv1D/2D/3D, Max/AveragePooling1D/2D/3D and the global poolings as layers: numbers against
// the float64 reference (test/reference/conv.ts), Keras configs both ways, weights in Keras
// order, parameter counts, output shapes, masks, TimeDistributed around them, and the typed
// errors bad options and shapes get (after which the next valid call still works).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AveragePooling1D, AveragePooling2D, AveragePooling3D, ConfigError, Conv1D, Conv2D, Conv3D, Dense, GlobalAveragePooling1D,
  GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, Input, LSTM, Masking, MaxPooling1D, MaxPooling2D, MaxPooling3D,
  Model, Sequential, ShapeError, TimeDistributed, deserializeLayer, ready, serializeLayer, tensor, type Tensor,
} from '../dist/index.js';
import { convRef, globalPoolRef, poolRef } from './reference/conv.js';
import { ACTIVATION_REFS, axisActivationRef } from './reference/extra-layers.js';
import type { ReferenceTensor } from './reference/types.js';
import { expectClose } from './expect-close.js';
import { expectError, untyped } from './expect-error.js';
import { randomFloats, seededRandom } from './random.js';

beforeAll(async () => {
  await ready();
});

const ref = (t: Tensor): ReferenceTensor => ({ shape: [...t.shape], data: Float64Array.from(t.data) });

function randomTensor(shape: number[], seed: number, scale = 1): Tensor {
  return tensor(randomFloats(seededRandom(seed), shape.reduce((a, b) => a * b, 1), scale), shape);
}

describe('Conv1D, Conv2D, Conv3D', () => {
  it('Conv1D same, stride 2, relu: the reference, shape and params', () => {
    const layer = new Conv1D(7, 3, { strides: 2, padding: 'same', activation: 'relu', name: 'c1' });
    const x = randomTensor([3, 13, 5], 1);
    const y = layer.apply(x);
    const [kernel, bias] = layer.getWeights();
    expect(kernel.shape).toEqual([3, 5, 7]);
    expect(bias.shape).toEqual([7]);
    expect(layer.countParams()).toBe(3 * 5 * 7 + 7);
    expect(layer.computeOutputShape([null, 13, 5])).toEqual([null, 7, 7]);
    expectClose(y, convRef(ref(x), ref(kernel), ref(bias), { strides: [2], dilations: [1], padding: 'same' }, 1, 'relu'));
  });

  it('Conv1D causal with dilation and groups, weights set in Keras order', () => {
    const layer = new Conv1D({ filters: 6, kernelSize: 3, padding: 'causal', dilationRate: 2, groups: 2 });
    const kernel = randomTensor([3, 2, 6], 2, 0.5);
    const bias = randomTensor([6], 3);
    layer.setWeights([kernel, bias]);
    const x = randomTensor([2, 9, 4], 4);
    expectClose(layer.apply(x), convRef(ref(x), ref(kernel), ref(bias), { strides: [1], dilations: [2], padding: 'causal' }, 2));
    expect(layer.getWeights().map((w) => Array.from(w.data))).toEqual([Array.from(kernel.data), Array.from(bias.data)]);
  });

  it('any Keras activation (gelu, mish, leaky_relu, celu, hard_silu, log_softmax): the float64 reference of the linear convolution, then the activation', () => {
    const x = randomTensor([2, 7, 6, 3], 5, 2);
    for (const activation of ['gelu', 'mish', 'leaky_relu', 'celu', 'hard_silu', 'log_softmax'] as const) {
      const layer = new Conv2D(4, [2, 3], { padding: 'same', activation, seed: 6 });
      const y = layer.apply(x);
      const [kernel, bias] = layer.getWeights();
      const linear = convRef(ref(x), ref(kernel), ref(bias), { strides: [1, 1], dilations: [1, 1], padding: 'same' }, 1);
      const want = activation === 'log_softmax' ? axisActivationRef('log_softmax', linear) : { shape: linear.shape, data: linear.data.map(ACTIVATION_REFS[activation]) };
      expectClose(y, want);
      expect(serializeLayer(layer).config).toMatchObject({ activation });
    }
  });

  it('Conv2D same with strides, and without bias', () => {
    const layer = new Conv2D(4, [3, 2], { strides: [2, 1], padding: 'same', useBias: false });
    const x = randomTensor([2, 5, 7, 3], 5);
    const y = layer.apply(x);
    const [kernel] = layer.getWeights();
    expect(layer.getWeights()).toHaveLength(1);
    expect(y.shape).toEqual([2, 3, 7, 4]);
    expectClose(y, convRef(ref(x), ref(kernel), null, { strides: [2, 1], dilations: [1, 1], padding: 'same' }, 1));
  });

  it('Conv3D valid with dilation', () => {
    const layer = new Conv3D({ filters: 3, kernelSize: 2, dilationRate: [1, 2, 1], activation: 'tanh' });
    const x = randomTensor([2, 3, 5, 4, 2], 6);
    const y = layer.apply(x);
    const [kernel, bias] = layer.getWeights();
    expect(y.shape).toEqual([2, 2, 3, 3, 3]);
    const expected = convRef(ref(x), ref(kernel), ref(bias), { strides: [1, 1, 1], dilations: [1, 2, 1], padding: 'valid' }, 1);
    expectClose(y, { shape: expected.shape, data: expected.data.map(Math.tanh) });
  });

  it('getConfig is what Keras writes, and fromConfig / deserializeLayer read it back', () => {
    const layer = new Conv1D(8, 5, { strides: 1, padding: 'causal', dilationRate: 2, activation: 'relu', name: 'conv_a' });
    const config = layer.getConfig();
    expect(config).toMatchObject({
      name: 'conv_a', filters: 8, kernel_size: [5], strides: [1], padding: 'causal', data_format: 'channels_last',
      dilation_rate: [2], groups: 1, activation: 'relu', use_bias: true,
    });
    const copy = deserializeLayer(serializeLayer(layer)) as Conv1D;
    expect(copy).toBeInstanceOf(Conv1D);
    expect(copy.getConfig()).toEqual(config);
  });

  it('reads a Keras 2 config with the keys that do not matter at inference', () => {
    const layer = deserializeLayer({
      class_name: 'Conv1D',
      config: {
        name: 'conv1d_2', trainable: true, batch_input_shape: [null, 30, 14], dtype: 'float32', filters: 64, kernel_size: [3],
        strides: [1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1], groups: 1, activation: 'relu', use_bias: true,
        kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
        kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
      },
    });
    expect(layer.batchInputShape).toEqual([null, 30, 14]);
    expect(layer.computeOutputShape([null, 30, 14])).toEqual([null, 28, 64]);
  });

  it('refuses bad options with the option named', () => {
    expectError(() => new Conv1D(untyped({ filters: 4, kernelSize: 3, kernel_size: 3 })), ConfigError, ["unknown option 'kernel_size'", "did you mean 'kernelSize'"]);
    expectError(() => new Conv1D(0, 3), ConfigError, ["option 'filters'", 'received 0']);
    expectError(() => new Conv1D(4, untyped([3, 3])), ConfigError, ["option 'kernelSize'", 'list of 1']);
    expectError(() => new Conv2D(4, 3, { padding: 'causal' }), ConfigError, ["option 'padding'", "'valid' or 'same'"]);
    expectError(() => new Conv1D(4, 3, { strides: 2, dilationRate: 2 }), ConfigError, ['strides', 'dilationRate']);
    expectError(() => new Conv1D(6, 3, { groups: 4 }), ConfigError, ["option 'groups'", 'divides filters (6)']);
    expectError(() => new Conv1D(4, 3, { dataFormat: untyped('channels_first') }), ConfigError, ['channels_first', 'not supported']);
    expectError(() => new Conv1D(4, 3, { activation: untyped('gelu_fast') }), ConfigError, ["option 'activation'", 'gelu_fast']);
  });

  it('refuses bad shapes and weights, then still runs', () => {
    const layer = new Conv1D(4, 3, { name: 'shapes', groups: 2 });
    expectError(() => layer.apply(randomTensor([2, 5], 1)), ShapeError, ['shapes: input must have rank 3', '[2, 5]']);
    expectError(() => layer.apply(randomTensor([2, 2, 4], 1)), ShapeError, ['too short', "padding 'valid'"]);
    expectError(() => layer.apply(randomTensor([2, 6, 3], 1)), ShapeError, ['multiple of groups (2)']);
    expectError(() => layer.setWeights([randomTensor([3, 2, 5], 1), randomTensor([4], 1)]), ShapeError, ['setWeights kernel must have shape [3, 2, 4]']);
    expect(layer.apply(randomTensor([2, 6, 4], 1)).shape).toEqual([2, 4, 4]);
    expectError(() => layer.apply(randomTensor([2, 6, 6], 1)), ShapeError, ['must have 4 channels']);
    expectError(() => layer.setWeights([randomTensor([3, 3, 4], 1), randomTensor([4], 1)]), ShapeError, ['[3, 2, 4]', '[3, 3, 4]']);
    expect(layer.apply(randomTensor([1, 3, 4], 2)).shape).toEqual([1, 1, 4]);
  });
});

describe('MaxPooling and AveragePooling', () => {
  const cases = [
    { make: () => new MaxPooling1D(), mode: 'max', shape: [3, 7, 5], pool: [2], strides: [2], padding: 'valid' },
    { make: () => new AveragePooling1D({ poolSize: 3, strides: 2, padding: 'same' }), mode: 'average', shape: [2, 8, 3], pool: [3], strides: [2], padding: 'same' },
    { make: () => new MaxPooling2D({ poolSize: [2, 3], padding: 'same' }), mode: 'max', shape: [2, 5, 7, 3], pool: [2, 3], strides: [2, 3], padding: 'same' },
    { make: () => new AveragePooling2D({ poolSize: 2, strides: 1 }), mode: 'average', shape: [2, 4, 5, 2], pool: [2, 2], strides: [1, 1], padding: 'valid' },
    { make: () => new MaxPooling3D({ poolSize: [1, 2, 2], padding: 'same' }), mode: 'max', shape: [2, 3, 5, 5, 4], pool: [1, 2, 2], strides: [1, 2, 2], padding: 'same' },
    { make: () => new AveragePooling3D({ poolSize: 2, padding: 'same' }), mode: 'average', shape: [1, 3, 3, 5, 2], pool: [2, 2, 2], strides: [2, 2, 2], padding: 'same' },
  ] as const;
  for (const c of cases) {
    const layer = c.make();
    it(`${layer.className} ${JSON.stringify(c.pool)} ${c.padding}: the reference, and its config round trip`, () => {
      const x = tensor(Array.from(randomTensor([...c.shape], 9).data, (v) => v - 2), [...c.shape]);
      const y = layer.apply(x);
      expectClose(y, poolRef(ref(x), { kernel: [...c.pool], strides: [...c.strides], padding: c.padding }, c.mode));
      expect(layer.computeOutputShape([null, ...c.shape.slice(1)])).toEqual([null, ...y.shape.slice(1)]);
      expect(layer.countParams()).toBe(0);
      expect(layer.getWeights()).toEqual([]);
      const copy = deserializeLayer(serializeLayer(layer));
      expect(copy.className).toBe(layer.className);
      expect(copy.getConfig()).toEqual({ ...layer.getConfig() });
    });
  }

  it('reads Keras 3 configs, where strides may be null', () => {
    const layer = deserializeLayer({ class_name: 'MaxPooling1D', config: { name: 'mp', pool_size: [2], strides: null, padding: 'valid', data_format: 'channels_last', trainable: true, dtype: 'float32' } });
    expect(layer.computeOutputShape([null, 5, 64])).toEqual([null, 2, 64]);
  });

  it('refuses bad options and shapes', () => {
    expectError(() => new MaxPooling1D({ poolSize: 0 }), ConfigError, ["option 'poolSize'"]);
    expectError(() => new MaxPooling2D(untyped<never>({ pool_size: 2 })), ConfigError, ["unknown option 'pool_size'", "'poolSize'"]);
    expectError(() => new AveragePooling1D({ padding: untyped('causal') }), ConfigError, ["option 'padding'"]);
    const layer = new MaxPooling2D({ name: 'mp2' });
    expectError(() => layer.apply(randomTensor([2, 5, 3], 1)), ShapeError, ['mp2: input must have rank 4']);
    expectError(() => layer.apply(randomTensor([2, 1, 4, 3], 1)), ShapeError, ['too short']);
    expect(layer.apply(randomTensor([1, 2, 2, 1], 1)).shape).toEqual([1, 1, 1, 1]);
  });
});

describe('global pooling', () => {
  it('max and mean over every spatial axis, keepdims', () => {
    const x1 = randomTensor([3, 6, 5], 11);
    const x2 = randomTensor([2, 3, 4, 5], 12);
    expectClose(new GlobalMaxPooling1D().apply(x1), globalPoolRef(ref(x1), 'max'));
    expectClose(new GlobalAveragePooling1D().apply(x1), globalPoolRef(ref(x1), 'average'));
    expectClose(new GlobalMaxPooling2D().apply(x2), globalPoolRef(ref(x2), 'max'));
    const kept = new GlobalAveragePooling2D({ keepdims: true }).apply(x2);
    expect(kept.shape).toEqual([2, 1, 1, 5]);
    expectClose(Array.from(kept.data), globalPoolRef(ref(x2), 'average').data);
    expect(new GlobalMaxPooling1D({ keepdims: true }).computeOutputShape([null, 7, 3])).toEqual([null, 1, 3]);
  });

  it('GlobalAveragePooling1D averages the unmasked steps only; GlobalMaxPooling1D ignores the mask', () => {
    const x = randomTensor([3, 5, 4], 13);
    const mask = tensor([1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0], [3, 5]);
    const expected = globalPoolRef(ref(x), 'average', ref(mask));
    const y = new GlobalAveragePooling1D().apply(x, { mask });
    expectClose(Array.from(y.data).slice(0, 8), expected.data.slice(0, 8));
    // Keras divides by a zero count: the fully masked row is NaN.
    expect(Array.from(y.data).slice(8).every(Number.isNaN)).toBe(true);
    expectClose(new GlobalMaxPooling1D().apply(x, { mask }), globalPoolRef(ref(x), 'max'));
  });

  it('takes the mask Masking produces inside a model', () => {
    const input = Input({ shape: [4, 3] });
    const pooled = new GlobalAveragePooling1D().apply(new Masking({ maskValue: 0 }).apply(input));
    const model = new Model({ inputs: input, outputs: pooled });
    const x = tensor([1, 2, 3, 0, 0, 0, 3, 4, 5, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4], [2, 4, 3]);
    expectClose(model.predict(x) as Tensor, { shape: [2, 3], data: [2, 3, 4, 2.5, 2.5, 2.5] });
  });

  it('refuses a mask on the 2-D layers and a mask of the wrong shape', () => {
    const x = randomTensor([2, 3, 4, 5], 1);
    expectError(() => new GlobalAveragePooling2D().apply(x, untyped({ mask: tensor([1, 1], [2, 1]) })), ConfigError, ["unknown option 'mask'"]);
    expectError(() => new GlobalAveragePooling1D({ name: 'g' }).apply(randomTensor([2, 3, 4], 1), { mask: tensor([1, 1], [1, 2]) }), ShapeError, ['g: mask must have shape [2, 3]']);
  });
});

describe('inside models', () => {
  it('Conv1D -> MaxPooling1D -> LSTM -> Dense: the summary rows and parameter counts Keras prints', () => {
    const model = new Sequential({ layers: [
      new Conv1D(64, 3, { activation: 'relu', inputShape: [7, 1], name: 'conv1d' }),
      new MaxPooling1D({ poolSize: 2, name: 'max_pooling1d' }),
      new LSTM(16, { name: 'lstm' }),
      new Dense(1, { name: 'dense' }),
    ] });
    const text = model.summary({ print: false, layout: 'tf.keras' });
    expect(text).toMatch(/conv1d \(Conv1D\) +\(None, 5, 64\) +256/);
    expect(text).toMatch(/max_pooling1d \(MaxPooling1 +\(None, 2, 64\) +0/);
    expect(model.countParams()).toBe(256 + 4 * 16 * (64 + 16 + 1) + 17);
    expect(model.predict(randomTensor([3, 7, 1], 2)).shape).toEqual([3, 1]);
  });

  it('TimeDistributed(Conv2D) and TimeDistributed(MaxPooling2D) run the inner layer on every frame', () => {
    const conv = new TimeDistributed(new Conv2D(4, 3, { padding: 'same', activation: 'relu' }));
    const pool = new TimeDistributed(new MaxPooling2D({ poolSize: 2 }));
    const x = randomTensor([2, 3, 6, 5, 2], 21);
    const y = conv.apply(x);
    expect(y.shape).toEqual([2, 3, 6, 5, 4]);
    expect(conv.computeOutputShape([null, 3, 6, 5, 2])).toEqual([null, 3, 6, 5, 4]);
    const [kernel, bias] = conv.getWeights();
    const frames: ReferenceTensor = { shape: [6, 6, 5, 2], data: Float64Array.from(x.data) };
    const expected = convRef(frames, ref(kernel), ref(bias), { strides: [1, 1], dilations: [1, 1], padding: 'same' }, 1, 'relu');
    expectClose(Array.from(y.data), expected.data);
    const pooled = pool.apply(y);
    expect(pooled.shape).toEqual([2, 3, 3, 2, 4]);
    const expectedPool = poolRef({ shape: [6, 6, 5, 4], data: Float64Array.from(y.data) }, { kernel: [2, 2], strides: [2, 2], padding: 'valid' }, 'max');
    expectClose(Array.from(pooled.data), expectedPool.data);
    expect(conv.countParams()).toBe(3 * 3 * 2 * 4 + 4);
    const copy = deserializeLayer(serializeLayer(conv));
    expect(copy.getConfig()).toEqual(conv.getConfig());
  });
});
