// The functional API and streaming from strict TypeScript: tuples follow returnState, a
// positional Model predicts Tensor | Tensor[] (narrowed, no cast), a stream step equals predict.
import { ready, tensor, Input, Model, LSTM, GRU, Dense, Bidirectional, Sequential, type Tensor, type SymbolicTensor } from 'wasm-rnn';
import assert from 'node:assert/strict';

await ready();
const x = tensor(Array.from({ length: 2 }, (_, b) => Array.from({ length: 6 }, (_, t) => [Math.sin(b * 6 + t), Math.cos(t)])));
const inp: SymbolicTensor = Input([6, 2]);
const [seq, h, c] = new LSTM(3, { returnSequences: true, returnState: true, seed: 1 }).apply(inp);
const [fw, bw] = new Bidirectional(new GRU(2, { seed: 2 }), { mergeMode: null }).apply(seq);
const typed = new Model({ inputs: inp, outputs: [fw, bw, h, c] });
const [a, b, hT, cT] = typed.predict(x);
assert.deepEqual([a.shape, b.shape, hT.shape, cT.shape], [[2, 2], [2, 2], [2, 3], [2, 3]]);
const positional = new Model(inp, new Dense(1, 'sigmoid', { seed: 3 }).apply(h));
const y = positional.predict(x);
const probabilities: Tensor = Array.isArray(y) ? (y[0] ?? tensor([0])) : y;
assert.deepEqual(probabilities.shape, [2, 1]);

const live = new Sequential([new LSTM(4, { inputShape: [null, 2], seed: 4 }), new Dense(1, { seed: 5 })]);
const stream = live.stream();
let last = new Float32Array(0);
for (let t = 0; t < 6; t++) last = Float32Array.from(stream.step(Float32Array.from(x.data.subarray(t * 2, t * 2 + 2))));
const whole = live.predict(tensor([Array.from({ length: 6 }, (_, t) => Array.from(x.data.subarray(t * 2, t * 2 + 2)))]));
assert.deepEqual(Array.from(last), Array.from(whole.data));
stream.dispose();
