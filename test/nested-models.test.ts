// Models used as layers, as Keras users nest them: a Sequential inside a Sequential, an encoder
// applied to two inputs (its weights shared), multi-input/output sub-models, TimeDistributed of a
// model, frozen sub-models in fit, and streams through them. The expected numbers are those of
// the flat model with the same layers and weights: a nested model is only a way to group layers.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Bidirectional,
  ConfigError,
  Concatenate,
  Dense,
  Embedding,
  GRU,
  Input,
  LSTM,
  Masking,
  Model,
  RepeatVector,
  Sequential,
  ShapeError,
  SimpleRNN,
  TimeDistributed,
  ready,
  tensor,
  type Tensor,
} from '../dist/index.js';
import { expectError } from './expect-error.js';
import { expectSame, expectSameWeights, list, randomTensor } from './model-helpers.js';
import { expectClose } from './expect-close.js';
import { seededRandom } from './random.js';
import { expectStreamMatchesPrefixes } from './stream-prefix.js';

beforeAll(async () => {
  await ready();
});

const random = seededRandom(1313);
const x = randomTensor(random, [3, 6, 4]);

/** Sets every weight of `model` to a fresh random value (so a wrong order cannot pass by chance). */
function randomize(model: { getWeights(): Tensor[]; setWeights(w: readonly Tensor[]): void }): void {
  model.setWeights(model.getWeights().map((w) => randomTensor(random, [...w.shape], 0.5)));
}

describe('a Sequential inside a Sequential', () => {
  function nestedAndFlat() {
    const inner = new Sequential([new LSTM(5, { inputShape: [6, 4], returnSequences: true }), new GRU(3)], { name: 'encoder' });
    const nested = new Sequential([inner, new Dense(2, { activation: 'tanh' })]);
    randomize(nested);
    const flat = new Sequential([new LSTM(5, { inputShape: [6, 4], returnSequences: true }), new GRU(3), new Dense(2, { activation: 'tanh' })]);
    flat.setWeights(nested.getWeights());
    return { inner, nested, flat };
  }

  it('predicts exactly what the flat model with the same weights predicts', () => {
    const { nested, flat } = nestedAndFlat();
    expectSame(nested.predict(x), flat.predict(x));
    expectSame(nested.apply(x), flat.predict(x));
    expectSame(nested.predict(x, { batchSize: 2 }), flat.predict(x));
  });

  it('flattens its weights in layer order and counts them as Keras does', () => {
    const { inner, nested, flat } = nestedAndFlat();
    expect(nested.layers.map((l) => l.name)).toEqual(['encoder', nested.layers[1].name]);
    expect(nested.layers[0]).toBe(inner);
    expect(nested.countParams()).toBe(flat.countParams());
    expect(nested.countParams()).toBe(inner.countParams() + 3 * 2 + 2);
    expectSameWeights(nested.getWeights(), [...inner.getWeights(), ...nested.layers[1].getWeights()]);
    const weights = flat.getWeights().map((w) => randomTensor(random, [...w.shape]));
    nested.setWeights(weights);
    expectSameWeights(inner.getWeights(), weights.slice(0, 6));
    expectError(() => nested.setWeights(weights.slice(1)), ShapeError, ['expects 8 tensors', 'received 7']);
    expect(nested.getLayer('encoder')).toBe(inner);
    expect(nested.getLayer(0)).toBe(inner);
    expect(inner.getLayer(1).className).toBe('GRU');
  });

  it('is accepted by add(), built lazily when it declares no input shape', () => {
    const inner = new Sequential([new SimpleRNN(4), new Dense(3)]);
    const outer = new Sequential();
    outer.add(new Masking({ inputShape: [6, 4] }));
    outer.add(inner);
    outer.add(new Dense(1));
    expect(inner.built).toBe(true);
    expect(inner.batchInputShape).toEqual([null, 6, 4]);
    randomize(outer);
    const flat = new Sequential([new Masking({ inputShape: [6, 4] }), new SimpleRNN(4), new Dense(3), new Dense(1)]);
    flat.setWeights(outer.getWeights());
    expectSame(outer.predict(x), flat.predict(x));

    // Neither declares a shape: the first predict traces both.
    const lazyInner = new Sequential([new GRU(2)]);
    const lazy = new Sequential([lazyInner, new Dense(1)]);
    const out = lazy.predict(x);
    expect(out.shape).toEqual([3, 1]);
    const flatLazy = new Sequential([new GRU(2), new Dense(1)]);
    flatLazy.build([null, 6, 4]);
    flatLazy.setWeights(lazy.getWeights());
    expectSame(out, flatLazy.predict(x));
  });

  it('passes masks in and out as Keras does: an Embedding mask reaches the LSTM after the sub-model, a Masking mask reaches the sub-model', () => {
    const ids = tensor(Float32Array.from([3, 1, 0, 0, 2, 5, 4, 0, 0, 0, 1, 1]), [2, 6]);
    const embed = new Sequential([new Embedding(8, 4, { maskZero: true, inputLength: 6 })]);
    const outer = new Sequential([embed, new LSTM(3)]);
    randomize(outer);
    const flat = new Sequential([new Embedding(8, 4, { maskZero: true, inputLength: 6 }), new LSTM(3)]);
    flat.setWeights(outer.getWeights());
    expectSame(outer.predict(ids), flat.predict(ids));
    // Without the mask the padded steps would change the last output.
    const unmasked = new Sequential([new Embedding(8, 4, { inputLength: 6 }), new LSTM(3)]);
    unmasked.setWeights(outer.getWeights());
    expect(Array.from(unmasked.predict(ids).data)).not.toEqual(Array.from(outer.predict(ids).data));

    const padded = tensor(x.data.map((v, i) => (Math.floor(i / 4) % 6 >= 4 ? 0 : v)), [3, 6, 4]);
    const recurrent = new Sequential([new LSTM(3)]);
    const masked = new Sequential([new Masking({ inputShape: [6, 4] }), recurrent]);
    randomize(masked);
    const flatMasked = new Sequential([new Masking({ inputShape: [6, 4] }), new LSTM(3)]);
    flatMasked.setWeights(masked.getWeights());
    expectSame(masked.predict(padded), flatMasked.predict(padded));
  });

  it('shows as one row in both summary layouts: its name, Sequential, its output shape and parameter count', () => {
    const { inner, nested, flat } = nestedAndFlat();
    const dense = nested.layers[1].name;
    const keras3 = nested.summary({ print: false });
    expect(keras3).toMatch(/│ encoder \(Sequential\)\s+│ \(None, 3\)\s+│\s+ 290 │/);
    expect(keras3).toContain(`│ ${dense} (Dense)`);
    expect(keras3).not.toMatch(/\(LSTM\)|\(GRU\)/);
    expect(keras3).toContain(` Total params: ${flat.countParams()} `);
    const tfKeras = nested.summary({ layout: 'tf.keras', print: false });
    expect(tfKeras).toMatch(/^ encoder \(Sequential\)\s+\(None, 3\)\s+290\s*$/m);
    expect(tfKeras).toContain(`Total params: ${flat.countParams()}`);
    expect(inner.countParams()).toBe(290);
  });

  it('trainable = false on the sub-model freezes all its layers; summary counts them as non-trainable', () => {
    const { inner, nested } = nestedAndFlat();
    inner.trainable = false;
    expect(inner.layers.every((l) => !l.trainable)).toBe(true);
    const text = nested.summary({ print: false });
    expect(text).toContain(' Trainable params: 8 ');
    expect(text).toContain(' Non-trainable params: 290 ');
  });

  it('refuses itself and a model with several outputs, naming them', () => {
    const seq = new Sequential([new Dense(2, { inputShape: [3] })]);
    expectError(() => seq.add(seq), ConfigError, [seq.name, 'itself']);
    const a = Input({ shape: [6, 4] });
    const two = new Model({ inputs: a, outputs: [new Dense(2).apply(a), new Dense(3).apply(a)], name: 'two_heads' });
    // As Keras, a Sequential of one layer is built when it is used, or when a second layer comes.
    expectError(() => new Sequential([two]).predict(tensor(new Float32Array(24), [1, 6, 4])), ConfigError, ['two_heads', '2 outputs']);
    expectError(() => new Sequential([two, new Dense(1)]), ConfigError, ['two_heads', '2 outputs']);
    const wrong = new Sequential([new Dense(2, { inputShape: [5] })], { name: 'five_in' });
    expectError(() => new Sequential([new Dense(3, { inputShape: [4] }), wrong]), ShapeError, ['five_in', 'None, 5]', 'received [None, 3]']);
  });
});

describe('a model called on symbolic tensors', () => {
  it('shares its weights across calls (a siamese encoder) and gives the encoder\'s own outputs', () => {
    const encoder = new Sequential([new LSTM(4), new Dense(3)], { name: 'shared' });
    const left = Input({ shape: [6, 4] });
    const right = Input({ shape: [6, 4] });
    const l = encoder.apply(left);
    const r = encoder.apply(right);
    expect(l.shape).toEqual([null, 3]);
    const distance = new Dense(1, { activation: 'sigmoid' }).apply(new Concatenate().apply([l, r]));
    const siamese = new Model({ inputs: [left, right], outputs: distance });
    randomize(siamese);
    expect(siamese.getWeights().length).toBe(encoder.getWeights().length + 2);
    expect(siamese.countParams()).toBe(encoder.countParams() + 7);
    const x2 = randomTensor(random, [3, 6, 4]);
    const head = siamese.layers[siamese.layers.length - 1] as Dense;
    const concatenated = new Concatenate().apply([encoder.predict(x), encoder.predict(x2)]);
    expectSame(siamese.predict([x, x2]), head.apply(concatenated));
    expect(siamese.summary({ print: false })).toMatch(/shared \(Sequential\)/);
  });

  it('runs a multi-input, multi-output functional sub-model like the same layers wired flat', () => {
    const build = (wrap: boolean) => {
      const a = Input({ shape: [6, 4] });
      const b = Input({ shape: [5] });
      const core = (ia: typeof a, ib: typeof b) => {
        const seq = new GRU(3, { returnSequences: true }).apply(ia);
        const last = new LSTM(2).apply(seq);
        return [seq, new Concatenate().apply([last, new Dense(2).apply(ib)])] as const;
      };
      if (!wrap) {
        const [seq, merged] = core(a, b);
        return new Model({ inputs: [a, b], outputs: [new Dense(1).apply(seq), merged] });
      }
      const ia = Input({ shape: [6, 4] });
      const ib = Input({ shape: [5] });
      const inner = new Model({ inputs: [ia, ib], outputs: core(ia, ib), name: 'core' });
      const [seq, merged] = inner.apply([a, b]);
      expect(seq.shape).toEqual([null, 6, 3]);
      expect(merged.shape).toEqual([null, 4]);
      return new Model({ inputs: [a, b], outputs: [new Dense(1).apply(seq), merged] });
    };
    const nested = build(true);
    const flat = build(false);
    randomize(nested);
    flat.setWeights(nested.getWeights());
    const xb = randomTensor(random, [3, 5]);
    const got = list(nested.predict([x, xb]));
    const want = list(flat.predict([x, xb]));
    expect(got.length).toBe(2);
    got.forEach((t, i) => expectSame(t, want[i], `output ${i}`));
    expect(nested.getLayer('core').className).toBe('Functional');
    const text = nested.summary({ print: false });
    expect(text).toMatch(/core \(Functional\)/);
    expect(text).toMatch(/│ core \(Functional\)\s+│ \[\(None, 6, 3\),/);
    expect(nested.countParams()).toBe(flat.countParams());
    expectError(() => (nested.getLayer('core') as Model).apply([Input({ shape: [6, 4] })]), ShapeError, ['core', 'expects 2 input']);
    expectError(() => (nested.getLayer('core') as Model).apply([Input({ shape: [6, 5] }), Input({ shape: [5] })]), ShapeError, ['core', 'None, 6, 4]', 'received [None, 6, 5]']);
  });

  it('a Sequential applied to the output of another layer is the same as those layers in line', () => {
    const input = Input({ shape: [6, 4] });
    const block = new Sequential([new Dense(5, { activation: 'relu' }), new Dense(2)]);
    const out = block.apply(new TimeDistributed(new Dense(4)).apply(input));
    const nested = new Model({ inputs: input, outputs: out });
    randomize(nested);
    const flat = new Sequential([new TimeDistributed(new Dense(4), { inputShape: [6, 4] }), new Dense(5, { activation: 'relu' }), new Dense(2)]);
    flat.setWeights(nested.getWeights());
    expectSame(nested.predict(x), flat.predict(x));
  });
});

describe("a model from intermediate tensors (Keras 3's clone_graph_nodes)", () => {
  it("the decoder half of an autoencoder: a new Input in place of the tensor, the same layers and weights", () => {
    const input = Input({ shape: [6, 2] });
    const code = new LSTM(4, { name: 'enc', seed: 1 }).apply(input);
    const repeat = new RepeatVector(6, { name: 'rep' });
    const repeated = repeat.apply(code);
    const decoderLstm = new LSTM(4, { returnSequences: true, name: 'dec', seed: 2 });
    const decoded = decoderLstm.apply(repeated);
    const perStep = new TimeDistributed(new Dense(2, { seed: 3 }), { name: 'td' });
    const output = perStep.apply(decoded);
    const autoencoder = new Model({ inputs: input, outputs: output });
    const decoder = new Model({ inputs: code, outputs: output });
    expect(decoder.layers.map((layer) => layer.name)).toEqual(['encCLONE', 'rep', 'dec', 'td']);
    expect(decoder.layers.slice(1)).toEqual(autoencoder.layers.slice(2));
    const codes = randomTensor(seededRandom(31), [3, 4]);
    const expected = perStep.apply(decoderLstm.apply(repeat.apply(codes)));
    expectSame(decoder.predict(codes) as Tensor, expected);
    // The autoencoder itself is unchanged: its graph still starts at its Input.
    expect(autoencoder.layers.map((layer) => layer.name)[1]).toBe('enc');
  });
});

describe('TimeDistributed of a model (CNN-LSTM style)', () => {
  it('runs the model on every time step', () => {
    const perStep = new Sequential([new Dense(3, { inputShape: [4], activation: 'relu' }), new Dense(2)]);
    const model = new Sequential([new TimeDistributed(perStep, { inputShape: [6, 4] }), new LSTM(2)]);
    randomize(model);
    expect(model.layers[0].countParams()).toBe(perStep.countParams());
    const seq = model.layers[0].computeOutputShape([null, 6, 4]);
    expect(seq).toEqual([null, 6, 2]);
    // Step by step through the per-step model, then the LSTM on the stacked result.
    const steps: Float32Array[] = [];
    for (let t = 0; t < 6; t++) {
      const frame = new Float32Array(3 * 4);
      for (let b = 0; b < 3; b++) frame.set(x.data.subarray((b * 6 + t) * 4, (b * 6 + t + 1) * 4), b * 4);
      steps.push(perStep.predict(tensor(frame, [3, 4])).data);
    }
    const stacked = new Float32Array(3 * 6 * 2);
    for (let b = 0; b < 3; b++) for (let t = 0; t < 6; t++) stacked.set(steps[t].subarray(b * 2, b * 2 + 2), (b * 6 + t) * 2);
    const lstm = model.layers[1] as LSTM;
    expectClose(model.predict(x), lstm.apply(tensor(stacked, [3, 6, 2])));
    expect(model.summary({ print: false })).toMatch(/time_distributed\S*\s+│ \(None, 6, 2\)\s+│\s+23 │/);
  });

  it("trains: a step moves the wrapped model's weights (gradients: test/training-time-distributed-model.test.ts)", () => {
    const model = new Sequential([new TimeDistributed(new Sequential([new Dense(2, { inputShape: [4] })]), { inputShape: [6, 4], name: 'per_frame_td' }), new LSTM(2)]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const before = Array.from(model.getWeights()[0].data);
    const { loss } = model.trainOnBatch(tensor(new Float32Array(2 * 6 * 4).fill(0.5), [2, 6, 4]), tensor(new Float32Array(4).fill(1), [2, 2]));
    expect(Number.isFinite(loss)).toBe(true);
    expect(Array.from(model.getWeights()[0].data)).not.toEqual(before);
  });
});

describe('training through a nested model', () => {
  function pair(frozen: boolean) {
    const inner = new Sequential([new GRU(4, { inputShape: [6, 4] }), new Dense(3, { activation: 'tanh' })]);
    const nested = new Sequential([inner, new Dense(2)]);
    randomize(nested);
    const flatLayers = [new GRU(4, { inputShape: [6, 4] }), new Dense(3, { activation: 'tanh' }), new Dense(2)];
    const flat = new Sequential(flatLayers);
    flat.setWeights(nested.getWeights());
    if (frozen) {
      inner.trainable = false;
      flatLayers[0].trainable = false;
      flatLayers[1].trainable = false;
    }
    for (const m of [nested, flat]) m.compile({ optimizer: 'adam', loss: 'mse' });
    return { inner, nested, flat };
  }
  const y = randomTensor(random, [3, 2]);

  it('gives the flat model\'s gradients, bit for bit, in getWeights() order', () => {
    const { nested, flat } = pair(false);
    const got = nested.computeGradients(x, y);
    const want = flat.computeGradients(x, y);
    expect(got.length).toBe(7);
    got.forEach((g, i) => expectSame(g, want[i], `gradient ${i}`));
    expect(got[0].data.some((v) => v !== 0)).toBe(true);
  });

  it('fit updates the sub-model\'s weights as the flat model\'s', async () => {
    const { nested, flat } = pair(false);
    const before = nested.getWeights();
    await nested.fit(x, y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
    await flat.fit(x, y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
    expectSameWeights(nested.getWeights(), flat.getWeights());
    expect(Array.from(nested.getWeights()[0].data)).not.toEqual(Array.from(before[0].data));
  });

  it('a frozen sub-model stays bit for bit while the head trains', async () => {
    const { inner, nested, flat } = pair(true);
    const frozenBefore = inner.getWeights();
    const headBefore = nested.layers[1].getWeights();
    await nested.fit(x, y, { epochs: 3, batchSize: 3, shuffle: false, verbose: 0 });
    await flat.fit(x, y, { epochs: 3, batchSize: 3, shuffle: false, verbose: 0 });
    expectSameWeights(inner.getWeights(), frozenBefore);
    expect(Array.from(nested.layers[1].getWeights()[0].data)).not.toEqual(Array.from(headBefore[0].data));
    expectSameWeights(nested.getWeights(), flat.getWeights());
  });

  it('a frozen sub-model stays frozen even when one of its layers says trainable', async () => {
    const { inner, nested } = pair(true);
    inner.layers[0].trainable = true;
    nested.compile({ optimizer: 'sgd', loss: 'mse' });
    const before = inner.getWeights();
    await nested.fit(x, y, { epochs: 1, verbose: 0 });
    expectSameWeights(inner.getWeights(), before);
  });
});

describe('streaming through a nested model', () => {
  it('streams bit-identically to predict on every prefix', () => {
    const inner = new Sequential([new LSTM(5, { inputShape: [null, 4], returnSequences: true }), new Dense(3, { activation: 'relu' })]);
    const model = new Sequential([inner, new GRU(3), new Dense(2)]);
    randomize(model);
    const stream = model.stream({ batchSize: 3 });
    expectStreamMatchesPrefixes(stream, x.data, 3, 6, 4, (p) => model.predict(p));
    stream.dispose();

    const a = Input({ shape: [null, 4] });
    const shared = new Sequential([new SimpleRNN(3, { returnSequences: true })]);
    const graph = new Model({ inputs: a, outputs: new Concatenate().apply([shared.apply(a), shared.apply(new Dense(4).apply(a))]) });
    randomize(graph);
    const s2 = graph.stream({ batchSize: 3 });
    expectStreamMatchesPrefixes(s2, x.data, 3, 6, 4, (p) => graph.predict(p) as Tensor);
    s2.dispose();
  });

  it('refuses a sub-model that cannot stream with a ConfigError naming the inner layer', () => {
    const bi = new Bidirectional(new LSTM(2), { name: 'inner_bidi' });
    const model = new Sequential([new Sequential([new Dense(4, { inputShape: [6, 4] }), bi]), new Dense(1)]);
    expectError(() => model.stream(), ConfigError, ['inner_bidi', 'Bidirectional']);
    expect(model.predict(x).shape).toEqual([3, 1]);
  });
});
