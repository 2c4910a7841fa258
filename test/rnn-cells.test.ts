// Keras' generic RNN layer over the built-in cells: the shared fixtures rebuilt as RNN(cell)
// configs, the float64 reference cells, bit-identity with the matching layer, configs, errors.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ready, tensor, layerFromConfig, deserializeLayer, serializeLayer, RNN, LSTM, GRU, SimpleRNN, LSTMCell, GRUCell, SimpleRNNCell,
  Bidirectional, ConfigError, ShapeError, Sequential, Input, Model, Dense, type KerasLayerSpec, type Tensor,
} from '../dist/index.js';
import { loadFixtures, type Fixture } from './fixtures.js';
import { runFixture } from './run-fixture.js';
import { expectClose } from './expect-close.js';
import { testKernelVariant } from './kernel-variant.js';
import { lstmStep, gruStep, simpleRnnStep, referenceActivation, referenceRecurrent, recurrentSpec, denseRef } from './reference/index.js';
import { expectGradients, randomize, ref } from './model-gradient-check.js';
import { expectMatchesAroundReset, randomize as randomizeLayers } from './stream-prefix.js';
import { randomFloats, seededRandom } from './random.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const LAYER_KEYS = ['name', 'trainable', 'dtype', 'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'zero_output_for_mask', 'batch_input_shape', 'batch_shape', 'time_major'];
const CELL_OF: Record<string, string> = { SimpleRNN: 'SimpleRNNCell', LSTM: 'LSTMCell', GRU: 'GRUCell' };

/** A SimpleRNN/LSTM/GRU layer spec as Keras' RNN(cell) spec: the layer's flags on RNN, the rest on the cell. */
function asRnnSpec(spec: { class_name: string; config: Record<string, unknown> }): KerasLayerSpec {
  const layer: Record<string, unknown> = {};
  const cell: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec.config)) (LAYER_KEYS.includes(key) ? layer : cell)[key] = value;
  if (typeof layer.name === 'string') cell.name = `${layer.name}_cell`;
  return { class_name: 'RNN', config: { ...layer, cell: { module: 'keras.layers', class_name: CELL_OF[spec.class_name], config: cell, registered_name: null } } };
}

function rnnSpecOf(fixture: Fixture): KerasLayerSpec | null {
  const { class_name: className, config } = fixture.layer;
  if (CELL_OF[className]) return asRnnSpec(fixture.layer);
  if (className === 'Bidirectional') {
    const inner = config.layer as { class_name: string; config: Record<string, unknown> };
    if (!CELL_OF[inner.class_name]) return null;
    const backward = config.backward_layer as { class_name: string; config: Record<string, unknown> } | undefined;
    return { class_name: 'Bidirectional', config: { ...config, layer: asRnnSpec(inner), ...(backward ? { backward_layer: asRnnSpec(backward) } : {}) } };
  }
  return null;
}

describe('RNN(cell) on the shared Keras fixtures', () => {
  const cases = loadFixtures().map((fixture) => ({ fixture, spec: rnnSpecOf(fixture) })).filter((c) => c.spec !== null);
  it('covers the SimpleRNN, LSTM, GRU and Bidirectional fixtures', () => {
    expect(cases.length).toBeGreaterThan(40);
  });
  for (const { fixture, spec } of cases) {
    it(fixture.name, () => {
      const outputs = runFixture(fixture, spec as KerasLayerSpec);
      expectClose(outputs, fixture.expected, { tolerance: fixture.tolerance, label: fixture.name });
      // The same numbers to the bit as the layer the fixture names.
      const direct = runFixture(fixture);
      outputs.forEach((out, i) => expect(out.data).toEqual(direct[i].data));
    });
  }
});

function randomValues(count: number, seed: number, scale = 1): number[] {
  let s = seed;
  return Array.from({ length: count }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return ((s / 2147483648) * 2 - 1) * scale;
  });
}

describe('a cell alone: cell.call(x, states)', () => {
  const B = 2;
  const D = 3;
  const H = 4;
  const cases = [
    { cell: () => new LSTMCell(H), G: 4, states: 2 },
    { cell: () => new GRUCell(H), G: 3, states: 1 },
    { cell: () => new GRUCell(H, { resetAfter: false }), G: 3, states: 1 },
    { cell: () => new SimpleRNNCell(H, { activation: 'relu' }), G: 1, states: 1 },
  ];
  for (const [index, c] of cases.entries()) {
    it(`${c.cell().className} #${index} against the float64 reference step`, () => {
      const cell = c.cell();
      const resetAfter = (cell.getConfig().reset_after as boolean | undefined) ?? false;
      const weights = [
        tensor(randomValues(D * c.G * H, 1 + index, 0.5), [D, c.G * H]),
        tensor(randomValues(H * c.G * H, 2 + index, 0.5), [H, c.G * H]),
        resetAfter ? tensor(randomValues(2 * c.G * H, 3 + index, 0.2), [2, c.G * H]) : tensor(randomValues(c.G * H, 3 + index, 0.2), [c.G * H]),
      ];
      cell.build([null, D]);
      cell.setWeights(weights);
      const x = tensor(randomValues(B * D, 9), [B, D]);
      const states = Array.from({ length: c.states }, (_, i) => tensor(randomValues(B * H, 20 + i, 0.7), [B, H]));
      const [output, newStates] = cell.call(x, states);
      expect(output.shape).toEqual([B, H]);
      expect(newStates.length).toBe(c.states);
      const f64 = (t: Tensor) => Float64Array.from(t.data);
      const w = {
        inputSize: D, units: H, kernel: f64(weights[0]), recurrentKernel: f64(weights[1]),
        inputBias: resetAfter ? f64(weights[2]).slice(0, c.G * H) : f64(weights[2]),
        recurrentBias: resetAfter ? f64(weights[2]).slice(c.G * H) : null,
      };
      const tanh = referenceActivation(cell.className === 'SimpleRNNCell' ? 'relu' : 'tanh', 'keras3');
      const sigmoid = referenceActivation('sigmoid', 'keras3');
      for (let b = 0; b < B; b++) {
        const row = (t: Tensor) => f64(t).slice(b * t.shape[1], (b + 1) * t.shape[1]);
        const xb = row(x);
        let expected: Float64Array[];
        if (c.G === 4) {
          const { h, c: cc } = lstmStep(xb, row(states[0]), row(states[1]), w, tanh, sigmoid);
          expected = [h, h, cc];
        } else if (c.G === 3) {
          const h = gruStep(xb, row(states[0]), w, tanh, sigmoid, resetAfter);
          expected = [h, h];
        } else {
          const h = simpleRnnStep(xb, row(states[0]), w, tanh);
          expected = [h, h];
        }
        [output, ...newStates].forEach((t, i) => expectClose(row(t), expected[i], { label: `${cell.name} row ${b} output ${i}` }));
      }
      cell.dispose();
    });
  }

  it('a cell built alone brings its weights into the RNN it joins, and then runs with the RNN\'s', () => {
    const cell = new LSTMCell(H);
    const x = tensor(randomValues(B * D, 4), [B, D]);
    const zeros = [tensor(new Array(B * H).fill(0), [B, H]), tensor(new Array(B * H).fill(0), [B, H])];
    const [alone] = cell.call(x, zeros);
    const weights = cell.getWeights();
    const rnn = new RNN(cell);
    expect(rnn.getWeights().map((w) => Array.from(w.data))).toEqual(weights.map((w) => Array.from(w.data)));
    const sequence = rnn.apply(tensor(x.data, [B, 1, D])) as Tensor;
    expect(sequence.data).toEqual(alone.data);
    const lstm = new LSTM(H);
    lstm.build([B, 1, D]);
    lstm.setWeights(weights);
    expect((lstm.apply(tensor(x.data, [B, 1, D])) as Tensor).data).toEqual(alone.data);
    rnn.dispose();
    lstm.dispose();
  });

  it('refuses a call without states, inputs of the wrong rank, and states of the wrong count', () => {
    const cell = new GRUCell(2);
    expect(() => cell.call(tensor([1, 2], [1, 2]), undefined as unknown as Tensor[])).toThrow(ConfigError);
    expect(() => cell.call(tensor([1, 2], [1, 1, 2]), [tensor([0, 0], [1, 2])])).toThrow(ShapeError);
    expect(() => cell.call(tensor([1, 2], [1, 2]), [tensor([0, 0], [1, 2]), tensor([0, 0], [1, 2])])).toThrow(ShapeError);
    const [out] = cell.call(tensor([1, 2], [1, 2]), [tensor([0, 0], [1, 2])]);
    expect(out.shape).toEqual([1, 2]);
    cell.dispose();
  });
});

describe('RNN(cell) against the matching layer', () => {
  const B = 3;
  const T = 5;
  const D = 4;
  const x = tensor(randomValues(B * T * D, 7), [B, T, D]);
  const mask = tensor([1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0], [B, T]);
  const pairs = [
    { name: 'LSTM', rnn: () => new RNN(new LSTMCell(6, { unitForgetBias: false }), { returnSequences: true, returnState: true, goBackwards: true }), layer: () => new LSTM(6, { unitForgetBias: false, returnSequences: true, returnState: true, goBackwards: true }) },
    { name: 'GRU reset_before', rnn: () => new RNN({ cell: new GRUCell(5, { resetAfter: false, recurrentActivation: 'hard_sigmoid' }), returnState: true }), layer: () => new GRU(5, { resetAfter: false, recurrentActivation: 'hard_sigmoid', returnState: true }) },
    { name: 'SimpleRNN', rnn: () => new RNN(new SimpleRNNCell(3, { useBias: false }), { returnSequences: true, zeroOutputForMask: true }), layer: () => new SimpleRNN(3, { useBias: false, returnSequences: true, zeroOutputForMask: true }) },
  ];
  for (const pair of pairs) {
    it(`${pair.name}: the same weights give the same bits, masked, with initial states`, () => {
      const rnn = pair.rnn();
      const layer = pair.layer();
      rnn.build(x.shape);
      layer.build(x.shape);
      expect(rnn.getWeights().map((w) => w.shape)).toEqual(layer.getWeights().map((w) => w.shape));
      expect(rnn.countParams()).toBe(layer.countParams());
      const weights = layer.getWeights().map((w, i) => tensor(randomValues(w.size, 30 + i, 0.4), [...w.shape]));
      rnn.setWeights(weights);
      layer.setWeights(weights);
      const initialState = rnn.stateNames.map((_, i) => tensor(randomValues(B * rnn.units, 50 + i), [B, rnn.units]));
      const a = rnn.call(x, { mask, initialState });
      const b = layer.call(x, { mask, initialState });
      expect(a.length).toBe(b.length);
      a.forEach((t, i) => {
        expect(t.shape).toEqual(b[i].shape);
        expect(t.data).toEqual(b[i].data);
      });
      rnn.dispose();
      layer.dispose();
    });
  }

  it('default initializers: unit_forget_bias and the seed give the LSTM layer\'s weights', () => {
    const rnn = new RNN(new LSTMCell(4, { seed: 11 }));
    const lstm = new LSTM(4, { seed: 11 });
    rnn.build([1, 2, 3]);
    lstm.build([1, 2, 3]);
    rnn.getWeights().forEach((w, i) => expect(w.data).toEqual(lstm.getWeights()[i].data));
    expect(Array.from(rnn.getWeights()[2].data.slice(4, 8))).toEqual([1, 1, 1, 1]);
    rnn.dispose();
    lstm.dispose();
  });

  it('stateful: carries the final states across calls as LSTM does', () => {
    const rnn = new RNN(new LSTMCell(3, { seed: 2 }), { stateful: true });
    const lstm = new LSTM(3, { seed: 2, stateful: true });
    for (let k = 0; k < 2; k++) {
      expect((rnn.apply(x) as Tensor).data).toEqual((lstm.apply(x) as Tensor).data);
    }
    rnn.resetStates();
    lstm.resetStates();
    expect((rnn.apply(x) as Tensor).data).toEqual((lstm.apply(x) as Tensor).data);
    rnn.dispose();
    lstm.dispose();
  });
});

describe('RNN configs', () => {
  it('getConfig is Keras 3\'s: the layer flags and the nested cell spec', () => {
    const rnn = new RNN(new LSTMCell(8, { name: 'my_cell', dropout: 0.25 }), { name: 'my_rnn', returnSequences: true });
    const config = rnn.getConfig();
    expect(Object.keys(config).sort()).toEqual(['cell', 'dtype', 'go_backwards', 'name', 'return_sequences', 'return_state', 'stateful', 'trainable', 'unroll', 'zero_output_for_mask']);
    const cell = config.cell as KerasLayerSpec;
    expect(cell.class_name).toBe('LSTMCell');
    expect(cell.module).toBe('keras.layers');
    expect(cell.config).toMatchObject({ name: 'my_cell', units: 8, activation: 'tanh', recurrent_activation: 'sigmoid', unit_forget_bias: true, dropout: 0.25, use_bias: true });
    expect(cell.config).not.toHaveProperty('return_sequences');
    const copy = deserializeLayer(serializeLayer(rnn)) as RNN;
    expect(copy).toBeInstanceOf(RNN);
    expect(copy.getConfig()).toEqual(config);
    expect(copy.cell).toBeInstanceOf(LSTMCell);
    rnn.dispose();
    copy.dispose();
  });

  it('reads a tf.keras 2 config (implementation, reset_after absent means reset-before for Keras 2)', () => {
    const spec = {
      class_name: 'RNN',
      config: {
        name: 'rnn', trainable: true, return_sequences: false, return_state: false, go_backwards: false, stateful: false, unroll: false, time_major: false,
        cell: { class_name: 'GRUCell', config: { name: 'gru_cell', units: 3, activation: 'tanh', recurrent_activation: 'hard_sigmoid', implementation: 1 } },
      },
    };
    const rnn = layerFromConfig(spec, { kerasVersion: 2 }) as RNN;
    expect(rnn.cell.getConfig().reset_after).toBe(false);
    rnn.build([1, 2, 5]);
    expect(rnn.getWeights().map((w) => w.shape)).toEqual([[5, 9], [3, 9], [9]]);
    rnn.dispose();
  });

  it('refuses what it cannot run, with the argument named', () => {
    expect(() => new RNN({} as never)).toThrow(/option 'cell' must be a SimpleRNNCell, LSTMCell or GRUCell/);
    expect(() => new RNN(new Dense(3) as never)).toThrow(ConfigError);
    expect(() => new RNN(new LSTMCell(2), { returnSequence: true } as never)).toThrow(/did you mean 'returnSequences'/);
    expect(() => new LSTMCell(2, { returnSequences: true } as never)).toThrow(/unknown option 'returnSequences'/);
    expect(() => new LSTMCell(0)).toThrow(/'units' must be a positive integer/);
    expect(() => layerFromConfig({ class_name: 'RNN', config: { cell: { class_name: 'MinimalRNNCell', config: { units: 3 } } } })).toThrow(/config.cell.class_name must be one of SimpleRNNCell, LSTMCell, GRUCell/);
    expect(() => new RNN([new LSTMCell(2), new GRUCell(2)] as never)).toThrow(/a list of cells \(stacked cells in one RNN\) cannot run here; stack one RNN layer per cell/);
    expect(() => layerFromConfig({ class_name: 'RNN', config: { cell: { class_name: 'StackedRNNCells', config: { cells: [] } } } })).toThrow(/StackedRNNCells \(stacked cells in one RNN\) cannot run here/);
    const cell = new GRUCell(2);
    const rnn = new RNN(cell);
    expect(() => new RNN(cell)).toThrow(/already in RNN layer/);
    rnn.dispose();
  });
});

describe('RNN(cell) in models', () => {
  it('Sequential: summary names and param counts as Keras', () => {
    const model = new Sequential([Input({ shape: [5, 3] }), new RNN(new LSTMCell(4), { returnSequences: true }), new RNN(new GRUCell(2)), new Dense(1)]);
    const rnns = model.layers.filter((l) => l instanceof RNN);
    expect(rnns.map((l) => l.countParams())).toEqual([4 * (3 * 4 + 4 * 4 + 4), 3 * (4 * 2 + 2 * 2 + 2 * 2)]);
    const text = model.summary({ print: false });
    const [first, second] = rnns.map((l) => l.name);
    expect(text).toMatch(new RegExp(`${first} \\(RNN\\)\\s+│\\s+\\(None, 5, 4\\)\\s+│\\s+128 │`));
    expect(text).toMatch(new RegExp(`${second} \\(RNN\\)\\s+│\\s+\\(None, 2\\)\\s+│\\s+48 │`));
    model.dispose();
  });

  it('functional: returnState states feed a second RNN\'s initialState', () => {
    const input = Input({ shape: [4, 2] });
    const [seq, h, c] = new RNN(new LSTMCell(3, { seed: 5 }), { returnSequences: true, returnState: true }).apply(input);
    const out = new RNN(new LSTMCell(3, { seed: 6 })).apply(seq, { initialState: [h, c] });
    const model = new Model({ inputs: input, outputs: out });
    const y = model.predict(tensor(randomValues(2 * 4 * 2, 3), [2, 4, 2])) as Tensor;
    expect(y.shape).toEqual([2, 3]);
    model.dispose();
  });

  it('Bidirectional(RNN(LSTMCell)) equals Bidirectional(LSTM) with the same weights', () => {
    const x = tensor(randomValues(2 * 4 * 3, 12), [2, 4, 3]);
    const a = new Bidirectional(new RNN(new LSTMCell(2), { returnSequences: true }));
    const b = new Bidirectional(new LSTM(2, { returnSequences: true }));
    a.build(x.shape);
    b.build(x.shape);
    a.setWeights(b.getWeights());
    expect((a.apply(x) as Tensor).data).toEqual((b.apply(x) as Tensor).data);
    expect(a.forwardLayer.className).toBe('RNN');
    expect(a.backwardLayer.goBackwards).toBe(true);
    a.dispose();
    b.dispose();
  });
});


describe('RNN(cell) training and streaming', () => {
  it('computeGradients of RNN(GRUCell) -> Dense against central differences of the float64 reference', () => {
    const B = 2;
    const T = 4;
    const D = 3;
    const model = new Sequential([Input({ shape: [T, D] }), new RNN(new GRUCell(3)), new Dense(2)]);
    randomize(model, 41, 0.6);
    const random = seededRandom(42);
    const x = tensor(randomFloats(random, B * T * D, 1), [B, T, D]);
    const y = randomFloats(random, B * 2);
    const spec = recurrentSpec('GRU', 3, { resetAfter: true });
    expectGradients(model, x, y, ([k, r, b, dk, db]) => denseRef(referenceRecurrent(spec, [k, r, b], ref(x))[0], dk, db, 'linear'));
    model.dispose();
  });

  it('model.stream() of RNN(LSTMCell) -> RNN(SimpleRNNCell) returns predict on every prefix, bit for bit', () => {
    const B = 2;
    const T = 5;
    const D = 3;
    const model = new Sequential([Input({ shape: [null, D] }), new RNN(new LSTMCell(4), { returnSequences: true }), new RNN(new SimpleRNNCell(2), { returnSequences: true })]);
    randomizeLayers(model.layers, 43);
    const x = randomFloats(seededRandom(44), B * T * D, 1);
    expectMatchesAroundReset(model, x, B, T, D);
    model.dispose();
  });
});

describe('test/types/rnn-cells.ts at run time', () => {
  it('runs, and what the types call a tuple is a list of that length, with Keras shapes', async () => {
    const s = await import('./types/rnn-cells.js');
    const shape = (t: { shape: readonly (number | null)[] }) => [...t.shape];
    expect([s.seq, s.h, s.c].map(shape)).toEqual([[2, 4, 3], [2, 3], [2, 3]]);
    expect(shape(s.last)).toEqual([2, 2]);
    expect([s.gOut, s.gH].map(shape)).toEqual([[2, 2], [2, 2]]);
    expect(s.gThird).toBeUndefined();
    expect([s.stepOut, s.stepH, s.stepC].map(shape)).toEqual([[2, 3], [2, 3], [2, 3]]);
    expect([s.sOut, s.sH].map(shape)).toEqual([[1, 4], [1, 4]]);
    expect(shape(s.decoded)).toEqual([null, 3]);
  });
});
