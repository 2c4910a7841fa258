// The functional API as Keras writes it: Input((T, D)), layer calls, Model(inputs, outputs),
// returnState tuples, initial states as model inputs; predict equals the layers run by hand.
import { ready, tensor, Input, Model, LSTM, GRU, Dense, Concatenate } from 'wasm-rnn';
import { assert, same } from './check.mjs';

await ready();
const x = tensor(Array.from({ length: 2 }, (_, b) => Array.from({ length: 5 }, (_, t) => [Math.sin(b + t), Math.cos(3 * t)])));
const inp = Input([5, 2]);
const encoder = new LSTM(4, { returnState: true, seed: 1 });
const [, h, c] = encoder.apply(inp);
const decoderIn = Input({ shape: [5, 2] });
const decoder = new LSTM(4, { returnSequences: true, seed: 2 });
const seq = decoder.apply(decoderIn, { initialState: [h, c] });
const head = new Dense(3, 'softmax', { seed: 3 });
const y = head.apply(seq);
const model = new Model([inp, decoderIn], y, { name: 'seq2seq' });
const predicted = model.predict([x, x]);
assert.deepEqual(predicted.shape, [2, 5, 3]);
// The same by hand, layer by layer.
const [, hT, cT] = encoder.apply(x);
same(predicted, head.apply(decoder.apply(x, { initialState: [hT, cT] })), 'seq2seq');
for (let i = 0; i < 10; i++) assert.ok(Math.abs(predicted.data.subarray(i * 3, i * 3 + 3).reduce((a, b) => a + b) - 1) < 1e-6);

// Two branches and two outputs: predict gives a list in output order.
const a = new GRU(3, { seed: 4 }).apply(inp);
const b = new LSTM(3, { seed: 5 }).apply(inp);
const merged = new Concatenate().apply([a, b]);
const twoHeads = new Model({ inputs: inp, outputs: [new Dense(1, { seed: 6 }).apply(merged), merged] });
const [score, features] = twoHeads.predict(x);
assert.deepEqual([score.shape, features.shape], [[2, 1], [2, 6]]);
assert.equal(twoHeads.getLayer('concatenate').className, 'Concatenate');
