// What a Keras user gets wrong, refused at compile time (each is a ConfigError at run time too).
import { CuDNNLSTM, ConvLSTM1D, ConvLSTM2D, SimpleRNN, Dense, GRU, Input, LSTM, Model, Sequential, Bidirectional, Dropout, Embedding, tensor, EarlyStopping, type Tensor, type Layer } from 'wasm-rnn';

const x = tensor(new Float32Array(2 * 5 * 4), [2, 5, 4]);
// @ts-expect-error Keras' snake_case keyword: returnSequences here
new LSTM(3, { return_sequences: true });
// @ts-expect-error misspelt option
new LSTM({ units: 3, returnSequence: true });
// @ts-expect-error misspelt option beside a positional units
new LSTM(3, { returnSequences: true, dropuot: 0.1 });
// @ts-expect-error misspelt option
new SimpleRNN({ units: 3, activaton: 'relu' });
// @ts-expect-error misspelt option
new CuDNNLSTM({ units: 3, returnStates: true });
// @ts-expect-error misspelt option
new ConvLSTM2D({ filters: 2, kernelSize: 3, returnSequence: true });
// @ts-expect-error misspelt option after filters and kernelSize
new ConvLSTM1D(2, 3, { paddng: 'same' });
// @ts-expect-error filters given twice
new ConvLSTM2D(2, 3, { filters: 2 });
// @ts-expect-error 'unit' for 'units'
new GRU({ unit: 3 });
// @ts-expect-error misspelt option
new Dense(3, { activaton: 'relu' });
// @ts-expect-error not a Keras activation
new Dense(3, { activation: 'rectified' });
// @ts-expect-error Dropout's rate is a number
new Dropout('0.5');
// @ts-expect-error Keras' input_dim
new Embedding({ input_dim: 10, outputDim: 4 });
// @ts-expect-error mergeMode is one of Keras' modes
new Bidirectional(new LSTM(3), { mergeMode: 'add' });
// @ts-expect-error snake_case in apply's options
new LSTM(3).apply(x, { initial_state: [] });
// @ts-expect-error snake_case in predict's options
new Sequential().predict(x, { batch_size: 1 });
const model = new Sequential([new LSTM(3, { inputShape: [5, 4] }), new Dense(1)]);
// @ts-expect-error a misspelt optimizer
model.compile({ optimizer: 'adma', loss: 'mse' });
async function fitMistakes(): Promise<void> {
  // @ts-expect-error snake_case in fit's options
  await model.fit(x, x, { batch_size: 2 });
  // @ts-expect-error Keras' epochs is a number
  await model.fit(x, x, { epochs: '3' });
  // @ts-expect-error EarlyStopping takes restoreBestWeights
  new EarlyStopping({ restore_best_weights: true });
}
// @ts-expect-error shape is an array
Input({ shape: 5 });
// @ts-expect-error Model takes inputs and outputs
new Model({ input: Input([3]), outputs: new Dense(1).apply(Input([3])) });
// The base Layer from getLayer can be called as Keras calls model.get_layer('dense')(x).
const layer: Layer = model.getLayer('dense');
// A tensor's shape is read-only.
const t: Tensor = tensor([1, 2, 3]);
// @ts-expect-error shape is readonly
t.shape[0] = 4;
export { fitMistakes, layer };
