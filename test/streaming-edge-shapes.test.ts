// Streams at the edges of the shapes users give: one unit and one feature, a wide GRU over one
// feature, batch rows of 3 and 4, activations off the defaults, GRU's other reset mode, cells of
// three kinds stacked, two recurrent branches side by side. Each equals predict on every prefix
// (bit for bit on the same kernel build), then again after a reset.
import { beforeAll, describe, it } from 'vitest';
import { ready, Sequential, Input, Model, LSTM, GRU, SimpleRNN, Dense, Dropout, TimeDistributed, Concatenate, type ModelBase } from '../dist/index.js';
import { testKernelVariant } from './kernel-variant.js';
import { randomFloats, seededRandom } from './random.js';
import { expectMatchesAroundReset } from './stream-prefix.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

function parallelBranches(): ModelBase {
  const input = Input({ shape: [null, 3] });
  const lstm = new LSTM(4, { returnSequences: true, seed: 14 }).apply(input);
  const gru = new GRU(4, { returnSequences: true, seed: 15 }).apply(input);
  return new Model({ inputs: input, outputs: new Dense(2, { seed: 16 }).apply(new Concatenate().apply([lstm, gru])) });
}

const cases: { title: string; B: number; T: number; D: number; model: () => ModelBase }[] = [
  { title: 'LSTM(1) over one feature', B: 1, T: 5, D: 1, model: () => new Sequential([new LSTM(1, { inputShape: [null, 1], seed: 11 })]) },
  { title: 'GRU(300) over one feature', B: 1, T: 3, D: 1, model: () => new Sequential([new GRU(300, { inputShape: [null, 1], seed: 13 })]) },
  {
    title: 'GRU resetAfter: false, batch of 3, sequences into Dense', B: 3, T: 6, D: 4,
    model: () => new Sequential([new GRU(5, { inputShape: [null, 4], resetAfter: false, returnSequences: true, seed: 1 }), new Dense(2, { seed: 2 })]),
  },
  {
    title: 'LSTM with relu, hard_sigmoid and no unit forget bias', B: 2, T: 5, D: 2,
    model: () => new Sequential([new LSTM(9, { inputShape: [null, 2], unitForgetBias: false, activation: 'relu', recurrentActivation: 'hard_sigmoid', seed: 12 })]),
  },
  {
    title: 'SimpleRNN -> LSTM -> GRU stacked', B: 1, T: 5, D: 3,
    model: () => new Sequential([
      new SimpleRNN(4, { inputShape: [null, 3], returnSequences: true, seed: 3 }), new LSTM(6, { returnSequences: true, seed: 4 }), new GRU(2, { seed: 5 }),
    ]),
  },
  {
    title: 'TimeDistributed(Dense relu) -> GRU -> Dropout -> Dense softmax, batch of 2', B: 2, T: 7, D: 5,
    model: () => new Sequential([
      new TimeDistributed(new Dense(8, { activation: 'relu', seed: 8 }), { inputShape: [null, 5] }), new GRU(7, { returnSequences: true, seed: 9 }),
      new Dropout(0.3), new Dense(3, { activation: 'softmax', seed: 10 }),
    ]),
  },
  {
    title: 'linear SimpleRNN without bias, batch of 4', B: 4, T: 5, D: 6,
    model: () => new Sequential([new SimpleRNN(3, { inputShape: [null, 6], activation: 'linear', useBias: false, seed: 18 })]),
  },
  { title: 'LSTM and GRU branches concatenated into Dense, batch of 2', B: 2, T: 5, D: 3, model: parallelBranches },
];

describe('streams at the edges of the shapes', () => {
  cases.forEach(({ title, B, T, D, model }, k) => {
    it(`${title}: equals predict on every prefix`, () => {
      const x = randomFloats(seededRandom(100 + k), B * T * D);
      expectMatchesAroundReset(model(), x, B, T, D);
    });
  });
});
