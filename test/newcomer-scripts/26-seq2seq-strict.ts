// The functional API with initial_state, as Keras' seq2seq example writes it, under strict +
// noUncheckedIndexedAccess + exactOptionalPropertyTypes and without a cast: positional
// Model(inputs, outputs), fit on a list of inputs against Keras' own run
// (../shared/training/functional_lstm_initial_state_mse.json), then an encoder / decoder pair
// reusing the trained layers for step-by-step inference, which must give the teacher-forced outputs.
import { ready, tensor, Input, LSTM, Dense, Model, optimizers, type Tensor } from 'wasm-rnn';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

interface Plain { shape: number[]; data: number[]; name?: string }
interface Tolerance { abs: number; rel: number }
interface Case {
  weights: Plain[]; x: Plain[]; y: Plain;
  fit: { batch_size: number; epochs: number };
  expected: { history: { loss: number[] }; final_weights: Plain[]; predictions: Plain; evaluate: { loss: number } };
  tolerance: { history: Tolerance; weights: Tolerance; predictions: Tolerance };
}
const keras = JSON.parse(readFileSync('../shared/training/functional_lstm_initial_state_mse.json', 'utf8')) as Case;
const near = (actual: number | undefined, expected: number, { abs, rel }: Tolerance, label: string) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= abs + rel * Math.abs(expected), `${label}: ${actual} vs Keras ${expected}`);
const nearAll = (actual: Tensor, expected: Plain, tolerance: Tolerance, label: string) => {
  assert.deepEqual(actual.shape, expected.shape, label);
  expected.data.forEach((v, i) => near(actual.data[i], v, tolerance, `${label}[${i}]`));
};

await ready();
const sequence = Input({ shape: [6, 3] });
const h0 = Input({ shape: [5] });
const c0 = Input({ shape: [5] });
const lstm = new LSTM(5);
const model = new Model([sequence, h0, c0], new Dense(1).apply(lstm.apply(sequence, { initialState: [h0, c0] })));
assert.equal(model.countParams(), 4 * 5 * (3 + 5 + 1) + 5 + 1);
model.setWeights(keras.weights.map((w) => tensor(w.data, w.shape)));
model.compile({ optimizer: optimizers.sgd(0.1), loss: 'mse' });
const inputs = keras.x.map((x) => tensor(x.data, x.shape));
const y = tensor(keras.y.data, keras.y.shape);
const history = await model.fit(inputs, y, { batchSize: keras.fit.batch_size, epochs: keras.fit.epochs, shuffle: false, verbose: 0 });
keras.expected.history.loss.forEach((v, i) => near(history.history.loss?.[i], v, keras.tolerance.history, `loss[${i}]`));
keras.expected.final_weights.forEach((w, i) => {
  const weight = model.getWeights()[i];
  assert.ok(weight);
  nearAll(weight, w, keras.tolerance.weights, w.name ?? `weight ${i}`);
});
const predictions: Tensor = model.predict(inputs);
nearAll(predictions, keras.expected.predictions, keras.tolerance.predictions, 'predictions');
const [loss] = await model.evaluate(inputs, y);
near(loss, keras.expected.evaluate.loss, keras.tolerance.history, 'evaluate');

// Keras' lstm_seq2seq: train with teacher forcing, then infer step by step with the same layers.
const tokens = 3;
const latent = 4;
const encoderInputs = Input({ shape: [null, tokens] });
const [, stateH, stateC] = new LSTM(latent, { returnState: true, seed: 1 }).apply(encoderInputs);
const decoderInputs = Input({ shape: [null, tokens] });
const decoderLstm = new LSTM(latent, { returnSequences: true, returnState: true, seed: 2 });
const [decoded] = decoderLstm.apply(decoderInputs, { initialState: [stateH, stateC] });
const decoderDense = new Dense(tokens, { activation: 'softmax', seed: 3 });
const training = new Model([encoderInputs, decoderInputs], decoderDense.apply(decoded));
training.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
const oneHot = (ids: number[]) => ids.map((id) => Array.from({ length: tokens }, (_, k) => (k === id ? 1 : 0)));
const sources = [[1, 2, 2], [2, 1, 1], [1, 1, 2], [2, 2, 1]];
const encoderData = tensor(sources.map(oneHot));
const decoderData = tensor(sources.map((s) => oneHot([0, ...s.slice(0, 2)])));
const targetData = tensor(sources.map(oneHot));
const fitted = await training.fit([encoderData, decoderData], targetData, { batchSize: 2, epochs: 2, verbose: 0 });
assert.deepEqual(Object.keys(fitted.history), ['loss', 'accuracy']);

const encoderModel = new Model(encoderInputs, [stateH, stateC]);
const hIn = Input({ shape: [latent] });
const cIn = Input({ shape: [latent] });
const [stepSequence, stepH, stepC] = decoderLstm.apply(decoderInputs, { initialState: [hIn, cIn] });
const decoderModel = new Model([decoderInputs, hIn, cIn], [decoderDense.apply(stepSequence), stepH, stepC]);
const teacherForced: Tensor = training.predict([encoderData, decoderData]);
const first = sources[0];
assert.ok(first);
let [h, c] = encoderModel.predict(tensor([oneHot(first)]));
const steps: number[] = [];
for (const frame of oneHot([0, ...first.slice(0, 2)])) {
  const [probabilities, nextH, nextC] = decoderModel.predict([tensor([[frame]]), h, c]);
  assert.deepEqual(probabilities.shape, [1, 1, tokens]);
  steps.push(...probabilities.data);
  [h, c] = [nextH, nextC];
}
steps.forEach((v, i) => assert.ok(Math.abs(v - (teacherForced.data[i] ?? NaN)) < 1e-6, `step output ${i}`));
