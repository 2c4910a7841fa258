// README snippet, verbatim (test/readme-snippets.test.ts checks that the README still has it): it must compile without casts.
import { ready, tensor, Sequential, Embedding, SimpleRNN, Dense, Input, Model, LSTM } from 'wasm-rnn';
await ready();

const model = new Sequential();
model.add(new Embedding({ inputDim: 5000, outputDim: 100 }));
model.add(new SimpleRNN({ units: 128 }));
model.add(new Dense({ units: 1, activation: 'sigmoid' }));
model.summary();              // Keras 3's table: (None, None, 100) ... Total params: 529,441 (2.02 MB)

const inp = Input({ shape: [5, 1] });
const [o, h, c] = new LSTM({ units: 3, returnState: true }).apply(inp);
const functional = new Model({ inputs: inp, outputs: [o, h, c] });
const [out, hT, cT] = functional.predict(tensor(new Float32Array(10), [2, 5, 1])); // (2, 3) each

export { out, hT, cT };
