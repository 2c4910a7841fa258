// Keras' input dropout of the recurrent layers in training: one inverted-scaled
// mask per sequence, drawn once per batch and reused at every step, identity in
// predict; checked by statistics, and by gradients with the mask fixed against
// the float64 BPTT reference. Also Dense silu's backward pass against central
// finite differences of a float64 forward pass.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, Sequential, Dense, Dropout, LSTM, GRU, SimpleRNN, Embedding, SpatialDropout1D, SpatialDropout2D, GaussianNoise, GaussianDropout, type Tensor } from '../dist/index.js';
import { trainingStep } from '../dist/training/layer-steps.js';
import { seededGenerator } from '../dist/training/random-source.js';
import { referenceRecurrent } from './reference/index.js';
import { referenceRecurrentBackward } from './reference/recurrent-backward.js';
import { recurrentSpec } from './reference/layers.js';
import { maxViolation } from './fixtures.js';
import { randomFloats, seededRandom } from './random.js';
import { testKernelVariant } from './kernel-variant.js';
import { toReference } from './training-helpers.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const TOLERANCE = { abs: 1e-4, rel: 1e-3 };

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const { worst, index } = maxViolation(actual, expected, TOLERANCE);
  expect(worst, `${what}[${index}]: ${actual[index]} vs ${expected[index]}`).toBeLessThanOrEqual(1);
}


describe('recurrent input dropout in training', () => {
  // Linear SimpleRNN(1) with a kernel of ones and no recurrence: each output is the sum of that
  // sequence's mask over the D features, so the mask can be read off the outputs.
  const [B, T, D, rate] = [60, 5, 400, 0.3];
  function probe(): SimpleRNN {
    const layer = new SimpleRNN({ units: 1, activation: 'linear', dropout: rate, returnSequences: true, useBias: false });
    layer.build([B, T, D]);
    layer.setWeights([tensor(new Float32Array(D).fill(1), [D, 1]), tensor([[0]])]);
    return layer;
  }
  const ones = tensor(new Float32Array(B * T * D).fill(1), [B, T, D]);

  it('drops at its rate, keeps the mean by inverted scaling, and reuses one mask per sequence at every step', () => {
    const layer = probe();
    const step = trainingStep(layer, [ones], [undefined], seededGenerator(11));
    const out = step.outputs[0].data;
    step.release();
    let kept = 0;
    for (let b = 0; b < B; b++) {
      for (let t = 1; t < T; t++) expect(out[b * T + t], `sequence ${b} step ${t}: the same mask as step 0`).toBe(out[b * T]);
      kept += out[b * T] * (1 - rate);
    }
    const dropped = 1 - kept / (B * D);
    expect(Math.abs(dropped - rate)).toBeLessThan(4 * Math.sqrt((rate * (1 - rate)) / (B * D)));
    const sums = Array.from({ length: B }, (_, b) => out[b * T]);
    const mean = sums.reduce((a, s) => a + s, 0) / B;
    // Each sum has variance D·rate/(1 - rate).
    expect(Math.abs(mean - D)).toBeLessThan(4 * Math.sqrt((D * rate) / (1 - rate) / B));
    expect(new Set(sums).size, 'sequences get their own masks').toBeGreaterThan(B / 2);
    const again = trainingStep(layer, [ones], [undefined], seededGenerator(12));
    expect(Array.from(again.outputs[0].data)).not.toEqual(Array.from(out));
    again.release();
    expect(Array.from((layer.apply(ones) as Tensor).data).every((v) => v === D), 'apply (inference) is the identity').toBe(true);
  });

  it('is the identity in predict and evaluate after fit', async () => {
    const model = new Sequential({ layers: [probe()] });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const y = tensor(new Float32Array(B * T).fill(D), [B, T, 1]);
    expect(Array.from((model.predict(ones) as Tensor).data).every((v) => v === D)).toBe(true);
    expect((await model.evaluate(ones, y, { batchSize: B })).loss).toBe(0);
  });

  for (const cell of ['SimpleRNN', 'LSTM', 'GRU'] as const) {
    it(`${cell}: gradients with the mask fixed equal the float64 reference on the masked input`, () => {
      const [b, t, d, h, p] = [3, 6, 5, 4, 0.4];
      const random = seededRandom(cell.length * 17);
      const options = { units: h, dropout: p, returnSequences: true, seed: 3 };
      const layer = cell === 'LSTM' ? new LSTM(options) : cell === 'GRU' ? new GRU(options) : new SimpleRNN(options);
      layer.build([b, t, d]);
      const x = randomFloats(random, b * t * d);
      const dOut = randomFloats(random, b * t * h);
      // The draws the step makes, kept to rebuild its mask: Keras keeps a unit with probability 1 - rate.
      const draws: number[] = [];
      const generator = seededGenerator(21);
      const step = trainingStep(layer, [tensor(x, [b, t, d])], [undefined], () => {
        const u = generator();
        draws.push(u);
        return u;
      });
      expect(draws).toHaveLength(b * d);
      const mask = Float64Array.from(draws, (u) => (u >= p ? 1 / (1 - p) : 0));
      const masked = new Float64Array(b * t * d);
      for (let i = 0; i < masked.length; i++) masked[i] = x[i] * mask[Math.floor(i / (t * d)) * d + (i % d)];
      const grads = step.backward([dOut]);
      step.release();

      const spec = recurrentSpec(cell, h, { returnSequences: true });
      const weights = layer.getWeights().map((w) => toReference(w.data, [...w.shape]));
      const xRef = { shape: [b, t, d], data: masked };
      expectClose(step.outputs[0].data, referenceRecurrent(spec, weights, xRef)[0].data, 'output');
      const expected = referenceRecurrentBackward(spec, weights, xRef, toReference(dOut, [b, t, h]));
      grads.weights.forEach((g, i) => expectClose(g, expected.weights[i].data, `d weight ${i}`));
      const dx = expected.x.data.map((g, i) => g * mask[Math.floor(i / (t * d)) * d + (i % d)]);
      expectClose(grads.inputs[0]!, dx, 'd x');
    });
  }
});

describe('Dense silu backward', () => {
  it('matches central finite differences of a float64 forward pass', () => {
    const [n, d, u] = [5, 4, 3];
    const random = seededRandom(77);
    const model = new Sequential({ layers: [new Dense({ units: u, activation: 'silu', inputShape: [d] })] });
    const kernel = randomFloats(random, d * u, 1.5);
    const bias = randomFloats(random, u, 0.5);
    model.setWeights([tensor(kernel, [d, u]), tensor(bias, [u])]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = randomFloats(random, n * d, 2);
    const y = randomFloats(random, n * u);
    const loss = (w: Float64Array, b: Float64Array) => {
      let sum = 0;
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < u; c++) {
          let z = b[c];
          for (let k = 0; k < d; k++) z += x[r * d + k] * w[k * u + c];
          const out = z / (1 + Math.exp(-z));
          sum += (out - y[r * u + c]) ** 2;
        }
      }
      return sum / (n * u);
    };
    const [dKernel, dBias] = model.computeGradients(tensor(x, [n, d]), tensor(y, [n, u]));
    const step = 1e-5;
    const numeric = (values: Float32Array, which: 'kernel' | 'bias') => Array.from(values, (_, i) => {
      const w = Float64Array.from(kernel);
      const b = Float64Array.from(bias);
      const target = which === 'kernel' ? w : b;
      target[i] += step;
      const up = loss(w, b);
      target[i] -= 2 * step;
      return (up - loss(w, b)) / (2 * step);
    });
    expectClose(dKernel.data, numeric(kernel, 'kernel'), 'd kernel');
    expectClose(dBias.data, numeric(bias, 'bias'), 'd bias');
  });
});

describe("the noise layers in training, as Keras 3's call(training=True)", () => {
  const x = tensor(randomFloats(seededRandom(90), 3 * 5 * 4, 2), [3, 5, 4]);
  const dY = randomFloats(seededRandom(91), 3 * 5 * 4);

  it('SpatialDropout1D drops whole channels of a sample (noise shape (batch, 1, channels)), scaling the kept ones by 1 / (1 - rate), and so does its gradient', () => {
    const layer = new SpatialDropout1D({ rate: 0.5 });
    const step = trainingStep(layer, [x], [undefined], seededGenerator(5));
    const out = step.outputs[0].data;
    const dX = step.backward([dY]).inputs[0] as Float32Array;
    let dropped = 0;
    for (let b = 0; b < 3; b++) {
      for (let c = 0; c < 4; c++) {
        const factors = Array.from({ length: 5 }, (_, t) => out[(b * 5 + t) * 4 + c] / x.data[(b * 5 + t) * 4 + c]);
        // One factor along time: 0 (dropped) or 2 (kept).
        expect(new Set(factors.map((f) => Math.round(f * 1e5) / 1e5)).size).toBe(1);
        expect([0, 2]).toContain(Math.round(factors[0] * 1e5) / 1e5);
        if (factors[0] === 0) dropped += 1;
        for (let t = 0; t < 5; t++) {
          const i = (b * 5 + t) * 4 + c;
          expect(dX[i]).toBeCloseTo(dY[i] * factors[0], 5);
        }
      }
    }
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(12);
    // Inference is the identity.
    expect(Array.from(layer.apply(x).data)).toEqual(Array.from(x.data));
  });

  it('SpatialDropout2D with channels_first drops whole maps along axis 1', () => {
    const x4 = tensor(randomFloats(seededRandom(92), 2 * 3 * 2 * 2, 2).map((v) => Math.abs(v) + 0.1), [2, 3, 2, 2]);
    const out = trainingStep(new SpatialDropout2D({ rate: 0.5, dataFormat: 'channels_first' }), [x4], [undefined], seededGenerator(8)).outputs[0].data;
    for (let map = 0; map < 6; map++) {
      const values = Array.from({ length: 4 }, (_, k) => out[map * 4 + k] !== 0);
      expect(new Set(values).size).toBe(1);
    }
  });

  it('GaussianNoise adds N(0, stddev) and passes the gradient unchanged; GaussianDropout multiplies by N(1, rate / (1 - rate)) and so does its gradient', () => {
    const big = tensor(new Float32Array(20000).fill(1), [100, 200]);
    const noisy = trainingStep(new GaussianNoise({ stddev: 0.5 }), [big], [undefined], seededGenerator(3));
    const added = Array.from(noisy.outputs[0].data, (v) => v - 1);
    const mean = added.reduce((a, b) => a + b, 0) / added.length;
    const sd = Math.sqrt(added.reduce((a, b) => a + (b - mean) ** 2, 0) / added.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.02);
    const g = new Float32Array(20000).fill(3);
    expect(Array.from(noisy.backward([g]).inputs[0] as Float32Array).every((v) => v === 3)).toBe(true);

    const dropout = trainingStep(new GaussianDropout({ rate: 0.2 }), [big], [undefined], seededGenerator(4));
    const factors = Array.from(dropout.outputs[0].data);
    const m = factors.reduce((a, b) => a + b, 0) / factors.length;
    const s = Math.sqrt(factors.reduce((a, b) => a + (b - m) ** 2, 0) / factors.length);
    expect(Math.abs(m - 1)).toBeLessThan(0.02);
    expect(Math.abs(s - Math.sqrt(0.2 / 0.8))).toBeLessThan(0.02);
    const back = dropout.backward([g]).inputs[0] as Float32Array;
    back.forEach((v, i) => expect(v).toBeCloseTo(3 * factors[i], 5));
  });

  it("Dropout's noiseShape broadcasts one draw over the axes given as 1 (it drew every value alone), and so does its gradient", () => {
    const layer = new Dropout({ rate: 0.4, noiseShape: [null, 1, null] });
    expect(Dropout.fromConfig(layer.getConfig()).noiseShape).toEqual([null, 1, null]);
    const [B, T, C] = [50, 6, 8];
    const x = tensor(new Float32Array(B * T * C).fill(1), [B, T, C]);
    const step = trainingStep(layer, [x], [undefined], seededGenerator(9));
    const out = step.outputs[0].data;
    let dropped = 0;
    for (let n = 0; n < B; n++) for (let c = 0; c < C; c++) {
      const values = new Set(Array.from({ length: T }, (_, t) => out[(n * T + t) * C + c]));
      expect(values.size, `sample ${n} channel ${c}`).toBe(1);
      const [v] = values;
      expect([0, Math.fround(1 / 0.6)]).toContain(v);
      if (v === 0) dropped++;
    }
    expect(Math.abs(dropped / (B * C) - 0.4)).toBeLessThan(0.08);
    const back = step.backward([new Float32Array(B * T * C).fill(2)]).inputs[0] as Float32Array;
    back.forEach((g, i) => expect(g).toBeCloseTo(2 * out[i], 5));
  });

  it('a text model with SpatialDropout1D after its Embedding fits (it was refused)', async () => {
    const model = new Sequential({ layers: [new Embedding({ inputDim: 12, outputDim: 4, inputShape: [6], seed: 1 }), new SpatialDropout1D({ rate: 0.2 }), new LSTM({ units: 4, seed: 2 }), new Dense({ units: 1, activation: 'sigmoid', seed: 3 })] });
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    const ids = tensor(Array.from({ length: 8 }, (_, n) => Array.from({ length: 6 }, (_u, t) => (n * 5 + t) % 12)));
    const labels = tensor(Array.from({ length: 8 }, (_, n) => [n % 2]));
    const history = await model.fit(ids, labels, { epochs: 2, verbose: 0, seed: 1 });
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
  });
});
