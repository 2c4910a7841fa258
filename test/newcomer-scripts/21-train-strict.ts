// Training from TypeScript as a Keras user writes it: Keras' positional forms, fit's Keras
// arguments (classWeight, verbose, one callback), History's keys, getLayer, trainable.
import { ready, tensor, Sequential, LSTM, Dense, EarlyStopping, optimizers, type Logs, type Tensor, type Layer } from 'wasm-rnn';
import assert from 'node:assert/strict';

await ready();
const N = 32, T = 4;
const x: number[][][] = Array.from({ length: N }, (_, n) => Array.from({ length: T }, (_, t) => [Math.sin(n + t), n % 2 ? 1 : -1]));
const y: number[][] = Array.from({ length: N }, (_, n) => [n % 2]);
const model = new Sequential([new LSTM(6, { inputShape: [T, 2], seed: 1 }), new Dense(1, 'sigmoid', { seed: 2 })]);
const encoder: Layer = model.getLayer(0);
assert.equal(encoder.className, 'LSTM');
model.compile({ optimizer: optimizers.adam(0.01), loss: 'bce', metrics: ['accuracy'] });
const seen: number[] = [];
const history = await model.fit(x, y, {
  epochs: 8, batchSize: 8, verbose: 0, seed: 4, classWeight: { 0: 1, 1: 1.5 },
  callbacks: { onEpochEnd: (epoch: number, logs?: Logs) => { if (logs?.loss !== undefined) seen.push(epoch); } },
});
assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7]);
const losses = history.history.loss ?? [];
const first = losses[0] ?? NaN;
const lastLoss = losses[losses.length - 1] ?? NaN;
assert.ok(lastLoss < first, `${first} -> ${lastLoss}`);
const logs = await model.evaluate(x, y, { batchSize: 16 });
assert.ok((logs.accuracy ?? 0) > 0.8, `accuracy ${logs.accuracy}`);
encoder.trainable = false;
model.compile({ optimizer: 'sgd', loss: 'mse' });
const frozen = encoder.getWeights().map((w: Tensor) => Array.from(w.data));
await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new EarlyStopping({ monitor: 'loss' })] });
assert.deepEqual(encoder.getWeights().map((w: Tensor) => Array.from(w.data)), frozen);
const p: Tensor = model.predict(tensor(x), { verbose: 0 });
assert.deepEqual(p.shape, [N, 1]);
