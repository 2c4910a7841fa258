// The first example of Keras' optimizer docs (keras.io/api/optimizers): an ExponentialDecay
// schedule as SGD's learning rate, then fit. Checked against the formula: at every batch the
// optimizer's rate is 0.01 · 0.9^(step / 100) for the step about to run, the tf.keras 2 `decay`
// a notebook still passes is pointed to its schedule, and the schedule survives a .keras file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ready, tensor, Sequential, Input, LSTM, Dense, optimizers, ConfigError } from 'wasm-rnn';
import { loadModel, saveModel } from 'wasm-rnn/keras';
import { assert, throwsLike } from './check.mjs';

await ready();
const lrSchedule = new optimizers.schedules.ExponentialDecay({ initialLearningRate: 1e-2, decaySteps: 100, decayRate: 0.9 });
const optimizer = new optimizers.SGD({ learningRate: lrSchedule });

const model = new Sequential([Input({ shape: [4, 2] }), new LSTM(3, { seed: 1 }), new Dense(1, { seed: 2 })]);
model.compile({ optimizer, loss: 'mse' });
const x = tensor(Array.from({ length: 40 * 8 }, (_, i) => Math.cos(i)), [40, 4, 2]);
const y = tensor(Array.from({ length: 40 }, (_, i) => [Math.sin(i)]), [40, 1]);
const seen = [];
await model.fit(x, y, {
  epochs: 3, batchSize: 8, verbose: 0,
  callbacks: [{ onTrainBatchBegin: () => { seen.push([model.optimizer.iterations, model.optimizer.learningRate]); } }],
});
assert.equal(seen.length, 15);
for (const [step, rate] of seen) {
  const want = 0.01 * 0.9 ** (step / 100);
  assert.ok(Math.abs(rate - want) < 1e-8, `step ${step}: ${rate} against ${want}`);
}
assert.equal(model.optimizer.iterations, 15);

throwsLike(() => optimizers.sgd({ learningRate: 0.01, decay: 1e-4 }), ConfigError, ['decay', 'InverseTimeDecay']);

const dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-newcomer-'));
try {
  await saveModel(model, join(dir, 'scheduled.keras'));
  const loaded = await loadModel(join(dir, 'scheduled.keras'));
  assert.equal(loaded.optimizer.learningRateSchedule.className, 'ExponentialDecay');
  assert.equal(loaded.optimizer.learningRate, lrSchedule.call(15));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
