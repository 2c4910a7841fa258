// The functional API chapter of a Keras book, trained: two named inputs given as a dict, two named
// outputs with a loss and metrics each (Keras 3's log names and order), a residual block
// (Conv1D -> BatchNormalization -> Add) and LayerNormalization, EarlyStopping that restores the best
// epoch's weights at the end of training even when it never stops, and getLayer on the result.
// Checked against Keras' rules: SGD's step, BatchNormalization's moving-average update, evaluate as
// the mean losses of predict.
import {
  ready, tensor, Input, Model, Dense, Conv1D, BatchNormalization, LayerNormalization, Add, Activation, GlobalAveragePooling1D,
  Concatenate, GRU, EarlyStopping, optimizers,
} from 'wasm-rnn';
import { assert } from './check.mjs';

await ready();
const N = 24;
const [T, D] = [10, 3];
const signal = tensor(Array.from({ length: N }, (_, n) => Array.from({ length: T }, (_u, t) => [Math.sin(n + t * 0.5), Math.cos(n * 0.3 + t), ((n + t) % 5) / 5])));
const meta = tensor(Array.from({ length: N }, (_, n) => [n / N, (n % 3) / 3]));
const price = tensor(Array.from({ length: N }, (_, n) => [Math.sin(n) * 0.5]));
const kind = tensor(Array.from({ length: N }, (_, n) => [n % 3]));

const signalIn = Input({ shape: [T, D], name: 'signal' });
const metaIn = Input({ shape: [2], name: 'meta' });
let h = new Conv1D(8, 3, { padding: 'same', seed: 1, name: 'conv' }).apply(signalIn);
const skip = h;
h = new BatchNormalization({ name: 'bn' }).apply(h);
h = new Activation('relu').apply(h);
h = new Conv1D(8, 3, { padding: 'same', seed: 2 }).apply(h);
h = new Add().apply([h, skip]);
h = new LayerNormalization().apply(h);
h = new GRU(6, { seed: 3 }).apply(h);
const pooled = new GlobalAveragePooling1D().apply(skip);
const joined = new Concatenate().apply([h, pooled, metaIn]);
const model = new Model({
  inputs: [signalIn, metaIn],
  outputs: [new Dense(1, { name: 'price', seed: 4 }).apply(joined), new Dense(3, { activation: 'softmax', name: 'kind', seed: 5 }).apply(joined)],
});
model.compile({
  optimizer: optimizers.adam({ learningRate: 0.01 }),
  loss: { price: 'mse', kind: 'sparse_categorical_crossentropy' },
  metrics: { price: ['mae'], kind: ['accuracy'] },
});

// fit with dicts by input and output name, validation on held-out dicts; EarlyStopping never stops
// (patience 100) yet restores the best epoch's weights when training ends, as Keras 3 does.
const perEpoch = [];
const stopper = new EarlyStopping({ monitor: 'val_loss', patience: 100, restoreBestWeights: true });
const history = await model.fit({ signal, meta }, { price, kind }, {
  epochs: 8, batchSize: 8, verbose: 0, seed: 6,
  validationData: [{ meta, signal }, { kind, price }],
  callbacks: [{ onEpochEnd: () => { perEpoch.push(model.getWeights()); } }, stopper],
});
// Keras 3's names and order (Trainer.metrics): the total, the metrics output by output, each output's loss; then val_.
const names = ['loss', 'price_mae', 'kind_accuracy', 'price_loss', 'kind_loss'];
assert.deepEqual(Object.keys(history.history), [...names, ...names.map((n) => `val_${n}`)]);
assert.equal(stopper.stoppedEpoch, 0);
const val = history.history.val_loss;
const best = val.indexOf(Math.min(...val));
model.getWeights().forEach((w, i) => assert.deepEqual(Array.from(w.data), Array.from(perEpoch[best][i].data), `weight ${i} is the best epoch's (${best})`));

// evaluate: loss = price_loss + kind_loss (weights 1), each the mean loss of predict's outputs.
const logs = await model.evaluate({ signal, meta }, { price, kind }, { verbose: 0 });
const [p, k] = model.predict({ signal, meta });
const mse = Array.from(p.data).reduce((s, v, i) => s + (v - price.data[i]) ** 2, 0) / N;
const scce = Array.from({ length: N }, (_, n) => -Math.log(Math.max(k.data[n * 3 + kind.data[n]], 1e-7))).reduce((a, b) => a + b, 0) / N;
assert.ok(Math.abs(logs.price_loss - mse) <= 1e-6 + 1e-4 * mse, `price_loss ${logs.price_loss} vs ${mse}`);
assert.ok(Math.abs(logs.kind_loss - scce) <= 1e-6 + 1e-4 * scce, `kind_loss ${logs.kind_loss} vs ${scce}`);
assert.ok(Math.abs(logs.loss - (mse + scce)) <= 1e-5 + 1e-4 * logs.loss);
assert.deepEqual([...logs].length, 5);

// BatchNormalization: one SGD step moves its moving mean by momentum 0.99 towards the batch mean
// of its input (the conv output), while gamma and beta take the optimizer's step.
const bn = model.getLayer('bn');
const conv = model.getLayer('conv');
const features = new Model({ inputs: model.inputs[0], outputs: conv.output }).predict(signal);
const C = 8;
const batchMean = Array.from({ length: C }, (_, c) => {
  let sum = 0;
  for (let i = c; i < features.size; i += C) sum += features.data[i];
  return sum / (features.size / C);
});
const [, , movingBefore] = bn.getWeights();
model.compile({ optimizer: optimizers.sgd({ learningRate: 0.05 }), loss: { price: 'mse', kind: 'sparse_categorical_crossentropy' } });
await model.trainOnBatch({ signal, meta }, { price, kind });
const [, , movingAfter] = bn.getWeights();
movingAfter.data.forEach((v, c) => {
  const want = movingBefore.data[c] * 0.99 + batchMean[c] * 0.01;
  assert.ok(Math.abs(v - want) <= 1e-5 + 1e-4 * Math.abs(want), `moving_mean[${c}]: ${v} vs ${want}`);
});

// A wrong dict names what it expected.
assert.throws(() => model.predict({ signal, metadata: meta }), /expected keys \["signal","meta"\], missing \["meta"\]/);
