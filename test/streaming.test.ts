// Streams (layer.stream(), model.stream()) against predict on every prefix of the
// sequence: step t must return, bit for bit, what predict returns on x[:, 0..t]
// (its last output, or step t of the sequence). Also the stream's states, resets,
// masks, integer frames, refusals and memory ownership.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ready, memoryBytes, tensor, Tensor, SimpleRNN, LSTM, GRU, Bidirectional, Dense, Dropout, Masking, Embedding, deserializeLayer,
  Concatenate, TimeDistributed, Sequential, Model, Input, ConfigError, InputError, ShapeError, DisposedError,
  type RecurrentLayer, type Stream, type SymbolicTensor,
} from '../dist/index.js';
import { expectError, untyped } from './expect-error.js';
import { testKernelVariant } from './kernel-variant.js';
import { randomFloats, randomMask, seededRandom } from './random.js';
import { expectStreamMatchesPrefixes, expectedStep, frameAt, prefix } from './stream-prefix.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const CELLS: [string, (o: { units: number; returnSequences: boolean; seed: number }) => RecurrentLayer][] = [
  ['SimpleRNN', (o) => new SimpleRNN(o)],
  ['LSTM', (o) => new LSTM(o)],
  ['GRU reset_after', (o) => new GRU(o)],
  ['GRU reset_before', (o) => new GRU({ ...o, resetAfter: false })],
];

describe('layer.stream() against apply on every prefix, bit for bit', () => {
  for (const [name, make] of CELLS) {
    for (const { B, D, H, returnSequences } of [
      { B: 1, D: 5, H: 9, returnSequences: false },
      { B: 3, D: 8, H: 13, returnSequences: true },
      { B: 5, D: 3, H: 32, returnSequences: false },
    ]) {
      it(`${name} B=${B} D=${D} H=${H} returnSequences=${returnSequences}`, () => {
        const T = 6;
        const random = seededRandom(B * 100 + H);
        const layer = make({ units: H, returnSequences, seed: H });
        layer.build([B, T, D]);
        const x = randomFloats(random, B * T * D, 2);
        const stream = layer.stream({ batchSize: B });
        expectStreamMatchesPrefixes(stream, x, B, T, D, (p) => layer.apply(p) as Tensor);
        // states() are the final states apply returns with returnState.
        const withState = deserializeLayer({ class_name: layer.className, config: { ...layer.getConfig(), return_state: true } }) as RecurrentLayer;
        withState.setWeights(layer.getWeights());
        const [, ...states] = withState.apply(tensor(x, [B, T, D])) as Tensor[];
        expect(stream.states().map((s) => Array.from(s.data))).toEqual(states.map((s) => Array.from(s.data)));
        expect(stream.states().map((s) => s.shape)).toEqual(states.map(() => [B, H]));
        stream.dispose();
      });
    }
  }

  it('with a per-frame mask, masked rows keep their states (zeroOutputForMask false and true)', () => {
    for (const zeroOutputForMask of [false, true]) {
      for (const returnSequences of [false, true]) {
        const B = 4, T = 7, D = 3, H = 6;
        const random = seededRandom(7);
        const layer = new LSTM({ units: H, returnSequences, zeroOutputForMask, seed: 11 });
        layer.build([B, T, D]);
        const x = randomFloats(random, B * T * D);
        const mask = randomMask(random, B, T);
        const stream = layer.stream({ batchSize: B });
        for (let t = 0; t < T; t++) {
          const rowMask = Array.from({ length: B }, (_, b) => mask[b * T + t]);
          const got = stream.step(frameAt(x, B, T, D, t), null, rowMask);
          const maskPrefix = new Float32Array(B * (t + 1));
          for (let b = 0; b < B; b++) maskPrefix.set(mask.subarray(b * T, b * T + t + 1), b * (t + 1));
          const want = expectedStep(layer.apply(prefix(x, B, T, D, t), { mask: tensor(maskPrefix, [B, t + 1]) }) as Tensor, B, t);
          expect(Array.from(got), `zeroOutputForMask ${zeroOutputForMask} returnSequences ${returnSequences} step ${t}`).toEqual(Array.from(want));
        }
        stream.dispose();
      }
    }
  });

  it('reset() starts a new sequence; reset(states) starts from given states like initialState', () => {
    const B = 2, T = 5, D = 4, H = 7;
    const random = seededRandom(3);
    const layer = new LSTM({ units: H, seed: 5 });
    layer.build([B, T, D]);
    const x = randomFloats(random, B * T * D);
    const stream = layer.stream({ batchSize: B });
    for (let t = 0; t < T; t++) stream.step(frameAt(x, B, T, D, t));
    stream.reset();
    expect(stream.states().every((s) => s.data.every((v) => v === 0))).toBe(true);
    expectStreamMatchesPrefixes(stream, x, B, T, D, (p) => layer.apply(p) as Tensor);
    const h0 = randomFloats(random, B * H);
    const c0 = randomFloats(random, B * H);
    stream.reset([tensor(h0, [B, H]), tensor(c0, [B, H])]);
    expect(Array.from(stream.states()[1].data)).toEqual(Array.from(c0));
    const initialState = [tensor(h0, [B, H]), tensor(c0, [B, H])];
    expectStreamMatchesPrefixes(stream, x, B, T, D, (p) => layer.apply(p, { initialState }) as Tensor);
    stream.dispose();
  });

  it('returns its own reused buffer, or writes into the caller\'s', () => {
    const layer = new GRU({ units: 5, seed: 1 });
    layer.build([1, 1, 3]);
    const stream = layer.stream();
    const frame = new Float32Array([0.1, -0.2, 0.3]);
    const first = stream.step(frame);
    const firstValues = Array.from(first);
    const second = stream.step(frame);
    expect(second).toBe(first);
    expect(Array.from(second)).not.toEqual(firstValues);
    const mine = new Float32Array(5);
    expect(stream.step(frame, mine)).toBe(mine);
    expect(Array.from(first)).toEqual(Array.from(second));
    stream.dispose();
  });
});

describe('model.stream() against predict on every prefix, bit for bit', () => {
  it('Sequential: stacked LSTM -> GRU -> Dropout -> TimeDistributed(Dense) -> Dense(softmax)', () => {
    const B = 2, T = 6, D = 7;
    const model = new Sequential({
      layers: [
        new LSTM({ units: 12, returnSequences: true, seed: 1, inputShape: [null, D] }),
        new GRU({ units: 10, returnSequences: true, seed: 2 }),
        new Dropout({ rate: 0.5 }),
        new TimeDistributed(new Dense({ units: 9, activation: 'relu', seed: 3 })),
        new Dense({ units: 5, activation: 'softmax', seed: 4 }),
      ],
    });
    const x = randomFloats(seededRandom(1), B * T * D);
    expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, (p) => model.predict(p) as Tensor);
  });

  it('Sequential: SimpleRNN -> GRU(last output) -> Dense(1, sigmoid), the Silero shape', () => {
    const B = 1, T = 8, D = 19;
    const model = new Sequential({
      layers: [
        new SimpleRNN({ units: 8, returnSequences: true, seed: 5, inputShape: [null, D] }),
        new GRU({ units: 16, resetAfter: false, seed: 6 }),
        new Dense({ units: 1, activation: 'sigmoid', seed: 7 }),
      ],
    });
    const x = randomFloats(seededRandom(2), B * T * D);
    expectStreamMatchesPrefixes(model.stream(), x, B, T, D, (p) => model.predict(p) as Tensor);
  });

  it('functional: two recurrent branches, Concatenate, Dense', () => {
    const B = 3, T = 5, D = 6;
    const input = Input({ shape: [null, D] });
    const a = new LSTM({ units: 7, returnSequences: true, seed: 8 }).apply(input) as SymbolicTensor;
    const b = new GRU({ units: 5, returnSequences: true, seed: 9 }).apply(input) as SymbolicTensor;
    const joined = new Concatenate().apply([a, b]);
    const top = new LSTM({ units: 4, seed: 10 }).apply(joined) as SymbolicTensor;
    const model = new Model({ inputs: input, outputs: new Dense({ units: 3, activation: 'tanh', seed: 11 }).apply(top) });
    const x = randomFloats(seededRandom(3), B * T * D);
    expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, (p) => model.predict(p) as Tensor);
  });

  it('functional: a returnState output streams as the state after each step', () => {
    const B = 2, T = 4, D = 3;
    const input = Input({ shape: [null, D] });
    const [, , c] = new LSTM({ units: 6, returnState: true, seed: 12 }).apply(input) as unknown as Tensor[];
    const model = new Model({ inputs: input, outputs: untyped(c) });
    const x = randomFloats(seededRandom(4), B * T * D);
    expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, (p) => model.predict(p) as Tensor);
  });

  it('Masking -> LSTM -> Dense: masked frames leave the states as they were', () => {
    const B = 4, T = 7, D = 3;
    const random = seededRandom(5);
    const x = randomFloats(random, B * T * D);
    const mask = randomMask(random, B, T);
    mask.forEach((valid, s) => { if (!valid) x.fill(-1, s * D, (s + 1) * D); });
    for (const returnSequences of [false, true]) {
      const model = new Sequential({
        layers: [
          new Masking({ maskValue: -1, inputShape: [null, D] }),
          new LSTM({ units: 5, returnSequences, seed: 13 }),
          new Dense({ units: 2, seed: 14 }),
        ],
      });
      expectStreamMatchesPrefixes(model.stream({ batchSize: B }), x, B, T, D, (p) => model.predict(p) as Tensor);
    }
  });

  it('Embedding(maskZero) -> GRU -> Dense(softmax) on Int32Array frames', () => {
    const B = 3, T = 6, V = 11;
    const random = seededRandom(6);
    const ids = Float32Array.from({ length: B * T }, () => Math.floor(random() * V));
    ids[0] = 0;
    ids[T + 2] = 0;
    const model = new Sequential({
      layers: [
        new Embedding({ inputDim: V, outputDim: 4, maskZero: true, seed: 15, inputShape: [null] }),
        new GRU({ units: 6, seed: 16 }),
        new Dense({ units: 3, activation: 'softmax', seed: 17 }),
      ],
    });
    model.predict(tensor(ids, [B, T]));
    const stream = model.stream({ batchSize: B });
    expectStreamMatchesPrefixes(stream, ids, B, T, 0, (p) => model.predict(p) as Tensor, (f) => Int32Array.from(f));
    expectError(() => stream.step(new Int32Array([1, V, 2])), InputError, [`[0, ${V - 1}]`, `${V}`]);
    expectError(() => stream.step(new Float32Array(3)), InputError, ['Int32Array', '3 values']);
  });
});

describe('what cannot stream, and bad frames', () => {
  it('refuses Bidirectional and goBackwards with a ConfigError naming the layer', () => {
    const bi = new Sequential({ layers: [new Bidirectional(new LSTM({ units: 3 }), { name: 'bi_layer', inputShape: [null, 2] })] });
    expectError(() => bi.stream(), ConfigError, ['bi_layer', 'Bidirectional']);
    const backwards = new GRU({ units: 3, goBackwards: true, name: 'backwards_gru' });
    backwards.build([1, 4, 2]);
    expectError(() => backwards.stream(), ConfigError, ['backwards_gru', 'goBackwards']);
    const inModel = new Sequential({ layers: [new SimpleRNN({ units: 3, goBackwards: true, name: 'back_rnn', inputShape: [null, 2] })] });
    expectError(() => inModel.stream(), ConfigError, ['back_rnn']);
    expectError(() => new Bidirectional(new GRU({ units: 3 }), { name: 'bi_alone' }).stream(), ConfigError, ['bi_alone', 'Bidirectional']);
  });

  it('refuses initial states from other layers and time-axis concatenation', () => {
    const input = Input({ shape: [null, 2] });
    const [, h, c] = new LSTM({ units: 3, returnState: true }).apply(input) as unknown as Tensor[];
    const decoder = new LSTM({ units: 3, name: 'decoder_lstm' }).apply(input, { initialState: untyped([h, c]) });
    expectError(() => new Model({ inputs: input, outputs: decoder }).stream(), ConfigError, ['decoder_lstm', 'initial states']);
    const seq = new LSTM({ units: 3, returnSequences: true }).apply(input) as SymbolicTensor;
    const onTime = new Concatenate({ axis: 1, name: 'time_concat' }).apply([seq, seq]);
    expectError(() => new Model({ inputs: input, outputs: onTime }).stream(), ConfigError, ['time_concat', 'axis 1']);
  });

  it('checks frames, out buffers, masks and batchSize before touching memory; the next step still works', () => {
    const layer = new LSTM({ units: 4, seed: 2, name: 'checked' });
    layer.build([2, 1, 3]);
    expectError(() => layer.stream({ batchSize: 0 }), ConfigError, ['batchSize', 'positive integer']);
    const declared = new Sequential({ layers: [new GRU({ units: 3, batchInputShape: [4, null, 2], name: 'batch4' })] });
    expectError(() => declared.stream({ batchSize: 2 }), ShapeError, ['batch size 4', 'received 2']);
    expect(declared.stream().batchSize).toBe(4);
    const stream = layer.stream({ batchSize: 2 });
    const frame = new Float32Array([0.5, -0.5, 0.25, 1, 0, -1]);
    const reference = new LSTM({ units: 4, seed: 2 });
    reference.setWeights(layer.getWeights());
    const want = Array.from((reference.apply(tensor(frame, [2, 1, 3])) as Tensor).data);
    expectError(() => stream.step(new Float32Array(5)), InputError, ['checked', 'Float32Array of 6 values', 'batchSize 2', 'Float32Array of 5']);
    expectError(() => stream.step(untyped([0, 0, 0, 0, 0, 0])), InputError, ['6 values', 'an array of 6']);
    expectError(() => stream.step(new Float64Array(6) as unknown as Float32Array), InputError, ['Float64Array']);
    expectError(() => stream.step(frame, new Float32Array(7)), InputError, ['out', '8 values']);
    expectError(() => stream.step(frame, null, [1]), InputError, ['mask', '2 values']);
    expectError(() => stream.step(frame, null, untyped({ mask: [1, 0] })), InputError, ['mask', "step's third argument itself", 'step(frame, null, [1, 0])']);
    expectError(() => stream.reset([tensor(new Float32Array(8), [2, 4])]), ShapeError, ['2 tensors', 'checked.h', 'checked.c']);
    expectError(() => stream.reset([tensor(new Float32Array(8), [2, 4]), tensor(new Float32Array(6), [2, 3])]), ShapeError, ['states[1]', '[2, 4]', '[2, 3]']);
    expect(stream.states().every((s) => s.data.every((v) => v === 0))).toBe(true);
    expect(Array.from(stream.step(frame))).toEqual(want);
    stream.dispose();
    expectError(() => stream.step(frame), DisposedError, ['disposed']);
    stream.dispose();
  });
});

describe('stream memory', () => {
  it('stepping does not grow memory, and disposing a stream returns it', () => {
    const model = new Sequential({
      layers: [new LSTM({ units: 64, returnSequences: true, seed: 1, inputShape: [null, 16] }), new Dense({ units: 8, seed: 2 })],
    });
    const frame = randomFloats(seededRandom(9), 16);
    const warm = model.stream();
    warm.step(frame);
    warm.dispose();
    const before = memoryBytes();
    for (let round = 0; round < 20; round++) {
      const stream = model.stream();
      for (let t = 0; t < 50; t++) stream.step(frame);
      stream.dispose();
    }
    expect(memoryBytes()).toBe(before);
  });

  it('steps on after the memory grows under it (its views on the old buffer are detached)', () => {
    const B = 2, T = 6, D = 5, H = 7;
    const layer = new GRU({ units: H, returnSequences: true, seed: 3 });
    layer.build([B, T, D]);
    const x = randomFloats(seededRandom(12), B * T * D);
    const stream = layer.stream({ batchSize: B });
    const before = memoryBytes();
    let big: Dense | null = null;
    for (let t = 0; t < T; t++) {
      if (t === 3) {
        // About 16 MiB of packed weights: more than the memory had free.
        big = new Dense({ units: 2048, seed: 4 });
        big.build([1, 2048]);
        expect(memoryBytes()).toBeGreaterThan(before);
      }
      const got = stream.step(frameAt(x, B, T, D, t));
      expect(Array.from(got), `step ${t}`).toEqual(Array.from(expectedStep(layer.apply(prefix(x, B, T, D, t)) as Tensor, B, t)));
    }
    big?.dispose();
    stream.dispose();
  });
});
