// layerFromConfig with the Keras 2 and Keras 3 spellings, getConfig round
// trips, parameter counts, weight shapes and how weights are initialised.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Bidirectional,
  ConfigError,
  GRU,
  LSTM,
  RecurrentLayer,
  ShapeError,
  SimpleRNN,
  Tensor,
  initializers,
  layerFromConfig,
  ready,
  tensor,
  type ApplyOptions,
  type KerasLayerSpec,
  type KerasVersion,
} from '../dist/index.js';
import { expectError, untyped } from './expect-error.js';
import { loadFixture, maxViolation, type Fixture } from './fixtures.js';
import { expectSameWeights, kerasWeightShapes, referenceOutputs, seededTensor } from './model-helpers.js';
import { expectClose } from './expect-close.js';
import {
  gateCount,
  recurrentSpec,
  referenceFromFixture,
  type CellKind,
  type HardSigmoidVariant,
  type MergeMode,
  type ReferenceRecurrentSpec,
} from './reference/index.js';

beforeAll(async () => {
  await ready();
});

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

type AnyLayer = RecurrentLayer | Bidirectional;

function fixtureTensor(json: { shape: number[]; data: number[] }): Tensor {
  return tensor(json.data, json.shape);
}

function sameValues(a: Tensor, b: Tensor): boolean {
  return a.size === b.size && a.data.every((v, i) => v === b.data[i]);
}

function asRecurrent(layer: AnyLayer): RecurrentLayer {
  if (!(layer instanceof RecurrentLayer)) throw new Error(`expected a recurrent layer, got ${layer.className}`);
  return layer;
}

function asBidirectional(layer: AnyLayer): Bidirectional {
  if (!(layer instanceof Bidirectional)) throw new Error(`expected a Bidirectional, got ${layer.className}`);
  return layer;
}

// Keras 3 serialises nested objects with module / class_name / config / registered_name.
const DTYPE_POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

function keras3Initializer(className: string, config: Record<string, unknown>): Record<string, unknown> {
  return { module: 'keras.initializers', class_name: className, config, registered_name: null };
}

/** The regularizer, constraint and dropout keys both Keras versions write for an LSTM, in their order, all off. */
const LSTM_NO_REGULARIZERS_OR_DROPOUT = {
  kernel_regularizer: null,
  recurrent_regularizer: null,
  bias_regularizer: null,
  activity_regularizer: null,
  kernel_constraint: null,
  recurrent_constraint: null,
  bias_constraint: null,
  dropout: 0.0,
  recurrent_dropout: 0.0,
};

/** An LSTM config exactly as Keras 3 `layer.get_config()` writes it, with overrides. */
function keras3LstmConfig(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    name: 'lstm',
    trainable: true,
    dtype: DTYPE_POLICY,
    return_sequences: false,
    return_state: false,
    go_backwards: false,
    stateful: false,
    unroll: false,
    zero_output_for_mask: false,
    units: 3,
    activation: 'tanh',
    recurrent_activation: 'sigmoid',
    use_bias: true,
    kernel_initializer: keras3Initializer('GlorotUniform', { seed: null }),
    recurrent_initializer: keras3Initializer('Orthogonal', { gain: 1.0, seed: null }),
    bias_initializer: keras3Initializer('Zeros', {}),
    unit_forget_bias: true,
    ...LSTM_NO_REGULARIZERS_OR_DROPOUT,
    seed: null,
    ...overrides,
  };
}

/** An LSTM config as tf.keras 2.x `layer.get_config()` writes it, with overrides. */
function keras2LstmConfig(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    name: 'lstm',
    trainable: true,
    dtype: 'float32',
    return_sequences: false,
    return_state: false,
    go_backwards: false,
    stateful: false,
    unroll: false,
    time_major: false,
    units: 3,
    activation: 'tanh',
    recurrent_activation: 'sigmoid',
    use_bias: true,
    kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
    recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1.0, seed: null } },
    bias_initializer: { class_name: 'Zeros', config: {} },
    unit_forget_bias: true,
    ...LSTM_NO_REGULARIZERS_OR_DROPOUT,
    implementation: 2,
    ...overrides,
  };
}

/** Runs a fixture's weights and inputs through `layer`. */
function runFixtureOn(layer: AnyLayer, fixture: Fixture): Tensor[] {
  layer.setWeights(fixture.weights.map(fixtureTensor));
  const options: ApplyOptions = {};
  if (fixture.inputs.mask) options.mask = fixtureTensor(fixture.inputs.mask);
  if (fixture.inputs.initial_state) options.initialState = fixture.inputs.initial_state.map(fixtureTensor);
  return layer.call(fixtureTensor(fixture.inputs.x), options);
}

// ---------------------------------------------------------------------------
// Keras 3 spellings
// ---------------------------------------------------------------------------

describe('layerFromConfig: Keras 3 spellings', () => {
  it('reads nested initializer objects and a DTypePolicy dtype (Constant initializers give constant weights)', () => {
    const H = 3;
    const D = 2;
    const layer = asRecurrent(layerFromConfig({
      module: 'keras.layers',
      class_name: 'LSTM',
      registered_name: null,
      config: keras3LstmConfig({
        units: H,
        return_sequences: true,
        return_state: true,
        kernel_initializer: keras3Initializer('Constant', { value: 0.1 }),
        recurrent_initializer: keras3Initializer('Constant', { value: -0.2 }),
        bias_initializer: keras3Initializer('Constant', { value: 0.3 }),
      }),
    }));
    expect(layer).toBeInstanceOf(LSTM);
    expect(layer.units).toBe(H);
    layer.build([2, 4, D]);

    // Keras: kernel and recurrent kernel filled with the constant; unit_forget_bias puts 1 in the f block.
    const kernel = tensor(new Float32Array(D * 4 * H).fill(0.1), [D, 4 * H]);
    const recurrent = tensor(new Float32Array(H * 4 * H).fill(-0.2), [H, 4 * H]);
    const bias = tensor([0.3, 0.3, 0.3, 1, 1, 1, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3], [4 * H]);
    expectSameWeights(layer.getWeights(), [kernel, recurrent, bias]);

    const x = seededTensor([2, 4, D], 1, 2);
    expectClose(layer.call(x), referenceOutputs(recurrentSpec('LSTM', H, { returnSequences: true, returnState: true }), undefined, [kernel, recurrent, bias], x));
  });

  it('reads activations written as Keras 3 objects', () => {
    const layer = asRecurrent(layerFromConfig({
      class_name: 'GRU',
      config: {
        units: 2,
        activation: { module: 'keras.activations', class_name: 'function', config: 'relu', registered_name: 'function' },
        recurrent_activation: 'hard_sigmoid',
      },
    }));
    expect(layer.activation).toBe('relu');
    const weights = kerasWeightShapes(recurrentSpec('GRU', 2), 3).map((shape, i) => seededTensor(shape, 10 + i));
    layer.setWeights(weights);
    const x = seededTensor([2, 3, 3], 13, 2);
    expectClose(layer.call(x), referenceOutputs(recurrentSpec('GRU', 2, { activation: 'relu', recurrentActivation: 'hard_sigmoid' }), undefined, weights, x));
  });

  it('reproduces the Keras seed golden case from a Keras 3 Bidirectional config with backward_layer', () => {
    const fixture = loadFixture('bidirectional_lstm_seed_golden_seq');
    const constants = {
      kernel_initializer: keras3Initializer('Constant', { value: 0.1 }),
      recurrent_initializer: keras3Initializer('Constant', { value: 0.1 }),
      bias_initializer: keras3Initializer('Constant', { value: 0 }),
    };
    const inner = fixture.layer.config.layer as { config: Record<string, unknown> };
    const layer = asBidirectional(layerFromConfig({
      module: 'keras.layers',
      class_name: 'Bidirectional',
      registered_name: null,
      config: {
        name: 'bidirectional',
        trainable: true,
        dtype: DTYPE_POLICY,
        merge_mode: 'concat',
        layer: { module: 'keras.layers', class_name: 'LSTM', registered_name: null, config: keras3LstmConfig({ ...inner.config, ...constants, name: 'forward_lstm' }) },
        backward_layer: {
          module: 'keras.layers',
          class_name: 'LSTM',
          registered_name: null,
          config: keras3LstmConfig({ ...inner.config, ...constants, name: 'backward_lstm', go_backwards: true }),
        },
      },
    }));
    expect(layer.name).toBe('bidirectional');
    expect(layer.forwardLayer.name).toBe('forward_lstm');
    expect(layer.backwardLayer.name).toBe('backward_lstm');
    expect(layer.forwardLayer.goBackwards).toBe(false);
    expect(layer.backwardLayer.goBackwards).toBe(true);

    // No setWeights: the initializers alone must give Keras' weights and outputs.
    const x = fixtureTensor(fixture.inputs.x);
    const outputs = layer.call(x);
    expectSameWeights(layer.getWeights(), fixture.weights.map(fixtureTensor));
    expectClose(outputs, fixture.expected, { tolerance: fixture.tolerance });
  });

  it('runs a Keras 3 Bidirectional config with backward_layer on a fixture\'s weights', () => {
    const fixture = loadFixture('bidirectional_lstm_concat_seq');
    const inner = fixture.layer.config.layer as { config: Record<string, unknown> };
    const layer = asBidirectional(layerFromConfig({
      class_name: 'Bidirectional',
      config: {
        name: 'bidirectional_k3',
        dtype: DTYPE_POLICY,
        merge_mode: fixture.layer.config.merge_mode,
        layer: { module: 'keras.layers', class_name: 'LSTM', registered_name: null, config: keras3LstmConfig({ ...inner.config, name: 'forward_lstm' }) },
        backward_layer: {
          module: 'keras.layers',
          class_name: 'LSTM',
          registered_name: null,
          config: keras3LstmConfig({ ...inner.config, name: 'backward_lstm', go_backwards: true }),
        },
      },
    }));
    expect(layer.backwardLayer.name).toBe('backward_lstm');
    expect(layer.backwardLayer.goBackwards).toBe(true);
    expectClose(runFixtureOn(layer, fixture), fixture.expected, { tolerance: fixture.tolerance });
  });

  it('ignores harmless keys it does not know, including time_major: false', () => {
    const layer = asRecurrent(layerFromConfig({
      module: 'keras.layers',
      class_name: 'SimpleRNN',
      registered_name: null,
      config: {
        units: 2,
        return_sequences: true,
        time_major: false,
        use_cudnn: 'auto',
        implementation: 1,
        some_future_option: { nested: [1, 2, 3] },
        kernel_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 }, registered_name: null },
        activity_regularizer: null,
        seed: 1234,
        dtype: DTYPE_POLICY,
      },
    }));
    const weights = kerasWeightShapes(recurrentSpec('SimpleRNN', 2), 3).map((shape, i) => seededTensor(shape, 20 + i));
    layer.setWeights(weights);
    const x = seededTensor([2, 4, 3], 23);
    expectClose(layer.call(x), referenceOutputs(recurrentSpec('SimpleRNN', 2, { returnSequences: true }), undefined, weights, x));
  });

  it('accepts unroll: true (unrolling does not change results)', () => {
    const layer = asRecurrent(layerFromConfig({ class_name: 'GRU', config: { units: 3, unroll: true, return_state: true } }));
    const weights = kerasWeightShapes(recurrentSpec('GRU', 3), 2).map((shape, i) => seededTensor(shape, 30 + i));
    layer.setWeights(weights);
    const x = seededTensor([3, 5, 2], 33);
    expectClose(layer.call(x), referenceOutputs(recurrentSpec('GRU', 3, { returnState: true }), undefined, weights, x));
    // The config keeps it, as Keras' get_config does, in every cell and inside a Bidirectional.
    expect(layer.getConfig().unroll).toBe(true);
    expect(asRecurrent(layerFromConfig({ class_name: 'GRU', config: { units: 3 } })).getConfig().unroll).toBe(false);
    for (const made of [new SimpleRNN({ units: 2, unroll: true }), new LSTM({ units: 2, unroll: true }), new GRU({ units: 2, unroll: true })]) {
      expect(made.getConfig().unroll).toBe(true);
      expect(asRecurrent(layerFromConfig({ class_name: made.className, config: made.getConfig() })).unroll).toBe(true);
    }
    const bidirectional = new Bidirectional(new LSTM({ units: 2, unroll: true })).getConfig() as { layer: { config: { unroll: boolean } }; backward_layer?: { config: { unroll: boolean } } };
    expect(bidirectional.layer.config.unroll).toBe(true);
  });

  it('rejects time_major: true with a ConfigError', () => {
    expectError(() => layerFromConfig({ class_name: 'GRU', config: { units: 3, time_major: true } }), ConfigError, [/time_major/, /not supported/, /expected false/]);
  });

  it('accepts stateful: true, in a layer and inside a Bidirectional (both copies stateful)', () => {
    const layer = layerFromConfig({ class_name: 'LSTM', config: keras3LstmConfig({ stateful: true }) });
    expect(layer.getConfig().stateful).toBe(true);
    const bi = layerFromConfig({ class_name: 'Bidirectional', config: { layer: { class_name: 'LSTM', config: keras2LstmConfig({ stateful: true }) } } });
    expect(bi instanceof Bidirectional && bi.forwardLayer.stateful && bi.backwardLayer.stateful).toBe(true);
  });
});

// ---------------------------------------------------------------------------
// Keras 2 spellings
// ---------------------------------------------------------------------------

describe('layerFromConfig: Keras 2 spellings', () => {
  it('reads a tf.keras LSTM config with class_name/config initializers and batch_input_shape', () => {
    const layer = asRecurrent(layerFromConfig({
      class_name: 'LSTM',
      config: keras2LstmConfig({
        batch_input_shape: [null, 5, 3],
        return_sequences: true,
        kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 1.0, mode: 'fan_avg', distribution: 'uniform', seed: null } },
        bias_initializer: { class_name: 'Constant', config: { value: 0.5 } },
        unit_forget_bias: false,
      }),
    }));
    expect(layer.batchInputShape).toEqual([null, 5, 3]);
    layer.build([1, 5, 3]);
    const [kernel, recurrent, bias] = layer.getWeights();
    expect(kernel.shape).toEqual([3, 12]);
    // VarianceScaling(fan_avg, uniform) is Glorot uniform: |w| <= sqrt(6 / (fan_in + fan_out)).
    const limit = Math.sqrt(6 / (3 + 12));
    expect(Math.max(...Array.from(kernel.data, Math.abs))).toBeLessThanOrEqual(limit);
    expect(recurrent.shape).toEqual([3, 12]);
    expect(Array.from(bias.data)).toEqual(new Array(12).fill(0.5));

    const x = seededTensor([2, 5, 3], 40);
    expectClose(layer.call(x), referenceOutputs(recurrentSpec('LSTM', 3, { returnSequences: true }), undefined, [kernel, recurrent, bias], x));
  });

  it('reads a tf.keras Bidirectional config (no backward_layer) and runs a fixture on it', () => {
    const fixture = loadFixture('bidirectional_gru_v1_concat_seq_state');
    const inner = fixture.layer.config.layer as { class_name: string; config: Record<string, unknown> };
    const layer = asBidirectional(layerFromConfig({
      class_name: 'Bidirectional',
      config: {
        name: 'bidirectional',
        trainable: true,
        dtype: 'float32',
        merge_mode: fixture.layer.config.merge_mode,
        layer: {
          class_name: inner.class_name,
          config: {
            ...inner.config,
            name: 'gru',
            trainable: true,
            dtype: 'float32',
            time_major: false,
            implementation: 2,
            kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
            recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1.0, seed: null } },
            bias_initializer: { class_name: 'Zeros', config: {} },
          },
        },
      },
    }));
    expect(layer.forwardLayer.name).toBe('forward_gru');
    expect(layer.backwardLayer.name).toBe('backward_gru');
    expectClose(runFixtureOn(layer, fixture), fixture.expected, { tolerance: fixture.tolerance });
  });

  it('gives Ones, Zeros and Constant initializers constant weights', () => {
    const layer = asRecurrent(layerFromConfig({
      class_name: 'GRU',
      config: {
        units: 2,
        reset_after: false,
        kernel_initializer: { class_name: 'Ones', config: {} },
        recurrent_initializer: { class_name: 'Constant', config: { value: -0.25, dtype: 'float32' } },
        bias_initializer: { class_name: 'Zeros', config: {} },
      },
    }));
    layer.build([1, 1, 4]);
    const [kernel, recurrent, bias] = layer.getWeights();
    expect(Array.from(kernel.data)).toEqual(new Array(4 * 6).fill(1));
    expect(Array.from(recurrent.data)).toEqual(new Array(2 * 6).fill(-0.25));
    expect(Array.from(bias.data)).toEqual(new Array(6).fill(0));
  });
});

// ---------------------------------------------------------------------------
// hard_sigmoid and kerasVersion
// ---------------------------------------------------------------------------

describe('kerasVersion decides what hard_sigmoid means', () => {
  const variants: [KerasVersion, HardSigmoidVariant][] = [[2, 'keras2'], [3, 'keras3']];

  for (const name of ['gru_hard_sigmoid_k2_seq_state', 'lstm_relu_hard_sigmoid_k3_seq']) {
    describe(name, () => {
      const fixture = loadFixture(name);
      const references = new Map(variants.map(([, variant]) => [variant, referenceFromFixture({ ...fixture, hard_sigmoid_variant: variant })]));

      it('the two definitions give different answers on this case (so the check below can tell them apart)', () => {
        const keras2 = references.get('keras2') ?? [];
        const keras3 = references.get('keras3') ?? [];
        const worst = Math.max(...keras2.map((t, i) => maxViolation(t.data, keras3[i].data, fixture.tolerance).worst));
        expect(worst).toBeGreaterThan(10);
      });

      for (const [version, variant] of variants) {
        it(`kerasVersion ${version} matches the reference's ${variant} hard_sigmoid`, () => {
          const layer = asRecurrent(layerFromConfig(fixture.layer as KerasLayerSpec, { kerasVersion: version }));
          expect(layer.kerasVersion).toBe(version);
          expectClose(runFixtureOn(layer, fixture), references.get(variant) ?? []);
          if (variant === fixture.hard_sigmoid_variant) expectClose(runFixtureOn(layer, fixture), fixture.expected, { tolerance: fixture.tolerance });
        });
      }
    });
  }

  it('defaults to Keras 3', () => {
    const fixture = loadFixture('lstm_relu_hard_sigmoid_k3_seq');
    const layer = asRecurrent(layerFromConfig(fixture.layer as KerasLayerSpec));
    expect(layer.kerasVersion).toBe(3);
    expectClose(runFixtureOn(layer, fixture), fixture.expected, { tolerance: fixture.tolerance });
  });

  it('reaches both copies of a Bidirectional', () => {
    const s = recurrentSpec('GRU', 3, { recurrentActivation: 'hard_sigmoid', activation: 'hard_sigmoid', returnSequences: true });
    const config: KerasLayerSpec = {
      class_name: 'Bidirectional',
      config: { merge_mode: 'sum', layer: { class_name: 'GRU', config: { units: 3, recurrent_activation: 'hard_sigmoid', activation: 'hard_sigmoid', return_sequences: true, reset_after: true } } },
    };
    const weights = kerasWeightShapes(s, 2, true).map((shape, i) => seededTensor(shape, 50 + i));
    const x = seededTensor([2, 4, 2], 57, 3);
    for (const [version, variant] of variants) {
      const layer = asBidirectional(layerFromConfig(config, { kerasVersion: version }));
      expect(layer.forwardLayer.kerasVersion).toBe(version);
      expect(layer.backwardLayer.kerasVersion).toBe(version);
      layer.setWeights(weights);
      expectClose(layer.call(x), referenceOutputs({ ...s, hardSigmoidVariant: variant }, 'sum', weights, x));
    }
  });

  it('is also a constructor option', () => {
    const s = recurrentSpec('LSTM', 2, { recurrentActivation: 'hard_sigmoid' });
    const weights = kerasWeightShapes(s, 3).map((shape, i) => seededTensor(shape, 60 + i, 1.5));
    const x = seededTensor([2, 3, 3], 63, 3);
    for (const [version, variant] of variants) {
      const layer = new LSTM({ units: 2, recurrentActivation: 'hard_sigmoid', kerasVersion: version });
      layer.setWeights(weights);
      expectClose(layer.call(x), referenceOutputs({ ...s, hardSigmoidVariant: variant }, undefined, weights, x));
    }
  });
});

// ---------------------------------------------------------------------------
// Declared input shapes
// ---------------------------------------------------------------------------

describe('batch_input_shape and batch_shape', () => {
  it('keeps Keras 2 batch_input_shape as layer.batchInputShape and in getConfig()', () => {
    const layer = layerFromConfig({ class_name: 'GRU', config: { units: 2, batch_input_shape: [null, 6, 4] } });
    expect(layer.batchInputShape).toEqual([null, 6, 4]);
    expect(layer.getConfig().batch_input_shape).toEqual([null, 6, 4]);
  });

  it('keeps Keras 3 batch_shape as layer.batchInputShape', () => {
    const layer = layerFromConfig({ class_name: 'SimpleRNN', config: { units: 2, batch_shape: [8, 6, 4], dtype: DTYPE_POLICY } });
    expect(layer.batchInputShape).toEqual([8, 6, 4]);
    expect(layer.getConfig().batch_input_shape).toEqual([8, 6, 4]);
  });

  it('keeps a Bidirectional\'s own batch_shape, or its inner layer\'s batch_input_shape', () => {
    const own = layerFromConfig({ class_name: 'Bidirectional', config: { batch_shape: [null, 7, 2], layer: { class_name: 'LSTM', config: { units: 2 } } } });
    expect(own.batchInputShape).toEqual([null, 7, 2]);
    const inherited = layerFromConfig({
      class_name: 'Bidirectional',
      config: { layer: { class_name: 'LSTM', config: { units: 2, batch_input_shape: [null, 7, 2] } } },
    });
    expect(inherited.batchInputShape).toEqual([null, 7, 2]);
  });

  it('checks inputs against the declared shape', () => {
    const layer = asRecurrent(layerFromConfig({ class_name: 'LSTM', config: { units: 2, batch_shape: [null, 3, 2] } }));
    let caught: unknown;
    try {
      layer.call(seededTensor([1, 4, 2], 70));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ShapeError);
    expect((caught as Error).message).toMatch(/must have shape \[None, 3, 2\], received \[1, 4, 2\]/);
    const weights = kerasWeightShapes(recurrentSpec('LSTM', 2), 2).map((shape, i) => seededTensor(shape, 71 + i));
    layer.setWeights(weights);
    const x = seededTensor([5, 3, 2], 75);
    expectClose(layer.call(x), referenceOutputs(recurrentSpec('LSTM', 2), undefined, weights, x));
  });
});

// ---------------------------------------------------------------------------
// getConfig round trips
// ---------------------------------------------------------------------------

describe('getConfig() round-trips through layerFromConfig', () => {
  it("a layer's bare getConfig() is a ConfigError that gives the round trips that work", () => {
    const layer = new LSTM(3);
    expectError(() => layerFromConfig(untyped(layer.getConfig())), ConfigError, ["layerFromConfig: spec must be Keras' { class_name, config }", 'serializeLayer(layer)', 'LSTM.fromConfig(layer.getConfig())']);
    expect(layerFromConfig({ class_name: layer.className, config: layer.getConfig() }).getConfig()).toEqual({ ...layer.getConfig(), name: expect.any(String) });
  });

  interface RoundTrip {
    title: string;
    create(): AnyLayer;
    spec: ReferenceRecurrentSpec;
    mergeMode?: MergeMode;
    x: [number, number, number];
  }

  const cases: RoundTrip[] = [
    {
      title: 'SimpleRNN, relu, no bias, sequences',
      create: () => new SimpleRNN({ units: 3, activation: 'relu', useBias: false, returnSequences: true }),
      spec: recurrentSpec('SimpleRNN', 3, { activation: 'relu', useBias: false, returnSequences: true }),
      x: [2, 4, 3],
    },
    {
      title: 'LSTM, hard_sigmoid gates with kerasVersion 2, backwards, states, no forget bias',
      create: () => new LSTM({
        units: 4, recurrentActivation: 'hard_sigmoid', kerasVersion: 2, goBackwards: true, returnState: true, unitForgetBias: false,
      }),
      spec: recurrentSpec('LSTM', 4, { recurrentActivation: 'hard_sigmoid', hardSigmoidVariant: 'keras2', goBackwards: true, returnState: true }),
      x: [2, 5, 2],
    },
    {
      title: 'GRU reset_after=false with zero_output_for_mask and a declared input shape',
      create: () => new GRU({ units: 3, resetAfter: false, returnSequences: true, zeroOutputForMask: true, batchInputShape: [null, 4, 2] }),
      spec: recurrentSpec('GRU', 3, { resetAfter: false, returnSequences: true, zeroOutputForMask: true }),
      x: [2, 4, 2],
    },
    {
      title: 'GRU with a seeded RandomNormal kernel initializer and linear activation',
      create: () => new GRU({ units: 2, activation: null, kernelInitializer: initializers.randomNormal({ stddev: 0.3, seed: 4 }) }),
      spec: recurrentSpec('GRU', 2, { activation: 'linear' }),
      x: [3, 3, 3],
    },
    {
      title: 'Bidirectional(LSTM), ave',
      create: () => new Bidirectional(new LSTM({ units: 3, returnSequences: true }), { mergeMode: 'ave' }),
      spec: recurrentSpec('LSTM', 3, { returnSequences: true }),
      mergeMode: 'ave',
      x: [2, 4, 3],
    },
    {
      title: 'Bidirectional(SimpleRNN), merge null, states',
      create: () => new Bidirectional(new SimpleRNN({ units: 2, returnState: true }), { mergeMode: null }),
      spec: recurrentSpec('SimpleRNN', 2, { returnState: true }),
      mergeMode: null,
      x: [2, 3, 2],
    },
  ];

  cases.forEach((c, caseIndex) => {
    it(c.title, () => {
      const original = c.create();
      const config = original.getConfig();
      const kerasVersion = original instanceof Bidirectional ? original.forwardLayer.kerasVersion : original.kerasVersion;
      // Through JSON, as a saved model would carry it.
      const copy = layerFromConfig({ class_name: original.className, config: JSON.parse(JSON.stringify(config)) as Record<string, unknown> }, { kerasVersion });
      expect(copy.className).toBe(original.className);
      expect(copy.name).toBe(original.name);
      expect(copy.getConfig()).toEqual(config);

      const [batch, steps, features] = c.x;
      const weights = kerasWeightShapes(c.spec, features, c.mergeMode !== undefined).map((shape, i) => seededTensor(shape, 100 * caseIndex + i, 0.9));
      original.setWeights(weights);
      copy.setWeights(weights);
      const x = seededTensor(c.x, 100 * caseIndex + 50, 2);
      const maskData = Array.from({ length: batch * steps }, (_, i) => (i % steps === 1 ? 0 : 1));
      const options: ApplyOptions = { mask: tensor(maskData, [batch, steps]) };
      const fromOriginal = original.call(x, options);
      const fromCopy = copy.call(x, options);
      expect(fromCopy.map((t) => Array.from(t.data))).toEqual(fromOriginal.map((t) => Array.from(t.data)));
      expectClose(fromCopy, referenceOutputs(c.spec, c.mergeMode, weights, x, options));
    });
  });
});

// ---------------------------------------------------------------------------
// Parameter counts and weight shapes
// ---------------------------------------------------------------------------

describe('countParams() and getWeights() shapes follow Keras', () => {
  const D = 3;
  const H = 5;
  interface CountCase {
    title: string;
    create(): RecurrentLayer;
    /** Keras' formula. */
    params: number;
    shapes: number[][];
  }
  const cases: CountCase[] = [
    { title: 'SimpleRNN: H(D+H+1)', create: () => new SimpleRNN({ units: H }), params: H * (D + H + 1), shapes: [[D, H], [H, H], [H]] },
    { title: 'SimpleRNN without bias: H(D+H)', create: () => new SimpleRNN({ units: H, useBias: false }), params: H * (D + H), shapes: [[D, H], [H, H]] },
    { title: 'LSTM: 4H(D+H+1)', create: () => new LSTM({ units: H }), params: 4 * H * (D + H + 1), shapes: [[D, 4 * H], [H, 4 * H], [4 * H]] },
    { title: 'LSTM without bias: 4H(D+H)', create: () => new LSTM({ units: H, useBias: false }), params: 4 * H * (D + H), shapes: [[D, 4 * H], [H, 4 * H]] },
    {
      title: 'GRU reset_after: 3H(D+H+2)',
      create: () => new GRU({ units: H }),
      params: 3 * H * (D + H + 2),
      shapes: [[D, 3 * H], [H, 3 * H], [2, 3 * H]],
    },
    {
      title: 'GRU reset_after=false: 3H(D+H+1)',
      create: () => new GRU({ units: H, resetAfter: false }),
      params: 3 * H * (D + H + 1),
      shapes: [[D, 3 * H], [H, 3 * H], [3 * H]],
    },
    {
      title: 'GRU reset_after without bias: 3H(D+H)',
      create: () => new GRU({ units: H, useBias: false }),
      params: 3 * H * (D + H),
      shapes: [[D, 3 * H], [H, 3 * H]],
    },
    {
      title: 'GRU reset_after=false without bias: 3H(D+H)',
      create: () => new GRU({ units: H, resetAfter: false, useBias: false }),
      params: 3 * H * (D + H),
      shapes: [[D, 3 * H], [H, 3 * H]],
    },
  ];

  for (const c of cases) {
    it(c.title, () => {
      const layer = c.create();
      layer.build([null, 7, D]);
      expect(layer.countParams()).toBe(c.params);
      const weights = layer.getWeights();
      expect(weights.map((w) => [...w.shape])).toEqual(c.shapes);
      expect(weights.reduce((sum, w) => sum + w.size, 0)).toBe(c.params);
    });

    it(`Bidirectional(${c.title}) has twice the parameters, forward then backward`, () => {
      const layer = new Bidirectional(c.create());
      layer.build([2, 7, D]);
      expect(layer.countParams()).toBe(2 * c.params);
      expect(layer.getWeights().map((w) => [...w.shape])).toEqual([...c.shapes, ...c.shapes]);
    });
  }
});

// ---------------------------------------------------------------------------
// Initialisation
// ---------------------------------------------------------------------------

describe('LSTM unitForgetBias', () => {
  const H = 3;

  it('sets bias[H:2H] to 1 after the bias initializer (Keras default)', () => {
    const layer = new LSTM({ units: H, biasInitializer: initializers.constant(0.25) });
    expect(layer.unitForgetBias).toBe(true);
    layer.build([1, 2, 2]);
    const bias = Array.from(layer.getWeights()[2].data);
    expect(bias).toEqual([0.25, 0.25, 0.25, 1, 1, 1, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25]);
  });

  it('leaves the initializer\'s values when false', () => {
    const layer = new LSTM({ units: H, biasInitializer: initializers.constant(0.25), unitForgetBias: false });
    layer.build([1, 2, 2]);
    expect(Array.from(layer.getWeights()[2].data)).toEqual(new Array(4 * H).fill(0.25));
  });

  it('overrides only the forget block of a random bias', () => {
    const layer = new LSTM({ units: H, biasInitializer: initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 3 }) });
    layer.build([1, 2, 2]);
    const bias = Array.from(layer.getWeights()[2].data);
    expect(bias.slice(H, 2 * H)).toEqual([1, 1, 1]);
    const others = [...bias.slice(0, H), ...bias.slice(2 * H)];
    expect(others.every((v) => v >= -0.5 && v <= 0.5)).toBe(true);
    expect(new Set(others).size).toBe(others.length);
  });

  it('reads unit_forget_bias from a Keras config', () => {
    const zeros = { class_name: 'Zeros', config: {} };
    const withBias = asRecurrent(layerFromConfig({ class_name: 'LSTM', config: { units: H, bias_initializer: zeros } }));
    const without = asRecurrent(layerFromConfig({ class_name: 'LSTM', config: { units: H, bias_initializer: zeros, unit_forget_bias: false } }));
    withBias.build([1, 1, 1]);
    without.build([1, 1, 1]);
    expect(Array.from(withBias.getWeights()[2].data)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(without.getWeights()[2].data)).toEqual(new Array(12).fill(0));
  });
});

describe('seeds', () => {
  const makers: [string, (seed: number | undefined) => RecurrentLayer][] = [
    ['SimpleRNN', (seed) => new SimpleRNN({ units: 4, seed })],
    ['LSTM', (seed) => new LSTM({ units: 4, seed })],
    ['GRU', (seed) => new GRU({ units: 4, seed })],
  ];

  for (const [title, make] of makers) {
    it(`${title}: the same seed gives identical weights, different seeds differ`, () => {
      const built = (seed: number | undefined): Tensor[] => {
        const layer = make(seed);
        layer.build([1, 2, 3]);
        return layer.getWeights();
      };
      const first = built(17);
      const again = built(17);
      const other = built(18);
      expectSameWeights(again, first);
      // kernel and recurrent kernel are random; the bias is deterministic.
      expect(sameValues(other[0], first[0])).toBe(false);
      expect(sameValues(other[1], first[1])).toBe(false);
      const unseeded = built(undefined);
      expect(sameValues(unseeded[0], first[0])).toBe(false);
    });
  }

  it('an initializer seed in a Keras 3 config gives identical weights', () => {
    const config = (): KerasLayerSpec => ({
      class_name: 'LSTM',
      config: keras3LstmConfig({ kernel_initializer: keras3Initializer('GlorotUniform', { seed: 7 }), recurrent_initializer: keras3Initializer('Orthogonal', { gain: 1, seed: 8 }) }),
    });
    const a = layerFromConfig(config());
    const b = layerFromConfig(config());
    a.build([1, 2, 5]);
    b.build([1, 2, 5]);
    expectSameWeights(b.getWeights(), a.getWeights());
  });
});

describe('default initializers', () => {
  const D = 4;
  const H = 6;
  const cases: [CellKind, () => RecurrentLayer][] = [
    ['SimpleRNN', () => new SimpleRNN({ units: H })],
    ['LSTM', () => new LSTM({ units: H })],
    ['GRU', () => new GRU({ units: H })],
  ];

  /** Largest |(M·Mᵀ)_ij - δ_ij| for a row-major rows×cols M. */
  function rowOrthonormalityError(m: Float32Array, rows: number, cols: number): number {
    let worst = 0;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < rows; j++) {
        let dot = 0;
        for (let k = 0; k < cols; k++) dot += m[i * cols + k] * m[j * cols + k];
        worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
      }
    }
    return worst;
  }

  for (const [cell, make] of cases) {
    it(`${cell}: the recurrent kernel [H, ${gateCount(cell)}H] is orthogonal with orthonormal rows`, () => {
      const layer = make();
      layer.build([1, 2, D]);
      const recurrent = layer.getWeights()[1];
      const cols = gateCount(cell) * H;
      expect(recurrent.shape).toEqual([H, cols]);
      expect(rowOrthonormalityError(recurrent.data, H, cols)).toBeLessThan(1e-5);
      // Random, not a padded identity.
      expect(recurrent.data.filter((v) => v !== 0).length).toBe(recurrent.size);
      if (cols === H) {
        // Square: the columns are orthonormal too (Uᵀ·U = I).
        const transposed = new Float32Array(H * H);
        for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) transposed[j * H + i] = recurrent.data[i * H + j];
        expect(rowOrthonormalityError(transposed, H, H)).toBeLessThan(1e-5);
      }
    });

    it(`${cell}: the kernel is Glorot uniform, within ±sqrt(6 / (D + ${gateCount(cell)}H))`, () => {
      const layer = make();
      layer.build([1, 2, D]);
      const kernel = layer.getWeights()[0];
      const limit = Math.sqrt(6 / (D + gateCount(cell) * H));
      const magnitudes = Array.from(kernel.data, Math.abs);
      expect(Math.max(...magnitudes)).toBeLessThanOrEqual(limit);
      // Uniform on [-limit, limit] has mean |w| = limit / 2; far from 0 and from limit.
      const meanMagnitude = magnitudes.reduce((sum, v) => sum + v, 0) / magnitudes.length;
      expect(meanMagnitude).toBeGreaterThan(0.3 * limit);
      expect(meanMagnitude).toBeLessThan(0.7 * limit);
    });
  }
});

describe('Bidirectional copies', () => {
  function directionsDiffer(layer: Bidirectional): void {
    const weights = layer.getWeights();
    const half = weights.length / 2;
    expect(sameValues(weights[0], weights[half])).toBe(false);
    expect(sameValues(weights[1], weights[half + 1])).toBe(false);
  }

  it('give the backward copy its own random weights', () => {
    const layer = new Bidirectional(new LSTM({ units: 3 }));
    layer.build([1, 2, 4]);
    directionsDiffer(layer);
  });

  it('give the backward copy its own weights when the layer is seeded, reproducibly', () => {
    const make = (): Bidirectional => {
      const layer = new Bidirectional(new GRU({ units: 3, seed: 11 }));
      layer.build([1, 2, 4]);
      return layer;
    };
    const a = make();
    directionsDiffer(a);
    expectSameWeights(make().getWeights(), a.getWeights());
    // The forward copy is the wrapped layer as configured.
    const single = new GRU({ units: 3, seed: 11 });
    single.build([1, 2, 4]);
    expectSameWeights(a.forwardLayer.getWeights(), single.getWeights());
  });

  it('give both copies random weights from a Keras config', () => {
    const layer = asBidirectional(layerFromConfig({ class_name: 'Bidirectional', config: { layer: { class_name: 'SimpleRNN', config: { units: 4 } } } }));
    layer.build([1, 2, 4]);
    directionsDiffer(layer);
  });
});
