// The non-recurrent layers models are built from: Dense on any rank, Embedding,
// Masking, Concatenate (with Keras 3's mask rule), TimeDistributed and Dropout.
// Expected numbers come from float64 helpers written from Keras' definitions,
// and from the float64 recurrent reference where a mask has to reach an RNN.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  Concatenate,
  Dense,
  Dropout,
  Embedding,
  Flatten,
  GRU,
  Input,
  LSTM,
  Masking,
  Model,
  Sequential,
  ShapeError,
  SimpleRNN,
  Tensor,
  TimeDistributed,
  ready,
  tensor,
  type DenseActivationName,
  type SymbolicTensor,
} from '../dist/index.js';
import { expectError } from './expect-error.js';
import { expectSame, one, randomTensor, toRef } from './model-helpers.js';
import { expectClose } from './expect-close.js';
import { seededRandom } from './random.js';
import { concatRef, denseRef, maskingRef, recurrentSpec, referenceRecurrent, type ReferenceTensor } from './reference/index.js';

beforeAll(async () => {
  await ready();
});

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** Sets a step's features to `value` (row-major (B, T, D)). */
function fillStep(x: Tensor, b: number, t: number, value: number): void {
  const [, steps, features] = x.shape;
  x.data.fill(value, (b * steps + t) * features, (b * steps + t + 1) * features);
}

// ---------------------------------------------------------------------------
// Dense
// ---------------------------------------------------------------------------

describe('Dense on the last axis of rank-2, rank-3 and rank-4 input', () => {
  const INPUT_SHAPES = [[4, 7], [3, 5, 9], [2, 3, 2, 6]];
  const UNITS = [1, 5, 13, 33, 100];
  const ACTIVATION_NAMES: DenseActivationName[] = ['linear', 'relu', 'tanh', 'sigmoid', 'softmax'];

  for (const inputShape of INPUT_SHAPES) {
    for (const activation of ACTIVATION_NAMES) {
      it(`input (${inputShape.join(', ')}), ${activation}, units ${UNITS.join('/')}`, () => {
        const random = seededRandom(inputShape.length * 100 + ACTIVATION_NAMES.indexOf(activation));
        const inputDim = inputShape[inputShape.length - 1];
        for (const units of UNITS) {
          const layer = new Dense({ units, activation });
          const x = randomTensor(random, inputShape, 2);
          layer.setWeights([randomTensor(random, [inputDim, units], 1 / Math.sqrt(inputDim)), randomTensor(random, [units], 0.5)]);
          const y = layer.apply(x);
          const [kernel, bias] = layer.getWeights().map(toRef);
          expectClose(y, denseRef(toRef(x), kernel, bias, activation), { label: `units ${units}` });
          if (activation === 'softmax') {
            for (let row = 0; row < y.size / units; row++) {
              const sum = y.data.subarray(row * units, (row + 1) * units).reduce((s, v) => s + v, 0);
              expect(sum, `row ${row} of units ${units}`).toBeCloseTo(1, 5);
            }
          }
          expect(layer.countParams()).toBe(inputDim * units + units);
        }
      });
    }
  }

  it('useBias false has only a kernel, and builds from its first input with Keras-shaped weights', () => {
    const random = seededRandom(3);
    const layer = new Dense({ units: 4, useBias: false, activation: 'tanh' });
    const x = randomTensor(random, [2, 3, 5]);
    const y = layer.apply(x);
    expect([...y.shape]).toEqual([2, 3, 4]);
    const weights = layer.getWeights();
    expect(weights.map((w) => [...w.shape])).toEqual([[5, 4]]);
    expectClose(y, denseRef(toRef(x), toRef(weights[0]), null, 'tanh'));
    expect(layer.countParams()).toBe(20);
    // Keras' default glorot_uniform kernel: |w| <= sqrt(6 / (fan_in + fan_out)).
    const limit = Math.sqrt(6 / (5 + 4));
    expect(weights[0].data.every((w) => Math.abs(w) <= limit)).toBe(true);
  });

  it('rejects input of rank 1, a last axis other than the one it was built for, and weights of the wrong shape', () => {
    const random = seededRandom(4);
    const layer = new Dense({ units: 3, name: 'dense_checked' });
    expectError(() => layer.apply(randomTensor(random, [6])), ShapeError, ['dense_checked', '[6]']);
    const x = randomTensor(random, [2, 4]);
    const y = layer.apply(x);
    expectError(() => layer.apply(randomTensor(random, [2, 5])), ShapeError, ['dense_checked', '4', '[2, 5]']);
    expectError(() => layer.setWeights([randomTensor(random, [5, 3]), randomTensor(random, [3])]), ShapeError, ['dense_checked', 'kernel']);
    expectSame(layer.apply(x), y);
    expectError(() => new Dense({ units: 0 }), ConfigError, ['units']);
    expectError(() => new Dense({ units: 2, activation: 'softplusx' as DenseActivationName }), ConfigError, ['softplusx']);
  });

  it('a declared inputShape is enforced on data and gives the symbolic output shape', () => {
    const layer = new Dense({ units: 2, inputShape: [3], name: 'declared_dense' });
    expectError(() => layer.apply(tensor(new Float32Array(8), [2, 4])), ShapeError, ['declared_dense']);
    const model = new Sequential({ layers: [layer] });
    expect(model.summary({ print: false, layout: 'tf.keras' })).toContain(' declared_dense (Dense)      (None, 2)                 8         ');
    expect([...Input({ shape: [5, 6, 7] }).shape]).toEqual([null, 5, 6, 7]);
    expect([...new Dense({ units: 4 }).apply(Input({ shape: [5, 6, 7] })).shape]).toEqual([null, 5, 6, 4]);
  });
});

// ---------------------------------------------------------------------------
// Embedding
// ---------------------------------------------------------------------------

describe('Embedding', () => {
  it('replaces each id by its row of the table, for nested arrays and typed arrays of ids', () => {
    const random = seededRandom(10);
    const layer = new Embedding({ inputDim: 6, outputDim: 3 });
    const table = randomTensor(random, [6, 3]);
    layer.setWeights([table]);
    const ids = [[5, 0, 2], [1, 1, 4]];
    const out = layer.apply(ids);
    expect([...out.shape]).toEqual([2, 3, 3]);
    ids.flat().forEach((id, i) => {
      expect(Array.from(out.data.subarray(i * 3, i * 3 + 3)), `id ${id}`).toEqual(Array.from(table.data.subarray(id * 3, id * 3 + 3)));
    });
    expectSame(layer.apply(tensor(Int32Array.from(ids.flat()), [2, 3])), out);
    expect(layer.countParams()).toBe(18);
  });

  it("computes Keras' mask ids != 0 only with maskZero", () => {
    const ids = tensor([[0, 3, 0, 1], [2, 0, 0, 0]]);
    const masked = new Embedding({ inputDim: 4, outputDim: 2, maskZero: true });
    expect(Array.from(masked.computeMask(ids)?.data ?? [])).toEqual([0, 1, 0, 1, 1, 0, 0, 0]);
    expect([...(masked.computeMask(ids)?.shape ?? [])]).toEqual([2, 4]);
    expect(new Embedding({ inputDim: 4, outputDim: 2 }).computeMask(ids)).toBeUndefined();
  });

  it("inputLength declares (None, inputLength), checked on data; Keras' uniform(-0.05, 0.05) start", () => {
    const layer = new Embedding({ inputDim: 50, outputDim: 8, inputLength: 4, name: 'fixed_length' });
    expect(layer.batchInputShape).toEqual([null, 4]);
    const model = new Sequential({ layers: [layer] });
    expect(model.summary({ print: false, layout: 'tf.keras' })).toContain(' fixed_length (Embedding)    (None, 4, 8)              400       ');
    expectError(() => layer.apply([[1, 2, 3]]), ShapeError, ['fixed_length', '[1, 3]']);
    const out = layer.apply([[1, 2, 3, 4]]);
    expect(out.data.every((v) => Math.abs(v) <= 0.05)).toBe(true);
    expect(new Set(out.data).size).toBeGreaterThan(1);
  });

  it("takes ids of any rank, as Keras 3's Embedding: (B, T, k) ids give (B, T, k, D), alone, in a model and in a Sequential", async () => {
    const random = seededRandom(11);
    const table = randomTensor(random, [10, 4]);
    const layer = new Embedding(10, 4);
    layer.setWeights([table]);
    const ids = Float32Array.from({ length: 24 }, (_, i) => (i * 7) % 10);
    const out = layer.apply(tensor(ids, [2, 4, 3]));
    expect([...out.shape]).toEqual([2, 4, 3, 4]);
    ids.forEach((id, i) => expect(Array.from(out.data.subarray(i * 4, i * 4 + 4))).toEqual(Array.from(table.data.subarray(id * 4, id * 4 + 4))));
    // Each step's k embeddings flattened into one feature vector for an LSTM.
    const input = Input({ shape: [4, 3] });
    const embedding = new Embedding(10, 4);
    const flat = new TimeDistributed(new Flatten()).apply(embedding.apply(input));
    expect(flat.shape).toEqual([null, 4, 12]);
    const model = new Model({ inputs: input, outputs: new LSTM(2, { seed: 1 }).apply(flat) });
    embedding.setWeights([table]);
    const lstm = model.layers[model.layers.length - 1] as LSTM;
    const reference = new LSTM(2);
    reference.build([2, 4, 12]);
    reference.setWeights(lstm.getWeights());
    expectSame(model.predict(tensor(ids, [2, 4, 3])) as Tensor, reference.apply(tensor(out.data, [2, 4, 12])));
    const sequential = new Sequential([embedding, new TimeDistributed(new Flatten()), lstm]);
    expectSame(sequential.predict(tensor(ids, [2, 4, 3])) as Tensor, reference.apply(tensor(out.data, [2, 4, 12])));
  });

  it('rejects options and weights that do not fit', () => {
    expectError(() => new Embedding({ inputDim: 0, outputDim: 2 }), ConfigError, ['inputDim']);
    expectError(() => new Embedding({ inputDim: 3, outputDim: 1.5 }), ConfigError, ['outputDim']);
    const layer = new Embedding({ inputDim: 3, outputDim: 2, name: 'table_checked' });
    expectError(() => layer.setWeights([tensor(new Float32Array(8), [4, 2])]), ShapeError, ['table_checked', '[3, 2]', '[4, 2]']);
  });
});

// ---------------------------------------------------------------------------
// Masking
// ---------------------------------------------------------------------------

describe('Masking', () => {
  for (const maskValue of [0, -1, 0.5]) {
    it(`maskValue ${maskValue}: zeroes the steps whose features all equal it, keeps steps where only some do`, () => {
      const random = seededRandom(20 + maskValue * 10);
      const x = randomTensor(random, [3, 5, 4]);
      fillStep(x, 0, 0, maskValue);
      fillStep(x, 0, 3, maskValue);
      fillStep(x, 1, 4, maskValue);
      fillStep(x, 2, 2, maskValue);
      x.data[(2 * 5 + 2) * 4 + 1] = maskValue + 1; // one feature differs: the step is kept
      const layer = maskValue === 0 ? new Masking() : new Masking({ maskValue });
      const out = layer.apply(x);
      const expected = maskingRef(toRef(x), maskValue);
      expectClose(out, expected.output);
      const mask = layer.computeMask(x);
      expect(Array.from(mask.data)).toEqual(Array.from(expected.mask.data));
      expect(Array.from(mask.data)).toEqual([0, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1]);
    });
  }

  it('gives a mask of rank - 1 for rank-4 input', () => {
    const x = tensor(new Float32Array(2 * 3 * 2 * 2).map((_, i) => (i % 4 < 2 ? 0 : i)), [2, 3, 2, 2]);
    const mask = new Masking().computeMask(x);
    expect([...mask.shape]).toEqual([2, 3, 2]);
    expect(Array.from(mask.data)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
  });

  it('a Masking -> LSTM(returnSequences) model skips the masked steps, as the reference with that mask does', () => {
    const random = seededRandom(23);
    const x = randomTensor(random, [3, 6, 2]);
    for (const [b, t] of [[0, 0], [0, 1], [1, 3], [2, 5]]) fillStep(x, b, t, -1);
    const lstm = new LSTM({ units: 3, returnSequences: true });
    const model = new Sequential({ layers: [new Masking({ maskValue: -1, inputShape: [6, 2] }), lstm] });
    const predicted = one(model.predict(x));
    const { output, mask } = maskingRef(toRef(x), -1);
    const [expected] = referenceRecurrent(recurrentSpec('LSTM', 3, { returnSequences: true }), lstm.getWeights().map(toRef), output, { mask });
    expectClose(predicted, expected);
  });

  it('the mask passes through Dense, TimeDistributed(Dense) and Dropout to the recurrent layer after them', () => {
    const random = seededRandom(24);
    const x = randomTensor(random, [2, 5, 3]);
    for (const [b, t] of [[0, 2], [1, 0], [1, 4]]) fillStep(x, b, t, 0);
    const { output: maskedX, mask } = maskingRef(toRef(x), 0);
    const cases: [label: string, make: () => Dense | TimeDistributed | Dropout][] = [
      ['Dense', () => new Dense({ units: 4, activation: 'relu' })],
      ['TimeDistributed(Dense)', () => new TimeDistributed(new Dense({ units: 4 }))],
      ['Dropout', () => new Dropout({ rate: 0.3 })],
    ];
    for (const [label, make] of cases) {
      const between = make();
      const rnn = new SimpleRNN({ units: 3, returnSequences: true });
      const model = new Sequential({ layers: [new Masking({ inputShape: [5, 3] }), between, rnn] });
      const predicted = one(model.predict(x));
      let middle = maskedX;
      if (between instanceof Dense) {
        const [kernel, bias] = between.getWeights().map(toRef);
        middle = denseRef(maskedX, kernel, bias, 'relu');
      } else if (between instanceof TimeDistributed) {
        const [kernel, bias] = between.getWeights().map(toRef);
        middle = denseRef(maskedX, kernel, bias, 'linear');
      }
      const [expected] = referenceRecurrent(recurrentSpec('SimpleRNN', 3, { returnSequences: true }), rnn.getWeights().map(toRef), middle, { mask });
      expectClose(predicted, expected, { label: label });
    }
  });
});

// ---------------------------------------------------------------------------
// Concatenate
// ---------------------------------------------------------------------------

describe('Concatenate', () => {
  const cases: [axis: number, shapes: number[][]][] = [
    [-1, [[2, 3], [2, 5]]],
    [-1, [[2, 4, 3], [2, 4, 1], [2, 4, 2]]],
    [1, [[2, 3, 2], [2, 5, 2]]],
    [1, [[3, 2], [3, 4]]],
    [-2, [[2, 1, 3], [2, 2, 3]]],
    [2, [[2, 2, 1, 3], [2, 2, 4, 3]]],
  ];
  for (const [axis, shapes] of cases) {
    it(`axis ${axis}: ${shapes.map((s) => `(${s.join(', ')})`).join(' + ')}`, () => {
      const random = seededRandom(30 + shapes.length + axis);
      const inputs = shapes.map((s) => randomTensor(random, s));
      const layer = new Concatenate({ axis });
      const out = layer.apply(inputs);
      const expected = concatRef(inputs.map(toRef), axis);
      expectSame(out, tensor(Float32Array.from(expected.data), expected.shape));
      const symbolic = layer.apply(shapes.map((s) => Input({ shape: s.slice(1) })));
      expect([...symbolic.shape]).toEqual([null, ...expected.shape.slice(1)]);
    });
  }

  it('unknown sizes on the concatenation axis stay unknown; the default axis is -1', () => {
    expect(new Concatenate().axis).toBe(-1);
    expect([...new Concatenate({ axis: 1 }).apply([Input({ shape: [null, 3] }), Input({ shape: [4, 3] })]).shape]).toEqual([null, null, 3]);
    expect([...new Concatenate().apply([Input({ shape: [null, 3] }), Input({ shape: [null, 2] })]).shape]).toEqual([null, null, 5]);
  });

  it('rejects a single input, mismatched shapes and an axis out of range, naming the layer', () => {
    const random = seededRandom(36);
    const layer = new Concatenate({ name: 'joiner' });
    const a = randomTensor(random, [2, 3]);
    expectError(() => layer.apply([a]), ShapeError, ['joiner']);
    expectError(() => layer.apply([a, randomTensor(random, [3, 3])]), ShapeError, ['joiner', '[2, 3]', '[3, 3]']);
    expectError(() => layer.apply([a, randomTensor(random, [2, 3, 1])]), ShapeError, ['joiner']);
    expectError(() => new Concatenate({ axis: 3, name: 'far_axis' }).apply([a, a]), ShapeError, ['far_axis', '3']);
    expectError(() => new Concatenate({ axis: 0.5 }), ConfigError, ['axis']);
    expect([...layer.apply([a, a]).shape]).toEqual([2, 6]);
  });

  describe("Keras 3's mask rule: masks joined along the axis (ones for unmasked inputs), then any() over the last axis", () => {
    const T = 5;
    /** Two (B, T, D) inputs with their own masked steps (value 0), through Masking each. */
    function maskedPair(random: () => number) {
      const a = randomTensor(random, [3, T, 2]);
      const b = randomTensor(random, [3, T, 3]);
      for (const [row, t] of [[0, 0], [0, 2], [1, 4], [2, 1], [2, 3]]) fillStep(a, row, t, 0);
      for (const [row, t] of [[0, 0], [0, 3], [1, 4], [2, 3]]) fillStep(b, row, t, 0);
      return { a, b, refA: maskingRef(toRef(a), 0), refB: maskingRef(toRef(b), 0) };
    }

    function orMask(x: ReferenceTensor, y: ReferenceTensor): ReferenceTensor {
      return { shape: x.shape.slice(), data: x.data.map((v, i) => (v || y.data[i] ? 1 : 0)) };
    }

    it('axis -1, both inputs masked: a step counts when either input has it (any, not all)', () => {
      const { a, b, refA, refB } = maskedPair(seededRandom(40));
      const inA = Input({ shape: [T, 2] });
      const inB = Input({ shape: [T, 3] });
      const joined = new Concatenate().apply([new Masking().apply(inA), new Masking().apply(inB)]);
      const lstm = new LSTM({ units: 3, returnSequences: true });
      const model = new Model({ inputs: [inA, inB], outputs: lstm.apply(joined) as SymbolicTensor });
      const predicted = one(model.predict([a, b]));
      const mask = orMask(refA.mask, refB.mask);
      // Rows 0 step 0, row 1 step 4 and row 2 step 3 are masked in both inputs; the other masked steps in one only.
      expect(Array.from(mask.data)).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 1]);
      const x = concatRef([refA.output, refB.output], -1);
      const [expected] = referenceRecurrent(recurrentSpec('LSTM', 3, { returnSequences: true }), lstm.getWeights().map(toRef), x, { mask });
      expectClose(predicted, expected);
    });

    it('axis -1, one input unmasked: every step counts', () => {
      const { a, b, refA } = maskedPair(seededRandom(41));
      const inA = Input({ shape: [T, 2] });
      const inB = Input({ shape: [T, 3] });
      const joined = new Concatenate().apply([new Masking().apply(inA), inB]);
      const gru = new GRU({ units: 3, returnSequences: true });
      const model = new Model({ inputs: [inA, inB], outputs: gru.apply(joined) as SymbolicTensor });
      const x = concatRef([refA.output, toRef(b)], -1);
      const [expected] = referenceRecurrent(recurrentSpec('GRU', 3, { returnSequences: true }), gru.getWeights().map(toRef), x);
      expectClose(one(model.predict([a, b])), expected);
    });

    it('axis 1 (time): the masks are joined along time; an unmasked input contributes ones', () => {
      const random = seededRandom(42);
      const a = randomTensor(random, [2, 3, 2]);
      const b = randomTensor(random, [2, 4, 2]);
      fillStep(a, 0, 1, 0);
      fillStep(a, 1, 0, 0);
      fillStep(b, 0, 3, 0);
      fillStep(b, 1, 1, 0);
      const refA = maskingRef(toRef(a), 0);
      const refB = maskingRef(toRef(b), 0);
      const inA = Input({ shape: [3, 2] });
      const inB = Input({ shape: [4, 2] });
      const lstm = new LSTM({ units: 2, returnSequences: true });
      const gru = new GRU({ units: 2, returnSequences: true });
      const both = lstm.apply(new Concatenate({ axis: 1 }).apply([new Masking().apply(inA), new Masking().apply(inB)])) as SymbolicTensor;
      const onlyA = gru.apply(new Concatenate({ axis: 1 }).apply([new Masking().apply(inA), inB])) as SymbolicTensor;
      const model = new Model({ inputs: [inA, inB], outputs: [both, onlyA] });
      const [bothOut, onlyAOut] = model.predictAll([a, b]);

      const bothMask = concatRef([refA.mask, refB.mask], 1);
      expect(Array.from(bothMask.data)).toEqual([1, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1]);
      const [expectedBoth] = referenceRecurrent(recurrentSpec('LSTM', 2, { returnSequences: true }), lstm.getWeights().map(toRef),
        concatRef([refA.output, refB.output], 1), { mask: bothMask });
      expectClose(bothOut, expectedBoth, { label: 'both masked' });

      const onesB: ReferenceTensor = { shape: [2, 4], data: new Float64Array(8).fill(1) };
      const [expectedOnlyA] = referenceRecurrent(recurrentSpec('GRU', 2, { returnSequences: true }), gru.getWeights().map(toRef),
        concatRef([refA.output, toRef(b)], 1), { mask: concatRef([refA.mask, onesB], 1) });
      expectClose(onlyAOut, expectedOnlyA, { label: 'one masked' });
    });
  });
});

// ---------------------------------------------------------------------------
// TimeDistributed and Dropout
// ---------------------------------------------------------------------------

describe('TimeDistributed', () => {
  it('runs Dense on every step of (B, T, D) and (B, T, S, D) input', () => {
    const random = seededRandom(50);
    for (const [shape, activation] of [[[3, 4, 5], 'softmax'], [[2, 3, 4, 6], 'sigmoid']] as const) {
      const dense = new Dense({ units: 7, activation });
      const layer = new TimeDistributed(dense);
      const x = randomTensor(random, [...shape], 2);
      const y = layer.apply(x);
      expect([...y.shape]).toEqual([...shape.slice(0, -1), 7]);
      const [kernel, bias] = layer.getWeights().map(toRef);
      expectClose(y, denseRef(toRef(x), kernel, bias, activation), { label: `(${shape.join(', ')})` });
      expect(layer.countParams()).toBe(dense.countParams());
      expect(layer.countParams()).toBe(shape[shape.length - 1] * 7 + 7);
    }
  });

  it('has the symbolic shape (None, T, units) and its weights are the inner layer', () => {
    const random = seededRandom(51);
    const dense = new Dense({ units: 3 });
    const layer = new TimeDistributed(dense, { name: 'per_step' });
    expect([...layer.apply(Input({ shape: [6, 4] })).shape]).toEqual([null, 6, 3]);
    const weights = [randomTensor(random, [4, 3]), randomTensor(random, [3])];
    layer.setWeights(weights);
    dense.getWeights().forEach((w, i) => expectSame(w, weights[i]));
    const model = new Sequential({ layers: [new LSTM({ units: 4, returnSequences: true, inputShape: [6, 2] }), layer] });
    expect(model.summary({ print: false, layout: 'tf.keras' })).toContain(' per_step (TimeDistributed)  (None, 6, 3)              15        ');
  });

  it('rejects input without a time axis and a non-layer, naming itself', () => {
    const layer = new TimeDistributed(new Dense({ units: 2 }), { name: 'td_checked' });
    expectError(() => layer.apply(tensor(new Float32Array(6), [2, 3])), ShapeError, ['td_checked', '[2, 3]']);
    expectError(() => layer.apply(Input({ shape: [3] })), ShapeError, ['td_checked']);
    expectError(() => new TimeDistributed(null as unknown as Dense), ConfigError, ['TimeDistributed']);
    expect([...layer.apply(tensor(new Float32Array(12), [2, 2, 3])).shape]).toEqual([2, 2, 2]);
  });
});

describe('Dropout', () => {
  it('is the identity at inference, alone and in a model', () => {
    const random = seededRandom(60);
    for (const shape of [[4, 3], [2, 5, 3], [2, 2, 2, 2]]) {
      const x = randomTensor(random, shape);
      expectSame(new Dropout({ rate: 0.5 }).apply(x), x);
    }
    const x = randomTensor(random, [3, 4]);
    const dense = new Dense({ units: 2 });
    const model = new Sequential({ layers: [new Dropout({ rate: 0.9, inputShape: [4] }), dense, new Dropout({ rate: 0.5 })] });
    const [kernel, bias] = [randomTensor(random, [4, 2]), randomTensor(random, [2])];
    dense.setWeights([kernel, bias]);
    expectClose(one(model.predict(x)), denseRef(toRef(x), toRef(kernel), toRef(bias), 'linear'));
    expect(model.countParams()).toBe(10);
  });

  it('has no weights and keeps the input shape; the rate must be in [0, 1)', () => {
    const layer = new Dropout({ rate: 0 });
    expect(layer.getWeights()).toEqual([]);
    expect(layer.countParams()).toBe(0);
    expect([...layer.apply(Input({ shape: [7, 3] })).shape]).toEqual([null, 7, 3]);
    for (const rate of [1, -0.1, Number.NaN]) expectError(() => new Dropout({ rate }), ConfigError, ['rate']);
  });
});
