// The README's first example as written, then the numbers it quotes: with constant weights a
// Bidirectional LSTM gives 0.6303139 forward and 0.7038734 backward on this input.
import { ready, tensor, LSTM, Bidirectional, initializers } from 'wasm-rnn';
import { assert } from './check.mjs';

await ready();
const x = tensor([[[0.1, 4.2, 1.5, 1.1, 2.8], [1.0, 3.1, 2.5, 0.7, 1.1],
                   [0.3, 2.1, 1.5, 2.1, 0.1], [2.2, 1.4, 0.5, 0.9, 1.1]]]);
const lstm = new LSTM({ units: 3, returnSequences: true, returnState: true });
const [seq, h, c] = lstm.apply(x);
assert.deepEqual([seq.shape, h.shape, c.shape], [[1, 4, 3], [1, 3], [1, 3]]);
assert.ok(seq.data instanceof Float32Array);
assert.deepEqual(seq.toArray()[0][3], Array.from(h.data));

const bi = new Bidirectional(new LSTM({
  units: 3,
  kernelInitializer: initializers.constant(0.1),
  recurrentInitializer: initializers.constant(0.1),
  biasInitializer: initializers.constant(0),
  returnState: true,
}));
const [out, fwH, fwC, bwH, bwC] = bi.apply(x);
assert.deepEqual(out.shape, [1, 6]);
for (let i = 0; i < 3; i++) {
  assert.ok(Math.abs(out.data[i] - 0.6303139) < 1e-6, `forward ${out.data[i]}`);
  assert.ok(Math.abs(out.data[i + 3] - 0.7038734) < 1e-6, `backward ${out.data[i + 3]}`);
}
assert.deepEqual(Array.from(fwH.data), Array.from(out.data.subarray(0, 3)));
assert.deepEqual(Array.from(bwH.data), Array.from(out.data.subarray(3)));
assert.deepEqual([fwC.shape, bwC.shape], [[1, 3], [1, 3]]);
// numpy-like printing.
assert.match(String(out), /^Tensor\(\[\[0\.630313.*, shape=\(1, 6\)\)$/s);
