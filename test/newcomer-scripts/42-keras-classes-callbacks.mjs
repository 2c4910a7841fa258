// The TensorFlow "text classification with an RNN" way of compiling, ported: a loss class from
// logits, a metric class, a Callback subclass that stops training, EarlyStopping on val_accuracy
// in 'auto' mode (maximised, as Keras takes it from the metric), and evaluate's list. Checked
// against formulas on predict's logits.
import {
  ready, tensor, Sequential, Input, Embedding, Bidirectional, LSTM, Dense, Callback, EarlyStopping, losses, metrics, optimizers, padSequences,
} from 'wasm-rnn';
import { assert } from './check.mjs';

await ready();
let seed = 5;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const sentences = Array.from({ length: 48 }, () => Array.from({ length: 2 + Math.floor(random() * 6) }, () => 1 + Math.floor(random() * 9)));
const labels = sentences.map((s) => (s.includes(3) ? 1 : 0));
const x = padSequences(sentences, { maxlen: 8 });
const y = tensor(labels.map((l) => [l]));

const model = new Sequential([
  Input({ shape: [8] }),
  new Embedding(10, 8, { maskZero: true, seed: 1 }),
  new Bidirectional(new LSTM(8, { seed: 2 })),
  new Dense(8, { activation: 'relu', seed: 3 }),
  new Dense(1, { seed: 4 }),
]);
model.compile({ optimizer: optimizers.adam(0.02), loss: new losses.BinaryCrossentropy({ fromLogits: true }), metrics: [new metrics.BinaryAccuracy({ threshold: 0 })] });

// Keras' Callback: this.model is the model fit runs, and stopTraining ends it after this epoch.
class StopAtLowLoss extends Callback {
  epochsSeen = 0;
  onEpochEnd(epoch, logs) {
    this.epochsSeen = epoch + 1;
    if (logs.loss < 0.05) this.model.stopTraining = true;
  }
}
const stopper = new StopAtLowLoss();
const early = new EarlyStopping({ monitor: 'val_binary_accuracy', patience: 50, restoreBestWeights: true });
const history = await model.fit(x, y, { epochs: 30, batchSize: 16, validationSplit: 0.25, verbose: 0, seed: 6, callbacks: [stopper, early] });
assert.equal(stopper.epochsSeen, history.epoch.length);
assert.deepEqual(Object.keys(history.history), ['loss', 'binary_accuracy', 'val_loss', 'val_binary_accuracy']);
// 'auto' maximises an accuracy: the best epoch is the one of the highest val_binary_accuracy.
const accuracies = history.history.val_binary_accuracy;
assert.equal(early.bestEpoch, accuracies.indexOf(Math.max(...accuracies)));

// evaluate: the crossentropy of the logits and the share of logits on the right side of 0.
const logits = model.predict(x).data;
const bce = labels.reduce((s, l, i) => s + Math.max(logits[i], 0) - logits[i] * l + Math.log1p(Math.exp(-Math.abs(logits[i]))), 0) / labels.length;
const accuracy = labels.filter((l, i) => (logits[i] > 0 ? 1 : 0) === l).length / labels.length;
const [loss, binaryAccuracy] = await model.evaluate(x, y, { batchSize: 48 });
assert.ok(Math.abs(loss - bce) < 1e-4, `evaluate loss ${loss} against ${bce}`);
assert.equal(binaryAccuracy, accuracy);

// A model without metrics: evaluate's result is the loss, as Keras returns a lone number.
const plain = new Sequential([Input({ shape: [8] }), new Embedding(10, 4, { seed: 7 }), new LSTM(4, { seed: 8 }), new Dense(1, { seed: 9 })]);
plain.compile({ optimizer: 'adam', loss: 'mse' });
const result = await plain.evaluate(x, y);
assert.equal(Number(result), result.loss);
assert.equal(result.toFixed(3), result.loss.toFixed(3));
