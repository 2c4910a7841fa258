// Data as it arrives in JavaScript: nested arrays, typed-array frames (numpy.array([frame, ...])),
// Int32Array ids, boolean masks; all give what the equivalent Float32Array tensor gives.
import { ready, tensor, Tensor, LSTM, Embedding, Sequential, Dense } from 'wasm-rnn';
import { assert, same } from './check.mjs';

await ready();
const lstm = new LSTM(3, { seed: 2 });
const flat = new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
const reference = lstm.apply(new Tensor(flat, [2, 2, 2]));
same(lstm.apply([[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]]]), reference, 'nested arrays');
same(lstm.apply([[flat.subarray(0, 2), flat.subarray(2, 4)], [flat.subarray(4, 6), flat.subarray(6, 8)]]), reference, 'typed-array frames');
same(lstm.apply(tensor(Array.from(flat), [2, 2, 2])), reference, 'flat list with a shape');
assert.deepEqual(tensor(new Float64Array([1, 2, 3, 4]), [2, 2]).toArray(), [[1, 2], [3, 4]]);
const model = new Sequential([new Embedding(10, 4, { seed: 1 }), new LSTM(2, { seed: 3 }), new Dense(1, { seed: 4 })]);
same(model.predict(tensor(new Int32Array([1, 2, 3, 4, 5, 6]), [2, 3])), model.predict([[1, 2, 3], [4, 5, 6]]), 'Int32Array ids');
same(lstm.apply(new Tensor(flat, [2, 2, 2]), { mask: [[true, false], [true, true]] }),
  lstm.apply(new Tensor(flat, [2, 2, 2]), { mask: [[1, 0], [1, 1]] }), 'boolean mask');
assert.equal(String(tensor([[1, 2.5]])), 'Tensor([[1. , 2.5]], shape=(1, 2))');
