// Keras' weight regularizers (kernel_regularizer, recurrent_regularizer, bias_regularizer, ...) and
// constraints (kernel_constraint, ...) as Keras 3 runs them: each trainable weight's penalty is added
// to the loss of fit and evaluate (compute_loss sums model.losses) and differentiated with it; after
// every optimizer update a constrained weight is assigned constraint(weight). Checked against the
// float64 formulas of test/reference/regularizers.ts, central differences, a hand-computed SGD step,
// and the two Keras files of ../shared/models2 that carry an L1L2 kernel regularizer.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ready, tensor, optimizers, regularizers, constraints, L1, L2, L1L2, OrthogonalRegularizer, MaxNorm, NonNeg, UnitNorm, MinMaxNorm,
  Sequential, Dense, LSTM, GRU, SimpleRNN, Conv1D, Embedding, Bidirectional, TimeDistributed, BatchNormalization, LayerNormalization, PReLU, Flatten,
  deserializeLayer, serializeLayer, modelFromConfig, loadModel, saveModel, ConfigError, type Tensor, type Model,
} from '../dist/index.js';
import { upgradeKeras1Config } from '../dist/io/keras1-config.js';
import { testKernelVariant } from './kernel-variant.js';
import { expectClose } from './expect-close.js';
import { expectError, untyped } from './expect-error.js';
import { expectGradients, mse, randomize, ref } from './model-gradient-check.js';
import { randomFloats, seededRandom } from './random.js';
import { denseRef, recurrentSpec, referenceRecurrent, type ReferenceTensor } from './reference/index.js';
import { l1l2PenaltyRef, maxNormRef, minMaxNormRef, nonNegRef, orthogonalPenaltyRef, unitNormRef } from './reference/regularizers.js';

const shared = (path: string) => fileURLToPath(new URL(`../../shared/${path}`, import.meta.url));

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const seeded = (shape: number[], seed: number, scale = 0.8): Tensor => tensor(randomFloats(seededRandom(seed), shape.reduce((a, b) => a * b, 1), scale), shape);
const refOf = (w: Tensor): ReferenceTensor => ({ shape: [...w.shape], data: Float64Array.from(w.data) });
const f32 = Math.fround;

describe('regularizers: penalties and gradients against the float64 formulas', () => {
  const w = seeded([5, 7], 1);
  const withZeros = tensor([0, -0.5, 0, 2, -3, 0.25], [2, 3]);

  it('L1, L2, L1L2 give l1 sum|w| + l2 sum w^2, with float32 factors', () => {
    for (const [regularizer, l1, l2] of [[regularizers.l1(0.03), 0.03, 0], [regularizers.l2(0.2), 0, 0.2], [regularizers.l1l2({ l1: 0.01, l2: 0.05 }), 0.01, 0.05], [new L1L2(0.5, 0), 0.5, 0]] as const) {
      const expected = l1l2PenaltyRef(w.data, f32(l1), f32(l2));
      expect(Math.abs(regularizer.penalty(w.data, w.shape) - expected)).toBeLessThan(2e-7 * Math.max(1, expected));
    }
  });

  it("the gradient is l1 sign(w) + 2 l2 w, sign(0) = 0 as Keras' abs, added to what is there", () => {
    const gradient = new Float32Array(withZeros.size).fill(1);
    regularizers.l1l2({ l1: 0.1, l2: 0.3 }).addGradient(withZeros.data, withZeros.shape, gradient);
    expectClose(gradient, Array.from(withZeros.data, (v) => 1 + f32(0.1) * Math.sign(v) + 2 * f32(0.3) * v));
  });

  it('OrthogonalRegularizer: the penalty of both modes and its gradient against central differences', () => {
    for (const mode of ['rows', 'columns'] as const) {
      const regularizer = regularizers.orthogonalRegularizer({ factor: 0.2, mode });
      const reference = refOf(w);
      expect(Math.abs(regularizer.penalty(w.data, w.shape) - orthogonalPenaltyRef(reference, 0.2, mode))).toBeLessThan(1e-6);
      const gradient = new Float32Array(w.size);
      regularizer.addGradient(w.data, w.shape, gradient);
      const h = 1e-6;
      const numeric = Array.from(reference.data, (kept, i) => {
        reference.data[i] = kept + h;
        const up = orthogonalPenaltyRef(reference, 0.2, mode);
        reference.data[i] = kept - h;
        const down = orthogonalPenaltyRef(reference, 0.2, mode);
        reference.data[i] = kept;
        return (up - down) / (2 * h);
      });
      expectClose(gradient, numeric, { label: mode, tolerance: { abs: 1e-6, rel: 1e-4 } });
    }
  });
});

describe('constraints: the projections against the float64 formulas', () => {
  const w = seeded([3, 2, 4], 2, 1.5);
  it('MaxNorm, UnitNorm, MinMaxNorm over one axis or several (Keras default axis 0), NonNeg', () => {
    const cases: [MaxNorm | UnitNorm | MinMaxNorm | NonNeg, ReferenceTensor][] = [
      [constraints.maxNorm(1), maxNormRef(refOf(w), 1, [0])],
      [new MaxNorm({ maxValue: 0.7, axis: [0, 1] }), maxNormRef(refOf(w), 0.7, [0, 1])],
      [constraints.unitNorm({ axis: -1 }), unitNormRef(refOf(w), [2])],
      [constraints.minMaxNorm({ minValue: 1.2, maxValue: 1.5, rate: 0.6 }), minMaxNormRef(refOf(w), 1.2, 1.5, 0.6, [0])],
      [new MinMaxNorm(), minMaxNormRef(refOf(w), 0, 1, 1, [0])],
      [constraints.nonNeg(), nonNegRef(refOf(w))],
    ];
    for (const [constraint, expected] of cases) {
      const values = w.data.slice();
      constraint.apply(values, w.shape);
      expectClose(values, expected.data, { label: constraint.className, tolerance: { abs: 1e-6, rel: 1e-5 } });
    }
  });
});

describe('options: objects, Keras names and configs, with errors that say what is wrong', () => {
  it("take Keras' string forms with Keras' defaults", () => {
    const dense = (kernelRegularizer: unknown, kernelConstraint: unknown = null) => new Dense({ units: 2, kernelRegularizer: untyped(kernelRegularizer), kernelConstraint: untyped(kernelConstraint) });
    expect(dense('l1').kernelRegularizer?.getConfig()).toEqual({ l1: 0.01 });
    expect(dense('L2').kernelRegularizer?.getConfig()).toEqual({ l2: 0.01 });
    // tf.keras 2's l1_l2() had 0.01 for both; Keras 3's L1L2 class defaults to 0 for both.
    expect(dense('l1_l2').kernelRegularizer?.getConfig()).toEqual({ l1: 0.01, l2: 0.01 });
    expect(dense('L1L2').kernelRegularizer?.getConfig()).toEqual({ l1: 0, l2: 0 });
    expect(dense('orthogonal_regularizer').kernelRegularizer?.getConfig()).toEqual({ factor: 0.01, mode: 'rows' });
    expect(dense(null, 'max_norm').kernelConstraint?.getConfig()).toEqual({ max_value: 2, axis: 0 });
    expect(dense(null, 'maxnorm').kernelConstraint).toBeInstanceOf(MaxNorm);
    expect(dense(null, 'NonNeg').kernelConstraint).toBeInstanceOf(NonNeg);
    expect(dense(null, 'unit_norm').kernelConstraint?.getConfig()).toEqual({ axis: 0 });
    expect(dense(null, 'min_max_norm').kernelConstraint?.getConfig()).toEqual({ min_value: 0, max_value: 1, rate: 1, axis: 0 });
    expect(dense(null, null).kernelRegularizer).toBeNull();
  });

  it('take Keras 2 and Keras 3 configs, module and registered_name included', () => {
    const layer = new LSTM({
      units: 2,
      kernelRegularizer: { module: 'keras.regularizers', class_name: 'L1L2', config: { l1: 0.001, l2: 0.002 }, registered_name: null },
      recurrentRegularizer: { class_name: 'L2', config: { l2: 0.009999999776482582 } },
      biasConstraint: { class_name: 'MaxNorm', config: { max_value: 3, axis: 0 } },
    });
    expect(layer.kernelRegularizer).toBeInstanceOf(L1L2);
    expect(layer.kernelRegularizer?.getConfig()).toEqual({ l1: 0.001, l2: 0.002 });
    expect(layer.recurrentRegularizer).toBeInstanceOf(L2);
    expect(layer.biasConstraint?.getConfig()).toEqual({ max_value: 3, axis: 0 });
  });

  it('refuse wrong values with a ConfigError naming the option, the expected and the received', () => {
    expectError(() => new Dense({ units: 2, kernelRegularizer: regularizers.l2(-0.1) }), ConfigError, ["'l2'", 'non-negative', '-0.1']);
    expectError(() => new Dense({ units: 2, kernelRegularizer: { class_name: 'L2', config: { l2: -1 } } }), ConfigError, ["option 'kernelRegularizer'", 'non-negative', '-1']);
    expectError(() => new Dense({ units: 2, kernelRegularizer: untyped('l3') }), ConfigError, ["option 'kernelRegularizer'", "'l3'", "'l2'"]);
    expectError(() => new GRU({ units: 2, recurrentRegularizer: { class_name: 'L2', config: { l: 0.1 } } }), ConfigError, ["option 'recurrentRegularizer'", "'l'", 'l2']);
    expectError(() => new Dense({ units: 2, biasConstraint: untyped('positive') }), ConfigError, ["option 'biasConstraint'", "'positive'", "'non_neg'"]);
    expectError(() => new Dense({ units: 2, kernelConstraint: untyped(3) }), ConfigError, ["option 'kernelConstraint'", 'received 3']);
    expectError(() => constraints.maxNorm({ maxValue: untyped('big') }), ConfigError, ["'maxValue'", 'finite number', "'big'"]);
    expectError(() => constraints.unitNorm({ axis: untyped(0.5) }), ConfigError, ["'axis'", 'integer', '0.5']);
    expectError(() => new OrthogonalRegularizer({ mode: untyped('diagonal') }), ConfigError, ["'mode'", "'rows' or 'columns'", "'diagonal'"]);
    expectError(() => new Dense({ units: 2, embeddingsRegularizer: 'l2' } as never), ConfigError, ["unknown option 'embeddingsRegularizer'"]);
  });
});

describe('fit, trainOnBatch and evaluate add the penalties, as Keras 3', () => {
  it('one SGD step of a Dense with an L2 kernel and an L1 bias, computed by hand', () => {
    const layer = new Dense({ units: 2, inputShape: [3], kernelRegularizer: regularizers.l2(0.05), biasRegularizer: new L1(0.02) });
    const model = new Sequential({ layers: [layer] });
    const kernel = seeded([3, 2], 3);
    const bias = tensor([0.3, -0.2]);
    model.setWeights([kernel, bias]);
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'mse' });
    const x = seeded([4, 3], 4);
    const y = seeded([4, 2], 5);
    const k = refOf(kernel);
    const b = refOf(bias);
    const out = denseRef(refOf(x), k, b, 'linear');
    const penalty = l1l2PenaltyRef(k.data, 0, f32(0.05)) + l1l2PenaltyRef(b.data, f32(0.02), 0);
    const dataLoss = mse(out, y.data);
    // d mse / d out = 2 (out - y) / n; d / d kernel = x^T dOut; d / d bias = sum over rows.
    const n = y.size;
    const dOut = out.data.map((v, i) => (2 * (v - y.data[i])) / n);
    const dKernel = Array.from(k.data, (w, idx) => {
      const [i, j] = [Math.floor(idx / 2), idx % 2];
      let s = 0;
      for (let r = 0; r < 4; r++) s += x.data[r * 3 + i] * dOut[r * 2 + j];
      return s + 2 * f32(0.05) * w;
    });
    const dBias = Array.from(b.data, (w, j) => dOut[j] + dOut[2 + j] + dOut[4 + j] + dOut[6 + j] + f32(0.02) * Math.sign(w));
    const logs = model.trainOnBatch(x, y);
    expect(Math.abs((logs.loss as number) - (dataLoss + penalty))).toBeLessThan(1e-6);
    const [kAfter, bAfter] = model.getWeights();
    expectClose(kAfter.data, Array.from(k.data, (w, i) => w - 0.1 * dKernel[i]), { label: 'kernel', tolerance: { abs: 1e-6, rel: 1e-5 } });
    expectClose(bAfter.data, Array.from(b.data, (w, i) => w - 0.1 * dBias[i]), { label: 'bias', tolerance: { abs: 1e-6, rel: 1e-5 } });
  });

  it('computeGradients of a regularized LSTM + Dense model against central differences of loss + penalty', () => {
    const lstm = new LSTM({ units: 3, inputShape: [4, 2], kernelRegularizer: regularizers.l1l2({ l1: 0.02, l2: 0.03 }), recurrentRegularizer: regularizers.l2(0.05), biasRegularizer: regularizers.l1(0.04) });
    const dense = new Dense({ units: 2, kernelRegularizer: regularizers.orthogonalRegularizer({ factor: 0.1, mode: 'columns' }) });
    const model = new Sequential({ layers: [lstm, dense] });
    randomize(model, 6);
    const x = seeded([3, 4, 2], 7);
    const y = randomFloats(seededRandom(8), 6);
    const spec = recurrentSpec('LSTM', 3);
    const forward = ([k, rk, b, dk, db]: ReferenceTensor[]) => denseRef(referenceRecurrent(spec, [k, rk, b], ref(x))[0], dk, db, 'linear');
    const penalty = ([k, rk, b, dk]: ReferenceTensor[]) => l1l2PenaltyRef(k.data, f32(0.02), f32(0.03)) + l1l2PenaltyRef(rk.data, 0, f32(0.05)) + l1l2PenaltyRef(b.data, f32(0.04), 0)
      + orthogonalPenaltyRef(dk, f32(0.1), 'columns');
    expectGradients(model, x, y, forward, true, penalty);
  });

  it('computeGradients of a GRU and of a Bidirectional(SimpleRNN) under TimeDistributed(Dense), every direction penalized', () => {
    const gru = new GRU({ units: 2, inputShape: [3, 2], returnSequences: true, kernelRegularizer: 'l2', recurrentRegularizer: regularizers.l1(0.05), biasRegularizer: regularizers.l2(0.1) });
    const head = new TimeDistributed(new Dense({ units: 1, kernelRegularizer: regularizers.l1l2({ l1: 0.03, l2: 0.02 }) }));
    const model = new Sequential({ layers: [gru, head, new Flatten()] });
    randomize(model, 9);
    const x = seeded([2, 3, 2], 10);
    const y = randomFloats(seededRandom(11), 6);
    const spec = recurrentSpec('GRU', 2, { returnSequences: true });
    const forward = ([k, rk, b, dk, db]: ReferenceTensor[]) => {
      const out = denseRef(referenceRecurrent(spec, [k, rk, b], ref(x))[0], dk, db, 'linear');
      return { shape: [2, 3], data: out.data };
    };
    const penalty = ([k, rk, b, dk]: ReferenceTensor[]) => l1l2PenaltyRef(k.data, 0, f32(0.01)) + l1l2PenaltyRef(rk.data, f32(0.05), 0) + l1l2PenaltyRef(b.data, 0, f32(0.1)) + l1l2PenaltyRef(dk.data, f32(0.03), f32(0.02));
    expectGradients(model, x, y, forward, true, penalty);

    const bi = new Bidirectional(new SimpleRNN({ units: 2, kernelRegularizer: regularizers.l2(0.2), recurrentRegularizer: regularizers.l1(0.1) }), { inputShape: [3, 2], mergeMode: 'concat' });
    const biModel = new Sequential({ layers: [bi, new Dense({ units: 1 })] });
    randomize(biModel, 12);
    const yb = randomFloats(seededRandom(13), 2);
    const fwd = recurrentSpec('SimpleRNN', 2);
    const bwd = recurrentSpec('SimpleRNN', 2, { goBackwards: true });
    const biForward = ([fk, frk, fb, bk, brk, bb, dk, db]: ReferenceTensor[]) => {
      const f = referenceRecurrent(fwd, [fk, frk, fb], ref(x))[0];
      const b = referenceRecurrent(bwd, [bk, brk, bb], ref(x))[0];
      const merged: ReferenceTensor = { shape: [2, 4], data: Float64Array.from({ length: 8 }, (_, i) => (i % 4 < 2 ? f.data[Math.floor(i / 4) * 2 + (i % 4)] : b.data[Math.floor(i / 4) * 2 + (i % 4) - 2])) };
      return denseRef(merged, dk, db, 'linear');
    };
    const biPenalty = ([fk, frk, , bk, brk]: ReferenceTensor[]) => l1l2PenaltyRef(fk.data, 0, f32(0.2)) + l1l2PenaltyRef(frk.data, f32(0.1), 0) + l1l2PenaltyRef(bk.data, 0, f32(0.2)) + l1l2PenaltyRef(brk.data, f32(0.1), 0);
    expectGradients(biModel, x, yb, biForward, true, biPenalty);
  });

  it("evaluate's and fit's loss are the data loss plus the penalty; a frozen layer adds none and keeps its weights", async () => {
    const first = new Dense({ units: 3, inputShape: [2], kernelRegularizer: regularizers.l2(0.3), kernelConstraint: constraints.maxNorm(0.1) });
    const second = new Dense({ units: 1, kernelRegularizer: regularizers.l1(0.2), biasRegularizer: regularizers.l2(0.5) });
    const model = new Sequential({ layers: [first, second] });
    randomize(model, 14);
    const x = seeded([5, 2], 15);
    const y = seeded([5, 1], 16);
    const [k1, b1, k2, b2] = model.getWeights().map(refOf);
    const dataLoss = mse(denseRef(denseRef(refOf(x), k1, b1, 'linear'), k2, b2, 'linear'), y.data);
    const penalties = [l1l2PenaltyRef(k1.data, 0, f32(0.3)), l1l2PenaltyRef(k2.data, f32(0.2), 0) + l1l2PenaltyRef(b2.data, 0, f32(0.5))];
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.01 }), loss: 'mse' });
    const evaluated = await model.evaluate(x, y, { batchSize: 2 });
    expect(Math.abs(evaluated.loss - (dataLoss + penalties[0] + penalties[1]))).toBeLessThan(1e-5);
    expect(Math.abs(model.testOnBatch(x, y).loss - (dataLoss + penalties[0] + penalties[1]))).toBeLessThan(1e-5);
    first.trainable = false;
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.01 }), loss: 'mse' });
    expect(Math.abs((await model.evaluate(x, y)).loss - (dataLoss + penalties[1]))).toBeLessThan(1e-5);
    const history = await model.fit(x, y, { epochs: 1, batchSize: 5, shuffle: false, verbose: 0 });
    expect(Math.abs(history.history.loss[0] - (dataLoss + penalties[1]))).toBeLessThan(1e-5);
    // Frozen: neither updated nor projected by its constraint (Keras applies it to trained variables only).
    expect(Array.from(model.getWeights()[0].data)).toEqual(Array.from(k1.data, f32));
  });
});

describe('constraints after every optimizer update', () => {
  it('an SGD step then the constraint: Dense MaxNorm kernel and NonNeg bias, LSTM UnitNorm and MinMaxNorm, Conv1D MaxNorm over [0, 1]', () => {
    const dense = new Dense({ units: 3, kernelConstraint: constraints.maxNorm(0.6), biasConstraint: 'non_neg' });
    const lstm = new LSTM({ units: 2, inputShape: [4, 3], returnSequences: true, kernelConstraint: constraints.unitNorm(), recurrentConstraint: constraints.minMaxNorm({ minValue: 0.5, maxValue: 0.8, rate: 0.7 }) });
    const conv = new Conv1D({ filters: 2, kernelSize: 2, kernelConstraint: new MaxNorm({ maxValue: 0.5, axis: [0, 1] }) });
    const model = new Sequential({ layers: [lstm, conv, new Flatten(), dense] });
    randomize(model, 17);
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'mse' });
    const x = seeded([3, 4, 3], 18);
    const y = seeded([3, 3], 19);
    const before = model.getWeights();
    const gradients = model.computeGradients(x, y);
    model.trainOnBatch(x, y);
    const after = model.getWeights();
    const stepped = before.map((w, i) => ({ shape: [...w.shape], data: Float64Array.from(w.data, (v, j) => f32(v - f32(0.5 * gradients[i].data[j]))) }));
    const expected = [
      unitNormRef(stepped[0], [0]), minMaxNormRef(stepped[1], 0.5, 0.8, 0.7, [0]), stepped[2],
      maxNormRef(stepped[3], 0.5, [0, 1]), stepped[4],
      maxNormRef(stepped[5], 0.6, [0]), nonNegRef(stepped[6]),
    ];
    expected.forEach((w, i) => expectClose(after[i].data, w.data, { label: `weight ${i}`, tolerance: { abs: 2e-6, rel: 2e-5 } }));
    expect(Math.min(...after[6].data)).toBeGreaterThanOrEqual(0);
  });

  it('Embedding, BatchNormalization and LayerNormalization take theirs (gamma, beta, embeddings) and apply them', () => {
    const model = new Sequential({
      layers: [
        new Embedding({ inputDim: 5, outputDim: 3, inputLength: 4, embeddingsConstraint: constraints.nonNeg(), embeddingsRegularizer: regularizers.l2(0.1) }),
        new LayerNormalization({ gammaConstraint: constraints.maxNorm({ maxValue: 0.9 }), betaRegularizer: regularizers.l1(0.2) }),
        new Flatten(),
        new BatchNormalization({ betaConstraint: 'non_neg', gammaRegularizer: 'l2' }),
        new Dense({ units: 1 }),
      ],
    });
    randomize(model, 20);
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.3 }), loss: 'mse' });
    const ids = tensor([[0, 1, 2, 3], [4, 3, 2, 1], [1, 1, 0, 4]]);
    const y = seeded([3, 1], 21);
    model.trainOnBatch(ids, y);
    const [table, gamma, , , beta] = model.getWeights();
    expect(Math.min(...table.data)).toBeGreaterThanOrEqual(0);
    expect(Math.min(...beta.data)).toBeGreaterThanOrEqual(0);
    // LayerNormalization's gamma of shape (3,): one norm over axis 0, at most 0.9.
    expect(Math.hypot(...gamma.data)).toBeLessThanOrEqual(0.9 + 1e-6);
    const config = serializeLayer(model.layers[3]);
    expect(config.config.gamma_regularizer).toEqual({ class_name: 'L2', config: { l2: 0.01 } });
    expect(config.config.beta_constraint).toEqual({ class_name: 'NonNeg', config: {} });
  });

  it("PReLU's alpha: its penalty in evaluate's loss, its constraint after a step, both in its config", async () => {
    const prelu = new PReLU({ alphaRegularizer: regularizers.l2(0.5), alphaConstraint: constraints.nonNeg() });
    const model = new Sequential({ layers: [new Dense({ units: 3, inputShape: [2] }), prelu] });
    randomize(model, 31);
    const [k, b, alpha] = model.getWeights().map(refOf);
    const x = seeded([4, 2], 32);
    const y = seeded([4, 3], 33);
    const pre = denseRef(refOf(x), k, b, 'linear');
    const out = { shape: pre.shape, data: pre.data.map((v, i) => (v >= 0 ? v : alpha.data[i % 3] * v)) };
    model.compile({ optimizer: optimizers.sgd({ learningRate: 2 }), loss: 'mse' });
    expect(Math.abs((await model.evaluate(x, y)).loss - (mse(out, y.data) + l1l2PenaltyRef(alpha.data, 0, f32(0.5))))).toBeLessThan(1e-5);
    model.trainOnBatch(x, y);
    expect(Math.min(...model.getWeights()[2].data)).toBeGreaterThanOrEqual(0);
    const copy = PReLU.fromConfig(prelu.getConfig());
    expect(copy.alphaRegularizer?.getConfig()).toEqual({ l2: 0.5 });
    expect(copy.alphaConstraint).toBeInstanceOf(NonNeg);
  });

  it('an axis the weight does not have is refused before the step touches any weight', () => {
    const model = new Sequential({ layers: [new Dense({ units: 2, inputShape: [3], kernelConstraint: constraints.maxNorm({ axis: 2 }) })] });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const before = model.getWeights();
    expectError(() => model.trainOnBatch(seeded([2, 3], 22), seeded([2, 2], 23)), ConfigError, ["option 'kernelConstraint'", 'kernel of shape [3, 2]', 'axis 2']);
    expect(model.getWeights().map((w) => Array.from(w.data))).toEqual(before.map((w) => Array.from(w.data)));
    const conv = new Sequential({ layers: [new Conv1D({ filters: 2, kernelSize: 2, inputShape: [4, 3], kernelRegularizer: regularizers.orthogonalRegularizer() })] });
    conv.compile({ optimizer: 'sgd', loss: 'mse' });
    expectError(() => conv.trainOnBatch(seeded([2, 4, 3], 24), seeded([2, 3, 2], 25)), ConfigError, ["option 'kernelRegularizer'", 'rank 2', 'rank 3']);
  });
});

describe('configs and files keep them', () => {
  it("getConfig writes Keras' keys (null where none), fromConfig reads them back, toJSON adds Keras 3's module", () => {
    const layer = new LSTM({ units: 2, kernelRegularizer: regularizers.l1l2({ l1: 0.1, l2: 0.2 }), recurrentConstraint: constraints.maxNorm(3) });
    const config = layer.getConfig();
    expect(config.kernel_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0.1, l2: 0.2 } });
    expect(config.recurrent_regularizer).toBeNull();
    expect(config.bias_regularizer).toBeNull();
    expect(config.recurrent_constraint).toEqual({ class_name: 'MaxNorm', config: { max_value: 3, axis: 0 } });
    expect(config.kernel_constraint).toBeNull();
    const copy = deserializeLayer(serializeLayer(layer));
    expect(copy.getConfig()).toEqual(config);
    const plain = new Dense({ units: 1 }).getConfig();
    expect([plain.kernel_regularizer, plain.bias_regularizer, plain.kernel_constraint, plain.bias_constraint]).toEqual([null, null, null, null]);
    const model = new Sequential({ layers: [new Dense({ units: 2, inputShape: [3], kernelRegularizer: regularizers.l2(0.01), biasConstraint: constraints.nonNeg() })] });
    const saved = JSON.parse(model.toJSON()) as { config: { layers: { config: Record<string, unknown> }[] } };
    expect(saved.config.layers[1].config.kernel_regularizer).toEqual({ module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 }, registered_name: null });
    expect(saved.config.layers[1].config.bias_constraint).toEqual({ module: 'keras.constraints', class_name: 'NonNeg', config: {}, registered_name: null });
    const rebuilt = modelFromConfig(model.toJSON());
    expect((rebuilt.layers[0] as Dense).kernelRegularizer?.getConfig()).toEqual({ l2: 0.01 });
  });

  for (const format of ['keras', 'h5'] as const) {
    it(`.${format}: saved and loaded back with them, and fit on the loaded model regularizes`, async () => {
      const model = new Sequential({ layers: [new GRU({ units: 2, inputShape: [3, 2], kernelRegularizer: regularizers.l2(0.4), recurrentConstraint: constraints.unitNorm() }), new Dense({ units: 1, biasRegularizer: 'l1' })] });
      randomize(model, 26);
      const loaded = await loadModel(await saveModel(model, { format }));
      const gru = loaded.layers[0] as GRU;
      expect(gru.kernelRegularizer?.getConfig()).toEqual({ l2: 0.4 });
      expect(gru.recurrentConstraint).toBeInstanceOf(UnitNorm);
      expect((loaded.layers[1] as Dense).biasRegularizer?.getConfig()).toEqual({ l1: 0.01 });
      const [k, , , , db] = loaded.getWeights().map(refOf);
      const x = seeded([2, 3, 2], 27);
      const y = seeded([2, 1], 28);
      loaded.compile({ optimizer: 'sgd', loss: 'mse' });
      const dataLoss = mse(refOf(loaded.predict(x) as Tensor), y.data);
      const logs = loaded.trainOnBatch(x, y);
      expect(Math.abs((logs.loss as number) - (dataLoss + l1l2PenaltyRef(k.data, 0, f32(0.4)) + l1l2PenaltyRef(db.data, f32(0.01), 0)))).toBeLessThan(1e-5);
    });
  }
});

describe("Keras 1 configs' W_regularizer, U_regularizer, b_constraint, ...", () => {
  it("become Keras 2's kernel_, recurrent_, bias_ and embeddings_ keys (constraints not on Keras 1's 4-D conv kernels)", () => {
    const l1l2 = (l1: number, l2: number) => ({ name: 'L1L2Regularizer', l1, l2 });
    const upgraded = upgradeKeras1Config({
      class_name: 'Sequential',
      config: [
        { class_name: 'Embedding', config: { name: 'e', input_dim: 5, output_dim: 3, W_regularizer: l1l2(0, 0.01), W_constraint: { name: 'NonNeg' } } },
        { class_name: 'LSTM', config: { name: 'l', output_dim: 2, W_regularizer: l1l2(0.1, 0), U_regularizer: { name: 'WeightRegularizer', l1: 0, l2: 0.2 }, b_regularizer: null, U_constraint: { name: 'MaxNorm', m: 3, axis: 0 } } },
        { class_name: 'Convolution1D', config: { name: 'c', nb_filter: 2, filter_length: 3, W_regularizer: l1l2(0, 0.3), W_constraint: { name: 'MaxNorm', m: 2, axis: 0 } } },
        { class_name: 'Dense', config: { name: 'd', output_dim: 1, b_constraint: { name: 'MinMaxNorm', low: 0.1, high: 0.5, rate: 0.5, axis: 0 } } },
      ],
    }, { file: 'keras1.h5' } as never) as { config: { class_name: string; config: Record<string, unknown> }[] };
    const [embedding, lstm, conv, dense] = upgraded.config.map((l) => l.config);
    expect(embedding.embeddings_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.01 } });
    expect(embedding.embeddings_constraint).toEqual({ class_name: 'NonNeg', config: {} });
    expect(lstm.kernel_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0.1, l2: 0 } });
    expect(lstm.recurrent_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.2 } });
    expect(lstm.recurrent_constraint).toEqual({ class_name: 'MaxNorm', config: { max_value: 3, axis: 0 } });
    expect('bias_regularizer' in lstm).toBe(false);
    expect(conv.kernel_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.3 } });
    expect('kernel_constraint' in conv).toBe(false);
    expect(dense.bias_constraint).toEqual({ class_name: 'MinMaxNorm', config: { min_value: 0.1, max_value: 0.5, rate: 0.5, axis: 0 } });
    const model = modelFromConfig({ class_name: 'Sequential', config: [upgraded.config[0], upgraded.config[1], upgraded.config[3]] }, { kerasVersion: 2 });
    expect((model.getLayer('l') as LSTM).recurrentConstraint?.getConfig()).toEqual({ max_value: 3, axis: 0 });
  });
});

/** `model` (a tf.keras 2 file's: its hard_sigmoid is Keras 2's) without its L1L2 weight regularizers, holding its weights. */
function withoutRegularizers(model: Model): Model {
  const json = model.toJSON({ kerasVersion: 3 }).replace(/"(kernel|bias|recurrent)_regularizer": \{"module": "keras.regularizers", "class_name": "L1L2", "config": \{[^}]*\}, "registered_name": null\}/g, '"$1_regularizer": null');
  const twin = modelFromConfig(json, { kerasVersion: 2 }) as Model;
  twin.setWeights(model.getWeights());
  return twin;
}

describe("the Keras files of ../shared/models2 that carry an L1L2 kernel regularizer fine-tune with it", () => {
  const cases: [string, string, number, number, number[]][] = [
    ['6llz--deep-learning-NSSA/n_cnn_bigru_model.h5', 'dense', 0.0010000000474974513, 0.0010000000474974513, [4, 122, 1]],
    ['UValpoLabitec--FallDetectionModels/conv_blstm_modelv2.h5', 'conv1d_1', 0, 9.999999747378752e-5, [4, 60, 32]],
  ];
  for (const [file, name, l1, l2, shape] of cases) {
    it(`${file}: one SGD step moves ${name}'s kernel by lr (l1 sign(w) + 2 l2 w) more than the same model without it, and the loss grows by the penalty`, async () => {
      const model = (await loadModel(shared(`models2/${file}`))) as Model;
      const layer = model.getLayer(name) as Dense | Conv1D;
      expect(layer.kernelRegularizer).toBeInstanceOf(L1L2);
      expect(layer.kernelRegularizer?.getConfig()).toEqual({ l1, l2 });
      const twin = withoutRegularizers(model);
      expect((twin.getLayer(name) as Dense | Conv1D).kernelRegularizer).toBeNull();
      const kernel = layer.getWeights()[0];
      const penalty = l1l2PenaltyRef(kernel.data, f32(l1), f32(l2));
      const x = seeded(shape, 29, 1);
      const outputs = (model.predict(x) as Tensor).shape[1];
      const y = tensor(Float32Array.from({ length: shape[0] * outputs }, (_, i) => (i % outputs === i % 3 ? 1 : 0)), [shape[0], outputs]);
      const lr = 0.05;
      const offset = model.layers.slice(0, model.layers.indexOf(layer)).reduce((n, l) => n + l.getWeights().length, 0);
      const losses: number[] = [];
      const kernels: Float32Array[] = [];
      for (const m of [model, twin]) {
        m.compile({ optimizer: optimizers.sgd({ learningRate: lr }), loss: outputs === 1 ? 'binary_crossentropy' : 'categorical_crossentropy' });
        const history = await m.fit(x, y, { epochs: 1, batchSize: shape[0], shuffle: false, seed: 30, verbose: 0 });
        losses.push(history.history.loss[0]);
        kernels.push(m.getWeights()[offset].data);
      }
      expect(Math.abs(losses[0] - losses[1] - penalty)).toBeLessThan(2e-6 + 1e-5 * losses[0]);
      const expectedShift = Array.from(kernel.data, (w) => -lr * (f32(l1) * Math.sign(w) + 2 * f32(l2) * w));
      expectClose(kernels[0].map((w, i) => w - kernels[1][i]), expectedShift, { label: `${name} kernel`, tolerance: { abs: 1e-7, rel: 2e-3 } });
    });
  }
});
