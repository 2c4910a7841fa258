// A model with Keras' regularizers as a tutorial on overfitting writes it:
// LSTM(kernel_regularizer=l2, activity_regularizer=l1), Dense(activity_regularizer=l2), fit with
// validation, then saved and loaded back to fine-tune. Checked against formulas: evaluate's loss is
// the MSE of predict plus each weight's and each output's penalty (activity penalties over the
// batch size, the LSTM's on the output it returns), and the loaded model keeps every regularizer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ready, tensor, Sequential, Model, Input, LSTM, Dense, regularizers } from 'wasm-rnn';
import { loadModel, saveModel } from 'wasm-rnn/keras';
import { assert } from './check.mjs';

await ready();
const [N, T, D] = [24, 5, 3];
const values = Array.from({ length: N * T * D }, (_, i) => Math.sin(i * 0.37) * 0.8);
const x = tensor(values, [N, T, D]);
const y = tensor(Array.from({ length: N }, (_, n) => [values[n * T * D] - values[n * T * D + 4]]), [N, 1]);

const model = new Sequential([
  Input({ shape: [T, D] }),
  new LSTM(6, { kernelRegularizer: regularizers.l2(1e-3), activityRegularizer: regularizers.l1(1e-2), seed: 1 }),
  new Dense(1, { activityRegularizer: 'l2', seed: 2 }),
]);
model.compile({ optimizer: 'adam', loss: 'mse' });
const history = await model.fit(x, y, { epochs: 5, batchSize: 8, validationSplit: 0.25, verbose: 0, seed: 3 });
assert.ok(history.history.loss.every(Number.isFinite) && history.history.val_loss.every(Number.isFinite));

/** The loss Keras reports, from predict and the weights: mse + l2 Σk² + l1 Σ|h| / N + 0.01 Σy² / N. */
function expectedLoss(m) {
  const [lstm, dense] = m.layers;
  const h = new Model({ inputs: m.input, outputs: lstm.output }).predict(x).data;
  const out = m.predict(x).data;
  const mse = Array.from(out).reduce((s, p, i) => s + (p - y.data[i]) ** 2, 0) / N;
  const kernel = lstm.getWeights()[0].data.reduce((s, w) => s + w * w, 0);
  const hPenalty = h.reduce((s, v) => s + Math.abs(v), 0) / N;
  const outPenalty = out.reduce((s, v) => s + v * v, 0) / N;
  assert.equal(dense.activityRegularizer.className, 'L2');
  return mse + 1e-3 * kernel + 1e-2 * hPenalty + 0.01 * outPenalty;
}
const [loss] = await model.evaluate(x, y, { batchSize: N });
const want = expectedLoss(model);
assert.ok(Math.abs(loss - want) < 1e-5 * want, `evaluate ${loss} against ${want}`);

const dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-newcomer-'));
try {
  for (const file of ['regularized.keras', 'regularized.h5']) {
    await saveModel(model, join(dir, file));
    const loaded = await loadModel(join(dir, file));
    const [lstm, dense] = loaded.layers;
    assert.deepEqual(lstm.activityRegularizer.getConfig(), { l1: 0.01 }, file);
    assert.deepEqual(lstm.kernelRegularizer.getConfig(), { l2: 0.001 }, file);
    assert.deepEqual(dense.activityRegularizer.getConfig(), { l2: 0.01 }, file);
    loaded.compile({ optimizer: 'adam', loss: 'mse' });
    const [reloadedLoss] = await loaded.evaluate(x, y, { batchSize: N });
    assert.equal(reloadedLoss, loss, file);
    const tuned = await loaded.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, seed: 4 });
    assert.ok(tuned.history.loss.every(Number.isFinite), file);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
