// Training through the layers of a CNN-LSTM: Conv1D/2D (groups, dilation, strides, every
// padding), max and average pooling, global pooling (with a mask), Flatten, Reshape, Permute,
// RepeatVector, Activation and TimeDistributed of them. computeGradients against central
// differences of a float64 forward pass built from test/reference, and a fit that lowers the loss.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ready, tensor, Sequential, Model, Input, Conv1D, Conv2D, MaxPooling1D, AveragePooling1D, MaxPooling2D, AveragePooling2D,
  GlobalMaxPooling1D, GlobalAveragePooling1D, GlobalMaxPooling2D, Flatten, Reshape, Permute, RepeatVector, Activation, Dense,
  LSTM, TimeDistributed, Masking, LayerNormalization, BatchNormalization, Add, Subtract, Multiply, Average, Maximum, Minimum, optimizers, type Tensor, type SymbolicTensor,
} from '../dist/index.js';
import { expectClose } from './expect-close.js';
import { expectGradients, randomize, ref } from './model-gradient-check.js';
import { testKernelVariant } from './kernel-variant.js';
import { randomFloats, seededRandom } from './random.js';
import { convRef, globalPoolRef, poolRef } from './reference/conv.js';
import { ACTIVATION_REFS, axisActivationRef, layerNormRef, mergeRef, permuteRef, repeatVectorRef } from './reference/extra-layers.js';
import { denseRef } from './reference/layers.js';
import { recurrentSpec, referenceRecurrent, type ReferenceTensor } from './reference/index.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const reshape = (x: ReferenceTensor, shape: number[]): ReferenceTensor => ({ shape, data: x.data });
const silu = (x: ReferenceTensor): ReferenceTensor => ({ shape: x.shape, data: x.data.map((v) => v / (1 + Math.exp(-v))) });

describe('gradients through convolutions, pooling and the shape layers, against finite differences of float64', () => {
  it('causal grouped dilated Conv1D(tanh) -> MaxPooling1D same -> Flatten -> Dense', () => {
    const [B, T, D] = [3, 9, 4];
    const model = new Sequential({
      layers: [
        new Conv1D({ filters: 6, kernelSize: 3, dilationRate: 2, groups: 2, padding: 'causal', activation: 'tanh', inputShape: [T, D] }),
        new MaxPooling1D({ poolSize: 2, padding: 'same' }),
        new Flatten(),
        new Dense({ units: 2 }),
      ],
    });
    randomize(model, 1);
    const random = seededRandom(2);
    const x = tensor(randomFloats(random, B * T * D, 1.5), [B, T, D]);
    const y = randomFloats(random, B * 2);
    expectGradients(model, x, y, ([k, b, dk, db]) => {
      const conv = convRef(ref(x), k, b, { strides: [1], dilations: [2], padding: 'causal' }, 2, 'tanh');
      const pooled = poolRef(conv, { kernel: [2], strides: [2], padding: 'same' }, 'max');
      return denseRef(reshape(pooled, [B, 5 * 6]), dk, db, 'linear');
    });
  });

  it('Conv1D(gelu) and Conv2D(mish), the activations the kernels do not fuse -> Flatten -> Dense', () => {
    const [B, T, D] = [2, 6, 3];
    const model = new Sequential({
      layers: [
        new Conv1D({ filters: 4, kernelSize: 2, activation: 'gelu', inputShape: [T, D] }), new Reshape([5, 4, 1]),
        new Conv2D({ filters: 2, kernelSize: [2, 2], padding: 'same', activation: 'mish' }), new Flatten(), new Dense({ units: 2 }),
      ],
    });
    randomize(model, 3);
    const random = seededRandom(4);
    const x = tensor(randomFloats(random, B * T * D, 1.5), [B, T, D]);
    const y = randomFloats(random, B * 2);
    const act = (name: string, v: ReferenceTensor): ReferenceTensor => ({ shape: v.shape, data: v.data.map(ACTIVATION_REFS[name]) });
    expectGradients(model, x, y, ([k1, b1, k2, b2, dk, db]) => {
      const a = act('gelu', convRef(ref(x), k1, b1, { strides: [1], dilations: [1], padding: 'valid' }, 1));
      const c = act('mish', convRef(reshape(a, [B, 5, 4, 1]), k2, b2, { strides: [1, 1], dilations: [1, 1], padding: 'same' }, 1));
      return denseRef(reshape(c, [B, 5 * 4 * 2]), dk, db, 'linear');
    });
  });

  it("strided Conv1D(silu) same -> AveragePooling1D same -> Permute -> Reshape -> GlobalAveragePooling1D -> RepeatVector -> Flatten -> Dense(softmax)", () => {
    const [B, T, D] = [2, 11, 3];
    const model = new Sequential({
      layers: [
        new Conv1D({ filters: 4, kernelSize: 4, strides: 2, padding: 'same', activation: 'silu', inputShape: [T, D] }),
        new AveragePooling1D({ poolSize: 3, strides: 2, padding: 'same' }),
        new Permute([2, 1]),
        new Reshape([2, 6]),
        new GlobalAveragePooling1D(),
        new RepeatVector(3),
        new Flatten(),
        new Dense({ units: 3, activation: 'softmax' }),
      ],
    });
    randomize(model, 3);
    const random = seededRandom(4);
    const x = tensor(randomFloats(random, B * T * D, 1.5), [B, T, D]);
    const y = randomFloats(random, B * 3);
    expectGradients(model, x, y, ([k, b, dk, db]) => {
      const conv = silu(convRef(ref(x), k, b, { strides: [2], dilations: [1], padding: 'same' }, 1));
      const pooled = poolRef(conv, { kernel: [3], strides: [2], padding: 'same' }, 'average');
      const permuted = permuteRef(pooled, [0, 2, 1]);
      const mean = globalPoolRef(reshape(permuted, [B, 2, 6]), 'average');
      return denseRef(reshape(repeatVectorRef(mean, 3), [B, 18]), dk, db, 'softmax');
    });
  });

  it('Conv2D valid -> Activation(softmax) -> MaxPooling2D -> Conv2D -> AveragePooling2D same -> GlobalMaxPooling2D -> Activation(silu) -> Dense', () => {
    const [B, H, W, C] = [2, 6, 5, 2];
    const model = new Sequential({
      layers: [
        new Conv2D({ filters: 3, kernelSize: [2, 2], inputShape: [H, W, C] }),
        new Activation('softmax'),
        new MaxPooling2D({ poolSize: [2, 2], strides: [1, 2] }),
        new Conv2D({ filters: 4, kernelSize: [2, 1], activation: 'relu' }),
        new AveragePooling2D({ poolSize: 2, padding: 'same' }),
        new GlobalMaxPooling2D(),
        new Activation('silu'),
        new Dense({ units: 2 }),
      ],
    });
    randomize(model, 5, 1.2);
    const random = seededRandom(6);
    const x = tensor(randomFloats(random, B * H * W * C, 1.5), [B, H, W, C]);
    const y = randomFloats(random, B * 2);
    expectGradients(model, x, y, ([k1, b1, k2, b2, dk, db]) => {
      const a = axisActivationRef('softmax', convRef(ref(x), k1, b1, { strides: [1, 1], dilations: [1, 1], padding: 'valid' }, 1));
      const p = poolRef(a, { kernel: [2, 2], strides: [1, 2], padding: 'valid' }, 'max');
      const c = convRef(p, k2, b2, { strides: [1, 1], dilations: [1, 1], padding: 'valid' }, 1, 'relu');
      const q = poolRef(c, { kernel: [2, 2], strides: [2, 2], padding: 'same' }, 'average');
      return denseRef(silu(globalPoolRef(q, 'max')), dk, db, 'linear');
    });
  });

  it('a functional CNN-LSTM: TimeDistributed(Conv1D) -> TimeDistributed(MaxPooling1D) -> TimeDistributed(Flatten) -> LSTM -> Dense', () => {
    const [B, S, L, D, F, H] = [2, 3, 6, 2, 3, 4];
    const input = Input({ shape: [S, L, D] });
    const conv = new TimeDistributed(new Conv1D({ filters: F, kernelSize: 2, activation: 'tanh' })).apply(input) as SymbolicTensor;
    const pooled = new TimeDistributed(new MaxPooling1D(2)).apply(conv) as SymbolicTensor;
    const flat = new TimeDistributed(new Flatten()).apply(pooled) as SymbolicTensor;
    const lstm = new LSTM({ units: H }).apply(flat) as SymbolicTensor;
    const model = new Model({ inputs: input, outputs: new Dense({ units: 1 }).apply(lstm) });
    randomize(model, 7);
    const random = seededRandom(8);
    const x = tensor(randomFloats(random, B * S * L * D, 1.5), [B, S, L, D]);
    const y = randomFloats(random, B);
    expectGradients(model, x, y, ([k, b, lk, lr, lb, dk, db]) => {
      const frames = reshape(ref(x), [B * S, L, D]);
      const c = convRef(frames, k, b, { strides: [1], dilations: [1], padding: 'valid' }, 1, 'tanh');
      const p = poolRef(c, { kernel: [2], strides: [2], padding: 'valid' }, 'max');
      const [h] = referenceRecurrent(recurrentSpec('LSTM', H), [lk, lr, lb], reshape(p, [B, S, 2 * F]));
      return denseRef(h, dk, db, 'linear');
    });
  });

  it('GlobalAveragePooling1D averages the unmasked steps, and so does its gradient', () => {
    const [B, T, D] = [2, 5, 3];
    const input = Input({ shape: [T, D] });
    const masked = new Masking({ maskValue: 0 }).apply(input) as SymbolicTensor;
    const seq = new LSTM({ units: 3, returnSequences: true }).apply(masked) as SymbolicTensor;
    const mean = new GlobalAveragePooling1D().apply(seq) as SymbolicTensor;
    const model = new Model({ inputs: input, outputs: new Dense({ units: 1 }).apply(mean) });
    randomize(model, 9);
    const random = seededRandom(10);
    const data = randomFloats(random, B * T * D, 1.5);
    data.fill(0, (0 * T + 3) * D, (0 * T + 5) * D);
    data.fill(0, (1 * T + 1) * D, (1 * T + 2) * D);
    const x = tensor(data, [B, T, D]);
    const mask = tensor(Float32Array.from({ length: B * T }, (_, i) => (data.subarray(i * D, (i + 1) * D).some((v) => v !== 0) ? 1 : 0)), [B, T]);
    const y = randomFloats(random, B);
    expectGradients(model, x, y, ([lk, lr, lb, dk, db]) => {
      const spec = recurrentSpec('LSTM', 3, { returnSequences: true });
      const [h] = referenceRecurrent(spec, [lk, lr, lb], ref(x), { mask: ref(mask) });
      return denseRef(globalPoolRef(h, 'average', ref(mask)), dk, db, 'linear');
    });

  });
});

describe('gradients through the element-wise merges, broadcast as Keras aligns ranks', () => {
  it('a residual Add, Subtract, Multiply, Average, Maximum and Minimum of (B, T, D), (B, T, 1) and (B, D) branches', () => {
    const [B, T, D] = [2, 3, 4];
    const input = Input({ shape: [T, D] });
    const a = new Dense({ units: D, activation: 'tanh' }).apply(input) as SymbolicTensor;
    const b = new Dense({ units: 1 }).apply(input) as SymbolicTensor;
    const c = new Dense({ units: D }).apply(new GlobalAveragePooling1D().apply(input) as SymbolicTensor) as SymbolicTensor;
    const residual = new Add().apply([input, a]);
    const sub = new Subtract().apply([residual, b]);
    const mul = new Multiply().apply([sub, c]);
    const avg = new Average().apply([mul, a, b]);
    const max = new Maximum().apply([avg, a]);
    const min = new Minimum().apply([max, sub, c]);
    const model = new Model({ inputs: input, outputs: new Dense({ units: 2 }).apply(new Flatten().apply(min) as SymbolicTensor) });
    randomize(model, 12, 1.2);
    const random = seededRandom(13);
    const x = tensor(randomFloats(random, B * T * D, 1.5), [B, T, D]);
    const y = randomFloats(random, B * 2);
    expectGradients(model, x, y, ([ak, ab, bk, bb, ck, cb, dk, db]) => {
      const xr = ref(x);
      const ar = denseRef(xr, ak, ab, 'tanh');
      const br = denseRef(xr, bk, bb, 'linear');
      const cr = denseRef(globalPoolRef(xr, 'average'), ck, cb, 'linear');
      const subr = mergeRef('subtract', [mergeRef('add', [xr, ar]), br]);
      const avgr = mergeRef('average', [mergeRef('multiply', [subr, cr]), ar, br]);
      const minr = mergeRef('minimum', [mergeRef('maximum', [avgr, ar]), subr, cr]);
      return denseRef(reshape(minr, [B, T * D]), dk, db, 'linear');
    });
  });
});

describe('gradients through LayerNormalization', () => {
  it('over the last axis, over two axes without beta, and with rms scaling, against finite differences of float64', () => {
    const [B, T, D] = [2, 3, 4];
    const cases = [
      { layer: () => new LayerNormalization({ epsilon: 0.01 }), axes: [2], rms: false, gamma: true, beta: true },
      { layer: () => new LayerNormalization({ axis: [1, 2], center: false }), axes: [1, 2], rms: false, gamma: true, beta: false },
      { layer: () => new LayerNormalization({ rmsScaling: true }), axes: [2], rms: true, gamma: true, beta: false },
      { layer: () => new LayerNormalization({ scale: false }), axes: [2], rms: false, gamma: false, beta: true },
    ];
    cases.forEach((c, k) => {
      const input = Input({ shape: [T, D] });
      const seq = new LSTM({ units: D, returnSequences: true }).apply(input) as SymbolicTensor;
      const norm = c.layer();
      const model = new Model({ inputs: input, outputs: new Dense({ units: 1 }).apply(new Flatten().apply(norm.apply(seq)) as SymbolicTensor) });
      randomize(model, 20 + k, 1.2);
      const random = seededRandom(30 + k);
      const x = tensor(randomFloats(random, B * T * D, 1.5), [B, T, D]);
      const y = randomFloats(random, B);
      expectGradients(model, x, y, (w) => {
        const [lk, lr, lb] = w;
        const params = w.slice(3, w.length - 2);
        const [dk, db] = w.slice(-2);
        const [h] = referenceRecurrent(recurrentSpec('LSTM', D, { returnSequences: true }), [lk, lr, lb], ref(x));
        const gamma = c.gamma ? Array.from(params[0].data) : null;
        const beta = c.beta ? Array.from(params[c.gamma ? 1 : 0].data) : null;
        return denseRef(reshape(layerNormRef(h, c.axes, gamma, beta, norm.epsilon, c.rms), [B, T * D]), dk, db, 'linear');
      });
    });
  });
});

/** Keras 3's BatchNormalization in training: the batch's mean and biased variance per feature (masked steps left out, over n + 1e-7). */
function batchNormTrainingRef(x: ReferenceTensor, gamma: ReferenceTensor | null, beta: ReferenceTensor | null, epsilon: number, mask?: ReferenceTensor) {
  const D = x.shape[x.shape.length - 1];
  const rows = x.data.length / D;
  const w = (r: number) => (mask ? mask.data[r] : 1);
  const mean = new Float64Array(D);
  const variance = new Float64Array(D);
  const n = Array.from({ length: rows }, (_, r) => w(r)).reduce((a, b) => a + b, 0) + (mask ? 1e-7 : 0);
  for (let r = 0; r < rows; r++) for (let c = 0; c < D; c++) mean[c] += (w(r) * x.data[r * D + c]) / n;
  for (let r = 0; r < rows; r++) for (let c = 0; c < D; c++) variance[c] += (w(r) * (x.data[r * D + c] - mean[c]) ** 2) / n;
  const data = x.data.map((v, i) => {
    const c = i % D;
    return ((v - mean[c]) / Math.sqrt(variance[c] + epsilon)) * (gamma ? gamma.data[c] : 1) + (beta ? beta.data[c] : 0);
  });
  return { out: { shape: x.shape, data }, mean, variance };
}

describe('BatchNormalization trains as Keras 3 trains it', () => {
  const [B, T, D] = [3, 4, 3];
  const random = seededRandom(40);
  const x = tensor(randomFloats(random, B * T * D, 1.5), [B, T, D]);
  const y = randomFloats(random, B);

  it('normalises by the batch statistics, whose gradients match finite differences, and moves the moving statistics by momentum', () => {
    const bn = new BatchNormalization({ momentum: 0.9, epsilon: 0.01 });
    const model = new Sequential({ layers: [new Dense({ units: D, inputShape: [T, D] }), bn, new Flatten(), new Dense({ units: 1 })] });
    randomize(model, 41);
    // Moving statistics away from their initial values, variances positive.
    const [g0, b0, mm0, mv0] = bn.getWeights();
    bn.setWeights([g0, b0, mm0, tensor(mv0.data.map((v) => Math.abs(v) + 0.5), [D])]);
    const start = bn.getWeights().map(ref);
    const [k1, b1] = model.getWeights().map(ref);
    const features = denseRef(ref(x), k1, b1, 'linear');
    const { mean, variance } = batchNormTrainingRef(features, null, null, 0.01);
    expectGradients(model, x, y, ([dk1, db1, gamma, beta, , , dk2, db2]) => {
      const { out } = batchNormTrainingRef(denseRef(ref(x), dk1, db1, 'linear'), gamma, beta, 0.01);
      return denseRef(reshape(out, [B, T * D]), dk2, db2, 'linear');
    }, false);
    // computeGradients ran one training forward pass: moving = moving * 0.9 + batch * 0.1.
    const [, , movingMean, movingVariance] = bn.getWeights();
    expectClose(movingMean.data, start[2].data.map((v, c) => v * 0.9 + mean[c] * 0.1), { label: 'moving_mean' });
    expectClose(movingVariance.data, start[3].data.map((v, c) => v * 0.9 + variance[c] * 0.1), { label: 'moving_variance' });
  });

  it('with a mask, only the unmasked steps enter the statistics', () => {
    const data = Float32Array.from(x.data);
    data.fill(0, 2 * D, 4 * D);
    const masked = tensor(data, [B, T, D]);
    const mask = ref(tensor(Float32Array.from({ length: B * T }, (_, i) => (i === 2 || i === 3 ? 0 : 1)), [B, T]));
    const model = new Sequential({ layers: [new Masking({ maskValue: 0, inputShape: [T, D] }), new BatchNormalization({ center: false }), new GlobalAveragePooling1D(), new Dense({ units: 1 })] });
    randomize(model, 42);
    const [, mv] = model.layers[1].getWeights();
    model.layers[1].setWeights([model.layers[1].getWeights()[0], model.layers[1].getWeights()[1], tensor(mv.data.map((v) => Math.abs(v) + 0.5), [D])]);
    expectGradients(model, masked, y, ([gamma, , , dk, db]) => {
      const { out } = batchNormTrainingRef(ref(masked), gamma, null, 1e-3, mask);
      return denseRef(globalPoolRef(out, 'average', mask), dk, db, 'linear');
    }, false);
  });

  it('a frozen BatchNormalization runs on its moving statistics, as at inference, and its gradient passes through them', () => {
    const bn = new BatchNormalization();
    const model = new Sequential({ layers: [new Dense({ units: D, inputShape: [T, D] }), bn, new Flatten(), new Dense({ units: 1 })] });
    randomize(model, 43);
    const [g, b, mm, mv] = bn.getWeights();
    bn.setWeights([g, b, mm, tensor(mv.data.map((v) => Math.abs(v) + 0.5), [D])]);
    bn.trainable = false;
    const before = bn.getWeights();
    // The moving statistics are constants of the pass (non-trainable: their gradients are zero).
    const [, , movingMean, movingVariance] = before.map(ref);
    expectGradients(model, x, y, ([dk1, db1, gamma, beta, , , dk2, db2]) => {
      const z = denseRef(ref(x), dk1, db1, 'linear');
      const out = { shape: z.shape, data: z.data.map((v, i) => ((v - movingMean.data[i % D]) / Math.sqrt(movingVariance.data[i % D] + 1e-3)) * gamma.data[i % D] + beta.data[i % D]) };
      return denseRef(reshape(out, [B, T * D]), dk2, db2, 'linear');
    });
    bn.getWeights().forEach((w, i) => expect(Array.from(w.data)).toEqual(Array.from(before[i].data)));
  });

  it('fit keeps the moving statistics the forward passes set while the optimizer (AdamW, with weight decay) steps gamma and beta', async () => {
    const bn = new BatchNormalization({ momentum: 0.5 });
    const model = new Sequential({ layers: [bn, new Flatten(), new Dense({ units: 1 })], name: 'bn_fit' });
    model.build([null, T, D]);
    model.compile({ optimizer: optimizers.adamw({ learningRate: 0.01, weightDecay: 0.5 }), loss: 'mse' });
    await model.trainOnBatch(x, tensor(y, [B, 1]));
    const { mean, variance } = batchNormTrainingRef(ref(x), null, null, 1e-3);
    const [gamma, , movingMean, movingVariance] = bn.getWeights();
    expectClose(movingMean.data, Array.from(mean, (m) => m * 0.5));
    expectClose(movingVariance.data, Array.from(variance, (v) => 0.5 + v * 0.5));
    expect(Array.from(gamma.data).some((v) => v !== 1)).toBe(true);
  });
});

describe('fit trains a CNN-LSTM end to end', () => {
  it('Conv1D -> MaxPooling1D -> LSTM -> RepeatVector -> LSTM(seq) -> TimeDistributed(Dense) lowers its loss', async () => {
    const [N, T, D] = [32, 12, 1];
    const random = seededRandom(11);
    const x = randomFloats(random, N * T * D);
    // The target: each window's mean, repeated over 3 output steps.
    const y = new Float32Array(N * 3);
    for (let n = 0; n < N; n++) {
      const mean = x.subarray(n * T, (n + 1) * T).reduce((a, b) => a + b, 0) / T;
      y.fill(mean, n * 3, n * 3 + 3);
    }
    const model = new Sequential({
      layers: [
        new Conv1D({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [T, D], seed: 1 }),
        new MaxPooling1D(2),
        new LSTM({ units: 8, seed: 2 }),
        new RepeatVector(3),
        new LSTM({ units: 8, returnSequences: true, seed: 3 }),
        new TimeDistributed(new Dense({ units: 1, seed: 4 })),
      ],
    });
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'mse' });
    const history = await model.fit(tensor(x, [N, T, D]), tensor(y, [N, 3, 1]), { epochs: 15, batchSize: 8, verbose: 0, seed: 5 });
    const losses = history.history.loss;
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.5);
  });
});
