// Models as Keras builds them: Sequential and functional Input/Model, their
// summaries, layer names, masks flowing between layers, batched predict and
// the errors a wrong input or a layer that cannot fit gives. Numbers are
// checked against the float64 reference (recurrent layers) and small float64
// helpers written here from Keras' definitions (Dense, Embedding, Concatenate).
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  Bidirectional,
  ConfigError,
  Concatenate,
  Dense,
  Dropout,
  Embedding,
  GRU,
  Input,
  InputLayer,
  InputError,
  LSTM,
  Masking,
  Model,
  RecurrentLayer,
  Sequential,
  ShapeError,
  SimpleRNN,
  Tensor,
  TimeDistributed,
  ready,
  tensor,
  type SymbolicTensor,
} from '../dist/index.js';
import { caught, expectError, untyped } from './expect-error.js';
import { maxViolation } from './fixtures.js';
import { expectSame, list, one, randomTensor, randomWeights, toRef } from './model-helpers.js';
import { expectClose } from './expect-close.js';
import { seededRandom } from './random.js';
import {
  concatLastAxis,
  denseRef,
  embeddingRef,
  recurrentSpec,
  referenceBidirectional,
  referenceRecurrent,
  size,
  type ReferenceTensor,
} from './reference/index.js';

beforeAll(async () => {
  await ready();
});

afterEach(() => {
  vi.restoreAllMocks();
});

// ---------------------------------------------------------------------------
// Helpers: data, float64 oracles, comparisons
// ---------------------------------------------------------------------------

function refFrom(shape: number[], values: ArrayLike<number>): ReferenceTensor {
  return { shape, data: Float64Array.from(values) };
}

/**
 * Agreement far tighter than the Keras tolerance. Not bit-identity: the kernels take another
 * path for the rows left over from blocks of the batch, so a row's last bits can depend on the batch size.
 */
function expectAgree(actual: Tensor, expected: Tensor, label = 'output'): void {
  expect([...actual.shape], `${label} shape`).toEqual([...expected.shape]);
  const { worst, index } = maxViolation(actual.data, expected.data, { abs: 1e-6, rel: 1e-5 });
  expect(worst, `${label}[${index}]: got ${actual.data[index]}, expected ${expected.data[index]}`).toBeLessThanOrEqual(1);
}

function maxAbsDifference(a: Tensor, b: Tensor): number {
  let worst = 0;
  for (let i = 0; i < a.size; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
  return worst;
}

/** Keras prints layer rows with the name at column 0, shape at 29 and params at 55 (65-wide table). */
function summaryRow(text: string, layerName: string): { layer: string; shape: string; params: string } {
  const line = text.split('\n').find((l) => l.startsWith(` ${layerName} (`));
  if (line === undefined) throw new Error(`no summary row for ${layerName} in:\n${text}`);
  expect(line.length).toBe(65);
  return { layer: line.slice(0, 29).trim(), shape: line.slice(29, 55).trim(), params: line.slice(55).trim() };
}

// ---------------------------------------------------------------------------
// 1. Summaries of the seed notebooks
// ---------------------------------------------------------------------------

describe('summary() of the seed models', () => {
  interface SummaryCase {
    label: string;
    build: () => Sequential;
    /** Per layer: Keras class, output shape as Keras prints it, param count. */
    rows: [string, string, string][];
    totals: string[];
  }

  const cases: SummaryCase[] = [
    {
      label: 'SimpleRNN(3, input_shape=(2, 10))',
      build: () => new Sequential({ layers: [new SimpleRNN({ units: 3, inputShape: [2, 10] })] }),
      rows: [['SimpleRNN', '(None, 3)', '42']],
      totals: ['Total params: 42', 'Trainable params: 42', 'Non-trainable params: 0'],
    },
    {
      label: 'SimpleRNN(3, batch_input_shape=(8, 2, 10))',
      build: () => new Sequential({ layers: [new SimpleRNN({ units: 3, batchInputShape: [8, 2, 10] })] }),
      rows: [['SimpleRNN', '(8, 3)', '42']],
      totals: ['Total params: 42'],
    },
    {
      label: 'SimpleRNN(3, input_shape=(2, 10), batch_size=8)',
      build: () => new Sequential({ layers: [new SimpleRNN({ units: 3, inputShape: [2, 10], batchSize: 8 })] }),
      rows: [['SimpleRNN', '(8, 3)', '42']],
      totals: ['Total params: 42'],
    },
    {
      label: 'SimpleRNN(3, batch_input_shape=(8, 2, 10), return_sequences=True)',
      build: () => new Sequential({ layers: [new SimpleRNN({ units: 3, batchInputShape: [8, 2, 10], returnSequences: true })] }),
      rows: [['SimpleRNN', '(8, 2, 3)', '42']],
      totals: ['Total params: 42'],
    },
    {
      label: 'SimpleRNN(3, input_length=10, input_dim=5, return_sequences=True) + SimpleRNN(3, return_sequences=True)',
      build: () => {
        const model = new Sequential();
        model.add(new SimpleRNN({ units: 3, inputLength: 10, inputDim: 5, returnSequences: true }));
        model.add(new SimpleRNN({ units: 3, returnSequences: true }));
        return model;
      },
      rows: [['SimpleRNN', '(None, 10, 3)', '27'], ['SimpleRNN', '(None, 10, 3)', '21']],
      totals: ['Total params: 48', 'Trainable params: 48', 'Non-trainable params: 0'],
    },
    {
      label: "Embedding(5000, 100) + SimpleRNN(128) + Dense(1, 'sigmoid')",
      build: () => {
        const model = new Sequential();
        model.add(new Embedding({ inputDim: 5000, outputDim: 100 }));
        model.add(new SimpleRNN({ units: 128 }));
        model.add(new Dense({ units: 1, activation: 'sigmoid' }));
        return model;
      },
      rows: [['Embedding', '(None, None, 100)', '500000'], ['SimpleRNN', '(None, 128)', '29312'], ['Dense', '(None, 1)', '129']],
      totals: ['Total params: 529,441', 'Trainable params: 529,441', 'Non-trainable params: 0'],
    },
  ];

  for (const { label, build, rows, totals } of cases) {
    it(label, () => {
      const model = build();
      const text = model.summary({ print: false, layout: 'tf.keras' });
      const lines = text.split('\n');
      expect(lines[0]).toBe(`Model: "${model.name}"`);
      expect(model.layers).toHaveLength(rows.length);
      model.layers.forEach((layer, i) => {
        const [className, shape, params] = rows[i];
        expect(summaryRow(text, layer.name)).toEqual({ layer: `${layer.name} (${className})`, shape, params });
        expect(layer.countParams()).toBe(Number(params));
      });
      for (const total of totals) expect(lines).toContain(total);
      const expectedTotal = rows.reduce((sum, row) => sum + Number(row[2]), 0);
      expect(model.countParams()).toBe(expectedTotal);
    });
  }

  it('an Input() added first gives the same table as inputShape on the first layer', () => {
    const viaInput = new Sequential({ name: 'via_input' });
    viaInput.add(Input({ shape: [2, 10] }));
    viaInput.add(new SimpleRNN({ units: 3, name: 'rnn_via_input' }));
    const text = viaInput.summary({ print: false, layout: 'tf.keras' });
    expect(summaryRow(text, 'rnn_via_input')).toEqual({ layer: 'rnn_via_input (SimpleRNN)', shape: '(None, 3)', params: '42' });
    expect(text.split('\n').filter((l) => l.includes('InputLayer'))).toEqual([]);
  });

  describe("recurrent parameter counts follow Keras' formulas", () => {
    type CountCase = [label: string, make: (D: number, H: number) => RecurrentLayer | Bidirectional, formula: (D: number, H: number) => number];
    const counts: CountCase[] = [
      ['SimpleRNN: H(D+H+1)', (D, H) => new SimpleRNN({ units: H, inputShape: [7, D] }), (D, H) => H * (D + H + 1)],
      ['LSTM: 4H(D+H+1)', (D, H) => new LSTM({ units: H, inputShape: [7, D] }), (D, H) => 4 * H * (D + H + 1)],
      ['GRU reset_after=True: 3H(D+H+2)', (D, H) => new GRU({ units: H, inputShape: [7, D] }), (D, H) => 3 * H * (D + H + 2)],
      ['GRU reset_after=False: 3H(D+H+1)', (D, H) => new GRU({ units: H, resetAfter: false, inputShape: [7, D] }), (D, H) => 3 * H * (D + H + 1)],
      ['Bidirectional(LSTM): 2 * 4H(D+H+1)', (D, H) => new Bidirectional(new LSTM({ units: H }), { inputShape: [7, D] }), (D, H) => 8 * H * (D + H + 1)],
      ['Bidirectional(GRU): 2 * 3H(D+H+2)', (D, H) => new Bidirectional(new GRU({ units: H }), { inputShape: [7, D] }), (D, H) => 6 * H * (D + H + 2)],
    ];
    const sizes: [number, number][] = [[1, 3], [5, 4], [10, 128], [100, 64]];
    for (const [label, make, formula] of counts) {
      it(label, () => {
        for (const [D, H] of sizes) {
          const layer = make(D, H);
          const model = new Sequential({ layers: [layer] });
          const expected = formula(D, H);
          expect(layer.countParams(), `D=${D} H=${H}`).toBe(expected);
          expect(model.countParams()).toBe(expected);
          expect(summaryRow(model.summary({ print: false, layout: 'tf.keras' }), layer.name).params).toBe(String(expected));
        }
      });
    }

    it('the seed GRU counts: GRU(3) on D=1 has 3*3*(1+3+2) = 54 (reset_after) and 45 (reset before)', () => {
      expect(new Sequential({ layers: [new GRU({ units: 3, inputShape: [5, 1] })] }).countParams()).toBe(54);
      expect(new Sequential({ layers: [new GRU({ units: 3, resetAfter: false, inputShape: [5, 1] })] }).countParams()).toBe(45);
      expect(new Sequential({ layers: [new LSTM({ units: 3, inputShape: [5, 1] })] }).countParams()).toBe(60);
    });
  });

  it('prints with console.log by default and returns the same text; { print: false } only returns it', () => {
    const model = new Sequential({ layers: [new SimpleRNN({ units: 3, inputShape: [2, 10] })] });
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const printed = model.summary();
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toBe(printed);
    const quiet = model.summary({ print: false });
    expect(log).toHaveBeenCalledTimes(1);
    expect(quiet).toBe(printed);
    model.summary({ print: true });
    expect(log).toHaveBeenCalledTimes(2);
  });

  it('lays out a Sequential summary exactly as tf.keras 2 (65 columns, columns at 0/29/55, a blank padded line after each row)', () => {
    const model = new Sequential({ name: 'seed_summary' });
    model.add(new SimpleRNN({ units: 3, inputShape: [2, 10], name: 'seed_rnn' }));
    const expected = [
      'Model: "seed_summary"',
      '_________________________________________________________________',
      ' Layer (type)                Output Shape              Param #   ',
      '=================================================================',
      ' seed_rnn (SimpleRNN)        (None, 3)                 42        ',
      '                                                                 ',
      '=================================================================',
      'Total params: 42',
      'Trainable params: 42',
      'Non-trainable params: 0',
      '_________________________________________________________________',
    ];
    // The hand-written table itself: rules and rows are 65 wide.
    for (const line of [expected[1], expected[2], expected[3], expected[4], expected[5]]) expect(line.length).toBe(65);
    expect(model.summary({ print: false, layout: 'tf.keras' }).split('\n')).toEqual(expected);
  });

  it('wraps a layer column longer than 26 characters onto the next line, as Keras does', () => {
    const model = new Sequential({ name: 'long_names' });
    model.add(new SimpleRNN({ units: 3, inputShape: [2, 10], name: 'encoder_with_a_long_name' }));
    const lines = model.summary({ print: false, layout: 'tf.keras' }).split('\n');
    expect(lines.slice(4, 7)).toEqual([
      ' encoder_with_a_long_name (  (None, 3)                 42        ',
      ' SimpleRNN)                                                      ',
      '                                                                 ',
    ]);
  });

  it('lays out a functional graph with the Connected to column (98 columns, columns at 0/32/53/65)', () => {
    const a = Input({ shape: [5, 3], name: 'in_a' });
    const b = Input({ shape: [4, 2], name: 'in_b' });
    const encA = new LSTM({ units: 4, name: 'enc_a' }).apply(a) as SymbolicTensor;
    const encB = new GRU({ units: 2, name: 'enc_b' }).apply(b) as SymbolicTensor;
    const joined = new Concatenate({ name: 'joined' }).apply([encA, encB]);
    const score = new Dense({ units: 1, name: 'score' }).apply(joined);
    const model = new Model({ inputs: [a, b], outputs: score, name: 'pair' });
    const blank = '                                                                                                  ';
    const expected = [
      'Model: "pair"',
      '__________________________________________________________________________________________________',
      ' Layer (type)                   Output Shape         Param #     Connected to                     ',
      '==================================================================================================',
      ' in_a (InputLayer)              [(None, 5, 3)]       0           []                               ',
      blank,
      ' in_b (InputLayer)              [(None, 4, 2)]       0           []                               ',
      blank,
      " enc_a (LSTM)                   (None, 4)            128         ['in_a[0][0]']                   ",
      blank,
      " enc_b (GRU)                    (None, 2)            36          ['in_b[0][0]']                   ",
      blank,
      " joined (Concatenate)           (None, 6)            0           ['enc_a[0][0]',                  ",
      "                                                                  'enc_b[0][0]']                  ",
      blank,
      " score (Dense)                  (None, 1)            7           ['joined[0][0]']                 ",
      blank,
      '==================================================================================================',
      'Total params: 171',
      'Trainable params: 171',
      'Non-trainable params: 0',
      '__________________________________________________________________________________________________',
    ];
    for (const line of expected.slice(1, 18)) expect(line.length).toBe(98);
    expect(model.summary({ print: false, layout: 'tf.keras' }).split('\n')).toEqual(expected);
  });

  it('a functional chain whose one layer returns several tensors is still "sequential-like" in tf.keras 2 (65 columns)', () => {
    // tf.keras 2 print_summary: sequential_like unless some depth has several nodes or a node reads
    // several tensors; Input -> LSTM(return_state=True) has one node per depth, each reading one tensor.
    const inp = Input({ shape: [5, 1], name: 'seed_in' });
    const outputs = new LSTM({ units: 3, returnState: true, name: 'seed_lstm' }).apply(inp);
    const model = new Model({ inputs: inp, outputs, name: 'seed_state' });
    const expected = [
      'Model: "seed_state"',
      '_________________________________________________________________',
      ' Layer (type)                Output Shape              Param #   ',
      '=================================================================',
      ' seed_in (InputLayer)        [(None, 5, 1)]            0         ',
      '                                                                 ',
      ' seed_lstm (LSTM)            [(None, 3),               60        ',
      '                              (None, 3),                         ',
      '                              (None, 3)]                         ',
      '                                                                 ',
      '=================================================================',
      'Total params: 60',
      'Trainable params: 60',
      'Non-trainable params: 0',
      '_________________________________________________________________',
    ];
    for (const line of expected.slice(1, 11)) expect(line.length).toBe(65);
    expect(model.summary({ print: false, layout: 'tf.keras' }).split('\n')).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------
// 2. Functional examples of the seed notebooks
// ---------------------------------------------------------------------------

describe('functional Input/Model: the seed examples (B=2, T=5, D=1, units 3)', () => {
  interface SeedCase {
    cell: 'LSTM' | 'GRU';
    bidirectional: boolean;
    returnSequences: boolean;
    returnState: boolean;
    shapes: number[][];
  }
  const seedCase = (cell: 'LSTM' | 'GRU', bidirectional: boolean, returnSequences: boolean, returnState: boolean, shapes: number[][]): SeedCase => ({
    cell, bidirectional, returnSequences, returnState, shapes,
  });
  const CASES: SeedCase[] = [
    seedCase('LSTM', false, false, false, [[2, 3]]),
    seedCase('LSTM', false, true, false, [[2, 5, 3]]),
    seedCase('LSTM', false, false, true, [[2, 3], [2, 3], [2, 3]]),
    seedCase('LSTM', true, false, false, [[2, 6]]),
    seedCase('LSTM', true, true, false, [[2, 5, 6]]),
    seedCase('LSTM', true, false, true, [[2, 6], [2, 3], [2, 3], [2, 3], [2, 3]]),
    seedCase('GRU', false, false, false, [[2, 3]]),
    seedCase('GRU', false, true, false, [[2, 5, 3]]),
    seedCase('GRU', false, false, true, [[2, 3], [2, 3]]),
    seedCase('GRU', true, false, false, [[2, 6]]),
    seedCase('GRU', true, true, false, [[2, 5, 6]]),
    seedCase('GRU', true, false, true, [[2, 6], [2, 3], [2, 3]]),
  ];

  const describeCase = (c: SeedCase) => {
    const flags = [c.returnSequences ? 'returnSequences' : '', c.returnState ? 'returnState' : ''].filter(Boolean);
    const inner = `${c.cell}(3${flags.length ? `, ${flags.join(', ')}` : ''})`;
    return `${c.bidirectional ? `Bidirectional(${inner})` : inner} -> ${c.shapes.map((s) => `(${s.join(',')})`).join(' + ')}`;
  };

  for (const c of CASES) {
    it(describeCase(c), () => {
      const options = { units: 3, returnSequences: c.returnSequences, returnState: c.returnState };
      const inner = c.cell === 'LSTM' ? new LSTM(options) : new GRU(options);
      const layer = c.bidirectional ? new Bidirectional(inner) : inner;
      const inp = Input({ shape: [5, 1] });
      const out = layer instanceof Bidirectional ? layer.apply(inp) : layer.apply(inp);
      const model = new Model({ inputs: inp, outputs: out });
      // Symbolic shapes are known before any data: the batch axis is None.
      expect(model.outputs.map((t) => [...t.shape])).toEqual(c.shapes.map((s) => [null, ...s.slice(1)]));

      const x = randomTensor(seededRandom(11), [2, 5, 1], 2);
      const predicted = model.predictAll(x);
      expect(predicted.map((t) => [...t.shape])).toEqual(c.shapes);
      // predict returns one Tensor for one output and the list in Keras order otherwise.
      const single = model.predict(x);
      expect(Array.isArray(single)).toBe(c.shapes.length > 1);

      // The model runs the very layer: the same numbers as calling it on the data.
      const direct = list(layer instanceof Bidirectional ? layer.apply(x) : layer.apply(x));
      direct.forEach((t, i) => expectSame(predicted[i], t, `output ${i}`));

      // ... and Keras' numbers, from the float64 reference on the layer's weights.
      const spec = recurrentSpec(c.cell, 3, { returnSequences: c.returnSequences, returnState: c.returnState });
      const weights = layer.getWeights().map(toRef);
      const expected = c.bidirectional
        ? referenceBidirectional(spec, 'concat', weights, toRef(x))
        : referenceRecurrent(spec, weights, toRef(x));
      expected.forEach((e, i) => expectClose(predicted[i], e, { label: `output ${i}` }));
    });
  }

  it('several inputs and several outputs: two LSTMs (one goBackwards), Concatenate, two Dense heads', () => {
    const random = seededRandom(2024);
    const a = Input({ shape: [5, 3] });
    const b = Input({ shape: [4, 2] });
    const encA = new LSTM({ units: 4, goBackwards: true });
    const encB = new LSTM({ units: 3 });
    const head = new Dense({ units: 2, activation: 'softmax' });
    const aux = new Dense({ units: 3, activation: 'tanh' });
    const hA = encA.apply(a) as SymbolicTensor;
    const hB = encB.apply(b) as SymbolicTensor;
    const joined = new Concatenate().apply([hA, hB]);
    const headOut = head.apply(joined);
    const auxOut = aux.apply(hB);
    const model = new Model({ inputs: [a, b], outputs: [headOut, auxOut] });
    expect(model.outputs.map((t) => [...t.shape])).toEqual([[null, 2], [null, 3]]);

    encA.setWeights(randomWeights(random, [[3, 16], [4, 16], [16]]));
    encB.setWeights(randomWeights(random, [[2, 12], [3, 12], [12]]));
    head.setWeights(randomWeights(random, [[7, 2], [2]]));
    aux.setWeights(randomWeights(random, [[3, 3], [3]]));

    const xa = randomTensor(random, [3, 5, 3]);
    const xb = randomTensor(random, [3, 4, 2]);
    const outputs = model.predict([xa, xb]);
    expect(Array.isArray(outputs)).toBe(true);
    const [headPred, auxPred] = outputs as Tensor[];

    const [refA] = referenceRecurrent(recurrentSpec('LSTM', 4, { goBackwards: true }), encA.getWeights().map(toRef), toRef(xa));
    const [refB] = referenceRecurrent(recurrentSpec('LSTM', 3), encB.getWeights().map(toRef), toRef(xb));
    const [headKernel, headBias] = head.getWeights().map(toRef);
    const [auxKernel, auxBias] = aux.getWeights().map(toRef);
    expectClose(headPred, denseRef(concatLastAxis([refA, refB]), headKernel, headBias, 'softmax'), { label: 'head' });
    expectClose(auxPred, denseRef(refB, auxKernel, auxBias, 'tanh'), { label: 'aux' });

    // Outputs come back in the order the model lists them.
    const swapped = new Model({ inputs: [a, b], outputs: [auxOut, headOut] });
    const [first, second] = swapped.predictAll([xa, xb]);
    expectSame(first, auxPred);
    expectSame(second, headPred);
    // Inputs are matched by position: swapping the Input order swaps which array feeds which LSTM.
    const reordered = new Model({ inputs: [b, a], outputs: headOut });
    expectSame(one(reordered.predict([xb, xa])), headPred);
  });

  it('an encoder state feeds a decoder as its initial state (Keras seq2seq wiring)', () => {
    const random = seededRandom(99);
    const encoderInput = Input({ shape: [6, 2] });
    const decoderInput = Input({ shape: [4, 3] });
    const encoder = new LSTM({ units: 5, returnState: true });
    const decoder = new LSTM({ units: 5, returnSequences: true });
    const [, h, c] = encoder.apply(encoderInput) as SymbolicTensor[];
    const decoded = decoder.apply(decoderInput, { initialState: [h, c] }) as SymbolicTensor;
    const model = new Model({ inputs: [encoderInput, decoderInput], outputs: decoded });
    encoder.setWeights(randomWeights(random, [[2, 20], [5, 20], [20]]));
    decoder.setWeights(randomWeights(random, [[3, 20], [5, 20], [20]]));
    const xe = randomTensor(random, [2, 6, 2]);
    const xd = randomTensor(random, [2, 4, 3]);
    const [, refH, refC] = referenceRecurrent(recurrentSpec('LSTM', 5, { returnState: true }), encoder.getWeights().map(toRef), toRef(xe));
    const [expected] = referenceRecurrent(recurrentSpec('LSTM', 5, { returnSequences: true }), decoder.getWeights().map(toRef), toRef(xd), {
      initialState: [refH, refC],
    });
    expectClose(one(model.predict([xe, xd])), expected);
  });

  it("model.layers and getWeights() follow Keras' order (by depth from the outputs) for branches of unequal depth", () => {
    // Keras (and tfjs-layers) order Functional.layers by decreasing depth, ties by traversal order:
    // here in_a (4), lstm_a (3), in_b and dense_a (2), dense_b and dense_c (1), cat (0).
    const inA = Input({ shape: [5, 3], name: 'order_in_a' });
    const inB = Input({ shape: [4], name: 'order_in_b' });
    const denseB = new Dense({ units: 2, name: 'order_dense_b' }).apply(inB);
    const lstmA = new LSTM({ units: 3, name: 'order_lstm_a' }).apply(inA) as SymbolicTensor;
    const denseA = new Dense({ units: 2, name: 'order_dense_a' }).apply(lstmA);
    const denseC = new Dense({ units: 2, name: 'order_dense_c' }).apply(denseA);
    const cat = new Concatenate({ name: 'order_cat' }).apply([denseB, denseC]);
    const model = new Model({ inputs: [inA, inB], outputs: cat });
    expect(model.layers.map((l) => l.name)).toEqual([
      'order_in_a', 'order_lstm_a', 'order_in_b', 'order_dense_a', 'order_dense_b', 'order_dense_c', 'order_cat',
    ]);
    // Keras get_weights(): lstm_a's three, then dense_a, dense_b, dense_c (kernel, bias each).
    expect(model.getWeights().map((w) => [...w.shape])).toEqual([[3, 12], [3, 12], [12], [3, 2], [2], [4, 2], [2], [2, 2], [2]]);
  });
});

// ---------------------------------------------------------------------------
// 3. Masks flowing through a model
// ---------------------------------------------------------------------------

describe('masks: Embedding(maskZero) -> LSTM(returnSequences) -> Bidirectional(GRU) -> Dense', () => {
  // Padding (0) at the start, in the middle and at the end of rows, a row without
  // padding, pre- and post-padded rows, and a row that is all padding.
  const IDS = [
    [0, 3, 5, 0, 7, 2, 0],
    [4, 9, 1, 6, 1, 9, 3],
    [0, 0, 0, 8, 2, 4, 6],
    [5, 1, 7, 0, 0, 0, 0],
    [2, 0, 0, 0, 0, 0, 9],
    [0, 0, 0, 0, 0, 0, 0],
  ];
  const MASK = IDS.map((row) => row.map((id) => (id === 0 ? 0 : 1)));

  function buildStack(seed: number) {
    const random = seededRandom(seed);
    const embedding = new Embedding({ inputDim: 10, outputDim: 4, maskZero: true });
    const lstm = new LSTM({ units: 5, returnSequences: true });
    const bidirectional = new Bidirectional(new GRU({ units: 3 }));
    const dense = new Dense({ units: 2, activation: 'sigmoid' });
    const model = new Sequential();
    for (const layer of [embedding, lstm, bidirectional, dense]) model.add(layer);
    embedding.setWeights(randomWeights(random, [[10, 4]], 1));
    lstm.setWeights(randomWeights(random, [[4, 20], [5, 20], [20]]));
    bidirectional.setWeights(randomWeights(random, [[5, 9], [3, 9], [2, 9], [5, 9], [3, 9], [2, 9]]));
    dense.setWeights(randomWeights(random, [[6, 2], [2]]));
    return { model, embedding, lstm, bidirectional, dense };
  }

  it('the model equals the layers run one by one with the mask passed by hand, and the float64 reference', () => {
    const { model, embedding, lstm, bidirectional, dense } = buildStack(7);
    const ids = tensor(IDS);
    const mask = tensor(MASK);
    const predicted = one(model.predict(ids));
    expect([...predicted.shape]).toEqual([6, 2]);

    const embedded = embedding.apply(ids);
    const sequence = one(lstm.apply(embedded, { mask }));
    const merged = one(bidirectional.apply(sequence, { mask }));
    const byHand = dense.apply(merged);
    expectSame(predicted, byHand);

    const table = toRef(embedding.getWeights()[0]);
    const maskRef = refFrom([6, 7], MASK.flat());
    const [seqRef] = referenceRecurrent(recurrentSpec('LSTM', 5, { returnSequences: true }), lstm.getWeights().map(toRef), embeddingRef(IDS, table), {
      mask: maskRef,
    });
    const [mergedRef] = referenceBidirectional(recurrentSpec('GRU', 3), 'concat', bidirectional.getWeights().map(toRef), seqRef, { mask: maskRef });
    const [kernel, bias] = dense.getWeights().map(toRef);
    expectClose(predicted, denseRef(mergedRef, kernel, bias, 'sigmoid'));

    // The mask matters: without it the same layers give clearly different numbers.
    const unmasked = dense.apply(one(bidirectional.apply(one(lstm.apply(embedded)))));
    expect(maxAbsDifference(unmasked, predicted)).toBeGreaterThan(1e-3);
  });

  it('the same stack as a functional Model gives the same numbers', () => {
    const { model, embedding, lstm, bidirectional, dense } = buildStack(7);
    const inp = Input({ shape: [7] });
    const out = dense.apply(bidirectional.apply(lstm.apply(embedding.apply(inp)) as SymbolicTensor) as SymbolicTensor);
    const functional = new Model({ inputs: inp, outputs: out });
    expectSame(one(functional.predict(IDS)), one(model.predict(IDS)));
  });

  it('Dense, Dropout, TimeDistributed, LSTM(returnSequences) and Bidirectional(returnSequences) pass the mask on to a GRU', () => {
    type Between = [label: string, make: () => Dense | Dropout | TimeDistributed | LSTM | Bidirectional];
    const betweens: Between[] = [
      ['Dense', () => new Dense({ units: 3, activation: 'tanh' })],
      ['Dropout', () => new Dropout({ rate: 0.5 })],
      ['TimeDistributed(Dense)', () => new TimeDistributed(new Dense({ units: 3 }))],
      ['LSTM(returnSequences)', () => new LSTM({ units: 3, returnSequences: true })],
      ['Bidirectional(LSTM(returnSequences))', () => new Bidirectional(new LSTM({ units: 2, returnSequences: true }))],
    ];
    const maskRef = refFrom([6, 7], MASK.flat());
    for (const [label, make] of betweens) {
      const embedding = new Embedding({ inputDim: 10, outputDim: 4, maskZero: true, embeddingsInitializer: 'glorot_uniform' });
      const between = make();
      const gru = new GRU({ units: 3, returnSequences: true });
      const model = new Sequential({ layers: [embedding, between, gru] });
      const predicted = one(model.predict(IDS));

      const embedded = embedding.apply(IDS);
      let middle: Tensor;
      if (between instanceof LSTM) middle = one(between.apply(embedded, { mask: MASK }));
      else if (between instanceof Bidirectional) middle = one(between.apply(embedded, { mask: MASK }));
      else middle = between.apply(embedded);
      const [expected] = referenceRecurrent(recurrentSpec('GRU', 3, { returnSequences: true }), gru.getWeights().map(toRef), toRef(middle), {
        mask: maskRef,
      });
      expectClose(predicted, expected, { label: label });
    }
  });
});

// ---------------------------------------------------------------------------
// 4. predict with batchSize
// ---------------------------------------------------------------------------

describe('predict with batchSize', () => {
  it('37 samples in slices of 8 (and 1, 5, 37, 100) give the same result as one call: Sequential', () => {
    const random = seededRandom(37);
    const model = new Sequential();
    model.add(new Embedding({ inputDim: 20, outputDim: 6, maskZero: true }));
    model.add(new LSTM({ units: 7, returnSequences: true }));
    model.add(new GRU({ units: 4 }));
    model.add(new Dense({ units: 3, activation: 'softmax' }));
    const ids = tensor(Float32Array.from({ length: 37 * 9 }, () => Math.floor(random() * 20)), [37, 9]);
    const whole = one(model.predict(ids));
    expect([...whole.shape]).toEqual([37, 3]);
    expectSame(one(model.apply(ids)), whole, 'apply');
    for (const batchSize of [8, 1, 5, 37, 100]) {
      expectAgree(one(model.predict(ids, { batchSize })), whole, `batchSize ${batchSize}`);
    }
  });

  it('37 samples in slices of 8 give the same result as one call: two inputs, three outputs', () => {
    const random = seededRandom(38);
    const a = Input({ shape: [6, 3] });
    const b = Input({ shape: [4, 2] });
    const [seq, h, c] = new LSTM({ units: 4, returnSequences: true, returnState: true }).apply(a) as SymbolicTensor[];
    const gru = new GRU({ units: 4 }).apply(b) as SymbolicTensor;
    const joined = new Concatenate().apply([h, c, gru]);
    const model = new Model({ inputs: [a, b], outputs: [seq, new Dense({ units: 2 }).apply(joined), gru] });
    const xa = randomTensor(random, [37, 6, 3]);
    const xb = randomTensor(random, [37, 4, 2]);
    const whole = model.predictAll([xa, xb]);
    expect(whole.map((t) => [...t.shape])).toEqual([[37, 6, 4], [37, 2], [37, 4]]);
    const sliced = model.predict([xa, xb], { batchSize: 8 }) as Tensor[];
    expect(sliced).toHaveLength(3);
    sliced.forEach((t, i) => expectAgree(t, whole[i], `output ${i}`));
  });

  it('rejects a batchSize that is not a positive integer, and inputs whose batch sizes differ', () => {
    const model = new Sequential({ name: 'batching_checks', layers: [new Dense({ units: 2, inputShape: [3] })] });
    const x = tensor(new Float32Array(12), [4, 3]);
    for (const batchSize of [0, -2, 2.5, Number.NaN]) {
      expectError(() => model.predict(x, { batchSize }), ConfigError, ['batching_checks', 'batchSize']);
    }
    const a = Input({ shape: [2] });
    const b = Input({ shape: [2] });
    const pair = new Model({ inputs: [a, b], outputs: new Concatenate().apply([a, b]), name: 'batch_pair' });
    expectError(() => pair.predict([tensor(new Float32Array(4), [2, 2]), tensor(new Float32Array(6), [3, 2])]), ShapeError, ['batch_pair']);
    expect([...one(model.predict(x, { batchSize: 3 })).shape]).toEqual([4, 2]);
  });
});

// ---------------------------------------------------------------------------
// 5. Bad input
// ---------------------------------------------------------------------------

describe('bad input throws the package errors naming the model or layer; the next valid call works', () => {
  it("build() without a shape: Keras' build(input_shape=None) returns; here the first layer's own shape builds the model", () => {
    const declared = new Sequential([new LSTM(2, { inputShape: [5, 3] }), new Dense(1)]);
    declared.build();
    expect(declared.outputs[0]?.shape).toEqual([null, 1]);
    const open = new Sequential([new LSTM(2), new Dense(1)]);
    open.build();
    expect(open.built).toBe(false);
    open.build([null, 5, 3]);
    expect(open.built).toBe(true);
    const input = Input({ shape: [3] });
    new Model({ inputs: input, outputs: new Dense(2).apply(input) }).build();
    expectError(() => new Sequential([new Dense(2)]).build(untyped('x')), ShapeError, ['build(inputShape) expects the input shape with its batch axis', 'received "x"']);
  });

  it('a built Sequential rejects inputs with the wrong feature size, rank or time steps', () => {
    const random = seededRandom(5);
    const model = new Sequential({ name: 'checked_seq' });
    model.add(new LSTM({ units: 3, inputShape: [4, 5] }));
    const good = randomTensor(random, [2, 4, 5]);
    const before = one(model.predict(good));
    const bad: [string, number[]][] = [
      ['feature size', [2, 4, 6]],
      ['rank 2', [2, 4]],
      ['rank 4', [2, 4, 5, 1]],
      ['time steps', [2, 3, 5]],
    ];
    for (const [label, shape] of bad) {
      const error = caught(() => model.predict(tensor(new Float32Array(size(shape)), shape)));
      expect(error, label).toBeInstanceOf(ShapeError);
      expect(error.message).toContain('checked_seq');
      expect(error.message).toContain(`[${shape.join(', ')}]`);
      expect(error.message).toContain('[None, 4, 5]');
      expectSame(one(model.predict(good)), before, `after ${label}`);
    }
  });

  it('a fixed batch size (batchInputShape) rejects another batch size', () => {
    const model = new Sequential({ name: 'fixed_batch' });
    model.add(new GRU({ units: 2, batchInputShape: [2, 3, 4] }));
    expectError(() => model.predict(tensor(new Float32Array(3 * 3 * 4), [3, 3, 4])), ShapeError, ['fixed_batch', '[2, 3, 4]', '[3, 3, 4]']);
    expect([...one(model.predict(tensor(new Float32Array(2 * 3 * 4), [2, 3, 4]))).shape]).toEqual([2, 2]);
  });

  it('a functional model names the input that does not fit, and wants one tensor per input', () => {
    const a = Input({ shape: [5, 3], name: 'bad_in_a' });
    const b = Input({ shape: [4, 2], name: 'bad_in_b' });
    const joined = new Concatenate().apply([new LSTM({ units: 2 }).apply(a) as SymbolicTensor, new LSTM({ units: 2 }).apply(b) as SymbolicTensor]);
    const model = new Model({ inputs: [a, b], outputs: joined, name: 'two_inputs' });
    const xa = tensor(new Float32Array(2 * 5 * 3), [2, 5, 3]);
    const xb = tensor(new Float32Array(2 * 4 * 2), [2, 4, 2]);
    expectError(() => model.predict([xa, tensor(new Float32Array(2 * 4 * 3), [2, 4, 3])]), ShapeError, ['two_inputs', 'bad_in_b', '[None, 4, 2]', '[2, 4, 3]']);
    expectError(() => model.predict([xa]), ShapeError, ['two_inputs', '2']);
    expect([...one(model.predict([xa, xb])).shape]).toEqual([2, 4]);
  });

  it('adding a layer whose input cannot fit throws and leaves the model as it was', () => {
    const random = seededRandom(6);
    // Dense(4) on (None, 3) outputs rank 2; an LSTM needs rank 3.
    const model = new Sequential({ name: 'rank_mismatch' });
    model.add(new Dense({ units: 4, inputShape: [3] }));
    const lstm = new LSTM({ units: 2 });
    expectError(() => model.add(lstm), ShapeError, [lstm.name, '[None, 4]']);
    expect(model.layers).toHaveLength(1);
    const x = randomTensor(random, [2, 3]);
    expect([...one(model.predict(x)).shape]).toEqual([2, 4]);

    // An LSTM already built for 5 features cannot follow a layer with 7.
    const built = new LSTM({ units: 2 });
    built.apply(randomTensor(random, [1, 2, 5]));
    const sequenceModel = new Sequential({ name: 'feature_mismatch' });
    sequenceModel.add(new Dense({ units: 7, inputShape: [3, 4] }));
    expectError(() => sequenceModel.add(built), ShapeError, [built.name, '5', '[None, 3, 7]']);
    expect(sequenceModel.layers).toHaveLength(1);
    // The model goes on: a fitting layer can still be added and run.
    sequenceModel.add(new LSTM({ units: 2 }));
    expect([...one(sequenceModel.predict(randomTensor(random, [2, 3, 4]))).shape]).toEqual([2, 2]);
  });

  it('a functional call on a tensor that cannot fit names the layer', () => {
    const inp = Input({ shape: [6] });
    const lstm = new LSTM({ units: 2, name: 'needs_sequences' });
    expectError(() => lstm.apply(inp), ShapeError, ['needs_sequences', '[None, 6]']);
    const a = Input({ shape: [5, 3] });
    const b = Input({ shape: [4, 3] });
    const concat = new Concatenate({ name: 'cannot_join' });
    expectError(() => concat.apply([a, b]), ShapeError, ['cannot_join', '[None, 5, 3]', '[None, 4, 3]']);
    expect([...concat.apply([a, Input({ shape: [5, 2] })]).shape]).toEqual([null, 5, 5]);
  });

  it('Embedding rejects non-integer, negative and out-of-range ids (InputError naming the layer), alone and in a model', () => {
    const embedding = new Embedding({ inputDim: 10, outputDim: 3, name: 'ids_checked' });
    const model = new Sequential({ name: 'ids_model', layers: [embedding, new LSTM({ units: 2 })] });
    const goodIds = [[1, 9, 0, 4]];
    const before = one(model.predict(goodIds));
    const lookup = embedding.apply(goodIds);
    for (const id of [2.5, -1, 10, Number.NaN, 1e9]) {
      const text = String(id);
      const ids = [[1, id, 0, 4]];
      expectError(() => embedding.apply(ids), InputError, ['ids_checked', text]);
      expectError(() => model.predict(ids), InputError, ['ids_checked', text]);
      expectSame(embedding.apply(goodIds), lookup, `lookup after ${text}`);
      expectSame(one(model.predict(goodIds)), before, `model after ${text}`);
    }
  });

  it('an unbuilt Sequential cannot print a summary until it has an input shape or data', () => {
    const model = new Sequential({ name: 'unbuilt' });
    expectError(() => model.summary({ print: false, layout: 'tf.keras' }), ConfigError, ['unbuilt']);
    model.add(new Dense({ units: 2 }));
    expectError(() => model.summary({ print: false, layout: 'tf.keras' }), ConfigError, ['unbuilt']);
    expect([...one(model.predict([[1, 2, 3]])).shape]).toEqual([1, 2]);
    expect(summaryRow(model.summary({ print: false, layout: 'tf.keras' }), model.layers[0].name).params).toBe('8');
  });
});

// ---------------------------------------------------------------------------
// 6. Layer names
// ---------------------------------------------------------------------------

describe("layer names: Keras' per-class counter, overridable with name", () => {
  /** 'lstm' -> 0, 'lstm_4' -> 4; the prefix must match. */
  function counterOf(name: string, prefix: string): number {
    const match = new RegExp(`^${prefix}(?:_(\\d+))?$`).exec(name);
    if (!match) throw new Error(`${name} is not ${prefix} or ${prefix}_<n>`);
    return match[1] === undefined ? 0 : Number(match[1]);
  }

  const NAMED: [prefix: string, make: (name?: string) => { name: string }][] = [
    ['simple_rnn', (name) => new SimpleRNN({ units: 2, name })],
    ['lstm', (name) => new LSTM({ units: 2, name })],
    ['gru', (name) => new GRU({ units: 2, name })],
    ['bidirectional', (name) => new Bidirectional(new LSTM({ units: 2 }), { name })],
    ['embedding', (name) => new Embedding({ inputDim: 4, outputDim: 2, name })],
    ['dense', (name) => new Dense({ units: 2, name })],
    ['dropout', (name) => new Dropout({ rate: 0.1, name })],
    ['masking', (name) => new Masking({ name })],
    ['concatenate', (name) => new Concatenate({ name })],
    ['time_distributed', (name) => new TimeDistributed(new Dense({ units: 2 }), { name })],
    ['sequential', (name) => new Sequential({ name })],
  ];

  for (const [prefix, make] of NAMED) {
    it(`${prefix}, ${prefix}_1, ...: consecutive; a given name neither changes nor consumes the counter`, () => {
      const first = make().name;
      const custom = make(`my_${prefix}`).name;
      const second = make().name;
      const third = make().name;
      expect(custom).toBe(`my_${prefix}`);
      expect(counterOf(second, prefix)).toBe(counterOf(first, prefix) + 1);
      expect(counterOf(third, prefix)).toBe(counterOf(first, prefix) + 2);
    });
  }

  it('Bidirectional names its copies forward_<layer> and backward_<layer>', () => {
    const inner = new GRU({ units: 2 });
    const layer = new Bidirectional(inner);
    expect(layer.forwardLayer.name).toBe(`forward_${inner.name}`);
    expect(layer.backwardLayer.name).toBe(`backward_${inner.name}`);
    const named = new Bidirectional(new LSTM({ units: 2, name: 'encoder' }), { name: 'bi_encoder' });
    expect([named.name, named.forwardLayer.name, named.backwardLayer.name]).toEqual(['bi_encoder', 'forward_encoder', 'backward_encoder']);
  });

  it('names show up in summaries and models keep their own name', () => {
    const model = new Sequential({ name: 'named_model' });
    model.add(new LSTM({ units: 2, inputShape: [3, 4], name: 'encoder' }));
    model.add(new Dense({ units: 1, name: 'head' }));
    const text = model.summary({ print: false, layout: 'tf.keras' });
    expect(text.split('\n')[0]).toBe('Model: "named_model"');
    expect(summaryRow(text, 'encoder').layer).toBe('encoder (LSTM)');
    expect(summaryRow(text, 'head').layer).toBe('head (Dense)');
    expect(model.layers.map((l) => l.name)).toEqual(['encoder', 'head']);
  });

  it('an empty name is a ConfigError', () => {
    expectError(() => new LSTM({ units: 2, name: '' }), ConfigError, ['name']);
    expectError(() => new Dense({ units: 2, name: '' }), ConfigError, ['name']);
    expectError(() => new Sequential({ name: '' }), ConfigError, ['name']);
  });
});

// ---------------------------------------------------------------------------
// Weights of whole models
// ---------------------------------------------------------------------------

describe('model getWeights / setWeights', () => {
  it("lists every layer's weights in layer order with Keras shapes, and setWeights round-trips", () => {
    const random = seededRandom(17);
    const model = new Sequential();
    model.add(new Embedding({ inputDim: 12, outputDim: 4, inputLength: 5 }));
    model.add(new Bidirectional(new LSTM({ units: 3, returnSequences: true })));
    model.add(new TimeDistributed(new Dense({ units: 2 })));
    model.add(new GRU({ units: 2, resetAfter: false }));
    const shapes = [[12, 4], [4, 12], [3, 12], [12], [4, 12], [3, 12], [12], [6, 2], [2], [2, 6], [2, 6], [6]];
    expect(model.getWeights().map((w) => [...w.shape])).toEqual(shapes);
    const weights = randomWeights(random, shapes);
    model.setWeights(weights);
    model.getWeights().forEach((w, i) => expectSame(w, weights[i], `weight ${i}`));
    expect(model.countParams()).toBe(shapes.reduce((sum, s) => sum + size(s), 0));
  });

  it('a wrong count or shape changes nothing', () => {
    const random = seededRandom(18);
    const model = new Sequential({ name: 'weights_checked' });
    model.add(new LSTM({ units: 2, inputShape: [3, 4] }));
    model.add(new Dense({ units: 1 }));
    const x = randomTensor(random, [2, 3, 4]);
    const before = one(model.predict(x));
    expectError(() => model.setWeights(randomWeights(random, [[4, 8], [2, 8], [8]])), ShapeError, ['weights_checked', '5']);
    // The last tensor has the wrong shape: the LSTM that was already given new weights is restored.
    expect(() => model.setWeights(randomWeights(random, [[4, 8], [2, 8], [8], [2, 1], [3]]))).toThrow(ShapeError);
    expectSame(one(model.predict(x)), before);
  });
});

describe('layer names are unique within a model (Keras raises ValueError in Sequential.add and map_graph)', () => {
  it("Sequential: add() and the constructor refuse a second layer of a name, before the model changes", () => {
    const error = caught(() => new Sequential([new Dense({ units: 4, name: 'a', inputShape: [2] }), new Dense({ units: 1, name: 'a' })]));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain("All layers added to a Sequential model should have unique names. Name 'a' is already the name of a layer in this model. Update the `name` argument to pass a unique name.");
    const model = new Sequential([Input({ shape: [2], name: 'features' }), new Dense({ units: 4, name: 'a' })]);
    expectError(() => model.add(new Dense({ units: 1, name: 'a' })), ConfigError, ["Name 'a'", 'unique names']);
    // The InputLayer counts, as Keras' _layers holds it.
    expectError(() => model.add(new Dense({ units: 1, name: 'features' })), ConfigError, ["Name 'features'"]);
    expect(model.layers.map((layer) => layer.name)).toEqual(['a']);
    expect(model.outputShape).toEqual([null, 4]);
    model.add(new Dense({ units: 1, name: 'b' }));
    expect(model.predict(tensor([[1, 2]])).shape).toEqual([1, 1]);
  });

  it('Model: two layers of one name in the graph are refused with Keras\' message', () => {
    const input = Input({ shape: [2] });
    const outputs = new Dense({ units: 1, name: 'a' }).apply(new Dense({ units: 4, name: 'a' }).apply(input));
    expectError(() => new Model({ inputs: input, outputs }), ConfigError, ['The name "a" is used 2 times in the model. All operation names should be unique.']);
    // Names need only be unique within a model: a nested model may reuse its outer layers' names.
    const innerInput = Input({ shape: [4] });
    const inner = new Model({ inputs: innerInput, outputs: new Dense({ units: 2, name: 'b' }).apply(innerInput), name: 'inner' });
    const outerInput = Input({ shape: [2] });
    const outer = new Model({ inputs: outerInput, outputs: inner.apply(new Dense({ units: 4, name: 'b' }).apply(outerInput)) });
    expect(outer.layers.map((layer) => layer.name).slice(1)).toEqual(['b', 'inner']);
  });

  it("the HDF5 writer's duplicate path is a ConfigError, not a raw Error", async () => {
    const { Hdf5Group } = await import('../dist/io/hdf5-writer.js');
    const root = new Hdf5Group();
    root.dataset('a/kernel:0', [1], Float32Array.of(1));
    expectError(() => root.dataset('a/kernel:0', [1], Float32Array.of(2)), ConfigError, ['"a/kernel:0" already exists', 'its own name']);
  });
});

describe("Input({ dtype }): Keras' dtype names; float32, an integer type or bool (the kernels compute in float32)", () => {
  it('takes float32 and integer dtypes (ids), recorded in the config', () => {
    expect(Input({ shape: [10], dtype: 'int32' }).layer.dtype).toBe('int32');
    expect(Input({ shape: [10], dtype: 'int64' }).layer.dtype).toBe('int64');
    expect(Input({ shape: [10], dtype: 'uint8' }).layer.dtype).toBe('uint8');
    expect(Input({ shape: [10] }).layer.dtype).toBe('float32');
    // standardize_dtype's PYTHON_DTYPES_MAP: 'int' is int64 with Keras' TensorFlow backend.
    expect(Input({ shape: [10], dtype: 'int' }).layer.dtype).toBe('int64');
    expect(Input({ shape: [10], dtype: 'bool' }).layer.dtype).toBe('bool');
    expect(InputLayer.fromConfig({ batch_shape: [null, 3], dtype: 'bool' }).dtype).toBe('bool');
  });

  it('refuses names Keras does not know, and Keras dtypes the kernels do not compute in, as the layers do', () => {
    expectError(() => Input({ shape: [10], dtype: 'floaty' }), ConfigError, ["Input: option 'dtype'", 'Keras dtype name', "'float32'", '"floaty"']);
    expectError(() => Input({ shape: [10], dtype: untyped<string>(32) }), ConfigError, ["option 'dtype'", '32']);
    for (const dtype of ['float64', 'float16', 'bfloat16', 'string']) {
      expectError(() => Input({ shape: [10], dtype }), ConfigError, ["Input: option 'dtype'", "'float32'", 'integer', "'bool'", JSON.stringify(dtype)]);
    }
    expectError(() => new Dense({ units: 1, dtype: 'float16' }), ConfigError, ["option 'dtype'", "'float32'"]);
  });

  it("a file's InputLayer in another float type reads as float32, as the layers' configs do; an unknown name fails", () => {
    expect(InputLayer.fromConfig({ batch_shape: [null, 3], dtype: 'float64' }).dtype).toBe('float32');
    expect(InputLayer.fromConfig({ batch_shape: [null, 3], dtype: 'int64' }).dtype).toBe('int64');
    expectError(() => InputLayer.fromConfig({ batch_shape: [null, 3], dtype: 'floaty' }), ConfigError, ['"floaty"']);
  });
});
