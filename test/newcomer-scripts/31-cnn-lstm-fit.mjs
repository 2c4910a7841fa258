// The CNN-LSTM of a time-series tutorial, trained with fit: each sample split into subsequences,
// TimeDistributed(Conv1D) -> TimeDistributed(MaxPooling1D) -> TimeDistributed(Flatten) -> LSTM ->
// Dense; then the text classifier of Keras' examples, Embedding -> Conv1D -> MaxPooling1D ->
// Conv1D -> GlobalMaxPooling1D -> Dense(sigmoid), and an encoder-decoder with RepeatVector,
// Reshape and Permute. Checked against formulas: evaluate is the mean error of predict, SGD moves
// each weight by -lr * its gradient, and training beats the untrained model.
import {
  ready, tensor, Sequential, Input, Model, TimeDistributed, Conv1D, MaxPooling1D, AveragePooling1D, Flatten, LSTM, GRU, Dense, Embedding,
  GlobalMaxPooling1D, GlobalAveragePooling1D, RepeatVector, Reshape, Permute, Activation, optimizers,
} from 'wasm-rnn';
import { assert } from './check.mjs';

await ready();
const mean = (values) => values.reduce((s, v) => s + v, 0) / values.length;

// 1. "split a univariate sequence into samples", then reshape to (samples, subsequences, steps, features).
const series = Array.from({ length: 90 }, (_, i) => Math.sin(i * 0.3) * 0.8 + 0.1 * Math.cos(i * 0.7));
const [nSeq, nSteps] = [2, 2];
const X = [];
const Y = [];
for (let i = 0; i + nSeq * nSteps < series.length; i++) {
  const window = series.slice(i, i + nSeq * nSteps);
  X.push([window.slice(0, nSteps).map((v) => [v]), window.slice(nSteps).map((v) => [v])]);
  Y.push([series[i + nSeq * nSteps]]);
}
const x = tensor(X);
const y = tensor(Y);
assert.deepEqual(x.shape, [86, 2, 2, 1]);

const model = new Sequential();
model.add(new TimeDistributed(new Conv1D({ filters: 16, kernelSize: 1, activation: 'relu', seed: 1 }), { inputShape: [null, nSteps, 1] }));
model.add(new TimeDistributed(new MaxPooling1D({ poolSize: 2 })));
model.add(new TimeDistributed(new Flatten()));
model.add(new LSTM(20, { activation: 'relu', seed: 2 }));
model.add(new Dense(1, { seed: 3 }));
model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae'] });
const [before] = await model.evaluate(x, y, { verbose: 0 });
const history = await model.fit(x, y, { epochs: 25, batchSize: 16, verbose: 0, seed: 4 });
assert.equal(history.history.loss.length, 25);
const [loss, mae] = await model.evaluate(x, y, { verbose: 0 });
assert.ok(loss < before * 0.2, `trained mse ${loss} should be well under the untrained ${before}`);
const errors = Array.from(model.predict(x).data, (p, i) => p - y.data[i]);
assert.ok(Math.abs(loss - mean(errors.map((e) => e * e))) <= 1e-6 + 1e-4 * loss, 'evaluate loss is the mse of predict');
assert.ok(Math.abs(mae - mean(errors.map(Math.abs))) <= 1e-6 + 1e-4 * mae, 'evaluate mae is the mae of predict');
// The tutorial's forecast: one new sample of two subsequences.
assert.deepEqual(model.predict(tensor([[[[0.1], [0.2]], [[0.3], [0.4]]]])).shape, [1, 1]);

// 2. Keras' "text classification with a 1D convnet": ids -> Embedding -> Conv1D stack -> GlobalMaxPooling1D.
const vocabulary = 20;
const texts = Array.from({ length: 48 }, (_, n) => Array.from({ length: 12 }, (_unused, t) => 1 + ((n * 7 + t * (n % 2 ? 3 : 5)) % (vocabulary - 1))));
const labels = texts.map((_, n) => [n % 2]);
const classifier = new Sequential([
  Input({ shape: [12], dtype: 'int32' }),
  new Embedding(vocabulary, 8, { seed: 5 }),
  new Conv1D(8, 3, { activation: 'relu', seed: 6 }),
  new MaxPooling1D(2),
  new Conv1D(8, 3, { activation: 'relu', padding: 'same', seed: 7 }),
  new GlobalMaxPooling1D(),
  new Dense(1, { activation: 'sigmoid', seed: 8 }),
]);
classifier.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
const ids = tensor(texts);
const targets = tensor(labels);
await classifier.fit(ids, targets, { epochs: 20, batchSize: 8, verbose: 0, seed: 9, validationSplit: 0.25 });
const [bce, accuracy] = await classifier.evaluate(ids, targets, { verbose: 0 });
const p = Array.from(classifier.predict(ids).data);
const clip = (v) => Math.min(Math.max(v, 1e-7), 1 - 1e-7);
const expectedBce = mean(p.map((v, i) => -(labels[i][0] * Math.log(clip(v)) + (1 - labels[i][0]) * Math.log(1 - clip(v)))));
assert.ok(Math.abs(bce - expectedBce) <= 1e-5 + 1e-4 * expectedBce, `evaluate loss ${bce} is the mean binary cross-entropy of predict ${expectedBce}`);
assert.equal(accuracy, mean(p.map((v, i) => ((v > 0.5 ? 1 : 0) === labels[i][0] ? 1 : 0))));
assert.ok(accuracy >= 0.9, `the convnet separates the two kinds of text (accuracy ${accuracy})`);

// 3. SGD is w <- w - lr * grad, through an encoder-decoder with the shape layers in the middle.
const input = Input({ shape: [8, 3] });
let h = new Conv1D({ filters: 4, kernelSize: 3, padding: 'causal', dilationRate: 2, groups: 1, seed: 10 }).apply(input);
h = new AveragePooling1D({ poolSize: 2 }).apply(h);
h = new Permute([2, 1]).apply(h);
h = new Reshape([16]).apply(h);
h = new RepeatVector(3).apply(h);
h = new GRU(5, { returnSequences: true, seed: 11 }).apply(h);
h = new Activation('tanh').apply(h);
h = new GlobalAveragePooling1D().apply(h);
const encoderDecoder = new Model({ inputs: input, outputs: new Dense(2, { activation: 'softmax', seed: 12 }).apply(h) });
const lr = 0.1;
encoderDecoder.compile({ optimizer: optimizers.sgd({ learningRate: lr }), loss: 'categorical_crossentropy' });
const xb = tensor(Array.from({ length: 4 }, (_, n) => Array.from({ length: 8 }, (_unused, t) => [Math.sin(n + t), Math.cos(n * t), (n - t) / 8])));
const yb = tensor([[1, 0], [0, 1], [1, 0], [0, 1]]);
const w0 = encoderDecoder.getWeights();
const grads = encoderDecoder.computeGradients(xb, yb);
assert.equal(grads.length, w0.length);
assert.ok(grads.every((g) => g.data.some((v) => v !== 0)), 'every weight, the convolution\'s too, gets a gradient through the shape layers');
await encoderDecoder.trainOnBatch(xb, yb);
encoderDecoder.getWeights().forEach((w, k) => w.data.forEach((v, i) => {
  const want = Math.fround(w0[k].data[i] - Math.fround(lr * grads[k].data[i]));
  assert.ok(Math.abs(v - want) <= 1e-6, `weight ${k}[${i}]: ${v} vs w - lr * grad ${want}`);
}));
