// Time-series forecasting as a Keras tutorial writes it: windows of a series, GRU -> Dense,
// validation_split, EarlyStopping(restore_best_weights) with LearningRateScheduler, evaluate, and
// predict on new windows. Checked against formulas: evaluate's MSE / MAE are the means of the
// errors of predict, the restored weights are the best epoch's, the scheduler's rates are its
// formula, and the forecast beats the persistence baseline (tomorrow = today).
import { ready, tensor, Sequential, Input, GRU, Dense, EarlyStopping, LearningRateScheduler, TerminateOnNaN, optimizers } from 'wasm-rnn';
import { assert } from './check.mjs';

await ready();
const series = Array.from({ length: 260 }, (_, i) => Math.sin(i * 0.15) + 0.5 * Math.sin(i * 0.05));
const W = 12;
const windows = [];
const targets = [];
for (let i = 0; i + W < series.length; i++) {
  windows.push(series.slice(i, i + W).map((v) => [v]));
  targets.push([series[i + W]]);
}
const split = 180;
const [xTrain, yTrain] = [tensor(windows.slice(0, split)), tensor(targets.slice(0, split))];
const [xTest, yTest] = [tensor(windows.slice(split)), tensor(targets.slice(split))];
assert.deepEqual([xTrain.shape, yTest.shape], [[180, 12, 1], [68, 1]]);

const model = new Sequential();
model.add(Input({ shape: [W, 1] }));
model.add(new GRU(12, { seed: 4 }));
model.add(new Dense(1, { seed: 5 }));
model.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: 'mse', metrics: ['mae'] });

const stopper = new EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
const decay = (epoch, lr) => (epoch < 3 ? lr : lr * 0.8);
const bestWeights = [];
const history = await model.fit(xTrain, yTrain, {
  epochs: 12, batchSize: 16, validationSplit: 0.2, seed: 3, verbose: 0,
  callbacks: [new LearningRateScheduler(decay), stopper, new TerminateOnNaN(),
    { onEpochEnd: (epoch) => { bestWeights[epoch] = model.getWeights(); } }],
});
const rates = history.history.learning_rate;
rates.forEach((rate, epoch) => assert.equal(rate, Math.fround(epoch < 3 ? Math.fround(0.02) : Math.fround(rates[epoch - 1] * 0.8))));
assert.ok(history.history.val_loss.every(Number.isFinite));
// Restored weights are those at the end of the epoch with the lowest val_loss.
const best = history.history.val_loss.indexOf(Math.min(...history.history.val_loss));
if (stopper.stoppedEpoch > 0) {
  model.getWeights().forEach((w, i) => assert.deepEqual(Array.from(w.data), Array.from(bestWeights[best][i].data)));
}

const predicted = model.predict(xTest, { batchSize: 32 });
const errors = Array.from(predicted.data, (p, i) => p - yTest.data[i]);
const mse = errors.reduce((s, e) => s + e * e, 0) / errors.length;
const mae = errors.reduce((s, e) => s + Math.abs(e), 0) / errors.length;
const [loss, maeMetric] = await model.evaluate(xTest, yTest, { batchSize: 68 });
assert.ok(Math.abs(loss - mse) <= 1e-6 + 1e-4 * mse, `evaluate loss ${loss} vs mean squared error ${mse}`);
assert.ok(Math.abs(maeMetric - mae) <= 1e-6 + 1e-4 * mae, `evaluate mae ${maeMetric} vs mean absolute error ${mae}`);
const persistence = targets.slice(split).reduce((s, [t], i) => s + (t - windows[split + i][W - 1][0]) ** 2, 0) / (targets.length - split);
assert.ok(mse < persistence, `forecast MSE ${mse} should beat persistence ${persistence}`);

// Forecast on new data, one window at a time as a notebook does: the same as the batch.
const fresh = tensor([series.slice(-W).map((v) => [v])]);
const next = model.predict(fresh);
assert.deepEqual(next.shape, [1, 1]);
assert.deepEqual(next.toArray(), [[next.data[0]]]);
assert.ok(Math.abs(next.data[0] - (Math.sin(260 * 0.15) + 0.5 * Math.sin(260 * 0.05))) < 0.5);
