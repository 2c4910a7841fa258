// A seeded random sweep of streamed models, each step against predict on the prefix, bit for bit:
// every cell (SimpleRNN, LSTM, GRU with reset_after true and false) with and without bias, with
// random activations, recurrent activations of either Keras major, dropout and recurrent dropout
// (inert at inference) and unitForgetBias; stacks that end with or without returnSequences;
// functional models that join two branches with Concatenate or Add; Embedding on Int32Array frames;
// Masking with masked frames; Dense and TimeDistributed(Dense) heads; batch sizes 1 to 5; frames
// of 1, 3, 258 and 1000 features; units 1, 7, 33 and 200. Each stream also writes into a caller's
// buffer, hands its states() to a second stream that carries on as the first, and starts again
// after reset(). relaxed-simd.test.ts re-runs it on the relaxed build.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Add, Concatenate, Dense, Dropout, Embedding, GRU, Input, LSTM, Masking, Model, SimpleRNN, TimeDistributed, ready, tensor,
  type ActivationName, type RecurrentLayer, type SymbolicTensor, type Tensor,
} from '../dist/index.js';
import { testKernelVariant } from './kernel-variant.js';
import { randomFloats, seededRandom } from './random.js';
import { expectedStep, frameAt, prefix } from './stream-prefix.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const sym = (value: unknown) => value as SymbolicTensor;
const FEATURES = [1, 3, 258, 1000];
const UNITS = [1, 7, 33, 200];
const ACTIVATIONS: ActivationName[] = ['tanh', 'relu', 'sigmoid', 'softsign', 'elu', 'linear', 'swish'];
const GATES: ActivationName[] = ['sigmoid', 'hard_sigmoid'];
const CASES = 120;

type Random = () => number;
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)];

/** A random recurrent layer: its cell, options and units. */
function randomCell(random: Random, units: number, returnSequences: boolean): { layer: RecurrentLayer; what: string } {
  const kind = pick(random, ['SimpleRNN', 'LSTM', 'GRU reset_after', 'GRU reset_before']);
  const options = {
    units, returnSequences, useBias: random() < 0.7, activation: pick(random, ACTIVATIONS), seed: Math.floor(random() * 1e6),
    dropout: random() < 0.3 ? 0.25 : 0, recurrentDropout: random() < 0.3 ? 0.4 : 0,
    kerasVersion: (random() < 0.5 ? 2 : 3) as 2 | 3, zeroOutputForMask: random() < 0.3,
    // Non-zero biases, so that a bias misplaced by a gate shows.
    biasInitializer: { class_name: 'RandomUniform', config: { minval: -0.5, maxval: 0.5 } },
  };
  const gate = pick(random, GATES);
  let layer: RecurrentLayer;
  if (kind === 'SimpleRNN') layer = new SimpleRNN(options);
  else if (kind === 'LSTM') layer = new LSTM({ ...options, recurrentActivation: gate, unitForgetBias: random() < 0.5 });
  else layer = new GRU({ ...options, recurrentActivation: gate, resetAfter: kind === 'GRU reset_after' });
  const flags = [options.useBias ? 'bias' : 'no bias', options.activation, kind === 'SimpleRNN' ? '' : gate, `keras ${options.kerasVersion}`];
  return { layer, what: `${kind}(${units}, ${flags.filter(Boolean).join(', ')}${returnSequences ? ', seq' : ''})` };
}

interface Case {
  model: Model;
  what: string;
  B: number;
  T: number;
  /** Features per frame, or 0 for a frame of ids. */
  D: number;
  x: Float32Array;
  /** Whether steps may be masked (Masking, or Embedding with maskZero). */
  masked: boolean;
}

/** One random model and its input: a stack, maybe two branches joined, maybe an Embedding or Masking first, maybe a head. */
function randomCase(seed: number): Case {
  const random = seededRandom(seed);
  const B = pick(random, [1, 1, 2, 3, 5]);
  const T = 3 + Math.floor(random() * 4);
  const parts: string[] = [];
  const ids = random() < 0.2;
  // The big frames and layers are kept to one layer each, so the sweep stays fast.
  const D = ids ? 0 : pick(random, FEATURES);
  const input = Input({ shape: ids ? [null] : [null, D], dtype: ids ? 'int32' : 'float32' });
  let x: SymbolicTensor = input;
  let data: Float32Array;
  let masked = false;
  if (ids) {
    const vocabulary = 2 + Math.floor(random() * 30);
    const maskZero = random() < 0.5;
    x = sym(new Embedding({ inputDim: vocabulary, outputDim: pick(random, [1, 3, 8]), maskZero, seed }).apply(x));
    data = Float32Array.from({ length: B * T }, () => (random() < 0.25 ? 0 : Math.floor(random() * vocabulary)));
    parts.push(`Embedding(${vocabulary}${maskZero ? ', maskZero' : ''})`);
    masked = maskZero;
  } else {
    data = randomFloats(random, B * T * D, 1.5);
    if (random() < 0.25) {
      // Whole frames equal to the mask value: masked steps, some at the start of a row.
      x = sym(new Masking({ maskValue: 0.5 }).apply(x));
      for (let s = 0; s < B * T; s++) if (random() < 0.3 || s === 0) data.fill(0.5, s * D, (s + 1) * D);
      parts.push('Masking');
      masked = true;
    }
  }
  const depth = 1 + Math.floor(random() * 3);
  const last = random() < 0.5;
  const units = () => (D >= 258 ? pick(random, [1, 7, 33]) : pick(random, UNITS));
  for (let i = 0; i < depth; i++) {
    const returnSequences = i < depth - 1 || !last;
    if (i === 0 && random() < 0.3) {
      // Two branches from one value, joined per frame.
      const add = random() < 0.5;
      const h = units();
      const a = randomCell(random, h, returnSequences);
      const b = randomCell(random, add ? h : units(), returnSequences);
      x = sym((add ? new Add() : new Concatenate()).apply([sym(a.layer.apply(x)), sym(b.layer.apply(x))]));
      parts.push(`${add ? 'Add' : 'Concatenate'}[${a.what}, ${b.what}]`);
    } else {
      const cell = randomCell(random, i === 0 ? units() : pick(random, [1, 7, 33]), returnSequences);
      x = sym(cell.layer.apply(x));
      parts.push(cell.what);
    }
  }
  const head = random();
  if (head < 0.3) {
    x = sym(new Dense({ units: pick(random, [1, 4]), activation: pick(random, ['linear', 'softmax', 'sigmoid'] as const), seed }).apply(x));
    parts.push('Dense');
  } else if (head < 0.5 && !last) {
    x = sym(new TimeDistributed(new Dense({ units: 3, activation: 'tanh', seed })).apply(sym(new Dropout({ rate: 0.3 }).apply(x))));
    parts.push('Dropout -> TimeDistributed(Dense)');
  }
  const model = new Model({ inputs: input, outputs: x });
  return { model, what: `B=${B} ${ids ? 'ids' : `D=${D}`}: ${parts.join(' -> ')}`, B, T, D, x: data, masked };
}

function frameOf(c: Case, t: number): Float32Array | Int32Array {
  const frame = frameAt(c.x, c.B, c.T, Math.max(c.D, 1), t);
  return c.D === 0 ? Int32Array.from(frame) : frame;
}

function predictStep(c: Case, t: number): number[] {
  const p = prefix(c.x, c.B, c.T, c.D, t);
  const input = c.D === 0 ? tensor(Int32Array.from(p.data), [c.B, t + 1]) : p;
  return Array.from(expectedStep(c.model.predict(input) as Tensor, c.B, t));
}

describe(`a seeded sweep of ${CASES} random streamed models against predict on every prefix`, () => {
  for (let seed = 1; seed <= CASES; seed++) {
    it(`case ${seed}`, () => {
      const c = randomCase(seed);
      const stream = c.model.stream({ batchSize: c.B });
      const out = new Float32Array(stream.outputLength);
      const half = Math.floor(c.T / 2);
      let saved: Tensor[] = [];
      for (let t = 0; t < c.T; t++) {
        // Every other step writes into the caller's buffer, which step() then returns.
        const got = t % 2 === 1 ? stream.step(frameOf(c, t), out) : stream.step(frameOf(c, t));
        if (t % 2 === 1) expect(got, c.what).toBe(out);
        expect(Array.from(got), `${c.what}: step ${t}`).toEqual(predictStep(c, t));
        if (t === half) saved = stream.states();
      }
      // A second stream given the states at step `half` carries on as the first did (unless steps
      // are masked: Keras outputs zeros for a masked step until a call has seen a valid one).
      const second = c.model.stream({ batchSize: c.B });
      second.reset(saved);
      expect(second.states().map((s) => Array.from(s.data)), c.what).toEqual(saved.map((s) => Array.from(s.data)));
      if (!c.masked) {
        for (let t = half + 1; t < c.T; t++) expect(Array.from(second.step(frameOf(c, t))), `${c.what}: resumed step ${t}`).toEqual(predictStep(c, t));
      }
      second.dispose();
      // reset() starts a new sequence: zero states, and step 0 is predict's again.
      stream.reset();
      expect(stream.states().every((s) => s.data.every((v) => v === 0)), c.what).toBe(true);
      expect(Array.from(stream.step(frameOf(c, 0))), `${c.what}: after reset`).toEqual(predictStep(c, 0));
      stream.dispose();
      c.model.dispose();
    });
  }
});
