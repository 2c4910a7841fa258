// A Node script in CommonJS, as many ported notebooks are: require('wasm-rnn') works and is the
// same instance an import() gets (one ready(), one Tensor class); loadModel from it reads a real
// Keras file (../shared) and gives Keras' outputs. wasm-rnn/keras cannot be required (its readers
// load asynchronously) and says what to do instead.
'use strict';
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { ready, tensor, Tensor, Sequential, Dense, loadModel, kernelVariant, ConfigError } = require('wasm-rnn');

async function main() {
  await ready();
  const model = new Sequential([new Dense(2, { inputShape: [3] })]);
  model.layers[0].setWeights([tensor([[1, 0], [0, 1], [1, 1]]), tensor([0.5, -0.5])]);
  const y = model.predict(tensor([[1, 2, 3]]));
  assert.deepEqual(Array.from(y.data), [1 + 3 + 0.5, 2 + 3 - 0.5]);

  const esm = await import('wasm-rnn');
  assert.equal(esm.Tensor, Tensor, 'import() and require() share one Tensor class');
  assert.ok(y instanceof esm.Tensor);
  assert.equal(esm.kernelVariant(), kernelVariant(), 'and one ready()');
  assert.equal(require('wasm-rnn'), require('wasm-rnn'));

  assert.throws(() => require('wasm-rnn/keras'), (error) => error instanceof ConfigError && error.message.includes("use await import('wasm-rnn/keras')"));
  const keras = await import('wasm-rnn/keras');
  assert.equal(keras.Tensor, Tensor);

  const folder = join(__dirname, '../../../shared/models/TeKuV--cc_rnn');
  const expected = JSON.parse(readFileSync(join(folder, 'expected.json'), 'utf8'));
  const gru = await loadModel(join(folder, 'gru_model.keras'));
  const out = gru.predict(tensor(expected.inputs[0].data, expected.inputs[0].shape));
  const { abs, rel } = expected.tolerance;
  expected.outputs[0].data.forEach((e, i) => assert.ok(Math.abs(out.data[i] - e) <= abs + rel * Math.abs(e), `output ${i}: ${out.data[i]} vs ${e}`));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
