// The first hour of a Keras user (issue 13, section 4): every options object is checked and a
// snake_case Keras name gets its camelCase spelling, Keras' own call forms work (units first,
// Sequential([layers]), from_config), shapes that include the batch axis by mistake are named,
// and a tensor prints its values the way numpy does.
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  Bidirectional, Concatenate, ConfigError, Dense, Dropout, Embedding, GRU, Input, InputError, InputLayer, LSTM, Masking, Model,
  Sequential, ShapeError, SimpleRNN, Tensor, TimeDistributed, deserializeLayer, initializers, layerFromConfig, memoryBytes,
  initSync, modelFromConfig, ready, serializeLayer, tensor, type GRUOptions, type LSTMOptions, type Layer, type ModelOptions,
} from '../dist/index.js';
import { loadModel } from '../dist/io/keras.js';
import { expectError, untyped } from './expect-error.js';
import { expectSame, expectSameWeights, seededTensor } from './model-helpers.js';

// Top level: some cases below build models while the tests are collected.
await ready();

const x = seededTensor([2, 4, 3], 1);

describe('unknown options are a ConfigError naming them, with the camelCase spelling', () => {
  const lstm = new LSTM({ units: 2, seed: 1 });
  const model = new Sequential([new LSTM({ units: 2, inputShape: [4, 3], seed: 2 })]);
  const cases: { title: string; run: () => unknown; patterns: (string | RegExp)[] }[] = [
    { title: 'apply(x, { initial_state })', run: () => lstm.apply(x, untyped({ initial_state: [] })), patterns: ["unknown option 'initial_state'", "did you mean 'initialState'?"] },
    { title: 'call(x, { masks })', run: () => lstm.call(x, untyped({ masks: [] })), patterns: ["unknown option 'masks'", "did you mean 'mask'?"] },
    { title: 'apply(x, [h, c]) instead of { initialState }', run: () => lstm.apply(x, untyped([tensor([[0, 0]])])), patterns: ['options must be an object such as { initialState: [h, c], mask }', 'received an array of length 1'] },
    { title: 'Bidirectional apply(x, { initial_state })', run: () => new Bidirectional(new GRU({ units: 2 })).apply(x, untyped({ initial_state: [] })), patterns: ["'initialState'"] },
    { title: 'predict(x, { batch_size: 1 })', run: () => model.predict(x, untyped({ batch_size: 1 })), patterns: ["unknown option 'batch_size'", "did you mean 'batchSize'?"] },
    { title: 'summary({ line_length: 100 })', run: () => model.summary(untyped({ line_length: 100, print: false })), patterns: ["summary: unknown option 'line_length'", "did you mean 'lineLength'?"] },
    { title: 'new LSTM({ return_sequences })', run: () => new LSTM(untyped<LSTMOptions>({ units: 3, return_sequences: true })), patterns: ["unknown option 'return_sequences'", "did you mean 'returnSequences'?"] },
    { title: 'new Dense({ use_bias })', run: () => new Dense(untyped({ units: 3, use_bias: false })), patterns: ["did you mean 'useBias'?"] },
    { title: 'new Sequential({ layer })', run: () => new Sequential(untyped({ layer: [] })), patterns: ["Sequential: unknown option 'layer'", "did you mean 'layers'?"] },
    { title: 'new Model({ output })', run: () => new Model(untyped<ModelOptions>({ inputs: Input({ shape: [2] }), output: [] })), patterns: ["Model: unknown option 'output'", "did you mean 'outputs'?"] },
    { title: 'Input({ batch_shape })', run: () => Input(untyped({ batch_shape: [1, 2] })), patterns: ["did you mean 'batchShape'?"] },
    { title: 'layer.stream({ batch_size })', run: () => new LSTM(2).stream(untyped({ batch_size: 2 })), patterns: ["stream: unknown option 'batch_size'", "did you mean 'batchSize'?"] },
    { title: 'model.stream({ batch_size })', run: () => model.stream(untyped({ batch_size: 2 })), patterns: ["did you mean 'batchSize'?"] },
    { title: 'initSync({ wasm, kernels })', run: () => initSync(untyped({ wasm: new Uint8Array(8), kernels: 'simd' })), patterns: ["initSync: unknown option 'kernels'"] },
    { title: 'modelFromConfig(json, { keras_version })', run: () => modelFromConfig('{}', untyped({ keras_version: 2 })), patterns: ["modelFromConfig: unknown option 'keras_version'", "did you mean 'kerasVersion'?"] },
    { title: 'layerFromConfig(spec, { keras_version })', run: () => layerFromConfig({ class_name: 'LSTM', config: { units: 2 } }, untyped({ keras_version: 2 })), patterns: ["did you mean 'kerasVersion'?"] },
    // Every apply() checks its options, those without any of their own too (Dense, Flatten, the merges, a model).
    { title: 'dense.apply(x, { trainng })', run: () => new Dense(2).apply(x, untyped({ trainng: false })), patterns: ["dense", "apply: unknown option 'trainng'", "did you mean 'training'?"] },
    { title: 'concatenate.apply([a, b], { axis })', run: () => new Concatenate().apply([x, x], untyped({ axis: 1 })), patterns: ["apply: unknown option 'axis'", 'training'] },
    { title: 'model.apply(x, { batch_size })', run: () => model.apply(x, untyped({ batch_size: 1 })), patterns: ["apply: unknown option 'batch_size'"] },
    { title: 'symbolic dense.apply(input, { foo })', run: () => new Dense(2).apply(Input({ shape: [3] }), untyped({ foo: 1 })), patterns: ["unknown option 'foo'"] },
    // Keras' training=True, which only fit() honours here: refused rather than ignored.
    { title: 'dropout.apply(x, { training: true })', run: () => new Dropout(0.5).apply(x, untyped({ training: true })), patterns: ['dropout', 'training: true', 'not supported', 'fit()'] },
    { title: 'lstm.apply(x, { training: true })', run: () => lstm.apply(x, untyped({ training: true })), patterns: ['training: true', 'inference'] },
    { title: "model.apply(x, { training: 'yes' })", run: () => model.apply(x, untyped({ training: 'yes' })), patterns: ["'training' must be false or null", '"yes"'] },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const before = memoryBytes();
      expectError(c.run, ConfigError, c.patterns);
      expect(memoryBytes()).toBe(before);
      // The next valid call still works.
      expect(lstm.apply(x).shape).toEqual([2, 2]);
      expect(model.predict(x, { batchSize: 1 }).shape).toEqual([2, 2]);
    });
  }

  it("apply(x, { training: false }) is Keras' layer(x, training=False): the same numbers as apply(x)", () => {
    const dropout = new Dropout(0.5);
    expectSame(dropout.apply(x, { training: false }), x);
    expectSame(lstm.apply(x, { training: false }), lstm.apply(x));
    expectSame(model.apply(x, { training: false }), model.predict(x));
    const dense = new Dense(2, { seed: 3 });
    expectSame(dense.apply(x, { training: null }), dense.apply(x));
    const input = Input({ shape: [4, 3] });
    const functional = new Model({ inputs: input, outputs: new Dense(1, { seed: 4 }).apply(dropout.apply(lstm.apply(input, { training: false }), { training: false })) });
    expect(functional.predict(x).shape).toEqual([2, 1]);
  });

  it('loadModel(source, { weight_files })', async () => {
    const error = await loadModel('model.keras', untyped({ weight_files: {} })).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("loadModel: unknown option 'weight_files' (did you mean 'weightFiles'?");
  });

  it('a whole Keras config handed to a constructor points to fromConfig', () => {
    const config = new LSTM({ units: 3, returnSequences: true }).getConfig();
    expectError(() => new LSTM(untyped<LSTMOptions>(config)), ConfigError, ['did you mean', 'LSTM.fromConfig(config)']);
  });
});

describe("Keras' call forms", () => {
  it('units first: new LSTM(3), new GRU(3, { returnState: true }), new SimpleRNN(8, {...}), new Dense(1), new Dropout(0.5)', () => {
    const pairs: [Layer & { apply(x: Tensor): Tensor | Tensor[] }, Layer & { apply(x: Tensor): Tensor | Tensor[] }][] = [
      [new LSTM(3, { seed: 4 }), new LSTM({ units: 3, seed: 4 })],
      [new GRU(3, { returnState: true, seed: 5 }), new GRU({ units: 3, returnState: true, seed: 5 })],
      [new SimpleRNN(8, { returnSequences: true, seed: 6 }), new SimpleRNN({ units: 8, returnSequences: true, seed: 6 })],
      [new Dense(1, { activation: 'sigmoid', seed: 7 }), new Dense({ units: 1, activation: 'sigmoid', seed: 7 })],
    ];
    for (const [positional, named] of pairs) {
      expect(positional.getConfig()).toEqual({ ...named.getConfig(), name: positional.name });
      const a = [positional.apply(x)].flat();
      const b = [named.apply(x)].flat();
      expect(a.map((t) => t.shape)).toEqual(b.map((t) => t.shape));
      a.forEach((t, i) => expectSame(t, b[i] as Tensor));
    }
    expect(new LSTM(3).units).toBe(3);
    expect(new Dense(1).units).toBe(1);
    expect(new GRU(3, { returnState: true }).apply(x)).toHaveLength(2);
    expect(new Dropout(0.5).rate).toBe(0.5);
    expectError(() => new LSTM(3, untyped<{ seed?: number }>({ units: 4 })), ConfigError, ["'units' is given twice", '(3)', '(4)']);
    expectError(() => new LSTM(0), ConfigError, ["option 'units' must be a positive integer", 'received 0']);
    expectError(() => new GRU(untyped<GRUOptions>('3')), ConfigError, ['GRU: options must be an object such as { units: 3 }', 'received "3"']);
    expectError(() => new Dense(2, untyped(5)), ConfigError, ['Dense: options after units: options must be an object']);
  });

  it('new Sequential([layer, ...]) and new Sequential({ layers }) build the same chain as add()', () => {
    const make = () => [new SimpleRNN({ units: 4, inputShape: [4, 3], seed: 8 }), new Dense({ units: 2, seed: 9 })] as const;
    const [rnn, dense] = make();
    const chained = dense.apply(rnn.apply(x));
    const fromList = new Sequential([...make()], { name: 'from_list' });
    expect(fromList.name).toBe('from_list');
    expect(fromList.layers.map((l) => l.className)).toEqual(['SimpleRNN', 'Dense']);
    expectSame(fromList.predict(x), chained);
    expectSame(new Sequential({ layers: [...make()] }).predict(x), chained);
    const added = new Sequential();
    for (const layer of make()) added.add(layer);
    expectSame(added.predict(x), chained);
    expectError(() => new Sequential([new Dense(1)], untyped({ layers: [] })), ConfigError, ["Sequential: unknown option 'layers'"]);
    expectError(() => new Sequential(untyped({ layers: new Dense(1) })), ConfigError, ["option 'layers' must be a list of layers"]);
  });
});

describe('shapes with and without the batch axis', () => {
  it('Input({ shape: 5 }) is a ConfigError that suggests [5]', () => {
    expectError(() => Input(untyped({ shape: 5 })), ConfigError, ["Input: option 'shape' must be a list", 'such as [5]', 'received 5']);
    expectError(() => Input(untyped({ batchShape: 'x' })), ConfigError, ["option 'batchShape'", 'received "x"']);
    expectError(() => Input(untyped(undefined)), ConfigError, ['Input: options must be an object']);
    expectError(() => Input({}), ConfigError, ["give 'shape'"]);
    expectError(() => Input({ shape: [5], batchSize: 0 }), ConfigError, ["option 'batchSize' must be a positive integer"]);
    expect(Input({ shape: [5] }).shape).toEqual([null, 5]);
  });

  it('a recurrent inputShape with 3 entries says inputShape leaves out the batch axis', () => {
    for (const make of [() => new LSTM({ units: 2, inputShape: [8, 10, 3] }), () => new Bidirectional(new GRU(2), { inputShape: [8, 10, 3] })]) {
      expectError(make, ConfigError, ['inputShape leaves out the batch axis', 'did you mean batchInputShape: [8, 10, 3]', 'inputShape: [10, 3]']);
    }
    expectError(() => new SimpleRNN({ units: 2, inputShape: [10] }), ConfigError, ["'inputShape' (timesteps, features) must describe a sequence", 'received [10]']);
    expectError(() => new SimpleRNN({ units: 2, batchInputShape: [null, 10] }), ConfigError, ["'batchInputShape' (batch, timesteps, features)", 'received [None, 10]']);
    expect(new LSTM({ units: 2, batchInputShape: [8, 10, 3] }).batchInputShape).toEqual([8, 10, 3]);
    // Through Input(): a rank-4 symbolic input names the slip too.
    expectError(() => new LSTM(2).apply(Input({ shape: [8, 10, 3] })), ShapeError, ['received shape [None, 8, 10, 3]', "Input's shape leaves out the batch axis", 'Input({ shape: [10, 3] })']);
  });

  it('messages write unknown sizes as None, never null; a wrapped error keeps its cause', () => {
    const inner = new Dense(2);
    inner.apply(seededTensor([2, 5], 2));
    const model = new Sequential([new Dense({ units: 7, inputShape: [3, 4] })]);
    const error = expectError(() => model.add(new TimeDistributed(inner)), ShapeError, ['cannot follow the previous output of shape [None, 3, 7]']);
    expect(error.message).not.toMatch(/\[null|, null\b/);
    expect(error.cause).toBeInstanceOf(ShapeError);
    expect((error.cause as Error).message).toContain('5 features');
    const badShape = expectError(() => new Dense({ units: 1, batchInputShape: [null, 0] }), ConfigError, ['received [None, 0]']);
    expect(badShape.message).not.toMatch(/\[null|, null\b/);
    const fromTensor = expectError(() => new LSTM(2).apply([[[1, 2], [3]]]), ShapeError, ['ragged']);
    expect(fromTensor.cause).toBeInstanceOf(ShapeError);
  });
});

describe('config round trip: X.fromConfig(layer.getConfig()) and deserializeLayer(serializeLayer(layer))', () => {
  const seq = seededTensor([2, 4, 3], 3);
  const constant = initializers.constant(0.2);
  const makers: { name: string; make: () => Layer; input?: Tensor }[] = [
    { name: 'SimpleRNN', make: () => new SimpleRNN({ units: 3, activation: 'relu', returnSequences: true, seed: 1 }) },
    { name: 'LSTM', make: () => new LSTM({ units: 3, returnState: true, goBackwards: true, unitForgetBias: false, recurrentActivation: 'hard_sigmoid', seed: 2 }) },
    { name: 'GRU', make: () => new GRU({ units: 3, resetAfter: false, useBias: true, kernelInitializer: constant, seed: 3 }) },
    { name: 'GRU (Keras 2 config)', make: () => new GRU({ units: 3, kerasVersion: 2, recurrentActivation: 'hard_sigmoid', seed: 4 }) },
    { name: 'Bidirectional', make: () => new Bidirectional(new LSTM({ units: 2, returnSequences: true, seed: 5 }), { mergeMode: 'ave' }) },
    { name: 'Dense', make: () => new Dense({ units: 2, activation: 'softmax', inputShape: [4, 3], seed: 6 }) },
    { name: 'Embedding', make: () => new Embedding({ inputDim: 10, outputDim: 3, maskZero: true, seed: 7 }), input: tensor([[1, 2, 0], [3, 9, 4]]) },
    { name: 'Dropout', make: () => new Dropout({ rate: 0.3 }) },
    { name: 'Masking', make: () => new Masking({ maskValue: 0.5 }) },
    { name: 'TimeDistributed', make: () => new TimeDistributed(new Dense({ units: 2, seed: 8 })) },
    { name: 'Concatenate', make: () => new Concatenate({ axis: 1 }) },
    { name: 'InputLayer', make: () => new InputLayer({ shape: [4, 3] }) },
  ];
  const classes: Record<string, { fromConfig(config: Record<string, unknown>, options?: { kerasVersion?: 2 | 3 }): Layer }> = {
    SimpleRNN, LSTM, GRU, Bidirectional, Dense, Embedding, Dropout, Masking, TimeDistributed, Concatenate, InputLayer,
  };
  for (const { name, make, input } of makers) {
    it(name, () => {
      const original = make();
      const kerasVersion = name.includes('Keras 2') ? 2 : 3;
      const data = input ?? seq;
      const run = (layer: Layer): Tensor[] => {
        if (layer instanceof Concatenate) return [layer.apply([data, data])];
        if (layer instanceof InputLayer) return [];
        return [(layer as unknown as { apply(x: Tensor): Tensor | Tensor[] }).apply(data)].flat();
      };
      const expected = run(original);
      for (const copy of [classes[original.className].fromConfig(original.getConfig(), { kerasVersion }), deserializeLayer(serializeLayer(original), { kerasVersion })]) {
        expect(copy.className).toBe(original.className);
        expect(copy.getConfig()).toEqual(original.getConfig());
        if (original.getWeights().length > 0) {
          run(copy); // builds it
          copy.setWeights(original.getWeights());
          expectSameWeights(copy.getWeights(), original.getWeights());
        }
        const actual = run(copy);
        expect(actual).toHaveLength(expected.length);
        actual.forEach((t, i) => expectSame(t, expected[i] as Tensor));
      }
    });
  }

  it('covers every layer class layerFromConfig knows', () => {
    expect(Object.keys(classes).sort()).toEqual(['Bidirectional', 'Concatenate', 'Dense', 'Dropout', 'Embedding', 'GRU', 'InputLayer', 'LSTM', 'Masking', 'SimpleRNN', 'TimeDistributed']);
    const model = modelFromConfig({ class_name: 'Sequential', config: { layers: makers.slice(0, 1).map(({ make }) => serializeLayer(make())) } });
    expect(model.layers[0]?.className).toBe('SimpleRNN');
  });

  it("a subclass's fromConfig builds the subclass, as Keras' cls(**config) does", () => {
    class NamedLSTM extends LSTM {}
    class NamedDense extends Dense {}
    class NamedBidirectional extends Bidirectional {}
    const lstm = NamedLSTM.fromConfig(new LSTM({ units: 2, goBackwards: true }).getConfig());
    expect(lstm).toBeInstanceOf(NamedLSTM);
    expect(lstm.goBackwards).toBe(true);
    expect(NamedDense.fromConfig(new Dense({ units: 2 }).getConfig())).toBeInstanceOf(NamedDense);
    expect(NamedBidirectional.fromConfig(new Bidirectional(new GRU({ units: 2 })).getConfig())).toBeInstanceOf(NamedBidirectional);
    expect(LSTM.fromConfig(lstm.getConfig())).not.toBeInstanceOf(NamedLSTM);
  });

  it('bad fromConfig input is a ConfigError', () => {
    expectError(() => LSTM.fromConfig(untyped(null)), ConfigError, ['LSTM.fromConfig: config must be an object']);
    expectError(() => LSTM.fromConfig({ units: 2 }, untyped({ kerasVersion: 4 })), ConfigError, ["option 'kerasVersion' must be 2 or 3"]);
    expectError(() => Bidirectional.fromConfig({ layer: { class_name: 'Dense', config: { units: 2 } } }), ConfigError, ['config.layer must be SimpleRNN, LSTM, GRU, RNN, CuDNNLSTM or CuDNNGRU, received "Dense"']);
    expectError(() => TimeDistributed.fromConfig({ layer: { class_name: 'Conv1DTranspose', config: {} } }), ConfigError, ['"Conv1DTranspose"']);
  });
});

interface PrintCase { name: string; shape: number[]; expected: string; values?: (number | string | null)[]; generator?: 'div7' | 'div2' }
const printCases = JSON.parse(readFileSync(new URL('./data/numpy-print.json', import.meta.url), 'utf8')) as PrintCase[];

function printInput(c: PrintCase): Tensor {
  const size = c.shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const v = c.values?.[i];
    if (c.generator) data[i] = Math.fround(i / (c.generator === 'div7' ? 7 : 2));
    else data[i] = v === null ? NaN : typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : (v as number);
  }
  return new Tensor(data, c.shape);
}

describe('printing a tensor: numpy layout, from numpy itself (test/data/numpy-print.py)', () => {
  for (const c of printCases) {
    it(c.name, () => {
      const t = printInput(c);
      expect(String(t)).toBe(c.expected);
      expect(t.toString()).toBe(c.expected);
      expect(`${t}`).toBe(c.expected);
    });
  }

  it('console.log in Node shows the same text (util.inspect)', () => {
    const t = tensor([[0.1, 0.2], [0.3, 0.4]]);
    expect(inspect(t)).toBe(String(t));
    expect(inspect({ t })).toContain('[0.3, 0.4]');
  });

  it('big tensors stay short: at most 3 items per edge of each axis', () => {
    const t = tensor(new Float32Array(100000).fill(0.25), [10, 100, 100]);
    const text = String(t);
    expect(text.length).toBeLessThan(3000);
    expect(text).toContain('...');
    expect(text.endsWith('shape=(10, 100, 100))')).toBe(true);
  });
});

describe('InputError stays the class for symbolic initial states that are not symbolic', () => {
  it('apply(symbolic, { initialState: [tensor] })', () => {
    const inp = Input({ shape: [4, 3] });
    expectError(() => new LSTM(2).apply(inp, untyped({ initialState: [tensor([[0, 0]])] })), InputError, ['initialState of a call on a symbolic tensor must be a list of symbolic tensors']);
  });
});
