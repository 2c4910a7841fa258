import { afterAll, describe, expect, it } from 'vitest';
import { loadFixture, loadFixtures, maxViolation, violationRatio } from './fixtures.js';
import type { Fixture, Tolerance } from './fixtures.js';
import { expectClose } from './expect-close.js';
import {
  gruStep,
  lstmStep,
  referenceActivation,
  referenceBidirectional,
  referenceFromFixture,
  recurrentSpec,
  referenceRecurrent,
  specFromKerasConfig,
} from './reference/index.js';
import type { CellWeights, ReferenceRecurrentSpec, ReferenceTensor } from './reference/index.js';

const fixtures = loadFixtures();
const worstRatioByFixture = new Map<string, number>();

/** Shows the first out-of-tolerance element and its neighbours, actual next to expected. */
function describeMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance): string {
  let first = -1;
  for (let i = 0; i < Math.min(actual.length, expected.length); i++) {
    if (violationRatio(actual[i], expected[i], tol) > 1) {
      first = i;
      break;
    }
  }
  if (first === -1) return `lengths differ: actual ${actual.length}, expected ${expected.length}`;
  const lines = [`${' index'.padEnd(8)} ${'actual'.padEnd(24)} ${'expected'.padEnd(24)} ratio`];
  for (let i = Math.max(0, first - 2); i < Math.min(expected.length, first + 4); i++) {
    const marker = i === first ? '>' : ' ';
    const ratio = violationRatio(actual[i], expected[i], tol);
    lines.push(
      `${marker}${String(i).padStart(6)}  ${String(actual[i]).padEnd(24)} ${String(expected[i]).padEnd(24)} ${ratio.toPrecision(3)}`,
    );
  }
  return lines.join('\n');
}

describe('reference matches every fixture', () => {
  it('finds the fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('%s', (_name: string, fixture: Fixture) => {
    const outputs = referenceFromFixture(fixture);
    expect(outputs.length, 'output count').toBe(fixture.expected.length);

    let worst = 0;
    fixture.expected.forEach((expected, i) => {
      const actual = outputs[i];
      expect(actual.shape, `shape of output ${i}`).toEqual(expected.shape);
      const violation = maxViolation(actual.data, expected.data, fixture.tolerance);
      worst = Math.max(worst, violation.worst);
      if (violation.worst > 1) {
        expect.fail(
          `${fixture.name} output ${i} (${expected.name ?? 'unnamed'}): worst ratio ${violation.worst} at ${violation.index}\n` +
            describeMismatch(actual.data, expected.data, fixture.tolerance),
        );
      }
    });
    worstRatioByFixture.set(fixture.name, worst);
  });

  afterAll(() => {
    const ranked = [...worstRatioByFixture].sort((a, b) => b[1] - a[1]);
    if (ranked.length === 0) return;
    const top = ranked
      .slice(0, 5)
      .map(([name, ratio]) => `  ${ratio.toExponential(3)}  ${name}`)
      .join('\n');
    console.log(`worst tolerance ratio over ${ranked.length} fixtures (pass <= 1):\n${top}`);
  });
});

function tensor(shape: number[], values: number[]): ReferenceTensor {
  return { shape, data: Float64Array.from(values) };
}

/** Keras' defaults, but reset_after true whatever the cell (only GRU reads it). */
function spec(overrides: Partial<ReferenceRecurrentSpec> & Pick<ReferenceRecurrentSpec, 'cell' | 'units'>): ReferenceRecurrentSpec {
  return recurrentSpec(overrides.cell, overrides.units, { resetAfter: true, ...overrides });
}

/** Hand-derived values hold to float64 rounding. */
const EXACT = { tolerance: { abs: 1e-14, rel: 0 } };

describe('hand-derived SimpleRNN (D = H = 1, w = 0.5, u = 0.25, b = 0.1)', () => {
  const weights = [tensor([1, 1], [0.5]), tensor([1, 1], [0.25]), tensor([1], [0.1])];

  it('runs forward over x = [1, 2]', () => {
    const x = tensor([1, 2, 1], [1, 2]);
    const [sequence, h] = referenceRecurrent(
      spec({ cell: 'SimpleRNN', units: 1, returnSequences: true, returnState: true }),
      weights,
      x,
    );
    const h1 = Math.tanh(0.6);
    const h2 = Math.tanh(1.1 + 0.25 * h1);
    expect(sequence.shape).toEqual([1, 2, 1]);
    expectClose(sequence.data, [h1, h2], EXACT);
    expect(h.shape).toEqual([1, 1]);
    expectClose(h.data, [h2], EXACT);
  });

  it('with go_backwards processes x = 2 first and keeps processing order in the sequence', () => {
    const x = tensor([1, 2, 1], [1, 2]);
    const [sequence] = referenceRecurrent(
      spec({ cell: 'SimpleRNN', units: 1, returnSequences: true, goBackwards: true }),
      weights,
      x,
    );
    const h1 = Math.tanh(1.1);
    const h2 = Math.tanh(0.6 + 0.25 * h1);
    expectClose(sequence.data, [h1, h2], EXACT);
  });

  it('masks: zeros before the first valid step even with a non-zero h0, then re-emits', () => {
    const x = tensor([1, 3, 1], [9, 1, 9]);
    const mask = tensor([1, 3], [0, 1, 0]);
    const h0 = 0.7;
    const valid = Math.tanh(0.5 * 1 + 0.1 + 0.25 * h0);

    const [carried, carriedState] = referenceRecurrent(
      spec({ cell: 'SimpleRNN', units: 1, returnSequences: true, returnState: true }),
      weights,
      x,
      { mask, initialState: [tensor([1, 1], [h0])] },
    );
    expectClose(carried.data, [0, valid, valid], EXACT);
    expectClose(carriedState.data, [valid], EXACT);

    const [zeroed, zeroedState] = referenceRecurrent(
      spec({ cell: 'SimpleRNN', units: 1, returnSequences: true, returnState: true, zeroOutputForMask: true }),
      weights,
      x,
      { mask, initialState: [tensor([1, 1], [h0])] },
    );
    expectClose(zeroed.data, [0, valid, 0], EXACT);
    expectClose(zeroedState.data, [valid], EXACT);
  });

  it('returns zeros and the initial state for a row with no valid step', () => {
    const [last, h] = referenceRecurrent(
      spec({ cell: 'SimpleRNN', units: 1, returnState: true }),
      weights,
      tensor([1, 2, 1], [3, 4]),
      { mask: tensor([1, 2], [0, 0]), initialState: [tensor([1, 1], [-0.3])] },
    );
    expectClose(last.data, [0], EXACT);
    expectClose(h.data, [-0.3], EXACT);
  });
});

function zeroCell(units: number, gates: number, inputSize: number): CellWeights {
  return {
    inputSize,
    units,
    kernel: new Float64Array(inputSize * gates * units),
    recurrentKernel: new Float64Array(units * gates * units),
    inputBias: new Float64Array(gates * units),
    recurrentBias: new Float64Array(gates * units),
  };
}

describe('hand-derived cell steps', () => {
  const sigmoid = referenceActivation('sigmoid', 'keras3');
  const tanh = referenceActivation('tanh', 'keras3');

  it('LSTM with all-zero weights and zero state gives h = 0 and c = 0', () => {
    const { h, c } = lstmStep(
      Float64Array.from([0.3, -0.8]),
      new Float64Array(2),
      new Float64Array(2),
      zeroCell(2, 4, 2),
      tanh,
      sigmoid,
    );
    expectClose(h, [0, 0], EXACT);
    expectClose(c, [0, 0], EXACT);
  });

  it('LSTM with all-zero weights halves c_prev through the forget gate', () => {
    const { h, c } = lstmStep(
      Float64Array.from([1]),
      Float64Array.from([5]),
      Float64Array.from([2]),
      zeroCell(1, 4, 1),
      tanh,
      sigmoid,
    );
    expectClose(c, [1], EXACT);
    expectClose(h, [0.5 * Math.tanh(1)], EXACT);
  });

  it('GRU with all-zero weights moves h halfway to a zero candidate in both variants', () => {
    for (const resetAfter of [true, false]) {
      const h = gruStep(Float64Array.from([1]), Float64Array.from([0.8, -0.4]), zeroCell(2, 3, 1), tanh, sigmoid, resetAfter);
      expectClose(h, [0.4, -0.2], EXACT);
    }
  });

  it('GRU reset_after puts the reset gate around h·U_h + b_recurrent, reset_before around h', () => {
    const x = 0.9;
    const hPrev = 0.6;
    const [wz, wr, wh] = [0.3, -0.2, 0.7];
    const [uz, ur, uh] = [0.5, 0.4, -0.6];
    const [bz, br, bh] = [0.1, 0.2, -0.3];
    const [rbz, rbr, rbh] = [0.05, -0.15, 0.25];
    const logistic = (v: number): number => 1 / (1 + Math.exp(-v));

    const after: CellWeights = {
      inputSize: 1,
      units: 1,
      kernel: Float64Array.from([wz, wr, wh]),
      recurrentKernel: Float64Array.from([uz, ur, uh]),
      inputBias: Float64Array.from([bz, br, bh]),
      recurrentBias: Float64Array.from([rbz, rbr, rbh]),
    };
    const zAfter = logistic(x * wz + bz + hPrev * uz + rbz);
    const rAfter = logistic(x * wr + br + hPrev * ur + rbr);
    const candidateAfter = Math.tanh(x * wh + bh + rAfter * (hPrev * uh + rbh));
    expectClose(gruStep(Float64Array.from([x]), Float64Array.from([hPrev]), after, tanh, sigmoid, true), [
      zAfter * hPrev + (1 - zAfter) * candidateAfter,
    ]);

    const before: CellWeights = { ...after, recurrentBias: null };
    const zBefore = logistic(x * wz + bz + hPrev * uz);
    const rBefore = logistic(x * wr + br + hPrev * ur);
    const candidateBefore = Math.tanh(x * wh + bh + rBefore * hPrev * uh);
    expectClose(gruStep(Float64Array.from([x]), Float64Array.from([hPrev]), before, tanh, sigmoid, false), [
      zBefore * hPrev + (1 - zBefore) * candidateBefore,
    ]);
  });
});

describe('activations', () => {
  it('hard_sigmoid keras2 is clip(0.2x + 0.5) and keras3 is relu6(x + 3) / 6', () => {
    const keras2 = referenceActivation('hard_sigmoid', 'keras2');
    const keras3 = referenceActivation('hard_sigmoid', 'keras3');
    const cases: Array<[x: number, keras2: number, keras3: number]> = [
      [1, 0.7, 0.5 + 1 / 6],
      [-1, 0.3, 0.5 - 1 / 6],
      [2.6, 1, 0.5 + 2.6 / 6],
      [-2.6, 0, 0.5 - 2.6 / 6],
      [3.1, 1, 1],
      [-3.1, 0, 0],
    ];
    for (const [x, expected2, expected3] of cases) {
      expect(keras2(x), `keras2(${x})`).toBeCloseTo(expected2, 14);
      expect(keras3(x), `keras3(${x})`).toBeCloseTo(expected3, 14);
    }
  });

  it('sigmoid and tanh stay finite and saturate exactly for huge pre-activations', () => {
    const sigmoid = referenceActivation('sigmoid', 'keras3');
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(800)).toBe(1);
    expect(sigmoid(0)).toBe(0.5);
    expect(referenceActivation('tanh', 'keras3')(-800)).toBe(-1);
  });

  it('covers the other Keras activations', () => {
    const activation = (name: string): ((x: number) => number) => referenceActivation(name, 'keras3');
    expect(activation('relu')(-2)).toBe(0);
    expect(activation('relu')(2)).toBe(2);
    expect(activation('linear')(-2.5)).toBe(-2.5);
    expect(activation('elu')(-1)).toBeCloseTo(Math.exp(-1) - 1, 15);
    expect(activation('selu')(1)).toBeCloseTo(1.0507009873554805, 15);
    expect(activation('softsign')(-3)).toBeCloseTo(-0.75, 15);
    expect(activation('exponential')(1)).toBeCloseTo(Math.E, 15);
    expect(() => activation('swish_typo')).toThrow(/unsupported activation/);
  });
});

describe('Bidirectional structure', () => {
  const inner = spec({ cell: 'SimpleRNN', units: 1, returnSequences: true, returnState: true });
  const forwardWeights = [tensor([1, 1], [0.5]), tensor([1, 1], [0.25]), tensor([1], [0.1])];
  const backwardWeights = [tensor([1, 1], [-0.4]), tensor([1, 1], [0.3]), tensor([1], [0.05])];
  const x = tensor([1, 3, 1], [1, 2, -1]);

  it('concat pairs forward step t with the flipped-back backward step t', () => {
    const [merged, forwardH, backwardH] = referenceBidirectional(inner, 'concat', [...forwardWeights, ...backwardWeights], x);
    const [forwardSequence] = referenceRecurrent(inner, forwardWeights, x);
    const [backwardSequence] = referenceRecurrent({ ...inner, goBackwards: true }, backwardWeights, x);
    expect(merged.shape).toEqual([1, 3, 2]);
    const f = forwardSequence.data;
    const b = backwardSequence.data;
    expectClose(merged.data, [f[0], b[2], f[1], b[1], f[2], b[0]], EXACT);
    expectClose(forwardH.data, [f[2]], EXACT);
    expectClose(backwardH.data, [b[2]], EXACT);
  });

  it('forces zero_output_for_mask = return_sequences, so masked merged positions are exactly 0', () => {
    const mask = tensor([1, 3], [1, 0, 1]);
    const weights = [...forwardWeights, ...backwardWeights];
    const [merged] = referenceBidirectional({ ...inner, zeroOutputForMask: false }, 'sum', weights, x, { mask });
    expect(merged.data[1]).toBe(0);

    const [last] = referenceBidirectional({ ...inner, returnSequences: false, zeroOutputForMask: true }, 'concat', weights, x, {
      mask: tensor([1, 3], [1, 1, 0]),
    });
    const [forwardLast] = referenceRecurrent({ ...inner, returnSequences: false, returnState: false }, forwardWeights, x, {
      mask: tensor([1, 3], [1, 1, 0]),
    });
    // Without the override a trailing masked step would zero the forward last output.
    expect(last.data[0]).toBe(forwardLast.data[0]);
    expect(last.data[0]).not.toBe(0);
  });

  it('merge mode null returns both directions, then forward states, then backward states', () => {
    const outputs = referenceBidirectional({ ...inner, cell: 'LSTM' }, null, lstmWeightsPair(), x);
    expect(outputs.map((output) => output.shape)).toEqual([
      [1, 3, 1],
      [1, 3, 1],
      [1, 1],
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
  });
});

function lstmWeightsPair(): ReferenceTensor[] {
  const one = (): ReferenceTensor[] => [
    tensor([1, 4], [0.1, -0.2, 0.3, 0.4]),
    tensor([1, 4], [0.2, 0.1, -0.3, 0.05]),
    tensor([4], [0, 1, 0, 0]),
  ];
  return [...one(), ...one()];
}

describe('config parsing', () => {
  it('fills Keras defaults for missing keys', () => {
    expect(specFromKerasConfig({ units: 7 }, 'GRU', 'keras2')).toEqual({
      cell: 'GRU',
      units: 7,
      activation: 'tanh',
      recurrentActivation: 'sigmoid',
      useBias: true,
      resetAfter: true,
      returnSequences: false,
      returnState: false,
      goBackwards: false,
      zeroOutputForMask: false,
      hardSigmoidVariant: 'keras2',
    });
  });

  it('rejects weights whose shapes do not match the config', () => {
    const fixture = loadFixture('gru_tiny_b1_t1_d1_h1');
    const broken: Fixture = { ...fixture, layer: { ...fixture.layer, config: { ...fixture.layer.config, reset_after: false } } };
    expect(() => referenceFromFixture(broken)).toThrow(/bias must have shape \[3\]/);
  });
});
