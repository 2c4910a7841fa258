// A sentiment-style text classifier as a Keras notebook trains it: Embedding(mask_zero) over
// pre-padded ids, a recurrent layer, Dense(1, sigmoid), binary cross-entropy, fit with
// validation_data and Keras' callbacks (ModelCheckpoint, CSVLogger, LambdaCallback,
// ReduceLROnPlateau, History), evaluate unpacked as Keras' list. Checked against Keras' own run
// of the same case (../shared/training/embedding_mask_gru_last_bce.json).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ready, tensor, Sequential, Embedding, GRU, LSTM, Bidirectional, Dense, optimizers, loadModel,
  ModelCheckpoint, CSVLogger, LambdaCallback, ReduceLROnPlateau, History,
} from 'wasm-rnn';
import { assert, close, shared } from './check.mjs';

await ready();
const keras = shared('training/embedding_mask_gru_last_bce.json');
const x = tensor(keras.x[0].data, keras.x[0].shape);
const y = tensor(keras.y.data, keras.y.shape);
const within = (actual, expected, { abs, rel }, label) => assert.ok(Math.abs(actual - expected) <= abs + rel * Math.abs(expected), `${label}: ${actual} vs Keras ${expected}`);

const model = new Sequential([
  new Embedding(10, 3, { maskZero: true, inputShape: [6] }),
  new GRU(4),
  new Dense(1, { activation: 'sigmoid' }),
]);
model.setWeights(keras.weights.map((w) => tensor(w.data, w.shape)));
model.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });

const dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-newcomer-text-'));
try {
  const history = new History();
  const epochsSeen = [];
  const returned = await model.fit(x, y, {
    batchSize: keras.fit.batch_size, epochs: keras.fit.epochs, shuffle: false, verbose: 0,
    validationData: [x, y],
    callbacks: [
      new ModelCheckpoint(join(dir, 'best-{epoch:02d}-{val_loss:.4f}.keras'), { monitor: 'val_loss', saveBestOnly: true }),
      new CSVLogger(join(dir, 'training.csv')),
      new ReduceLROnPlateau({ monitor: 'val_loss', patience: 5 }),
      new LambdaCallback({ onEpochEnd: (epoch, logs) => epochsSeen.push([epoch, logs.loss]) }),
      history,
    ],
  });
  assert.equal(returned, history);
  // Keras' History, epoch by epoch (validation on the training data adds val_ keys).
  for (const key of ['loss', 'accuracy']) {
    keras.expected.history[key].forEach((v, i) => within(history.history[key][i], v, keras.tolerance.history, `${key}[${i}]`));
  }
  assert.deepEqual(history.history.learning_rate, [0.5, 0.5, 0.5]);
  assert.deepEqual(epochsSeen.map(([e]) => e), [0, 1, 2]);
  // Keras' final weights and predictions after training.
  keras.expected.final_weights.forEach((w, i) => close(model.getWeights()[i], w, keras.tolerance.weights, w.name));
  close(model.predict(x), keras.expected.predictions, keras.tolerance.predictions, 'predictions');
  const [loss, accuracy] = await model.evaluate(x, y, { batchSize: keras.fit.batch_size });
  within(loss, keras.expected.evaluate.loss, keras.tolerance.history, 'evaluate loss');
  assert.equal(accuracy, keras.expected.evaluate.accuracy);

  // The CSV Keras 3 writes: header, one row per epoch, the logs read back as numbers.
  const rows = readFileSync(join(dir, 'training.csv'), 'utf8').split('\r\n');
  assert.equal(rows.pop(), '');
  // ReduceLROnPlateau runs after the CSVLogger here, so the logger sees no learning_rate yet: Keras' order.
  assert.equal(rows[0], 'epoch,accuracy,loss,val_accuracy,val_loss');
  rows.slice(1).forEach((row, epoch) => {
    const cells = row.split(',').map(Number);
    assert.deepEqual(cells, [epoch, history.history.accuracy[epoch], history.history.loss[epoch], history.history.val_accuracy[epoch], history.history.val_loss[epoch]]);
  });
  // Checkpoints only where val_loss improved, named as Python formats them; the last is the trained model.
  const improved = history.history.val_loss.map((v, i, all) => (all.slice(0, i).every((u) => v < u) ? i : -1)).filter((i) => i >= 0);
  const names = improved.map((i) => `best-${String(i + 1).padStart(2, '0')}-${history.history.val_loss[i].toFixed(4)}.keras`);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.keras')).sort(), names.sort());
  const best = await loadModel(join(dir, names[names.length - 1]));
  assert.equal(improved[improved.length - 1], 2);
  close(best.predict(x), keras.expected.predictions, keras.tolerance.predictions, 'checkpoint');
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// The notebook's Bidirectional LSTM variant: its size is Keras' formula, 2·4·u·(d + u + 1).
const bidirectional = new Sequential([
  new Embedding(5000, 32, { maskZero: true, inputShape: [100] }),
  new Bidirectional(new LSTM(16)),
  new Dense(1, 'sigmoid'),
]);
assert.equal(bidirectional.countParams(), 5000 * 32 + 2 * 4 * 16 * (32 + 16 + 1) + (2 * 16 + 1));
assert.deepEqual(bidirectional.layers.map((l) => l.name), ['embedding_1', 'bidirectional', 'dense_1']);
