// The merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum with Keras' broadcasting
// and mask rules), Dot, LayerNormalization, the identity-at-inference layers, Attention and
// AdditiveAttention, on odd sizes against the float64 helpers in test/reference/extra-layers.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ActivityRegularization, Add, AdditiveAttention, AlphaDropout, Attention, Average, ConfigError, Dense, Dot, Embedding,
  GaussianDropout, GaussianNoise, Input, InputError, LayerNormalization, LSTM, Masking, Maximum, Minimum, Model, Multiply,
  Sequential, ShapeError, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, Subtract, Tensor, deserializeLayer,
  modelFromConfig, ready, serializeLayer, tensor,
} from '../dist/index.js';
import { expectClose } from './expect-close.js';
import { expectError, untyped } from './expect-error.js';
import { randomTensor, toRef } from './model-helpers.js';
import { seededRandom } from './random.js';
import { attentionRef, dotRef, layerNormRef, mergeRef } from './reference/extra-layers.js';

beforeAll(async () => {
  await ready();
});

const MERGES = { add: Add, subtract: Subtract, multiply: Multiply, average: Average, maximum: Maximum, minimum: Minimum } as const;

describe('merge layers', () => {
  const SHAPES: number[][][] = [
    [[3, 5, 7], [3, 5, 7]],
    [[3, 5, 7], [3, 7]],
    [[3, 1, 7], [3, 5, 1]],
    [[2, 3, 5, 7], [2, 5, 7], [2, 1, 1, 7]],
  ];
  for (const [kind, Class] of Object.entries(MERGES)) {
    for (const shapes of SHAPES) {
      if (kind === 'subtract' && shapes.length !== 2) continue;
      it(`${kind} of ${shapes.map((s) => `(${s.join(', ')})`).join(' and ')}`, () => {
        const random = seededRandom(shapes.length * 31 + shapes[1].length + kind.length);
        const inputs = shapes.map((s) => randomTensor(random, s, 2));
        const layer = new Class();
        expectClose(layer.apply(inputs), mergeRef(kind as keyof typeof MERGES, inputs.map(toRef)));
        expect(layer.computeOutputShape(shapes.map((s) => [null, ...s.slice(1)]))).toEqual([null, ...mergeRef(kind as keyof typeof MERGES, inputs.map(toRef)).shape.slice(1)]);
      });
    }
  }

  it('refuses shapes that do not broadcast, a batch mismatch, and Subtract of three inputs', () => {
    expectError(() => new Add().apply([randomTensor(seededRandom(1), [2, 3]), randomTensor(seededRandom(2), [2, 4])]), ShapeError, ['incompatible shapes', '[3]', '[4]']);
    expectError(() => new Add().computeOutputShape([[2, 3], [4, 3]]), ShapeError, ['different batch sizes']);
    expectError(() => new Subtract().computeOutputShape([[null, 3], [null, 3], [null, 3]]), ShapeError, ['exactly 2 inputs']);
    expectError(() => new Add(untyped({ kerasVersion: 4 })), ConfigError, ["option 'kerasVersion'"]);
    expect(new Add().computeOutputShape([[null, 5, null], [null, 5, 7]])).toEqual([null, 5, null]);
  });

  it('read their Keras configs and round-trip', () => {
    const layer = Multiply.fromConfig({ name: 'multiply_1', trainable: true });
    expect(layer.name).toBe('multiply_1');
    expect(serializeLayer(layer)).toEqual({ class_name: 'Multiply', config: { name: 'multiply_1', trainable: true, dtype: 'float32' } });
    expect(deserializeLayer(serializeLayer(new Maximum({ name: 'mx' }))).className).toBe('Maximum');
  });

  describe('masks', () => {
    // Two masked sequences (zero steps masked by Masking) into one merge, then the mask and values out.
    function run(Class: typeof Add, kerasVersion: 2 | 3, maskBoth: boolean) {
      const a = Input({ shape: [4, 3] });
      const b = Input({ shape: [4, 3] });
      const ma = new Masking().apply(a);
      const mb = maskBoth ? new Masking().apply(b) : b;
      const merged = new Class({ kerasVersion }).apply([ma, mb]);
      // An LSTM after the merge shows the mask: a masked step repeats the previous output.
      const model = new Model({ inputs: [a, b], outputs: [merged, new LSTM(2, { returnSequences: true }).apply(merged)] });
      const random = seededRandom(5);
      const xa = randomTensor(random, [1, 4, 3]);
      const xb = randomTensor(random, [1, 4, 3]);
      xa.data.fill(0, 3, 9); // steps 1 and 2 of a
      xb.data.fill(0, 6, 12); // steps 2 and 3 of b
      return { xa, xb, out: model.predictAll([xa, xb]) };
    }
    const stepRepeats = (seq: Tensor, t: number) => seq.data[t * 2] === seq.data[(t - 1) * 2] && seq.data[t * 2 + 1] === seq.data[(t - 1) * 2 + 1];

    it('Keras 3: the OR of the masks when every input has one, else no mask', () => {
      const both = run(Add, 3, true).out[1];
      expect([1, 2, 3].map((t) => stepRepeats(both, t))).toEqual([false, true, false]);
      const one = run(Add, 3, false).out[1];
      expect([1, 2, 3].map((t) => stepRepeats(one, t))).toEqual([false, false, false]);
    });

    it('tf.keras 2: the AND of the masks given', () => {
      const both = run(Add, 2, true).out[1];
      expect([1, 2, 3].map((t) => stepRepeats(both, t))).toEqual([true, true, true]);
      const one = run(Add, 2, false).out[1];
      expect([1, 2, 3].map((t) => stepRepeats(one, t))).toEqual([true, true, false]);
    });

    it('Keras 3 Multiply, Maximum and Minimum keep masked positions out of the values', () => {
      for (const [kind, Class] of [['multiply', Multiply], ['maximum', Maximum], ['minimum', Minimum]] as const) {
        const { xa, xb, out } = run(Class, 3, true);
        const merged = out[0];
        for (let t = 0; t < 4; t++) for (let f = 0; f < 3; f++) {
          const i = t * 3 + f;
          const aValid = t !== 1 && t !== 2;
          const bValid = t !== 2 && t !== 3;
          const valid = [aValid ? xa.data[i] : null, bValid ? xb.data[i] : null].filter((v): v is number => v !== null);
          // Where neither input is valid Keras' Multiply gives 0 and its Maximum/Minimum fold keeps the first input.
          const expected = valid.length === 0 ? (kind === 'multiply' ? 0 : xa.data[i])
            : kind === 'multiply' ? valid.reduce((p, v) => Math.fround(p * v), 1) : kind === 'maximum' ? Math.max(...valid) : Math.min(...valid);
          expect(merged.data[i], `${kind} step ${t}`).toBe(expected);
        }
      }
    });
  });
});

describe('Dot', () => {
  const CASES: [number[], number[], number | [number, number], boolean][] = [
    [[3, 7], [3, 7], 1, false],
    [[3, 7], [3, 7], -1, true],
    [[2, 5, 7], [2, 9, 7], 2, false],
    [[2, 5, 7], [2, 5, 3], [1, 1], false],
    [[2, 5, 7], [2, 7], [2, 1], true],
    [[2, 3, 5, 7], [2, 7, 4], [3, 1], false],
    [[3, 13], [3, 13, 9], [1, 1], false],
  ];
  for (const [xs, ys, axes, normalize] of CASES) {
    it(`(${xs.join(', ')}) · (${ys.join(', ')}) over axes ${JSON.stringify(axes)}${normalize ? ', normalized' : ''}`, () => {
      const random = seededRandom(xs.length * 100 + ys.length * 10 + xs[xs.length - 1]);
      const x = randomTensor(random, xs);
      const y = randomTensor(random, ys);
      const pair = typeof axes === 'number' ? [axes, axes] : axes;
      const [a0, a1] = [pair[0] < 0 ? pair[0] + xs.length : pair[0], pair[1] < 0 ? pair[1] + ys.length : pair[1]];
      const layer = new Dot({ axes, normalize });
      const expected = dotRef(toRef(x), toRef(y), a0, a1, normalize);
      expectClose(layer.apply([x, y]), expected);
      expect(layer.computeOutputShape([[null, ...xs.slice(1)], [null, ...ys.slice(1)]])).toEqual([null, ...expected.shape.slice(1)]);
    });
  }

  it('refuses the batch axis, summed axes of different sizes and bad options', () => {
    expectError(() => new Dot({ axes: 0 }).computeOutputShape([[null, 3], [null, 3]]), ShapeError, ['non-batch axis']);
    expectError(() => new Dot({ axes: 1 }).apply([randomTensor(seededRandom(3), [2, 3]), randomTensor(seededRandom(4), [2, 4])]), ShapeError, ['do not fit axes']);
    expectError(() => new Dot(untyped({ axes: [1, 2, 3] })), ConfigError, ["option 'axes'"]);
    expectError(() => new Dot(untyped({})), ConfigError, ["option 'axes'"]);
    expect(Dot.fromConfig({ name: 'dot', axes: [2, 2], normalize: true }).getConfig()).toEqual({ name: 'dot', trainable: true, dtype: 'float32', axes: [2, 2], normalize: true });
  });
});

describe('LayerNormalization', () => {
  const CASES: [number[], number | number[], boolean][] = [
    [[3, 7], -1, false], [[3, 5, 7], -1, false], [[3, 5, 7], [1, 2], false], [[2, 3, 5, 7], [-1, 1], false], [[3, 5, 7], -1, true], [[3, 5, 7], [1, 2], true],
  ];
  for (const [shape, axis, rms] of CASES) {
    it(`axis ${JSON.stringify(axis)} on (${shape.join(', ')})${rms ? ', rmsScaling' : ''}`, () => {
      const random = seededRandom(shape.length * 10 + (Array.isArray(axis) ? 5 : 1) + (rms ? 100 : 0));
      const x = randomTensor(random, shape, 3);
      const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + shape.length : a)).sort((a, b) => a - b);
      const layer = new LayerNormalization({ axis, rmsScaling: rms, epsilon: 0.01 });
      layer.build([null, ...shape.slice(1)]);
      const paramShape = axes.map((a) => shape[a]);
      const count = paramShape.reduce((p, d) => p * d, 1);
      const gamma = Array.from({ length: count }, () => Math.fround(0.5 + random()));
      const beta = Array.from({ length: count }, () => Math.fround(random() - 0.5));
      expect(layer.getWeights().map((w) => w.shape)).toEqual(rms ? [paramShape] : [paramShape, paramShape]);
      layer.setWeights(rms ? [tensor(gamma, paramShape)] : [tensor(gamma, paramShape), tensor(beta, paramShape)]);
      expectClose(layer.apply(x), layerNormRef(toRef(x), axes, gamma, rms ? null : beta, 0.01, rms));
    });
  }

  it('without scale or center, configs, and errors', () => {
    const x = randomTensor(seededRandom(9), [3, 5, 7]);
    const plain = new LayerNormalization({ scale: false, center: false });
    expectClose(plain.apply(x), layerNormRef(toRef(x), [2], null, null, 0.001));
    expect(plain.getWeights()).toEqual([]);
    const layer = LayerNormalization.fromConfig({ name: 'ln', axis: [2], epsilon: 1e-6, center: true, scale: true, rms_scaling: false, beta_initializer: { class_name: 'Zeros', config: {} } });
    expect(deserializeLayer(serializeLayer(layer)).getConfig()).toEqual(layer.getConfig());
    layer.build([null, 5, 7]);
    expect(layer.countParams()).toBe(14);
    expectError(() => layer.apply(randomTensor(seededRandom(10), [2, 5, 6])), ShapeError, ['does not fit the weights']);
    expectError(() => new LayerNormalization({ epsilon: untyped('x') }), ConfigError, ["option 'epsilon'"]);
    expectError(() => new LayerNormalization({ axis: [1, 1] }).build([null, 3, 4]), ShapeError, ['repeats an axis']);
  });
});

describe('layers that are the identity at inference', () => {
  const x = randomTensor(seededRandom(11), [2, 3, 4, 5, 6]);
  const cases = [
    [new SpatialDropout1D({ rate: 0.3 }), [2, 3, 4]],
    [new SpatialDropout2D({ rate: 0.3, dataFormat: 'channels_last' }), [2, 3, 4, 5]],
    [new SpatialDropout3D({ rate: 0.3 }), [2, 3, 4, 5, 6]],
    [new GaussianNoise({ stddev: 0.1 }), [2, 3, 4]],
    [new GaussianDropout({ rate: 0.2 }), [2, 7]],
    [new AlphaDropout({ rate: 0.2 }), [2, 7]],
    [new ActivityRegularization({ l1: 0.01 }), [2, 3, 4]],
  ] as const;
  for (const [layer, shape] of cases) {
    it(layer.className, () => {
      const input = new Tensor(x.data.slice(0, shape.reduce((p, d) => p * d, 1)), shape);
      expect(Array.from(layer.apply(input).data)).toEqual(Array.from(input.data));
      const copy = deserializeLayer(serializeLayer(layer));
      expect(copy.className).toBe(layer.className);
      expect(copy.getConfig()).toEqual(layer.getConfig());
    });
  }

  it('pass masks on, check their rank and options', () => {
    const input = Input({ shape: [4] });
    const ids = new Embedding({ inputDim: 5, outputDim: 3, maskZero: true }).apply(input);
    const noisy = new GaussianNoise({ stddev: 1 }).apply(new SpatialDropout1D({ rate: 0.5 }).apply(ids));
    const model = new Model({ inputs: input, outputs: new LSTM(2, { returnSequences: true }).apply(noisy) });
    const y = model.predict(tensor([[1, 0, 2, 0]], [1, 4]));
    expect(Array.from(y.data.subarray(2, 4))).toEqual(Array.from(y.data.subarray(0, 2)));
    expectError(() => new SpatialDropout2D({ rate: 0.1 }).apply(randomTensor(seededRandom(12), [2, 3, 4])), ShapeError, ['rank 4']);
    expectError(() => new GaussianDropout({ rate: 1 }), ConfigError, ["option 'rate'"]);
    expectError(() => new GaussianNoise(untyped({})), ConfigError, ["option 'stddev'"]);
    expectError(() => new SpatialDropout1D(untyped({ rate: 0.1, noise_shape: null })), ConfigError, ["unknown option 'noise_shape'"]);
  });
});

describe('Attention and AdditiveAttention', () => {
  function data(seed: number, B: number, Tq: number, Tv: number, D: number, Dv = D) {
    const random = seededRandom(seed);
    return { query: randomTensor(random, [B, Tq, D]), value: randomTensor(random, [B, Tv, Dv]), key: randomTensor(random, [B, Tv, D]) };
  }

  it('dot scores, no scale, key = value (the hassanmiir model) and with a key', () => {
    const { query, value, key } = data(1, 3, 5, 7, 9);
    expectClose(new Attention().apply([query, value]) as Tensor, attentionRef(toRef(query), toRef(value), toRef(value), { kind: 'dot' })[0]);
    expectClose(new Attention().apply([query, value, key]) as Tensor, attentionRef(toRef(query), toRef(value), toRef(key), { kind: 'dot' })[0]);
  });

  it('use_scale, concat scores, causal, value and query masks, and the attention scores output', () => {
    const { query, value, key } = data(2, 2, 6, 6, 5, 3);
    const scaled = new Attention({ useScale: true });
    scaled.build([null, 6, 5]);
    expect(scaled.getWeights().map((w) => w.shape)).toEqual([[]]);
    scaled.setWeights([tensor([1.7], [])]);
    expectClose(scaled.apply([query, value, key]) as Tensor, attentionRef(toRef(query), toRef(value), toRef(key), { kind: 'dot', scale: 1.7 })[0]);

    const concat = new Attention({ useScale: true, scoreMode: 'concat' });
    concat.setWeights([tensor([0.6], []), tensor([1.3], [])]);
    expectClose(concat.apply([query, value, key]) as Tensor, attentionRef(toRef(query), toRef(value), toRef(key), { kind: 'concat', scale: 0.6, concatWeight: 1.3 })[0]);

    const queryMask = [[1, 1, 0, 1, 1, 0], [1, 1, 1, 1, 1, 1]];
    const valueMask = [[1, 0, 1, 1, 0, 1], [0, 1, 1, 1, 1, 1]];
    const [output, scores] = new Attention().apply([query, value, key], {
      mask: [tensor(queryMask), tensor(valueMask)], useCausalMask: true, returnAttentionScores: true,
    }) as Tensor[];
    const [expected, expectedScores] = attentionRef(toRef(query), toRef(value), toRef(key), { kind: 'dot', causal: true, queryMask, valueMask });
    expectClose(output, expected);
    expectClose(scores, expectedScores);
  });

  it('AdditiveAttention with and without its scale vector', () => {
    const { query, value, key } = data(3, 3, 4, 7, 5);
    const layer = new AdditiveAttention();
    layer.build([null, 4, 5]);
    expect(layer.getWeights().map((w) => w.shape)).toEqual([[5]]);
    const scale = [0.5, -1.2, 0.9, 1.5, 0.25];
    layer.setWeights([tensor(scale)]);
    expectClose(layer.apply([query, value, key]) as Tensor, attentionRef(toRef(query), toRef(value), toRef(key), { kind: 'additive', scale })[0]);
    const plain = new AdditiveAttention({ useScale: false });
    expectClose(plain.apply([query, value]) as Tensor, attentionRef(toRef(query), toRef(value), toRef(value), { kind: 'additive' })[0]);
    expect(plain.getWeights()).toEqual([]);
  });

  it('in a model: masks from Masking, the call options from a Keras 2 or 3 config', () => {
    const input = Input({ shape: [5, 4] });
    const masked = new Masking().apply(input);
    const attended = new Attention().apply([masked, masked], { useCausalMask: true }) as ReturnType<typeof Input>;
    const model = new Model({ inputs: input, outputs: attended });
    const x = randomTensor(seededRandom(4), [2, 5, 4]);
    x.data.fill(0, 8, 12);
    const mask = [[1, 1, 0, 1, 1], [1, 1, 1, 1, 1]];
    expectClose(model.predict(x), attentionRef(toRef(x), toRef(x), toRef(x), { kind: 'dot', causal: true, queryMask: mask, valueMask: mask })[0]);

    const keras2 = {
      class_name: 'Functional', keras_version: '2.15.0', config: {
        name: 'm', input_layers: [['in', 0, 0]], output_layers: [['att', 0, 0], ['att', 0, 1]], layers: [
          { class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_input_shape: [null, 5, 4] }, inbound_nodes: [] },
          { class_name: 'Attention', name: 'att', config: { name: 'att', use_scale: false, score_mode: 'dot', dropout: 0 },
            inbound_nodes: [[['in', 0, 0, { use_causal_mask: true, return_attention_scores: true }], ['in', 0, 0, { use_causal_mask: true, return_attention_scores: true }]]] },
        ],
      },
    };
    const loaded = modelFromConfig(keras2) as Model;
    const [out, weights] = loaded.predictAll(x);
    const [expected, expectedWeights] = attentionRef(toRef(x), toRef(x), toRef(x), { kind: 'dot', causal: true });
    expectClose(out, expected);
    expectClose(weights, expectedWeights);
  });

  it('refuses bad inputs, masks and options', () => {
    const { query, value } = data(5, 2, 3, 4, 5);
    expectError(() => new Attention().apply([query]), ShapeError, ['2 or 3 inputs']);
    expectError(() => new Attention().apply([query, randomTensor(seededRandom(6), [2, 4, 6]), randomTensor(seededRandom(7), [2, 4, 6])]), ShapeError, ['do not fit']);
    expectError(() => new Attention().apply([query, value], { mask: [tensor([[1, 1]]), null] }), ShapeError, ['query mask must have shape [2, 3]']);
    expectError(() => new Attention().apply([query, value], untyped({ causal: true })), ConfigError, ["unknown option 'causal'"]);
    expectError(() => new Attention(untyped({ scoreMode: 'general' })), ConfigError, ["option 'scoreMode'"]);
    expectError(() => new Attention().apply([query, value], untyped({ mask: 'yes' })), InputError, ["option 'mask'"]);
    const layer = Attention.fromConfig({ name: 'attention_3', trainable: true, dtype: 'float32', dropout: 0.0, use_scale: false, score_mode: 'dot' });
    expect(layer.getConfig()).toEqual({ name: 'attention_3', trainable: true, dtype: 'float32', use_scale: false, dropout: 0, score_mode: 'dot' });
    expect(layer.apply([query, value]) instanceof Tensor).toBe(true);
  });
});

describe('a Sequential through the new layers', () => {
  it('Dense -> LayerNormalization -> GaussianNoise -> Dense matches the references composed', () => {
    const model = new Sequential([Input({ shape: [5, 7] }), new Dense(6), new LayerNormalization(), new GaussianNoise({ stddev: 0.3 }), new Dense(2)]);
    expect(model.countParams()).toBe(48 + 12 + 14);
    expect(model.layers.map((l) => l.countNonTrainableParams())).toEqual([0, 0, 0, 0]);
  });
});
