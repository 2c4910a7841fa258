// Training cells as a notebook writes them: compile with Keras' strings ('sgd', 'adam', 'mse',
// 'binary_crossentropy', 'accuracy', 'mae'), fit with validation_split, class_weight and
// sample_weight, Keras' callbacks in keyword form (ModelCheckpoint(filepath=..., save_best_only=True),
// LearningRateScheduler(schedule=...), ReduceLROnPlateau, CSVLogger(filename=...)), model.history,
// evaluate(return_dict=True), predict(batch_size=...). Every expected number is computed here by
// hand from the weights set (a linear model, mean squared error, plain gradient descent).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ready, tensor, Sequential, Dense, loadModel, ModelCheckpoint, LearningRateScheduler, ReduceLROnPlateau, CSVLogger, History, ConfigError,
} from 'wasm-rnn';
import { assert, throwsLike } from './check.mjs';

await ready();
const X = [[1, 0], [0, 1], [1, 1], [2, 1]];
const Y = [1, 0, 2, 1];
const near = (actual, expected, label, tol = 1e-5) => assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${label}: ${actual} vs ${expected}`);
const nearAll = (actual, expected, label) => expected.forEach((e, i) => near(actual[i], e, `${label}[${i}]`));

// The plain reference: y = x . w + b, its mean squared error and mean absolute error, and its gradient.
const predictRef = ({ w, b }, rows) => rows.map(([a, c]) => a * w[0] + c * w[1] + b);
const mseRef = (p, y, sw = y.map(() => 1)) => p.reduce((s, v, i) => s + sw[i] * (v - y[i]) ** 2, 0) / p.length;
const maeRef = (p, y) => p.reduce((s, v, i) => s + Math.abs(v - y[i]), 0) / p.length;
function sgdStep(params, rows, y, lr) {
  const e = predictRef(params, rows).map((v, i) => v - y[i]);
  const g = [0, 1].map((j) => (2 / rows.length) * e.reduce((s, ei, i) => s + ei * rows[i][j], 0));
  const gb = (2 / rows.length) * e.reduce((s, ei) => s + ei, 0);
  return { w: [params.w[0] - lr * g[0], params.w[1] - lr * g[1]], b: params.b - lr * gb };
}
const start = { w: [0.5, -0.5], b: 0 };
function linear(name) {
  const model = new Sequential([new Dense(1, { inputShape: [2], name })]);
  model.layers[0].setWeights([tensor([[start.w[0]], [start.w[1]]]), tensor([start.b])]);
  return model;
}
const paramsOf = (model) => { const [k, b] = model.getWeights(); return { w: Array.from(k.data), b: b.data[0] }; };
const x = tensor(X);
const y = tensor(Y.map((v) => [v]));

// compile('sgd', 'mse', metrics=['mae']); evaluate(return_dict=True) and as a list.
let model = linear('regressor');
model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
near(model.optimizer.learningRate, 0.01, "'sgd' is Keras' SGD(learning_rate=0.01)", 1e-7);
const p0 = predictRef(start, X);
const scores = await model.evaluate(x, y, { returnDict: true });
assert.deepEqual(Object.keys(scores), ['loss', 'mae']);
near(scores.loss, mseRef(p0, Y), 'evaluate loss');
near(scores.mae, maeRef(p0, Y), 'evaluate mae');
const [loss, mae] = await model.evaluate(x, y);
assert.equal(loss, scores.loss);
assert.equal(mae, scores.mae);
// sample_weight in evaluate: Keras divides the weighted sum by the batch size.
near((await model.evaluate(x, y, { sampleWeight: [1, 2, 0, 1] })).loss, mseRef(p0, Y, [1, 2, 0, 1]), 'weighted evaluate');
// predict(batch_size=3): two batches, the same numbers.
nearAll(model.predict(x, { batchSize: 3 }).data, p0, 'predict batchSize');

// fit(validation_split=0.25): the last quarter validates; each epoch's loss is the one computed
// before that epoch's step, val_loss the one after it.
let params = start;
const expectedLoss = [];
const expectedVal = [];
for (let epoch = 0; epoch < 3; epoch++) {
  expectedLoss.push(mseRef(predictRef(params, X.slice(0, 3)), Y.slice(0, 3)));
  params = sgdStep(params, X.slice(0, 3), Y.slice(0, 3), 0.01);
  expectedVal.push(mseRef(predictRef(params, X.slice(3)), Y.slice(3)));
}
const history = await model.fit(x, y, { epochs: 3, batchSize: 3, validationSplit: 0.25, shuffle: false, verbose: 0 });
assert.equal(model.history, history, 'model.history is the History fit returned');
assert.deepEqual(history.epoch, [0, 1, 2]);
assert.deepEqual(Object.keys(history.history).sort(), ['loss', 'mae', 'val_loss', 'val_mae']);
nearAll(history.history.loss, expectedLoss, 'loss');
nearAll(history.history.val_loss, expectedVal, 'val_loss');
nearAll(paramsOf(model).w, params.w, 'weights after fit');

// LearningRateScheduler(schedule=...) and ReduceLROnPlateau: the rates History records and the
// weights they lead to.
model = linear('scheduled');
model.compile({ optimizer: 'sgd', loss: 'mean_squared_error' });
const schedule = (epoch) => 0.1 / (epoch + 1);
const scheduled = await model.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0, callbacks: [new LearningRateScheduler({ schedule })] });
nearAll(scheduled.history.learning_rate, [0.1, 0.05, 0.1 / 3], 'scheduled rates');
params = [0, 1, 2].reduce((p, epoch) => sgdStep(p, X, Y, Math.fround(schedule(epoch))), start);
nearAll(paramsOf(model).w, params.w, 'weights after the schedule');
near(paramsOf(model).b, params.b, 'bias after the schedule');

model = linear('plateau');
model.compile({ optimizer: 'sgd', loss: 'mse' });
// min_delta this large: only the first epoch counts as an improvement, so each later one halves the rate.
const plateau = await model.fit(x, y, { epochs: 3, verbose: 0, callbacks: [new ReduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 1, minDelta: 1e9 })] });
nearAll(plateau.history.learning_rate, [0.01, 0.01, 0.005], 'plateau rates');
near(model.optimizer.learningRate, 0.0025, 'rate after the plateau', 1e-7);

// ModelCheckpoint(filepath=..., monitor='loss', save_best_only=True) and CSVLogger(filename=...).
const dir = mkdtempSync(join(tmpdir(), 'newcomer-35-'));
try {
  model = linear('checkpointed');
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const csv = join(dir, 'log.csv');
  const callbacks = [
    new ModelCheckpoint({ filepath: join(dir, 'best-{epoch:02d}-{loss:.4f}.keras'), monitor: 'loss', saveBestOnly: true }),
    new CSVLogger({ filename: csv, separator: ';' }),
  ];
  const fitted = await model.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0, callbacks });
  params = start;
  const losses = [];
  for (let epoch = 0; epoch < 2; epoch++) {
    losses.push(mseRef(predictRef(params, X), Y));
    params = sgdStep(params, X, Y, 0.01);
  }
  nearAll(fitted.history.loss, losses, 'checkpointed losses');
  // The loss falls every epoch, so each epoch is the best so far and is saved.
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.keras')).sort(), losses.map((l, i) => `best-0${i + 1}-${l.toFixed(4)}.keras`));
  const best = await loadModel(join(dir, `best-02-${losses[1].toFixed(4)}.keras`));
  nearAll(best.predict(x).data, predictRef(params, X), 'the best checkpoint predicts with the last weights');
  const rows = readFileSync(csv, 'utf8').trim().split('\r\n');
  // Keras 3 adds the val_ columns when fit has no validation, as "NA".
  assert.equal(rows[0], 'epoch;loss;val_loss');
  assert.deepEqual(rows.slice(1).map((r) => [r.split(';')[0], r.split(';')[2]]), [['0', 'NA'], ['1', 'NA']]);
  rows.slice(1).forEach((r, i) => near(Number(r.split(';')[1]), losses[i], `csv row ${i}`));
  throwsLike(() => new ModelCheckpoint({ filepath: join(dir, 'x.keras') }, { monitor: 'loss' }), ConfigError, ["give 'filepath' first and the options after it, or one options object"]);
  throwsLike(() => new ModelCheckpoint({ filepath: join(dir, 'x.keras'), save_best_only: true }), ConfigError, ["did you mean 'saveBestOnly'?"]);
  throwsLike(() => new LearningRateScheduler({ schedule, verbos: 1 }), ConfigError, ["did you mean 'verbose'?"]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// class_weight={0: 1, 1: 3} is sample_weight by label: the same loss and the same step.
const bx = tensor([[2, 0], [0, 2], [1, 1], [-1, 0]]);
const by = tensor([[1], [0], [1], [0]]);
const classifier = () => {
  const m = new Sequential([new Dense(1, { inputShape: [2], activation: 'sigmoid' })]);
  m.layers[0].setWeights([tensor([[0.3], [-0.4]]), tensor([0.1])]);
  m.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', metrics: ['accuracy'] });
  return m;
};
const byClass = classifier();
const bySample = classifier();
const probabilities = [[2, 0], [0, 2], [1, 1], [-1, 0]].map(([a, c]) => 1 / (1 + Math.exp(-(0.3 * a - 0.4 * c + 0.1))));
const labels = [1, 0, 1, 0];
const weights = labels.map((l) => (l === 1 ? 3 : 1));
const bce = probabilities.reduce((s, p, i) => s - weights[i] * (labels[i] * Math.log(p) + (1 - labels[i]) * Math.log(1 - p)), 0) / 4;
// Compiled metrics (not weightedMetrics) are not weighted, as in Keras.
const accuracy = probabilities.filter((p, i) => (p > 0.5 ? 1 : 0) === labels[i]).length / 4;
const h1 = await byClass.fit(bx, by, { epochs: 1, batchSize: 4, classWeight: { 0: 1, 1: 3 }, verbose: 0 });
const h2 = await bySample.fit(bx, by, { epochs: 1, batchSize: 4, sampleWeight: weights, verbose: 0 });
near(h1.history.loss[0], bce, 'class-weighted bce');
near(h2.history.loss[0], bce, 'sample-weighted bce');
near(h1.history.accuracy[0], accuracy, 'unweighted accuracy');
nearAll(byClass.getWeights()[0].data, Array.from(bySample.getWeights()[0].data), 'class_weight step = sample_weight step');

// 'adam' is Adam(learning_rate=0.001); its first step is lr * sqrt(1 - beta2) g / (sqrt(1 - beta2) |g| + eps) (m and v from zero).
model = linear('adam');
model.compile({ optimizer: 'adam', loss: 'mse' });
near(model.optimizer.learningRate, 0.001, "'adam' learning rate", 1e-7);
const [gk, gb] = model.computeGradients(x, y).map((t) => Array.from(t.data));
model.trainOnBatch(x, y);
const adamStep = (g) => 0.001 * Math.sqrt(0.001) * g / (Math.sqrt(0.001) * Math.abs(g) + 1e-7);
nearAll(paramsOf(model).w, start.w.map((w, j) => w - adamStep(gk[j])), 'one adam step');
near(paramsOf(model).b, start.b - adamStep(gb[0]), 'one adam step, bias');
for (const [name, rate] of [['rmsprop', 0.001], ['adagrad', 0.001], ['nadam', 0.001], ['adamax', 0.001], ['adamw', 0.001]]) {
  const m = linear(name);
  m.compile({ optimizer: name, loss: 'mae' });
  near(m.optimizer.learningRate, rate, `'${name}' learning rate`, 1e-7);
}
// A History passed in is the one fit fills, returns and keeps as model.history.
const own = new History();
model = linear('own_history');
model.compile({ optimizer: 'sgd', loss: 'mse' });
assert.equal(await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [own] }), own);
assert.equal(model.history, own);
near(own.history.loss[0], mseRef(p0, Y), 'own History');
