// A char-RNN as Keras notebooks write it: train on windows of a text (Embedding -> LSTM ->
// Dense softmax, sparse categorical cross-entropy), then copy the weights into a stateful twin
// with batch_input_shape (1, 1) that generates one character at a time, with reset_states()
// between seeds. The stateful steps must give what the trained model gives on the whole prefix.
import { ready, tensor, Sequential, Embedding, LSTM, Dense, ShapeError } from 'wasm-rnn';
import { assert, rejectsLike, throwsLike } from './check.mjs';

await ready();
const text = 'the cat sat on the mat. the rat sat on the hat. ';
const chars = [...new Set(text)].sort();
const index = new Map(chars.map((c, i) => [c, i]));
const ids = (s) => [...s].map((c) => index.get(c));
const V = chars.length;
const T = 10;
const xs = [];
const ys = [];
for (let i = 0; i + T < text.length; i++) {
  xs.push(ids(text.slice(i, i + T)));
  ys.push(index.get(text[i + T]));
}
const layers = (stateful) => [
  stateful ? new Embedding(V, 6, { batchInputShape: [1, 1] }) : new Embedding(V, 6, { inputShape: [T], seed: 1 }),
  new LSTM(24, { stateful, seed: 2 }),
  new Dense(V, { activation: 'softmax', seed: 3 }),
];
const model = new Sequential(layers(false));
model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
const history = await model.fit(tensor(xs), tensor(ys), { epochs: 3, batchSize: 8, seed: 1, verbose: 0 });
assert.ok(history.history.loss[2] < history.history.loss[0], `loss ${history.history.loss}`);
// A first-epoch loss near ln(V): the untrained softmax is close to uniform.
assert.ok(Math.abs(history.history.loss[0] - Math.log(V)) < 0.3, `first loss ${history.history.loss[0]} vs ln ${V}`);

const generator = new Sequential(layers(true));
generator.setWeights(model.getWeights());
assert.equal(generator.countParams(), model.countParams());
assert.equal(generator.layers[1].stateful, true);

const seed = 'the rat sa';
const stepwise = () => {
  let last;
  for (const id of ids(seed)) last = generator.predict(tensor([[id]]));
  return Array.from(last.data);
};
const whole = Array.from(model.predict(tensor([ids(seed)])).data);
generator.resetStates();
const first = stepwise();
first.forEach((p, i) => assert.ok(Math.abs(p - whole[i]) < 1e-5, `step-by-step ${i}: ${p} vs ${whole[i]}`));
// Without a reset the state carries on, and the same ten steps give something else.
const carried = stepwise();
assert.ok(carried.some((p, i) => Math.abs(p - whole[i]) > 1e-6));
generator.layers[1].resetStates();
stepwise().forEach((p, i) => assert.equal(p, first[i]));
assert.ok(Math.abs(first.reduce((a, b) => a + b, 0) - 1) < 1e-5);

// Greedy generation is deterministic after a reset.
const generate = (n) => {
  generator.resetStates();
  let out = '';
  let probabilities = stepwise();
  for (let i = 0; i < n; i++) {
    const next = chars[probabilities.indexOf(Math.max(...probabilities))];
    out += next;
    probabilities = Array.from(generator.predict(tensor([[index.get(next)]])).data);
  }
  return out;
};
const once = generate(8);
assert.equal(once.length, 8);
assert.equal(generate(8), once);
// A stateful model keeps batch size 1 (its batch_input_shape), as Keras does.
throwsLike(() => generator.predict(tensor([[1], [2]])), ShapeError, ['must have shape [1, 1], received [2, 1]']);
// The stateful twin trains too, as in Keras: one character per batch, the state carried from
// batch to batch; a batch of another size is refused before any step.
generator.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
generator.resetStates();
const steps = ids(seed);
const tuned = await generator.fit(tensor(steps.slice(0, -1).map((id) => [id])), tensor(steps.slice(1)), { batchSize: 1, shuffle: false, verbose: 0 });
assert.ok(Number.isFinite(tuned.history.loss[0]), `stateful fit loss ${tuned.history.loss}`);
await rejectsLike(generator.fit(tensor([[1], [2]]), tensor([2, 3]), { batchSize: 2, verbose: 0 }), ShapeError, ['the stateful layer', 'was built for batch size 1', "option 'batchSize' is 2; pass batchSize: 1"]);
