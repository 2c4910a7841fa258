// Padding the Keras way: Masking(0.0) before a recurrent layer, Embedding(maskZero) ids, and an
// explicit mask all give the output of the unpadded sequence (post-padding: the last real step).
import { ready, tensor, Sequential, Masking, LSTM, Embedding, GRU } from 'wasm-rnn';
import { assert } from './check.mjs';

await ready();
const lstm = new LSTM(3, { seed: 4 });
const masked = new Sequential([new Masking(0, { inputShape: [4, 2] }), lstm]);
const padded = tensor([[[0.5, 1], [2, -1], [0, 0], [0, 0]]]);
const unpadded = tensor([[[0.5, 1], [2, -1]]]);
const viaMasking = masked.predict(padded);
assert.deepEqual(Array.from(viaMasking.data), Array.from(lstm.apply(unpadded).data));
assert.deepEqual(Array.from(lstm.apply(padded, { mask: [[1, 1, 0, 0]] }).data), Array.from(viaMasking.data));
assert.deepEqual(Array.from(lstm.apply(padded, { mask: [[true, true, false, false]] }).data), Array.from(viaMasking.data));

const embedding = new Embedding(20, 4, { maskZero: true, seed: 1 });
const gru = new GRU(3, { seed: 2 });
const text = new Sequential([embedding, gru]);
const ids = tensor([[5, 9, 0, 0], [3, 0, 0, 0]]);
const out = text.predict(ids);
const short = [[5, 9], [3]].map((row) => Array.from(gru.apply(embedding.apply(tensor([row]))).data));
assert.deepEqual([Array.from(out.data.subarray(0, 3)), Array.from(out.data.subarray(3))], short);
