// Keras' activation layers ReLU, LeakyReLU, ELU, Softmax and PReLU: construction (Keras'
// positional forms, refused options), predict against the float64 references of
// test/reference/activation-layers.ts on random inputs and edge values, masks, configs in Keras 3
// and tf.keras 2 spellings, and gradients against central differences of float64 forward passes.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ready, tensor, ReLU, LeakyReLU, ELU, Softmax, PReLU, Dense, Flatten, Masking, Sequential, Input, LSTM, TimeDistributed,
  Adam, ConfigError, ShapeError, deserializeLayer, serializeLayer, modelFromConfig, type Tensor, type Layer,
} from '../dist/index.js';
import { expectClose } from './expect-close.js';
import { expectError, untyped } from './expect-error.js';
import { expectGradients, randomize, ref } from './model-gradient-check.js';
import { testKernelVariant } from './kernel-variant.js';
import { randomFloats, seededRandom } from './random.js';
import { eluRef, preluRef, reluRef, softmaxRef } from './reference/activation-layers.js';
import { denseRef } from './reference/layers.js';
import type { ReferenceTensor } from './reference/index.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

/** Float32 arithmetic against float64: a couple of roundings. */
const F32 = { tolerance: { abs: 1e-37, rel: 4e-7 } };
const f = Math.fround;

/** Within F32 of the reference where float32 holds it; where it overflows float32, the same infinity. */
function expectF32(got: Tensor, expected: ReferenceTensor, label: string): void {
  expect(got.shape).toEqual(expected.shape);
  const overflow = (i: number) => !Number.isFinite(f(expected.data[i]));
  got.data.forEach((v, i) => { if (overflow(i)) expect(v, `${label}[${i}]`).toBe(f(expected.data[i])); });
  const keep = (_: number, i: number) => !overflow(i);
  expectClose(got.data.filter(keep), expected.data.filter(keep), { ...F32, label });
}

/** Random values and edges: signed zeros, tiny and huge magnitudes, exp's overflow and underflow ends. */
const EDGES = [0, -0, 1e-40, -1e-40, 1e-8, -1e-8, 0.3, -0.3, 1, -1, 6, -6, 88.7, -88.7, 89, -104, 1e30, -1e30, 3.4e38, -3.4e38];

function sample(seed: number, extra: readonly number[] = []): Tensor {
  const values = Float32Array.from([...EDGES, ...extra, ...randomFloats(seededRandom(seed), 60 - EDGES.length - extra.length, 8)]);
  return tensor(values, [2, 5, 6]);
}

describe('construction as in Keras', () => {
  it('defaults, positional first arguments and default names', () => {
    const relu = new ReLU();
    expect([relu.maxValue, relu.negativeSlope, relu.threshold]).toEqual([null, 0, 0]);
    expect(relu.name).toMatch(/^re_lu(_\d+)?$/);
    expect(new ReLU(6).maxValue).toBe(6);
    expect(new ReLU(6, { threshold: 1 }).threshold).toBe(1);
    expect(new LeakyReLU().negativeSlope).toBe(0.3);
    expect(new LeakyReLU(0.2).negativeSlope).toBe(0.2);
    expect(new LeakyReLU({ alpha: 0.1 }).negativeSlope).toBe(0.1);
    expect(new LeakyReLU().name).toMatch(/^leaky_re_lu(_\d+)?$/);
    expect(new ELU().alpha).toBe(1);
    expect(new ELU(0.5).alpha).toBe(0.5);
    expect(new ELU().name).toMatch(/^elu(_\d+)?$/);
    expect(new Softmax().axis).toBe(-1);
    expect(new Softmax(1).axis).toBe(1);
    expect(new Softmax([1, 2]).axis).toEqual([1, 2]);
    expect(new Softmax().name).toMatch(/^softmax(_\d+)?$/);
    expect(new PReLU().sharedAxes).toBeNull();
    expect(new PReLU({ sharedAxes: 1 }).sharedAxes).toEqual([1]);
    expect(new PReLU().name).toMatch(/^p_re_lu(_\d+)?$/);
    const ones = new PReLU('ones', { sharedAxes: [1] });
    ones.build([null, null, 3]);
    expect(ones.getWeights()[0].shape).toEqual([1, 3]);
    expect(Array.from(ones.getWeights()[0].data)).toEqual([1, 1, 1]);
  });

  it('refuses snake_case, unknown and bad options with a ConfigError naming them', () => {
    expectError(() => new ReLU(untyped({ max_value: 6 })), ConfigError, ["'max_value'", 'maxValue']);
    expectError(() => new ReLU({ maxValue: -1 }), ConfigError, ["'maxValue'", '>= 0', '-1']);
    expectError(() => new ReLU({ negativeSlope: -0.1 }), ConfigError, ["'negativeSlope'"]);
    expectError(() => new ReLU({ threshold: Number.NaN }), ConfigError, ["'threshold'"]);
    expectError(() => new ReLU(untyped('6')), ConfigError, ['ReLU']);
    expectError(() => new LeakyReLU({ negativeSlope: 0.2, alpha: 0.1 }), ConfigError, ["'negativeSlope'", "'alpha'"]);
    expectError(() => new LeakyReLU(-1), ConfigError, ["'negativeSlope'", '-1']);
    expectError(() => new LeakyReLU(untyped({ negative_slope: 0.1 })), ConfigError, ["'negative_slope'"]);
    expectError(() => new LeakyReLU(untyped({ kerasVersion: 2 })), ConfigError, ["'kerasVersion'"]);
    expectError(() => new Softmax(untyped({ kerasVersion: 4 })), ConfigError, ["'kerasVersion'"]);
    expectError(() => new ELU(untyped({ alpha: 'one' })), ConfigError, ["'alpha'"]);
    expectError(() => new ELU(untyped({ beta: 1 })), ConfigError, ["'beta'"]);
    expectError(() => new Softmax(untyped({ axis: 1.5 })), ConfigError, ["'axis'"]);
    expectError(() => new Softmax(untyped({ mask: [1] })), ConfigError, ["'mask'"]);
    expectError(() => new PReLU({ sharedAxes: [0] }), ConfigError, ["'sharedAxes'"]);
    expectError(() => new PReLU({ sharedAxes: [1, 1] }), ConfigError, ["'sharedAxes'"]);
    expectError(() => new PReLU(untyped({ alpha_initializer: 'ones' })), ConfigError, ["'alpha_initializer'"]);
    expectError(() => new PReLU({ alphaInitializer: 'nope' }), ConfigError, ["'alphaInitializer'"]);
  });
});

describe('predict against the float64 references', () => {
  const cases: [string, ReLU | LeakyReLU | ELU, (x: ReferenceTensor) => ReferenceTensor][] = [
    ['ReLU()', new ReLU(), (x) => reluRef(x)],
    ['ReLU(6)', new ReLU(6), (x) => reluRef(x, { maxValue: 6 })],
    ['ReLU max 10 slope 0.5 (the docstring example)', new ReLU({ maxValue: 10, negativeSlope: 0.5 }), (x) => reluRef(x, { maxValue: 10, negativeSlope: 0.5 })],
    ['ReLU threshold 0.3', new ReLU({ threshold: 0.3 }), (x) => reluRef(x, { threshold: f(0.3) })],
    ['ReLU slope 0.2 threshold 1', new ReLU({ negativeSlope: 0.2, threshold: 1 }), (x) => reluRef(x, { negativeSlope: f(0.2), threshold: 1 })],
    ['ReLU all three', new ReLU({ maxValue: 6, negativeSlope: 0.25, threshold: 1 }), (x) => reluRef(x, { maxValue: 6, negativeSlope: 0.25, threshold: 1 })],
    ['ReLU max 0', new ReLU({ maxValue: 0, negativeSlope: 0.1 }), (x) => reluRef(x, { maxValue: 0, negativeSlope: f(0.1) })],
    ['ReLU max 0.3 threshold 0.1', new ReLU({ maxValue: 0.3, threshold: 0.1 }), (x) => reluRef(x, { maxValue: f(0.3), threshold: f(0.1) })],
    ['LeakyReLU()', new LeakyReLU(), (x) => reluRef(x, { negativeSlope: f(0.3) })],
    ['LeakyReLU(0)', new LeakyReLU(0), (x) => reluRef(x)],
    ['LeakyReLU(1.5)', new LeakyReLU(1.5), (x) => reluRef(x, { negativeSlope: 1.5 })],
    ['ELU()', new ELU(), (x) => eluRef(x)],
    ['ELU(0.5)', new ELU(0.5), (x) => eluRef(x, 0.5)],
    ['ELU(0.1)', new ELU(0.1), (x) => eluRef(x, f(0.1))],
    ['ELU(-2)', new ELU(-2), (x) => eluRef(x, -2)],
  ];
  for (const [label, layer, reference] of cases) {
    it(label, () => {
      // The thresholds and caps themselves, exactly.
      const x = sample(label.length, [0.3, 1, 6, 10, 0.29999998]);
      const y = layer.apply(x) as Tensor;
      // The parameters are float32, as Keras casts them to the input's dtype (the references take them rounded).
      expectF32(y, reference(ref(x)), label);
    });
  }

  it('infinities, NaN and the sign of zero', () => {
    const x = tensor([Infinity, -Infinity, Number.NaN, -0, 0]);
    expect(Array.from((new ReLU().apply(x) as Tensor).data)).toEqual([Infinity, 0, Number.NaN, 0, 0]);
    expect(Array.from((new ReLU(6).apply(x) as Tensor).data)).toEqual([6, 0, Number.NaN, 0, 0]);
    expect(Array.from((new LeakyReLU(0.2).apply(x) as Tensor).data)).toEqual([Infinity, -Infinity, Number.NaN, -0, 0]);
    expect(Object.is((new LeakyReLU(0.2).apply(x) as Tensor).data[3], -0)).toBe(true);
    expect(Array.from((new ELU(0.5).apply(x) as Tensor).data)).toEqual([Infinity, -0.5, Number.NaN, -0, 0]);
    // TensorFlow's Elu keeps -0 (it is not below 0), and so does keras.ops.elu's alpha * expm1(-0).
    expect(Object.is((new ELU().apply(x) as Tensor).data[3], -0)).toBe(true);
    expect(Object.is((new ReLU().apply(x) as Tensor).data[3], 0)).toBe(true);
  });

  it('ELU near 0 keeps expm1 relative accuracy', () => {
    const x = tensor(Float32Array.from([-1e-7, -3e-5, -0.01, -0.3, -0.35, -0.4, -2, -20]));
    const y = new ELU(1.5).apply(x) as Tensor;
    expectClose(y, eluRef(ref(x), 1.5), { tolerance: { abs: 0, rel: 2.5e-7 } });
  });

  it('PReLU with alpha per value, shared along time, and along time and features', () => {
    for (const sharedAxes of [null, [1], [1, 2]]) {
      const layer = new PReLU({ sharedAxes });
      const x = sample(7);
      layer.build([...x.shape]);
      const shape = layer.getWeights()[0].shape;
      expect(shape).toEqual(sharedAxes === null ? [5, 6] : sharedAxes.length === 1 ? [1, 6] : [1, 1]);
      const alpha = randomFloats(seededRandom(3), shape.reduce((p, d) => p * d, 1), 1.5);
      layer.setWeights([tensor(alpha, [...shape])]);
      const y = layer.apply(x) as Tensor;
      expectF32(y, preluRef(ref(x), { shape: [...shape], data: Float64Array.from(alpha) }), JSON.stringify(sharedAxes));
      expect(layer.countParams()).toBe(alpha.length);
    }
  });

  it('PReLU refuses inputs its alpha does not fit, and a time axis of unknown length without sharing', () => {
    const layer = new PReLU();
    layer.build([null, 4, 3]);
    expectError(() => layer.apply(tensor(new Float32Array(2 * 5 * 3), [2, 5, 3])), ShapeError, ['[2, 5, 3]', '[4, 3]']);
    expectError(() => new Sequential({ layers: [Input({ shape: [null, 3] }), new PReLU()] }), ShapeError, ['sharedAxes: [1]']);
    expect(new Sequential({ layers: [Input({ shape: [null, 3] }), new PReLU({ sharedAxes: [1] })] }).countParams()).toBe(3);
  });

  it('Softmax over the last axis, another axis, several axes, with edge logits', () => {
    const x = sample(11, [1e30, -1e30, 1000, 999, -1000]);
    for (const axis of [-1, 1, 2, 0, [1, 2], [0, 2]] as const) {
      const axes = (typeof axis === 'number' ? [axis] : [...axis]).map((a) => (a < 0 ? a + 3 : a));
      const y = new Softmax(axis).apply(x) as Tensor;
      expectClose(y, softmaxRef(ref(x), axes), { tolerance: { abs: 1e-37, rel: 2e-6 }, label: JSON.stringify(axis) });
    }
    expectError(() => new Softmax(3).apply(x), ShapeError, ['axis 3', 'rank 3']);
    expectError(() => new Softmax([1, -2]).apply(x), ShapeError, ['repeats']);
  });

  it("Softmax's mask as Keras 3 and tf.keras 2 apply it: a large negative logit, masked outputs 0 in Keras 3", () => {
    const x = sample(12);
    const random = seededRandom(4);
    const full = tensor(Float32Array.from({ length: 60 }, () => (random() < 0.3 ? 0 : 1)), [2, 5, 6]);
    // A wholly masked row: Keras 3 gives zeros, tf.keras 2 the softmax of the float32 logits x - 1e9.
    full.data.fill(0, 0, 6);
    const features = tensor([1, 0, 1, 1, 0, 1]);
    const steps = tensor(Float32Array.from({ length: 30 }, (_, i) => (i % 4 === 0 ? 0 : 1)), [5, 6]);
    for (const mask of [full, features, steps]) {
      const keras3 = new Softmax().apply(x, { mask }) as Tensor;
      expectClose(keras3, softmaxRef(ref(x), [2], ref(mask), 3), { tolerance: { abs: 1e-37, rel: 2e-6 }, label: `mask ${JSON.stringify(mask.shape)}` });
      const keras2 = new Softmax({ kerasVersion: 2 }).apply(x, { mask }) as Tensor;
      const f32Logits = (v: number, kept: boolean) => (kept ? v : Math.fround(v - 1e9));
      expectClose(keras2, softmaxRef(ref(x), [2], ref(mask), 2, f32Logits), { tolerance: { abs: 1e-37, rel: 2e-6 }, label: `tf.keras 2 mask ${JSON.stringify(mask.shape)}` });
    }
    expect(Array.from((new Softmax().apply(x, { mask: full }) as Tensor).data.subarray(0, 6))).toEqual([0, 0, 0, 0, 0, 0]);
    expectError(() => new Softmax().apply(x, { mask: tensor(new Float32Array(10), [2, 5]) }), ShapeError, ['[2, 5]', '[2, 5, 6]', 'broadcast']);
    expectError(() => new Softmax().apply(x, untyped({ masks: full })), ConfigError, ["'masks'"]);
  });

  it("takes the model's mask as Keras passes it to call(mask=...), and passes it on", () => {
    // Masking's (batch, steps) mask broadcasts against (batch, steps, features) from the last axes,
    // as Keras' Softmax broadcasts it: here batch = steps = features = 3, so mask[t, f] masks x[b, t, f].
    const model = new Sequential({ layers: [new Masking({ maskValue: 0, inputShape: [3, 3] }), new Softmax(), new LSTM({ units: 2, seed: 1 })] });
    const x = tensor([[[1, 2, 3], [0, 0, 0], [4, 5, 6]], [[1, 1, 1], [2, 2, 2], [3, 3, 3]], [[0, 0, 0], [1, 0, 1], [2, 1, 0]]]);
    const softmax = model.layers[1];
    const inner = new Sequential({ layers: [new Masking({ maskValue: 0, inputShape: [3, 3] }), softmax] });
    const y = inner.predict(x) as Tensor;
    const mask = { shape: [3, 3], data: Float64Array.from([1, 0, 1, 1, 1, 1, 0, 1, 1]) };
    expectClose(y, softmaxRef(ref(x), [2], mask, 3), { tolerance: { abs: 1e-37, rel: 2e-6 } });
    expect((model.predict(x) as Tensor).shape).toEqual([3, 2]);
    expectError(() => new Sequential({ layers: [new Masking({ inputShape: [4, 3] }), new Softmax()] }).predict(tensor(new Float32Array(24), [2, 4, 3])), ShapeError, ['mask']);
  });
});

describe('configs: getConfig, fromConfig and both Keras spellings', () => {
  it('writes Keras 3 keys and reads them back', () => {
    const layers: [Layer, Record<string, unknown>][] = [
      [new ReLU({ name: 'r', maxValue: 6, negativeSlope: 0.1, threshold: 0.5 }), { max_value: 6, negative_slope: 0.1, threshold: 0.5 }],
      [new ReLU({ name: 'r0' }), { max_value: null, negative_slope: 0, threshold: 0 }],
      [new LeakyReLU({ name: 'l', negativeSlope: 0.2 }), { negative_slope: 0.2 }],
      [new ELU({ name: 'e', alpha: 0.5 }), { alpha: 0.5 }],
      [new Softmax({ name: 's', axis: [1, 2] }), { axis: [1, 2] }],
      [new PReLU({ name: 'p', sharedAxes: [1] }), { alpha_initializer: { class_name: 'Zeros', config: {} }, alpha_regularizer: null, alpha_constraint: null, shared_axes: [1] }],
    ];
    for (const [layer, keys] of layers) {
      expect(layer.getConfig()).toEqual({ name: layer.name, trainable: true, dtype: 'float32', ...keys });
      expect(deserializeLayer(serializeLayer(layer)).getConfig()).toEqual(layer.getConfig());
    }
  });

  it("reads Keras 3 and tf.keras 2 layer configs (LeakyReLU's alpha, ELU without alpha, dtype policies)", () => {
    const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    expect(LeakyReLU.fromConfig({ name: 'leaky_re_lu', trainable: true, dtype: policy, negative_slope: 0.3 }).negativeSlope).toBe(0.3);
    const tf2 = LeakyReLU.fromConfig({ name: 'leaky_re_lu', trainable: true, dtype: 'float32', alpha: 0.30000001192092896 }, { kerasVersion: 2 });
    expect(tf2.negativeSlope).toBe(0.30000001192092896);
    expect(tf2.getConfig()).toEqual({ name: 'leaky_re_lu', trainable: true, dtype: 'float32', negative_slope: 0.30000001192092896 });
    // Keras 3's ELU.get_config leaves alpha out.
    expect(ELU.fromConfig({ name: 'elu', trainable: true, dtype: policy }).alpha).toBe(1);
    expect(ELU.fromConfig({ name: 'elu', trainable: true, dtype: 'float32', alpha: 0.8 }, { kerasVersion: 2 }).alpha).toBe(0.8);
    expect(ReLU.fromConfig({ name: 're_lu', trainable: true, dtype: 'float32', max_value: 6.0, negative_slope: 0.0, threshold: 0.0 }).maxValue).toBe(6);
    expect(ReLU.fromConfig({ name: 're_lu', max_value: null, negative_slope: 0.0, threshold: 0.0 }).maxValue).toBeNull();
    expect(Softmax.fromConfig({ name: 'softmax', trainable: true, dtype: policy, axis: -1 }).axis).toBe(-1);
    expect(Softmax.fromConfig({ name: 'softmax', axis: 1 }, { kerasVersion: 2 }).kerasVersion).toBe(2);
    const prelu = PReLU.fromConfig({
      name: 'p_re_lu', trainable: true, dtype: policy, alpha_initializer: { module: 'keras.initializers', class_name: 'Constant', config: { value: 0.25 }, registered_name: null },
      alpha_regularizer: null, alpha_constraint: null, shared_axes: [1],
    });
    prelu.build([null, null, 2]);
    expect(Array.from(prelu.getWeights()[0].data)).toEqual([0.25, 0.25]);
    expectError(() => ReLU.fromConfig({ name: 'r', max_value: -2 }), ConfigError, ["'maxValue'"]);
  });

  it('a model of them loads from Keras 3 and tf.keras 2 model configs and predicts as its layers do', () => {
    const model = new Sequential({
      name: 'acts',
      layers: [
        Input({ shape: [4, 3] }), new Dense({ units: 5, seed: 1 }), new ReLU({ maxValue: 2, negativeSlope: 0.1 }), new LeakyReLU(0.2),
        new ELU(0.7), new PReLU({ sharedAxes: [1], alphaInitializer: 'ones' }), new Softmax(),
      ],
    });
    randomize(model, 5);
    const x = tensor(randomFloats(seededRandom(6), 2 * 4 * 3, 2), [2, 4, 3]);
    const want = model.predict(x) as Tensor;
    const leaky = (kerasVersion: 2 | 3) => (JSON.parse(model.toJSON({ kerasVersion })) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } })
      .config.layers.find((l) => l.class_name === 'LeakyReLU')?.config;
    // tf.keras 2's LeakyReLU(alpha=...) takes no negative_slope.
    expect(leaky(2)).toMatchObject({ alpha: 0.2 });
    expect(leaky(2)).not.toHaveProperty('negative_slope');
    expect(leaky(3)).toMatchObject({ negative_slope: 0.2 });
    const wrapped = new Sequential({ layers: [Input({ shape: [4, 3] }), new TimeDistributed(new LeakyReLU(0.25))] });
    const inner = (kerasVersion: 2 | 3) => (JSON.parse(wrapped.toJSON({ kerasVersion })) as { config: { layers: { config: { layer: { config: Record<string, unknown> } } }[] } })
      .config.layers[1].config.layer.config;
    expect(inner(2)).toMatchObject({ alpha: 0.25 });
    expect(inner(3)).toMatchObject({ negative_slope: 0.25 });
    for (const kerasVersion of [3, 2] as const) {
      const rebuilt = modelFromConfig(model.toJSON({ kerasVersion }), { kerasVersion });
      rebuilt.setWeights(model.getWeights());
      expect(rebuilt.layers.map((l) => l.className)).toEqual(['Dense', 'ReLU', 'LeakyReLU', 'ELU', 'PReLU', 'Softmax']);
      expect(Array.from((rebuilt.predict(x) as Tensor).data)).toEqual(Array.from(want.data));
    }
    const [k, b, alpha] = model.getWeights().map(ref);
    const expected = softmaxRef(preluRef(eluRef(reluRef(reluRef(denseRef(ref(x), k, b, 'linear'), { maxValue: 2, negativeSlope: 0.1 }), { negativeSlope: 0.2 }), 0.7), alpha), [2]);
    expectClose(want, expected);
  });
});

describe('gradients against central differences of float64 forward passes', () => {
  const [B, T, D] = [3, 4, 3];
  const x = tensor(randomFloats(seededRandom(21), B * T * D, 1.5), [B, T, D]);

  it('Dense -> ReLU (cap, slope, threshold) -> LeakyReLU -> ELU -> Flatten -> Dense', () => {
    const model = new Sequential({
      layers: [
        Input({ shape: [T, D] }), new Dense({ units: 4 }), new ReLU({ maxValue: 1.1, negativeSlope: 0.2, threshold: 0.15 }),
        new Dense({ units: 4 }), new LeakyReLU(0.3), new Dense({ units: 3 }), new ELU(0.7), new Flatten(), new Dense({ units: 2 }),
      ],
    });
    randomize(model, 22);
    const y = randomFloats(seededRandom(23), B * 2);
    expectGradients(model, x, y, ([k1, b1, k2, b2, k3, b3, k4, b4]) => {
      const a = reluRef(denseRef(ref(x), k1, b1, 'linear'), { maxValue: 1.1, negativeSlope: 0.2, threshold: 0.15 });
      const c = reluRef(denseRef(a, k2, b2, 'linear'), { negativeSlope: 0.3 });
      const e = eluRef(denseRef(c, k3, b3, 'linear'), 0.7);
      return denseRef({ shape: [B, T * 3], data: e.data }, k4, b4, 'linear');
    });
  });

  it('ReLU(6) and plain ReLU', () => {
    const model = new Sequential({
      layers: [Input({ shape: [T, D] }), new Dense({ units: 4 }), new ReLU(6), new Dense({ units: 3 }), new ReLU(), new Flatten(), new Dense({ units: 2 })],
    });
    randomize(model, 24, 2);
    const y = randomFloats(seededRandom(25), B * 2);
    expectGradients(model, x, y, ([k1, b1, k2, b2, k3, b3]) => {
      const r6 = reluRef(denseRef(ref(x), k1, b1, 'linear'), { maxValue: 6 });
      const r = reluRef(denseRef(r6, k2, b2, 'linear'));
      return denseRef({ shape: [B, T * 3], data: r.data }, k3, b3, 'linear');
    });
  });

  it('PReLU: to its alpha (per value and shared along time) and through it', () => {
    for (const sharedAxes of [null, [1]]) {
      const model = new Sequential({ layers: [Input({ shape: [T, D] }), new Dense({ units: 3 }), new PReLU({ sharedAxes }), new Flatten(), new Dense({ units: 2 })] });
      randomize(model, 26);
      const y = randomFloats(seededRandom(27), B * 2);
      expectGradients(model, x, y, ([k1, b1, alpha, k2, b2]) => {
        const p = preluRef(denseRef(ref(x), k1, b1, 'linear'), alpha);
        return denseRef({ shape: [B, T * 3], data: p.data }, k2, b2, 'linear');
      });
    }
  });

  it('Softmax over the features, over time, and with a mask (Keras 3 and tf.keras 2)', () => {
    for (const axis of [-1, 1, [1, 2]] as const) {
      const model = new Sequential({ layers: [Input({ shape: [T, D] }), new Dense({ units: 3 }), new Softmax(axis), new Flatten(), new Dense({ units: 2 })] });
      randomize(model, 28);
      const y = randomFloats(seededRandom(29), B * 2);
      const axes = typeof axis === 'number' ? [axis < 0 ? 2 : axis] : [...axis];
      expectGradients(model, x, y, ([k1, b1, k2, b2]) => {
        const s = softmaxRef(denseRef(ref(x), k1, b1, 'linear'), axes);
        return denseRef({ shape: [B, T * 3], data: s.data }, k2, b2, 'linear');
      });
    }
    // Masking's mask (batch 3, steps 3) broadcast over (3, 3, 3) as Keras broadcasts it.
    const masked = tensor([[[1, 2, 3], [0, 0, 0], [4, 5, 6]], [[1, 1, 1], [2, 2, 2], [3, 3, 3]], [[0, 0, 0], [1, 0, 1], [2, 1, 0]]]);
    const mask = { shape: [3, 3], data: Float64Array.from([1, 0, 1, 1, 1, 1, 0, 1, 1]) };
    for (const kerasVersion of [3, 2] as const) {
      const model = new Sequential({
        layers: [new Masking({ maskValue: 0, inputShape: [3, 3] }), new Dense({ units: 3 }), new Softmax({ kerasVersion }), new Flatten(), new Dense({ units: 2 })],
      });
      randomize(model, 30);
      const y = randomFloats(seededRandom(31), 3 * 2);
      expectGradients(model, masked, y, ([k1, b1, k2, b2]) => {
        const s = softmaxRef(denseRef(ref(masked), k1, b1, 'linear'), [2], mask, kerasVersion);
        return denseRef({ shape: [3, 9], data: s.data }, k2, b2, 'linear');
      });
    }
  });

  it('fit() lowers the loss of an LSTM -> PReLU -> Dense -> Softmax model', async () => {
    const model = new Sequential({
      layers: [Input({ shape: [T, D] }), new LSTM({ units: 6, returnSequences: true, seed: 3 }), new PReLU({ sharedAxes: [1] }), new Dense({ units: 3, seed: 4 }), new Softmax()],
    });
    model.compile({ optimizer: new Adam({ learningRate: 0.03 }), loss: 'categoricalCrossentropy' });
    const labels = tensor(Float32Array.from({ length: B * T * 3 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)), [B, T, 3]);
    const before = (await model.evaluate(x, labels, { verbose: 0 })).loss;
    await model.fit(x, labels, { epochs: 30, verbose: 0 });
    expect((await model.evaluate(x, labels, { verbose: 0 })).loss).toBeLessThan(before * 0.8);
  });
});
