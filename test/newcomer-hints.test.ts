// The hints a Keras user's first mistakes get: swapped letters, tf.keras 2 optimizer names,
// a layer class given without `new`, one sample given without its batch axis, Keras' model_from_json.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, optimizers, Sequential, LSTM, GRU, SimpleRNN, Dense, Dropout, ConfigError, ShapeError, modelFromJson, type LSTMOptions, type SimpleRNNOptions } from '../dist/index.js';
import { expectError, untyped } from './expect-error.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

describe('option names', () => {
  it('suggests the option two neighbouring letters were swapped in', () => {
    expectError(() => new LSTM(untyped<LSTMOptions>({ untis: 3 })), ConfigError, [/unknown option 'untis' \(did you mean 'units'\?\)/]);
    expectError(() => new LSTM(untyped<LSTMOptions>({ units: 3, retrunSequences: true })), ConfigError, [/'retrunSequences' \(did you mean 'returnSequences'\?\)/]);
    expectError(() => new Dense(1, untyped({ actviation: 'relu' })), ConfigError, [/did you mean 'activation'/]);
  });

  it('gives nothing to guess from for a name far from every option', () => {
    const error = expectError(() => new Dense(1, untyped({ colour: 'red' })), ConfigError, [/unknown option 'colour'; expected one of/]);
    expect(error.message).not.toMatch(/did you mean/);
  });

  it("names learningRate for tf.keras 2's lr, in an optimizer and in compile's optimizer config", () => {
    expectError(() => new optimizers.Adam(untyped({ lr: 0.01 })), ConfigError, [/'lr' \(did you mean 'learningRate'\? 'lr' is tf\.keras 2's name for it\)/]);
    const m = new Sequential([new Dense(1, { inputShape: [2] })]);
    expectError(() => m.compile({ optimizer: untyped({ class_name: 'SGD', config: { lr: 0.1 } }), loss: 'mse' }), ConfigError, [/unknown SGD config key 'lr' \(tf\.keras 2's name for learning_rate\)/]);
    expectError(() => m.compile({ optimizer: untyped({ class_name: 'SGD', config: { decay: 0.1 } }), loss: 'mse' }), ConfigError, [/'decay'/, /LearningRateScheduler/]);
  });

  it("says what replaced tf.keras 2's optimizer decay", () => {
    expectError(() => new optimizers.SGD(untyped({ learningRate: 0.1, decay: 1e-4 })), ConfigError, [/'decay'/, /gone in Keras 3/, /LearningRateScheduler/]);
  });
});

describe('Sequential.add', () => {
  it('tells a layer class given without new what to write', () => {
    const m = new Sequential();
    const error = expectError(() => m.add(untyped(LSTM)), ConfigError, [/the class LSTM itself/, /add\(new LSTM\(\.\.\.\)\)/]);
    expect(error.message).not.toMatch(/constructor|super\(/);
    expect(() => new Sequential(untyped([Dense]))).toThrow(/the class Dense itself/);
    expectError(() => m.add(untyped({ units: 3 })), ConfigError, [/add\(\) expects a layer, received an object/]);
    m.add(new Dense(1, { inputShape: [2] }));
    expect(m.layers).toHaveLength(1);
  });
});

describe('predict', () => {
  it('names the shape to give one sample without its batch axis', () => {
    const m = new Sequential([new LSTM(3, { inputShape: [5, 2] })]);
    expectError(() => m.predict(tensor(new Float32Array(10), [5, 2])), ShapeError, [/must have shape \[None, 5, 2\], received \[5, 2\]; this looks like one sample without the batch axis: give it shape \[1, 5, 2\]/]);
    const other = expectError(() => m.predict(tensor(new Float32Array(12), [2, 3, 2])), ShapeError, [/received \[2, 3, 2\]/]);
    expect(other.message).not.toMatch(/batch axis/);
    expect(m.predict(tensor(new Float32Array(10), [1, 5, 2])).shape).toEqual([1, 3]);
  });
});

describe('modelFromJson', () => {
  it("rebuilds the model Keras' to_json (toJSON) wrote: its wiring, and with its weights its predictions bit for bit", () => {
    const m = new Sequential([new LSTM(3, { inputShape: [4, 2], returnSequences: true, seed: 1 }), new Dense(2, { seed: 2 })]);
    const rebuilt = modelFromJson(m.toJSON());
    expect(rebuilt.layers.map((l) => l.constructor.name)).toEqual(['LSTM', 'Dense']);
    expect(rebuilt.toJSON()).toBe(m.toJSON());
    rebuilt.setWeights(m.getWeights());
    const x = tensor(Float32Array.from({ length: 8 }, (_, i) => i / 8), [1, 4, 2]);
    expect(rebuilt).toBeInstanceOf(Sequential);
    expect(rebuilt.predictAll(x)[0].data).toEqual(m.predict(x).data);
  });

  it('refuses what is not a JSON string with a ConfigError that names modelFromConfig for objects', () => {
    expectError(() => modelFromJson(untyped({ class_name: 'Sequential' })), ConfigError, [/^modelFromJson: expected the JSON string/, /modelFromConfig/]);
    expectError(() => modelFromJson('{ nope'), ConfigError, [/^modelFromJson: the JSON does not parse/]);
    expectError(() => modelFromJson('{"class_name": "Dense"}'), ConfigError, [/^modelFromJson: class_name must be Sequential, Functional or Model/]);
  });
});

describe("Keras habits from the port of six notebooks (session 33)", () => {
  it("Keras 3's useCudnn is taken by LSTM and GRU ('auto', true or false), with the same numbers, and checked", () => {
    const x = tensor([[[0.5, -1], [0.25, 2], [1, 0]]]);
    for (const useCudnn of ['auto', true, false] as const) {
      const lstm = new LSTM(3, { useCudnn, seed: 4 });
      expect(Array.from(lstm.apply(x).data)).toEqual(Array.from(new LSTM(3, { seed: 4 }).apply(x).data));
      expect(new GRU(2, { useCudnn }).getConfig()).not.toHaveProperty('use_cudnn');
    }
    expectError(() => new LSTM(untyped<LSTMOptions>({ units: 3, useCudnn: 'yes' })), ConfigError, ["option 'useCudnn' must be 'auto', true or false, received \"yes\""]);
    expectError(() => new SimpleRNN(untyped<SimpleRNNOptions>({ units: 3, useCudnn: true })), ConfigError, ["unknown option 'useCudnn'"]);
  });

  it('an activation given as a function is told the kernels run named activations', () => {
    expectError(() => new Dense(2, untyped({ activation: Math.tanh })), ConfigError, ["received a function (tanh)", 'named activations only', 'expected one of']);
    expectError(() => new LSTM(untyped<LSTMOptions>({ units: 2, recurrentActivation: (v: number) => v })), ConfigError, ['received a function', 'named activations only']);
  });

  it("a rate given as a string is shown a valid rate to write", () => {
    expectError(() => new Dropout(untyped('0.5')), ConfigError, ['{ rate: 0.5 }', '"0.5"']);
  });
});

describe('tf.keras 2 habits that would otherwise go unread', () => {
  it("optimizer.lr, model.stop_training and fit's nb_epoch are ConfigErrors naming this package's spelling; the right ones still work", async () => {
    const model = new Sequential([new Dense(1, { inputShape: [2], seed: 1 })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const untypedOptimizer = untyped<{ lr: number }>(model.optimizer);
    expectError(() => { untypedOptimizer.lr = 0; }, ConfigError, ["lr is tf.keras 2's name; set optimizer.learningRate"]);
    expectError(() => untypedOptimizer.lr, ConfigError, ['it is optimizer.learningRate here']);
    expectError(() => { untyped<{ stop_training: boolean }>(model).stop_training = true; }, ConfigError, ["stop_training is Keras' name; set model.stopTraining = true"]);
    const x = tensor([[1, 2]]);
    const y = tensor([[1]]);
    await expect(model.fit(x, y, untyped({ nb_epoch: 2, verbose: 0 }))).rejects.toThrow("fit: unknown option 'nb_epoch' (Keras 1's name): it is 'epochs' here");
    model.optimizer.learningRate = 0.5;
    expect(model.optimizer.learningRate).toBe(0.5);
    const history = await model.fit(x, y, { epochs: 2, verbose: 0 });
    expect(history.epoch).toEqual([0, 1]);
  });
});
