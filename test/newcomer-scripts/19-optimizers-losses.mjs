// compile() as Keras spells it: optimizers by name, by object, by Keras config or learning rate;
// losses by name, alias or class; one SGD step equals w - lr·g (computeGradients).
import { ready, tensor, Sequential, Dense, optimizers, ConfigError } from 'wasm-rnn';
import { assert, throwsLike } from './check.mjs';

await ready();
const x = tensor([[1, 2], [3, 4], [5, 6]]);
const y = tensor([[1], [0], [1]]);
const model = () => new Sequential([new Dense(1, { inputShape: [2], seed: 3 })]);
for (const optimizer of ['sgd', 'SGD', optimizers.sgd(0.01), { class_name: 'SGD', config: { learning_rate: 0.01 } }]) {
  const m = model();
  m.compile({ optimizer, loss: 'MeanSquaredError' });
  const w = m.getWeights().map((t) => Array.from(t.data));
  const g = m.computeGradients(x, y).map((t) => Array.from(t.data));
  m.trainOnBatch(x, y);
  const after = m.getWeights().map((t) => Array.from(t.data));
  after.forEach((values, i) => values.forEach((v, j) => assert.ok(Math.abs(v - (w[i][j] - 0.01 * g[i][j])) < 1e-6, `${v} vs ${w[i][j] - 0.01 * g[i][j]}`)));
}
const losses = ['mse', 'mean_squared_error', 'MSE', 'meanSquaredError'].map((loss) => { const m = model(); m.compile({ optimizer: 'adam', loss }); return m.trainOnBatch(x, y).loss; });
assert.ok(losses.every((l) => l === losses[0]), String(losses));
// mse by hand on the initial weights.
const m = model();
const [[w1, w2], [b]] = m.getWeights().map((t) => Array.from(t.data));
const expected = [[1, 2, 1], [3, 4, 0], [5, 6, 1]].reduce((s, [a, c, t]) => s + (a * w1 + c * w2 + b - t) ** 2, 0) / 3;
m.compile({ optimizer: 'sgd', loss: 'mse' });
assert.ok(Math.abs(m.trainOnBatch(x, y).loss - expected) < 1e-5 * Math.max(1, expected));
throwsLike(() => m.compile({ optimizer: 'lamb', loss: 'mse' }), ConfigError, ['optimizer must be one of sgd, adam, adamw, rmsprop, adagrad, nadam, adamax, adadelta, lion, ftrl, received "lamb"']);
throwsLike(() => optimizers.adam({ learning_rate: 0.1 }), ConfigError, ["did you mean 'learningRate'?"]);
