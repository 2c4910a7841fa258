// Saving as Keras does (.keras, .h5, TF.js), loading back: the same predictions bit for bit,
// the same summary; save_weights-style files into a model built in code.
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ready, tensor, Sequential, Embedding, GRU, Dense, Bidirectional, LSTM } from 'wasm-rnn';
import { loadModel, saveModel, loadWeights } from 'wasm-rnn/keras';
import { assert, same } from './check.mjs';

await ready();
const dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-newcomer-'));
try {
  const build = () => new Sequential([
    new Embedding(50, 8, { maskZero: true, inputShape: [6], seed: 1 }),
    new Bidirectional(new LSTM(4, { returnSequences: true, seed: 2 })),
    new GRU(5, { seed: 3 }),
    new Dense(2, 'softmax', { seed: 4 }),
  ]);
  const model = build();
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const ids = tensor([[1, 5, 9, 0, 0, 0], [3, 4, 49, 2, 7, 1]]);
  const expected = model.predict(ids);
  mkdirSync(join(dir, 'tfjs'));
  for (const file of ['model.keras', 'model.h5', 'tfjs/model.json']) {
    await saveModel(model, join(dir, file));
    const loaded = await loadModel(join(dir, file));
    same(loaded.predict(ids), expected, file);
    assert.equal(loaded.summary({ print: false }), model.summary({ print: false }), file);
  }
  assert.ok(existsSync(join(dir, 'tfjs/group1-shard1of1.bin')));
  // Keras' own spelling, model.save(path), once wasm-rnn/keras is imported.
  await model.save(join(dir, 'method.keras'));
  same((await loadModel(join(dir, 'method.keras'))).predict(ids), expected, 'model.save');
  assert.equal(model.getConfig().name, 'sequential');
  const fresh = build();
  await loadWeights(fresh, join(dir, 'model.h5'));
  same(fresh.predict(ids), expected, 'loadWeights');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
