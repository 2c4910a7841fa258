// getWeights / setWeights in Keras' get_weights() order and shapes, plain nested arrays accepted;
// a copied model predicts the same; a wrong list names what was expected.
import { ready, tensor, Sequential, LSTM, Dense, ShapeError } from 'wasm-rnn';
import { assert, same, throwsLike } from './check.mjs';

await ready();
const make = (seed) => new Sequential([new LSTM(4, { inputShape: [3, 2], seed }), new Dense(1, { seed: seed + 1 })]);
const a = make(1);
const b = make(10);
assert.deepEqual(a.getWeights().map((w) => w.shape), [[2, 16], [4, 16], [16], [4, 1], [1]]);
b.setWeights(a.getWeights().map((w) => w.toArray()));
const x = tensor([[[1, 2], [3, 4], [5, 6]]]);
same(b.predict(x), a.predict(x));
throwsLike(() => b.setWeights(a.getWeights().slice(1)), ShapeError, ['setWeights expects 5 tensors', 'received 4']);
const lstm = a.layers[0];
throwsLike(() => lstm.setWeights([tensor(new Float32Array(8), [2, 4]), ...lstm.getWeights().slice(1)]), ShapeError, ['kernel', '[2, 16]', '[2, 4]']);
same(b.predict(x), a.predict(x));
