// Keras' RNN(cell): what apply() and cell.call() return follows the cell and the options, without casts.
import { GRUCell, Input, LSTMCell, RNN, SimpleRNNCell, ready, tensor, type Tensor, type SymbolicTensor } from 'wasm-rnn';

await ready();
const x = tensor(new Float32Array(2 * 4 * 5), [2, 4, 5]);

// Keras: RNN(LSTMCell(3), return_sequences=True, return_state=True) gives [output, h, c].
export const [seq, h, c] = new RNN(new LSTMCell(3), { returnSequences: true, returnState: true }).apply(x);
export const last: Tensor = new RNN(new GRUCell(2)).apply(x);
export const [gOut, gH] = new RNN({ cell: new GRUCell(2), returnState: true }).apply(x);
// @ts-expect-error a GRUCell has one state: no third element
export const [, , gThird] = new RNN(new GRUCell(2), { returnState: true }).apply(x);
// @ts-expect-error with returnState the result is a tuple, not a Tensor
new RNN(new LSTMCell(3), { returnState: true }).apply(x).shape;

// A cell alone: Keras' cell(inputs, states) -> (output, new_states).
const cell = new LSTMCell(3);
export const [stepOut, [stepH, stepC]] = cell.call(tensor(new Float32Array(2 * 5), [2, 5]), [tensor(new Float32Array(6), [2, 3]), tensor(new Float32Array(6), [2, 3])]);
export const [sOut, [sH]] = new SimpleRNNCell(4).call(tensor(new Float32Array(5), [1, 5]), [tensor(new Float32Array(4), [1, 4])]);

// Functional: the symbolic states feed another RNN.
const inp = Input({ shape: [4, 5] });
const [encoded, eh, ec]: [SymbolicTensor, SymbolicTensor, SymbolicTensor] = new RNN(new LSTMCell(3), { returnState: true }).apply(inp);
export const decoded: SymbolicTensor = new RNN(new LSTMCell(3)).apply(inp, { initialState: [eh, ec] });
void encoded;
