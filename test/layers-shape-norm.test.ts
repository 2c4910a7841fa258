// Flatten, Reshape, Permute, RepeatVector, Activation (every Keras name, also as Dense's activation)
// and BatchNormalization at inference, on odd sizes, against the float64 helpers in
// test/reference/extra-layers.ts; configs, weights, summaries, masks and errors as Keras has them.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Activation, BatchNormalization, ConfigError, Dense, Flatten, Input, KERAS_ACTIVATION_NAMES, LSTM, Masking, Model, Permute,
  RepeatVector, Reshape, Sequential, ShapeError, deserializeLayer, ready, serializeLayer, tensor, type KerasActivationName,
} from '../dist/index.js';
import { expectClose } from './expect-close.js';
import { expectError, untyped } from './expect-error.js';
import { randomTensor, toRef } from './model-helpers.js';
import { seededRandom } from './random.js';
import { denseRef } from './reference/layers.js';
import {
  ACTIVATION_REFS, axisActivationRef, batchNormRef, erfRef, permuteRef, repeatVectorRef,
} from './reference/extra-layers.js';

beforeAll(async () => {
  await ready();
});

describe('Flatten', () => {
  it('flattens each sample row-major, channels fastest, and any rank', () => {
    const x = randomTensor(seededRandom(1), [3, 5, 7]);
    const y = new Flatten().apply(x);
    expect(y.shape).toEqual([3, 35]);
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
    expect(new Flatten().apply(randomTensor(seededRandom(2), [2, 3, 1, 5])).shape).toEqual([2, 15]);
    expect(new Flatten().computeOutputShape([null, 5, 7])).toEqual([null, 35]);
    expect(new Flatten().computeOutputShape([null, null, 7])).toEqual([null, null]);
  });

  it("moves channels last first with dataFormat 'channels_first'", () => {
    const x = randomTensor(seededRandom(3), [2, 3, 5, 7]);
    const y = new Flatten({ dataFormat: 'channels_first' }).apply(x);
    expectClose(y, { shape: [2, 105], data: permuteRef(toRef(x), [0, 2, 3, 1]).data });
  });

  it('reads its Keras config and refuses bad options', () => {
    const layer = Flatten.fromConfig({ name: 'flatten_3', trainable: true, dtype: 'float32', data_format: 'channels_last' });
    expect(layer.name).toBe('flatten_3');
    expect(serializeLayer(layer)).toEqual({ class_name: 'Flatten', config: { name: 'flatten_3', trainable: true, dtype: 'float32', data_format: 'channels_last' } });
    expectError(() => new Flatten(untyped({ dataFormat: 'nhwc' })), ConfigError, ["option 'dataFormat'", 'nhwc']);
    expectError(() => new Flatten(untyped({ data_format: 'channels_last' })), ConfigError, ["unknown option 'data_format'", "did you mean 'dataFormat'"]);
  });
});

describe('Reshape', () => {
  it('reshapes each sample, inferring one -1', () => {
    const x = randomTensor(seededRandom(4), [3, 12]);
    expect(new Reshape([4, 3]).apply(x).shape).toEqual([3, 4, 3]);
    const y = new Reshape({ targetShape: [-1, 1] }).apply(x);
    expect(y.shape).toEqual([3, 12, 1]);
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
    expect(new Reshape([2, -1, 3]).computeOutputShape([null, 5, 6])).toEqual([null, 2, 5, 3]);
    expect(new Reshape([-1, 3]).computeOutputShape([null, null, 6])).toEqual([null, null, 3]);
  });

  it('refuses a target the input cannot fill, and bad targets', () => {
    expectError(() => new Reshape([5, 3]).apply(randomTensor(seededRandom(5), [2, 12])), ShapeError, ['cannot reshape', '[2, 12]', '[5, 3]']);
    expectError(() => new Reshape([-1, 5]).computeOutputShape([null, 12]), ShapeError, ['cannot reshape']);
    expectError(() => new Reshape([-1, -1]), ConfigError, ["option 'targetShape'", 'at most one -1']);
    expectError(() => new Reshape(untyped({ targetShape: 'abc' })), ConfigError, ["option 'targetShape'"]);
    expectError(() => new Reshape([2], untyped({ targetShape: [2] })), ConfigError, ['given twice']);
  });

  it('reads Keras 2 and Keras 3 configs (None as null)', () => {
    expect(Reshape.fromConfig({ name: 'reshape', target_shape: [128, 1], batch_input_shape: [null, 128] }).targetShape).toEqual([128, 1]);
    expect(Reshape.fromConfig({ name: 'r', target_shape: [null, 4] }).targetShape).toEqual([-1, 4]);
    const layer = new Reshape([3, -1], { name: 'r2' });
    expect(deserializeLayer(serializeLayer(layer)).getConfig()).toEqual(layer.getConfig());
  });
});

describe('Permute', () => {
  for (const [shape, dims] of [[[2, 3, 5], [2, 1]], [[3, 2, 5, 7], [3, 1, 2]], [[2, 3, 4, 5], [2, 3, 1]], [[3, 5, 7], [1, 2]]] as const) {
    it(`dims ${JSON.stringify(dims)} on (${shape.join(', ')})`, () => {
      const x = randomTensor(seededRandom(shape.length * 10 + dims[0]), [...shape]);
      expectClose(new Permute([...dims]).apply(x), permuteRef(toRef(x), [0, ...dims]));
    });
  }

  it('refuses a non-permutation and an input of the wrong rank', () => {
    expectError(() => new Permute([0, 1]), ConfigError, ["option 'dims'", 'permutation of 1..n']);
    expectError(() => new Permute([1, 1]), ConfigError, ["option 'dims'"]);
    expectError(() => new Permute([2, 1]).apply(randomTensor(seededRandom(6), [2, 3])), ShapeError, ['rank 3', '[2, 3]']);
    expect(Permute.fromConfig({ name: 'attention_vec', trainable: true, dims: [1, 2] }).dims).toEqual([1, 2]);
  });
});

describe('RepeatVector', () => {
  it('repeats each vector n times', () => {
    const x = randomTensor(seededRandom(7), [3, 5]);
    expectClose(new RepeatVector(7).apply(x), repeatVectorRef(toRef(x), 7));
    expect(new RepeatVector({ n: 4 }).computeOutputShape([null, 9])).toEqual([null, 4, 9]);
    expect(RepeatVector.fromConfig({ name: 'repeat_vector', n: 8 }).getConfig()).toEqual({ name: 'repeat_vector', trainable: true, dtype: 'float32', n: 8 });
  });

  it('refuses a bad n and inputs that are not (batch, features)', () => {
    expectError(() => new RepeatVector(0), ConfigError, ["option 'n'", 'positive integer']);
    expectError(() => new RepeatVector(2).apply(randomTensor(seededRandom(8), [2, 3, 4])), ShapeError, ['rank 2', '[2, 3, 4]']);
  });
});

describe('masks through the shape layers', () => {
  it('Flatten, Reshape, Permute and RepeatVector drop the mask (Keras 3), Activation passes it on', () => {
    const input = Input({ shape: [4, 3] });
    const masked = new Masking().apply(input);
    const flat = new Flatten().apply(new Activation('relu').apply(masked));
    const model = new Model({ inputs: input, outputs: [new LSTM(2, { returnSequences: true }).apply(new Activation('linear').apply(masked)), new RepeatVector(4).apply(flat)] });
    const x = randomTensor(seededRandom(9), [2, 4, 3]);
    x.data.fill(0, 3, 6);
    const [sequence, repeated] = model.predictAll(x);
    // Step 1 of sample 0 is masked: the LSTM carries step 0's output through it.
    expect(Array.from(sequence.data.subarray(2, 4))).toEqual(Array.from(sequence.data.subarray(0, 2)));
    expect(repeated.shape).toEqual([2, 4, 12]);
  });
});

describe('Activation', () => {
  const values = Float32Array.from([-7.5, -3.2, -2.6, -1.3, -1, -0.7, -0.5, -0.2, 0, 0.1, 0.45, 0.5, 0.9, 1, 1.7, 2.4, 2.6, 3.1, 5.9, 6.5, 11]);
  const x = tensor(values, [3, 7]);
  for (const name of KERAS_ACTIVATION_NAMES) {
    it(name, () => {
      if (name === 'softmax' || name === 'log_softmax' || name === 'sparsemax') {
        expectClose(new Activation(name).apply(x), axisActivationRef(name, toRef(x)));
        return;
      }
      const variants = name === 'hard_sigmoid' ? [['hard_sigmoid_keras2', 2], ['hard_sigmoid_keras3', 3]] as const : [[name, 3]] as const;
      for (const [refName, kerasVersion] of variants) {
        const expected = Float64Array.from(values, ACTIVATION_REFS[refName]);
        expectClose(new Activation(name, { kerasVersion }).apply(x), { shape: [3, 7], data: expected }, { label: `${name} (Keras ${kerasVersion})` });
      }
    });
  }

  it('gelu is the exact erf form', () => {
    expect(erfRef(0.5)).toBeCloseTo(0.5204998778130465, 14);
    expect(erfRef(3.5)).toBeCloseTo(0.9999992569016276, 14);
    const y = new Activation('gelu').apply(tensor([-3, -1, 1, 3], [1, 4]));
    expectClose(y, { shape: [1, 4], data: [-0.004049963930810, -0.158655253931457, 0.841344746068543, 2.995950036069190] }, { label: 'gelu' });
  });

  it("reads the Keras version from fromConfig options (hard_sigmoid) and refuses unknown names", () => {
    const input = tensor([[2]]);
    expect(Activation.fromConfig({ name: 'a', activation: 'hard_sigmoid' }, { kerasVersion: 2 }).apply(input).data[0]).toBeCloseTo(0.9, 6);
    expect(Activation.fromConfig({ name: 'a', activation: 'hard_sigmoid' }).apply(input).data[0]).toBeCloseTo(5 / 6, 6);
    expect(Activation.fromConfig({ name: 'a', activation: { class_name: 'function', config: 'softplus', module: 'keras.activations' } }).activation).toBe('softplus');
    expectError(() => new Activation(untyped('swishy')), ConfigError, ["option 'activation'", 'unknown activation "swishy"', 'expected one of']);
    expectError(() => new Activation(untyped({})), ConfigError, ["option 'activation'"]);
  });
});

describe('Dense with every Keras activation', () => {
  const names: KerasActivationName[] = ['gelu', 'mish', 'leaky_relu', 'softplus', 'log_softmax', 'hard_silu', 'sparsemax', 'celu'];
  for (const name of names) {
    it(name, () => {
      const random = seededRandom(40 + names.indexOf(name));
      const x = randomTensor(random, [3, 5, 7]);
      const layer = new Dense(9, { activation: name });
      layer.build([null, 5, 7]);
      const kernel = randomTensor(random, [7, 9]);
      const bias = randomTensor(random, [9]);
      layer.setWeights([kernel, bias]);
      const z = denseRef(toRef(x), toRef(kernel), toRef(bias), 'linear');
      const expected = name === 'log_softmax' || name === 'sparsemax'
        ? axisActivationRef(name, z)
        : { shape: z.shape, data: z.data.map(ACTIVATION_REFS[name]) };
      expectClose(layer.apply(x), expected);
    });
  }
});

describe('BatchNormalization', () => {
  function statistics(random: () => number, n: number) {
    const pick = (lo: number, hi: number) => Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * random()));
    return { gamma: pick(0.5, 2), beta: pick(-1, 1), mean: pick(-1, 1), variance: pick(0.01, 3) };
  }

  for (const [shape, axis] of [[[3, 7, 5], -1], [[3, 7, 5], 1], [[4, 9], 1], [[2, 3, 5, 7], [2]], [[2, 3, 5, 7], -3]] as const) {
    it(`axis ${JSON.stringify(axis)} on (${shape.join(', ')})`, () => {
      const random = seededRandom(shape.length * 7 + shape[1]);
      const rank = shape.length;
      const resolved = Array.isArray(axis) ? axis[0] : (axis as number) < 0 ? rank + (axis as number) : axis as number;
      const x = randomTensor(random, [...shape], 3);
      const w = statistics(random, shape[resolved]);
      const layer = new BatchNormalization({ axis: untyped(axis), epsilon: 0.001 });
      layer.build([null, ...shape.slice(1)]);
      expect(layer.getWeights().map((t) => t.shape)).toEqual([[shape[resolved]], [shape[resolved]], [shape[resolved]], [shape[resolved]]]);
      layer.setWeights([w.gamma, w.beta, w.mean, w.variance]);
      expectClose(layer.apply(x), batchNormRef(toRef(x), resolved, w, 0.001));
    });
  }

  it('without center or scale the weights are only the ones that exist, in Keras order', () => {
    const random = seededRandom(12);
    const x = randomTensor(random, [3, 5, 7]);
    const w = statistics(random, 7);
    const noScale = new BatchNormalization({ scale: false, epsilon: 0.01 });
    noScale.setWeights([w.beta, w.mean, w.variance]);
    expectClose(noScale.apply(x), batchNormRef(toRef(x), 2, { beta: w.beta, mean: w.mean, variance: w.variance }, 0.01));
    const neither = new BatchNormalization({ scale: false, center: false });
    neither.build([null, 5, 7]);
    expect(neither.getWeights().length).toBe(2);
    expectError(() => neither.setWeights([w.gamma, w.beta, w.mean, w.variance]), ShapeError, ['setWeights expects 2 tensors', 'moving_mean, moving_variance']);
  });

  it('tf.keras axis lists over several axes: weights broadcast over the whole rank', () => {
    const random = seededRandom(13);
    const x = randomTensor(random, [2, 3, 4]);
    const layer = new BatchNormalization({ axis: [1, 2] });
    layer.build([null, 3, 4]);
    expect(layer.getWeights()[0].shape).toEqual([1, 3, 4]);
    const w = statistics(random, 12);
    layer.setWeights([w.gamma, w.beta, w.mean, w.variance].map((v) => tensor(v, [1, 3, 4])));
    const y = layer.apply(x);
    for (let i = 0; i < x.size; i++) {
      const c = i % 12;
      const expected = (x.data[i] - w.mean[c]) / Math.sqrt(w.variance[c] + 0.001) * w.gamma[c] + w.beta[c];
      expect(Math.abs(y.data[i] - expected)).toBeLessThan(1e-5 + 1e-4 * Math.abs(expected));
    }
  });

  it('counts the moving statistics as non-trainable in the summaries', () => {
    const model = new Sequential([Input({ shape: [5, 7] }), new Dense(3), new BatchNormalization({ name: 'bn' })]);
    expect(model.countParams()).toBe(24 + 12);
    expect(model.layers[1].countNonTrainableParams()).toBe(6);
    const tf = model.summary({ print: false, layout: 'tf.keras' });
    expect(tf).toContain('Total params: 36');
    expect(tf).toContain('Trainable params: 30');
    expect(tf).toContain('Non-trainable params: 6');
    const k3 = model.summary({ print: false });
    expect(k3).toContain('Trainable params: 30 (120.00 B)');
    expect(k3).toContain('Non-trainable params: 6 (24.00 B)');
  });

  it('reads Keras 2 and 3 configs and round-trips its own', () => {
    const config = {
      name: 'batch_normalization', trainable: true, dtype: 'float32', axis: [2], momentum: 0.99, epsilon: 0.001, center: true, scale: true,
      beta_initializer: { class_name: 'Zeros', config: {} }, gamma_initializer: { class_name: 'Ones', config: {} },
      moving_mean_initializer: { class_name: 'Zeros', config: {} }, moving_variance_initializer: { class_name: 'Ones', config: {} },
      beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
    };
    const layer = BatchNormalization.fromConfig(config);
    expect(layer.axis).toEqual([2]);
    expect(deserializeLayer(serializeLayer(layer)).getConfig()).toEqual(layer.getConfig());
    expectError(() => BatchNormalization.fromConfig({ ...config, renorm: true }), ConfigError, ["'renorm'"]);
  });

  it('refuses bad options, inputs that do not fit its weights and weights of the wrong shape', () => {
    expectError(() => new BatchNormalization({ epsilon: -1 }), ConfigError, ["option 'epsilon'"]);
    expectError(() => new BatchNormalization(untyped({ axis: 'last' })), ConfigError, ["option 'axis'"]);
    expectError(() => new BatchNormalization(untyped({ moving_mean_initializer: 'zeros' })), ConfigError, ["did you mean 'movingMeanInitializer'"]);
    const layer = new BatchNormalization();
    layer.build([null, 4, 5]);
    expectError(() => layer.apply(randomTensor(seededRandom(14), [2, 4, 6])), ShapeError, ['does not fit the weights', '[5]']);
    expectError(() => layer.setWeights([[1], [1], [1], [1]]), ShapeError, ['gamma must have shape [5]']);
    expectError(() => new BatchNormalization({ axis: 0 }).build([null, 3]), ShapeError, ['non-batch axes']);
    expectError(() => new BatchNormalization({ axis: 3 }).build([null, 3]), ShapeError, ['out of range']);
    // The layer still works after the refusals.
    expect(layer.apply(randomTensor(seededRandom(15), [2, 4, 5])).shape).toEqual([2, 4, 5]);
  });
});
