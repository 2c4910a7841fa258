// model.stream(): one frame at a time, bit-identical to predict on the prefix, states reset.
import { ready, tensor, Sequential, LSTM, Dense, Masking } from 'wasm-rnn';
import { assert } from './check.mjs';

await ready();
const T = 7, D = 3;
const model = new Sequential([new Masking({ maskValue: 0, inputShape: [null, D] }), new LSTM(6, { seed: 1 }), new Dense(2, 'tanh', { seed: 2 })]);
const frames = Array.from({ length: T }, (_, t) => Float32Array.from({ length: D }, (_, d) => Math.sin(t * D + d)));
const stream = model.stream();
for (let t = 0; t < T; t++) {
  const out = Array.from(stream.step(frames[t]));
  const prefix = model.predict(tensor([frames.slice(0, t + 1)]));
  assert.deepEqual(out, Array.from(prefix.data), `step ${t}`);
}
stream.reset();
assert.deepEqual(Array.from(stream.step(frames[0])), Array.from(model.predict(tensor([[frames[0]]])).data));
assert.throws(() => stream.step([1, 2, 3]), /Float32Array of 3 values/);
stream.dispose();
