// Streams of frames that are tensors of their own: a rank-4 input (batch, time, a, b) or rank-5
// (batch, time, rows, cols, channels) steps on a Float32Array of batchSize × a × b values. A
// per-frame CNN under TimeDistributed (Conv1D/2D, pooling, global pooling, Flatten, a wrapped
// model), a window of one step on the time axis (Conv2D of kernel [1, k], pooling of size 1, a
// Conv1D of kernel 1), Reshape and Permute within a frame, Dense and the normalisations on a
// frame's last axis, and ConvLSTM1D/2D one step at a time: each step against predict on the
// prefix, bit for bit (relaxed-simd.test.ts re-runs it on the relaxed build).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Activation, Add, AveragePooling1D, AveragePooling2D, BatchNormalization, Concatenate, ConfigError, Conv1D, Conv2D, ConvLSTM1D, ConvLSTM2D,
  Dense, Dropout, Flatten, GlobalAveragePooling2D, GlobalMaxPooling1D, GRU, Input, InputError, LayerNormalization, LSTM, Masking,
  MaxPooling1D, MaxPooling2D, MaxPooling3D, Model, Normalization, Permute, Reshape, Sequential, SimpleRNN, TimeDistributed, ready, tensor,
  type SymbolicTensor, type Tensor,
} from '../dist/index.js';
import { expectError } from './expect-error.js';
import { testKernelVariant } from './kernel-variant.js';
import { randomFloats, seededRandom } from './random.js';
import { expectedStep, frameAt, prefix, randomize } from './stream-prefix.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const sym = (value: unknown) => value as SymbolicTensor;
const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/** x[:, 0..t] of x (B, T, ...frame) as a tensor (B, t+1, ...frame). */
function prefixOf(x: Float32Array, B: number, T: number, frame: readonly number[], t: number): Tensor {
  return tensor(prefix(x, B, T, size(frame), t).data, [B, t + 1, ...frame]);
}

/** Streams x (B, T, ...frame) and compares every step with predict on x[:, 0..t], exactly; then again after reset(). */
function expectFramesMatch(model: Sequential | Model, B: number, T: number, frame: readonly number[], seed: number): void {
  const W = size(frame);
  const x = randomFloats(seededRandom(seed), B * T * W, 1.5);
  const stream = model.stream({ batchSize: B });
  expect(stream.frameLength).toBe(B * W);
  for (const round of [0, 1]) {
    for (let t = 0; t < T; t++) {
      const got = stream.step(frameAt(x, B, T, W, t));
      const want = expectedStep(model.predict(prefixOf(x, B, T, frame, t)) as Tensor, B, t);
      expect(Array.from(got), `round ${round} step ${t}`).toEqual(Array.from(want));
    }
    stream.reset();
  }
  stream.dispose();
}

describe('a per-frame CNN under TimeDistributed before a recurrent layer', () => {
  it('TimeDistributed(Conv1D same -> MaxPooling1D -> Conv1D dilated, grouped, causal strided -> GlobalMaxPooling1D keepdims -> Flatten) -> LSTM over (time, 16, 3) windows', () => {
    const model = new Sequential([
      Input({ shape: [null, 16, 3] }),
      new TimeDistributed(new Conv1D({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' })),
      new TimeDistributed(new MaxPooling1D({ poolSize: 2 })),
      new TimeDistributed(new Conv1D({ filters: 6, kernelSize: 2, dilationRate: 2, groups: 2, activation: 'tanh' })),
      new TimeDistributed(new Conv1D({ filters: 4, kernelSize: 3, strides: 2, padding: 'causal' })),
      // Within a frame, keepdims keeps the frame's own axis: (1, 4).
      new TimeDistributed(new GlobalMaxPooling1D({ keepdims: true })),
      new TimeDistributed(new Flatten()),
      new LSTM({ units: 7, returnSequences: true }),
      new Dense({ units: 2 }),
    ]);
    randomize(model.layers, 1);
    for (const B of [1, 3]) expectFramesMatch(model, B, 5, [16, 3], 10 + B);
  });

  it('LRCN-like: TimeDistributed(Conv2D same -> AveragePooling2D same -> Dropout -> Conv2D softmax -> GlobalAveragePooling2D) -> GRU over (time, 9, 7, 2) images', () => {
    const model = new Sequential([
      Input({ shape: [null, 9, 7, 2] }),
      new TimeDistributed(new Conv2D({ filters: 5, kernelSize: 3, padding: 'same', activation: 'relu' })),
      new TimeDistributed(new AveragePooling2D({ poolSize: 2, padding: 'same' })),
      new TimeDistributed(new Dropout({ rate: 0.5 })),
      new TimeDistributed(new Conv2D({ filters: 4, kernelSize: [2, 3], activation: 'softmax' })),
      new TimeDistributed(new GlobalAveragePooling2D()),
      new GRU({ units: 6 }),
      new Dense({ units: 3, activation: 'softmax' }),
    ]);
    randomize(model.layers, 2);
    for (const B of [1, 2]) expectFramesMatch(model, B, 4, [9, 7, 2], 20 + B);
  });

  it('TimeDistributed of a model: Sequential(Conv1D -> BatchNormalization -> MaxPooling1D -> Flatten -> Dense) -> SimpleRNN', () => {
    const cnn = new Sequential([
      Input({ shape: [12, 2] }), new Conv1D({ filters: 4, kernelSize: 3, activation: 'elu' }), new BatchNormalization(),
      new MaxPooling1D({ poolSize: 3, strides: 2 }), new Flatten(), new Dense({ units: 5, activation: 'gelu' }),
    ]);
    randomize(cnn.layers, 3);
    const model = new Sequential([Input({ shape: [null, 12, 2] }), new TimeDistributed(cnn), new SimpleRNN({ units: 4, returnSequences: true })]);
    randomize(model.layers.slice(1), 4);
    for (const B of [1, 4]) expectFramesMatch(model, B, 5, [12, 2], 30 + B);
  });
});

describe('layers with a window of one step on the time axis, and reshapes within a frame', () => {
  it('Conv2D of kernel [1, 3] and MaxPooling2D [1, 2] over (time, 10, 2), Permute within the frame, Reshape([-1, n]) -> LSTM', () => {
    const model = new Sequential([
      Input({ shape: [null, 10, 2] }),
      new Conv2D({ filters: 3, kernelSize: [1, 3], padding: 'same', activation: 'swish' }),
      new MaxPooling2D({ poolSize: [1, 2] }),
      new Permute([1, 3, 2]),
      new Reshape([-1, 15]),
      new LSTM({ units: 5 }),
    ]);
    randomize(model.layers, 5);
    for (const B of [1, 2]) expectFramesMatch(model, B, 5, [10, 2], 40 + B);
  });

  it('Reshape, Permute and Flatten drop a Masking mask, as predict does: masked frames reach the LSTM', () => {
    const B = 3, T = 6, D = 6;
    const x = randomFloats(seededRandom(110), B * T * D, 1.5);
    for (const s of [1, 4, 7, 15]) x.fill(0, s * D, (s + 1) * D);
    const middles = [
      () => [new Reshape([-1, 2, 3]), new TimeDistributed(new Flatten())],
      () => [new Permute([1, 2])],
      () => [new Reshape([-1, 3, 2]), new Permute([1, 3, 2]), new Reshape([-1, 6])],
    ];
    for (const middle of middles) {
      const model = new Sequential([Input({ shape: [null, D] }), new Masking({ maskValue: 0 }), ...middle(), new LSTM({ units: 3, seed: 12 })]);
      const stream = model.stream({ batchSize: B });
      for (let t = 0; t < T; t++) {
        const want = expectedStep(model.predict(prefixOf(x, B, T, [D], t)) as Tensor, B, t);
        expect(Array.from(stream.step(frameAt(x, B, T, D, t))), `${model.layers.map((l) => l.className).join(' -> ')} step ${t}`).toEqual(Array.from(want));
      }
      stream.dispose();
    }
  });

  it('pooling of size 1 is the identity, and a Conv1D of kernel 1 (valid or same) is a per-frame product', () => {
    const model = new Sequential([
      Input({ shape: [null, 3] }),
      new Conv1D({ filters: 6, kernelSize: 1, activation: 'relu' }),
      new MaxPooling1D({ poolSize: 1 }),
      new AveragePooling1D({ poolSize: 1, padding: 'same' }),
      new Conv1D({ filters: 5, kernelSize: 1, padding: 'same', dilationRate: 3 }),
      new GRU({ units: 4, resetAfter: false, returnSequences: true }),
      new GlobalMaxPooling1D(),
    ]);
    randomize(model.layers, 6);
    for (const B of [1, 3]) expectFramesMatch(model, B, 6, [3], 50 + B);
  });

  it('causal Conv1D with the activations the kernels do not fuse (gelu, and mish over groups) before a GRU', () => {
    const model = new Sequential([
      Input({ shape: [null, 4] }),
      new Conv1D({ filters: 6, kernelSize: 3, padding: 'causal', activation: 'gelu' }),
      new Conv1D({ filters: 4, kernelSize: 2, dilationRate: 2, groups: 2, padding: 'causal', activation: 'mish' }),
      new GRU({ units: 3, returnSequences: true }),
    ]);
    randomize(model.layers, 11);
    for (const B of [1, 2]) expectFramesMatch(model, B, 6, [4], 100 + B);
  });

  it('Dense, LayerNormalization, BatchNormalization, Activation(softmax) and Concatenate on a frame of (4, 3): on its last axis at every position', () => {
    const input = Input({ shape: [null, 4, 3] });
    const a = sym(new Dense({ units: 5, activation: 'tanh' }).apply(input));
    const b = sym(new LayerNormalization().apply(sym(new BatchNormalization().apply(input))));
    const joined = sym(new Concatenate().apply([a, b]));
    const soft = sym(new Activation('softmax').apply(joined));
    const flat = sym(new TimeDistributed(new Flatten()).apply(soft));
    const model = new Model({ inputs: input, outputs: [sym(new LSTM({ units: 3 }).apply(flat))] });
    randomize(model.layers, 7);
    for (const B of [1, 2]) expectFramesMatch(model, B, 5, [4, 3], 60 + B);
  });

  it('normalisations over other axes of the frame: LayerNormalization over the frame\'s last two axes, BatchNormalization and Normalization on its first axis', () => {
    const input = Input({ shape: [null, 3, 4] });
    const normalization = new Normalization({ axis: 2 });
    normalization.adapt(tensor(randomFloats(seededRandom(70), 2 * 5 * 12, 2), [2, 5, 3, 4]));
    const layers = [
      new LayerNormalization({ axis: [2, 3] }), new LayerNormalization({ axis: [-2, -1], rmsScaling: true }),
      new BatchNormalization({ axis: 2 }), new BatchNormalization({ axis: -2, center: false }), normalization,
      new Normalization({ axis: [2, 3], mean: 0.5, variance: 2 }), new Normalization({ axis: null, mean: -1, variance: 4 }),
      new TimeDistributed(new LayerNormalization({ axis: [1, 2] })), new TimeDistributed(new BatchNormalization({ axis: 1 })),
    ];
    let x: SymbolicTensor = input;
    for (const layer of layers) x = sym(layer.apply(x));
    const model = new Model({ inputs: input, outputs: [sym(new GRU({ units: 3, returnSequences: true }).apply(sym(new TimeDistributed(new Flatten()).apply(x))))] });
    randomize(model.layers.filter((layer) => !(layer instanceof Normalization)), 71);
    for (const B of [1, 2]) expectFramesMatch(model, B, 5, [3, 4], 72 + B);
  });
});

describe('ConvLSTM one step at a time', () => {
  it('ConvLSTM1D (returnSequences) -> TimeDistributed(Flatten) -> LSTM over (time, 8, 2); its states are (batch, positions, filters)', () => {
    const conv = new ConvLSTM1D({ filters: 3, kernelSize: 3, padding: 'same', returnSequences: true, name: 'conv_lstm' });
    const model = new Sequential([Input({ shape: [null, 8, 2] }), conv, new TimeDistributed(new Flatten()), new LSTM({ units: 4 })]);
    randomize(model.layers, 8);
    for (const B of [1, 2]) expectFramesMatch(model, B, 5, [8, 2], 70 + B);
    const stream = model.stream({ batchSize: 2 });
    expect(stream.states().map((s) => s.shape)).toEqual([[2, 8, 3], [2, 8, 3], [2, 4], [2, 4]]);
    expectError(() => stream.step(new Float32Array(2 * 16), null, [1, 0]), InputError, ['conv_lstm', 'mask']);
    expectError(() => stream.step(new Float32Array(2 * 15)), InputError, ['32 values', 'one frame of shape [8, 2]']);
    stream.dispose();
  });

  it('ConvLSTM2D (returnSequences) -> MaxPooling3D [1, 2, 2] same -> TimeDistributed(Flatten) -> GRU over (time, 5, 4, 1), as the video classifiers stack it', () => {
    const model = new Sequential([
      Input({ shape: [null, 5, 4, 1] }), new ConvLSTM2D({ filters: 3, kernelSize: 2, returnSequences: true }),
      new MaxPooling3D({ poolSize: [1, 2, 2], padding: 'same' }), new TimeDistributed(new Dropout({ rate: 0.2 })), new TimeDistributed(new Flatten()), new GRU({ units: 3 }),
    ]);
    randomize(model.layers, 10);
    for (const B of [1, 3]) expectFramesMatch(model, B, 4, [5, 4, 1], 90 + B);
  });

  it('ConvLSTM2D (valid, strides 2, relu) -> Flatten -> Dense over (time, 7, 6, 2): states() and reset(states) are predict\'s returnState and initialState', () => {
    const B = 2, T = 4, frame = [7, 6, 2];
    const options = { filters: 2, kernelSize: [3, 2], strides: 2, activation: 'relu' as const };
    const conv = new ConvLSTM2D(options);
    const model = new Sequential([Input({ shape: [null, ...frame] }), conv, new Flatten(), new Dense({ units: 3 })]);
    randomize(model.layers, 9);
    expectFramesMatch(model, B, T, frame, 80);
    const withState = new ConvLSTM2D({ ...options, returnState: true });
    withState.build([null, null, ...frame]);
    withState.setWeights(conv.getWeights());
    const random = seededRandom(81);
    const x = randomFloats(random, B * T * size(frame));
    const initial = [randomFloats(random, B * 3 * 3 * 2), randomFloats(random, B * 3 * 3 * 2)].map((s) => tensor(s, [B, 3, 3, 2]));
    const stream = model.stream({ batchSize: B });
    stream.reset(initial);
    const W = size(frame);
    for (let t = 0; t < T; t++) {
      stream.step(frameAt(x, B, T, W, t));
      const [, h, c] = withState.apply(prefixOf(x, B, T, frame, t), { initialState: initial }) as Tensor[];
      expect(stream.states().map((s) => Array.from(s.data)), `states at step ${t}`).toEqual([Array.from(h.data), Array.from(c.data)]);
    }
    stream.dispose();
  });
});

describe('functional graphs and per-row masks over frames', () => {
  it('a ConvLSTM1D with returnState: its sequence through TimeDistributed(Flatten) -> LSTM, its states added, flattened and joined', () => {
    const input = Input({ shape: [null, 5, 2] });
    const [seq, h, c] = new ConvLSTM1D({ filters: 3, kernelSize: 2, returnSequences: true, returnState: true }).apply(input) as unknown as SymbolicTensor[];
    const states = sym(new Flatten().apply(sym(new Add().apply([h, c]))));
    const perFrame = sym(new LSTM({ units: 2 }).apply(sym(new TimeDistributed(new Flatten()).apply(seq))));
    const model = new Model({ inputs: input, outputs: [sym(new Dense({ units: 2 }).apply(states)), sym(new Concatenate().apply([perFrame, states]))] });
    randomize(model.layers, 12);
    const B = 2, T = 4, frame = [5, 2];
    const x = randomFloats(seededRandom(120), B * T * 10, 1.5);
    const stream = model.stream({ batchSize: B });
    for (let t = 0; t < T; t++) {
      const got = stream.step([frameAt(x, B, T, 10, t)]).map((o) => Array.from(o));
      const want = (model.predict(prefixOf(x, B, T, frame, t)) as Tensor[]).map((w) => Array.from(w.data));
      expect(got, `step ${t}`).toEqual(want);
    }
    stream.dispose();
  });

  it('a per-row mask given to step() reaches the LSTM after a TimeDistributed CNN: masked rows keep their states, as predict with that mask', () => {
    const B = 3, T = 6, frame = [6, 2];
    const cnn = new Sequential([Input({ shape: [null, ...frame] }), new TimeDistributed(new Conv1D({ filters: 3, kernelSize: 3, activation: 'relu' })), new TimeDistributed(new Flatten())]);
    const lstm = new LSTM({ units: 4, returnSequences: true });
    const model = new Sequential([Input({ shape: [null, ...frame] }), ...cnn.layers, lstm]);
    randomize(model.layers, 13);
    const random = seededRandom(130);
    const x = randomFloats(random, B * T * 12, 1.5);
    const mask = Float32Array.from({ length: B * T }, (_, i) => (i % T === 0 || random() < 0.7 ? 1 : 0));
    const stream = model.stream({ batchSize: B });
    for (let t = 0; t < T; t++) {
      const got = stream.step(frameAt(x, B, T, 12, t), null, Array.from({ length: B }, (_, b) => mask[b * T + t]));
      const m = new Float32Array(B * (t + 1));
      for (let b = 0; b < B; b++) m.set(mask.subarray(b * T, b * T + t + 1), b * (t + 1));
      const features = cnn.predict(prefixOf(x, B, T, frame, t)) as Tensor;
      const want = expectedStep(lstm.apply(features, { mask: tensor(m, [B, t + 1]) }) as Tensor, B, t);
      expect(Array.from(got), `step ${t}`).toEqual(Array.from(want));
    }
    stream.dispose();
  });
});

describe('what still needs more than one frame is refused, naming the layer', () => {
  const refusals: [string, () => Sequential, string[]][] = [
    ['Conv2D with a kernel of 3 steps on the time axis', () => new Sequential([Input({ shape: [null, 6, 2] }), new Conv2D({ filters: 2, kernelSize: 3, padding: 'same', name: 'conv_time' })]), ['conv_time', '3 steps', 'TimeDistributed']],
    ['MaxPooling2D of 2 steps', () => new Sequential([Input({ shape: [null, 6, 2] }), new MaxPooling2D({ poolSize: 2, name: 'pool_time' })]), ['pool_time', '2 steps']],
    ['MaxPooling1D same of size 2', () => new Sequential([Input({ shape: [null, 6] }), new MaxPooling1D({ poolSize: 2, padding: 'same', name: 'pool_same' })]), ['pool_same', "padding 'same'"]],
    ['Reshape across time steps', () => new Sequential([Input({ shape: [null, 6, 2] }), new Reshape([-1, 24], { name: 'reshape_time' }), new LSTM({ units: 2 })]), ['reshape_time', 'within a frame']],
    ['Permute of the time axis', () => new Sequential([Input({ shape: [6, 4, 2] }), new Permute([2, 1, 3], { name: 'permute_time' })]), ['permute_time', 'time axis']],
    ['GlobalAveragePooling2D over time and a frame axis', () => new Sequential([Input({ shape: [null, 6, 2] }), new GlobalAveragePooling2D({ name: 'global_time' })]), ['global_time', 'every step']],
    ['Masking of frames of several axes', () => new Sequential([Input({ shape: [null, 6, 2] }), new Masking({ name: 'mask_positions' })]), ['mask_positions', 'whole frames']],
    ['Flatten of a sequence of frames', () => new Sequential([Input({ shape: [5, 6, 2] }), new Flatten({ name: 'flat_frames' })]), ['flat_frames', 'TimeDistributed(Flatten)']],
    ['ConvLSTM1D with goBackwards', () => new Sequential([Input({ shape: [null, 6, 2] }), new ConvLSTM1D({ filters: 2, kernelSize: 3, goBackwards: true, name: 'conv_back' })]), ['conv_back', 'goBackwards']],
    ['LayerNormalization across time steps', () => new Sequential([Input({ shape: [5, 3, 4] }), new LayerNormalization({ axis: [1, 2, 3], name: 'norm_time' })]), ['norm_time', 'across time steps', 'within a frame']],
    ['LayerNormalization over a frame axis before another one', () => new Sequential([Input({ shape: [null, 3, 4] }), new LayerNormalization({ axis: 2, name: 'norm_inner' })]), ['norm_inner', 'do not end at the last one', '[-2, -1]']],
    ['TimeDistributed(LSTM) over each frame\'s own sequence', () => new Sequential([Input({ shape: [null, 4, 2] }), new TimeDistributed(new LSTM({ units: 3 }), { name: 'td_lstm' })]), ['td_lstm', 'TimeDistributed(LSTM) cannot stream', 'a whole sequence of its own inside each frame']],
    ['BatchNormalization with a statistic per time step', () => new Sequential([Input({ shape: [5, 3] }), new BatchNormalization({ axis: 1, name: 'bn_time' })]), ['bn_time', 'for each time step', 'within a frame']],
    ['ConvLSTM1D given a mask (Masking, then TimeDistributed, which carries it)', () => new Sequential([Input({ shape: [null, 6] }), new Masking(), new TimeDistributed(new Reshape([3, 2])), new ConvLSTM1D({ filters: 2, kernelSize: 2, name: 'conv_masked' })]), ['conv_masked', 'mask']],
  ];
  for (const [what, make, parts] of refusals) {
    it(what, () => {
      const model = make();
      expectError(() => model.stream(), ConfigError, parts);
    });
  }
});
