// step()'s per-row mask: where it reaches the recurrent layers it holds a masked row's states
// still; where a layer before them puts its own mask (or none) in its place, as Keras' Embedding,
// Masking and convolutions do, step() refuses a mask instead of ignoring it. Also: the mask's
// values, Masking's value compared in float32 as Keras does, and a bare layer's stream with
// returnState, which returns [output, ...states] as apply does.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ready, tensor, initSync, GRU, LSTM, Dense, Embedding, Masking, Conv1D, Sequential, Input, InputError, ConfigError, RuntimeError, type Tensor,
} from '../dist/index.js';
import { expectError, untyped } from './expect-error.js';
import { testKernelVariant } from './kernel-variant.js';
import { randomFloats, seededRandom } from './random.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

describe('stream.step mask', () => {
  it('after a Dense it holds a masked row still: the output is the previous one, then the row goes on', () => {
    const model = new Sequential([Input({ shape: [null, 2] }), new Dense(3, { seed: 1 }), new GRU(4, { seed: 2 })]);
    const stream = model.stream({ batchSize: 2 });
    const a = new Float32Array([0.3, -0.7, 1.1, 0.2]);
    const b = new Float32Array([-0.4, 0.9, 0.5, -1.2]);
    const first = Array.from(stream.step(a));
    // Row 1 masked: its output stays; row 0 moves on exactly as predict over [a, b].
    const second = Array.from(stream.step(b, null, [1, 0]));
    expect(second.slice(4)).toEqual(first.slice(4));
    const both = model.predict(tensor(new Float32Array([0.3, -0.7, -0.4, 0.9]), [1, 2, 2])) as Tensor;
    expect(second.slice(0, 4)).toEqual(Array.from(both.data));
    // Booleans as in a Keras boolean mask; NaN is nonzero, valid, as Keras' cast to bool.
    expect(Array.from(stream.step(b, null, [true, false])).slice(4)).toEqual(first.slice(4));
    stream.reset();
    expect(Array.from(stream.step(a, null, [NaN, 1]))).toEqual(first);
  });

  const dropping: [string, () => Sequential, Float32Array | Int32Array, string][] = [
    ['Embedding', () => new Sequential([Input({ shape: [null], dtype: 'int32' }), new Embedding(9, 3, { name: 'ids' }), new GRU(3, { name: 'rnn' })]), new Int32Array([4]), 'ids'],
    ['Embedding(maskZero)', () => new Sequential([Input({ shape: [null], dtype: 'int32' }), new Embedding(9, 3, { maskZero: true, name: 'ids' }), new LSTM(3, { name: 'rnn' })]), new Int32Array([4]), 'ids'],
    ['Masking', () => new Sequential([Input({ shape: [null, 2] }), new Masking(-1, { name: 'masking' }), new GRU(3, { name: 'rnn' })]), new Float32Array([0.3, 0.7]), 'masking'],
    ['Dense then Masking', () => new Sequential([Input({ shape: [null, 2] }), new Dense(2), new Masking(-1, { name: 'masking' }), new GRU(3, { name: 'rnn' })]), new Float32Array([0.3, 0.7]), 'masking'],
    ['a causal Conv1D', () => new Sequential([Input({ shape: [null, 2] }), new Conv1D({ filters: 3, kernelSize: 2, padding: 'causal', name: 'conv' }), new GRU(3, { name: 'rnn' })]), new Float32Array([0.3, 0.7]), 'conv'],
  ];
  for (const [what, make, frame, dropper] of dropping) {
    it(`after ${what}, which puts its own mask in place of step()'s: an InputError naming both layers, and the stream goes on`, () => {
      const model = make();
      const stream = model.stream({ batchSize: 1 });
      expectError(() => stream.step(frame, null, [0]), InputError, ['stream.step takes no mask', 'does not reach rnn', `${dropper} puts its own mask`]);
      // Nothing ran: the first step without a mask is predict on the one frame.
      const x = frame instanceof Int32Array ? tensor(frame, [1, 1]) : tensor(frame, [1, 1, frame.length]);
      expect(Array.from(stream.step(frame))).toEqual(Array.from((model.predict(x) as Tensor).data));
    });
  }

  it('a value that is neither a number nor a boolean is an InputError naming the row, before anything runs', () => {
    const model = new Sequential([Input({ shape: [null, 2] }), new GRU(3, { seed: 3 })]);
    const stream = model.stream({ batchSize: 2 });
    const frame = new Float32Array([0.1, 0.2, 0.3, 0.4]);
    for (const bad of [['1', 1], [1, null], [{}, 1]]) {
      expectError(() => stream.step(frame, null, untyped(bad)), InputError, ['mask must hold numbers or booleans', 'at row']);
    }
    const expected = model.predict(tensor(frame, [2, 1, 2])) as Tensor;
    expect(Array.from(stream.step(frame))).toEqual(Array.from(expected.data));
  });
});

describe('Masking compares in float32, as Keras (not_equal in the input dtype)', () => {
  for (const value of [0.1, 0.123, 1 / 3]) {
    it(`maskValue ${value}: float32 steps of that value are masked, in predict and in a stream`, () => {
      const model = new Sequential([Input({ shape: [null, 2] }), new Masking(value), new LSTM(3, { seed: 4, returnSequences: true })]);
      const x = new Float32Array([value, value, 0.5, -0.5]);
      const y = (model.predict(tensor(x, [1, 2, 2])) as Tensor).data;
      // A masked first step leaves the zero states: with returnSequences its output is zero.
      expect(Array.from(y.slice(0, 3))).toEqual([0, 0, 0]);
      const unmasked = new Sequential([Input({ shape: [null, 2] }), new LSTM(3, { seed: 4, returnSequences: true })]);
      unmasked.setWeights(model.getWeights());
      expect(Array.from(y.slice(3))).toEqual(Array.from((unmasked.predict(tensor(x.slice(2), [1, 1, 2])) as Tensor).data));
      const stream = model.stream();
      expect(Array.from(stream.step(x.slice(0, 2)))).toEqual([0, 0, 0]);
      expect(Array.from(stream.step(x.slice(2)))).toEqual(Array.from(y.slice(3)));
    });
  }
});

describe('layer.stream() of a recurrent layer with returnState', () => {
  it('step([frame]) returns [output, h, c], the outputs apply returns on the prefix', () => {
    const B = 2, T = 4, D = 3;
    const layer = new LSTM(5, { returnState: true, seed: 5 });
    layer.build([B, T, D]);
    const x = randomFloats(seededRandom(6), B * T * D, 1);
    const stream = layer.stream({ batchSize: B });
    expect(stream.outputLengths).toEqual([B * 5, B * 5, B * 5]);
    expectError(() => stream.step(x.slice(0, B * D)), InputError, ['step([frame])', 'a list of 3 outputs']);
    for (let t = 1; t <= T; t++) {
      const frame = new Float32Array(B * D);
      for (let b = 0; b < B; b++) frame.set(x.subarray((b * T + t - 1) * D, (b * T + t) * D), b * D);
      const got = stream.step([frame]).map((o) => Array.from(o));
      const prefix = new Float32Array(B * t * D);
      for (let b = 0; b < B; b++) prefix.set(x.subarray(b * T * D, (b * T + t) * D), b * t * D);
      const expected = layer.apply(tensor(prefix, [B, t, D]));
      expect(got).toEqual(expected.map((e) => Array.from(e.data)));
    }
  });
});

describe('messages of bad stream and initSync arguments', () => {
  it('batchSize NaN is written NaN; initSync(null) says it takes an options object', () => {
    const model = new Sequential([Input({ shape: [null, 2] }), new GRU(3)]);
    expectError(() => model.stream({ batchSize: NaN }), ConfigError, ["'batchSize' must be a positive integer, received NaN"]);
    expectError(() => initSync(untyped(null)), RuntimeError, ['initSync({ wasm }) expects an options object', 'received null']);
  });
});
