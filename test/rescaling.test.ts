// Keras' Rescaling preprocessing layer (keras/src/layers/preprocessing/rescaling.py):
// inputs * scale + offset, scale and offset numbers or arrays broadcast against the last axes.
// Expected numbers: that formula in float64; gradients against central differences.
import { describe, expect, it, beforeAll } from 'vitest';
import { ConfigError, Dense, Input, LSTM, Rescaling, Sequential, ShapeError, deserializeLayer, modelFromJson, tensor, type Tensor } from '../dist/index.js';
import { loadModel, ready, saveModel } from '../dist/io/keras.js';
import { expectClose } from './expect-close.js';
import { expectError, untyped } from './expect-error.js';
import { testKernelVariant } from './kernel-variant.js';
import { expectGradients, randomize } from './model-gradient-check.js';
import { randomFloats, seededRandom } from './random.js';
import { denseRef, recurrentSpec, referenceRecurrent, type ReferenceTensor } from './reference/index.js';
import { expectedStep, frameAt, prefix } from './stream-prefix.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const T = 5;
const D = 3;
const x = tensor(Float32Array.from(randomFloats(seededRandom(81), 2 * T * D, 1), (v) => Math.round((v + 1) * 127)), [2, T, D]);

function rescaledRef(input: Tensor, scale: (i: number) => number, offset: (i: number) => number): ReferenceTensor {
  return { shape: [...input.shape], data: Float64Array.from(input.data, (v, i) => v * scale(i) + offset(i)) };
}

describe('Rescaling', () => {
  it("a number or per-channel values, broadcast against the last axes, as Keras' inputs * scale + offset", () => {
    expectClose(new Rescaling(1 / 255).apply(x), rescaledRef(x, () => 1 / 255, () => 0));
    expectClose(new Rescaling({ scale: 1 / 127.5, offset: -1 }).apply(x), rescaledRef(x, () => 1 / 127.5, () => -1));
    const perChannel = new Rescaling({ scale: [0.5, 2, -1], offset: [[1, 0, 3]] });
    expectClose(perChannel.apply(x), rescaledRef(x, (i) => [0.5, 2, -1][i % D], (i) => [1, 0, 3][i % D]));
    expect(perChannel.getConfig()).toMatchObject({ scale: [0.5, 2, -1], offset: [[1, 0, 3]] });
  });

  it("reads Keras 3's config (numbers, lists, serialized numpy arrays) and round-trips its own", () => {
    const keras3 = deserializeLayer({ module: 'keras.layers', class_name: 'Rescaling', config: { name: 'rescaling', trainable: true, dtype: 'float32', scale: 0.00392156862745098, offset: 0.0 }, registered_name: null }) as Rescaling;
    expect(keras3.scale).toBeCloseTo(1 / 255, 7);
    const numpy = deserializeLayer({ class_name: 'Rescaling', config: { name: 'r2', scale: { class_name: '__numpy__', config: { value: [1, 2, 3], dtype: 'float32' } }, offset: 0 } }) as Rescaling;
    expectClose(numpy.apply(x), rescaledRef(x, (i) => [1, 2, 3][i % D], () => 0));
    const copy = Rescaling.fromConfig(numpy.getConfig());
    expect(copy.getConfig()).toEqual({ ...numpy.getConfig(), name: copy.name });
  });

  it('in a model: files, fit through it (central differences), and a stream bit for bit', async () => {
    const model = new Sequential([Input({ shape: [null, D] }), new Rescaling({ scale: [0.01, 0.02, 0.03], offset: -0.5 }), new LSTM(4), new Dense(1)]);
    randomize(model, 82, 0.6);
    const rescaled = rescaledRef(x, (i) => [0.01, 0.02, 0.03][i % D], () => -0.5);
    expectClose(model.predict(x) as Tensor, denseRef(referenceRecurrent(recurrentSpec('LSTM', 4), model.getWeights().slice(0, 3).map((w) => ({ shape: [...w.shape], data: Float64Array.from(w.data) })), rescaled)[0], { shape: [4, 1], data: Float64Array.from(model.getWeights()[3].data) }, { shape: [1], data: Float64Array.from(model.getWeights()[4].data) }, 'linear'));
    const expected = Array.from((model.predict(x) as Tensor).data);
    for (const format of ['keras', 'h5'] as const) {
      const loaded = await loadModel(await saveModel(model, { format }));
      expect(Array.from((loaded.predict(x) as Tensor).data), format).toEqual(expected);
    }
    const rebuilt = modelFromJson(model.toJSON());
    rebuilt.setWeights(model.getWeights());
    expect(Array.from((rebuilt.predict(x) as Tensor).data)).toEqual(expected);
    const stream = model.stream({ batchSize: 2 });
    for (let t = 0; t < T; t++) {
      expect(Array.from(stream.step(frameAt(x.data, 2, T, D, t))), `step ${t}`).toEqual(Array.from(expectedStep(model.predict(prefix(x.data, 2, T, D, t)) as Tensor, 2, t)));
    }
    stream.dispose();
    const y = randomFloats(seededRandom(83), 2);
    expectGradients(model, x, y, ([k, r, b, dk, db]) => denseRef(referenceRecurrent(recurrentSpec('LSTM', 4), [k, r, b], rescaled)[0], dk, db, 'linear'));
  });

  it('errors name the layer and the option; the next call works', () => {
    expectError(() => new Rescaling(untyped({})), ConfigError, ["option 'scale' is required"]);
    expectError(() => new Rescaling(Number.NaN), ConfigError, ["option 'scale'", 'finite']);
    expectError(() => new Rescaling({ scale: 1, offset: untyped('1') }), ConfigError, ["option 'offset'", 'a number, a nested array of numbers or a typed array']);
    const layer = new Rescaling({ scale: [1, 2], name: 'pair' });
    expectError(() => layer.apply(x), ShapeError, ['pair', "'scale'", '[2]', '[2, 5, 3]']);
    const perStep = new Sequential([Input({ shape: [T, D] }), new Rescaling({ scale: Array.from({ length: T }, () => [1, 2, 3]) })]);
    expectError(() => perStep.stream(), ConfigError, ['time steps', 'each frame alone']);
    expect(layer.apply([[1, 1]]).toArray()).toEqual([[1, 2]]);
  });
});
