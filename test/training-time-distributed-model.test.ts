// Training through TimeDistributed of a model (a per-frame Sequential or functional model, Keras'
// video / CNN-LSTM idiom): the model's own training pass on the folded steps, computeGradients
// against central differences of a float64 forward pass, frozen models, and a fit before an LSTM.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ready, tensor, optimizers, Sequential, Model, Input, Dense, Conv1D, GlobalAveragePooling1D, Flatten, LSTM, TimeDistributed, ConfigError,
  type SymbolicTensor, type Tensor,
} from '../dist/index.js';
import { testKernelVariant } from './kernel-variant.js';
import { expectGradients, randomize, ref } from './model-gradient-check.js';
import { randomFloats, seededRandom } from './random.js';
import { convRef, globalPoolRef } from './reference/conv.js';
import { denseRef } from './reference/layers.js';
import type { ReferenceTensor } from './reference/index.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const reshape = (x: ReferenceTensor, shape: number[]): ReferenceTensor => ({ shape, data: x.data });

describe('TimeDistributed of a model trains (gradients against central differences of float64)', () => {
  it('TimeDistributed(Sequential[Dense(tanh), Dense]) -> Flatten -> Dense', () => {
    const [B, T, D] = [3, 4, 3];
    const perFrame = new Sequential({ layers: [new Dense({ units: 5, activation: 'tanh', inputShape: [D] }), new Dense({ units: 2 })] });
    const model = new Sequential({ layers: [new TimeDistributed(perFrame, { inputShape: [T, D] }), new Flatten(), new Dense({ units: 2 })] });
    randomize(model, 1);
    const random = seededRandom(2);
    const x = tensor(randomFloats(random, B * T * D, 1.5), [B, T, D]);
    const y = randomFloats(random, B * 2);
    expectGradients(model, x, y, ([k1, b1, k2, b2, k, b]) => {
      const frames = denseRef(denseRef(reshape(ref(x), [B * T, D]), k1, b1, 'tanh'), k2, b2, 'linear');
      return denseRef(reshape(frames, [B, T * 2]), k, b, 'linear');
    });
  });

  it('TimeDistributed(functional Conv1D(tanh) -> GlobalAveragePooling1D -> Dense) -> GlobalAveragePooling1D -> Dense', () => {
    const [B, T, L, C] = [2, 3, 6, 2];
    const frame = Input({ shape: [L, C] });
    const conv = new Conv1D({ filters: 3, kernelSize: 3, activation: 'tanh' }).apply(frame) as SymbolicTensor;
    const pooled = new GlobalAveragePooling1D().apply(conv) as SymbolicTensor;
    const perFrame = new Model({ inputs: frame, outputs: new Dense({ units: 4 }).apply(pooled) as SymbolicTensor });
    const model = new Sequential({ layers: [new TimeDistributed(perFrame, { inputShape: [T, L, C] }), new GlobalAveragePooling1D(), new Dense({ units: 2 })] });
    randomize(model, 3);
    const random = seededRandom(4);
    const x = tensor(randomFloats(random, B * T * L * C, 1.5), [B, T, L, C]);
    const y = randomFloats(random, B * 2);
    expectGradients(model, x, y, ([kc, bc, kd, bd, k, b]) => {
      const features = convRef(reshape(ref(x), [B * T, L, C]), kc, bc, { strides: [1], dilations: [1], padding: 'valid' }, 1, 'tanh');
      const frames = denseRef(globalPoolRef(features, 'average'), kd, bd, 'linear');
      return denseRef(globalPoolRef(reshape(frames, [B, T, 4]), 'average'), k, b, 'linear');
    });
  });

  it('a frozen TimeDistributed(model) keeps its weights while the rest trains; a partly frozen one is refused', async () => {
    const perFrame = new Sequential({ layers: [new Dense({ units: 3, inputShape: [2], seed: 1 }), new Dense({ units: 2, seed: 2 })] });
    const wrapped = new TimeDistributed(perFrame, { inputShape: [4, 2] });
    const model = new Sequential({ layers: [wrapped, new Flatten(), new Dense({ units: 1, seed: 3 })] });
    const x = tensor(randomFloats(seededRandom(5), 8 * 4 * 2, 1), [8, 4, 2]);
    const y = tensor(randomFloats(seededRandom(6), 8, 1), [8, 1]);
    perFrame.layers[0].trainable = false;
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(() => model.trainOnBatch(x, y)).toThrow(ConfigError);
    expect(() => model.trainOnBatch(x, y)).toThrow(/frozen layers/);
    wrapped.trainable = false;
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const before = model.getWeights().map((w) => Array.from(w.data));
    await model.fit(x, y, { epochs: 2, verbose: 0, seed: 1 });
    const after = model.getWeights().map((w) => Array.from(w.data));
    expect(after.slice(0, 4)).toEqual(before.slice(0, 4));
    expect(after[4]).not.toEqual(before[4]);
  });

  it('a per-frame CNN model before an LSTM fits (it was refused)', async () => {
    const [N, T, L, C] = [16, 4, 6, 1];
    const perFrame = new Sequential({ layers: [new Conv1D({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [L, C], seed: 1 }), new GlobalAveragePooling1D(), new Dense({ units: 3, seed: 2 })] });
    const model = new Sequential({ layers: [new TimeDistributed(perFrame, { inputShape: [T, L, C] }), new LSTM({ units: 4, seed: 3 }), new Dense({ units: 1, seed: 4 })] });
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: 'mse' });
    const x = tensor(randomFloats(seededRandom(7), N * T * L * C, 1), [N, T, L, C]);
    const y = tensor(Float32Array.from({ length: N }, (_, n) => x.data.slice(n * T * L, (n + 1) * T * L).reduce((s, v) => s + v, 0) / (T * L)), [N, 1]);
    const history = await model.fit(x, y, { epochs: 25, batchSize: 4, verbose: 0, seed: 2 });
    const losses = history.history.loss;
    expect(losses[losses.length - 1]).toBeLessThan(0.7 * losses[0]);
    expect((model.predict(x) as Tensor).shape).toEqual([N, 1]);
  });
});
