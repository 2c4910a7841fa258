// The preprocessing cells of a text notebook: a word index, keras.utils.pad_sequences and
// to_categorical, then Embedding(mask_zero) -> LSTM -> Dense softmax with categorical
// cross-entropy. The padded ids and one-hot rows are written out by hand; evaluate's loss is
// the mean of -log p[label] over predict's rows.
import { ready, tensor, padSequences, toCategorical, Sequential, Embedding, LSTM, Dense } from 'wasm-rnn';
import { assert } from './check.mjs';

await ready();
const texts = ['good movie', 'bad movie', 'not good at all', 'great', 'awful and bad', 'it was fine'];
const labels = [2, 0, 0, 2, 0, 1];
const words = [...new Set(texts.join(' ').split(' '))];
const index = new Map(words.map((w, i) => [w, i + 1])); // 0 is the padding id
const sequences = texts.map((t) => t.split(' ').map((w) => index.get(w)));
assert.deepEqual(sequences[2], [4, 1, 5, 6]);

const x = padSequences(sequences, { maxlen: 3 });
assert.deepEqual(x.toArray(), [[0, 1, 2], [0, 3, 2], [1, 5, 6], [0, 0, 7], [8, 9, 3], [10, 11, 12]]);
const post = padSequences(sequences, { maxlen: 3, padding: 'post', truncating: 'post' });
assert.deepEqual(post.toArray()[2], [4, 1, 5]);
assert.deepEqual(post.toArray()[3], [7, 0, 0]);
const y = toCategorical(labels);
assert.deepEqual(y.toArray(), [[0, 0, 1], [1, 0, 0], [1, 0, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]]);

const model = new Sequential([
  new Embedding(index.size + 1, 4, { maskZero: true, inputShape: [3], seed: 1 }),
  new LSTM(6, { seed: 2 }),
  new Dense(3, { activation: 'softmax', seed: 3 }),
]);
model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
const history = await model.fit(x, y, { epochs: 4, batchSize: 2, seed: 5, verbose: 0 });
assert.equal(history.history.loss.length, 4);
const p = model.predict(x);
const crossEntropy = labels.reduce((s, label, i) => s - Math.log(p.data[i * 3 + label]), 0) / labels.length;
const argmax = (i) => [0, 1, 2].reduce((best, k) => (p.data[i * 3 + k] > p.data[i * 3 + best] ? k : best), 0);
const accuracy = labels.filter((label, i) => argmax(i) === label).length / labels.length;
const [loss, acc] = await model.evaluate(x, y);
assert.ok(Math.abs(loss - crossEntropy) < 1e-5, `evaluate ${loss} vs mean -log p ${crossEntropy}`);
assert.equal(acc, accuracy);
// A new review, preprocessed the same way (unknown words dropped, as a Tokenizer without oov_token does).
const review = padSequences([['good', 'and', 'fine', 'plot'].map((w) => index.get(w)).filter((id) => id !== undefined)], { maxlen: 3 });
assert.deepEqual(review.toArray(), [[1, 9, 12]]);
assert.deepEqual(model.predict(review).shape, [1, 3]);
