// Initializers by Keras name, Keras config or object; the same seed gives the same weights;
// glorot_uniform stays inside Keras' limit sqrt(6 / (fan_in + fan_out)).
import { ready, LSTM, Dense, initializers, ConfigError } from 'wasm-rnn';
import { assert, throwsLike } from './check.mjs';

await ready();
const dense = new Dense(8, { kernelInitializer: 'glorot_uniform', biasInitializer: 'zeros', seed: 3 });
dense.build([null, 4]);
const [kernel, bias] = dense.getWeights();
const limit = Math.sqrt(6 / (4 + 8));
assert.ok(kernel.data.every((v) => Math.abs(v) <= limit) && kernel.data.some((v) => Math.abs(v) > limit / 2));
assert.ok(bias.data.every((v) => v === 0));
const weights = (spec) => { const l = new LSTM(2, { kernelInitializer: spec, seed: 5 }); l.build([null, 3, 3]); return Array.from(l.getWeights()[0].data); };
assert.deepEqual(weights('he_normal'), weights({ class_name: 'HeNormal', config: {} }));
assert.deepEqual(weights('glorot_uniform'), weights('GlorotUniform'));
assert.deepEqual(weights(initializers.constant(0.25)), new Array(3 * 8).fill(0.25));
throwsLike(() => new LSTM(2, { kernelInitializer: 'xavier' }), ConfigError, ["unknown initializer 'xavier'"]);
// recurrent kernel: orthogonal by default, so U Uᵀ = I for each H×H gate block's rows.
const l = new LSTM(4, { seed: 8 });
l.build([null, 2, 3]);
const U = l.getWeights()[1];
for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
  let dot = 0;
  for (let k = 0; k < 16; k++) dot += U.data[i * 16 + k] * U.data[j * 16 + k];
  assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-5, `row ${i}·${j} = ${dot}`);
}
