// Forgetting `await ready()`: a RuntimeError that says what to do, from a layer call and from
// Sequential.add; after ready() the same calls work.
import { LSTM, Dense, Sequential, RuntimeError, ShapeError, ready, tensor } from 'wasm-rnn';
import { assert, throwsLike } from './check.mjs';

const x = tensor([[[1, 2], [3, 4]]]);
throwsLike(() => new LSTM(3).apply(x), RuntimeError, ['not ready', 'await ready()']);
const model = new Sequential();
assert.throws(() => model.add(new LSTM({ units: 3, inputShape: [2, 2] })), (e) => e instanceof RuntimeError && !(e instanceof ShapeError));
await ready();
const lstm = new LSTM(3);
assert.deepEqual(lstm.apply(x).shape, [1, 3]);
const again = new Sequential([new LSTM({ units: 3, inputShape: [2, 2] }), new Dense(1)]);
assert.deepEqual(again.predict(x).shape, [1, 1]);
