// The seed notebooks' examples, from initializers alone (no setWeights):
// the golden Bidirectional LSTM numbers and the shapes the notebooks print.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, initializers, SimpleRNN, LSTM, GRU, Bidirectional, type Tensor } from '../dist/index.js';
import { loadFixture, maxViolation } from './fixtures.js';

const SEED_INPUT = [[[0.1, 4.2, 1.5, 1.1, 2.8], [1.0, 3.1, 2.5, 0.7, 1.1], [0.3, 2.1, 1.5, 2.1, 0.1], [2.2, 1.4, 0.5, 0.9, 1.1]]];

beforeAll(async () => {
  await ready();
});

const shapes = (out: Tensor | Tensor[]) => (Array.isArray(out) ? out.map((t) => [...t.shape]) : [[...out.shape]]);

describe('seed golden Bidirectional LSTM from Constant initializers', () => {
  for (const [returnSequences, fixtureName] of [[false, 'bidirectional_lstm_seed_golden_last'], [true, 'bidirectional_lstm_seed_golden_seq']] as const) {
    it(fixtureName, () => {
      const layer = new Bidirectional(new LSTM({
        units: 3,
        kernelInitializer: initializers.constant(0.1),
        recurrentInitializer: initializers.constant(0.1),
        biasInitializer: initializers.constant(0),
        returnState: true,
        returnSequences,
      }));
      const outputs = layer.apply(tensor(SEED_INPUT)) as Tensor[];
      const fixture = loadFixture(fixtureName);
      expect(outputs.map((o) => [...o.shape])).toEqual(fixture.expected.map((e) => e.shape));
      fixture.expected.forEach((e, i) => {
        expect(maxViolation(outputs[i].data, e.data, fixture.tolerance).worst).toBeLessThanOrEqual(1);
      });
      // The notebook's printout, independent of the fixture file.
      const last = outputs[0].data;
      const forwardH = returnSequences ? last[18] : last[0];
      expect(forwardH).toBeCloseTo(0.63031393, 6);
      expect(outputs[3].data[0]).toBeCloseTo(0.7038734, 6);
      // unit_forget_bias: the forget block of each bias is 1.
      const bias = layer.getWeights()[2].data;
      expect(Array.from(bias)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    });
  }
});

describe('shapes printed by the seed notebooks (random initialisation)', () => {
  const x = () => tensor(SEED_INPUT);
  const x251 = () => tensor(new Float32Array(10).map((_, i) => i / 10), [2, 5, 1]);
  const cases: [string, () => Tensor | Tensor[], number[][]][] = [
    ['SimpleRNN(3)', () => new SimpleRNN({ units: 3 }).apply(x()), [[1, 3]]],
    ['SimpleRNN(3, return_sequences)', () => new SimpleRNN({ units: 3, returnSequences: true }).apply(x()), [[1, 4, 3]]],
    ['SimpleRNN(3, return_sequences, return_state)', () => new SimpleRNN({ units: 3, returnSequences: true, returnState: true }).apply(x()), [[1, 4, 3], [1, 3]]],
    ['LSTM(3, return_state)', () => new LSTM({ units: 3, returnState: true }).apply(x()), [[1, 3], [1, 3], [1, 3]]],
    ['LSTM(3, return_sequences, return_state)', () => new LSTM({ units: 3, returnSequences: true, returnState: true }).apply(x()), [[1, 4, 3], [1, 3], [1, 3]]],
    ['Bidirectional(LSTM(3, return_sequences, return_state))', () => new Bidirectional(new LSTM({ units: 3, returnSequences: true, returnState: true })).apply(x()), [[1, 4, 6], [1, 3], [1, 3], [1, 3], [1, 3]]],
    ['GRU(3, return_state) on [2,5,1]', () => new GRU({ units: 3, returnState: true }).apply(x251()), [[2, 3], [2, 3]]],
    ['Bidirectional(GRU(3, return_state)) on [2,5,1]', () => new Bidirectional(new GRU({ units: 3, returnState: true })).apply(x251()), [[2, 6], [2, 3], [2, 3]]],
  ];
  for (const [label, run, expected] of cases) {
    it(label, () => {
      const out = run();
      expect(shapes(out)).toEqual(expected);
      for (const t of Array.isArray(out) ? out : [out]) expect(t.data.every(Number.isFinite)).toBe(true);
    });
  }

  it('returns a single Tensor without returnState, a list with it', () => {
    const single = new LSTM({ units: 2 }).apply(x());
    expect(Array.isArray(single)).toBe(false);
    const list = new LSTM({ units: 2, returnState: true }).apply(x());
    expect(Array.isArray(list)).toBe(true);
    const both = new Bidirectional(new LSTM({ units: 2 }), { mergeMode: null }).apply(x());
    expect(shapes(both)).toEqual([[1, 2], [1, 2]]);
  });

  it('toArray gives nested arrays in the tensor shape', () => {
    const seq = new LSTM({ units: 3, returnSequences: true, seed: 1 }).apply(x()) as Tensor;
    const nested = seq.toArray() as number[][][];
    expect(nested.length).toBe(1);
    expect(nested[0].length).toBe(4);
    expect(nested[0][3].length).toBe(3);
    expect(nested[0][2][1]).toBe(seq.data[2 * 3 + 1]);
  });
});
