// A notebook's model surgery: get_layer by name and by index (get_layer(index=2), negative
// indices as Python's list), a layer's get_weights / set_weights round trip, and
// Sequential.from_config / Model.from_config / layers.deserialize of get_config().
// Expected values: Keras' LSTM outputs (../shared/fixtures) and a Dense computed by hand.
import {
  ready, tensor, Tensor, Sequential, Model, Input, Dense, LSTM, Concatenate, layerFromConfig, deserializeLayer, serializeLayer, modelFromConfig, ConfigError,
} from 'wasm-rnn';
import { assert, close, same, shared, throwsLike } from './check.mjs';

await ready();
const fixture = shared('fixtures/lstm_seq_state.json');
const x = new Tensor(fixture.inputs.x.data, fixture.inputs.x.shape);
const [, timesteps, features] = x.shape;
const units = fixture.layer.config.units;

// A Sequential whose LSTM gets the notebook's exported weights by name.
const model = new Sequential([
  new LSTM(units, { inputShape: [timesteps, features], returnSequences: true, name: 'encoder' }),
  new LSTM(2, { name: 'summariser', seed: 3 }),
  new Dense(1, { name: 'head', seed: 4 }),
]);
assert.equal(model.getLayer('encoder'), model.layers[0]);
assert.equal(model.getLayer(undefined, 1), model.layers[1]); // get_layer(index=1)
assert.equal(model.getLayer(null, 2), model.layers[2]);
assert.equal(model.getLayer({ index: 1 }), model.layers[1]);
assert.equal(model.getLayer({ name: 'head' }), model.layers[2]);
assert.equal(model.getLayer(-1), model.layers[2]); // model.layers[-1]
throwsLike(() => model.getLayer('head', 2), ConfigError, ['give only a layer name or a layer index']);
throwsLike(() => model.getLayer(), ConfigError, ['give a layer name or an index', 'received neither']);
throwsLike(() => model.getLayer(3), ConfigError, ['getLayer(3): the model has 3 layers']);
throwsLike(() => model.getLayer('decoder'), ConfigError, ["no layer named 'decoder'; the layers are encoder, summariser, head"]);

const encoder = model.getLayer('encoder');
encoder.setWeights(fixture.weights.map((w) => new Tensor(w.data, w.shape)));
// The encoder as its own feature extractor gives Keras' sequence output.
const features1 = new Model({ inputs: model.input, outputs: encoder.output });
close(features1.predict(x), fixture.expected[0], fixture.tolerance, 'encoder sequence');

// get_weights -> set_weights is the identity, as numpy arrays, typed arrays and nested lists.
const before = encoder.getWeights();
assert.deepEqual(before.map((w) => w.shape), fixture.weights.map((w) => w.shape));
before.forEach((w, i) => assert.deepEqual(Array.from(w.data), Array.from(Float32Array.from(fixture.weights[i].data))));
encoder.setWeights(before.map((w) => w.toArray()));
encoder.getWeights().forEach((w, i) => same(w, before[i], `weight ${i}`));

// Dense(1) set by hand: y = x . w + b.
const head = model.getLayer(-1);
head.setWeights([tensor([[0.5], [-2]]), tensor([0.25])]);
const probe = new Sequential([new Dense(1, { inputShape: [2] })]);
probe.layers[0].setWeights(head.getWeights());
same(probe.predict(tensor([[1, 1], [2, -1]])), tensor([[0.5 - 2 + 0.25], [1 + 2 + 0.25]]), 'dense by hand');

// Sequential.from_config(model.get_config()): same layers and names, fresh weights; with the old
// weights set it predicts the same.
const y = model.predict(x);
const rebuilt = Sequential.fromConfig(model.getConfig());
assert.deepEqual(rebuilt.layers.map((l) => [l.name, l.className]), [['encoder', 'LSTM'], ['summariser', 'LSTM'], ['head', 'Dense']]);
rebuilt.setWeights(model.getWeights());
same(rebuilt.predict(x), y, 'Sequential.fromConfig');
throwsLike(() => Model.fromConfig(model.getConfig()), ConfigError, ["a Sequential's config goes to Sequential.fromConfig"]);
throwsLike(() => Sequential.fromConfig(JSON.parse(model.toJSON())), ConfigError, ['model.toJSON() goes to modelFromConfig']);
const fromJson = modelFromConfig(model.toJSON());
fromJson.setWeights(model.getWeights());
same(fromJson.predict(x), y, 'modelFromConfig(model.toJSON())');

// Model.from_config for a two-branch functional model.
const input = Input({ shape: [timesteps, features], name: 'frames' });
const last = new LSTM(units, { name: 'branch_lstm', seed: 5 }).apply(input);
const pooled = new Dense(2, { activation: 'tanh', name: 'branch_dense', seed: 6 }).apply(last);
const twoBranch = new Model({ inputs: input, outputs: new Concatenate({ name: 'joined' }).apply([last, pooled]), name: 'two_branch' });
const copy = Model.fromConfig(twoBranch.getConfig());
assert.equal(copy.name, 'two_branch');
assert.deepEqual(copy.layers.map((l) => l.name), ['frames', 'branch_lstm', 'branch_dense', 'joined']);
copy.setWeights(twoBranch.getWeights());
same(copy.predict(x), twoBranch.predict(x), 'Model.fromConfig');
throwsLike(() => Sequential.fromConfig(twoBranch.getConfig()), ConfigError, ["a functional model's config goes to Model.fromConfig"]);

// layers.deserialize / layer_from_config of a layer's config, Keras' { class_name, config }.
const spec = { class_name: 'LSTM', config: encoder.getConfig() };
const lstmCopy = layerFromConfig(spec);
assert.equal(lstmCopy.returnSequences, true);
lstmCopy.build(x.shape);
lstmCopy.setWeights(encoder.getWeights());
close(lstmCopy.apply(x), fixture.expected[0], fixture.tolerance, 'layerFromConfig');
const denseCopy = deserializeLayer(serializeLayer(head));
assert.equal(denseCopy.className, 'Dense');
assert.equal(denseCopy.units, 1);
throwsLike(() => layerFromConfig(serializeLayer(head)), ConfigError, ['deserializeLayer builds the other layers']);
