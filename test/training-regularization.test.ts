// AlphaDropout and ActivityRegularization in training, as Keras 3 runs them (keras/src/layers/
// regularization/alpha_dropout.py, activity_regularization.py and Layer.__call__'s activity
// regularizer): AlphaDropout's draws and affine map read back from its outputs, its gradient the
// per-value factor; ActivityRegularization's penalty in the loss, its gradient against central
// differences of the float64 forward pass and penalty, in evaluate's loss too; fits through both.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ready, tensor, optimizers, Sequential, Dense, Flatten, TimeDistributed, BatchNormalization, AlphaDropout, ActivityRegularization, ShapeError, ConfigError, type Tensor,
} from '../dist/index.js';
import { trainingStep } from '../dist/training/layer-steps.js';
import { seededGenerator } from '../dist/training/random-source.js';
import { testKernelVariant } from './kernel-variant.js';
import { expectGradients, mse, randomize, ref } from './model-gradient-check.js';
import { randomFloats, seededRandom } from './random.js';
import { denseRef } from './reference/layers.js';
import type { ReferenceTensor } from './reference/index.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

// Keras 3: alpha_p = -alpha * scale (SELU's negative saturation), a = ((1 - rate)(1 + rate alpha_p^2))^-1/2, b = -a alpha_p rate.
const ALPHA_P = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946;
const affine = (rate: number) => {
  const a = ((1 - rate) * (1 + rate * ALPHA_P ** 2)) ** -0.5;
  return { a, b: -a * ALPHA_P * rate };
};

/** Standard normal values (Box-Muller): what AlphaDropout keeps the mean and variance of. */
function normals(n: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
}

describe("AlphaDropout in training, as Keras 3's call(training=True)", () => {
  it('sets dropped values to a * alpha_p + b and kept ones to a * x + b, keeps mean 0 and variance 1, and its gradient is a on kept values, 0 on dropped', () => {
    const rate = 0.3;
    const { a, b } = affine(rate);
    const x = tensor(normals(40000, 1), [200, 200]);
    const step = trainingStep(new AlphaDropout({ rate }), [x], [undefined], seededGenerator(2));
    const out = step.outputs[0].data;
    const droppedValue = Math.fround(a * ALPHA_P + b);
    const dropped = Array.from(out, (v) => Math.abs(v - droppedValue) < 1e-6);
    const fraction = dropped.filter(Boolean).length / out.length;
    expect(Math.abs(fraction - rate)).toBeLessThan(0.01);
    out.forEach((v, i) => { if (!dropped[i]) expect(Math.abs(v - (a * x.data[i] + b))).toBeLessThan(1e-6); });
    const mean = out.reduce((s, v) => s + v, 0) / out.length;
    const variance = out.reduce((s, v) => s + (v - mean) ** 2, 0) / out.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    const g = new Float32Array(out.length).fill(2);
    const back = step.backward([g]).inputs[0] as Float32Array;
    back.forEach((v, i) => expect(Math.abs(v - (dropped[i] ? 0 : 2 * a))).toBeLessThan(1e-6));
  });

  it('noiseShape broadcasts one draw over the axes given as 1; rate 0 is the identity', () => {
    const x = tensor(normals(6 * 5 * 4, 3), [6, 5, 4]);
    const layer = new AlphaDropout({ rate: 0.5, noiseShape: [null, 1, null] });
    expect(AlphaDropout.fromConfig(layer.getConfig()).noiseShape).toEqual([null, 1, null]);
    const step = trainingStep(layer, [x], [undefined], seededGenerator(4));
    const { a, b } = affine(0.5);
    const droppedValue = Math.fround(a * ALPHA_P + b);
    const out = step.outputs[0].data;
    let seen = 0;
    for (let n = 0; n < 6; n++) for (let c = 0; c < 4; c++) {
      const pattern = Array.from({ length: 5 }, (_, t) => Math.abs(out[(n * 5 + t) * 4 + c] - droppedValue) < 1e-6);
      expect(new Set(pattern).size, `sample ${n} channel ${c}`).toBe(1);
      if (pattern[0]) seen++;
    }
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(24);
    expect(() => trainingStep(new AlphaDropout({ rate: 0.5, noiseShape: [null, 3, null] }), [x], [undefined], seededGenerator(4))).toThrow(ShapeError);
    const identity = trainingStep(new AlphaDropout({ rate: 0 }), [x], [undefined], seededGenerator(5));
    expect(Array.from(identity.outputs[0].data)).toEqual(Array.from(x.data));
  });

  it('a SELU network with AlphaDropout fits (it was refused) and predicts as the identity', async () => {
    const model = new Sequential({ layers: [new Dense({ units: 8, activation: 'selu', inputShape: [3], seed: 1 }), new AlphaDropout({ rate: 0.1 }), new Dense({ units: 1, seed: 2 })] });
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const x = tensor(normals(48, 6), [16, 3]);
    const y = tensor(Float32Array.from({ length: 16 }, (_, i) => x.data[3 * i] - x.data[3 * i + 2]), [16, 1]);
    const history = await model.fit(x, y, { epochs: 3, verbose: 0, seed: 1 });
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
    expect((model.predict(x) as Tensor).data).toEqual((model.predict(x) as Tensor).data);
  });
});

describe('ActivityRegularization in training adds (l1 sum |x| + l2 sum x^2) / batch to the loss, as Keras 3', () => {
  const [B, D, H] = [5, 3, 4];
  const [l1, l2] = [0.03, 0.2];
  const penalty = (h: ReferenceTensor) => h.data.reduce((s, v) => s + l1 * Math.abs(v) + l2 * v * v, 0) / B;

  function build(): Sequential {
    const model = new Sequential({ layers: [new Dense({ units: H, activation: 'tanh', inputShape: [D] }), new ActivityRegularization({ l1, l2 }), new Dense({ units: 2 })] });
    randomize(model, 7);
    return model;
  }

  it('gradients against central differences of the float64 loss with its penalty', () => {
    const model = build();
    const x = tensor(randomFloats(seededRandom(8), B * D, 1.5), [B, D]);
    const y = randomFloats(seededRandom(9), B * 2);
    const hidden = ([k, b]: ReferenceTensor[]) => denseRef(ref(x), k, b, 'tanh');
    expectGradients(model, x, y, (w) => denseRef(hidden(w), w[2], w[3], 'linear'), true, (w) => penalty(hidden(w)));
  });

  /** A compiled model, a batch, and its float64 loss with the penalty at the current weights. */
  function lossCase(seed: number) {
    const model = build();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tensor(randomFloats(seededRandom(seed), B * D, 1.5), [B, D]);
    const y = randomFloats(seededRandom(seed + 1), B * 2);
    const w = model.getWeights().map(ref);
    const hidden = denseRef(ref(x), w[0], w[1], 'tanh');
    return { model, x, y: tensor(y, [B, 2]), added: penalty(hidden), want: mse(denseRef(hidden, w[2], w[3], 'linear'), y) + penalty(hidden) };
  }

  it("trainOnBatch's loss is the mse plus the penalty before the step", () => {
    const { model, x, y, added, want } = lossCase(10);
    const loss = model.trainOnBatch(x, y).loss;
    expect(Math.abs(loss - want)).toBeLessThan(1e-6 * Math.max(1, want));
    expect(added).toBeGreaterThan(0.05 * want);
  });

  it("evaluate's loss has the penalty too, as Keras' test_step; inside TimeDistributed (Keras calls the layer's call()) there is none", async () => {
    const { model, x, y, want } = lossCase(14);
    const { loss } = await model.evaluate(x, y, { verbose: 0 });
    expect(Math.abs(loss - want)).toBeLessThan(1e-6 * Math.max(1, want));

    const wrapped = new Sequential({ layers: [new TimeDistributed(new ActivityRegularization({ l2: 10 }), { inputShape: [2, 3] }), new Flatten(), new Dense({ units: 1 })] });
    wrapped.compile({ optimizer: 'sgd', loss: 'mse' });
    const xs = tensor(randomFloats(seededRandom(16), 4 * 6, 1), [4, 2, 3]);
    const ys = tensor(randomFloats(seededRandom(17), 4, 1), [4, 1]);
    const [k, b] = wrapped.getWeights().map(ref);
    const plain = mse(denseRef({ shape: [4, 6], data: Float64Array.from(xs.data) }, k, b, 'linear'), ys.data);
    expect(Math.abs(wrapped.trainOnBatch(xs, ys).loss - plain)).toBeLessThan(1e-6);
  });

  it('a TimeDistributed model with ActivityRegularization or (trainable) BatchNormalization is refused: Keras 3 runs it once per step', () => {
    for (const inner of [new ActivityRegularization({ l1: 0.1 }), new BatchNormalization()]) {
      const perFrame = new Sequential({ layers: [new Dense({ units: 3, inputShape: [2] }), inner] });
      const model = new Sequential({ layers: [new TimeDistributed(perFrame, { inputShape: [4, 2] }), new Flatten(), new Dense({ units: 1 })] });
      model.compile({ optimizer: 'sgd', loss: 'mse' });
      const xs = tensor(randomFloats(seededRandom(20), 2 * 8, 1), [2, 4, 2]);
      const ys = tensor(randomFloats(seededRandom(21), 2, 1), [2, 1]);
      expect(() => model.trainOnBatch(xs, ys)).toThrow(ConfigError);
      const why = inner instanceof BatchNormalization ? `${inner.className} ${inner.name} cannot be trained here` : `trainOnBatch cannot add the activity penalty of ${inner.className} ${inner.name} inside TimeDistributed \\(Keras adds it once per time step\\); put the ActivityRegularization after the TimeDistributed`;
      expect(() => model.trainOnBatch(xs, ys)).toThrow(new RegExp(why));
    }
  });

  it('TimeDistributed(BatchNormalization) is refused in training the same way; frozen, it compiles and runs on the moving statistics', () => {
    const make = () => new Sequential({ layers: [new TimeDistributed(new BatchNormalization(), { inputShape: [4, 2] }), new Flatten(), new Dense({ units: 1 })] });
    const model = make();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const train = () => model.trainOnBatch(tensor(new Float32Array(3 * 8), [3, 4, 2]), tensor(new Float32Array(3), [3, 1]));
    expect(train).toThrow(ConfigError);
    expect(train).toThrow(/TimeDistributed\(BatchNormalization\) cannot be trained here: Keras 3 runs the layer once per time step/);
    const frozen = make();
    frozen.layers[0].trainable = false;
    frozen.compile({ optimizer: 'sgd', loss: 'mse' });
    const xs = tensor(randomFloats(seededRandom(18), 3 * 8, 1), [3, 4, 2]);
    const ys = tensor(randomFloats(seededRandom(19), 3, 1), [3, 1]);
    // Frozen, BatchNormalization is its inference form (moving mean 0, variance 1): x / sqrt(1 + 1e-3).
    const [k, b] = frozen.getWeights().slice(-2).map(ref);
    const normalised = { shape: [3, 8], data: Float64Array.from(xs.data, (v) => v / Math.sqrt(1 + 1e-3)) };
    const want = mse(denseRef(normalised, k, b, 'linear'), ys.data);
    expect(Math.abs(frozen.trainOnBatch(xs, ys).loss - want)).toBeLessThan(1e-6);
  });

  it('a fit with a strong l2 penalty shrinks the activations it sees', async () => {
    const activations = async (l2Factor: number) => {
      const model = new Sequential({ layers: [new Dense({ units: 6, activation: 'linear', inputShape: [D], seed: 3 }), new ActivityRegularization({ l2: l2Factor }), new Dense({ units: 1, seed: 4 })] });
      model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'mse' });
      const x = tensor(randomFloats(seededRandom(12), 32 * D, 1), [32, D]);
      const y = tensor(randomFloats(seededRandom(13), 32, 1), [32, 1]);
      await model.fit(x, y, { epochs: 40, batchSize: 8, verbose: 0, seed: 1, shuffle: false });
      const [k, b] = model.getWeights().map(ref);
      const hidden = denseRef(ref(x), k, b, 'linear');
      return hidden.data.reduce((s, v) => s + v * v, 0) / hidden.data.length;
    };
    expect(await activations(5)).toBeLessThan(0.5 * (await activations(0)));
  });
});
