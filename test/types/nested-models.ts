// Models as layers: a Sequential in a Sequential, and a model called on symbolic tensors gives
// symbolic tensors shaped like its predict() result, without casts.
import { Dense, Input, LSTM, Model, Sequential, TimeDistributed, tensor, type SymbolicTensor } from 'wasm-rnn';

const x = tensor(new Float32Array(2 * 5 * 3), [2, 5, 3]);
const encoder = new Sequential([new LSTM(4, { inputShape: [5, 3] }), new Dense(2)]);
const outer = new Sequential([encoder, new Dense(1)]);
const shape: readonly number[] = outer.predict(x).shape;

const left = Input({ shape: [5, 3] });
const encoded: SymbolicTensor = encoder.apply(left);
const inp = Input({ shape: [5, 3] });
const [seq, h] = new Model({ inputs: inp, outputs: [new LSTM(2, { returnSequences: true }).apply(inp), new Dense(1).apply(inp)] }).apply(left);
const pair: [SymbolicTensor, SymbolicTensor] = [seq, h];
const perStep = new TimeDistributed(new Sequential([new Dense(3, { inputShape: [3] })])).apply(left);
const two = new Model({ inputs: left, outputs: [encoded, perStep] });

export { shape, pair, two };
