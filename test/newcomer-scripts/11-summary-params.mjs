// summary() and countParams() against Keras' parameter formulas, both layouts.
import { ready, Sequential, Embedding, SimpleRNN, LSTM, GRU, Dense, Bidirectional } from 'wasm-rnn';
import { assert } from './check.mjs';

await ready();
// The README's model: 5000·100 + (100·128 + 128·128 + 128) + (128 + 1).
const model = new Sequential();
model.add(new Embedding({ inputDim: 5000, outputDim: 100 }));
model.add(new SimpleRNN({ units: 128 }));
model.add(new Dense({ units: 1, activation: 'sigmoid' }));
model.build([null, 20]);
assert.equal(model.countParams(), 500000 + 100 * 128 + 128 * 128 + 128 + 129);
const text = model.summary({ print: false });
for (const line of ['Model: "sequential', '(None, 20, 100)', '(None, 128)', 'Total params: 529,441 (2.02 MB)', 'Non-trainable params: 0 (0.00 B)']) {
  assert.ok(text.includes(line), `${line} in\n${text}`);
}
const D = 7, H = 5;
const lstm = 4 * H * (D + H + 1), gru = 3 * H * (D + H + 2);
const stack = new Sequential([new Bidirectional(new LSTM(H, { returnSequences: true }), { inputShape: [9, D] }), new GRU(H), new Dense(2)]);
assert.equal(stack.countParams(), 2 * lstm + 3 * H * (2 * H + H + 2) + H * 2 + 2);
const old = stack.summary({ layout: 'tf.keras', print: false });
assert.ok(old.includes(`Total params: ${stack.countParams().toLocaleString('en-US')}`), old);
assert.ok(old.includes('(None, 9, 10)'), old);
assert.ok(gru > 0);
let printed = '';
stack.summary({ printFn: (line) => { printed += line; } });
assert.ok(printed.includes('bidirectional'));
