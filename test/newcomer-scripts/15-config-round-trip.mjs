// Keras configs both ways: getConfig() is Keras' snake_case get_config(), fromConfig and
// layerFromConfig read it back, toJSON() is model.to_json() and modelFromConfig rebuilds it.
import { ready, tensor, LSTM, GRU, Bidirectional, Sequential, Dense, layerFromConfig, modelFromConfig, serializeLayer, deserializeLayer, ConfigError } from 'wasm-rnn';
import { assert, same, throwsLike } from './check.mjs';

await ready();
const lstm = new LSTM(3, { returnSequences: true, goBackwards: true });
const config = lstm.getConfig();
assert.equal(config.return_sequences, true);
assert.equal(config.go_backwards, true);
assert.equal(LSTM.fromConfig(config).returnSequences, true);
assert.equal(layerFromConfig({ class_name: 'LSTM', config }).goBackwards, true);
const bi = new Bidirectional(new GRU(2), { mergeMode: 'sum' });
assert.equal(deserializeLayer(serializeLayer(bi)).mergeMode, 'sum');
throwsLike(() => new LSTM(config), ConfigError, ['LSTM.fromConfig(config)']);
const model = new Sequential([new LSTM(4, { inputShape: [3, 2], seed: 1 }), new Dense(2, 'relu', { seed: 2 })]);
const copy = modelFromConfig(model.toJSON());
copy.setWeights(model.getWeights());
const x = tensor([[[1, 0], [0, 1], [1, 1]]]);
same(copy.predict(x), model.predict(x));
assert.equal(JSON.parse(model.toJSON()).class_name, 'Sequential');
