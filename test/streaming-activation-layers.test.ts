// Streams through ReLU, LeakyReLU, ELU, PReLU and Softmax (over a frame's features, or over a
// tensor frame's axes), each against predict on every prefix, bit for bit; and what cannot stream:
// the time-axis layers, a PReLU with an alpha per time step, Softmax across time or of a masked input.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ready, tensor, LSTM, GRU, Dense, Masking, TimeDistributed, Flatten, Sequential, Input, Model,
  ReLU, LeakyReLU, ELU, PReLU, Softmax, ZeroPadding1D, Cropping1D, UpSampling1D, ConfigError, InputError, type Tensor,
} from '../dist/index.js';
import { expectError } from './expect-error.js';
import { testKernelVariant } from './kernel-variant.js';
import { randomFloats, seededRandom } from './random.js';
import { expectMatchesAroundReset, expectStreamMatchesPrefixes, frameAt, randomize } from './stream-prefix.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

describe('the activation layers stream, bit for bit with predict on every prefix', () => {
  it('LSTM -> ReLU -> LeakyReLU -> ELU -> PReLU (shared along time) -> Softmax -> GRU -> Dense', () => {
    const B = 3, T = 7, D = 4;
    const model = new Sequential({
      layers: [
        Input({ shape: [null, D] }),
        new LSTM({ units: 6, returnSequences: true, seed: 1 }),
        new ReLU({ maxValue: 0.4, negativeSlope: 0.3, threshold: 0.05 }), new LeakyReLU(0.2), new ELU(0.6),
        new PReLU({ sharedAxes: [1] }), new Softmax(),
        new GRU({ units: 5, returnSequences: true, seed: 2 }), new Dense({ units: 3, seed: 3 }),
      ],
    });
    randomize(model.layers, 4);
    expectMatchesAroundReset(model, randomFloats(seededRandom(5), B * T * D, 3), B, T, D);
  });

  it('after a last-step output: GRU -> PReLU (an alpha per unit) -> Softmax, and TimeDistributed of them', () => {
    const B = 2, T = 5, D = 3;
    const last = new Sequential({ layers: [Input({ shape: [null, D] }), new GRU({ units: 4, seed: 6 }), new PReLU(), new ELU(), new Softmax()] });
    randomize(last.layers, 7);
    expectMatchesAroundReset(last, randomFloats(seededRandom(8), B * T * D, 2), B, T, D);
    const wrapped = new Sequential({
      layers: [Input({ shape: [null, D] }), new TimeDistributed(new PReLU()), new TimeDistributed(new Softmax()), new TimeDistributed(new ReLU(0.3)), new LSTM({ units: 2, seed: 9 })],
    });
    randomize(wrapped.layers, 10);
    expectMatchesAroundReset(wrapped, randomFloats(seededRandom(11), B * T * D, 2), B, T, D);
  });

  it('tensor frames: Softmax over a frame\'s two axes and PReLU with an alpha per frame position', () => {
    const B = 2, T = 4;
    const input = Input({ shape: [null, 4, 3] });
    const soft = new Softmax([2, 3]).apply(input);
    const prelu = new PReLU({ sharedAxes: [1] }).apply(soft);
    const leaky = new LeakyReLU().apply(prelu);
    const out = new LSTM({ units: 3, seed: 12 }).apply(new TimeDistributed(new Flatten()).apply(leaky));
    const model = new Model({ inputs: input, outputs: out });
    randomize(model.layers, 13);
    const stream = model.stream({ batchSize: B });
    expect(stream.frameLength).toBe(B * 12);
    expectStreamMatchesPrefixes(stream, randomFloats(seededRandom(14), B * T * 12, 3), B, T, 12, (p) => model.predict(tensor(p.data, [B, p.shape[1], 4, 3])) as Tensor);
  });
});

describe('what cannot stream is refused, naming the layer and why', () => {
  const D = 3;

  it('ZeroPadding1D, Cropping1D and UpSampling1D change the time axis', () => {
    const cases: [Sequential, string[]][] = [
      [new Sequential({ layers: [Input({ shape: [null, D] }), new ZeroPadding1D({ padding: [2, 1], name: 'pad' }), new LSTM({ units: 2 })] }), ['pad', 'ZeroPadding1D', '2 zero steps before the first frame']],
      [new Sequential({ layers: [Input({ shape: [null, D] }), new Cropping1D({ cropping: [1, 2], name: 'crop' }), new LSTM({ units: 2 })] }), ['crop', 'Cropping1D', 'last 2 steps']],
      [new Sequential({ layers: [Input({ shape: [null, D] }), new LSTM({ units: 2, returnSequences: true }), new UpSampling1D({ size: 3, name: 'up' })] }), ['up', 'UpSampling1D', '3 steps for every frame']],
      [new Sequential({ layers: [Input({ shape: [null, D] }), new ZeroPadding1D({ dataFormat: 'channels_first', name: 'pad_first' })] }), ['pad_first', 'channels_first']],
    ];
    for (const [model, parts] of cases) expectError(() => model.stream({ batchSize: 1 }), ConfigError, [...parts, 'cannot run one frame at a time in a stream']);
  });

  it('a PReLU with an alpha for each time step, Softmax across time, Softmax of a masked input', () => {
    const perStep = new Sequential({ layers: [Input({ shape: [5, D] }), new LSTM({ units: 2, returnSequences: true }), new PReLU({ name: 'per_step' })] });
    expectError(() => perStep.stream({ batchSize: 1 }), ConfigError, ['per_step', 'alpha of shape [5, 2]', 'sharedAxes: [1]']);
    const acrossTime = new Sequential({ layers: [Input({ shape: [null, D] }), new Softmax({ axis: 1, name: 'over_time' })] });
    expectError(() => acrossTime.stream({ batchSize: 1 }), ConfigError, ['over_time', 'axis 1', 'across time']);
    // Within the frame but not at its end: groups that are not runs of the frame's values.
    const innerAxis = new Sequential({ layers: [Input({ shape: [null, 3, D] }), new Softmax({ axis: 2, name: 'inner_axis' })] });
    expectError(() => innerAxis.stream({ batchSize: 1 }), ConfigError, ['inner_axis', 'axis 2', 'do not end at the last one']);
    const masked = new Sequential({ layers: [Input({ shape: [null, D] }), new Masking(), new LSTM({ units: 2, returnSequences: true }), new Softmax({ name: 'masked_softmax' })] });
    expectError(() => masked.stream({ batchSize: 1 }), ConfigError, ['masked_softmax', 'Keras mask']);
  });

  it("a Softmax stream takes no per-row mask; the element-wise layers' streams do", () => {
    const soft = new Sequential({ layers: [Input({ shape: [null, D] }), new LSTM({ units: 2, returnSequences: true, seed: 1 }), new Softmax({ name: 'sm' })] });
    const stream = soft.stream({ batchSize: 2 });
    expectError(() => stream.step(new Float32Array(2 * D), null, [1, 0]), InputError, ['takes no mask', 'sm']);
    expect(stream.step(new Float32Array(2 * D)).length).toBe(4);
    const leaky = new Sequential({ layers: [Input({ shape: [null, D] }), new LSTM({ units: 2, returnSequences: true, seed: 1 }), new LeakyReLU()] });
    const x = randomFloats(seededRandom(15), 2 * 3 * D);
    const masked = leaky.stream({ batchSize: 2 });
    const frames = [0, 1, 2].map((t) => masked.step(frameAt(x, 2, 3, D, t), null, [1, t === 1 ? 0 : 1]).slice());
    // Row 1 skips step 1: its state is kept, as Keras' masked LSTM keeps it.
    expect(frames[1].subarray(2, 4)).toEqual(frames[0].subarray(2, 4));
  });
});
