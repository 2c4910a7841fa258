// Fine-tuning a Keras model from ../shared: load_model, freeze the recurrent layer
// (layers[0].trainable = False), recompile with SGD, one step; the frozen GRU stays bit for bit,
// and the Dense head moves by exactly -lr · dMSE/dW, worked out here from the GRU's features.
// Then save_weights / load_weights, a ModelCheckpoint of the weights, and summary's counts.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ready, tensor, loadModel, optimizers, ModelCheckpoint, GRU, Dense, Sequential } from 'wasm-rnn';
import { assert, close, shared } from './check.mjs';

await ready();
const folder = new URL('../../../shared/models/TeKuV--cc_rnn/', import.meta.url);
const expected = shared('models/TeKuV--cc_rnn/expected.json');
const model = await loadModel(fileURLToPath(new URL('gru_model.keras', folder)));
const [input] = expected.inputs;
close(model.predict(tensor(input.data, input.shape)), expected.outputs[0], expected.tolerance, 'as loaded');
assert.deepEqual(model.layers.map((l) => l.name), ['gru_1', 'dense_1']);

const [gru, head] = model.layers;
gru.trainable = false;
const lr = 0.05;
model.compile({ optimizer: optimizers.sgd(lr), loss: 'mse' });
const summary = model.summary({ print: false });
assert.ok(summary.includes('Trainable params: 51'), summary);
assert.ok(summary.includes('Non-trainable params: 7,950'), summary);

const N = 4;
const x = tensor(Array.from({ length: N }, (_, i) => Array.from({ length: 60 }, (_, t) => [Math.sin((i + t) / 7)])));
const y = tensor(Array.from({ length: N }, (_, i) => [Math.cos(i)]));
const frozen = gru.getWeights();
const [kernel, bias] = head.getWeights();
const features = gru.apply(x); // (N, 50): what the Dense head sees
const predictions = model.predict(x);
await model.fit(x, y, { epochs: 1, batchSize: N, shuffle: false, verbose: 0 });

gru.getWeights().forEach((w, i) => assert.deepEqual(Array.from(w.data), Array.from(frozen[i].data), `frozen weight ${i}`));
// MSE over N samples: dL/dp_i = 2 (p_i - y_i) / N; dL/dW_j = Σ_i dL/dp_i · h_ij; dL/db = Σ_i dL/dp_i.
const dp = Array.from({ length: N }, (_, i) => (2 * (predictions.data[i] - y.data[i])) / N);
const H = 50;
const [newKernel, newBias] = head.getWeights();
for (let j = 0; j < H; j++) {
  const grad = dp.reduce((s, d, i) => s + d * features.data[i * H + j], 0);
  const want = kernel.data[j] - Math.fround(lr) * grad;
  assert.ok(Math.abs(newKernel.data[j] - want) <= 1e-6 + 1e-5 * Math.abs(want), `kernel[${j}] ${newKernel.data[j]} vs ${want}`);
}
const wantBias = bias.data[0] - Math.fround(lr) * dp.reduce((a, b) => a + b, 0);
assert.ok(Math.abs(newBias.data[0] - wantBias) <= 1e-6, `bias ${newBias.data[0]} vs ${wantBias}`);

const dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-newcomer-finetune-'));
try {
  await model.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0, callbacks: [new ModelCheckpoint(join(dir, 'ft-{epoch}.weights.h5'), { saveWeightsOnly: true, monitor: 'loss' })] });
  assert.ok(existsSync(join(dir, 'ft-1.weights.h5')) && existsSync(join(dir, 'ft-2.weights.h5')));
  await model.saveWeights(join(dir, 'tuned.weights.h5'));
  // load_weights into the same architecture built in code: GRU(50) over (60, 1) -> Dense(1).
  const rebuilt = new Sequential([new GRU(50, { inputShape: [60, 1] }), new Dense(1)]);
  await rebuilt.loadWeights(join(dir, 'tuned.weights.h5'));
  assert.deepEqual(Array.from(rebuilt.predict(x).data), Array.from(model.predict(x).data));
  await rebuilt.loadWeights(join(dir, 'ft-2.weights.h5'));
  assert.deepEqual(Array.from(rebuilt.predict(x).data), Array.from(model.predict(x).data));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
