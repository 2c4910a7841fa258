// cloneModel is Keras' clone_model: same architecture, fresh weights, nothing shared.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, cloneModel, modelFromJson, Sequential, Input, Model, Dense, LSTM, Attention, Concatenate, ConfigError, DisposedError, type Tensor } from '../dist/index.js';
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

describe('configs that keep what a call computed with: copies, JSON and files predict the same', () => {
  const X = tensor([[[1], [2], [3]]]);
  /** Every rebuilt copy of `model` (its weights set from it) and what it predicts on `input`. */
  async function copies(model: Model, input: typeof X): Promise<[string, number[][]][]> {
    const { loadModel, saveModel } = await import('../dist/io/keras.js');
    const rebuilt: [string, Model | Sequential][] = [
      ['fromConfig', Model.fromConfig(model.getConfig())], ['clone', cloneModel(model)],
      ['json 2', modelFromJson(model.toJSON({ kerasVersion: 2 }))], ['json 3', modelFromJson(model.toJSON({ kerasVersion: 3 }))],
    ];
    for (const [, copy] of rebuilt) copy.setWeights(model.getWeights());
    for (const format of ['keras', 'h5'] as const) rebuilt.push([format, await loadModel(await saveModel(model, { format }))]);
    return rebuilt.map(([name, copy]) => [name, copy.predictAll(input).map((t) => Array.from(t.data))]);
  }

  it("Attention's useCausalMask and returnAttentionScores are written in the node's kwargs, as Keras writes node.arguments.kwargs", async () => {
    const q = Input({ shape: [3, 1], name: 'q' });
    const causal = new Attention({ name: 'causal' }).apply([q, q], { useCausalMask: true });
    const [out, scores] = new Attention({ name: 'scored' }).apply([q, q], { returnAttentionScores: true });
    const model = new Model({ inputs: q, outputs: [causal, out, scores] });
    const expected = model.predictAll(X).map((t) => Array.from(t.data));
    // Causal: the first step attends to itself alone.
    expect(expected[0][0]).toBe(1);
    for (const [name, got] of await copies(model, X)) expect(got, name).toEqual(expected);
    const nodes = (JSON.parse(model.toJSON()) as { config: { layers: { name: string; inbound_nodes: { kwargs: Record<string, unknown> }[] }[] } }).config.layers;
    expect(nodes.find((l) => l.name === 'causal')?.inbound_nodes[0]?.kwargs).toMatchObject({ use_causal_mask: true });
    expect(nodes.find((l) => l.name === 'scored')?.inbound_nodes[0]?.kwargs).toMatchObject({ return_attention_scores: true });
  });

  it("a layer shared at two depths (A, B, then A on B's output) is rebuilt, as Keras' functional_from_config retries a node whose inputs come later", async () => {
    const i = Input({ shape: [2], name: 'i' });
    const shared = new Dense(2, { name: 's', seed: 1 });
    const model = new Model({ inputs: i, outputs: shared.apply(new Dense(2, { name: 'mid', seed: 2 }).apply(shared.apply(i))) });
    const input = tensor([[1, 2]]);
    const expected = [Array.from((model.predict(input) as Tensor).data)];
    for (const [name, got] of await copies(model, untyped(input))) expect(got, name).toEqual(expected);
  });

  it("a Keras 2 model's clone computes as Keras 2 (hard_sigmoid 0.2x + 0.5); cloneModel takes the model alone", () => {
    const model = new Sequential([new LSTM({ units: 2, recurrentActivation: 'hard_sigmoid', kerasVersion: 2, inputShape: [3, 2], seed: 3 })]);
    const copy = cloneModel(model);
    copy.setWeights(model.getWeights());
    expect(Array.from((copy.predict(x) as Tensor).data)).toEqual(Array.from((model.predict(x) as Tensor).data));
    const clone = cloneModel as (...args: unknown[]) => unknown;
    expect(() => clone(model, { inputTensors: [Input({ shape: [3, 2] })] })).toThrow(ConfigError);
    expect(() => clone(model, { cloneFunction: (layer: unknown) => layer })).toThrow(/cloneModel\(model\) takes the model alone, received 2 arguments: Keras' input_tensors, clone_function/);
  });
});
