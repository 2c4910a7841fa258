// What a notebook does to look inside a model: summary() in both layouts, model.layers[i] and
// get_layer, get_weights / set_weights in Keras' order and shapes, a layer's output shape, and
// tensors printed as numpy prints them (the expected strings are numpy's own array2string
// output for the same float32 values) and turned back into nested arrays with toArray().
import { ready, tensor, Sequential, Embedding, LSTM, Dense, Dropout } from 'wasm-rnn';
import { assert } from './check.mjs';

await ready();
const model = new Sequential([
  new Embedding(100, 8, { inputShape: [20] }),
  new LSTM(16, { returnSequences: true }),
  new LSTM(8),
  new Dropout(0.5),
  new Dense(3, 'softmax'),
]);
assert.equal(model.layers.length, 5);
assert.equal(model.layers[2], model.getLayer('lstm_1'));
assert.equal(model.layers[4], model.getLayer(4));
assert.deepEqual(model.layers.map((l) => l.countParams()), [800, 4 * 16 * (8 + 16 + 1), 4 * 8 * (16 + 8 + 1), 0, 8 * 3 + 3]);
// get_weights: layer by layer, kernel then recurrent kernel then bias, Keras' shapes.
assert.deepEqual(model.getWeights().map((w) => w.shape), [[100, 8], [8, 64], [16, 64], [64], [16, 32], [8, 32], [32], [8, 3], [3]]);
assert.deepEqual(model.layers[1].getWeights().map((w) => w.shape), [[8, 64], [16, 64], [64]]);
const text = model.summary({ print: false });
for (const line of ['embedding (Embedding)', '(None, 20, 16)', 'lstm_1 (LSTM)', 'Total params: 3,227', 'Trainable params: 3,227', 'Non-trainable params: 0']) {
  assert.ok(text.includes(line), `summary lacks ${line}:\n${text}`);
}
const classic = model.summary({ print: false, layout: 'tf.keras' });
assert.ok(classic.includes('Total params: 3,227') && classic.includes('_________________'), classic);

// set_weights: zero the Dense head, and every prediction is softmax(0) = 1/3.
const weights = model.getWeights();
weights[7] = tensor(new Float32Array(24), [8, 3]);
weights[8] = tensor([0, 0, 0]);
model.setWeights(weights);
const probabilities = model.predict(tensor([Array.from({ length: 20 }, (_, i) => i % 100)]));
assert.deepEqual(probabilities.shape, [1, 3]);
probabilities.data.forEach((p) => assert.ok(Math.abs(p - 1 / 3) < 1e-7));

// Printing, as numpy prints float32 arrays (np.array2string, separator ', ').
assert.equal(String(tensor([[1, 2.5], [3, 4]])), 'Tensor([[1. , 2.5],\n        [3. , 4. ]], shape=(2, 2))');
assert.equal(String(tensor([1e-5, 1, 1000])), 'Tensor([1.e-05, 1.e+00, 1.e+03], shape=(3,))');
const big = tensor(Float32Array.from({ length: 2000 }, (_, i) => i / 7), [2, 1000]);
assert.equal(String(big), 'Tensor([[0.0000000e+00, 1.4285715e-01, 2.8571430e-01, ..., 1.4242857e+02,\n         1.4257143e+02, 1.4271428e+02],\n        [1.4285715e+02, 1.4300000e+02, 1.4314285e+02, ..., 2.8528571e+02,\n         2.8542856e+02, 2.8557144e+02]], shape=(2, 1000))');
assert.deepEqual(tensor([[1, 2.5], [3, 4]]).toArray(), [[1, 2.5], [3, 4]]);
assert.deepEqual(big.toArray().length, 2);
assert.equal(big.toArray()[1][999], Math.fround(1999 / 7));
