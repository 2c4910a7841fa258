// The save / load cells of a notebook: model.save('m.keras') and ('m.h5') after training,
// keras.models.load_model, which comes back compiled (Keras' compile=True) so that evaluate and
// fit work at once, save_weights / load_weights into a model built in code, and the errors of
// the usual slips. A Keras 3 file from GitHub (../shared) loads compiled with its Adam and mse:
// evaluate against Keras' own outputs as targets is a loss of ~0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ready, tensor, Sequential, LSTM, Dense, loadModel, ConfigError, ModelFileError } from 'wasm-rnn';
import { assert, close, rejectsLike, same, shared } from './check.mjs';

await ready();
const dir = mkdtempSync(join(tmpdir(), 'newcomer-36-'));
try {
  const x = tensor(Array.from({ length: 8 }, (_, n) => Array.from({ length: 5 }, (_, t) => [Math.sin(n + t), Math.cos(n * t)])));
  const y = tensor(Array.from({ length: 8 }, (_, n) => [n % 2, 1 - (n % 2)]));
  const build = () => new Sequential([new LSTM(4, { inputShape: [5, 2], seed: 7, name: 'encoder' }), new Dense(2, { activation: 'softmax', seed: 8, name: 'classes' })]);
  const model = build();
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
  const before = await model.evaluate(x, y, { returnDict: true });

  for (const file of ['model.keras', 'model.h5']) {
    await model.save(join(dir, file));
    const loaded = await loadModel(join(dir, file));
    same(loaded.predict(x), model.predict(x), `${file} predict`);
    // The same table; a loaded model counts its optimizer's variables once it has stepped here.
    const layerRows = (text) => text.split('\n').filter((line) => !/^ (Total|Optimizer) params: /.test(line)).join('\n');
    assert.equal(layerRows(loaded.summary({ print: false })), layerRows(model.summary({ print: false })), `${file} summary`);
    // Compiled as saved: the same loss and metrics, and fit goes on without a compile call.
    assert.deepEqual(await loaded.evaluate(x, y, { returnDict: true }), before, `${file} evaluate`);
    assert.equal(loaded.optimizer.learningRate, Math.fround(0.001));
    const history = await loaded.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    assert.deepEqual(Object.keys(history.history), ['loss', 'accuracy']);
    // load_model(compile=False)
    const plain = await loadModel(join(dir, file), { compile: false });
    await rejectsLike(Promise.resolve().then(() => plain.fit(x, y)), ConfigError, ['fit needs compile({ optimizer, loss }) first']);
  }

  // save_weights / load_weights into the same architecture built in code.
  await model.saveWeights(join(dir, 'model.weights.h5'));
  const rebuilt = build();
  await rebuilt.loadWeights(join(dir, 'model.weights.h5'));
  same(rebuilt.predict(x), model.predict(x), 'loadWeights');

  // The usual slips.
  await rejectsLike(model.saveWeights(join(dir, 'weights.h5')), ConfigError, ['must end in .weights.h5']);
  await rejectsLike(model.save(join(dir, 'model')), ConfigError, ["cannot tell the format from \"model\"; name it .keras, .h5 or .json"]);
  await rejectsLike(model.save(join(dir, 'missing', 'model.keras')), ModelFileError, ['does not exist; create it first']);
  await rejectsLike(loadModel(join(dir, 'model.weights.h5')), ModelFileError, ['holds only weights (model.save_weights), not a model']);
  await rejectsLike(loadModel(join(dir, 'nope.keras')), ModelFileError, ['cannot be read']);
  await rejectsLike(loadModel(join(dir, 'model.keras'), { custom_objects: {} }), ConfigError, ["Keras' custom_objects is 'customLayers' here"]);
  await rejectsLike(loadModel(join(dir, 'model.keras'), { safe_mode: false }), ConfigError, ['never run here']);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// A Keras 3 notebook's file: compiled with Adam and mean_squared_error as it was saved.
const expected = shared('models/TeKuV--cc_rnn/expected.json');
const keras = await loadModel(fileURLToPath(new URL('../../../shared/models/TeKuV--cc_rnn/gru_model.keras', import.meta.url)));
const input = tensor(expected.inputs[0].data, expected.inputs[0].shape);
close(keras.predict(input), expected.outputs[0], expected.tolerance, 'gru_model.keras');
const kerasOutputs = tensor(expected.outputs[0].data, expected.outputs[0].shape);
const { loss } = await keras.evaluate(input, kerasOutputs);
assert.ok(loss < 1e-9, `mse against Keras' own outputs: ${loss}`);
const shifted = tensor(expected.outputs[0].data.map((v) => v + 0.5), expected.outputs[0].shape);
const losses = (await keras.fit(input, shifted, { epochs: 5, verbose: 0 })).history.loss;
assert.ok(Math.abs(losses[0] - 0.25) < 1e-4, `the first epoch's loss is 0.5² = 0.25, received ${losses[0]}`);
assert.ok(losses[4] < losses[0], `fit lowers the loss: ${losses}`);
