// TimeDistributed of a model in a stream: the model runs on each frame alone, as predict runs it
// on the frames folded into the batch, so step t must equal predict on x[:, 0..t] bit for bit. A
// model that reads a sequence inside each frame, or holds a layer that cannot run per frame, is
// refused naming the wrapper and the layer.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Activation, BatchNormalization, ConfigError, Concatenate, Dense, Dropout, GRU, Input, LayerNormalization, LSTM, Masking, Model,
  RepeatVector, Sequential, TimeDistributed, ready, tensor,
} from '../dist/index.js';
import { expectError } from './expect-error.js';
import { testKernelVariant } from './kernel-variant.js';
import { randomFloats, seededRandom } from './random.js';
import { expectMatchesAroundReset, randomize } from './stream-prefix.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

describe('TimeDistributed(model) streams, bit for bit with predict on every prefix', () => {
  it('a per-frame Sequential (Dense, Dropout, BatchNormalization, Activation, Dense) before an LSTM', () => {
    const B = 2, T = 7, D = 5;
    const perFrame = new Sequential([new Dense(6, { inputShape: [D], activation: 'tanh' }), new Dropout(0.3), new BatchNormalization(), new Activation('hard_silu'), new Dense(4)]);
    const model = new Sequential([new TimeDistributed(perFrame, { inputShape: [null, D] }), new LSTM(3, { returnSequences: true }), new Dense(2)]);
    randomize(model.layers.flatMap((l) => (l instanceof TimeDistributed ? (l.layer as Sequential).layers : [l])), 5);
    expectMatchesAroundReset(model, randomFloats(seededRandom(1), B * T * D, 2), B, T, D);
  });

  it('a functional per-frame model with a Concatenate and a LayerNormalization, after a Masking: masked frames keep the states', () => {
    const B = 3, T = 6, D = 4;
    const frameIn = Input({ shape: [D] });
    const left = new Dense(3, { activation: 'relu' }).apply(frameIn);
    const right = new Dense(2).apply(frameIn);
    const frameModel = new Model({ inputs: frameIn, outputs: new LayerNormalization().apply(new Concatenate().apply([left, right])) });
    const input = Input({ shape: [null, D] });
    const masked = new Masking({ maskValue: 0 }).apply(input);
    const features = new TimeDistributed(frameModel).apply(masked);
    const model = new Model({ inputs: input, outputs: new GRU(4).apply(features) });
    randomize(model.layers, 9);
    const x = randomFloats(seededRandom(2), B * T * D, 1.5);
    // Whole frames of zeros: Masking masks them and TimeDistributed passes the mask on to the GRU.
    for (const [b, t] of [[0, 2], [1, 0], [2, 5], [0, 3]] as const) x.fill(0, (b * T + t) * D, (b * T + t + 1) * D);
    expectMatchesAroundReset(model, x, B, T, D);
  });

  it('a per-frame model nested in the per-frame model', () => {
    const B = 1, T = 5, D = 3;
    const inner = new Sequential([new Dense(4, { inputShape: [D], activation: 'sigmoid' })]);
    const perFrame = new Sequential([inner, new Dense(2)]);
    const model = new Sequential([new TimeDistributed(perFrame, { inputShape: [null, D] })]);
    randomize([...inner.layers, ...perFrame.layers.slice(1)], 3);
    expectMatchesAroundReset(model, randomFloats(seededRandom(3), B * T * D, 2), B, T, D);
  });
});

describe('what cannot stream', () => {
  it('a model with a layer that reads a sequence inside each frame, or that cannot run per frame, names the wrapper and the layer', () => {
    const repeat = new Sequential([new Dense(2, { inputShape: [3] }), new RepeatVector(2, { name: 'frame_repeat' }), new LSTM(2, { name: 'frame_lstm' })]);
    const model = new Sequential([new TimeDistributed(repeat, { inputShape: [4, 3], name: 'td_repeat' })]);
    expectError(() => model.stream(), ConfigError, ['td_repeat', 'TimeDistributed(Sequential)', 'frame_repeat', 'RepeatVector']);
    // Still runs in predict.
    expect([...model.predict(tensor(new Float32Array(2 * 4 * 3), [2, 4, 3])).shape]).toEqual([2, 4, 2]);
  });
});
