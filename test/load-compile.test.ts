// Keras' load_model(compile=True): a model saved compiled loads compiled, from Keras' own files
// (../shared: a Keras 3 .keras compile_config, tf.keras 2 and Keras 2.0 .h5 training_configs with
// their spellings: 'lr', 'decay', 'Custom>Adam', MeanMetricWrapper metrics nested per output,
// reduction 'auto') and from this package's saves; what cannot compile loads uncompiled and fit says why.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, Dense, LSTM, Sequential, loadModel, optimizers, ready, saveModel, tensor } from '../dist/index.js';
import { expectError, untyped } from './expect-error.js';
import { patchBytes } from './io/helpers.js';
import { h5pyDump, h5pyMissing } from './io/h5py.js';

const shared = (path: string) => fileURLToPath(new URL(`../../shared/${path}`, import.meta.url));
const compileConfigOf = (model: { toJSON(options: { kerasVersion: 3 }): string }) => (JSON.parse(model.toJSON({ kerasVersion: 3 })) as { compile_config?: Record<string, unknown> }).compile_config;

beforeAll(async () => {
  await ready();
});

describe('loadModel compiles a model saved compiled, as Keras load_model(compile=True)', () => {
  it("a Keras 3 .keras file: its Adam and mean_squared_error, and evaluate's loss is the mse of Keras' own outputs", async () => {
    const model = await loadModel(shared('models/TeKuV--cc_rnn/gru_model.keras'));
    const config = compileConfigOf(model);
    expect(config?.loss).toBe('mean_squared_error');
    expect((config?.optimizer as { class_name: string }).class_name).toBe('Adam');
    expect(model.optimizer.learningRate).toBe(Math.fround(0.001));
    const expected = JSON.parse(readFileSync(shared('models/TeKuV--cc_rnn/expected.json'), 'utf8')) as { inputs: { data: number[]; shape: number[] }[]; outputs: { data: number[] }[] };
    const [input] = expected.inputs;
    const kerasOutputs = expected.outputs[0]?.data ?? [];
    const targets = kerasOutputs.map((_, i) => [i / 4]);
    const mse = kerasOutputs.reduce((sum, v, i) => sum + (v - i / 4) ** 2, 0) / kerasOutputs.length;
    const { loss } = await model.evaluate(tensor(input?.data ?? [], input?.shape), targets);
    expect(Math.abs((loss ?? NaN) - mse)).toBeLessThan(1e-5 * Math.max(1, mse));
  });

  it("summary() of the loaded model counts its layers' parameters, as the reference counts (../shared/models) do; the optimizer's once it has stepped here", async () => {
    const model = await loadModel(shared('models/TeKuV--cc_rnn/gru_model.keras'));
    const expected = JSON.parse(readFileSync(shared('models/TeKuV--cc_rnn/expected.json'), 'utf8')) as { summary: { total_params: number }; inputs: { data: number[]; shape: number[] }[] };
    expect(model.summary({ print: false })).toContain(` Total params: ${expected.summary.total_params.toLocaleString('en-US')} (`);
    expect(model.summary({ print: false })).not.toContain('Optimizer params');
    const [input] = expected.inputs;
    const x = tensor(input?.data ?? [], input?.shape);
    model.trainOnBatch(x, new Array(x.shape[0]).fill([0]));
    // Adam: iteration, learning_rate and two slots per weight, 2 + 2 * 8,001 = 16,004 of 8 + 4 + 16,002 * 4 bytes.
    expect(model.summary({ print: false })).toContain(' Optimizer params: 16,004 (62.52 KB)');
    expect(model.summary({ print: false })).toContain(` Total params: ${(expected.summary.total_params + 16004).toLocaleString('en-US')} (`);
  });

  it("a tf.keras 2 optimizer's nonzero decay is ignored, as Keras 3 ignores it, with a warning that names the schedule doing it", async () => {
    const bytes = patchBytes(readFileSync(shared('models/moskalyk--aind2-nlp-capstone/simple_rnn_model.h5')), '"decay": 0.0,', '"decay": 0.1,');
    const warnings: string[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation((message: string) => { warnings.push(message); });
    try {
      const model = await loadModel(bytes);
      expect(model.optimizer.learningRate).toBe(Math.fround(0.01));
      expect(warnings.filter((w) => w.includes('decay'))).toEqual([expect.stringMatching(/wasm-rnn loadModel: model bytes: the optimizer's decay 0\.1 .* is ignored, as Keras 3 ignores it; .*InverseTimeDecay\(\{ initialLearningRate, decaySteps: 1, decayRate: 0\.1 \}\)/)]);
      warnings.length = 0;
      await loadModel(shared('models/moskalyk--aind2-nlp-capstone/simple_rnn_model.h5'));
      expect(warnings.filter((w) => w.includes('decay'))).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  it("tf.keras 2 and Keras 2.0 .h5 training_configs, in Keras 3's reading of them", async () => {
    const cases: [string, string, number, unknown, unknown][] = [
      // Keras 2.0.4: 'lr' and 'decay'.
      ['models/moskalyk--aind2-nlp-capstone/simple_rnn_model.h5', 'Adam', 0.009999999776482582, 'sparse_categorical_crossentropy', ['accuracy']],
      ['models2/UValpoLabitec--FallDetectionModels/conv_blstm_modelv2.h5', 'RMSprop', 9.999999747378752e-05, 'binary_crossentropy', ['accuracy']],
      // tf.keras 2.10: [[MeanMetricWrapper { name: 'accuracy', fn: 'categorical_accuracy' }]].
      ['models/Arafat-Hossain-Anik--emoji-prediction-using-bilstm/bilstm_model.h5', 'Adam', 0.0010000000474974513, 'categorical_crossentropy', ['accuracy']],
      // A loss config with reduction 'auto'.
      ['models2/6llz--deep-learning-NSSA/n_cnn_bigru_model.h5', 'Adam', 4.7829691596223967e-11, { class_name: 'CategoricalCrossentropy' }, ['accuracy']],
      // 'Custom>Adam' with jit_compile and is_legacy_optimizer (tf.keras 2.11+).
      ['models2/hassanmiir--FedFor-Multi-Tasking/lstm_attention_model.h5', 'Adam', 0.0010000000474974513, 'mean_squared_error', null],
    ];
    for (const [file, optimizer, rate, loss, metrics] of cases) {
      const model = await loadModel(shared(file));
      const config = compileConfigOf(model);
      expect((config?.optimizer as { class_name: string }).class_name, file).toBe(optimizer);
      expect(model.optimizer.learningRate, file).toBe(Math.fround(rate));
      if (typeof loss === 'string') expect(config?.loss, file).toBe(loss);
      else expect(config?.loss, file).toMatchObject(loss as object);
      expect(config?.metrics ?? null, file).toEqual(metrics);
      model.dispose();
    }
  });

  it("a metric this package does not have (the file's custom PerElementPerplexity) leaves the model uncompiled, and fit names it", async () => {
    const model = await loadModel(shared('models/ril-lexknowrep--character_language_models/bilstm_model_64.h5'));
    expect(compileConfigOf(model)).toBeUndefined();
    expectError(() => model.fit(tensor([[0]]), tensor([[0]])), ConfigError, ["fit needs compile({ optimizer, loss }) first; the file's compile config could not be used", 'unknown metric class "PerElementPerplexity"']);
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    expect(model.optimizer.learningRate).toBe(Math.fround(0.001));
    model.dispose();
  });

  it('compile: false leaves it uncompiled; a model saved uncompiled loads uncompiled, with the plain message', async () => {
    const model = await loadModel(shared('models/TeKuV--cc_rnn/gru_model.keras'), { compile: false });
    expectError(() => model.optimizer, ConfigError, ['optimizer needs compile({ optimizer, loss }) first']);
    const plain = new Sequential([new Dense(1, { inputShape: [2] })]);
    const again = await loadModel(plain.toJSON(), { weights: plain.getWeights() });
    expect(() => again.optimizer).toThrow(/optimizer needs compile\(\{ optimizer, loss \}\) first$/);
    await expect(loadModel(shared('models/TeKuV--cc_rnn/gru_model.keras'), untyped({ compile: 'yes' }))).rejects.toThrow("loadModel: option 'compile' must be true or false, received \"yes\"");
  });

  it("this package's .keras and .h5 saves of a compiled model load with the same compile config", async () => {
    const model = new Sequential([new LSTM(3, { inputShape: [4, 2], seed: 1 }), new Dense(2, { activation: 'softmax', seed: 2 })]);
    model.compile({ optimizer: optimizers.rmsprop({ learningRate: 0.005, rho: 0.8 }), loss: 'categorical_crossentropy', metrics: ['accuracy', 'mae'] });
    const original = compileConfigOf(model);
    for (const format of ['keras', 'h5'] as const) {
      const loaded = await loadModel(await saveModel(model, { format }));
      expect(compileConfigOf(loaded), format).toEqual(original);
      loaded.dispose();
    }
  });

  it.skipIf(h5pyMissing !== null)("an .h5 that says Keras 2 writes tf.keras 2's optimizer config, without Keras 3's loss_scale_factor and gradient_accumulation_steps", async () => {
    const keras2 = await loadModel(shared('models/moskalyk--aind2-nlp-capstone/simple_rnn_model.h5'));
    const built = new Sequential([new Dense(1, { inputShape: [2] })]);
    built.compile({ optimizer: 'adam', loss: 'mse' });
    const optimizerKeys = async (model: Parameters<typeof saveModel>[0]) => {
      const root = h5pyDump(await saveModel(model, { format: 'h5' }))['/'];
      const text = String(root?.attrs.training_config?.value[0]);
      return { version: String(root?.attrs.keras_version?.value[0]), keys: Object.keys((JSON.parse(text) as { optimizer_config: { config: object } }).optimizer_config.config) };
    };
    const written2 = await optimizerKeys(keras2);
    expect(written2.version).toMatch(/^2\./);
    expect(written2.keys).toContain('learning_rate');
    expect(written2.keys).not.toContain('loss_scale_factor');
    expect(written2.keys).not.toContain('gradient_accumulation_steps');
    const written3 = await optimizerKeys(built);
    expect(written3.version).toMatch(/^3\./);
    expect(written3.keys).toEqual(expect.arrayContaining(['loss_scale_factor', 'gradient_accumulation_steps']));
  });

  it("Keras' load_model keywords with no camelCase twin here say what to use", async () => {
    const file = shared('models/TeKuV--cc_rnn/gru_model.keras');
    await expect(loadModel(file, untyped({ custom_objects: {} }))).rejects.toThrow("loadModel: unknown option 'custom_objects'; Keras' custom_objects is 'customLayers' here");
    await expect(loadModel(file, untyped({ customObjects: {} }))).rejects.toThrow("unknown option 'customObjects'");
    await expect(loadModel(file, untyped({ safe_mode: false }))).rejects.toThrow("loadModel: unknown option 'safe_mode': a file's code (Lambda layers) is never run here");
  });
});
