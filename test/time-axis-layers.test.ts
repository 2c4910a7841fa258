// Keras' ZeroPadding1D, Cropping1D and UpSampling1D: construction (Keras' positional forms,
// refused options), predict against the float64 references of test/reference/activation-layers.ts,
// shapes with unknown steps, the mask they drop (Keras 3: they do not support masking), configs,
// and gradients against central differences of float64 forward passes.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ready, tensor, ZeroPadding1D, Cropping1D, UpSampling1D, Dense, Flatten, Masking, LSTM, Sequential, Input,
  ConfigError, ShapeError, deserializeLayer, serializeLayer, modelFromConfig, type Tensor, type Layer,
} from '../dist/index.js';
import { expectError, untyped } from './expect-error.js';
import { expectGradients, randomize, ref } from './model-gradient-check.js';
import { testKernelVariant } from './kernel-variant.js';
import { randomFloats, seededRandom } from './random.js';
import { cropping1dRef, swapLastAxes, upSampling1dRef, zeroPadding1dRef } from './reference/activation-layers.js';
import { denseRef } from './reference/layers.js';
import type { ReferenceTensor } from './reference/index.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const [B, T, F] = [2, 5, 3];

/** These layers only move values: exactly the reference's. */
function expectExact(got: Tensor, want: ReferenceTensor): void {
  expect(got.shape).toEqual(want.shape);
  expect(Array.from(got.data)).toEqual(Array.from(want.data));
}
const x = tensor(randomFloats(seededRandom(1), B * T * F, 2), [B, T, F]);

describe('construction as in Keras', () => {
  it('defaults, positional first arguments and default names', () => {
    expect(new ZeroPadding1D().padding).toEqual([1, 1]);
    expect(new ZeroPadding1D(2).padding).toEqual([2, 2]);
    expect(new ZeroPadding1D([1, 3], { dataFormat: 'channels_first' })).toMatchObject({ padding: [1, 3], dataFormat: 'channels_first' });
    expect(new ZeroPadding1D().name).toMatch(/^zero_padding1d(_\d+)?$/);
    expect(new Cropping1D().cropping).toEqual([1, 1]);
    expect(new Cropping1D([1, 2]).cropping).toEqual([1, 2]);
    expect(new Cropping1D(0).cropping).toEqual([0, 0]);
    expect(new Cropping1D().name).toMatch(/^cropping1d(_\d+)?$/);
    expect(new UpSampling1D().size).toBe(2);
    expect(new UpSampling1D(3).size).toBe(3);
    expect(new UpSampling1D().name).toMatch(/^up_sampling1d(_\d+)?$/);
  });

  it('refuses snake_case, unknown and bad options with a ConfigError naming them', () => {
    expectError(() => new ZeroPadding1D(-1), ConfigError, ["'padding'", '-1']);
    expectError(() => new ZeroPadding1D(untyped([1])), ConfigError, ["'padding'", 'pair']);
    expectError(() => new ZeroPadding1D(1.5), ConfigError, ["'padding'"]);
    expectError(() => new ZeroPadding1D(untyped({ data_format: 'channels_first' })), ConfigError, ["'data_format'"]);
    expectError(() => new ZeroPadding1D({ dataFormat: untyped('channels_middle') }), ConfigError, ["'dataFormat'"]);
    expectError(() => new Cropping1D(untyped('1')), ConfigError, ['Cropping1D']);
    expectError(() => new Cropping1D([1, -2]), ConfigError, ["'cropping'"]);
    expectError(() => new UpSampling1D(0), ConfigError, ["'size'", '0']);
    expectError(() => new UpSampling1D(2.5), ConfigError, ["'size'"]);
    expectError(() => new UpSampling1D(untyped({ length: 2 })), ConfigError, ["'length'"]);
    expectError(() => new UpSampling1D(2, untyped({ size: 3 })), ConfigError, ["'size' is given twice"]);
  });
});

describe('predict against the float64 references', () => {
  it('ZeroPadding1D, both data formats', () => {
    for (const padding of [1, [0, 2], [3, 0], [0, 0]] as const) {
      const pair = (typeof padding === 'number' ? [padding, padding] : padding) as [number, number];
      expectExact(new ZeroPadding1D(padding).apply(x) as Tensor, zeroPadding1dRef(ref(x), pair));
      // channels_first: (batch, features, steps), padded on the last axis.
      const first = new ZeroPadding1D(padding, { dataFormat: 'channels_first' }).apply(x) as Tensor;
      expectExact(first, swapLastAxes(zeroPadding1dRef(swapLastAxes(ref(x)), pair)));
    }
  });

  it('Cropping1D and UpSampling1D', () => {
    for (const cropping of [1, [0, 2], [4, 0], [2, 2]] as const) {
      const pair = (typeof cropping === 'number' ? [cropping, cropping] : cropping) as [number, number];
      expectExact(new Cropping1D(cropping).apply(x) as Tensor, cropping1dRef(ref(x), pair));
    }
    for (const size of [1, 2, 5]) expectExact(new UpSampling1D(size).apply(x) as Tensor, upSampling1dRef(ref(x), size));
  });

  it('output shapes with known and unknown steps, and the inputs they refuse', () => {
    const shapes = (layer: Layer, steps: number | null) => new Sequential({ layers: [Input({ shape: [steps, F] }), layer] }).outputs[0].shape;
    expect(shapes(new ZeroPadding1D([1, 2]), 4)).toEqual([null, 7, F]);
    expect(shapes(new ZeroPadding1D([1, 2]), null)).toEqual([null, null, F]);
    expect(shapes(new ZeroPadding1D([1, 2], { dataFormat: 'channels_first' }), 4)).toEqual([null, 4, F + 3]);
    expect(shapes(new Cropping1D([1, 2]), 4)).toEqual([null, 1, F]);
    expect(shapes(new Cropping1D([1, 2]), null)).toEqual([null, null, F]);
    expect(shapes(new UpSampling1D(3), 4)).toEqual([null, 12, F]);
    expect(shapes(new UpSampling1D(3), null)).toEqual([null, null, F]);
    expectError(() => new Cropping1D([3, 2]).apply(x), ShapeError, ['[3, 2]', '5 steps']);
    expectError(() => shapes(new Cropping1D([2, 2]), 4), ShapeError, ['4 steps']);
    expectError(() => new UpSampling1D().apply(tensor([[1, 2]])), ShapeError, ['rank 3', '[1, 2]']);
    expectError(() => new ZeroPadding1D().apply(tensor(new Float32Array(8), [1, 2, 2, 2])), ShapeError, ['rank 3']);
  });

  it('drop the mask, as Keras 3 layers without masking support do: the LSTM after them reads every step', () => {
    const masked = tensor(Float32Array.from(x.data, (v, i) => (Math.floor(i / F) % T === 1 ? 0 : v)), [B, T, F]);
    for (const make of [() => new ZeroPadding1D(1), () => new Cropping1D([0, 1]), () => new UpSampling1D(2)]) {
      const withMask = new Sequential({ layers: [Input({ shape: [T, F] }), new Masking(), make(), new LSTM({ units: 2, seed: 3 })] });
      const without = new Sequential({ layers: [Input({ shape: [T, F] }), make(), new LSTM({ units: 2, seed: 3 })] });
      without.setWeights(withMask.getWeights());
      expect(Array.from((withMask.predict(masked) as Tensor).data)).toEqual(Array.from((without.predict(masked) as Tensor).data));
    }
  });
});

describe('configs', () => {
  it('getConfig, fromConfig and the Keras 3, tf.keras 2 and Keras 1 forms', () => {
    const layers: [Layer, Record<string, unknown>][] = [
      [new ZeroPadding1D([1, 2], { name: 'z' }), { padding: [1, 2], data_format: 'channels_last' }],
      [new Cropping1D(3, { name: 'c' }), { cropping: [3, 3] }],
      [new UpSampling1D(4, { name: 'u' }), { size: 4 }],
    ];
    for (const [layer, keys] of layers) {
      expect(layer.getConfig()).toEqual({ name: layer.name, trainable: true, dtype: 'float32', ...keys });
      expect(deserializeLayer(serializeLayer(layer)).getConfig()).toEqual(layer.getConfig());
    }
    const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    expect(ZeroPadding1D.fromConfig({ name: 'zero_padding1d', trainable: true, dtype: policy, padding: [2, 1], data_format: 'channels_last' }).padding).toEqual([2, 1]);
    // tf.keras 2 writes no data_format; Keras 1 may write { left_pad, right_pad }.
    expect(ZeroPadding1D.fromConfig({ name: 'zero_padding1d', trainable: true, dtype: 'float32', padding: [1, 1] }, { kerasVersion: 2 }).dataFormat).toBe('channels_last');
    expect(ZeroPadding1D.fromConfig({ name: 'z', padding: { left_pad: 3, right_pad: 0 } }).padding).toEqual([3, 0]);
    expect(Cropping1D.fromConfig({ name: 'cropping1d', trainable: true, dtype: policy, cropping: [1, 1] }).cropping).toEqual([1, 1]);
    expect(UpSampling1D.fromConfig({ name: 'up_sampling1d', trainable: true, dtype: 'float32', size: 3 }, { kerasVersion: 2 }).size).toBe(3);
    expectError(() => UpSampling1D.fromConfig({ name: 'u', size: 0 }), ConfigError, ["'size'"]);
  });

  it('a model of them round-trips through toJSON in both spellings', () => {
    const model = new Sequential({ layers: [Input({ shape: [T, F] }), new ZeroPadding1D([2, 1]), new UpSampling1D(2), new Cropping1D([3, 1]), new LSTM({ units: 2 })] });
    for (const kerasVersion of [3, 2] as const) {
      const rebuilt = modelFromConfig(model.toJSON({ kerasVersion }), { kerasVersion });
      rebuilt.setWeights(model.getWeights());
      expect(rebuilt.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
      expect(Array.from((rebuilt.predict(x) as Tensor).data)).toEqual(Array.from((model.predict(x) as Tensor).data));
    }
    expect(model.summary({ print: false })).toContain('(None, 12, 3)');
  });
});

describe('gradients against central differences of float64 forward passes', () => {
  it('Dense -> ZeroPadding1D -> UpSampling1D -> Cropping1D -> Flatten -> Dense, and channels_first padding', () => {
    const model = new Sequential({
      layers: [Input({ shape: [T, F] }), new Dense({ units: 2 }), new ZeroPadding1D([1, 2]), new UpSampling1D(2), new Cropping1D([3, 1]), new Flatten(), new Dense({ units: 2 })],
    });
    randomize(model, 5);
    const y = randomFloats(seededRandom(6), B * 2);
    expectGradients(model, x, y, ([k1, b1, k2, b2]) => {
      const h = cropping1dRef(upSampling1dRef(zeroPadding1dRef(denseRef(ref(x), k1, b1, 'linear'), [1, 2]), 2), [3, 1]);
      return denseRef({ shape: [B, h.shape[1] * 2], data: h.data }, k2, b2, 'linear');
    });
    const first = new Sequential({ layers: [Input({ shape: [T, F] }), new Dense({ units: 2 }), new ZeroPadding1D(1, { dataFormat: 'channels_first' }), new Flatten(), new Dense({ units: 2 })] });
    randomize(first, 7);
    expectGradients(first, x, y, ([k1, b1, k2, b2]) => {
      const h = swapLastAxes(zeroPadding1dRef(swapLastAxes(denseRef(ref(x), k1, b1, 'linear')), [1, 1]));
      return denseRef({ shape: [B, T * 4], data: h.data }, k2, b2, 'linear');
    });
  });
});
