// The call forms of Keras code, written as in Python: units first, activation second,
// Embedding(vocab, dim), Input((T, D)), Model(inputs, outputs), InputLayer(input_shape=...),
// model.get_layer, model.pop; each equals its options form.
import { ready, tensor, LSTM, GRU, Dense, Dropout, Embedding, Input, InputLayer, Model, Sequential, ConfigError } from 'wasm-rnn';
import { assert, same, throwsLike } from './check.mjs';

await ready();
const x = tensor([[[1, 0, 2], [0, 1, 1]], [[2, 2, 0], [1, 0, 0]]]);
same(new LSTM(3, { seed: 5 }).apply(x), new LSTM({ units: 3, seed: 5 }).apply(x), 'LSTM(3)');
const [out, h] = new GRU(3, { returnState: true, seed: 6 }).apply(x);
same(out, h, 'GRU returnState: the output is the last state');
same(new Dense(2, 'tanh', { seed: 7 }).apply(x), new Dense({ units: 2, activation: 'tanh', seed: 7 }).apply(x), "Dense(2, 'tanh')");
same(new Embedding(9, 2, { seed: 8 }).apply([[1, 8]]), new Embedding({ inputDim: 9, outputDim: 2, seed: 8 }).apply([[1, 8]]), 'Embedding(9, 2)');
same(new Dropout(0.5).apply(x), x, 'Dropout is the identity at inference');
const inp = Input([2, 3]);
const encoder = new LSTM(4, { seed: 9, name: 'encoder' });
const model = new Model(inp, new Dense(1, { seed: 10 }).apply(encoder.apply(inp)));
assert.equal(model.getLayer('encoder'), encoder);
const seqModel = new Sequential([new InputLayer({ inputShape: [2, 3] }), new LSTM(4, { seed: 9 }), new Dense(1, { seed: 10 })]);
same(seqModel.predict(x), model.predict(x), 'Sequential with InputLayer(inputShape) = functional');
assert.equal(seqModel.pop().className, 'Dense');
assert.deepEqual(seqModel.predict(x).shape, [2, 4]);
throwsLike(() => model.getLayer('decoder'), ConfigError, ["no layer named 'decoder'", 'encoder']);
throwsLike(() => new LSTM(3, { units: 4 }), ConfigError, ["'units' is given twice"]);
