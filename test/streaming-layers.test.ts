// Streams of the per-frame layers (Activation, BatchNormalization, LayerNormalization, the
// element-wise merges, TimeDistributed of them, the noise layers) and of functional models with
// several inputs and outputs, each against predict on every prefix, bit for bit; and what
// still cannot stream.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ready, tensor, Tensor, LSTM, GRU, SimpleRNN, Dense, Embedding, Masking, TimeDistributed, Sequential, Model, Input,
  Activation, BatchNormalization, LayerNormalization, Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate,
  GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D, ActivityRegularization, GlobalAveragePooling1D, GlobalMaxPooling1D, Flatten,
  Attention, Conv1D, ConfigError, InputError, KERAS_ACTIVATION_NAMES, type SymbolicTensor, type Layer, type KerasActivationName,
} from '../dist/index.js';
import { expectError, untyped } from './expect-error.js';
import { expectClose } from './expect-close.js';
import { convRef } from './reference/conv.js';
import { axisActivationRef } from './reference/extra-layers.js';
import { testKernelVariant } from './kernel-variant.js';
import { randomFloats, randomMask, seededRandom } from './random.js';
import { expectMatchesAroundReset, expectStreamMatchesPrefixes, expectedStep, frameAt, prefix } from './stream-prefix.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

/** Non-trivial weights for a layer already built: random, with variances kept positive. */
function randomizeWeights(layer: Layer, seed: number): void {
  const random = seededRandom(seed);
  const weights = layer.getWeights();
  layer.setWeights(weights.map((w, i) => {
    const data = randomFloats(random, w.size, 1.5);
    // BatchNormalization's moving variance, its last weight.
    if (layer instanceof BatchNormalization && i === weights.length - 1) data.forEach((v, j) => { data[j] = Math.abs(v) + 0.1; });
    return tensor(data, [...w.shape]);
  }));
}

describe('per-frame layers stream, bit for bit with predict on every prefix', () => {
  it('LSTM -> BatchNormalization -> LayerNormalization -> Activation -> noise layers -> Dense', () => {
    const B = 3, T = 6, D = 5;
    const batchNorm = new BatchNormalization({ epsilon: 0.01 });
    const layerNorm = new LayerNormalization();
    const model = new Sequential({
      layers: [
        new LSTM({ units: 9, returnSequences: true, seed: 1, inputShape: [null, D] }),
        batchNorm, layerNorm,
        new Activation('hard_silu'),
        new GaussianNoise({ stddev: 0.3 }), new GaussianDropout({ rate: 0.2 }), new AlphaDropout({ rate: 0.2 }),
        new SpatialDropout1D({ rate: 0.5 }), new ActivityRegularization({ l2: 0.1 }),
        new GRU({ units: 7, returnSequences: true, seed: 2 }),
        new Dense({ units: 4, seed: 3 }),
      ],
    });
    model.build([B, T, D]);
    // Moving statistics and scales that are not the initial ones.
    batchNorm.setWeights(batchNorm.getWeights().map((w, i) => tensor(randomFloats(seededRandom(10 + i), w.size).map((v) => (i === 3 ? Math.abs(v) + 0.2 : v)), [...w.shape])));
    randomizeWeights(layerNorm, 4);
    const x = randomFloats(seededRandom(1), B * T * D, 2);
    expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, (p) => model.predict(p) as Tensor);
  });

  it('BatchNormalization and LayerNormalization without scale or centre, rms scaling, and inside TimeDistributed', () => {
    const B = 2, T = 5, D = 4;
    const variants: Layer[] = [
      new BatchNormalization({ scale: false }), new BatchNormalization({ center: false, axis: 2 }),
      new LayerNormalization({ center: false, epsilon: 0.1 }), new LayerNormalization({ scale: false }),
      new LayerNormalization({ scale: false, center: false }), new LayerNormalization({ rmsScaling: true }),
      new TimeDistributed(new BatchNormalization()), new TimeDistributed(new LayerNormalization({ axis: -1 })),
      new TimeDistributed(new Activation('relu6')),
    ];
    variants.forEach((layer, i) => {
      const model = new Sequential({ layers: [new SimpleRNN({ units: 6, returnSequences: true, seed: 20 + i, inputShape: [null, D] }), layer, new Dense({ units: 3, seed: 40 + i })] });
      model.build([B, T, D]);
      const inner = layer instanceof TimeDistributed ? layer.layer : layer;
      if (inner.getWeights().length > 0) {
        inner.setWeights(inner.getWeights().map((w, j) => tensor(randomFloats(seededRandom(60 + 4 * i + j), w.size).map((v) => (inner instanceof BatchNormalization && j === inner.getWeights().length - 1 ? Math.abs(v) + 0.1 : v)), [...w.shape])));
      }
      const x = randomFloats(seededRandom(70 + i), B * T * D, 3);
      expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, (p) => model.predict(p) as Tensor);
    });
  });

  it('BatchNormalization on the last output of a recurrent layer (a value with no time axis)', () => {
    const B = 2, T = 4, D = 3;
    const batchNorm = new BatchNormalization();
    const model = new Sequential({ layers: [new GRU({ units: 5, seed: 5, inputShape: [null, D] }), batchNorm, new Activation('leaky_relu')] });
    model.build([B, T, D]);
    randomizeWeights(batchNorm, 8);
    const x = randomFloats(seededRandom(2), B * T * D, 2);
    expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, (p) => model.predict(p) as Tensor);
  });

  // Every Keras activation: predict and the stream run the same WebAssembly.
  const STREAMED = KERAS_ACTIVATION_NAMES;
  it(`Activation layers: ${STREAMED.join(', ')} (hard_sigmoid for Keras 2 and 3)`, () => {
    const B = 2, T = 4, D = 8;
    const cases: [KerasActivationName, 2 | 3][] = [...STREAMED.map((name): [KerasActivationName, 2 | 3] => [name, 3]), ['hard_sigmoid', 2]];
    cases.forEach(([activation, kerasVersion], i) => {
      // Frames in [-10, 10) reach every branch (beyond ±6 as well); the Dense after sees each bit.
      const model = new Sequential({
        layers: [new Activation({ activation, kerasVersion, inputShape: [null, D] }), new Dense({ units: 4, seed: 100 + i })],
      });
      const x = randomFloats(seededRandom(90 + i), B * T * D, 10);
      expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, (p) => model.predict(p) as Tensor);
    });
  });

  it('LSTM -> Activation(softmax) over the last output, and TimeDistributed(Activation(log_softmax)) over a sequence', () => {
    const B = 3, T = 6, D = 5;
    for (const model of [
      new Sequential({ layers: [new LSTM({ units: 7, seed: 1, inputShape: [null, D] }), new Activation('softmax')] }),
      new Sequential({ layers: [new GRU({ units: 6, returnSequences: true, seed: 2, inputShape: [null, D] }), new TimeDistributed(new Activation('log_softmax')), new Activation('gelu')] }),
    ]) {
      const x = randomFloats(seededRandom(5), B * T * D, 3);
      expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, (p) => model.predict(p) as Tensor);
    }
  });
});

describe('a Dense whose activation predict applies after the product, on the host', () => {
  it('Dense leaky_relu, hard_silu, soft_shrink and TimeDistributed(Dense sparse_plus) stream', () => {
    const B = 2, T = 5, D = 4;
    const model = new Sequential({
      layers: [
        new Dense({ units: 6, activation: 'leaky_relu', seed: 1, inputShape: [null, D] }),
        new GRU({ units: 5, returnSequences: true, seed: 2 }),
        new Dense({ units: 5, activation: 'hard_silu', seed: 3 }),
        new TimeDistributed(new Dense({ units: 4, activation: 'sparse_plus', seed: 4 })),
        new Dense({ units: 3, activation: 'soft_shrink', seed: 5 }),
      ],
    });
    const x = randomFloats(seededRandom(21), B * T * D, 4);
    expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, (p) => model.predict(p) as Tensor);
  });

  // The names the GEMM does not fuse, which predict applies after the product (in WebAssembly).
  const UNFUSED: KerasActivationName[] = ['gelu', 'celu', 'mish', 'softplus', 'tanh_shrink', 'log_sigmoid', 'log_softmax', 'sparsemax'];
  it(`keyword-spotting shapes: LSTM -> Dense(softmax), and Dense ${UNFUSED.join(', ')} after a recurrent layer`, () => {
    const B = 2, T = 6, D = 10;
    const heads: KerasActivationName[] = ['softmax', ...UNFUSED];
    heads.forEach((activation, i) => {
      const model = new Sequential({
        layers: [
          new LSTM({ units: 12, returnSequences: i % 2 === 0, seed: 200 + i, inputShape: [null, D] }),
          new Dense({ units: 5, activation, seed: 300 + i, kernelInitializer: { class_name: 'RandomNormal', config: { stddev: 2 } } }),
        ],
      });
      const x = randomFloats(seededRandom(400 + i), B * T * D, 2);
      expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, (p) => model.predict(p) as Tensor);
    });
  });
});

describe('merges stream, with masks as Keras 3 and tf.keras 2 combine them', () => {
  const MERGES: [string, (kerasVersion: 2 | 3) => Add | Subtract | Multiply | Average | Maximum | Minimum][] = [
    ['Add', (kerasVersion) => new Add({ kerasVersion })], ['Subtract', (kerasVersion) => new Subtract({ kerasVersion })],
    ['Multiply', (kerasVersion) => new Multiply({ kerasVersion })], ['Average', (kerasVersion) => new Average({ kerasVersion })],
    ['Maximum', (kerasVersion) => new Maximum({ kerasVersion })], ['Minimum', (kerasVersion) => new Minimum({ kerasVersion })],
  ];
  for (const [name, make] of MERGES) {
    for (const kerasVersion of [3, 2] as const) {
      it(`${name} (Keras ${kerasVersion}) of two masked recurrent branches, then a recurrent layer`, () => {
        const B = 4, T = 7, D = 3;
        const random = seededRandom(name.length * 10 + kerasVersion);
        const x = randomFloats(random, B * T * D);
        const mask = randomMask(random, B, T);
        mask.forEach((valid, s) => { if (!valid) x.fill(0, s * D, (s + 1) * D); });
        const input = Input({ shape: [null, D] });
        const masked = new Masking().apply(input) as SymbolicTensor;
        const a = new LSTM({ units: 5, returnSequences: true, seed: 1 }).apply(masked) as SymbolicTensor;
        // The second branch has no mask of its own: Dense keeps the Masking mask, Keras 3's rule then sees both masked.
        const b = new Dense({ units: 5, seed: 2, biasInitializer: 'ones' }).apply(masked) as SymbolicTensor;
        const unmasked = new Dense({ units: 5, seed: 4, biasInitializer: 'ones' }).apply(input) as SymbolicTensor;
        const merged = make(kerasVersion).apply(untyped([a, b, unmasked].slice(0, name === 'Subtract' ? 2 : 3))) as SymbolicTensor;
        const top = new GRU({ units: 4, returnSequences: true, seed: 3 }).apply(merged) as SymbolicTensor;
        const model = new Model({ inputs: input, outputs: top });
        expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, (p) => model.predict(p) as Tensor);
      });
    }
  }

  it('Multiply broadcasts a one-feature gate over the features', () => {
    const B = 2, T = 5, D = 4;
    const input = Input({ shape: [null, D] });
    const seq = new GRU({ units: 6, returnSequences: true, seed: 5 }).apply(input) as SymbolicTensor;
    const gate = new Dense({ units: 1, activation: 'sigmoid', seed: 6 }).apply(seq) as SymbolicTensor;
    const model = new Model({ inputs: input, outputs: new Multiply().apply([seq, gate]) });
    const x = randomFloats(seededRandom(7), B * T * D);
    expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, (p) => model.predict(p) as Tensor);
  });
});

describe('functional models of several inputs and outputs', () => {
  it('two inputs (floats and Embedding ids), two outputs: step takes and returns lists', () => {
    const B = 3, T = 6, D = 4, V = 9;
    const random = seededRandom(11);
    const signal = Input({ shape: [null, D] });
    const tokens = Input({ shape: [null] });
    const a = new LSTM({ units: 6, returnSequences: true, seed: 1 }).apply(signal) as SymbolicTensor;
    const b = new GRU({ units: 6, returnSequences: true, seed: 2 }).apply(new Embedding({ inputDim: V, outputDim: 3, seed: 3 }).apply(tokens) as SymbolicTensor) as SymbolicTensor;
    const joined = new Concatenate().apply([new Add().apply([a, b]), a]);
    const last = new LSTM({ units: 5, seed: 4 }).apply(joined) as SymbolicTensor;
    const model = new Model({ inputs: [signal, tokens], outputs: [new Dense({ units: 2, activation: 'softmax', seed: 5 }).apply(joined), last] });
    const x = randomFloats(random, B * T * D);
    const ids = Float32Array.from({ length: B * T }, () => Math.floor(random() * V));
    const stream = model.stream({ batchSize: B });
    expect(stream.frameLengths).toEqual([B * D, B]);
    expect(stream.outputLengths).toEqual([B * 2, B * 5]);
    const mine = [new Float32Array(B * 2), new Float32Array(B * 5)];
    for (let t = 0; t < T; t++) {
      const frames = [frameAt(x, B, T, D, t), Int32Array.from(frameAt(ids, B, T, 1, t))];
      const got = t % 2 === 0 ? stream.step(frames) : stream.step(frames, mine);
      if (t % 2 === 1) expect(got[0]).toBe(mine[0]);
      const want = model.predict([prefix(x, B, T, D, t), prefix(ids, B, T, 0, t)]) as Tensor[];
      expect(got.map((o) => Array.from(o)), `step ${t}`).toEqual(want.map((w) => Array.from(expectedStep(w, B, t))));
    }
    expectError(() => stream.step(frameAt(x, B, T, D, 0)), InputError, ['2 inputs', 'list of frames']);
    expectError(() => stream.step([frameAt(x, B, T, D, 0)]), InputError, ['list of 2 frames', 'received 1']);
    expectError(() => stream.step([frameAt(x, B, T, D, 0), new Float32Array(B)]), InputError, ['frames[1]', 'Int32Array']);
    expectError(() => stream.step([frameAt(x, B, T, D, 0), new Int32Array(B)], [new Float32Array(1)]), InputError, ['out', '2 Float32Arrays']);
    expectError(() => stream.step([frameAt(x, B, T, D, 0), new Int32Array(B)], [mine[0], new Float32Array(2)]), InputError, ['out[1]', `${B * 5} values`]);
    stream.dispose();
  });

  it('step takes the frames by input name too, as predict takes a dict, and says which name is missing or unknown', () => {
    const B = 2, T = 5, D = 3, V = 7;
    const random = seededRandom(12);
    const signal = Input({ shape: [null, D], name: 'signal' });
    const tokens = Input({ shape: [null], name: 'tokens' });
    const a = new GRU({ units: 4, returnSequences: true, seed: 1 }).apply(signal) as SymbolicTensor;
    const b = new LSTM({ units: 4, returnSequences: true, seed: 2 }).apply(new Embedding({ inputDim: V, outputDim: 2, seed: 3 }).apply(tokens) as SymbolicTensor) as SymbolicTensor;
    const model = new Model({ inputs: [signal, tokens], outputs: [new Dense({ units: 3, seed: 4 }).apply(new Add().apply([a, b]))] });
    const x = randomFloats(random, B * T * D);
    const ids = Float32Array.from({ length: B * T }, () => Math.floor(random() * V));
    const byName = model.stream({ batchSize: B });
    const byList = model.stream({ batchSize: B });
    for (let t = 0; t < T; t++) {
      const frame = frameAt(x, B, T, D, t);
      const idFrame = Int32Array.from(frameAt(ids, B, T, 1, t));
      // Keys in another order than the inputs: matched by name.
      const named = Array.from(byName.step({ tokens: idFrame, signal: frame })[0]);
      expect(named, `step ${t}`).toEqual(Array.from(byList.step([frame, idFrame])[0]));
      const want = model.predict({ signal: prefix(x, B, T, D, t), tokens: prefix(ids, B, T, 0, t) }) as Tensor;
      expect(named).toEqual(Array.from(expectedStep(want, B, t)));
    }
    expectError(() => byName.step({ signal: frameAt(x, B, T, D, 0) }), InputError, ["lack input \"tokens\"", '"signal", "tokens"']);
    expectError(() => byName.step({ signal: frameAt(x, B, T, D, 0), tokens: new Int32Array(B), extra: new Float32Array(1) }), InputError, ['name an input "extra" the model does not have']);
    expectError(() => byName.step({ signal: frameAt(x, B, T, D, 0), tokens: new Float32Array(B) }), InputError, ['frames[1]', 'Int32Array']);
    byName.dispose();
    byList.dispose();
  });

  it('one input, two outputs: step takes its frame in a list and returns both outputs', () => {
    const B = 2, T = 4, D = 3;
    const input = Input({ shape: [null, D] });
    const seq = new LSTM({ units: 4, returnSequences: true, seed: 8 }).apply(input) as SymbolicTensor;
    const model = new Model({ inputs: input, outputs: [new Dense({ units: 1, seed: 9 }).apply(seq), new Dense({ units: 3, seed: 10 }).apply(seq)] });
    const x = randomFloats(seededRandom(12), B * T * D);
    const stream = model.stream({ batchSize: B });
    expectError(() => stream.step(frameAt(x, B, T, D, 0)), InputError, ['1 input and 2 outputs', 'step([frame])', 'a list of 2 outputs']);
    for (let t = 0; t < T; t++) {
      const got = stream.step([frameAt(x, B, T, D, t)]);
      const want = model.predict(prefix(x, B, T, D, t)) as Tensor[];
      expect(got.map((o) => Array.from(o)), `step ${t}`).toEqual(want.map((w) => Array.from(expectedStep(w, B, t))));
    }
    stream.dispose();
  });

  it('one input, two outputs; a per-frame mask applies to every input', () => {
    const B = 2, T = 5, D = 3;
    const input = Input({ shape: [null, D] });
    const seq = new LSTM({ units: 4, returnSequences: true, seed: 7 }).apply(input) as SymbolicTensor;
    const model = new Model({ inputs: input, outputs: [seq, new SimpleRNN({ units: 3, seed: 8 }).apply(seq)] });
    const random = seededRandom(12);
    const x = randomFloats(random, B * T * D);
    const mask = randomMask(random, B, T);
    const [recurrent, last] = model.layers.filter((l) => l.className !== 'InputLayer');
    const stream = model.stream({ batchSize: B });
    for (let t = 0; t < T; t++) {
      const got = stream.step([frameAt(x, B, T, D, t)], null, [mask[t], mask[T + t]]);
      // What predict computes with those steps masked: each layer given the (B, t+1) mask.
      const stepMask = new Float32Array(B * (t + 1));
      for (let b = 0; b < B; b++) stepMask.set(mask.subarray(b * T, b * T + t + 1), b * (t + 1));
      const m = tensor(stepMask, [B, t + 1]);
      const seqOut = (recurrent as LSTM).apply(prefix(x, B, T, D, t), { mask: m }) as Tensor;
      const lastOut = (last as SimpleRNN).apply(seqOut, { mask: m }) as Tensor;
      expect(Array.from(got[0]), `step ${t} sequence`).toEqual(Array.from(expectedStep(seqOut, B, t)));
      expect(Array.from(got[1]), `step ${t} last`).toEqual(Array.from(lastOut.data));
    }
    stream.dispose();
  });
});

describe('causal Conv1D streams from a history of its last (kernelSize - 1) * dilation frames', () => {
  const CASES: { kernelSize: number; dilationRate: number; groups: number; filters: number; activation: 'linear' | 'relu' | 'tanh' | 'softmax' }[] = [
    { kernelSize: 3, dilationRate: 1, groups: 1, filters: 5, activation: 'relu' },
    { kernelSize: 1, dilationRate: 1, groups: 1, filters: 4, activation: 'linear' },
    { kernelSize: 4, dilationRate: 2, groups: 1, filters: 8, activation: 'tanh' },
    { kernelSize: 3, dilationRate: 3, groups: 2, filters: 6, activation: 'relu' },
    { kernelSize: 2, dilationRate: 1, groups: 3, filters: 3, activation: 'linear' },
    { kernelSize: 5, dilationRate: 1, groups: 1, filters: 7, activation: 'softmax' },
    { kernelSize: 3, dilationRate: 2, groups: 2, filters: 6, activation: 'softmax' },
    { kernelSize: 2, dilationRate: 1, groups: 3, filters: 12, activation: 'softmax' },
  ];
  for (const { kernelSize, dilationRate, groups, filters, activation } of CASES) {
    it(`Conv1D(${filters}, ${kernelSize}, dilation ${dilationRate}, groups ${groups}, ${activation}) -> LSTM, past the window's span`, () => {
      const B = 2, D = 6;
      const T = (kernelSize - 1) * dilationRate + 4;
      const conv = new Conv1D({ filters, kernelSize, dilationRate, groups, activation, padding: 'causal', seed: kernelSize * 10 + groups, inputShape: [null, D] });
      const model = new Sequential({ layers: [conv, new LSTM({ units: 5, returnSequences: true, seed: 3 }), new Dense({ units: 2, seed: 4 })] });
      randomizeWeights(conv, 9 + kernelSize);
      const x = randomFloats(seededRandom(30 + kernelSize * groups), B * T * D, 2);
      // reset() starts a new sequence: the window is back on its zero padding.
      expectMatchesAroundReset(model, x, B, T, D);
    });
  }

  it('a grouped causal Conv1D with softmax as the output: one softmax over all filters, as predict and Keras take it', () => {
    const D = 6, T = 9;
    // B = 1 runs a stream's one-row kernels.
    for (const [B, groups, filters, kernelSize, dilationRate] of [[3, 2, 6, 3, 1], [1, 3, 9, 2, 3], [1, 6, 6, 4, 1], [2, 2, 10, 3, 2]] as const) {
      const conv = new Conv1D({ filters, kernelSize, dilationRate, groups, activation: 'softmax', padding: 'causal', seed: groups, inputShape: [null, D] });
      const model = new Sequential({ layers: [conv] });
      randomizeWeights(conv, 20 + groups);
      const x = randomFloats(seededRandom(50 + groups), B * T * D, 2);
      expectMatchesAroundReset(model, x, B, T, D);
      // Keras' softmax runs on the last axis of the whole output, not per group: against float64.
      const [kernel, bias] = conv.getWeights();
      const ref = (t: Tensor) => ({ shape: [...t.shape], data: Float64Array.from(t.data) });
      const linear = convRef({ shape: [B, T, D], data: Float64Array.from(x) }, ref(kernel), ref(bias), { strides: [1], dilations: [dilationRate], padding: 'causal' }, groups);
      expectClose(model.predict(tensor(x, [B, T, D])) as Tensor, axisActivationRef('softmax', linear));
    }
  });

  it('two causal Conv1D stacked in a functional graph, added to a GRU beside them', () => {
    const B = 3, T = 7, D = 4;
    const input = Input({ shape: [null, D] });
    const conv = new Conv1D({ filters: 4, kernelSize: 3, padding: 'causal', activation: 'relu', seed: 1 }).apply(input) as SymbolicTensor;
    const conv2 = new Conv1D({ filters: 5, kernelSize: 2, dilationRate: 2, padding: 'causal', seed: 2 }).apply(conv) as SymbolicTensor;
    const gru = new GRU({ units: 5, returnSequences: true, seed: 3 }).apply(input) as SymbolicTensor;
    const model = new Model({ inputs: input, outputs: new Add().apply([conv2, gru]) });
    const x = randomFloats(seededRandom(44), B * T * D, 2);
    expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, (p) => model.predict(p) as Tensor);
  });
});

describe('GlobalMaxPooling1D and GlobalAveragePooling1D stream as the pooling of the frames so far', () => {
  it('LSTM(seq) -> each pooling -> Dense(softmax), B = 1 and 3, and again after reset()', () => {
    const D = 4, T = 7;
    for (const pool of [new GlobalMaxPooling1D(), new GlobalAveragePooling1D()]) {
      const model = new Sequential({ layers: [new LSTM({ units: 6, returnSequences: true, seed: 1, inputShape: [null, D] }), pool, new Dense({ units: 3, activation: 'softmax', seed: 2 })] });
      for (const B of [1, 3]) {
        const x = randomFloats(seededRandom(B), B * T * D, 3);
        expectMatchesAroundReset(model, x, B, T, D);
      }
    }
  });

  it('with a Keras mask (Masking, Embedding maskZero): the masked mean of the valid frames, NaN before the first', () => {
    const B = 3, T = 7, D = 3;
    const random = seededRandom(8);
    const x = randomFloats(random, B * T * D);
    const mask = randomMask(random, B, T);
    mask.forEach((valid, s) => { if (!valid) x.fill(0, s * D, (s + 1) * D); });
    const masked = new Sequential({ layers: [new Masking({ inputShape: [null, D] }), new GRU({ units: 4, returnSequences: true, seed: 3 }), new GlobalAveragePooling1D(), new Dense({ units: 2, seed: 4 })] });
    expectStreamMatchesPrefixes(masked.stream({ batchSize: B }), x, B, T, D, (p) => masked.predict(p) as Tensor);
    const V = 6;
    const ids = Float32Array.from({ length: B * T }, (_, i) => (i % 4 === 1 ? 0 : 1 + (i % (V - 1))));
    const embedded = new Sequential({ layers: [new Embedding({ inputDim: V, outputDim: 3, maskZero: true, seed: 5, inputShape: [null] }), new GlobalAveragePooling1D(), new Dense({ units: 2, seed: 6 })] });
    expectStreamMatchesPrefixes(embedded.stream({ batchSize: B }), ids, B, T, 0, (p) => embedded.predict(p) as Tensor, (f) => Int32Array.from(f));
  });

  it('with per-frame masks: predict without a mask until step() is given one, with the prefix mask after it', () => {
    const B = 3, T = 8, D = 3;
    const gru = new GRU({ units: 4, returnSequences: true, seed: 7 });
    const pool = new GlobalAveragePooling1D();
    const model = new Sequential({ layers: [gru, pool] });
    model.build([null, null, D]);
    const random = seededRandom(9);
    const x = randomFloats(random, B * T * D);
    const mask = randomMask(random, B, T);
    const firstMasked = 3;
    const stream = model.stream({ batchSize: B });
    {
      for (let round = 0; round < 2; round++) {
        for (let t = 0; t < T; t++) {
          const given = t >= firstMasked;
          const got = stream.step(frameAt(x, B, T, D, t), null, given ? Array.from({ length: B }, (_, b) => mask[b * T + t]) : null);
          const p = prefix(x, B, T, D, t);
          let want: Tensor;
          if (t < firstMasked) want = model.predict(p) as Tensor;
          else {
            // Ones before the first masked step, the given mask after.
            const m = new Float32Array(B * (t + 1)).fill(1);
            for (let b = 0; b < B; b++) for (let s = firstMasked; s <= t; s++) m[b * (t + 1) + s] = mask[b * T + s];
            const maskTensor = tensor(m, [B, t + 1]);
            want = pool.apply(gru.apply(p, { mask: maskTensor }) as Tensor, { mask: maskTensor }) as Tensor;
          }
          expect(Array.from(got), `round ${round} step ${t}`).toEqual(Array.from(want.data));
        }
        // reset() forgets that a mask was given.
        stream.reset();
      }
      stream.dispose();
    }
  });
});

describe('layers that need the whole sequence are still refused, naming the layer', () => {
  const D = 3;
  const refusals: [string, () => Model | Sequential, string[]][] = [
    ['GlobalAveragePooling1D with keepdims', () => new Sequential({ layers: [new LSTM({ units: 3, returnSequences: true, inputShape: [null, D] }), new GlobalAveragePooling1D({ name: 'pool_time', keepdims: true })] }), ['pool_time', 'keepdims']],
    ['Flatten', () => new Sequential({ layers: [new LSTM({ units: 3, returnSequences: true, batchInputShape: [1, 4, D] }), new Flatten({ name: 'flat_time' })] }), ['flat_time', 'Flatten']],
    ['Conv1D same', () => new Sequential({ layers: [new Conv1D({ filters: 2, kernelSize: 3, name: 'conv_same', padding: 'same', inputShape: [null, D] }), new LSTM({ units: 3 })] }), ['conv_same', "padding 'same'", "'causal' can"]],
    ['Conv1D same', () => new Sequential({ layers: [new Conv1D({ filters: 2, kernelSize: 3, padding: 'same', name: 'conv_same', inputShape: [null, D] }), new LSTM({ units: 3 })] }), ['conv_same', "padding 'same'", 'future']],
    ['Add of sequences on different clocks', () => {
      const input = Input({ shape: [null, D] });
      const a = new Conv1D({ filters: 2, kernelSize: 3 }).apply(input) as SymbolicTensor;
      const b = new Conv1D({ filters: 2, kernelSize: 2 }).apply(input) as SymbolicTensor;
      return new Model({ inputs: input, outputs: new Add({ name: 'add_clocks' }).apply([a, b]) as SymbolicTensor });
    }, ['add_clocks', 'different rates']],
    ['Attention', () => {
      const input = Input({ shape: [null, D] });
      const seq = new LSTM({ units: 3, returnSequences: true }).apply(input) as SymbolicTensor;
      return new Model({ inputs: input, outputs: new Attention({ name: 'attend' }).apply([seq, seq]) });
    }, ['attend', 'Attention']],
    ['BatchNormalization over time', () => new Sequential({ layers: [new LSTM({ units: 3, returnSequences: true, batchInputShape: [1, 4, D] }), new BatchNormalization({ axis: 1, name: 'bn_time' })] }), ['bn_time', 'axis 1']],
    ['Add of a sequence and a last output', () => {
      const input = Input({ shape: [null, D] });
      const seq = new LSTM({ units: 3, returnSequences: true }).apply(input) as SymbolicTensor;
      const last = new GRU({ units: 3 }).apply(input) as SymbolicTensor;
      return new Model({ inputs: input, outputs: new Add({ name: 'add_mixed' }).apply([seq, last]) });
    }, ['add_mixed', 'no time axis']],
  ];
  for (const [what, make, parts] of refusals) {
    it(what, () => {
      const model = make();
      expectError(() => model.stream(), ConfigError, parts);
    });
  }
});
