// A seeded random sweep of streamed per-frame CNNs, each step against predict on the prefix, bit
// for bit: TimeDistributed Conv1D or Conv2D with random kernels, strides, dilations, groups,
// paddings and activations, pooling of random windows, global pooling or Flatten, then a recurrent
// layer; or the same convolutions and pooling with a one-step window on the time axis; or a
// ConvLSTM1D / ConvLSTM2D. Batch sizes 1 to 4, frames of random shapes. relaxed-simd.test.ts
// re-runs it on the relaxed build.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AveragePooling1D, AveragePooling2D, AveragePooling3D, Conv1D, Conv2D, Conv3D, ConvLSTM1D, ConvLSTM2D, Dense, Flatten, GlobalAveragePooling1D,
  GlobalMaxPooling2D, GRU, Input, LSTM, MaxPooling1D, MaxPooling2D, MaxPooling3D, Sequential, SimpleRNN, TimeDistributed, ready, tensor, type Layer, type Tensor,
} from '../dist/index.js';
import { testKernelVariant } from './kernel-variant.js';
import { randomFloats, seededRandom } from './random.js';
import { expectedStep, frameAt, prefix, randomize } from './stream-prefix.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const CASES = 40;
type Random = () => number;
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)];
const int = (random: Random, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const ACTIVATIONS = ['linear', 'relu', 'tanh', 'elu', 'softmax', 'selu', 'gelu', 'mish', 'log_softmax'] as const;

interface Built {
  layers: Layer[];
  what: string[];
  /** The frame shape after the layers. */
  frame: number[];
}

/** The frame shape after `layer`, from its own output shape (the time axis, if given one, dropped). */
function after(layer: Layer, shape: readonly number[], timeAxis: boolean): number[] {
  const out = layer.computeOutputShape(timeAxis ? [1, 1, ...shape] : [1, ...shape]) as number[];
  return out.slice(timeAxis ? 2 : 1);
}

/** Random convolutions and pooling over a frame of `frame` (spatial axes then channels); `timeAxis` puts a one-step window on time in front. */
function convStack(random: Random, frame: number[], timeAxis: boolean): Built {
  const layers: Layer[] = [];
  const what: string[] = [];
  let shape = [...frame];
  const spatial = shape.length - 1;
  for (let i = int(random, 1, 3); i > 0; i--) {
    const sizes = shape.slice(0, -1);
    const kernel = sizes.map((n) => int(random, 1, Math.min(3, n)));
    const dilate = random() < 0.3 && kernel.every((k, a) => 2 * (k - 1) + 1 <= sizes[a]);
    const strides = dilate ? kernel.map(() => 1) : kernel.map(() => (random() < 0.3 ? 2 : 1));
    const dilations = kernel.map(() => (dilate ? 2 : 1));
    const padding = pick(random, ['valid', 'same', ...(spatial === 1 && !timeAxis ? ['causal'] : [])]) as 'valid' | 'same' | 'causal';
    const channels = shape[shape.length - 1];
    const groups = channels % 2 === 0 && random() < 0.3 ? 2 : 1;
    const filters = groups * int(random, 1, 4);
    const activation = pick(random, ACTIVATIONS);
    const options = {
      filters, padding, activation, groups, seed: int(random, 1, 1e6),
      kernelSize: timeAxis ? [1, ...kernel] : kernel, strides: timeAxis ? [1, ...strides] : strides, dilationRate: timeAxis ? [1, ...dilations] : dilations,
    };
    const dims = spatial + (timeAxis ? 1 : 0);
    const conv = dims === 1 ? new Conv1D(options) : dims === 2 ? new Conv2D(options) : new Conv3D(options);
    layers.push(conv);
    what.push(`Conv(${filters}, k=${kernel}, s=${strides}, d=${dilations}, ${padding}, g=${groups}, ${activation})`);
    shape = after(conv, shape, timeAxis);
    if (random() < 0.5) {
      const pool = shape.slice(0, -1).map((n) => int(random, 1, Math.min(2, n)));
      const poolPadding = pick(random, ['valid', 'same'] as const);
      const options2 = { poolSize: timeAxis ? [1, ...pool] : pool, padding: poolPadding };
      const max = random() < 0.5;
      const classes = [[MaxPooling1D, AveragePooling1D], [MaxPooling2D, AveragePooling2D], [MaxPooling3D, AveragePooling3D]][dims - 1];
      const layer = new classes[max ? 0 : 1](options2);
      layers.push(layer);
      what.push(`${max ? 'Max' : 'Average'}Pooling(${pool}, ${poolPadding})`);
      shape = after(layer, shape, timeAxis);
    }
  }
  return { layers, what, frame: shape };
}

function randomCase(seed: number): { model: Sequential; what: string; B: number; T: number; frame: number[] } {
  const random = seededRandom(seed);
  const B = int(random, 1, 4);
  const T = int(random, 2, 5);
  const spatial = random() < 0.5 ? 1 : 2;
  const frame = [...Array.from({ length: spatial }, () => int(random, 3, spatial === 1 ? 12 : 7)), int(random, 1, 3)];
  const kind = pick(random, ['td', 'td', 'time', 'convlstm']);
  const layers: Layer[] = [Input({ shape: [null, ...frame] }) as unknown as Layer];
  let what: string[];
  if (kind === 'convlstm') {
    const options = { filters: int(random, 1, 3), kernelSize: int(random, 1, 3), padding: pick(random, ['valid', 'same'] as const), returnSequences: random() < 0.5, seed };
    const conv = spatial === 1 ? new ConvLSTM1D(options) : new ConvLSTM2D(options);
    layers.push(conv);
    what = [`ConvLSTM${spatial}D(${options.filters}, k=${options.kernelSize}, ${options.padding}${options.returnSequences ? ', seq' : ''})`];
    if (options.returnSequences) layers.push(new TimeDistributed(new Flatten()), new SimpleRNN({ units: 3 }));
    else layers.push(new Flatten(), new Dense({ units: 2 }));
  } else {
    const built = convStack(random, frame, kind === 'time');
    what = [kind === 'td' ? 'TimeDistributed' : 'one-step window on time', ...built.what];
    layers.push(...(kind === 'td' ? built.layers.map((layer) => new TimeDistributed(layer)) : built.layers));
    const flat = random() < 0.5 || built.frame.length === 1;
    const collapse = flat ? new Flatten() : (spatial === 1 ? new GlobalAveragePooling1D() : new GlobalMaxPooling2D());
    if (built.frame.length > 1) layers.push(new TimeDistributed(collapse));
    const returnSequences = random() < 0.5;
    layers.push(random() < 0.5 ? new LSTM({ units: int(random, 1, 6), returnSequences }) : new GRU({ units: int(random, 1, 6), returnSequences }));
    what.push(built.frame.length > 1 ? collapse.className : '', returnSequences ? 'RNN(seq)' : 'RNN');
  }
  const model = new Sequential(layers);
  randomize(model.layers, seed);
  return { model, what: `B=${B} frame=${JSON.stringify(frame)}: ${what.filter(Boolean).join(' -> ')}`, B, T, frame };
}

describe(`a seeded sweep of ${CASES} random per-frame CNNs and ConvLSTMs against predict on every prefix`, () => {
  for (let seed = 1; seed <= CASES; seed++) {
    it(`case ${seed}`, () => {
      const { model, what, B, T, frame } = randomCase(seed);
      const W = frame.reduce((p, d) => p * d, 1);
      const x = randomFloats(seededRandom(1000 + seed), B * T * W, 1.5);
      const stream = model.stream({ batchSize: B });
      for (let t = 0; t < T; t++) {
        const got = stream.step(frameAt(x, B, T, W, t));
        const want = expectedStep(model.predict(tensor(prefix(x, B, T, W, t).data, [B, t + 1, ...frame])) as Tensor, B, t);
        expect(Array.from(got), `${what}: step ${t}`).toEqual(Array.from(want));
      }
      stream.dispose();
      model.dispose();
    });
  }
});
