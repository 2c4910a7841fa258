// modelFromConfig on hand-written Keras model.to_json() output: Sequential and
// Functional, in Keras 2 spellings (config as a plain list in 2.0, { name,
// layers } later, 'Model'/'Functional', batch_input_shape, nested-list
// inbound_nodes) and Keras 3 spellings (module/registered_name, batch_shape,
// DTypePolicy objects, __keras_tensor__ args). With setWeights the models
// must give the float64 composition of Keras' layer definitions.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  Dense,
  Dropout,
  Embedding,
  GRU,
  InputLayer,
  LSTM,
  Model,
  Sequential,
  Tensor,
  TimeDistributed,
  WasmRnnError,
  modelFromConfig,
  modelFromJson,
  ready,
} from '../dist/index.js';
import { caught } from './expect-error.js';
import { maxViolation } from './fixtures.js';
import { TOLERANCE, one, randomTensor, randomWeights, toRef } from './model-helpers.js';
import { expectClose } from './expect-close.js';
import { seededRandom } from './random.js';
import { concatLastAxis, denseRef, embeddingRef, recurrentSpec, referenceRecurrent, type ReferenceTensor } from './reference/index.js';

beforeAll(async () => {
  await ready();
});

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** Random weights in the shapes Keras' get_weights() gives, in the order given. */
function kerasWeights(seed: number, shapes: number[][], scale = 0.6): Tensor[] {
  return randomWeights(seededRandom(seed), shapes, scale);
}

// Pieces of Keras JSON that repeat; each is what Keras writes.
const GLOROT_K2_0 = { class_name: 'VarianceScaling', config: { scale: 1.0, mode: 'fan_avg', distribution: 'uniform', seed: null } };
const ORTHOGONAL_K2 = { class_name: 'Orthogonal', config: { gain: 1.0, seed: null } };
const ZEROS_K2 = { class_name: 'Zeros', config: {} };
const NO_REGULARIZERS = { kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null };
const NO_RECURRENT_REGULARIZERS = { ...NO_REGULARIZERS, recurrent_regularizer: null, recurrent_constraint: null };
const FLOAT32_POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
const k3Initializer = (className: string, config: Record<string, unknown>) => ({ module: 'keras.initializers', class_name: className, config, registered_name: null });
const k3Tensor = (shape: (number | null)[], history: [string, number, number]) => ({
  class_name: '__keras_tensor__',
  config: { shape, dtype: 'float32', keras_history: history },
});

// ---------------------------------------------------------------------------
// GRU (Keras 2.0, reset before, hard_sigmoid) -> TimeDistributed(Dense softmax)
// ---------------------------------------------------------------------------

/** keras 2.0.4 Sequential.to_json(): config is the layer list itself; GRU has no reset_after yet. */
const KERAS_2_0_GRU_TIME_DISTRIBUTED = JSON.stringify({
  class_name: 'Sequential',
  config: [
    {
      class_name: 'GRU',
      config: {
        name: 'gru_1', trainable: true, batch_input_shape: [null, 6, 4], dtype: 'float32',
        return_sequences: true, go_backwards: false, stateful: false, unroll: false, implementation: 0,
        units: 5, activation: 'tanh', recurrent_activation: 'hard_sigmoid', use_bias: true,
        kernel_initializer: GLOROT_K2_0, recurrent_initializer: ORTHOGONAL_K2, bias_initializer: ZEROS_K2,
        ...NO_RECURRENT_REGULARIZERS, dropout: 0.0, recurrent_dropout: 0.0,
      },
    },
    {
      class_name: 'TimeDistributed',
      config: {
        name: 'time_distributed_1', trainable: true,
        layer: {
          class_name: 'Dense',
          config: {
            name: 'dense_1', trainable: true, units: 3, activation: 'softmax', use_bias: true,
            kernel_initializer: GLOROT_K2_0, bias_initializer: ZEROS_K2, ...NO_REGULARIZERS,
          },
        },
      },
    },
  ],
  keras_version: '2.0.4',
  backend: 'tensorflow',
});

describe('Keras 2.0 Sequential (config as a plain list): GRU -> TimeDistributed(Dense softmax)', () => {
  const SHAPES = [[4, 15], [5, 15], [15], [5, 3], [3]];

  it('keeps names and shapes, reads the GRU as reset-before, and needs Keras 2 weight shapes', () => {
    const model = modelFromConfig(KERAS_2_0_GRU_TIME_DISTRIBUTED);
    expect(model).toBeInstanceOf(Sequential);
    expect(model.layers.map((l) => l.name)).toEqual(['gru_1', 'time_distributed_1']);
    const [gru, td] = model.layers;
    expect(gru).toBeInstanceOf(GRU);
    expect((gru as GRU).resetAfter).toBe(false);
    expect((gru as GRU).recurrentActivation).toBe('hard_sigmoid');
    expect(td).toBeInstanceOf(TimeDistributed);
    expect((td as TimeDistributed).layer.name).toBe('dense_1');
    expect(model.getWeights().map((w) => [...w.shape])).toEqual(SHAPES);
    expect(model.countParams()).toBe(60 + 75 + 15 + 15 + 3);
    const text = model.summary({ print: false, layout: 'tf.keras' });
    expect(text).toContain(' gru_1 (GRU)                 (None, 6, 5)              150       ');
    expect(text).toContain(' time_distributed_1 (TimeDi  (None, 6, 3)              18        ');
  });

  it("predicts the float64 composition with Keras 2's hard_sigmoid (0.2x + 0.5)", () => {
    const model = modelFromConfig(KERAS_2_0_GRU_TIME_DISTRIBUTED);
    const weights = kerasWeights(201, SHAPES, 0.9);
    model.setWeights(weights);
    const x = randomTensor(seededRandom(202), [3, 6, 4], 2);
    const predicted = one(model.predict(x));
    const [gruKernel, gruRecurrent, gruBias, denseKernel, denseBias] = weights.map(toRef);
    const spec = recurrentSpec('GRU', 5, { resetAfter: false, recurrentActivation: 'hard_sigmoid', hardSigmoidVariant: 'keras2', returnSequences: true });
    const [sequence] = referenceRecurrent(spec, [gruKernel, gruRecurrent, gruBias], toRef(x));
    const expected = denseRef(sequence, denseKernel, denseBias, 'softmax');
    expectClose(predicted, expected);
    // Each step's softmax sums to 1.
    for (let row = 0; row < 18; row++) {
      const sum = predicted.data.slice(row * 3, row * 3 + 3).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 5);
    }
    // The Keras 3 hard_sigmoid (x / 6 + 0.5) would give other numbers: the version in the JSON decides.
    const [keras3Sequence] = referenceRecurrent({ ...spec, hardSigmoidVariant: 'keras3' }, [gruKernel, gruRecurrent, gruBias], toRef(x));
    expect(maxViolation(predicted.data, denseRef(keras3Sequence, denseKernel, denseBias, 'softmax').data, TOLERANCE).worst).toBeGreaterThan(10);
  });

  it("toJSON() writes such a model in tf.keras 2's spelling, so modelFromJson reads back Keras 2's hard_sigmoid and the same numbers", () => {
    const model = modelFromConfig(KERAS_2_0_GRU_TIME_DISTRIBUTED);
    model.setWeights(kerasWeights(203, SHAPES, 0.9));
    const x = randomTensor(seededRandom(204), [3, 6, 4], 2);
    const json = JSON.parse(model.toJSON()) as { keras_version?: string; module?: string };
    expect(json.keras_version).toMatch(/^2\./);
    expect(json.module).toBeUndefined();
    const copy = modelFromJson(model.toJSON());
    copy.setWeights(model.getWeights());
    expect(Array.from(one(copy.predict(x)).data)).toEqual(Array.from(one(model.predict(x)).data));
    // Keras 3's spelling, asked for, carries no version: Keras 3 reads it with its own hard_sigmoid.
    const keras3 = JSON.parse(model.toJSON({ kerasVersion: 3 })) as { keras_version?: string; module?: string };
    expect(keras3.keras_version).toBeUndefined();
    expect(keras3.module).toBe('keras');
    // A model built here computes as Keras 3 and is written as Keras 3 writes it.
    const built = new Sequential([new GRU({ units: 2, inputShape: [3, 1] })]);
    expect((JSON.parse(built.toJSON()) as { module?: string }).module).toBe('keras');
  });
});

// ---------------------------------------------------------------------------
// Embedding(mask_zero) -> LSTM -> Dense, in tf.keras 2 and Keras 3 spellings
// ---------------------------------------------------------------------------

/** tf.keras 2.13 Sequential.to_json(): { name, layers } with an InputLayer using batch_input_shape. */
const TF_KERAS_2_EMBEDDING_LSTM = JSON.stringify({
  class_name: 'Sequential',
  config: {
    name: 'sentiment_k2',
    layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 7], dtype: 'float32', sparse: false, ragged: false, name: 'embedding_input' } },
      {
        class_name: 'Embedding',
        config: {
          name: 'embedding', trainable: true, dtype: 'float32', batch_input_shape: [null, 7], input_dim: 12, output_dim: 6,
          embeddings_initializer: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
          embeddings_regularizer: null, activity_regularizer: null, embeddings_constraint: null, mask_zero: true, input_length: 7,
        },
      },
      {
        class_name: 'LSTM',
        config: {
          name: 'lstm', trainable: true, dtype: 'float32', return_sequences: false, return_state: false, go_backwards: false,
          stateful: false, unroll: false, time_major: false, units: 5, activation: 'tanh', recurrent_activation: 'sigmoid',
          use_bias: true, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
          recurrent_initializer: ORTHOGONAL_K2, bias_initializer: ZEROS_K2, unit_forget_bias: true,
          ...NO_RECURRENT_REGULARIZERS, dropout: 0.0, recurrent_dropout: 0.0, implementation: 2,
        },
      },
      {
        class_name: 'Dense',
        config: {
          name: 'dense', trainable: true, dtype: 'float32', units: 2, activation: 'sigmoid', use_bias: true,
          kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: ZEROS_K2, ...NO_REGULARIZERS,
        },
      },
    ],
  },
  keras_version: '2.13.1',
  backend: 'tensorflow',
});

/** Keras 3 Sequential.to_json(): module/registered_name, batch_shape, DTypePolicy objects, build_config. */
const KERAS_3_EMBEDDING_LSTM = JSON.stringify({
  module: 'keras',
  class_name: 'Sequential',
  config: {
    name: 'sentiment_k3',
    trainable: true,
    dtype: FLOAT32_POLICY,
    layers: [
      {
        module: 'keras.layers', class_name: 'InputLayer', registered_name: null,
        config: { batch_shape: [null, 7], dtype: 'int32', sparse: false, name: 'input_layer' },
      },
      {
        module: 'keras.layers', class_name: 'Embedding', registered_name: null, build_config: { input_shape: [null, 7] },
        config: {
          name: 'embedding', trainable: true, dtype: FLOAT32_POLICY, input_dim: 12, output_dim: 6,
          embeddings_initializer: k3Initializer('RandomUniform', { seed: null, minval: -0.05, maxval: 0.05 }),
          embeddings_regularizer: null, activity_regularizer: null, embeddings_constraint: null, mask_zero: true,
        },
      },
      {
        module: 'keras.layers', class_name: 'LSTM', registered_name: null, build_config: { input_shape: [null, 7, 6] },
        config: {
          name: 'lstm', trainable: true, dtype: FLOAT32_POLICY, return_sequences: false, return_state: false,
          go_backwards: false, stateful: false, unroll: false, zero_output_for_mask: false, units: 5,
          activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true,
          kernel_initializer: k3Initializer('GlorotUniform', { seed: null }),
          recurrent_initializer: k3Initializer('OrthogonalInitializer', { gain: 1.0, seed: null }),
          bias_initializer: k3Initializer('Zeros', {}), unit_forget_bias: true,
          ...NO_RECURRENT_REGULARIZERS, dropout: 0.0, recurrent_dropout: 0.0, seed: null,
        },
      },
      {
        module: 'keras.layers', class_name: 'Dense', registered_name: null, build_config: { input_shape: [null, 5] },
        config: {
          name: 'dense', trainable: true, dtype: FLOAT32_POLICY, units: 2, activation: 'sigmoid', use_bias: true,
          kernel_initializer: k3Initializer('GlorotUniform', { seed: null }), bias_initializer: k3Initializer('Zeros', {}),
          ...NO_REGULARIZERS,
        },
      },
    ],
    build_input_shape: [null, 7],
  },
  registered_name: null,
  build_config: { input_shape: [null, 7] },
  compile_config: null,
});

describe('Sequential Embedding(mask_zero) -> LSTM -> Dense', () => {
  const SHAPES = [[12, 6], [6, 20], [5, 20], [20], [5, 2], [2]];
  const IDS = [
    [0, 0, 3, 7, 11, 2, 5],
    [4, 0, 9, 0, 1, 0, 6],
    [8, 2, 10, 1, 0, 0, 0],
    [1, 2, 3, 4, 5, 6, 7],
  ];
  const MASK: ReferenceTensor = { shape: [4, 7], data: Float64Array.from(IDS.flat(), (id) => (id === 0 ? 0 : 1)) };

  const spellings: [label: string, json: string, name: string][] = [
    ['tf.keras 2 ({ name, layers }, InputLayer batch_input_shape)', TF_KERAS_2_EMBEDDING_LSTM, 'sentiment_k2'],
    ['Keras 3 (module, registered_name, batch_shape, DTypePolicy)', KERAS_3_EMBEDDING_LSTM, 'sentiment_k3'],
  ];

  for (const [label, json, name] of spellings) {
    it(`${label}: names, shapes and the masked float64 composition`, () => {
      const model = modelFromConfig(json);
      expect(model).toBeInstanceOf(Sequential);
      expect(model.name).toBe(name);
      expect(model.layers.map((l) => l.name)).toEqual(['embedding', 'lstm', 'dense']);
      expect(model.layers.map((l) => l.className)).toEqual(['Embedding', 'LSTM', 'Dense']);
      expect((model.layers[0] as Embedding).maskZero).toBe(true);
      expect(model.getWeights().map((w) => [...w.shape])).toEqual(SHAPES);
      const text = model.summary({ print: false, layout: 'tf.keras' });
      expect(text).toContain(' embedding (Embedding)       (None, 7, 6)              72        ');
      expect(text).toContain(' lstm (LSTM)                 (None, 5)                 240       ');
      expect(text).toContain('Total params: 324');

      const weights = kerasWeights(301, SHAPES);
      model.setWeights(weights);
      const predicted = one(model.predict(IDS));
      const [table, kernel, recurrent, bias, denseKernel, denseBias] = weights.map(toRef);
      const [last] = referenceRecurrent(recurrentSpec('LSTM', 5), [kernel, recurrent, bias], embeddingRef(IDS, table), { mask: MASK });
      expectClose(predicted, denseRef(last, denseKernel, denseBias, 'sigmoid'));
      // The ids with padding come out differently than without the mask.
      const [unmasked] = referenceRecurrent(recurrentSpec('LSTM', 5), [kernel, recurrent, bias], embeddingRef(IDS, table));
      expect(maxViolation(predicted.data, denseRef(unmasked, denseKernel, denseBias, 'sigmoid').data, TOLERANCE).worst).toBeGreaterThan(10);
    });
  }

  it('also accepts the parsed object instead of the JSON string', () => {
    const model = modelFromConfig(JSON.parse(KERAS_3_EMBEDDING_LSTM) as Record<string, unknown>);
    expect(model.layers.map((l) => l.name)).toEqual(['embedding', 'lstm', 'dense']);
  });
});

// ---------------------------------------------------------------------------
// Two-input functional: LSTM(go_backwards) + LSTM -> Concatenate -> Dense(relu) -> Dropout -> Dense(softmax)
// ---------------------------------------------------------------------------

/** Keras 2 functional to_json(): 'Model' up to 2.3, 'Functional' in tf.keras 2.4+; inbound_nodes as nested lists. */
function keras2TwoInputJson(className: 'Model' | 'Functional', kerasVersion: string, recurrentActivation: string): string {
  const lstm = (name: string, units: number, goBackwards: boolean) => ({
    name, trainable: true, return_sequences: false, return_state: false, go_backwards: goBackwards, stateful: false, unroll: false,
    units, activation: 'tanh', recurrent_activation: recurrentActivation, use_bias: true,
    kernel_initializer: GLOROT_K2_0, recurrent_initializer: ORTHOGONAL_K2, bias_initializer: ZEROS_K2, unit_forget_bias: true,
    ...NO_RECURRENT_REGULARIZERS, dropout: 0.0, recurrent_dropout: 0.0, implementation: 1,
  });
  const dense = (name: string, units: number, activation: string) => ({
    name, trainable: true, units, activation, use_bias: true, kernel_initializer: GLOROT_K2_0, bias_initializer: ZEROS_K2, ...NO_REGULARIZERS,
  });
  return JSON.stringify({
    class_name: className,
    config: {
      name: 'two_inputs',
      layers: [
        { name: 'input_1', class_name: 'InputLayer', config: { batch_input_shape: [null, 5, 3], dtype: 'float32', sparse: false, name: 'input_1' }, inbound_nodes: [] },
        { name: 'input_2', class_name: 'InputLayer', config: { batch_input_shape: [null, 4, 2], dtype: 'float32', sparse: false, name: 'input_2' }, inbound_nodes: [] },
        { name: 'lstm_1', class_name: 'LSTM', config: lstm('lstm_1', 4, true), inbound_nodes: [[['input_1', 0, 0, {}]]] },
        { name: 'lstm_2', class_name: 'LSTM', config: lstm('lstm_2', 3, false), inbound_nodes: [[['input_2', 0, 0, {}]]] },
        {
          name: 'concatenate_1', class_name: 'Concatenate', config: { name: 'concatenate_1', trainable: true, axis: -1 },
          inbound_nodes: [[['lstm_1', 0, 0, {}], ['lstm_2', 0, 0, {}]]],
        },
        { name: 'dense_1', class_name: 'Dense', config: dense('dense_1', 6, 'relu'), inbound_nodes: [[['concatenate_1', 0, 0, {}]]] },
        {
          name: 'dropout_1', class_name: 'Dropout', config: { name: 'dropout_1', trainable: true, rate: 0.25, noise_shape: null, seed: null },
          inbound_nodes: [[['dense_1', 0, 0, {}]]],
        },
        { name: 'dense_2', class_name: 'Dense', config: dense('dense_2', 3, 'softmax'), inbound_nodes: [[['dropout_1', 0, 0, {}]]] },
      ],
      input_layers: [['input_1', 0, 0], ['input_2', 0, 0]],
      output_layers: [['dense_2', 0, 0]],
    },
    keras_version: kerasVersion,
    backend: 'tensorflow',
  });
}

/** Keras 3 Functional.to_json(): inbound nodes as { args, kwargs } with __keras_tensor__ entries; Concatenate gets one nested list. */
const KERAS_3_TWO_INPUTS = (() => {
  const lstm = (name: string, units: number, goBackwards: boolean) => ({
    name, trainable: true, dtype: FLOAT32_POLICY, return_sequences: false, return_state: false, go_backwards: goBackwards,
    stateful: false, unroll: false, zero_output_for_mask: false, units, activation: 'tanh', recurrent_activation: 'sigmoid',
    use_bias: true, kernel_initializer: k3Initializer('GlorotUniform', { seed: null }),
    recurrent_initializer: k3Initializer('Orthogonal', { gain: 1.0, seed: null }), bias_initializer: k3Initializer('Zeros', {}),
    unit_forget_bias: true, ...NO_RECURRENT_REGULARIZERS, dropout: 0.0, recurrent_dropout: 0.0, seed: null,
  });
  const dense = (name: string, units: number, activation: string) => ({
    name, trainable: true, dtype: FLOAT32_POLICY, units, activation, use_bias: true,
    kernel_initializer: k3Initializer('GlorotUniform', { seed: null }), bias_initializer: k3Initializer('Zeros', {}), ...NO_REGULARIZERS,
  });
  const layer = (className: string, name: string, config: Record<string, unknown>, inboundNodes: unknown[]) => ({
    module: 'keras.layers', class_name: className, config, registered_name: null, name, inbound_nodes: inboundNodes,
  });
  return JSON.stringify({
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: 'two_inputs_k3',
      trainable: true,
      layers: [
        layer('InputLayer', 'input_layer', { batch_shape: [null, 5, 3], dtype: 'float32', sparse: false, name: 'input_layer' }, []),
        layer('InputLayer', 'input_layer_1', { batch_shape: [null, 4, 2], dtype: 'float32', sparse: false, name: 'input_layer_1' }, []),
        layer('LSTM', 'lstm', lstm('lstm', 4, true), [{ args: [k3Tensor([null, 5, 3], ['input_layer', 0, 0])], kwargs: { training: false, mask: null } }]),
        layer('LSTM', 'lstm_1', lstm('lstm_1', 3, false), [{ args: [k3Tensor([null, 4, 2], ['input_layer_1', 0, 0])], kwargs: { training: false, mask: null } }]),
        layer('Concatenate', 'concatenate', { name: 'concatenate', trainable: true, dtype: FLOAT32_POLICY, axis: -1 }, [
          { args: [[k3Tensor([null, 4], ['lstm', 0, 0]), k3Tensor([null, 3], ['lstm_1', 0, 0])]], kwargs: {} },
        ]),
        layer('Dense', 'dense', dense('dense', 6, 'relu'), [{ args: [k3Tensor([null, 7], ['concatenate', 0, 0])], kwargs: {} }]),
        layer('Dropout', 'dropout', { name: 'dropout', trainable: true, dtype: FLOAT32_POLICY, rate: 0.25, seed: null, noise_shape: null }, [
          { args: [k3Tensor([null, 6], ['dense', 0, 0])], kwargs: { training: false } },
        ]),
        layer('Dense', 'dense_1', dense('dense_1', 3, 'softmax'), [{ args: [k3Tensor([null, 6], ['dropout', 0, 0])], kwargs: {} }]),
      ],
      input_layers: [['input_layer', 0, 0], ['input_layer_1', 0, 0]],
      output_layers: [['dense_1', 0, 0]],
    },
    registered_name: 'Functional',
    build_config: { input_shape: null },
    compile_config: null,
  });
})();

describe('two-input functional: LSTM(go_backwards) + LSTM -> Concatenate -> Dense(relu) -> Dropout -> Dense(softmax)', () => {
  const SHAPES = [[3, 16], [4, 16], [16], [2, 12], [3, 12], [12], [7, 6], [6], [6, 3], [3]];

  const spellings: [label: string, json: string, names: string[], hardSigmoid: boolean][] = [
    [
      "Keras 2.2.4 'Model' (recurrent_activation hard_sigmoid, the Keras 2 definition)",
      keras2TwoInputJson('Model', '2.2.4', 'hard_sigmoid'),
      ['input_1', 'input_2', 'lstm_1', 'lstm_2', 'concatenate_1', 'dense_1', 'dropout_1', 'dense_2'],
      true,
    ],
    [
      "tf.keras 2.9 'Functional'",
      keras2TwoInputJson('Functional', '2.9.0', 'sigmoid'),
      ['input_1', 'input_2', 'lstm_1', 'lstm_2', 'concatenate_1', 'dense_1', 'dropout_1', 'dense_2'],
      false,
    ],
    [
      'Keras 3 Functional (__keras_tensor__ args, nested list for Concatenate)',
      KERAS_3_TWO_INPUTS,
      ['input_layer', 'input_layer_1', 'lstm', 'lstm_1', 'concatenate', 'dense', 'dropout', 'dense_1'],
      false,
    ],
  ];

  for (const [label, json, names, hardSigmoid] of spellings) {
    it(label, () => {
      const model = modelFromConfig(json);
      expect(model).toBeInstanceOf(Model);
      const functional = model as Model;
      expect(functional.layers.map((l) => l.name)).toEqual(names);
      expect(functional.inputs.map((t) => [...t.shape])).toEqual([[null, 5, 3], [null, 4, 2]]);
      expect(functional.outputs.map((t) => [...t.shape])).toEqual([[null, 3]]);
      expect(functional.layers[0]).toBeInstanceOf(InputLayer);
      expect((functional.layers[2] as LSTM).goBackwards).toBe(true);
      expect((functional.layers[3] as LSTM).goBackwards).toBe(false);
      expect(functional.layers[6]).toBeInstanceOf(Dropout);
      expect(functional.getWeights().map((w) => [...w.shape])).toEqual(SHAPES);

      const weights = kerasWeights(401, SHAPES, 0.8);
      functional.setWeights(weights);
      const random = seededRandom(402);
      const xa = randomTensor(random, [3, 5, 3], 2);
      const xb = randomTensor(random, [3, 4, 2], 2);
      const predicted = one(functional.predict([xa, xb]));

      const [k1, r1, b1, k2, r2, b2, denseKernel, denseBias, outKernel, outBias] = weights.map(toRef);
      const gates = hardSigmoid ? { recurrentActivation: 'hard_sigmoid', hardSigmoidVariant: 'keras2' as const } : {};
      const [hA] = referenceRecurrent(recurrentSpec('LSTM', 4, { goBackwards: true, ...gates }), [k1, r1, b1], toRef(xa));
      const [hB] = referenceRecurrent(recurrentSpec('LSTM', 3, gates), [k2, r2, b2], toRef(xb));
      const hidden = denseRef(concatLastAxis([hA, hB]), denseKernel, denseBias, 'relu');
      // Dropout is the identity at inference.
      expectClose(predicted, denseRef(hidden, outKernel, outBias, 'softmax'));
    });
  }
});

// ---------------------------------------------------------------------------
// Layer order for setWeights(keras_model.get_weights())
// ---------------------------------------------------------------------------

describe("a functional config's layer order is Keras' weight order", () => {
  // tf.keras 2 writes config.layers in model.layers order: by depth from the outputs, ties by traversal.
  // Branch a: in_a -> lstm_a -> dense_a -> dense_c; branch b: in_b -> dense_b; cat([dense_b, dense_c]).
  const dense = (name: string, units: number) => ({
    name, trainable: true, dtype: 'float32', units, activation: 'tanh', use_bias: true,
    kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: ZEROS_K2, ...NO_REGULARIZERS,
  });
  const JSON_TEXT = JSON.stringify({
    class_name: 'Functional',
    config: {
      name: 'uneven_branches',
      layers: [
        { class_name: 'InputLayer', name: 'in_a', config: { batch_input_shape: [null, 5, 3], dtype: 'float32', sparse: false, ragged: false, name: 'in_a' }, inbound_nodes: [] },
        {
          class_name: 'LSTM', name: 'lstm_a', inbound_nodes: [[['in_a', 0, 0, {}]]],
          config: {
            name: 'lstm_a', trainable: true, dtype: 'float32', return_sequences: false, return_state: false, go_backwards: false,
            stateful: false, unroll: false, time_major: false, units: 3, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true,
            kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, recurrent_initializer: ORTHOGONAL_K2,
            bias_initializer: ZEROS_K2, unit_forget_bias: true, ...NO_RECURRENT_REGULARIZERS, dropout: 0.0, recurrent_dropout: 0.0, implementation: 2,
          },
        },
        { class_name: 'InputLayer', name: 'in_b', config: { batch_input_shape: [null, 4], dtype: 'float32', sparse: false, ragged: false, name: 'in_b' }, inbound_nodes: [] },
        { class_name: 'Dense', name: 'dense_a', config: dense('dense_a', 2), inbound_nodes: [[['lstm_a', 0, 0, {}]]] },
        { class_name: 'Dense', name: 'dense_b', config: dense('dense_b', 2), inbound_nodes: [[['in_b', 0, 0, {}]]] },
        { class_name: 'Dense', name: 'dense_c', config: dense('dense_c', 2), inbound_nodes: [[['dense_a', 0, 0, {}]]] },
        {
          class_name: 'Concatenate', name: 'cat', config: { name: 'cat', trainable: true, dtype: 'float32', axis: -1 },
          inbound_nodes: [[['dense_b', 0, 0, {}], ['dense_c', 0, 0, {}]]],
        },
      ],
      input_layers: [['in_a', 0, 0], ['in_b', 0, 0]],
      output_layers: [['cat', 0, 0]],
    },
    keras_version: '2.13.1',
    backend: 'tensorflow',
  });
  // Keras get_weights(): lstm_a (kernel, recurrent_kernel, bias), dense_a, dense_b, dense_c.
  const KERAS_SHAPES = [[3, 12], [3, 12], [12], [3, 2], [2], [4, 2], [2], [2, 2], [2]];

  it('lists the layers as the config does and takes the weights in that order', () => {
    const model = modelFromConfig(JSON_TEXT);
    expect(model.layers.map((l) => l.name)).toEqual(['in_a', 'lstm_a', 'in_b', 'dense_a', 'dense_b', 'dense_c', 'cat']);
    expect(model.getWeights().map((w) => [...w.shape])).toEqual(KERAS_SHAPES);
    const weights = kerasWeights(501, KERAS_SHAPES);
    model.setWeights(weights);
    const random = seededRandom(502);
    const xa = randomTensor(random, [2, 5, 3]);
    const xb = randomTensor(random, [2, 4]);
    const [k, r, b, kA, bA, kB, bB, kC, bC] = weights.map(toRef);
    const [h] = referenceRecurrent(recurrentSpec('LSTM', 3), [k, r, b], toRef(xa));
    const branchA = denseRef(denseRef(h, kA, bA, 'tanh'), kC, bC, 'tanh');
    const branchB = denseRef(toRef(xb), kB, bB, 'tanh');
    expectClose(one(model.predict([xa, xb])), concatLastAxis([branchB, branchA]));
  });
});

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

describe('configs modelFromConfig cannot build give a ConfigError', () => {
  const conv = { class_name: 'Conv1DTranspose', config: { name: 'conv1d', filters: 4, kernel_size: [3] } };

  it('an unknown layer class in a Sequential names the class', () => {
    const json = JSON.stringify({
      class_name: 'Sequential',
      config: { name: 'with_conv', layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, 6, 2], name: 'in' } }, conv] },
      keras_version: '2.13.1',
    });
    const error = caught(() => modelFromConfig(json));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(WasmRnnError);
    expect(error.message).toContain('Conv1DTranspose');
  });

  it('an unknown layer class in a functional config names the class', () => {
    const json = JSON.stringify({
      class_name: 'Functional',
      config: {
        name: 'with_pooling',
        layers: [
          { class_name: 'InputLayer', name: 'in', config: { batch_input_shape: [null, 6, 2], name: 'in' }, inbound_nodes: [] },
          { class_name: 'GlobalAveragePooling3D', name: 'pool', config: { name: 'pool' }, inbound_nodes: [[['in', 0, 0, {}]]] },
        ],
        input_layers: [['in', 0, 0]],
        output_layers: [['pool', 0, 0]],
      },
      keras_version: '2.13.1',
    });
    const error = caught(() => modelFromConfig(json));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('GlobalAveragePooling3D');
  });

  it('an unknown layer class inside TimeDistributed names the class', () => {
    const json = JSON.stringify({
      class_name: 'Sequential',
      config: [
        { class_name: 'LSTM', config: { name: 'lstm_1', units: 2, return_sequences: true, batch_input_shape: [null, 3, 2] } },
        { class_name: 'TimeDistributed', config: { name: 'td', layer: { class_name: 'MyNormalization', config: { name: 'bn' } } } },
      ],
      keras_version: '2.0.4',
    });
    const error = caught(() => modelFromConfig(json));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('MyNormalization');
  });

  it('a root that is not a model, JSON that does not parse, and a reference to an undefined layer', () => {
    const cases: [label: string, json: string, fragment: string][] = [
      ['not a model class', JSON.stringify({ class_name: 'LSTM', config: { units: 3 } }), 'LSTM'],
      ['not JSON', '{"class_name": "Sequential", ', 'JSON'],
      [
        'undefined inbound layer',
        JSON.stringify({
          class_name: 'Functional',
          config: {
            name: 'dangling',
            layers: [
              { class_name: 'InputLayer', name: 'in', config: { batch_input_shape: [null, 3], name: 'in' }, inbound_nodes: [] },
              { class_name: 'Dense', name: 'out', config: { name: 'out', units: 2 }, inbound_nodes: [[['missing', 0, 0, {}]]] },
            ],
            input_layers: [['in', 0, 0]],
            output_layers: [['out', 0, 0]],
          },
        }),
        'missing',
      ],
    ];
    for (const [label, json, fragment] of cases) {
      const error = caught(() => modelFromConfig(json));
      expect(error, label).toBeInstanceOf(ConfigError);
      expect(error.message, label).toContain(fragment);
    }
  });

  it('after a failing config, a valid one still builds and runs', () => {
    expect(() => modelFromConfig(JSON.stringify({ class_name: 'Sequential', config: [conv] }))).toThrow(ConfigError);
    const model = modelFromConfig(TF_KERAS_2_EMBEDDING_LSTM);
    expect([...one(model.predict([[1, 2, 3, 0, 0, 0, 0]])).shape]).toEqual([1, 2]);
    expect(model.layers[2]).toBeInstanceOf(Dense);
  });
});
