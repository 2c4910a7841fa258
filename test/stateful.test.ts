// Stateful recurrent layers (Keras stateful=True): each call starts from the
// previous call's final states, until resetStates().
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ready, tensor, memoryBytes, LSTM, GRU, Bidirectional, Sequential, Dense, layerFromConfig, ConfigError, ShapeError, type Tensor,
} from '../dist/index.js';
import { referenceBidirectional, referenceRecurrent, recurrentSpec, type ReferenceTensor } from './reference/index.js';
import { maxViolation } from './fixtures.js';
import { TOLERANCE, expectClose } from './expect-close.js';
import { randomFloats, seededRandom } from './random.js';

const B = 3;
const D = 4;
const H = 5;

beforeAll(async () => {
  await ready();
});

const ref = (data: Float32Array, shape: number[]): ReferenceTensor => ({ shape, data: Float64Array.from(data) });

/** x (B, T, D) cut along time into [0, t) and [t, T). */
function splitTime(x: Float32Array, T: number, t: number): [Float32Array, Float32Array] {
  const first = new Float32Array(B * t * D);
  const second = new Float32Array(B * (T - t) * D);
  for (let b = 0; b < B; b++) {
    first.set(x.subarray(b * T * D, (b * T + t) * D), b * t * D);
    second.set(x.subarray((b * T + t) * D, (b + 1) * T * D), b * (T - t) * D);
  }
  return [first, second];
}

describe('stateful LSTM and GRU', () => {
  it("states is Keras' layer.states: the final states of the last call, which another layer's initialState goes on from; zeros after a reset; null when not stateful", () => {
    const random = seededRandom(21);
    const T = 7;
    const x = randomFloats(random, B * T * D, 2);
    const [first, second] = splitTime(x, T, 3);
    const layer = new LSTM({ units: H, stateful: true, seed: 5, batchInputShape: [B, null, D] });
    expect(layer.states?.map((s) => [s.shape, Array.from(s.data).every((v) => v === 0)])).toEqual([[[B, H], true], [[B, H], true]]);
    layer.apply(tensor(first, [B, 3, D]));
    const weights = layer.getWeights().map((w) => ref(w.data, [...w.shape]));
    const [, h, c] = referenceRecurrent(recurrentSpec('LSTM', H, { returnState: true }), weights, ref(first, [B, 3, D]));
    const states = layer.states as Tensor[];
    expectClose(states, [h, c]);
    // The RNN guide's hand-over: a new layer with the same weights goes on from the states.
    const next = new LSTM({ units: H });
    next.build([B, T - 3, D]);
    next.setWeights(layer.getWeights());
    const handedOver = next.apply(tensor(second, [B, T - 3, D]), { initialState: states });
    expectClose([handedOver], [referenceRecurrent(recurrentSpec('LSTM', H), weights, ref(x, [B, T, D]))[0]]);
    layer.resetStates();
    expect(layer.states?.every((s) => s.data.every((v) => v === 0))).toBe(true);
    expect(new LSTM({ units: H }).states).toBe(null);
    expect(new GRU({ units: H, stateful: true }).states).toBe(null);
    // Without a declared batch size: zeros of the last call's batch after a reset (Keras' reset_state
    // assigns zeros to the existing variables), and resetState is Keras 3's name for resetStates.
    const open = new GRU({ units: H, stateful: true, seed: 6 });
    open.apply(tensor(first, [B, 3, D]));
    open.resetState();
    expect(open.states?.map((s) => [s.shape, s.data.every((v) => v === 0)])).toEqual([[[B, H], true]]);
    // The batch size may change after a reset; the states follow the next call.
    open.apply(tensor(first.subarray(0, 3 * D), [1, 3, D]));
    expect(open.states?.map((s) => s.shape)).toEqual([[1, H]]);
  });

  it('two calls on the halves of a sequence give the states of one call on the whole', () => {
    const random = seededRandom(11);
    const T = 9;
    const x = randomFloats(random, B * T * D, 2);
    const [first, second] = splitTime(x, T, 4);
    const layer = new LSTM({ units: H, stateful: true, returnState: true, seed: 3 });
    layer.build([B, T, D]);
    const weights = layer.getWeights().map((w) => ref(w.data, [...w.shape]));
    layer.call(tensor(first, [B, 4, D]));
    const secondOut = layer.call(tensor(second, [B, T - 4, D]));
    const whole = referenceRecurrent(recurrentSpec('LSTM', H, { returnState: true }), weights, ref(x, [B, T, D]));
    expectClose(secondOut, whole);
  });

  it('resetStates() starts again from zeros; resetStates(states) from the given states', () => {
    const random = seededRandom(12);
    const x = randomFloats(random, B * 6 * D, 2);
    const layer = new GRU({ units: H, stateful: true, returnSequences: true, seed: 4 });
    layer.build([B, 6, D]);
    const weights = layer.getWeights().map((w) => ref(w.data, [...w.shape]));
    const spec = recurrentSpec('GRU', H, { returnSequences: true, resetAfter: true });
    const fresh = referenceRecurrent(spec, weights, ref(x, [B, 6, D]));
    expectClose(layer.call(tensor(x, [B, 6, D])), fresh);
    expect(maxViolation(layer.call(tensor(x, [B, 6, D]))[0].data, fresh[0].data, TOLERANCE).worst).toBeGreaterThan(1);
    layer.resetStates();
    expectClose(layer.call(tensor(x, [B, 6, D])), fresh);
    const h0 = randomFloats(random, B * H);
    layer.resetStates([tensor(h0, [B, H])]);
    expectClose(layer.call(tensor(x, [B, 6, D])), referenceRecurrent(spec, weights, ref(x, [B, 6, D]), { initialState: [ref(h0, [B, H])] }));
  });

  it('an explicit initialState wins over the carried state', () => {
    const random = seededRandom(13);
    const x = randomFloats(random, B * 3 * D);
    const layer = new LSTM({ units: H, stateful: true, seed: 5 });
    layer.build([B, 3, D]);
    const weights = layer.getWeights().map((w) => ref(w.data, [...w.shape]));
    layer.call(tensor(x, [B, 3, D]));
    const h0 = randomFloats(random, B * H);
    const c0 = randomFloats(random, B * H);
    const out = layer.call(tensor(x, [B, 3, D]), { initialState: [tensor(h0, [B, H]), tensor(c0, [B, H])] });
    expectClose(out, referenceRecurrent(recurrentSpec('LSTM', H), weights, ref(x, [B, 3, D]), { initialState: [ref(h0, [B, H]), ref(c0, [B, H])] }));
  });

  it('keeps one batch size until resetStates(), with a ShapeError that says so', () => {
    const layer = new LSTM({ units: H, stateful: true, seed: 6 });
    layer.call(tensor(new Float32Array(B * 2 * D).fill(0.1), [B, 2, D]));
    const before = memoryBytes();
    expect(() => layer.call(tensor(new Float32Array(2 * 2 * D), [2, 2, D]))).toThrow(ShapeError);
    expect(() => layer.call(tensor(new Float32Array(2 * 2 * D), [2, 2, D]))).toThrow(/batch size 3, received 2/);
    expect(memoryBytes()).toBe(before);
    layer.resetStates();
    expect((layer.call(tensor(new Float32Array(2 * 2 * D), [2, 2, D]))[0]).shape).toEqual([2, H]);
  });

  it('resetStates() on a stateless layer is a ConfigError', () => {
    expect(() => new LSTM({ units: 2 }).resetStates()).toThrow(ConfigError);
  });

  it('comes from a Keras config with stateful: true and says so in getConfig()', () => {
    const layer = layerFromConfig({ class_name: 'GRU', config: { units: 4, stateful: true, batch_input_shape: [2, 5, 3] } });
    expect(layer.getConfig().stateful).toBe(true);
    layer.call(tensor(new Float32Array(2 * 5 * 3).fill(0.3), [2, 5, 3]));
    expect(() => layer.call(tensor(new Float32Array(5 * 3), [1, 5, 3]))).toThrow(ShapeError);
  });

  it('does not grow WebAssembly memory across stateful calls', () => {
    const layer = new LSTM({ units: 33, stateful: true, seed: 8 });
    const x = tensor(new Float32Array(B * 20 * D).fill(0.2), [B, 20, D]);
    layer.call(x);
    const warm = memoryBytes();
    for (let i = 0; i < 30; i++) layer.call(x);
    expect(memoryBytes()).toBe(warm);
  });
});

describe('stateful Bidirectional and models', () => {
  it('each copy carries its own state into the next call', () => {
    const random = seededRandom(21);
    const x1 = randomFloats(random, B * 4 * D, 2);
    const x2 = randomFloats(random, B * 4 * D, 2);
    const layer = new Bidirectional(new LSTM({ units: H, stateful: true, returnState: true, seed: 9 }));
    layer.build([B, 4, D]);
    const weights = layer.getWeights().map((w) => ref(w.data, [...w.shape]));
    const spec = recurrentSpec('LSTM', H, { returnState: true });
    const first = referenceBidirectional(spec, 'concat', weights, ref(x1, [B, 4, D]));
    expectClose(layer.call(tensor(x1, [B, 4, D])), first);
    const second = referenceBidirectional(spec, 'concat', weights, ref(x2, [B, 4, D]), { initialState: first.slice(1) });
    expectClose(layer.call(tensor(x2, [B, 4, D])), second);
    layer.resetStates();
    expectClose(layer.call(tensor(x1, [B, 4, D])), first);
  });

  it('model.resetStates() resets every stateful layer', () => {
    const model = new Sequential();
    model.add(new LSTM({ units: H, stateful: true, batchInputShape: [B, 3, D], seed: 10 }));
    model.add(new Dense({ units: 2, seed: 11 }));
    const x = tensor(randomFloats(seededRandom(22), B * 3 * D), [B, 3, D]);
    const first = model.predict(x) as Tensor;
    const second = model.predict(x) as Tensor;
    expect(maxViolation(second.data, first.data, TOLERANCE).worst).toBeGreaterThan(1);
    model.resetStates();
    expect((model.predict(x) as Tensor).data).toEqual(first.data);
  });
});
