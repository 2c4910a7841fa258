// Multi-class text classification: sparse labels with sparse_categorical_crossentropy, one-hot
// with categorical_crossentropy, class weights for an imbalanced set; labels out of range refused.
import { ready, tensor, Sequential, Embedding, GRU, Dense, InputError } from 'wasm-rnn';
import { assert, rejectsLike } from './check.mjs';

await ready();
const N = 24, T = 5, C = 3;
const ids = Array.from({ length: N }, (_, n) => Array.from({ length: T }, (_, t) => 1 + ((n % C) * 5 + t) % 15));
const labels = Array.from({ length: N }, (_, n) => n % C);
const make = () => {
  const model = new Sequential([new Embedding(16, 8, { inputShape: [T], seed: 1 }), new GRU(8, { seed: 2 }), new Dense(C, 'softmax', { seed: 3 })]);
  return model;
};
const sparse = make();
sparse.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
const h = await sparse.fit(ids, labels, { epochs: 25, batchSize: 8, verbose: 0, seed: 1 });
assert.ok(h.history.accuracy.at(-1) > 0.9, `accuracy ${h.history.accuracy.at(-1)}`);
const oneHot = make();
oneHot.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
const targets = labels.map((l) => Array.from({ length: C }, (_, c) => (c === l ? 1 : 0)));
const h2 = await oneHot.fit(ids, targets, { epochs: 1, batchSize: 8, verbose: 0, seed: 1, classWeight: { 0: 1, 1: 1, 2: 2 } });
assert.ok(Number.isFinite(h2.history.loss[0]));
const bad = labels.slice();
bad[7] = 3;
await rejectsLike(sparse.fit(ids, bad, { verbose: 0 }), InputError, ['integers in [0, 2]', 'received 3 at flat index 7']);
assert.deepEqual(sparse.predict(tensor(ids.slice(0, 2))).shape, [2, C]);
