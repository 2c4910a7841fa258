// stateful=True as in Keras: two calls on halves give what one call on the whole sequence gives;
// resetStates() starts again from zeros.
import { ready, tensor, Sequential, GRU } from 'wasm-rnn';
import { assert } from './check.mjs';

await ready();
const B = 2, T = 8, D = 3;
const values = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => Array.from({ length: D }, (_, d) => Math.cos(b + t * 0.3 + d))));
const whole = new Sequential([new GRU(4, { seed: 9, inputShape: [T, D] })]);
const stateful = new Sequential([new GRU(4, { seed: 9, stateful: true, batchInputShape: [B, T / 2, D] })]);
stateful.setWeights(whole.getWeights());
const expected = whole.predict(tensor(values));
stateful.predict(tensor(values.map((row) => row.slice(0, T / 2))));
const second = stateful.predict(tensor(values.map((row) => row.slice(T / 2))));
expected.data.forEach((v, i) => assert.ok(Math.abs(v - second.data[i]) < 1e-6, `${v} vs ${second.data[i]}`));
stateful.resetStates();
const firstHalf = new Sequential([new GRU(4, { seed: 9, inputShape: [T / 2, D] })]);
firstHalf.setWeights(whole.getWeights());
assert.deepEqual(Array.from(stateful.predict(tensor(values.map((row) => row.slice(0, T / 2)))).data), Array.from(firstHalf.predict(tensor(values.map((row) => row.slice(0, T / 2)))).data));
