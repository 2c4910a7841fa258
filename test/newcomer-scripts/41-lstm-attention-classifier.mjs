// "LSTM with attention" text classification as Keras tutorials write it: Embedding(mask_zero)
// -> LSTM(return_sequences) -> Attention over its own steps -> GlobalAveragePooling1D -> Dense(sigmoid),
// trained with fit. Checked against formulas: evaluate's loss is the binary crossentropy of
// predict's probabilities, its accuracy the share of thresholded predictions that match, and the
// model learns a rule of the tokens (whether token 7 occurs) that a constant cannot.
import { ready, tensor, Model, Input, Embedding, LSTM, Attention, GlobalAveragePooling1D, Dense, optimizers, padSequences } from 'wasm-rnn';
import { assert } from './check.mjs';

await ready();
let seed = 11;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const sentences = Array.from({ length: 64 }, () => Array.from({ length: 3 + Math.floor(random() * 5) }, () => 1 + Math.floor(random() * 9)));
const labels = sentences.map((s) => (s.includes(7) ? 1 : 0));
const x = padSequences(sentences, { maxlen: 8 });
const y = tensor(labels.map((l) => [l]));

const tokens = Input({ shape: [8] });
const embedded = new Embedding(10, 8, { maskZero: true, seed: 1 }).apply(tokens);
const steps = new LSTM(12, { returnSequences: true, seed: 2 }).apply(embedded);
const attended = new Attention({ useScale: true }).apply([steps, steps]);
const pooled = new GlobalAveragePooling1D().apply(attended);
const model = new Model({ inputs: tokens, outputs: new Dense(1, { activation: 'sigmoid', seed: 3 }).apply(pooled) });
model.compile({ optimizer: optimizers.adam(0.02), loss: 'binary_crossentropy', metrics: ['accuracy'] });
const history = await model.fit(x, y, { epochs: 25, batchSize: 16, verbose: 0, seed: 4 });
assert.ok(history.history.loss.at(-1) < 0.5 * history.history.loss[0], `loss ${history.history.loss[0]} -> ${history.history.loss.at(-1)}`);

const p = model.predict(x).data;
const eps = 1e-7;
const bce = labels.reduce((s, l, i) => {
  const q = Math.min(Math.max(p[i], eps), 1 - eps);
  return s - (l * Math.log(q) + (1 - l) * Math.log(1 - q));
}, 0) / labels.length;
const accuracy = labels.filter((l, i) => (p[i] > 0.5 ? 1 : 0) === l).length / labels.length;
const [loss, acc] = await model.evaluate(x, y, { batchSize: 64 });
assert.ok(Math.abs(loss - bce) < 1e-4, `evaluate loss ${loss} against ${bce}`);
assert.equal(acc, accuracy);
const constant = Math.max(labels.filter(Boolean).length, labels.filter((l) => !l).length) / labels.length;
assert.ok(accuracy > constant, `accuracy ${accuracy} against the constant guess ${constant}`);
