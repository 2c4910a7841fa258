// The mistakes of a first hour, each a WasmRnnError subclass naming the argument, what was
// expected and what was received, with the camelCase spelling for Keras' snake_case; the next
// valid call works and WebAssembly memory does not grow.
import {
  ready, tensor, memoryBytes, LSTM, Dense, Embedding, Sequential, Input, ConfigError, ShapeError, InputError, RuntimeError, DisposedError, WasmRnnError,
} from 'wasm-rnn';
import { assert, throwsLike, rejectsLike } from './check.mjs';

await ready();
const x = tensor([[[1, 2, 3], [4, 5, 6]]]);
const model = new Sequential([new LSTM(4, { inputShape: [2, 3] }), new Dense(1)]);
model.compile({ optimizer: 'adam', loss: 'mse' });
model.predict(x);
const before = memoryBytes();

throwsLike(() => new LSTM({ units: 3, return_sequences: true }), ConfigError, ["unknown option 'return_sequences'", "did you mean 'returnSequences'?"]);
throwsLike(() => new LSTM({ units: 3, input_shape: [2, 3] }), ConfigError, ["did you mean 'inputShape'?"]);
throwsLike(() => new LSTM({ units: 3, kernel_initializer: 'zeros' }), ConfigError, ["did you mean 'kernelInitializer'?"]);
throwsLike(() => new LSTM({ units: '3' }), ConfigError, ["option 'units' must be a positive integer, received \"3\""]);
throwsLike(() => new LSTM({ units: 3, inputShape: [1, 2, 3] }), ConfigError, ['inputShape leaves out the batch axis', 'batchInputShape: [1, 2, 3]']);
throwsLike(() => new LSTM({ units: 3, kernelInitializer: 'glorot' }), ConfigError, ["unknown initializer 'glorot'", 'glorot_uniform']);
throwsLike(() => new Dense(2, { activation: 'Relu' }), ConfigError, ['unknown activation "Relu"']);
throwsLike(() => new Embedding({ input_dim: 10, output_dim: 4 }), ConfigError, ["did you mean 'inputDim'?"]);
throwsLike(() => model.predict(tensor([[1, 2, 3]])), ShapeError, ['must have shape [None, 2, 3], received [1, 3]']);
throwsLike(() => model.predict(tensor([[[1, 2], [3, 4]]])), ShapeError, ['received [1, 2, 2]']);
throwsLike(() => model.predict([[[1, 2, 3], [4, 5]]]), ShapeError, ['ragged nesting']);
throwsLike(() => model.predict([[['1', '2', '3'], [4, 5, 6]]]), InputError, ['expected a number', 'received string']);
throwsLike(() => model.predict(x, { batch_size: 1 }), ConfigError, ["did you mean 'batchSize'?"]);
throwsLike(() => model.summary({ line_length: 80 }), ConfigError, ["did you mean 'lineLength'?"]);
throwsLike(() => Input({ shape: 5 }), ConfigError, ["option 'shape' must be a list", 'such as [5]']);
throwsLike(() => new LSTM(2 ** 20).build([null, 10, 8]), RuntimeError, ['more than the 4 GiB WebAssembly memory can address']);
await rejectsLike(model.fit(x, [[1]], { batch_size: 1 }), ConfigError, ["fit: unknown option 'batch_size' (did you mean 'batchSize'?"]);
await rejectsLike(model.fit(x, [[1]], 32, 10), ConfigError, ['fit: options must be an object such as { batchSize: 32, epochs: 10 }, received 32']);
throwsLike(() => model.compile({ optimizer: 'adam', loss: 'mean_squared_eror' }), ConfigError, ["did you mean 'mean_squared_error'?"]);
await rejectsLike(model.fit(x, [[1]], { epochs: 1, verbose: 0, callbacks: [null] }), ConfigError, ["option 'callbacks' must be a list of callback objects"]);
assert.equal(memoryBytes(), before);

// NaN in, NaN out (as in Keras), and the next call is clean.
assert.ok(Number.isNaN(model.predict(tensor([[[NaN, 0, 0], [0, 0, 0]]])).data[0]));
assert.ok(Number.isFinite(model.predict(x).data[0]));

// After dispose: DisposedError (a RuntimeError), on the model and on its layers.
const layer = model.layers[0];
model.dispose();
throwsLike(() => model.predict(x), DisposedError, ['disposed']);
throwsLike(() => layer.getWeights(), DisposedError, ['disposed']);
assert.ok(new DisposedError('x') instanceof RuntimeError && new RuntimeError('x') instanceof WasmRnnError);
