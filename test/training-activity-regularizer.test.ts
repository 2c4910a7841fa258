// Every layer's activityRegularizer option, Keras' activity_regularizer (keras/src/layers/layer.py,
// Layer.__call__): regularizer(output) / batch for each output of the call (an RNN's states of
// returnState too), in the loss of fit, trainOnBatch and evaluate; its gradient against central
// differences of the float64 forward pass and penalty. The config key is read and written as
// Keras 2 and 3 write it; what Keras itself does not count (a layer inside TimeDistributed, whose
// call() Keras 3 calls) adds nothing, and what cannot be counted here is refused by name.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ready, tensor, regularizers, Sequential, Model, Input, Dense, LSTM, Bidirectional, Dropout, Flatten, TimeDistributed, ActivityRegularization,
  L1L2, L2, ConfigError, deserializeLayer, modelFromConfig, type SymbolicTensor, type Tensor,
} from '../dist/index.js';
import { upgradeKeras1Config } from '../dist/io/keras1-config.js';
import { testKernelVariant } from './kernel-variant.js';
import { expectGradients, mse, randomize, ref } from './model-gradient-check.js';
import { randomFloats, seededRandom } from './random.js';
import { denseRef, recurrentSpec } from './reference/layers.js';
import { referenceRecurrent, type ReferenceTensor } from './reference/index.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

/** Keras' L1L2 of one output, divided by its batch size (the first axis). */
function penaltyOf(output: ReferenceTensor, l1: number, l2: number): number {
  return output.data.reduce((s, v) => s + l1 * Math.abs(v) + l2 * v * v, 0) / output.shape[0];
}

describe('activityRegularizer in training: the penalty of each output, over its batch, in the loss', () => {
  const [B, T, D, H] = [4, 3, 2, 3];

  it("Dense's: gradients against central differences of the float64 loss with the penalty", () => {
    const [l1, l2] = [0.02, 0.3];
    const model = new Sequential({ layers: [
      new Dense({ units: H, activation: 'tanh', inputShape: [D], activityRegularizer: regularizers.l1l2({ l1, l2 }) }), new Dense({ units: 2 }),
    ] });
    randomize(model, 3);
    const x = tensor(randomFloats(seededRandom(4), B * D, 1.5), [B, D]);
    const y = randomFloats(seededRandom(5), B * 2);
    const hidden = (w: ReferenceTensor[]) => denseRef(ref(x), w[0], w[1], 'tanh');
    expectGradients(model, x, y, (w) => denseRef(hidden(w), w[2], w[3], 'linear'), true, (w) => penaltyOf(hidden(w), l1, l2));
  });

  /** Input -> LSTM(returnSequences, returnState, activity L2) -> Dense on h: the loss reads h only, the penalty all three outputs. */
  function lstmModel(activityRegularizer: unknown): Model {
    const input = Input({ shape: [T, D] });
    const [, h] = new LSTM({ units: H, returnSequences: true, returnState: true, activityRegularizer: activityRegularizer as L2 }).apply(input) as SymbolicTensor[];
    const model = new Model({ inputs: input, outputs: new Dense({ units: 2 }).apply(h) as SymbolicTensor });
    randomize(model, 6, 0.6);
    return model;
  }
  const lstmOutputs = (x: Tensor, w: ReferenceTensor[]) => referenceRecurrent(recurrentSpec('LSTM', H, { returnSequences: true, returnState: true }), w.slice(0, 3), ref(x));

  it("an LSTM's with returnState: the sequence, h and c each add theirs, and their gradients reach the weights", () => {
    const model = lstmModel('l2');
    const x = tensor(randomFloats(seededRandom(7), B * T * D, 1), [B, T, D]);
    const y = randomFloats(seededRandom(8), B * 2);
    const added = (w: ReferenceTensor[]) => lstmOutputs(x, w).reduce((s, output) => s + penaltyOf(output, 0, 0.01), 0);
    expectGradients(model, x, y, (w) => denseRef(lstmOutputs(x, w)[1], w[3], w[4], 'linear'), true, added);
  });

  it("trainOnBatch's and evaluate's loss is the mse plus the penalties; predict is unchanged", async () => {
    const model = lstmModel({ class_name: 'L1L2', config: { l1: 0.05, l2: 0.1 } });
    const plain = lstmModel(null);
    plain.setWeights(model.getWeights());
    const x = tensor(randomFloats(seededRandom(9), B * T * D, 1), [B, T, D]);
    const y = tensor(randomFloats(seededRandom(10), B * 2), [B, 2]);
    const w = model.getWeights().map(ref);
    const outputs = lstmOutputs(x, w);
    const added = outputs.reduce((s, output) => s + penaltyOf(output, 0.05, 0.1), 0);
    const want = mse(denseRef(outputs[1], w[3], w[4], 'linear'), y.data) + added;
    expect(added).toBeGreaterThan(0.1 * want);
    for (const m of [model, plain]) m.compile({ optimizer: 'sgd', loss: 'mse' });
    expect((model.predict(x) as Tensor).data).toEqual((plain.predict(x) as Tensor).data);
    const evaluated = (await model.evaluate(x, y, { verbose: 0 })).loss;
    expect(Math.abs(evaluated - want)).toBeLessThan(1e-5 * want);
    expect(Math.abs(model.testOnBatch(x, y).loss - want)).toBeLessThan(1e-5 * want);
    expect(Math.abs(model.trainOnBatch(x, y).loss - want)).toBeLessThan(1e-5 * want);
  });

  it('fit lowers the penalised loss, and the penalty pulls the activations toward zero against the plain fit', async () => {
    const make = (activityRegularizer?: L2) => {
      const model = new Sequential({ layers: [new Dense({ units: 8, activation: 'relu', inputShape: [D], activityRegularizer }), new Dense({ units: 1 })] });
      randomize(model, 11, 0.5);
      model.compile({ optimizer: 'adam', loss: 'mse' });
      return model;
    };
    const x = tensor(randomFloats(seededRandom(12), 32 * D, 1), [32, D]);
    const y = tensor(Float32Array.from({ length: 32 }, (_, i) => x.data[2 * i] - 2 * x.data[2 * i + 1]), [32, 1]);
    const strong = make(new L2(0.5));
    const plain = make();
    plain.setWeights(strong.getWeights());
    const history = await strong.fit(x, y, { epochs: 30, batchSize: 8, verbose: 0, shuffle: false });
    await plain.fit(x, y, { epochs: 30, batchSize: 8, verbose: 0, shuffle: false });
    expect(history.history.loss.at(-1)).toBeLessThan(history.history.loss[0]);
    const hiddenSquares = (m: Sequential) => {
      const hidden = new Model({ inputs: m.input, outputs: m.layers[0].output });
      return (hidden.predict(x) as Tensor).data.reduce((s, v) => s + v * v, 0);
    };
    expect(hiddenSquares(strong)).toBeLessThan(0.8 * hiddenSquares(plain));
  });

  it("a layer's inside TimeDistributed adds nothing (Keras 3 calls its call()), the TimeDistributed's own adds its penalty", () => {
    const x = tensor(randomFloats(seededRandom(13), B * T * D, 1), [B, T, D]);
    const y = tensor(randomFloats(seededRandom(14), B), [B, 1]);
    const loss = (inner: L2 | undefined, outer: L2 | undefined) => {
      const model = new Sequential({ layers: [
        new TimeDistributed(new Dense({ units: H, activityRegularizer: inner, kernelInitializer: 'ones' }), { inputShape: [T, D], activityRegularizer: outer }),
        new Flatten(), new Dense({ units: 1, kernelInitializer: 'ones' }),
      ] });
      model.compile({ optimizer: 'sgd', loss: 'mse' });
      return { loss: model.testOnBatch(x, y).loss, hidden: ref(new Model({ inputs: model.input, outputs: model.layers[0].output }).predict(x) as Tensor) };
    };
    const none = loss(undefined, undefined);
    expect(loss(new L2(10), undefined).loss).toBe(none.loss);
    const outer = loss(undefined, new L2(10));
    expect(Math.abs(outer.loss - (none.loss + penaltyOf(none.hidden, 0, 10)))).toBeLessThan(1e-5 * outer.loss);
  });

  it('what cannot be counted here is refused by name: a Bidirectional direction, a layer of a model in TimeDistributed, Orthogonal on a rank-3 output', async () => {
    const x = tensor(randomFloats(seededRandom(15), 2 * T * D, 1), [2, T, D]);
    const y = tensor(new Float32Array(2), [2, 1]);
    const bidirectional = new Sequential({ layers: [new Bidirectional(new LSTM({ units: H, activityRegularizer: 'l2' }), { inputShape: [T, D] }), new Dense({ units: 1 })] });
    bidirectional.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(() => bidirectional.trainOnBatch(x, y)).toThrow(ConfigError);
    expect(() => bidirectional.trainOnBatch(x, y)).toThrow(/trainOnBatch cannot add the activity penalty of LSTM forward_lstm\S* inside Bidirectional \(Keras adds it on each direction's output before the merge\); give the activityRegularizer to the Bidirectional itself/);
    expect(() => bidirectional.testOnBatch(x, y)).toThrow(/testOnBatch cannot add the activity penalty of LSTM forward_lstm/);
    await expect(bidirectional.evaluate(x, y)).rejects.toThrow(/evaluate cannot add the activity penalty/);
    // The penalty on the merged output is the Bidirectional's own, which trains.
    const merged = new Sequential({ layers: [new Bidirectional(new LSTM({ units: H }), { inputShape: [T, D], activityRegularizer: 'l2' }), new Dense({ units: 1 })] });
    merged.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(Number.isFinite(merged.trainOnBatch(x, y).loss)).toBe(true);

    const perFrame = new Sequential({ layers: [new Dense({ units: 3, inputShape: [D], activityRegularizer: 'l1' })] });
    const wrapped = new Sequential({ layers: [new TimeDistributed(perFrame, { inputShape: [T, D] }), new Flatten(), new Dense({ units: 1 })] });
    wrapped.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(() => wrapped.trainOnBatch(x, y)).toThrow(/trainOnBatch cannot add the activity penalty of Dense dense\S* inside TimeDistributed \(Keras adds it once per time step\); give the activityRegularizer to the TimeDistributed itself/);
    expect(() => wrapped.testOnBatch(x, y)).toThrow(/testOnBatch cannot add the activity penalty/);

    const orthogonal = new Sequential({ layers: [new LSTM({ units: H, returnSequences: true, inputShape: [T, D], activityRegularizer: 'orthogonal_regularizer' }), new Flatten(), new Dense({ units: 1 })] });
    orthogonal.compile({ optimizer: 'sgd', loss: 'mse' });
    const before = orthogonal.getWeights().map((w) => Array.from(w.data));
    expect(() => orthogonal.trainOnBatch(x, y)).toThrow(/option 'activityRegularizer': OrthogonalRegularizer needs an output of rank 2/);
    expect(orthogonal.getWeights().map((w) => Array.from(w.data))).toEqual(before);
  });
});

describe('activityRegularizer as an option and a config key', () => {
  it("takes what a weight regularizer takes; a bad value is a ConfigError naming the option", () => {
    expect(new Dense({ units: 2, activityRegularizer: 'l2' }).activityRegularizer).toBeInstanceOf(L2);
    expect(new Dropout({ rate: 0.1, activityRegularizer: regularizers.l1(0.3) }).activityRegularizer?.getConfig()).toEqual({ l1: 0.3 });
    expect(new LSTM({ units: 2 }).activityRegularizer).toBe(null);
    expect(() => new Dense({ units: 2, activityRegularizer: 'l3' as never })).toThrow(/option 'activityRegularizer'/);
    expect(() => new Dense({ units: 2, activityRegularizer: 0.01 as never })).toThrow(ConfigError);
  });

  it("getConfig writes it where Keras does: always for Dense, the convolutions, the RNNs and Embedding (null for none), only when given elsewhere; fromConfig reads it back", () => {
    expect(new Dense({ units: 2 }).getConfig().activity_regularizer).toBe(null);
    expect(new LSTM({ units: 2 }).getConfig()).toHaveProperty('activity_regularizer', null);
    expect(new Dropout({ rate: 0.1 }).getConfig()).not.toHaveProperty('activity_regularizer');
    const dropout = new Dropout({ rate: 0.1, activityRegularizer: new L1L2({ l1: 0.1, l2: 0.2 }) });
    expect(dropout.getConfig().activity_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0.1, l2: 0.2 } });
    for (const layer of [dropout, new LSTM({ units: 2, activityRegularizer: 'l2' }), new Dense({ units: 3, activityRegularizer: regularizers.l1(0.5) })]) {
      const back = deserializeLayer({ class_name: layer.className, config: layer.getConfig() });
      expect(back.activityRegularizer?.className).toBe(layer.activityRegularizer?.className);
      expect(back.activityRegularizer?.getConfig()).toEqual(layer.activityRegularizer?.getConfig());
      expect(back.getConfig()).toEqual(layer.getConfig());
    }
  });

  it("reads Keras 3's and tf.keras 2's spellings in a model config", () => {
    const keras3 = { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.004 }, registered_name: null };
    const model = modelFromConfig({ class_name: 'Sequential', config: { name: 'sequential', layers: [
      { class_name: 'InputLayer', config: { batch_shape: [null, 3], dtype: 'float32', name: 'input_layer' } },
      { class_name: 'Dense', config: { name: 'dense', units: 2, activation: 'linear', activity_regularizer: keras3 } },
      { class_name: 'Dense', config: { name: 'dense_1', units: 1, activity_regularizer: { class_name: 'L1L2', config: { l1: 0.0, l2: 0.25 } } } },
    ] } });
    const [first, second] = model.layers;
    expect(first.activityRegularizer?.getConfig()).toEqual({ l2: 0.004 });
    expect(second.activityRegularizer?.getConfig()).toEqual({ l1: 0, l2: 0.25 });
  });

  it("a Keras 1 config's activity_regularizer (L1L2Regularizer, ActivityRegularizer) becomes Keras 2's L1L2; null stays none", () => {
    const upgraded = upgradeKeras1Config({ class_name: 'Sequential', config: [
      { class_name: 'Dense', config: { name: 'a', output_dim: 2, input_dim: 3, activity_regularizer: { name: 'ActivityRegularizer', l1: 0.1, l2: 0 } } },
      { class_name: 'LSTM', config: { name: 'b', output_dim: 2, activity_regularizer: { name: 'L1L2Regularizer', l1: 0, l2: 0.2 } } },
      { class_name: 'Dense', config: { name: 'c', output_dim: 1, activity_regularizer: null } },
    ] }, { file: 'keras1.h5' } as never) as { config: { class_name: string; config: Record<string, unknown> }[] };
    const [a, b, c] = upgraded.config.map((l) => l.config);
    expect(a.activity_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0.1, l2: 0 } });
    expect(b.activity_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.2 } });
    expect('activity_regularizer' in c).toBe(false);
  });

  it("ActivityRegularization's own is L1L2 of l1 and l2, left out of its config as Keras 3 does; it takes no other", () => {
    const layer = new ActivityRegularization({ l1: 0.1, l2: 0.2 });
    expect(layer.activityRegularizer).toBeInstanceOf(L1L2);
    expect(layer.activityRegularizer.getConfig()).toEqual({ l1: 0.1, l2: 0.2 });
    expect(layer.getConfig()).not.toHaveProperty('activity_regularizer');
    expect(() => new ActivityRegularization({ l1: 0.1, activityRegularizer: 'l2' } as never)).toThrow(/ActivityRegularization takes no option 'activityRegularizer'/);
  });
});
