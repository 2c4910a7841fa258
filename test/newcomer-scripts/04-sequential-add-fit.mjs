// Keras' first notebook: model.add chain, compile with names, fit with Keras-style arguments,
// evaluate, predict. A separable toy task must train (the loss falls, accuracy rises).
import { ready, tensor, Sequential, LSTM, Dense, EarlyStopping } from 'wasm-rnn';
import { assert } from './check.mjs';

await ready();
const N = 64, T = 6;
const xs = [], ys = [];
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
for (let n = 0; n < N; n++) {
  const label = n % 2;
  xs.push(Array.from({ length: T }, () => [label ? 0.5 + random() : -0.5 - random(), random() - 0.5]));
  ys.push([label]);
}
const model = new Sequential();
model.add(new LSTM(8, { inputShape: [T, 2], seed: 1 }));
model.add(new Dense(1, 'sigmoid', { seed: 2 }));
model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
const history = await model.fit(xs, ys, {
  epochs: 30, batchSize: 16, validationSplit: 0.25, verbose: 0, seed: 3,
  callbacks: new EarlyStopping({ monitor: 'val_loss', patience: 5, restoreBestWeights: true }),
});
assert.deepEqual(Object.keys(history.history), ['loss', 'accuracy', 'val_loss', 'val_accuracy']);
const loss = history.history.loss;
assert.ok(loss[loss.length - 1] < loss[0] * 0.7, `loss ${loss[0]} -> ${loss[loss.length - 1]}`);
const logs = await model.evaluate(xs, ys, { batchSize: 32 });
assert.deepEqual(Object.keys(logs), ['loss', 'accuracy']);
assert.ok(logs.accuracy >= 0.9, `accuracy ${logs.accuracy}`);
const p = model.predict(tensor(xs), { batchSize: 10, verbose: 0 });
assert.deepEqual(p.shape, [N, 1]);
assert.ok(p.data.every((v) => v > 0 && v < 1));
