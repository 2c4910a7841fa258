// cloneModel is Keras' clone_model: same architecture, fresh weights, nothing shared.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, cloneModel, Sequential, Input, Model, Dense, LSTM, Concatenate, ConfigError, DisposedError } from '../dist/index.js';
import { untyped } from './expect-error.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const x = tensor([[[0.1, 0.2], [0.3, -0.4], [0.5, 0.6]]]);

function sequential(): Sequential {
  const model = new Sequential({ name: 'seq' });
  model.add(new LSTM({ units: 3, inputShape: [3, 2], name: 'lstm' }));
  model.add(new Dense({ units: 1, name: 'out' }));
  return model;
}

describe('cloneModel', () => {
  it('copies a Sequential\'s architecture and names with weights of its own', () => {
    const model = sequential();
    const clone = cloneModel(model);
    expect(clone).toBeInstanceOf(Sequential);
    expect(clone).not.toBe(model);
    expect(clone.toJSON()).toBe(model.toJSON());
    expect(clone.layers.map((l) => l.name)).toEqual(['lstm', 'out']);
    expect(clone.layers.every((l, i) => l !== model.layers[i])).toBe(true);
    const own = model.getWeights();
    const fresh = clone.getWeights();
    expect(fresh.map((w) => w.shape)).toEqual(own.map((w) => w.shape));
    // Glorot and orthogonal draws, unseeded: a fresh kernel differs from the original.
    expect(Array.from(fresh[0].data)).not.toEqual(Array.from(own[0].data));
    clone.setWeights(own);
    expect(Array.from(clone.predict(x).data)).toEqual(Array.from(model.predict(x).data));
    // Nothing is shared: changing the clone leaves the original as it was.
    clone.setWeights(own.map((w) => tensor(new Float32Array(w.size), w.shape)));
    expect(Array.from(model.getWeights()[0].data)).toEqual(Array.from(own[0].data));
  });

  it('copies a functional model with several inputs', () => {
    const a = Input({ shape: [2], name: 'a' });
    const b = Input({ shape: [3], name: 'b' });
    const merged = new Concatenate({}).apply([a, b]);
    const model = new Model({ inputs: [a, b], outputs: new Dense({ units: 2, name: 'head' }).apply(merged), name: 'two' });
    const clone = cloneModel(model);
    expect(clone).toBeInstanceOf(Model);
    expect(clone.toJSON()).toBe(model.toJSON());
    expect(clone.inputShape).toEqual([[null, 2], [null, 3]]);
    clone.setWeights(model.getWeights());
    const inputs = [tensor([[1, 2]]), tensor([[3, 4, 5]])];
    expect(Array.from((clone.predict(inputs) as { data: Float32Array }).data)).toEqual(Array.from((model.predict(inputs) as { data: Float32Array }).data));
  });

  it('compiles the clone as Keras 3 does, with an optimizer of its own', async () => {
    const model = sequential();
    model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
    await model.fit(x, tensor([[1]]), { epochs: 1 });
    const clone = cloneModel(model);
    expect(clone.metricsNames).toEqual(['loss', 'mae']);
    expect(clone.optimizer).not.toBe(model.optimizer);
    expect(clone.optimizer.learningRate).toBe(model.optimizer.learningRate);
    expect(clone.optimizer.iterations).toBe(0);
    expect(cloneModel(sequential()).metricsNames).toEqual([]);
  });

  it('refuses what is not a model, and a disposed model', () => {
    expect(() => cloneModel(untyped<Sequential>(new Dense({ units: 1 })))).toThrow(ConfigError);
    const model = sequential();
    model.dispose();
    expect(() => cloneModel(model)).toThrow(DisposedError);
  });
});
