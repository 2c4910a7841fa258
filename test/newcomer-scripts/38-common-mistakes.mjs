// The first-hour slips of a Keras user, each answered with the exported error class and a message
// that names the fix: a wrong input rank or width, fit before compile, Keras' snake_case keywords
// (the camelCase name suggested), a misspelt loss, one-hot labels with the sparse loss and back.
// And the Keras spellings that simply work: compile('sgd', 'mse', { metrics }) positionally,
// x.ndim, and tensors printed as numpy prints them (np.array2string(x, separator=', ')).
import {
  ready, tensor, Sequential, LSTM, Dense, EarlyStopping, ModelCheckpoint, ConfigError, ShapeError,
} from 'wasm-rnn';
import { assert, rejectsLike, throwsLike } from './check.mjs';

await ready();
const lstm = new LSTM(3, { seed: 1 });
throwsLike(() => lstm.apply(tensor([[1, 2]])), ShapeError, ['must have rank 3 (batch, timesteps, features)', 'received shape [1, 2]']);
const model = new Sequential([new Dense(2, { inputShape: [3], activation: 'softmax', seed: 2 })]);
throwsLike(() => model.predict(tensor([[1, 2]])), ShapeError, ['must have shape [None, 3], received [1, 2]']);
throwsLike(() => model.predict(tensor([1, 2, 3])), ShapeError, ['must have shape [None, 3], received [3]']);
await rejectsLike(Promise.resolve().then(() => model.fit(tensor([[1, 2, 3]]), tensor([1]))), ConfigError, ['fit needs compile({ optimizer, loss }) first']);

// Keras' keywords, as a notebook spells them.
throwsLike(() => new LSTM(3, { return_sequences: true }), ConfigError, ["unknown option 'return_sequences' (did you mean 'returnSequences'? options are camelCase)"]);
throwsLike(() => model.predict(tensor([[1, 2, 3]]), { batch_size: 1 }), ConfigError, ["did you mean 'batchSize'?"]);
throwsLike(() => new EarlyStopping({ restore_best_weights: true }), ConfigError, ["did you mean 'restoreBestWeights'?"]);
throwsLike(() => new ModelCheckpoint('best.keras', { save_best_only: true }), ConfigError, ["did you mean 'saveBestOnly'?"]);
throwsLike(() => model.compile({ optimizer: 'adam', loss: 'mse', loss_weights: [1] }), ConfigError, ["did you mean 'lossWeights'?"]);
throwsLike(() => model.compile({ optimizer: 'adam', loss: 'categorical_cross_entropy' }), ConfigError, ["unknown loss \"categorical_cross_entropy\" (did you mean 'categorical_crossentropy'?)"]);
model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
await rejectsLike(Promise.resolve().then(() => model.fit(tensor([[1, 2, 3]]), tensor([[0, 1]]), { validation_split: 0.5 })), ConfigError, ["did you mean 'validationSplit'?"]);
await rejectsLike(Promise.resolve().then(() => model.evaluate(tensor([[1, 2, 3]]), tensor([1]), { return_dict: true })), ConfigError, ["did you mean 'returnDict'?"]);
model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
await rejectsLike(Promise.resolve().then(() => model.fit(tensor([[1, 2, 3], [3, 2, 1]]), tensor([0, 1]), { verbose: 0 })), ShapeError, ['class indices (not one-hot) go with sparse_categorical_crossentropy']);

// compile(optimizer, loss, options), Keras' positional form: a linear model's mse and mae by hand.
const linear = new Sequential([new Dense(1, { inputShape: [2] })]);
linear.layers[0].setWeights([tensor([[2], [-1]]), tensor([0.5])]);
linear.compile('sgd', 'mse', { metrics: ['mae'] });
const rows = [[1, 1], [0, 2], [3, 0]];
const targets = [1, -1, 5];
const errors = rows.map(([a, b], i) => 2 * a - b + 0.5 - targets[i]);
const { loss, mae } = await linear.evaluate(tensor(rows), tensor(targets.map((t) => [t])));
assert.ok(Math.abs(loss - errors.reduce((s, e) => s + e * e, 0) / 3) < 1e-6, `mse ${loss}`);
assert.ok(Math.abs(mae - errors.reduce((s, e) => s + Math.abs(e), 0) / 3) < 1e-6, `mae ${mae}`);
assert.equal(linear.optimizer.learningRate, Math.fround(0.01));
throwsLike(() => linear.compile('adam', 'mse', { loss: 'mae' }), ConfigError, ["'loss' is given twice"]);

// numpy's x.ndim and its printing.
const x = tensor([[1, 2.5], [-3, 0.125]]);
assert.equal(x.ndim, 2);
assert.equal(String(x), 'Tensor([[ 1.   ,  2.5  ],\n        [-3.   ,  0.125]], shape=(2, 2))');
assert.equal(String(tensor([0.1, 0.2, 0.3])), 'Tensor([0.1, 0.2, 0.3], shape=(3,))');
