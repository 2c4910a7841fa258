// Keras' feature extraction: layer.input / layer.output and model.input(s) / model.output(s), so
// that `new Model({ inputs: model.input, outputs: model.getLayer('lstm').output })` gives the
// intermediate values of a trained model. Keras 3's rules (keras/src/ops/operation.py,
// Operation.input/output and _get_node_attribute_at_index): a layer's input and output are those
// of its first call (node 0), one tensor or a list when the call had several; a layer never called
// has none (Keras: "has never been called and thus has no defined output", here a ConfigError).
// A model's input and output are its own (Keras 3's Functional.input/output), not the tensors a
// model around it calls it on. The expected numbers come from the float64 reference, and from the
// same layers applied one by one on data.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  ShapeError,
  Concatenate,
  Dense,
  Embedding,
  GRU,
  Input,
  LSTM,
  Layer,
  Model,
  Sequential,
  optimizers,
  tensor,
  type Shape,
  type SymbolicTensor,
  type Tensor,
} from '../dist/index.js';
import { loadModel, ready, saveModel } from '../dist/io/keras.js';
import { expectError } from './expect-error.js';
import { expectSame, expectSameWeights, list, one, randomTensor, randomizeWeights, referenceOutputs, toRef } from './model-helpers.js';
import { expectClose } from './expect-close.js';
import { denseRef, recurrentSpec } from './reference/index.js';
import { seededRandom } from './random.js';

beforeAll(async () => {
  await ready();
});

const random = seededRandom(2613);
const x = randomTensor(random, [3, 6, 4]);

/** LSTM(5, sequences) -> GRU(3) -> Dense(2), declared input [6, 4]. */
function sequentialModel() {
  const lstm = new LSTM(5, { inputShape: [6, 4], returnSequences: true, name: 'fe_lstm' });
  const gru = new GRU(3, { name: 'fe_gru' });
  const dense = new Dense(2, { name: 'fe_dense' });
  const model = new Sequential([lstm, gru, dense]);
  randomizeWeights(model, random);
  return { model, lstm, gru, dense };
}

describe('Sequential: model.input and a layer output make a sub-model', () => {
  it('predicts the LSTM features the float64 reference computes, and the layers applied one by one', () => {
    const { model, lstm, gru } = sequentialModel();
    const features = new Model({ inputs: model.input, outputs: model.getLayer('fe_lstm').output });
    const got = one(features.predict(x));
    expect([...got.shape]).toEqual([3, 6, 5]);
    expectClose(got, referenceOutputs(recurrentSpec('LSTM', 5, { returnSequences: true }), undefined, lstm.getWeights(), x));
    expectSame(got, lstm.apply(x));
    // Two layers deep: the GRU's output on the LSTM's, as applying them on data gives it.
    const deeper = new Model({ inputs: model.inputs, outputs: gru.output });
    expectSame(deeper.predict(x), gru.apply(lstm.apply(x)));
    // The last layer's output is the model's.
    expect(model.output).toBe(model.layers[2]?.output);
    expect(model.outputs).toEqual([model.output]);
    expect(model.inputs).toEqual([model.input]);
  });

  it('[layer.output for each layer] gives every intermediate value at once', () => {
    const { model, lstm, gru, dense } = sequentialModel();
    const all = new Model({ inputs: model.input, outputs: model.layers.map((layer) => layer.output as SymbolicTensor) });
    const [a, b, c] = list(all.predict(x));
    expectSame(a as Tensor, lstm.apply(x));
    expectSame(b as Tensor, gru.apply(lstm.apply(x)));
    expectSame(c as Tensor, dense.apply(gru.apply(lstm.apply(x))));
    expectSame(c as Tensor, model.predict(x));
  });

  it('an Input() first, or build(), gives the model an input; before that it has none', () => {
    const withInput = new Sequential([Input({ shape: [6, 4] }), new LSTM(2, { name: 'after_input' })]);
    expect(withInput.input.shape).toEqual([null, 6, 4]);
    expect(withInput.getLayer('after_input').input).toBe(withInput.input);

    const lazy = new Sequential([new Dense(2, { name: 'lazy_dense' })]);
    expectError(() => lazy.input, ConfigError, [lazy.name, 'not yet been built', 'inputShape']);
    expectError(() => lazy.outputs, ConfigError, [lazy.name, 'not yet been built']);
    expectError(() => lazy.getLayer('lazy_dense').output, ConfigError, ['lazy_dense', 'never been called', 'no defined output']);
    lazy.predict(tensor(new Float32Array(6), [2, 3]));
    expect(lazy.input.shape).toEqual([null, 3]);
    const sub = new Model({ inputs: lazy.input, outputs: lazy.getLayer('lazy_dense').output });
    expect(sub.layers.map((l) => l.className)).toEqual(['InputLayer', 'Dense']);
  });

  it('pop() leaves the kept layers their one call; a rebuilt trace replaces the old calls', () => {
    const { model, lstm, gru } = sequentialModel();
    model.pop();
    expect(lstm.inboundNodes.length).toBe(1);
    expect(model.output).toBe(gru.output);
    expectSame(model.predict(x), gru.apply(lstm.apply(x)));

    // An Embedding declares (None, None); build() with a length traces the chain again.
    const embedding = new Embedding(10, 4, { name: 'fe_embedding' });
    const ids = new Sequential([embedding, new LSTM(3)]);
    ids.build([null, 7]);
    expect(embedding.inboundNodes.length).toBe(1);
    expect(embedding.input).toBe(ids.input);
    expect(embedding.output.shape).toEqual([null, 7, 4]);
    const tokens = tensor(Int32Array.from([1, 2, 3, 4, 5, 6, 7]), [1, 7]);
    expectSame(new Model({ inputs: ids.input, outputs: embedding.output }).predict(tokens), embedding.apply(tokens));
  });
});

describe('functional models', () => {
  /** An LSTM with returnState feeding a Dense through its h, and a Concatenate of h and c. */
  function stateModel() {
    const inp = Input({ shape: [6, 4], name: 'fe_in' });
    const lstm = new LSTM({ units: 4, returnState: true, name: 'fe_state_lstm' });
    const [, h, c] = lstm.apply(inp);
    const joined = new Concatenate({ name: 'fe_concat' }).apply([h, c]);
    const model = new Model({ inputs: inp, outputs: new Dense(1, { name: 'fe_head' }).apply(joined) });
    randomizeWeights(model, random);
    return { model, lstm, h, c };
  }

  it("a returnState layer's output is [output, h, c], as Keras 3 gives it", () => {
    const { model, lstm, h, c } = stateModel();
    const output = model.getLayer('fe_state_lstm').output;
    expect(Array.isArray(output) && output.length).toBe(3);
    const [, hOut, cOut] = lstm.output;
    expect(hOut).toBe(h);
    expect(cOut).toBe(c);
    expect(lstm.input).toBe(model.input);
    const states = new Model({ inputs: model.input, outputs: lstm.output }).predict(x);
    const expected = referenceOutputs(recurrentSpec('LSTM', 4, { returnState: true }), undefined, lstm.getWeights(), x);
    expectClose(states, expected);
    // A merge's input is the list it was called on.
    expect(model.getLayer('fe_concat').input).toEqual([h, c]);
  });

  it('every layer of model.layers, the InputLayer included, as outputs', () => {
    const { model, lstm } = stateModel();
    const outputs = model.layers.map((layer) => layer.output).flat();
    const values = list(new Model({ inputs: model.input, outputs }).predict(x));
    // input, then LSTM's output, h, c, then the concatenation, then the head.
    expect(values.length).toBe(6);
    expectSame(values[0] as Tensor, x);
    const direct = list(lstm.apply(x));
    direct.forEach((t, i) => expectSame(values[1 + i] as Tensor, t));
    const head = model.getLayer('fe_head');
    const [kernel, bias] = head.getWeights();
    const joined = toRef(values[4] as Tensor);
    expectClose(values[5] as Tensor, denseRef(joined, toRef(kernel as Tensor), toRef(bias as Tensor), 'linear'));
    expectSame(values[5] as Tensor, model.predict(x));
  });

  it("a layer called twice gives its first call's input and output (Keras' node 0)", () => {
    const a = Input({ shape: [3] });
    const b = Input({ shape: [3] });
    const shared = new Dense(2, { name: 'fe_shared' });
    const first = shared.apply(a);
    const second = shared.apply(b);
    expect(shared.inboundNodes.length).toBe(2);
    expect(shared.output).toBe(first);
    expect(shared.input).toBe(a);
    expect(shared.inboundNodes[1]?.outputs[0]).toBe(second);
  });

  it('never called: ConfigError naming the layer, and the next call works', () => {
    const dense = new Dense(2, { name: 'fe_unused' });
    expectError(() => dense.output, ConfigError, ['fe_unused', 'never been called', 'no defined output']);
    expectError(() => dense.input, ConfigError, ['fe_unused', 'never been called', 'no defined input']);
    const inp = Input({ shape: [3] });
    expect(dense.apply(inp)).toBe(dense.output);
    expect(dense.input).toBe(inp);
  });
});

describe('the sub-model shares the layers', () => {
  it('training the sub-model changes the model, and setting the model changes the sub-model', async () => {
    const { model, lstm } = sequentialModel();
    const features = new Model({ inputs: model.input, outputs: lstm.output });
    const before = model.predict(x);
    const weightsBefore = model.getWeights();
    features.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'mse' });
    const y = randomTensor(random, [3, 6, 5]);
    await features.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0 });
    expectSameWeights(model.getWeights().slice(0, 3), features.getWeights());
    // The LSTM's three weights moved; the GRU and the Dense after it, outside the sub-model, did not.
    model.getWeights().slice(0, 3).forEach((w, i) => expect(Array.from(w.data)).not.toEqual(Array.from((weightsBefore[i] as Tensor).data)));
    expectSameWeights(model.getWeights().slice(3), weightsBefore.slice(3));
    expect(Array.from(model.predict(x).data)).not.toEqual(Array.from(before.data));

    const fresh = model.getWeights().map((w) => randomTensor(random, [...w.shape], 0.5));
    model.setWeights(fresh);
    expectSameWeights(features.getWeights(), fresh.slice(0, 3));
    expectSame(features.predict(x), lstm.apply(x));
  });

  for (const format of ['keras', 'h5'] as const) {
    it(`saves and loads (.${format}): the loaded sub-model predicts the same`, async () => {
      const { model } = sequentialModel();
      const features = new Model({ inputs: model.input, outputs: model.getLayer('fe_gru').output, name: 'fe_features' });
      const loaded = await loadModel(await saveModel(features, { format }));
      expect(loaded.layers.map((l) => l.name)).toEqual(features.layers.map((l) => l.name));
      expectSame(one(loaded.predict(x)), one(features.predict(x)));
    });
  }
});

describe('nested models', () => {
  it("a nested model's input and output are its own; its call in the outer model is its inbound node", () => {
    const encoderLstm = new LSTM(4, { inputShape: [6, 4], name: 'enc_lstm' });
    const encoder = new Sequential([encoderLstm, new Dense(3, { name: 'enc_dense' })], { name: 'fe_encoder' });
    const outer = new Sequential([encoder, new Dense(1, { name: 'outer_head' })], { name: 'fe_outer' });
    randomizeWeights(outer, random);
    expect(encoder.input).not.toBe(outer.input);
    // Inside the encoder, on its own input: the LSTM's features.
    const inner = new Model({ inputs: encoder.input, outputs: encoder.getLayer('enc_lstm').output });
    expect(encoder.getLayer('enc_lstm')).toBe(encoderLstm);
    expectSame(one(inner.predict(x)), encoderLstm.apply(x));
    // Keras' disconnected graph: the encoder's own output does not hang off the outer input.
    expectError(() => new Model({ inputs: outer.input, outputs: encoder.output }), ConfigError, ['disconnected', encoder.input.layer.name]);
    // The encoder's call in the outer chain is its first inbound node, as Keras' layer.output takes it for a layer.
    const call = outer.getLayer('fe_encoder').inboundNodes[0]?.outputs[0] as SymbolicTensor;
    const encoded = new Model({ inputs: outer.input, outputs: call });
    expectSame(encoded.predict(x), encoder.predict(x));
    // The functional encoder's output, typed from its outputs.
    const inp = Input({ shape: [6, 4] });
    const functional = new Model({ inputs: inp, outputs: [new GRU(2, { returnSequences: true }).apply(inp), new Dense(2).apply(inp)] });
    const [gruOut, denseOut] = functional.output;
    expect(gruOut.shape).toEqual([null, 6, 2]);
    expect(denseOut.shape).toEqual([null, 6, 2]);
  });
});

describe("a model's layers called by hand, Keras' `for layer in model.layers: x = layer(x)`", () => {
  it('runs a functional model layer by layer through the base type, the InputLayer passing its input on', () => {
    const input = Input({ shape: [5, 3] });
    const model = new Model({ inputs: input, outputs: new Dense(2, { seed: 2 }).apply(new LSTM(4, { seed: 1 }).apply(input)) });
    const x = randomTensor(seededRandom(7), [2, 5, 3]);
    let value: Tensor | Tensor[] = x;
    for (const layer of model.layers) value = layer.apply(one(value));
    expectSame(one(value), one(model.predict(x)));
    expect(model.getLayer(0).apply(x)).toBe(x);
  });

  it("an InputLayer: ShapeError for data of another shape, ConfigError on symbolic tensors; the next call works", () => {
    const input = Input({ shape: [5, 3], name: 'frames' });
    const model = new Model({ inputs: input, outputs: new LSTM(2).apply(input) });
    const inputLayer = model.getLayer('frames');
    expectError(() => inputLayer.apply(tensor(new Float32Array(8), [2, 4, 1])), ShapeError, ['frames', '[None, 5, 3]', '[2, 4, 1]']);
    expectError(() => inputLayer.apply(Input({ shape: [5, 3] })), ConfigError, ['frames', 'InputLayer', 'output']);
    const x = tensor(new Float32Array(15), [1, 5, 3]);
    expect(inputLayer.apply(x)).toBe(x);
  });

  it("a subclass of Layer itself gets Layer's apply: symbolic calls join the graph, data runs computeOutputs, options checked", () => {
    class Doubling extends Layer {
      constructor() {
        super({ name: 'doubling' }, 'doubling');
      }
      get className(): string { return 'Doubling'; }
      get built(): boolean { return true; }
      build(): void {}
      computeOutputShape(shape: Shape): Shape { return shape; }
      getWeights(): Tensor[] { return []; }
      setWeights(): void {}
      countParams(): number { return 0; }
      getConfig(): Record<string, unknown> { return { name: this.name }; }
      computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[]) {
        return { outputs: inputs.map((t) => tensor(t.data.map((v) => 2 * v), t.shape)), masks };
      }
    }
    const layer = new Doubling();
    const input = Input({ shape: [3] });
    const model = new Model({ inputs: input, outputs: layer.apply(input) });
    expect(Array.from(one(model.predict(tensor([[1, 2, 3]]))).data)).toEqual([2, 4, 6]);
    expect(Array.from(one(layer.apply([[1, -1, 0.5]])).data)).toEqual([2, -2, 1]);
    expectError(() => layer.apply([[1, 2, 3]], { training: true }), ConfigError, ['doubling', 'training: true', 'not supported']);
    expectError(() => layer.apply([[1, 2, 3]], { scale: 2 }), ConfigError, ['doubling', "unknown option 'scale'"]);
    expect(Array.from(one(layer.apply([[1, 2, 3]], { training: false })).data)).toEqual([2, 4, 6]);
    expect(one(layer.apply(tensor([[4, 5, 6]]))).shape).toEqual([1, 3]);
  });
});
