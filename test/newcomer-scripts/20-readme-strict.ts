// The README's examples under strict + noUncheckedIndexedAccess, without a cast, and their values.
import { ready, tensor, LSTM, GRU, Bidirectional, Sequential, Embedding, SimpleRNN, Dense, Input, Model, initializers, type Tensor } from 'wasm-rnn';
import assert from 'node:assert/strict';

await ready();
const x = tensor([[[0.1, 4.2, 1.5, 1.1, 2.8], [1.0, 3.1, 2.5, 0.7, 1.1], [0.3, 2.1, 1.5, 2.1, 0.1], [2.2, 1.4, 0.5, 0.9, 1.1]]]);
const [seq, h, c] = new LSTM({ units: 3, returnSequences: true, returnState: true }).apply(x);
assert.deepEqual([seq.shape, h.shape, c.shape], [[1, 4, 3], [1, 3], [1, 3]]);
const last: number[] = Array.from(h.data);
assert.equal(last.length, 3);
const single: Tensor = new GRU(2).apply(x);
assert.deepEqual(single.shape, [1, 2]);
const [merged, fwH, , bwH] = new Bidirectional(new LSTM({
  units: 3, kernelInitializer: initializers.constant(0.1), recurrentInitializer: initializers.constant(0.1),
  biasInitializer: initializers.constant(0), returnState: true,
})).apply(x);
assert.ok(Math.abs((merged.data[0] ?? NaN) - 0.6303139) < 1e-6);
assert.deepEqual(Array.from(fwH.data).concat(Array.from(bwH.data)), Array.from(merged.data));

const model = new Sequential();
model.add(new Embedding({ inputDim: 5000, outputDim: 100 }));
model.add(new SimpleRNN({ units: 128 }));
model.add(new Dense({ units: 1, activation: 'sigmoid' }));
const text: string = model.summary({ print: false });
assert.ok(text.includes('Total params: 529,441'));
const probability: Tensor = model.predict(tensor([[1, 2, 3]]));
assert.deepEqual(probability.shape, [1, 1]);

const inp = Input({ shape: [5, 1] });
const [o, hState, cState] = new LSTM({ units: 3, returnState: true }).apply(inp);
const functional = new Model({ inputs: inp, outputs: [o, hState, cState] });
const [out, hT, cT] = functional.predict(tensor(new Float32Array(10), [2, 5, 1]));
assert.deepEqual([out.shape, hT.shape, cT.shape], [[2, 3], [2, 3], [2, 3]]);
assert.deepEqual(Array.from(out.data), Array.from(hT.data));
