// A broad matrix of streamed models, each against predict on every prefix, bit for bit: every
// cell with every activation option, frame sizes from 1 to 258 features, batch sizes 1 to 5,
// stacks that mix returnSequences, functional graphs of several inputs and outputs, Embedding on
// Int32Array frames, Masking, per-frame masks, reset()/reset(states)/states(), stateful layers,
// the transcendental activations, causal convolutions, and the real Keras files of ../shared/models.
// relaxed-simd.test.ts re-runs it on
// the relaxed build.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ready, tensor, Tensor, SimpleRNN, LSTM, GRU, CuDNNLSTM, CuDNNGRU, Dense, Dropout, Masking, Embedding, Concatenate, TimeDistributed, Activation, Add,
  Multiply, Average, LayerNormalization, BatchNormalization, Conv1D, Sequential, Model, Input, deserializeLayer,
  ConfigError, type RecurrentLayer, type Layer, type SymbolicTensor, type ActivationName, type KerasActivationName,
} from '../dist/index.js';
import { loadModel } from '../dist/io/keras.js';
import { MODELS_DIR, loadExpected, modelPath } from './io/helpers.js';
import { testKernelVariant } from './kernel-variant.js';
import { randomFloats, randomMask, seededRandom } from './random.js';
import { expectStreamMatchesPrefixes, expectedStep, frameAt, prefix } from './stream-prefix.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const sym = (value: unknown) => value as SymbolicTensor;

/** predict of a one-input model on a prefix. */
const predictOf = (model: Sequential | Model) => (p: Tensor) => model.predict(p) as Tensor;

type CellOptions = { units: number; returnSequences: boolean; seed: number; [key: string]: unknown };
const CELLS: [string, (o: CellOptions) => RecurrentLayer][] = [
  ['SimpleRNN', (o) => new SimpleRNN(o)],
  ['LSTM', (o) => new LSTM(o)],
  ['GRU reset_after', (o) => new GRU(o)],
  ['GRU reset_before', (o) => new GRU({ ...o, resetAfter: false })],
  // Keras 2's cuDNN layers: cuDNN-layout weights through the LSTM and reset_after GRU kernels.
  ['CuDNNLSTM', ({ useBias: _useBias, ...o }) => new CuDNNLSTM(o)],
  ['CuDNNGRU', ({ useBias: _useBias, ...o }) => new CuDNNGRU(o)],
];

const ACTIVATIONS: ActivationName[] = ['tanh', 'linear', 'sigmoid', 'hard_sigmoid', 'relu', 'relu6', 'elu', 'selu', 'softsign', 'exponential', 'silu', 'swish'];

describe('every cell, frame size and batch size: layer.stream() and model.stream()', () => {
  // Frame sizes of real streams: 1 sample, a few sensor channels, 40 mel bands, 128-sample blocks.
  const SHAPES = [
    { B: 1, D: 1, H: 1, T: 6 }, { B: 2, D: 3, H: 4, T: 7 }, { B: 5, D: 7, H: 33, T: 5 },
    { B: 1, D: 40, H: 64, T: 5 }, { B: 3, D: 128, H: 65, T: 4 },
  ];
  CELLS.forEach(([name, make], c) => {
    SHAPES.forEach(({ B, D, H, T }, s) => {
      const returnSequences = (c + s) % 2 === 0;
      it(`${name} B=${B} D=${D} H=${H} returnSequences=${returnSequences}`, () => {
        const random = seededRandom(1000 * c + s);
        const layer = make({ units: H, returnSequences, seed: 7 * c + s, useBias: s !== 2 });
        layer.build([B, T, D]);
        const x = randomFloats(random, B * T * D, 1.5);
        const stream = layer.stream({ batchSize: B });
        expectStreamMatchesPrefixes(stream, x, B, T, D, (p) => layer.apply(p) as Tensor);
        stream.dispose();
        const model = new Sequential({ layers: [make({ units: H, returnSequences, seed: 3 * c + s, inputShape: [null, D] }), new Dense({ units: 3, seed: s })] });
        expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, predictOf(model));
      });
    });
  });

  it(`SimpleRNN with every activation option: ${ACTIVATIONS.join(', ')}`, () => {
    const B = 2, T = 6, D = 4;
    ACTIVATIONS.forEach((activation, i) => {
      const model = new Sequential({ layers: [new SimpleRNN({ units: 5, activation, returnSequences: i % 2 === 0, seed: 40 + i, inputShape: [null, D] }), new Dense({ units: 2, seed: i })] });
      const x = randomFloats(seededRandom(50 + i), B * T * D, 1.2);
      expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, predictOf(model));
    });
  });

  it('LSTM and both GRUs with other activations, recurrent activations, no bias, unitForgetBias false, hard_sigmoid of Keras 2', () => {
    const B = 3, T = 5, D = 5;
    const variants: Layer[] = [
      new LSTM({ units: 6, activation: 'relu', recurrentActivation: 'hard_sigmoid', kerasVersion: 2, returnSequences: true, seed: 1, inputShape: [null, D] }),
      new LSTM({ units: 6, activation: 'softsign', recurrentActivation: 'hard_sigmoid', unitForgetBias: false, useBias: false, seed: 2, inputShape: [null, D] }),
      new GRU({ units: 6, activation: 'elu', recurrentActivation: 'hard_sigmoid', returnSequences: true, seed: 3, inputShape: [null, D] }),
      new GRU({ units: 6, activation: 'selu', recurrentActivation: 'sigmoid', resetAfter: false, useBias: false, seed: 4, inputShape: [null, D] }),
      new GRU({ units: 6, activation: 'tanh', recurrentActivation: 'hard_sigmoid', kerasVersion: 2, resetAfter: false, returnSequences: true, seed: 5, inputShape: [null, D] }),
      new SimpleRNN({ units: 6, activation: 'hard_sigmoid', kerasVersion: 2, useBias: false, seed: 6, inputShape: [null, D] }),
    ];
    variants.forEach((layer, i) => {
      const model = new Sequential({ layers: [layer, new Dense({ units: 2, seed: 10 + i })] });
      const x = randomFloats(seededRandom(60 + i), B * T * D, 2);
      expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, predictOf(model));
    });
  });

  it('the Silero-like shape at its real frame size: LSTM(64) -> Dense(1, sigmoid) on 258 features, B = 1 and 2', () => {
    const D = 258, T = 5;
    const model = new Sequential({ layers: [new LSTM({ units: 64, seed: 8, inputShape: [null, D] }), new Dense({ units: 1, activation: 'sigmoid', seed: 9 })] });
    for (const B of [1, 2]) {
      const x = randomFloats(seededRandom(70 + B), B * T * D);
      expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, predictOf(model));
    }
  });
});

describe('stacks and heads', () => {
  const STACKS: [string, () => Sequential, number][] = [
    ['LSTM(seq) -> GRU(seq) -> SimpleRNN(last) -> Dense(softmax)', () => new Sequential({ layers: [
      new LSTM({ units: 8, returnSequences: true, seed: 1, inputShape: [null, 6] }), new GRU({ units: 7, returnSequences: true, seed: 2 }),
      new SimpleRNN({ units: 5, seed: 3 }), new Dense({ units: 4, activation: 'softmax', seed: 4 }),
    ] }), 6],
    ['Dense(relu) -> Dropout -> GRU reset_before(seq) -> TimeDistributed(Dense(gelu)) -> LSTM(last) -> Dense', () => new Sequential({ layers: [
      new Dense({ units: 9, activation: 'relu', seed: 5, inputShape: [null, 4] }), new Dropout({ rate: 0.4 }),
      new GRU({ units: 6, returnSequences: true, resetAfter: false, seed: 6 }), new TimeDistributed(new Dense({ units: 5, activation: 'gelu', seed: 7 })),
      new LSTM({ units: 4, seed: 8 }), new Dense({ units: 3, seed: 9 }),
    ] }), 4],
    ['GRU(seq) -> LayerNormalization -> LSTM(seq) -> Activation(log_softmax), a keyword spotter over 40 bands', () => new Sequential({ layers: [
      new GRU({ units: 16, returnSequences: true, seed: 10, inputShape: [null, 40] }), new LayerNormalization(),
      new LSTM({ units: 12, returnSequences: true, seed: 11 }), new Dense({ units: 6, seed: 12 }), new Activation('log_softmax'),
    ] }), 40],
    ['causal Conv1D(relu) -> BatchNormalization -> GRU(seq) -> Dense(128): a toy denoiser on 128-sample frames', () => new Sequential({ layers: [
      new Conv1D({ filters: 16, kernelSize: 3, padding: 'causal', activation: 'relu', seed: 13, inputShape: [null, 128] }), new BatchNormalization(),
      new GRU({ units: 32, returnSequences: true, seed: 14 }), new Dense({ units: 128, activation: 'tanh', seed: 15 }),
    ] }), 128],
    ['SimpleRNN(seq, relu) -> Activation(softplus) -> GRU(last) -> Dense(mish) -> Dense(1, sigmoid)', () => new Sequential({ layers: [
      new SimpleRNN({ units: 6, activation: 'relu', returnSequences: true, seed: 16, inputShape: [null, 3] }), new Activation('softplus'),
      new GRU({ units: 5, seed: 17 }), new Dense({ units: 4, activation: 'mish', seed: 18 }), new Dense({ units: 1, activation: 'sigmoid', seed: 19 }),
    ] }), 3],
  ];
  STACKS.forEach(([what, make, D], i) => {
    it(what, () => {
      const model = make();
      for (const B of [1, 3]) {
        const T = 6;
        const x = randomFloats(seededRandom(80 + 10 * i + B), B * T * D, 1.5);
        expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, predictOf(model));
      }
    });
  });
});

describe('functional graphs of several inputs and outputs', () => {
  it('two float inputs, three outputs (a sequence, a last output and a merged head)', () => {
    const B = 2, T = 6, DA = 3, DB = 5;
    const a = Input({ shape: [null, DA] });
    const b = Input({ shape: [null, DB] });
    const seqA = sym(new LSTM({ units: 6, returnSequences: true, seed: 1 }).apply(a));
    const seqB = sym(new GRU({ units: 6, returnSequences: true, resetAfter: false, seed: 2 }).apply(b));
    const joined = sym(new Concatenate().apply([seqA, seqB]));
    const last = sym(new SimpleRNN({ units: 4, seed: 3 }).apply(joined));
    const perFrame = sym(new Dense({ units: 2, activation: 'tanh', seed: 4 }).apply(seqA));
    const merged = sym(new Dense({ units: 3, activation: 'softmax', seed: 6 }).apply(sym(new Multiply().apply([seqA, sym(new Dense({ units: 6, activation: 'sigmoid', seed: 5 }).apply(seqB))]))));
    const model = new Model({ inputs: [a, b], outputs: [perFrame, last, merged] });
    const random = seededRandom(90);
    const xa = randomFloats(random, B * T * DA);
    const xb = randomFloats(random, B * T * DB);
    const stream = model.stream({ batchSize: B });
    expect(stream.outputLengths).toEqual([B * 2, B * 4, B * 3]);
    for (let t = 0; t < T; t++) {
      const got = stream.step([frameAt(xa, B, T, DA, t), frameAt(xb, B, T, DB, t)]);
      const want = model.predict([prefix(xa, B, T, DA, t), prefix(xb, B, T, DB, t)]) as Tensor[];
      expect(got.map((o) => Array.from(o)), `step ${t}`).toEqual(want.map((w) => Array.from(expectedStep(w, B, t))));
    }
    stream.dispose();
  });

  it('ids and floats: two Embeddings (one with maskZero) on Int32Array frames, Average with a float branch', () => {
    const B = 3, T = 7, D = 4, V = 12;
    const tokens = Input({ shape: [null] });
    const signal = Input({ shape: [null, D] });
    const embedded = sym(new Embedding({ inputDim: V, outputDim: 5, maskZero: true, seed: 1 }).apply(tokens));
    const other = sym(new Embedding({ inputDim: V, outputDim: 5, seed: 2 }).apply(tokens));
    const fromIds = sym(new GRU({ units: 5, returnSequences: true, seed: 3 }).apply(embedded));
    const fromSignal = sym(new LSTM({ units: 5, returnSequences: true, seed: 4 }).apply(signal));
    const head = sym(new LSTM({ units: 3, seed: 5 }).apply(sym(new Average().apply([fromIds, fromSignal, other]))));
    const model = new Model({ inputs: [tokens, signal], outputs: [head, fromIds] });
    const random = seededRandom(91);
    // Id 0 (masked) at the start of a row, in the middle, and a row that starts on a valid id.
    const ids = Float32Array.from({ length: B * T }, (_, i) => (i % 5 === 0 ? 0 : Math.floor(random() * V)));
    const x = randomFloats(random, B * T * D);
    const stream = model.stream({ batchSize: B });
    expect(stream.frameLengths).toEqual([B, B * D]);
    for (let t = 0; t < T; t++) {
      const got = stream.step([Int32Array.from(frameAt(ids, B, T, 1, t)), frameAt(x, B, T, D, t)]);
      const want = model.predict([prefix(ids, B, T, 0, t), prefix(x, B, T, D, t)]) as Tensor[];
      expect(got.map((o) => Array.from(o)), `step ${t}`).toEqual(want.map((w) => Array.from(expectedStep(w, B, t))));
    }
    stream.dispose();
  });

  it('a returnState LSTM: its states are outputs too, and feed a Dense', () => {
    const B = 2, T = 5, D = 3;
    const input = Input({ shape: [null, D] });
    const [seq, h, c] = new LSTM({ units: 4, returnSequences: true, returnState: true, seed: 1 }).apply(input) as unknown as SymbolicTensor[];
    const model = new Model({ inputs: input, outputs: [seq, sym(new Add().apply([h, c])), sym(new Dense({ units: 2, seed: 2 }).apply(h))] });
    const x = randomFloats(seededRandom(92), B * T * D);
    const stream = model.stream({ batchSize: B });
    for (let t = 0; t < T; t++) {
      const got = stream.step([frameAt(x, B, T, D, t)]);
      const want = model.predict(prefix(x, B, T, D, t)) as Tensor[];
      expect(got.map((o) => Array.from(o)), `step ${t}`).toEqual(want.map((w) => Array.from(expectedStep(w, B, t))));
    }
    stream.dispose();
  });
});

describe('masks', () => {
  it('Masking: frames equal to the mask value keep the states, with zeroOutputForMask false and true', () => {
    const B = 4, T = 8, D = 3;
    for (const zeroOutputForMask of [false, true]) {
      const model = new Sequential({ layers: [
        new Masking({ maskValue: -1, inputShape: [null, D] }),
        new LSTM({ units: 5, returnSequences: true, zeroOutputForMask, seed: 1 }),
        new GRU({ units: 4, returnSequences: true, resetAfter: false, seed: 2 }), new Dense({ units: 2, seed: 3 }),
      ] });
      const random = seededRandom(93);
      const x = randomFloats(random, B * T * D);
      const mask = randomMask(random, B, T);
      mask.forEach((valid, s) => { if (!valid) x.fill(-1, s * D, (s + 1) * D); });
      expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, predictOf(model));
    }
  });

  it('a per-frame mask through a stack: each recurrent layer sees it, as predict with that mask', () => {
    const B = 3, T = 7, D = 4;
    const first = new GRU({ units: 5, returnSequences: true, seed: 1 });
    const second = new SimpleRNN({ units: 4, returnSequences: true, seed: 2 });
    const third = new LSTM({ units: 3, seed: 3 });
    const model = new Sequential({ layers: [first, second, third], name: 'masked_stack' });
    model.build([null, null, D]);
    const random = seededRandom(94);
    const x = randomFloats(random, B * T * D);
    const mask = randomMask(random, B, T);
    const stream = model.stream({ batchSize: B });
    for (let t = 0; t < T; t++) {
      const got = stream.step(frameAt(x, B, T, D, t), null, Array.from({ length: B }, (_, b) => mask[b * T + t]));
      const stepMask = new Float32Array(B * (t + 1));
      for (let b = 0; b < B; b++) stepMask.set(mask.subarray(b * T, b * T + t + 1), b * (t + 1));
      const m = tensor(stepMask, [B, t + 1]);
      const want = third.apply(second.apply(first.apply(prefix(x, B, T, D, t), { mask: m }) as Tensor, { mask: m }) as Tensor, { mask: m }) as Tensor;
      expect(Array.from(got), `step ${t}`).toEqual(Array.from(want.data));
    }
    stream.dispose();
  });
});

describe('states', () => {
  it('states() after each step are the returnState states of predict on the prefix; reset(states) is initialState', () => {
    const B = 2, T = 5, D = 3;
    const gru = new GRU({ units: 4, returnSequences: true, seed: 1 });
    const lstm = new LSTM({ units: 3, seed: 2 });
    const model = new Sequential({ layers: [gru, lstm] });
    model.build([null, null, D]);
    const withState = (layer: RecurrentLayer) => {
      const copy = deserializeLayer({ class_name: layer.className, config: { ...layer.getConfig(), return_state: true } }) as RecurrentLayer;
      copy.setWeights(layer.getWeights());
      return copy;
    };
    const [gruS, lstmS] = [withState(gru), withState(lstm)];
    const random = seededRandom(95);
    const x = randomFloats(random, B * T * D);
    const stream = model.stream({ batchSize: B });
    for (const initial of [null, [randomFloats(random, B * 4), randomFloats(random, B * 3), randomFloats(random, B * 3)]]) {
      if (initial) stream.reset(initial.map((s, i) => tensor(s, [B, i === 0 ? 4 : 3])));
      else stream.reset();
      for (let t = 0; t < T; t++) {
        const got = stream.step(frameAt(x, B, T, D, t));
        const first = gruS.apply(prefix(x, B, T, D, t), initial ? { initialState: [tensor(initial[0], [B, 4])] } : {}) as Tensor[];
        const second = lstmS.apply(first[0], initial ? { initialState: [tensor(initial[1], [B, 3]), tensor(initial[2], [B, 3])] } : {}) as Tensor[];
        expect(Array.from(got), `step ${t}`).toEqual(Array.from(second[0].data));
        expect(stream.states().map((s) => Array.from(s.data)), `states at step ${t}`).toEqual([first[1], second[1], second[2]].map((s) => Array.from(s.data)));
      }
    }
    stream.dispose();
  });

  it('a stateful model streams as predict from fresh states (resetStates() before each prefix)', () => {
    const B = 2, T = 5, D = 3;
    const model = new Sequential({ layers: [
      new LSTM({ units: 4, stateful: true, returnSequences: true, seed: 1, batchInputShape: [B, null, D] }), new GRU({ units: 3, stateful: true, seed: 2 }),
    ] });
    const x = randomFloats(seededRandom(96), B * T * D);
    expectStreamMatchesPrefixes(model.stream(), x, B, T, D, (p) => {
      model.resetStates();
      return model.predict(p) as Tensor;
    });
  });
});

describe('every Keras activation after a recurrent layer, in an Activation layer and in a Dense', () => {
  const NAMES: KerasActivationName[] = [
    'tanh', 'sigmoid', 'softmax', 'log_softmax', 'gelu', 'elu', 'celu', 'selu', 'exponential', 'silu', 'swish', 'mish', 'softplus',
    'log_sigmoid', 'tanh_shrink', 'hard_sigmoid', 'relu', 'softsign', 'hard_silu', 'linear',
  ];
  it(NAMES.join(', '), () => {
    const B = 2, T = 5, D = 4;
    NAMES.forEach((activation, i) => {
      const model = new Sequential({ layers: [
        new GRU({ units: 6, returnSequences: i % 2 === 0, seed: 100 + i, inputShape: [null, D] }),
        new Dense({ units: 5, activation, seed: 200 + i, kernelInitializer: { class_name: 'RandomNormal', config: { stddev: 3 } } }),
        new Activation(activation),
      ] });
      const x = randomFloats(seededRandom(300 + i), B * T * D, 2);
      expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, predictOf(model));
    });
  });
});

describe('the real Keras files of ../shared/models: each streams as its predict, or is refused naming the layer', () => {
  for (const expected of loadExpected(MODELS_DIR)) {
    it(`${expected.folder}/${expected.file}`, async () => {
      const model = await loadModel(modelPath(expected));
      const [input] = expected.inputs;
      const [B, T] = input.shape;
      const W = input.shape.length === 3 ? input.shape[2] : 0;
      const x = Float32Array.from(input.data);
      let stream;
      try {
        stream = model.stream({ batchSize: B });
      } catch (error) {
        // Only the layers that read the future may refuse: Bidirectional and goBackwards.
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as Error).message).toMatch(/^\w+: (Bidirectional needs the whole sequence|a layer with goBackwards: true)/);
        return;
      }
      // These files fix the time axis, so predict runs on the whole input only: a causal model's
      // step t of its sequence output is then step t of predict, and its last output the last step's.
      const whole = model.predict(W === 0 ? tensor(Int32Array.from(x), [B, T]) : tensor(x, [B, T, W])) as Tensor;
      const width = whole.shape[whole.rank - 1];
      for (let t = 0; t < T; t++) {
        const frame = frameAt(x, B, T, Math.max(W, 1), t);
        const got = stream.step(W === 0 ? Int32Array.from(frame) : frame);
        if (whole.rank === 3) {
          const want = new Float32Array(B * width);
          for (let b = 0; b < B; b++) want.set(whole.data.subarray((b * T + t) * width, (b * T + t + 1) * width), b * width);
          expect(Array.from(got), `step ${t}`).toEqual(Array.from(want));
        } else if (t === T - 1) expect(Array.from(got), 'last step').toEqual(Array.from(whole.data));
      }
      stream.dispose();
      model.dispose();
    }, 60_000);
  }
});
