// Keras' Normalization preprocessing layer (keras/src/layers/preprocessing/normalization.py):
// (x - mean) / max(sqrt(variance), 1e-7) for each position of the kept axes, or with invert
// mean + x * max(sqrt(variance), 1e-7); the statistics from adapt() (mean and population variance
// over the other axes) or given as constants. The expected numbers are the outputs Keras'
// docstring prints and a float64 evaluation of that formula; gradients against central differences.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError, Dense, Input, InputError, LSTM, Normalization, Sequential, ShapeError, deserializeLayer, modelFromJson, tensor, type Tensor,
} from '../dist/index.js';
import { loadModel, ready, saveModel } from '../dist/io/keras.js';
import { expectClose } from './expect-close.js';
import { expectError } from './expect-error.js';
import { h5pyDump, h5pyMissing } from './io/h5py.js';
import { testKernelVariant } from './kernel-variant.js';
import { expectGradients, randomize } from './model-gradient-check.js';
import { frameAt, prefix, expectedStep } from './stream-prefix.js';
import { randomFloats, seededRandom } from './random.js';
import { denseRef, recurrentSpec, referenceRecurrent, type ReferenceTensor } from './reference/index.js';

const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
let dir = '';
beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
  dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-normalization-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The float64 formula over the kept positions `position(i)` of x's flat values. */
function normalizedRef(x: Tensor, mean: ArrayLike<number>, variance: ArrayLike<number>, position: (i: number) => number, invert = false): ReferenceTensor {
  const data = Float64Array.from(x.data, (v, i) => {
    const deviation = Math.max(Math.sqrt(variance[position(i)]), 1e-7);
    return invert ? mean[position(i)] + v * deviation : (v - mean[position(i)]) / deviation;
  });
  return { shape: [...x.shape], data };
}

describe("Normalization: Keras' docstring examples", () => {
  it('adapt over everything (axis null), per feature (axis -1), constants, and invert', () => {
    const global = new Normalization({ axis: null });
    global.adapt([1, 2, 3, 4, 5]);
    expectClose(global.apply([1, 2, 3]), { shape: [3], data: Float64Array.of(-1.4142135, -0.70710677, 0) });
    const adaptData = [[0, 7, 4], [2, 9, 6], [0, 7, 4], [2, 9, 6]];
    const perFeature = new Normalization({ axis: -1 });
    perFeature.adapt(adaptData);
    expectClose(perFeature.apply([[0, 7, 4]]), { shape: [1, 3], data: Float64Array.of(-1, -1, -1) });
    expect(perFeature.getWeights().map((w) => [w.shape, Array.from(w.data)])).toEqual([[[3], [1, 8, 5]], [[3], [1, 1, 1]], [[], [0]]]);
    const constants = new Normalization({ mean: 3, variance: 2 });
    expectClose(constants.apply([[1], [2], [3]]), { shape: [3, 1], data: Float64Array.of(-1.4142135, -0.70710677, 0) });
    expect(constants.getWeights()).toEqual([]);
    const inverse = new Normalization({ axis: -1, invert: true });
    inverse.adapt(adaptData);
    expectClose(inverse.apply([[1, 2, 3]]), { shape: [1, 3], data: Float64Array.of(2, 10, 8) });
  });
});

describe('Normalization: adapt and apply against the float64 formula', () => {
  const x = tensor(Float32Array.from(randomFloats(seededRandom(91), 4 * 5 * 3, 4), (v, i) => v + (i % 3) * 10), [4, 5, 3]);

  it('per feature of a sequence, per step and feature, and over everything', () => {
    for (const [axis, keep] of [[-1, [2]], [[1, 2], [1, 2]], [null, []]] as [number | number[] | null, number[]][]) {
      const layer = new Normalization({ axis });
      layer.adapt(x);
      const positions = keep.reduce((p, a) => p * x.shape[a], 1);
      const position = (i: number) => keep.reduce((at, a) => at * x.shape[a] + (Math.floor(i / x.shape.slice(a + 1).reduce((p, d) => p * d, 1)) % x.shape[a]), 0);
      const sum = new Float64Array(positions);
      const count = x.size / positions;
      x.data.forEach((v, i) => { sum[position(i)] += v; });
      const mean = sum.map((s) => s / count);
      const squares = new Float64Array(positions);
      x.data.forEach((v, i) => { squares[position(i)] += (v - mean[position(i)]) ** 2; });
      const variance = squares.map((s) => s / count);
      const [storedMean, storedVariance] = layer.getWeights();
      expectClose(storedMean, { shape: keep.map((a) => x.shape[a]), data: mean }, { label: `mean, axis ${JSON.stringify(axis)}` });
      expectClose(storedVariance, { shape: keep.map((a) => x.shape[a]), data: variance }, { label: `variance, axis ${JSON.stringify(axis)}` });
      expectClose(layer.apply(x), normalizedRef(x, storedMean.data, storedVariance.data, position), { label: `output, axis ${JSON.stringify(axis)}` });
    }
  });

  it('adapted on sequences, it normalises inputs of another rank whose kept axes fit (a single reading)', () => {
    const layer = new Normalization();
    layer.adapt(x);
    const [mean, variance] = layer.getWeights();
    const reading = tensor([Array.from(x.data.subarray(0, 3))]);
    expectClose(layer.apply(reading), normalizedRef(reading, mean.data, variance.data, (i) => i % 3));
    expectError(() => layer.apply([[1, 2]]), ShapeError, ['statistics of shape [2]', 'have shape [3]']);
  });

  it('a constant feature has variance 0: the deviation floor 1e-7 keeps the output finite, as Keras', () => {
    const layer = new Normalization();
    layer.adapt([[1, 5], [2, 5], [3, 5]]);
    const out = layer.apply([[2, 5], [2, 5.000001]]);
    expect(Array.from(out.data).every(Number.isFinite)).toBe(true);
    expect(out.data[1]).toBe(0);
  });

  it('constants broadcast to the kept axes from the right, size-1 axes repeating', () => {
    const layer = new Normalization({ axis: [-2, -1], mean: [[1, 2, 3]], variance: [[4, 9, 16]] });
    const mean = [1, 2, 3];
    const variance = [4, 9, 16];
    expectClose(layer.apply(x), normalizedRef(x, mean, variance, (i) => i % 3));
    expect(layer.getConfig()).toMatchObject({ axis: [-2, -1], mean: [[1, 2, 3]], variance: [[4, 9, 16]], invert: false });
  });
});

describe('Normalization in models: configs, files, training, streaming', () => {
  const T = 6;
  const D = 3;
  const x = tensor(Float32Array.from(randomFloats(seededRandom(92), 4 * T * D, 3), (v, i) => v * (1 + (i % D)) + 5 * (i % D)), [4, T, D]);
  function model(): Sequential {
    const norm = new Normalization({ name: 'norm' });
    const m = new Sequential([Input({ shape: [T, D] }), norm, new LSTM(4, { name: 'lstm' }), new Dense(1, { name: 'head' })]);
    randomize(m, 93, 0.6);
    // The statistics come from the data, not from the random draw (a negative variance has no square root).
    norm.setWeights([tensor(new Float32Array(D), [D]), tensor(new Float32Array(D).fill(1), [D]), tensor([0], [])]);
    norm.adapt(x);
    expect(Array.from(norm.getWeights()[1].data).every((v) => v > 1)).toBe(true);
    return m;
  }

  it("reads Keras 3's and tf.keras 2's configs, and getConfig round-trips", () => {
    const keras3 = deserializeLayer({ module: 'keras.layers', class_name: 'Normalization', config: { name: 'normalization', trainable: true, dtype: 'float32', axis: [-1], invert: false, mean: null, variance: null }, registered_name: null });
    expect(keras3).toBeInstanceOf(Normalization);
    expect((keras3 as Normalization).axis).toEqual([-1]);
    const constants = deserializeLayer({ class_name: 'Normalization', config: { name: 'n2', axis: [], mean: 3, variance: 2, invert: true } }, { kerasVersion: 2 }) as Normalization;
    expectClose(constants.apply([[1]]), { shape: [1, 1], data: Float64Array.of(3 + Math.SQRT2) });
    const copy = Normalization.fromConfig(constants.getConfig());
    expect(copy.getConfig()).toEqual({ ...constants.getConfig(), name: copy.name });
    const m = model();
    const rebuilt = modelFromJson(m.toJSON());
    rebuilt.setWeights(m.getWeights());
    expect(Array.from((rebuilt.predict(x) as Tensor).data)).toEqual(Array.from((m.predict(x) as Tensor).data));
  });

  it('summary counts mean, variance and count as non-trainable (2D + 1)', () => {
    const m = model();
    expect(m.getLayer('norm').countParams()).toBe(2 * D + 1);
    expect(m.getLayer('norm').trainableWeights).toEqual([]);
    let text = '';
    m.summary({ printFn: (line) => { text += `${line}\n`; } });
    expect(text).toContain('norm (Normalization)');
    // Keras 3 sizes each variable by its dtype: count is an int64 (8 bytes) with its TensorFlow backend.
    expect(text).toContain('Non-trainable params: 7 (32.00 B)');
    expect(text).toContain(`Total params: ${m.countParams()} (${((m.countParams() - 7) * 4 + 32).toFixed(2)} B)`);
  });

  it('saves count as Keras\' int64 in .keras and .h5 files and loads them back', async () => {
    const m = model();
    const expected = Array.from((m.predict(x) as Tensor).data);
    expect(expected.every(Number.isFinite)).toBe(true);
    for (const format of ['keras', 'h5'] as const) {
      const path = join(dir, `normalized.${format}`);
      writeFileSync(path, await saveModel(m, { format }));
      const loaded = await loadModel(path);
      expect(Array.from((loaded.predict(x) as Tensor).data), format).toEqual(expected);
    }
    if (h5pyMissing === null) {
      const legacy = h5pyDump(readFileSync(join(dir, 'normalized.h5')));
      expect(legacy['model_weights/norm/norm/count:0']?.dtype).toBe('<i8');
      expect(legacy['model_weights/norm/norm/count:0']?.shape).toEqual([]);
      const archive = unzipSync(readFileSync(join(dir, 'normalized.keras')));
      const weights = h5pyDump(archive['model.weights.h5'] as Uint8Array);
      expect(weights['layers/normalization/vars/2']?.dtype).toBe('<i8');
      expect(weights['layers/normalization/vars/0']?.dtype).toBe('<f4');
    }
  });

  it.skipIf(h5pyMissing !== null)('loads a legacy .h5 whose weights h5py wrote with numpy dtypes (an int64 count)', async () => {
    const m = model();
    const path = join(dir, 'numpy.h5');
    const [mean, variance] = m.getLayer('norm').getWeights();
    const script = [
      'import sys, json, h5py, numpy as np',
      'path, config, mean, variance = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])',
      'f = h5py.File(path, "w")',
      'f.attrs["model_config"] = config',
      'f.attrs["keras_version"] = "2.15.0"',
      'f.attrs["backend"] = "tensorflow"',
      'w = f.create_group("model_weights")',
      'w.attrs["layer_names"] = [b"norm"]',
      'g = w.create_group("norm")',
      'g.attrs["weight_names"] = [b"norm/mean:0", b"norm/variance:0", b"norm/count:0"]',
      'g.create_dataset("norm/mean:0", data=np.array(mean, dtype=np.float32))',
      'g.create_dataset("norm/variance:0", data=np.array(variance, dtype=np.float32))',
      'g.create_dataset("norm/count:0", data=np.int64(24))',
      'f.close()',
    ].join('\n');
    const only = new Sequential([Input({ shape: [T, D] }), new Normalization({ name: 'norm' })]);
    execFileSync(PYTHON, ['-c', script, path, only.toJSON({ kerasVersion: 2 }), JSON.stringify(Array.from(mean.data)), JSON.stringify(Array.from(variance.data))]);
    const loaded = await loadModel(path);
    expect(loaded.getLayer('norm').getWeights()[2].data[0]).toBe(24);
    expectClose(loaded.predict(x) as Tensor, normalizedRef(x, mean.data, variance.data, (i) => i % D));
  });

  it('trains through it: gradients against central differences, its statistics left as they are', async () => {
    const m = model();
    const [mean, variance] = m.getLayer('norm').getWeights();
    const normalized = normalizedRef(x, mean.data, variance.data, (i) => i % D);
    const y = randomFloats(seededRandom(94), 4);
    expectGradients(m, x, y, ([, , , k, r, b, dk, db]) => denseRef(referenceRecurrent(recurrentSpec('LSTM', 4), [k, r, b], normalized)[0], dk, db, 'linear'));
    await m.fit(x, tensor(y, [4, 1]), { epochs: 2, verbose: 0 });
    expect(m.getLayer('norm').getWeights().map((w) => Array.from(w.data))).toEqual([Array.from(mean.data), Array.from(variance.data), [0]]);
  });

  it('streams per frame: each step equals predict on the prefix, bit for bit', () => {
    const m = new Sequential([Input({ shape: [null, D] }), ...model().layers]);
    const stream = m.stream({ batchSize: 4 });
    for (let t = 0; t < T; t++) {
      const out = stream.step(frameAt(x.data, 4, T, D, t));
      expect(Array.from(out), `step ${t}`).toEqual(Array.from(expectedStep(m.predict(prefix(x.data, 4, T, D, t)) as Tensor, 4, t)));
    }
    stream.dispose();
    const perStep = new Sequential([Input({ shape: [T, D] }), new Normalization({ axis: [1, 2], mean: 0, variance: 1 })]);
    expectError(() => perStep.stream(), ConfigError, ['Normalization', 'axis', 'stream']);
  });

  it('errors name the layer and the option; the next call works', () => {
    expectError(() => new Normalization({ mean: 1 }), ConfigError, ["'mean' and 'variance'", 'neither']);
    expectError(() => new Normalization({ mean: [1, 2], variance: [1] }), ConfigError, ['same shape', '[2]', '[1]']);
    expectError(() => new Normalization({ mean: 0, variance: -1 }), ConfigError, ["'variance'", '>= 0', '-1']);
    expectError(() => new Normalization({ mean: [0, Number.NaN], variance: [1, 1] }), ConfigError, ["'mean'", 'finite']);
    expectError(() => new Normalization().adapt([[1, Number.POSITIVE_INFINITY]]), InputError, ['adapt data', 'finite', 'value 1']);
    expectError(() => new Normalization({ axis: untypedAxis('last') }), ConfigError, ["option 'axis'", '"last"']);
    const constants = new Normalization({ mean: 0, variance: 1, name: 'fixed' });
    expectError(() => constants.adapt([[1]]), ConfigError, ['fixed', 'adapt()', "'mean' and 'variance'"]);
    const adapted = new Normalization({ name: 'adapted' });
    adapted.adapt([[1, 2], [3, 4]]);
    expectError(() => adapted.apply([[1, 2, 3]]), ShapeError, ['adapted', '[2]', '[3]']);
    expectError(() => new Normalization({ axis: 1 }).apply(Input({ shape: [null, 3] })), ShapeError, ['known size']);
    expectClose(adapted.apply([[2, 3]]), { shape: [1, 2], data: Float64Array.of(0, 0) });
  });
});

function untypedAxis(value: unknown): number {
  return value as number;
}
