// A seeded sweep of streamed CNN-RNN models whose time axis goes through windows: chains of one to
// three Conv1D ('valid' or 'causal'; kernel 1-5, dilation 1-2 or strides 1-3) and MaxPooling1D /
// AveragePooling1D ('valid'; pool 1-3, strides 1-3) layers, sometimes two Conv1D branches on the
// same schedule joined by Concatenate, then SimpleRNN / LSTM / GRU with or without returnSequences
// and a Dense or TimeDistributed(Dense) head; batch 1 or 3. Each step is compared bit for bit with
// predict on the prefix x[:, 0..t]: its last output step once every window has produced one, and
// zeros before (the warm-up, where the prefix is shorter than the windows and predict has no step
// to give). The sequence lengths are worked out here from Keras' output-length formulas, not read
// from our layers. Every stream then starts again after reset() and must repeat itself.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AveragePooling1D, Concatenate, Conv1D, Dense, GRU, Input, LSTM, MaxPooling1D, Model, SimpleRNN, TimeDistributed, ready,
  type SymbolicTensor, type Tensor,
} from '../dist/index.js';
import { testKernelVariant } from './kernel-variant.js';
import { randomFloats, seededRandom } from './random.js';
import { frameAt, prefix, randomize } from './stream-prefix.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

type Random = () => number;
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)];
const sym = (value: unknown) => value as SymbolicTensor;
const CASES = 40;
const T = 16;

/** Keras' output length of a window over n steps ('valid': floor((n - span) / s) + 1; 'causal' pads span - 1 in front). */
function outputLength(n: number, span: number, strides: number, causal: boolean): number {
  const padded = causal ? n + span - 1 : n;
  return padded < span ? 0 : Math.floor((padded - span) / strides) + 1;
}

interface Window {
  make: () => Conv1D | MaxPooling1D | AveragePooling1D;
  span: number;
  strides: number;
  causal: boolean;
  what: string;
}

function randomWindow(random: Random, seed: number): Window {
  if (random() < 0.55) {
    const kernelSize = 1 + Math.floor(random() * 5);
    const dilated = random() < 0.3;
    const dilationRate = dilated ? 2 : 1;
    const strides = dilated ? 1 : pick(random, [1, 1, 2, 3]);
    const causal = random() < 0.3;
    const filters = 1 + Math.floor(random() * 6);
    const activation = pick(random, ['relu', 'linear', 'tanh'] as const);
    return {
      make: () => new Conv1D({ filters, kernelSize, strides, dilationRate, padding: causal ? 'causal' : 'valid', activation, seed }),
      span: (kernelSize - 1) * dilationRate + 1, strides, causal,
      what: `Conv1D(${filters}, k ${kernelSize}, d ${dilationRate}, s ${strides}, ${causal ? 'causal' : 'valid'})`,
    };
  }
  const poolSize = 1 + Math.floor(random() * 3);
  const strides = 1 + Math.floor(random() * 3);
  const max = random() < 0.5;
  return {
    make: () => (max ? new MaxPooling1D({ poolSize, strides }) : new AveragePooling1D({ poolSize, strides })),
    span: poolSize, strides, causal: false, what: `${max ? 'Max' : 'Average'}Pooling1D(${poolSize}, s ${strides})`,
  };
}

interface Case {
  model: Model;
  what: string;
  B: number;
  D: number;
  x: Float32Array;
  /** Steps of the recurrent layer's input after each prefix length n = 1..T. */
  steps: (n: number) => number;
}

function makeCase(seed: number): Case {
  const random = seededRandom(seed);
  const B = pick(random, [1, 3]);
  const D = 1 + Math.floor(random() * 5);
  const input = Input({ shape: [null, D] });
  let y: SymbolicTensor = input;
  const parts: string[] = [];
  const windows: Window[] = [];
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) {
    const window = randomWindow(random, seed * 10 + i);
    windows.push(window);
    if (window.what.startsWith('Conv1D') && random() < 0.25) {
      // A branch on the window's output (a Conv1D of kernel 1 keeps its schedule), joined on features.
      const other = new Conv1D({ filters: 2, kernelSize: 1, seed: seed + 3 });
      const left = sym(window.make().apply(y));
      y = sym(new Concatenate().apply([left, sym(other.apply(left))]));
      parts.push(`${window.what} + branch`);
    } else {
      y = sym(window.make().apply(y));
      parts.push(window.what);
    }
  }
  const units = 1 + Math.floor(random() * 9);
  const returnSequences = random() < 0.5;
  const kind = pick(random, ['SimpleRNN', 'LSTM', 'GRU'] as const);
  const options = { units, returnSequences, seed: seed + 11 };
  const rnn = kind === 'SimpleRNN' ? new SimpleRNN(options) : kind === 'LSTM' ? new LSTM(options) : new GRU(options);
  y = sym(rnn.apply(y));
  parts.push(`${kind}(${units}${returnSequences ? ', seq' : ''})`);
  const head = random();
  if (head < 0.35) {
    y = sym(new Dense({ units: 2, activation: 'sigmoid', seed: seed + 13 }).apply(y));
    parts.push('Dense(2)');
  } else if (head < 0.6 && returnSequences) {
    y = sym(new TimeDistributed(new Dense({ units: 3, seed: seed + 17 })).apply(y));
    parts.push('TimeDistributed(Dense(3))');
  }
  const steps = (n: number) => windows.reduce((length, w) => outputLength(length, w.span, w.strides, w.causal), n);
  // A chain that gives the recurrent layer fewer than 3 steps in T frames is drawn again.
  if (steps(T) < 3) return makeCase(seed + 1000);
  const model = new Model({ inputs: input, outputs: y });
  randomize(model.layers, seed + 19);
  return { model, what: `B=${B} D=${D}: ${parts.join(' -> ')}`, B, D, x: randomFloats(random, B * T * D, 1.5), steps };
}

/** What step t must return: zeros before the recurrent layer has a step, else predict's last output step. */
function expected(c: Case, t: number, width: number): Float32Array {
  if (c.steps(t + 1) === 0) return new Float32Array(c.B * width);
  const result = c.model.predict(prefix(c.x, c.B, T, c.D, t)) as Tensor;
  if (result.rank === 2) return result.data;
  const [, steps, W] = result.shape;
  const out = new Float32Array(c.B * W);
  for (let b = 0; b < c.B; b++) out.set(result.data.subarray((b * steps + steps - 1) * W, (b * steps + steps) * W), b * W);
  return out;
}

describe('streamed CNN-RNN models with time windows equal predict on every prefix, zeros during the warm-up', () => {
  const cases = Array.from({ length: CASES }, (_, i) => 4100 + i);
  it.each(cases)('case %i', (seed) => {
    const c = makeCase(seed);
    const stream = c.model.stream({ batchSize: c.B });
    const runs: number[][][] = [];
    let warmUp = 0;
    for (let run = 0; run < 2; run++) {
      const steps: number[][] = [];
      for (let t = 0; t < T; t++) {
        const got = Array.from(stream.step(frameAt(c.x, c.B, T, c.D, t)));
        const want = Array.from(expected(c, t, got.length / c.B));
        expect(got, `${c.what}, run ${run}, step ${t}`).toEqual(want);
        if (run === 0 && c.steps(t + 1) === 0) warmUp++;
        steps.push(got);
      }
      runs.push(steps);
      stream.reset();
    }
    expect(runs[1], `${c.what}: after reset()`).toEqual(runs[0]);
    stream.dispose();
    expect(warmUp, c.what).toBeLessThan(T - 2);
  });

  it('the sweep covers warm-ups, strides, and both output kinds', () => {
    const made = cases.map(makeCase);
    expect(made.filter((c) => c.steps(1) === 0).length).toBeGreaterThan(5);
    expect(made.filter((c) => c.steps(T) < T - 4).length).toBeGreaterThan(5);
    expect(made.filter((c) => c.what.includes('seq')).length).toBeGreaterThan(5);
    expect(made.filter((c) => c.what.includes('branch')).length).toBeGreaterThan(1);
  });
});
