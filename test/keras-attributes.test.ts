// Keras' read-only model and layer attributes a ported notebook reads: metrics_names,
// input_shape / output_shape, trainable_weights / non_trainable_weights, dtype.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ready, tensor, Sequential, Input, Model, Dense, LSTM, BatchNormalization, TimeDistributed, ConfigError,
  Embedding, Bidirectional, Dropout, Conv1D, Masking, GlobalAveragePooling1D, GlobalMaxPooling1D, Attention, Flatten, Concatenate,
} from '../dist/index.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

describe('metricsNames', () => {
  it('is [] before compile and the keys of evaluate() after it, loss first', async () => {
    const model = new Sequential();
    model.add(new Dense({ units: 2, inputShape: [3], activation: 'softmax' }));
    expect(model.metricsNames).toEqual([]);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    expect(model.metricsNames).toEqual(['loss', 'accuracy']);
    const result = await model.evaluate(tensor([[1, 2, 3], [0, 1, 0]]), tensor([[0], [1]]));
    expect(Object.keys(result)).toEqual(model.metricsNames);
  });

  it('lists each output loss of a model with several outputs, as tf.keras 2 does', async () => {
    const x = Input({ shape: [3] });
    const model = new Model({ inputs: x, outputs: [new Dense({ units: 1, name: 'a' }).apply(x), new Dense({ units: 1, name: 'b' }).apply(x)] });
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: [['mae'], ['mae']] });
    const result = await model.evaluate(tensor([[1, 2, 3]]), [tensor([[1]]), tensor([[2]])]);
    // The same names as the logs, which come in Keras 3's order (the outputs' losses last).
    expect([...model.metricsNames].sort()).toEqual(Object.keys(result).sort());
    expect(model.metricsNames.slice(0, 3)).toEqual(['loss', 'a_loss', 'b_loss']);
    expect(Object.keys(result)).toEqual(['loss', 'a_mae', 'b_mae', 'a_loss', 'b_loss']);
  });
});

describe('outputNames', () => {
  it("is Keras' output_names: the output layers' names in output order, the keys compile's loss dict takes", async () => {
    const x = Input({ shape: [3] });
    const model = new Model({ inputs: x, outputs: [new Dense({ units: 1, name: 'score' }).apply(x), new Dense({ units: 2, name: 'label', activation: 'softmax' }).apply(x)] });
    expect(model.outputNames).toEqual(['score', 'label']);
    const [first, second] = model.outputNames;
    model.compile({ optimizer: 'sgd', loss: { [first]: 'mse', [second]: 'sparse_categorical_crossentropy' } });
    expect(model.metricsNames).toEqual(['loss', 'score_loss', 'label_loss']);
    const chain = new Sequential([new Dense({ units: 2, inputShape: [3], name: 'hidden' }), new Dense({ units: 1, name: 'out' })]);
    expect(chain.outputNames).toEqual(['out']);
  });
});

describe('inputNames', () => {
  it("is tf.keras 2's input_names: the input layers' names in input order, the keys of a dict of inputs", () => {
    const tokens = Input({ shape: [4], name: 'tokens' });
    const extra = Input({ shape: [2] });
    const model = new Model({ inputs: [tokens, extra], outputs: new Concatenate().apply([tokens, extra]) });
    expect(model.inputNames).toHaveLength(2);
    expect(model.inputNames[0]).toBe('tokens');
    // Keras 3 names an unnamed Input input_layer, input_layer_1, ...
    expect(model.inputNames[1]).toMatch(/^input_layer(_\d+)?$/);
    const byName = model.predict({ [model.inputNames[1]]: tensor([[5, 6]]), tokens: tensor([[1, 2, 3, 4]]) });
    expect(Array.from(byName.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const chain = new Sequential([new Dense({ units: 1, inputShape: [3], name: 'only' })]);
    expect(chain.inputNames).toHaveLength(1);
    expect(chain.inputNames[0]).toMatch(/^input_layer(_\d+)?$/);
    expect(() => new Sequential().inputNames).toThrow(ConfigError);
  });
});

describe('inputShape and outputShape', () => {
  it('are the shapes with a null batch axis for a Sequential', () => {
    const model = new Sequential();
    model.add(new LSTM({ units: 4, inputShape: [5, 3], returnSequences: true }));
    model.add(new Dense({ units: 2 }));
    expect(model.inputShape).toEqual([null, 5, 3]);
    expect(model.outputShape).toEqual([null, 5, 2]);
  });

  it('are lists for a model with several inputs and outputs, and keep a fixed batch', () => {
    const a = Input({ shape: [3], name: 'a' });
    const b = Input({ batchShape: [2, 4], name: 'b' });
    const model = new Model({ inputs: [a, b], outputs: [new Dense({ units: 1 }).apply(a), new Dense({ units: 5 }).apply(b)] });
    expect(model.inputShape).toEqual([[null, 3], [2, 4]]);
    expect(model.outputShape).toEqual([[null, 1], [2, 5]]);
  });

  it('says an unbuilt Sequential has none, as Keras raises', () => {
    const model = new Sequential();
    model.add(new Dense({ units: 2 }));
    expect(() => model.inputShape).toThrow(ConfigError);
  });
});

describe('weights, trainableWeights and nonTrainableWeights', () => {
  it('split BatchNormalization into gamma, beta and the moving statistics', () => {
    const bn = new BatchNormalization({});
    bn.build([null, 3]);
    const weights = bn.getWeights();
    expect(weights).toHaveLength(4);
    expect(bn.trainableWeights.map((w) => w.data)).toEqual([weights[0].data, weights[1].data]);
    expect(bn.nonTrainableWeights.map((w) => w.data)).toEqual([weights[2].data, weights[3].data]);
    expect(bn.weights.map((w) => w.data)).toEqual(weights.map((w) => w.data));
  });

  it('hold every weight of a frozen layer as non-trainable, and none of an unbuilt one', () => {
    const dense = new Dense({ units: 2, trainable: false });
    expect(dense.trainableWeights).toEqual([]);
    expect(dense.nonTrainableWeights).toEqual([]);
    expect(dense.weights).toEqual([]);
    dense.build([null, 3]);
    expect(dense.trainableWeights).toEqual([]);
    expect(dense.nonTrainableWeights.map((w) => w.shape)).toEqual([[3, 2], [2]]);
  });

  it('are a model\'s weights filtered in getWeights() order (Keras 3), nested and wrapped models included', () => {
    const inner = new Sequential({ name: 'inner' });
    inner.add(new Dense({ units: 2, inputShape: [3], name: 'frozen', trainable: false }));
    inner.add(new BatchNormalization({ name: 'bn' }));
    const model = new Sequential();
    model.add(new Dense({ units: 3, inputShape: [3], name: 'first' }));
    model.add(inner);
    model.add(new Dense({ units: 1, name: 'last' }));
    const shapes = (ws: { shape: readonly number[] }[]) => ws.map((w) => w.shape);
    // Keras 3: first/kernel, first/bias, bn/gamma, bn/beta, last/kernel, last/bias are trained.
    expect(shapes(model.trainableWeights)).toEqual([[3, 3], [3], [2], [2], [2, 1], [1]]);
    expect(shapes(model.nonTrainableWeights)).toEqual([[3, 2], [2], [2], [2]]);
    expect(model.trainableWeights.length + model.nonTrainableWeights.length).toBe(model.getWeights().length);
    // Keras 3's model.weights: layer by layer, each layer's trainable then non-trainable ones, whether frozen or not.
    expect(shapes(model.weights)).toEqual([[3, 3], [3], [3, 2], [2], [2], [2], [2], [2], [2, 1], [1]]);
    expect(model.weights.map((w) => w.data)).toEqual(model.getWeights().map((w) => w.data));
    const wrapped = new TimeDistributed(inner);
    wrapped.build([null, 4, 3]);
    expect(shapes(wrapped.trainableWeights)).toEqual([[2], [2]]);
    model.trainable = false;
    expect(model.trainableWeights).toEqual([]);
    expect(model.nonTrainableWeights).toHaveLength(10);
  });
});

describe('supportsMasking', () => {
  it("is Keras 3's supports_masking: the TensorFlow text-classification tutorial's list, and the layers Keras sets it on or not", () => {
    // Keras 3 sets it false on RNN, Bidirectional and TimeDistributed; Embedding's is mask_zero.
    const model = new Sequential([
      new Embedding(100, 8, { maskZero: true }), new Bidirectional(new LSTM(4, { returnSequences: true })),
      new Bidirectional(new LSTM(4)), new Dense(4, { activation: 'relu' }), new Dropout(0.5), new Dense(1),
    ]);
    expect(model.layers.map((layer) => layer.supportsMasking)).toEqual([true, false, false, true, true, true]);
    expect([new Embedding(10, 2), new LSTM(2), new Conv1D(2, 3), new GlobalMaxPooling1D(), new Flatten(), new TimeDistributed(new Dense(2))].map((l) => l.supportsMasking)).toEqual([false, false, false, false, false, false]);
    expect([new Masking(0), new GlobalAveragePooling1D(), new Attention(), new BatchNormalization()].map((l) => l.supportsMasking)).toEqual([true, true, true, true]);
  });
});

describe('dtype', () => {
  it("is 'float32' for layers and models, and an Input's declared dtype for its InputLayer", () => {
    const ids = Input({ shape: [4], dtype: 'int32' });
    const model = new Model({ inputs: ids, outputs: new Dense({ units: 1 }).apply(ids) });
    expect(new LSTM({ units: 2 }).dtype).toBe('float32');
    expect(model.dtype).toBe('float32');
    expect(model.layers[0].dtype).toBe('int32');
  });
});
