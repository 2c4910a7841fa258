// README snippet, verbatim (test/readme-snippets.test.ts checks that the README still has it): it must compile without casts.
import { ready, tensor, RNN, LSTMCell, GRUCell } from 'wasm-rnn';

await ready();
const x = tensor(new Float32Array(2 * 10 * 8), [2, 10, 8]); // (batch, timesteps, features)
// Keras: RNN(LSTMCell(64), return_sequences=True, return_state=True)
const [seq, h, c] = new RNN(new LSTMCell(64), { returnSequences: true, returnState: true }).apply(x);
// Keras: output, [h1] = GRUCell(16)(x_t, [h0]): one step, (batch, features) -> (batch, 16)
const [out, [h1]] = new GRUCell(16).call(tensor(new Float32Array(2 * 8), [2, 8]), [tensor(new Float32Array(2 * 16), [2, 16])]);

export { seq, h, c, out, h1 };
