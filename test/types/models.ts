// Models: predict() is a Tensor for one output and a tuple for outputs written as a list.
import { Dense, Dropout, Input, LSTM, Model, Sequential, SimpleRNN, tensor, type SymbolicTensor, type Tensor } from 'wasm-rnn';
import { loadModel } from 'wasm-rnn/keras';

const x = tensor(new Float32Array(10), [2, 5, 1]);

// The third line.
new Sequential().predict(x).data;
const sequential = new Sequential([new SimpleRNN(4, { inputShape: [5, 1] }), new Dense(1, { activation: 'sigmoid' })]);
const probability: Tensor = sequential.predict(x, { batchSize: 1 });
const alsoSequential = new Sequential({ layers: [new LSTM(3), new Dropout(0.5)] });
alsoSequential.add(new Dense(1));

// Functional models.
const inp = Input({ shape: [5, 1] });
const [o, h, c] = new LSTM({ units: 3, returnState: true }).apply(inp);
const threeOutputs = new Model({ inputs: inp, outputs: [o, h, c] });
const [out, hT, cT] = threeOutputs.predict(x);
const outShape: readonly number[] = out.shape;
const oneOutput: Tensor = new Model({ inputs: inp, outputs: o }).predict(x);
const oneInList: Tensor = new Model({ inputs: [inp], outputs: [o] }).predict([x]);
// @ts-expect-error three outputs, not four
const [, , , fourth] = threeOutputs.predict(x);
const listed: SymbolicTensor[] = [o, h];
const unknownCount = new Model({ inputs: inp, outputs: listed }).predict(x);
// @ts-expect-error the number of outputs is not known at compile time
unknownCount.shape;
const all: Tensor[] = threeOutputs.predictAll(x);
const anyModel: Model = threeOutputs;

// Loaded models: one output or several, known only at run time.
async function loaded(): Promise<number> {
  const model = await loadModel('model.keras');
  const y = model.predict(x);
  return Array.isArray(y) ? y.length : y.size;
}

export { probability, hT, cT, outShape, oneOutput, oneInList, fourth, all, anyModel, loaded };
