// Keras forms a newcomer writes from memory, compiled without casts (issue 13).
import {
  Dense, EarlyStopping, Embedding, Input, InputLayer, LSTM, Model, Sequential, optimizers, tensor,
  ModelCheckpoint, LearningRateScheduler, CSVLogger, type History,
  type FitOptions, type Layer, type Tensor, type Verbosity, type SymbolicTensor,
} from 'wasm-rnn';

const x = tensor(new Float32Array(40), [2, 5, 4]);

// Keras' positional forms.
const inp = Input([5, 4]);
const named = Input([5, 4], { name: 'frames', batchSize: 2 });
const encoded = new LSTM(8).apply(inp);
const functional = new Model(inp, new Dense(1, 'sigmoid').apply(encoded), { name: 'classifier' });
const y = functional.predict(x);
const embedding = new Embedding(5000, 64, { maskZero: true });
const legacyInput = new InputLayer({ inputShape: [5, 4] });
// @ts-expect-error outputDim goes second, not in the options too
new Embedding(5000, 64, { outputDim: 64 });
// @ts-expect-error the activation goes second, or in the options, not both
new Dense(3, 'relu', { activation: 'tanh' });

// Sequential: add chains, get_layer, pop.
const model = new Sequential([new LSTM(8, { inputShape: [5, 4] }), new Dense(3, 'softmax')]);
const head: Layer = model.getLayer(1);
const sameHead: Layer = model.getLayer('dense');
head.trainable = false;
const removed: Layer = model.pop();
model.add(new Dense(1));
model.trainable = true;

// Training as Keras writes it.
model.compile({ optimizer: optimizers.adam(0.01), loss: 'bce', metrics: ['accuracy'] });
const options: FitOptions = { epochs: 2, batchSize: 4, verbose: 2, classWeight: { 0: 1, 1: 3 }, callbacks: new EarlyStopping({ patience: 1, verbose: 1 }) };
const verbose: Verbosity = 'auto';
async function train(): Promise<number> {
  const history = await model.fit(x, [[0], [1]], options);
  const logs = await model.evaluate(x, [[0], [1]], { verbose });
  const p: Tensor = model.predict(x, { verbose: 0 });
  return (history.history.loss?.[0] ?? 0) + (logs.loss ?? 0) + p.size;
}

// The positional Model(inputs, outputs) types predict() as the options form does (Keras' seq2seq example).
const single: Tensor = y;
const encoderInputs = Input([null, 4]);
const [, stateH, stateC] = new LSTM(8, { returnState: true }).apply(encoderInputs);
const encoderModel = new Model(encoderInputs, [stateH, stateC]);
const [h0, c0] = encoderModel.predict(x);
const hShape: number[] = [...h0.shape, ...c0.shape];
const listed: SymbolicTensor[] = [stateH, stateC];
const unknownCount: Tensor | Tensor[] = new Model(encoderInputs, listed).predict(x);
const asPlainModel: Model = encoderModel;

// numpy-like stacking of typed arrays.
const frames = tensor([[new Float32Array(4), new Float32Array(4)]]);

// get_layer(index=...), Keras' keyword callbacks, model.history, Sequential / Model.from_config.
const byIndex: Layer = model.getLayer(undefined, 0);
const byKeyword: Layer = model.getLayer({ index: -1 });
const byName: Layer = model.getLayer({ name: 'dense' });
// @ts-expect-error a name or an index, not an index twice
model.getLayer(0, 1);
const keywordCallbacks = [
  new ModelCheckpoint({ filepath: 'best.keras', saveBestOnly: true }),
  new ModelCheckpoint('ckpt-{epoch:02d}.weights.h5', { saveWeightsOnly: true }),
  new LearningRateScheduler({ schedule: (epoch: number, lr: number) => lr * 0.9, verbose: 1 }),
  new CSVLogger({ filename: 'log.csv', append: true }),
];
const lastHistory: History | null = model.history;
const copiedSequential: Sequential = Sequential.fromConfig(model.getConfig());
const copiedModel: Model = Model.fromConfig(encoderModel.getConfig());

// compile(optimizer, loss, options), numpy's ndim.
model.compile('adam', 'mse', { metrics: ['mae'] });
model.compile(optimizers.sgd(0.1), 'binary_crossentropy');
// @ts-expect-error the loss goes second, not in the options too
model.compile('adam', 'mse', { loss: 'mae' });
const rank: number = x.ndim;

// Keras' training=False on every call, data or symbolic; training=True does not type-check.
const inference: Tensor = model.apply(x, { training: false });
const lstmInference: Tensor = new LSTM(2).apply(x, { training: false });
const denseInference: SymbolicTensor = new Dense(2).apply(Input({ shape: [3] }), { training: null });
// @ts-expect-error apply() computes inference; fit() runs the training pass
new Dense(2).apply(x, { training: true });

export { rank, inference, lstmInference, denseInference };
export { byIndex, byKeyword, byName, keywordCallbacks, lastHistory, copiedSequential, copiedModel };
export { y, named, embedding, legacyInput, sameHead, removed, train, frames, single, hShape, unknownCount, asPlainModel };
