// The Keras "timeseries forecasting for weather prediction" recipe with Keras' own Normalization
// layer in front: normalizer.adapt(train_x), Normalization -> LSTM(32) -> Dense(1), Adam at 1e-3,
// ModelCheckpoint(save_best_only) with EarlyStopping on val_loss, the best model loaded back, and
// a forecast streamed one reading at a time. Checked: what adapt stores against the data's mean
// and variance, the normalisation against that formula, the loaded model against the one that
// saved it, and the stream against predict.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ready, tensor, Input, Sequential, Normalization, LSTM, Dense, ModelCheckpoint, EarlyStopping, optimizers, loadModel } from 'wasm-rnn';
import { assert } from './check.mjs';

await ready();
const FEATURES = 3; // temperature, pressure, humidity
const PAST = 12;
const readings = Array.from({ length: 220 }, (_, t) => [
  12 + 8 * Math.sin(t / 9) + Math.cos(t * 1.7),
  1010 + 6 * Math.cos(t / 23),
  60 + 20 * Math.sin(t / 5 + 1),
]);
// Windows of PAST readings, the target the next temperature.
const windows = [];
const targets = [];
for (let t = 0; t + PAST < readings.length; t += 2) {
  windows.push(readings.slice(t, t + PAST));
  targets.push([readings[t + PAST][0]]);
}
const split = Math.floor(windows.length * 0.8);
const trainX = tensor(windows.slice(0, split));
const trainY = tensor(targets.slice(0, split));
const valX = tensor(windows.slice(split));
const valY = tensor(targets.slice(split));

const normalizer = new Normalization({ axis: -1 });
normalizer.adapt(trainX);
const [mean, variance, count] = normalizer.getWeights();
for (let f = 0; f < FEATURES; f++) {
  const values = windows.slice(0, split).flat().map((row) => row[f]);
  const m = values.reduce((s, v) => s + v, 0) / values.length;
  const v = values.reduce((s, x) => s + (x - m) ** 2, 0) / values.length;
  assert.ok(Math.abs(mean.data[f] - m) < 1e-3 * Math.max(1, Math.abs(m)), `mean ${f}: ${mean.data[f]} vs ${m}`);
  assert.ok(Math.abs(variance.data[f] - v) < 1e-3 * Math.max(1, v), `variance ${f}: ${variance.data[f]} vs ${v}`);
}
assert.deepEqual(Array.from(count.data), [0]); // Keras' adapt on an array leaves count as it is
const first = normalizer.apply(tensor([readings[0]])).data;
first.forEach((z, f) => assert.ok(Math.abs(z - (readings[0][f] - mean.data[f]) / Math.sqrt(variance.data[f])) < 1e-5, `normalised feature ${f}`));

const model = new Sequential([Input({ shape: [PAST, FEATURES] }), normalizer, new LSTM(32, { seed: 1 }), new Dense(1, { seed: 2 })]);
model.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'mse' });
const dir = mkdtempSync(join(tmpdir(), 'newcomer-44-'));
try {
  const path = join(dir, 'model_checkpoint.keras');
  const checkpoint = new ModelCheckpoint(path, { monitor: 'val_loss', saveBestOnly: true });
  const early = new EarlyStopping({ monitor: 'val_loss', minDelta: 0, patience: 5 });
  const history = await model.fit(trainX, trainY, { epochs: 12, batchSize: 16, validationData: [valX, valY], callbacks: [checkpoint, early], verbose: 0, seed: 3 });
  const valLosses = history.history.val_loss;
  assert.ok(valLosses.every(Number.isFinite));
  assert.ok(valLosses.at(-1) < valLosses[0], `validation loss falls: ${valLosses[0]} -> ${valLosses.at(-1)}`);

  // The checkpoint holds the best epoch's model: its validation loss is the best one seen.
  const best = await loadModel(path);
  assert.equal(best.layers[0].className, 'Normalization');
  assert.deepEqual(Array.from(best.layers[0].getWeights()[0].data), Array.from(mean.data));
  best.compile({ optimizer: 'adam', loss: 'mse' });
  const bestLoss = (await best.evaluate(valX, valY)).loss;
  assert.ok(Math.abs(bestLoss - Math.min(...valLosses)) < 1e-4 * Math.max(1, bestLoss), `best checkpoint ${bestLoss} vs ${Math.min(...valLosses)}`);

  // Streaming the last window one reading at a time gives predict's forecast on it.
  const last = windows[windows.length - 1];
  const stream = best.stream();
  let forecast;
  for (const reading of last) forecast = stream.step(Float32Array.from(reading));
  assert.equal(forecast[0], best.predict(tensor([last])).data[0]);
  stream.dispose();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
