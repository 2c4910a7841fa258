// README snippet, verbatim (test/readme-snippets.test.ts checks that the README still has it): it must compile without casts.
import { ready, tensor, LSTM, Bidirectional, initializers } from 'wasm-rnn';

await ready(); // instantiates the WebAssembly module once

const x = tensor([[[0.1, 4.2, 1.5, 1.1, 2.8], [1.0, 3.1, 2.5, 0.7, 1.1],
                   [0.3, 2.1, 1.5, 2.1, 0.1], [2.2, 1.4, 0.5, 0.9, 1.1]]]); // [1, 4, 5]

const lstm = new LSTM({ units: 3, returnSequences: true, returnState: true });
const [seq, h, c] = lstm.apply(x); // a tuple: the types follow returnState
seq.shape;     // [1, 4, 3]
seq.data;      // Float32Array, row-major
seq.toArray(); // nested arrays
tensor(new Float32Array(400), [-1, 10, 4]); // flat data and a shape; one -1 axis as numpy's reshape: [10, 10, 4]

// Keras: Bidirectional(LSTM(3, kernel_initializer=Constant(0.1), ..., return_state=True))
const bi = new Bidirectional(new LSTM({
  units: 3,
  kernelInitializer: initializers.constant(0.1),
  recurrentInitializer: initializers.constant(0.1),
  biasInitializer: initializers.constant(0),
  returnState: true,
}));
const [out, fwH, fwC, bwH, bwC] = bi.apply(x); // out [1, 6]: 0.630314 x3, 0.703873 x3 (the relaxed-SIMD build: 0.6303139, 0.7038734; the builds agree to a float32 ulp)

export { seq, h, c, out, fwH, fwC, bwH, bwC };
