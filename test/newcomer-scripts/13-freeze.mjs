// Transfer learning the Keras way: freeze the pretrained encoder, train the head.
import { ready, tensor, Sequential, LSTM, Dense } from 'wasm-rnn';
import { assert } from './check.mjs';

await ready();
const encoder = new LSTM(6, { inputShape: [5, 3], seed: 1 });
const model = new Sequential([encoder, new Dense(1, { seed: 2 })]);
encoder.trainable = false;
model.compile({ optimizer: 'adam', loss: 'mse' });
const x = tensor(Array.from({ length: 8 }, (_, n) => Array.from({ length: 5 }, (_, t) => [n, t, n * t].map((v) => Math.sin(v)))));
const y = tensor(Array.from({ length: 8 }, (_, n) => [n % 2]));
const frozen = encoder.getWeights().map((w) => Array.from(w.data));
const head = model.layers[1].getWeights().map((w) => Array.from(w.data));
await model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0 });
assert.deepEqual(encoder.getWeights().map((w) => Array.from(w.data)), frozen);
assert.notDeepEqual(model.layers[1].getWeights().map((w) => Array.from(w.data)), head);
const text = model.summary({ print: false });
const lstmParams = 4 * 6 * (3 + 6 + 1);
assert.ok(text.includes(`Non-trainable params: ${lstmParams}`), text);
assert.equal(encoder.getConfig().trainable, false);
