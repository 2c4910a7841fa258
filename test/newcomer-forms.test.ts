// Keras' call forms a newcomer writes from memory (issue 13): Model(inputs, outputs),
// Embedding(vocab, dim), Dense(10, 'softmax'), Input((5, 1)), InputLayer(input_shape=...),
// model.get_layer / pop, numpy-style stacking of typed arrays; and what wrong forms say.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ActivityRegularization, Add, AlphaDropout, Attention, BatchNormalization, Bidirectional, Concatenate, ConfigError, Dense, Dot, Embedding, Flatten, GaussianDropout,
  GaussianNoise, Input, InputError, InputLayer, LSTM, LayerNormalization, Masking, Model, Sequential, ShapeError, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D,
  TimeDistributed, memoryBytes, ready, tensor,
  type Tensor,
} from '../dist/index.js';
import { expectError, untyped } from './expect-error.js';
import { expectSame, seededTensor } from './model-helpers.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const x = seededTensor([2, 4, 3], 3);

describe("Keras' positional forms give the same layers and models as the options forms", () => {
  it('new Model(inputs, outputs, { name }) is new Model({ inputs, outputs, name })', () => {
    const inp = Input({ shape: [4, 3] });
    const [o, h] = new LSTM(2, { returnState: true, returnSequences: true, seed: 1 }).apply(inp);
    const named = new Model({ inputs: inp, outputs: [o, h] });
    const positional = new Model(inp, [o, h], { name: 'encoder' });
    expect(positional.name).toBe('encoder');
    const a = named.predictAll(x);
    const b = positional.predictAll(x);
    expect(b.map((t) => t.shape)).toEqual([[2, 4, 2], [2, 2]]);
    a.forEach((t, i) => expectSame(b[i] as Tensor, t));
    expectSame(new Model([inp], o).predict(x) as Tensor, a[0] as Tensor);
  });

  it('wrong positional forms name what was expected', () => {
    const inp = Input({ shape: [4, 3] });
    const out = new Dense(1).apply(inp);
    expectError(() => new Model(untyped(x), untyped(out)), ConfigError, ['Model: expected new Model(inputs, outputs) with symbolic tensors from Input(), or new Model({ inputs, outputs })']);
    expectError(() => new Model(inp, out, untyped({ Name: 'x' })), ConfigError, ["Model: unknown option 'Name' (did you mean 'name'?)"]);
    expectError(() => new Model(inp, untyped([])), ConfigError, ["option 'outputs' must be a symbolic tensor"]);
  });

  it('new Embedding(inputDim, outputDim, options) is new Embedding({ inputDim, outputDim, ...options })', () => {
    const ids = tensor([[1, 2, 0], [4, 3, 3]]);
    const positional = new Embedding(5, 3, { maskZero: true, seed: 8 });
    const named = new Embedding({ inputDim: 5, outputDim: 3, maskZero: true, seed: 8 });
    expect(positional.getConfig()).toEqual({ ...named.getConfig(), name: positional.name });
    expectSame(positional.apply(ids), named.apply(ids));
    expectError(() => new Embedding(untyped(5)), ConfigError, ["Embedding: after inputDim (5) comes outputDim, a number, as in Keras' Embedding(inputDim, outputDim), received undefined"]);
    expectError(() => new Embedding(5, 3, untyped({ outputDim: 3 })), ConfigError, ["Embedding: 'outputDim' is given twice"]);
    expectError(() => new Embedding(untyped('5')), ConfigError, ['Embedding: options must be an object such as { inputDim: 1000, outputDim: 64 }, received "5"']);
  });

  it("new Dense(units, activation) is Keras' Dense(10, 'softmax')", () => {
    const features = seededTensor([3, 4], 9);
    const pairs: [Dense, Dense][] = [
      [new Dense(3, 'softmax', { seed: 2 }), new Dense({ units: 3, activation: 'softmax', seed: 2 })],
      [new Dense(3, 'relu'), new Dense(3, { activation: 'relu' })],
      [new Dense(3, null), new Dense(3)],
    ];
    for (const [positional, named] of pairs) {
      expect(positional.getConfig()).toEqual({ ...named.getConfig(), name: positional.name, kernel_initializer: positional.getConfig().kernel_initializer });
    }
    const [first] = pairs[0] as [Dense, Dense];
    const softmax = first.apply(features);
    for (let r = 0; r < 3; r++) expect(softmax.data.subarray(r * 3, r * 3 + 3).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expectSame(first.apply(features), (pairs[0] as [Dense, Dense])[1].apply(features));
    expectError(() => new Dense(3, 'relu', untyped({ activation: 'tanh' })), ConfigError, ["Dense: 'activation' is given twice"]);
    expectError(() => new Dense(3, untyped('Relu')), ConfigError, ['unknown activation "Relu"']);
  });

  it('Input([5, 1]) is Input({ shape: [5, 1] }); InputLayer takes tf.keras 2\'s inputShape / batchInputShape', () => {
    expect(Input([5, 1]).shape).toEqual([null, 5, 1]);
    expect(Input([5, 1], { batchSize: 2, name: 'frames' }).shape).toEqual([2, 5, 1]);
    expect(new InputLayer({ inputShape: [4, 3] }).output.shape).toEqual([null, 4, 3]);
    expect(new InputLayer({ batchInputShape: [2, 4, 3] }).output.shape).toEqual([2, 4, 3]);
    const model = new Sequential([new InputLayer({ inputShape: [4, 3] }), new LSTM(2, { seed: 4 })]);
    expect(model.predict(x).shape).toEqual([2, 2]);
    expectError(() => new InputLayer({ shape: [4, 3], inputShape: [4, 3] }), ConfigError, ["Input: give 'shape' or 'inputShape' (its tf.keras 2 name), not both"]);
    expectError(() => Input([5], untyped({ shape: [5] })), ConfigError, ["Input: 'shape' is given twice"]);
    expectError(() => Input(untyped({ shape: [5] }), untyped({ name: 'x' })), ConfigError, ['Input: a second argument (options) only follows a shape']);
    expectError(() => Input(untyped(5)), ConfigError, ['Input: options must be an object such as { shape: [5, 1] }, received 5']);
    expectError(() => Input(untyped({ shape: 5 })), ConfigError, ["Input: option 'shape' must be a list of positive integers"]);
  });
});

describe("Keras' positional first arguments of the other layers (Masking(0.), Concatenate(1), GaussianNoise(0.1), ...)", () => {
  const sameConfig = (a: { getConfig(): Record<string, unknown> }, b: { getConfig(): Record<string, unknown> }): void => {
    const { name: _a, ...configA } = a.getConfig();
    const { name: _b, ...configB } = b.getConfig();
    expect(configA).toEqual(configB);
  };

  it('each positional form is its options form', () => {
    sameConfig(new Masking(5), new Masking({ maskValue: 5 }));
    sameConfig(new Concatenate(1), new Concatenate({ axis: 1 }));
    sameConfig(new LayerNormalization(1), new LayerNormalization({ axis: 1 }));
    sameConfig(new LayerNormalization([1, 2], { epsilon: 1e-5 }), new LayerNormalization({ axis: [1, 2], epsilon: 1e-5 }));
    sameConfig(new BatchNormalization(1, { momentum: 0.9 }), new BatchNormalization({ axis: 1, momentum: 0.9 }));
    sameConfig(new Dot(1), new Dot({ axes: 1 }));
    sameConfig(new Dot([2, 2], { normalize: true }), new Dot({ axes: [2, 2], normalize: true }));
    sameConfig(new GaussianNoise(0.3), new GaussianNoise({ stddev: 0.3 }));
    sameConfig(new GaussianDropout(0.3, { seed: 4 }), new GaussianDropout({ rate: 0.3, seed: 4 }));
    sameConfig(new AlphaDropout(0.3, { noiseShape: [null, 1, 5] }), new AlphaDropout({ rate: 0.3, noiseShape: [null, 1, 5] }));
    sameConfig(new SpatialDropout1D(0.2), new SpatialDropout1D({ rate: 0.2 }));
    sameConfig(new SpatialDropout2D(0.2, { dataFormat: 'channels_first' }), new SpatialDropout2D({ rate: 0.2, dataFormat: 'channels_first' }));
    sameConfig(new SpatialDropout3D(0.2), new SpatialDropout3D({ rate: 0.2 }));
    sameConfig(new ActivityRegularization(0.01), new ActivityRegularization({ l1: 0.01 }));
    sameConfig(new ActivityRegularization(0.01, 0.02), new ActivityRegularization({ l1: 0.01, l2: 0.02 }));
    sameConfig(new ActivityRegularization(0, { l2: 0.5 }), new ActivityRegularization({ l2: 0.5 }));
    expect(new Masking().getConfig().mask_value).toBe(0);
    expect(new Concatenate().getConfig().axis).toBe(-1);
  });

  it('Masking(5) masks the steps that are all 5: the LSTM gives what it gives on the sequence without them', () => {
    const lstm = new LSTM(2, { seed: 3 });
    const masked = new Sequential([new Masking(5), lstm]);
    const data = seededTensor([1, 4, 3], 8).data;
    data.fill(5, 9, 12);
    const short = new Sequential([new LSTM(2, { seed: 9 })]);
    short.build([null, 3, 3]);
    masked.build([null, 4, 3]);
    short.setWeights(lstm.getWeights());
    expectSame(masked.predict(tensor(data, [1, 4, 3])), short.predict(tensor(data.slice(0, 9), [1, 3, 3])));
  });

  it('Concatenate(1) joins along axis 1', () => {
    const a = Input({ shape: [2, 3] });
    const b = Input({ shape: [4, 3] });
    const joined = new Concatenate(1).apply([a, b]);
    expect(joined.shape).toEqual([null, 6, 3]);
    const ones = (n: number): Tensor => tensor(new Float32Array(n * 3).map((_, i) => i), [1, n, 3]);
    expect(Array.from(new Model([a, b], joined).predict([ones(2), ones(4)]).data)).toEqual([...Array.from(ones(2).data), ...Array.from(ones(4).data)]);
  });

  it('an argument where Keras takes none positionally is a ConfigError, not every option at its default', () => {
    expectError(() => new Flatten(untyped('channels_first')), ConfigError, ['Flatten: options must be an object', 'received "channels_first"']);
    expectError(() => new Attention(untyped(true)), ConfigError, ['Attention: options must be an object', 'received true']);
    expectError(() => new Add(untyped(3)), ConfigError, ['Add: options must be an object', 'received 3']);
    expectError(() => new GaussianNoise(0.1, untyped(0.2)), ConfigError, ['GaussianNoise: options after stddev']);
  });
});

describe("model.getLayer and Sequential.pop, as Keras' get_layer and pop", () => {
  it('getLayer finds a layer by name or index, or names the layers there are', () => {
    const model = new Sequential([new LSTM(2, { inputShape: [4, 3], name: 'encoder' }), new Dense(1, { name: 'head' })]);
    expect(model.getLayer('head')).toBe(model.layers[1]);
    expect(model.getLayer(0).name).toBe('encoder');
    expectError(() => model.getLayer('decoder'), ConfigError, ["getLayer: no layer named 'decoder'; the layers are encoder, head"]);
    expectError(() => model.getLayer(2), ConfigError, ['getLayer(2): the model has 2 layers (indices 0 to 1, or -2 to -1 from the end)']);
    expectError(() => model.getLayer(untyped(null)), ConfigError, ['getLayer: give a layer name or an index', 'received neither']);
    expectError(() => model.getLayer(untyped(true)), ConfigError, ['getLayer: name must be a string, received true']);
  });

  it("getLayer takes Keras' get_layer(name=None, index=None) forms: a name, an index, (undefined, index), { name } or { index }", () => {
    const model = new Sequential([new LSTM(2, { inputShape: [4, 3], name: 'encoder' }), new Dense(1, { name: 'head' })]);
    expect(model.getLayer(undefined, 1)).toBe(model.layers[1]);
    expect(model.getLayer(null, 0)).toBe(model.layers[0]);
    expect(model.getLayer({ index: 1 })).toBe(model.layers[1]);
    expect(model.getLayer({ name: 'encoder' })).toBe(model.layers[0]);
    // Python's list index: -1 is the last layer.
    expect(model.getLayer(-1)).toBe(model.layers[1]);
    expect(model.getLayer(undefined, -2)).toBe(model.layers[0]);
    expectError(() => model.getLayer(-3), ConfigError, ['getLayer(-3): the model has 2 layers']);
    expectError(() => model.getLayer('head', 0), ConfigError, ["getLayer: give only a layer name or a layer index (Keras' rule), received name \"head\" and index 0"]);
    expectError(() => model.getLayer({ name: 'head', index: 0 }), ConfigError, ['give only a layer name or a layer index']);
    expectError(() => model.getLayer(untyped({ layer: 'head' })), ConfigError, ["getLayer: unknown option 'layer'"]);
    expectError(() => model.getLayer(undefined, 1.5), ConfigError, ['getLayer: index must be an integer, received 1.5']);
    expectError(() => model.getLayer(untyped(0), untyped(1)), ConfigError, ['not two indices']);
  });

  it('pop removes the last layer and returns it; the model then predicts with the rest', () => {
    const encoder = new LSTM(2, { inputShape: [4, 3], seed: 3 });
    const model = new Sequential([encoder, new Dense(1, { name: 'head' })]);
    expect(model.predict(x).shape).toEqual([2, 1]);
    expect(model.pop().name).toBe('head');
    expect(model.layers).toEqual([encoder]);
    expectSame(model.predict(x), encoder.apply(x));
    model.add(new Dense(5));
    expect(model.predict(x).shape).toEqual([2, 5]);
    const unbuilt = new Sequential([new LSTM(2), new Dense(1)]);
    unbuilt.pop();
    expect(unbuilt.predict(x).shape).toEqual([2, 2]);
    unbuilt.pop();
    expectError(() => unbuilt.pop(), ConfigError, ['pop(): the model has no layers']);
  });
});

describe('Sequential.build(inputShape), as Keras builds', () => {
  it("gives an Embedding's open (None, None) input its length, and refuses a shape that contradicts a declared one", () => {
    const model = new Sequential([new Embedding(50, 4), new LSTM(3)]);
    model.build([null, 20]);
    const text = model.summary({ print: false });
    expect(text).toContain('(None, 20, 4)');
    expect(model.predict(tensor([new Array(20).fill(1)])).shape).toEqual([1, 3]);
    const declared = new Sequential([new LSTM(3, { inputShape: [4, 3] })]);
    declared.build([null, 4, 3]);
    expectError(() => declared.build([null, 5, 3]), ConfigError, ['the model is already configured for inputs of shape [None, 4, 3]; it cannot be built with input shape [None, 5, 3]']);
    expect(declared.predict(x).shape).toEqual([2, 3]);
  });
});

describe("model.save(path) and model.getConfig(), as Keras' save and get_config; tensor.dtype", () => {
  it('save writes what saveModel writes, with the core entry alone (it imports the writers on its first call)', async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const model = new Sequential([new LSTM(2, { inputShape: [4, 3], seed: 1 }), new Dense(1, { seed: 2 })]);
    const dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-save-method-'));
    try {
      const date = new Date(Date.UTC(2026, 0, 2));
      await model.save(join(dir, 'a.keras'), { date });
      const keras = await import('../dist/io/keras.js');
      await keras.saveModel(model, join(dir, 'b.keras'), { date });
      expect(readFileSync(join(dir, 'a.keras')).equals(readFileSync(join(dir, 'b.keras')))).toBe(true);
      expectSame((await keras.loadModel(join(dir, 'a.keras'))).predict(x) as Tensor, model.predict(x));
      const error = await model.save(join(dir, 'c.keras'), untyped({ overwrite: true })).then(() => null, (e: unknown) => e);
      expect((error as Error).message).toContain("unknown option 'overwrite'");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('getConfig is the config of toJSON(): Keras 3 get_config()', () => {
    const model = new Sequential([new LSTM(2, { inputShape: [4, 3], name: 'enc' })], { name: 'm' });
    const config = model.getConfig();
    expect(config).toEqual((JSON.parse(model.toJSON()) as { config: unknown }).config);
    expect(config.name).toBe('m');
    expect((config.layers as { class_name: string }[]).map((l) => l.class_name)).toEqual(['InputLayer', 'LSTM']);
  });

  it("tensor.dtype is 'float32'", () => {
    expect(tensor([1, 2]).dtype).toBe('float32');
    expect(Object.keys(tensor([1])).sort()).toEqual(['data', 'shape']);
  });
});

describe('numpy-like inputs and the messages for wrong forms', () => {
  it('a list of typed arrays stacks as numpy.array([frame, frame]) does', () => {
    const frames = [new Float32Array([1, 2, 3]), new Float32Array([4, 5, 6])];
    const stacked = tensor(frames);
    expect(stacked.shape).toEqual([2, 3]);
    expect(Array.from(stacked.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tensor([frames, [new Int16Array([7, 8, 9]), new Float64Array([10, 11, 12])]]).shape).toEqual([2, 2, 3]);
    const lstm = new LSTM(2, { seed: 5 });
    expectSame(lstm.apply([frames]), lstm.apply(tensor([[[1, 2, 3], [4, 5, 6]]])));
    expectError(() => tensor([new Float32Array(3), new Float32Array(2)]), ShapeError, ['ragged nesting: expected an array of length 3 at depth 1']);
  });

  it("Keras' keyword form of the wrappers ({ layer }) says to pass the layer first", () => {
    const before = memoryBytes();
    expectError(() => new Bidirectional(untyped<LSTM>({ layer: new LSTM(2) })), ConfigError, [
      "Bidirectional: 'layer' must be a SimpleRNN, LSTM, GRU, CuDNNLSTM or CuDNNGRU layer, received an object (Object); the layer goes first, as in Keras' Bidirectional(layer, ...)",
    ]);
    expectError(() => new TimeDistributed(untyped({ layer: new Dense(2) })), ConfigError, ["the layer goes first, as in Keras' TimeDistributed(layer, ...): new TimeDistributed(new Dense(8))"]);
    expectError(() => new TimeDistributed(untyped(3)), ConfigError, ["TimeDistributed: 'layer' must be a layer such as Dense, received 3"]);
    expect(memoryBytes()).toBe(before);
  });
});

describe("a dict of inputs by input name, as Keras' Functional._standardize_inputs takes it", () => {
  const build = () => {
    const signal = Input({ shape: [4, 3], name: 'signal' });
    const meta = Input({ shape: [2], name: 'meta' });
    const h = new LSTM(3, { seed: 1 }).apply(signal);
    const out = new Dense(1, { seed: 2 }).apply(new Concatenate().apply([h, meta]));
    return new Model({ inputs: [signal, meta], outputs: out });
  };
  const meta = seededTensor([2, 2], 4);
  const y = tensor([[0.5], [-0.5]]);

  it('predict, fit, evaluate and validationData take it and give what the list in input order gives', async () => {
    const [byName, byList] = [build(), build()];
    expectSame(byName.predict({ meta, signal: x, ignored: meta }) as Tensor, byList.predict([x, meta]) as Tensor);
    for (const m of [byName, byList]) m.compile({ optimizer: 'sgd', loss: 'mse' });
    const named = await byName.fit({ signal: x, meta }, y, { epochs: 2, verbose: 0, shuffle: false, validationData: [{ signal: x, meta }, y] });
    const listed = await byList.fit([x, meta], y, { epochs: 2, verbose: 0, shuffle: false, validationData: [[x, meta], y] });
    expect(named.history).toEqual(listed.history);
    expect([...await byName.evaluate({ signal: x, meta }, y)]).toEqual([...await byList.evaluate([x, meta], y)]);
  });

  it('a missing name is an InputError naming the expected keys', () => {
    expectError(() => build().predict(untyped({ signal: x, metadata: meta })), InputError, ['expected keys ["signal","meta"]', 'missing ["meta"]', 'received ["signal","metadata"]']);
  });

  it('a single-input model takes a dict of its one input too', () => {
    const input = Input({ shape: [4, 3], name: 'frames' });
    const model = new Model({ inputs: input, outputs: new LSTM(2, { seed: 3 }).apply(input) });
    expectSame(model.predict({ frames: x }) as Tensor, model.predict(x) as Tensor);
  });
});
