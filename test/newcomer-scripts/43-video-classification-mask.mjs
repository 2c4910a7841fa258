// The Keras "video classification with a CNN-RNN" tutorial's sequence model, ported: per-frame
// features and a bool mask Input, GRU(16, return_sequences=True)(frames, mask=mask), GRU(8),
// Dropout, Dense(relu), Dense(softmax), compiled and fit. Then what a notebook does with it:
// model(x, training=False), a layer loop over model.layers, model.weights, and a .keras round trip.
// Checked against the same layers applied one by one with the mask given on data.
import { ready, tensor, Input, Model, GRU, Dropout, Dense, loadModel, saveModel } from 'wasm-rnn';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assert } from './check.mjs';

await ready();
const MAX_SEQ_LENGTH = 6;
const NUM_FEATURES = 5;
const CLASSES = 3;
let seed = 11;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

// Videos of 2 to 6 frames, padded with zero frames; the mask says which frames are real.
const lengths = Array.from({ length: 24 }, () => 2 + Math.floor(random() * (MAX_SEQ_LENGTH - 1)));
const labels = lengths.map((n) => n % CLASSES);
const features = new Float32Array(lengths.length * MAX_SEQ_LENGTH * NUM_FEATURES);
const masks = lengths.map((n) => Array.from({ length: MAX_SEQ_LENGTH }, (_, t) => t < n));
lengths.forEach((n, i) => {
  for (let t = 0; t < n; t++) for (let f = 0; f < NUM_FEATURES; f++) features[(i * MAX_SEQ_LENGTH + t) * NUM_FEATURES + f] = random() - 0.5 + (labels[i] === f ? 0.5 : 0);
});
const frameFeatures = tensor(features, [lengths.length, MAX_SEQ_LENGTH, NUM_FEATURES]);

const frameFeaturesInput = Input({ shape: [MAX_SEQ_LENGTH, NUM_FEATURES] });
const maskInput = Input({ shape: [MAX_SEQ_LENGTH], dtype: 'bool' });
let x = new GRU(16, { returnSequences: true, seed: 1 }).apply(frameFeaturesInput, { mask: maskInput });
x = new GRU(8, { seed: 2 }).apply(x);
x = new Dropout(0.4).apply(x);
x = new Dense(8, { activation: 'relu', seed: 3 }).apply(x);
const output = new Dense(CLASSES, { activation: 'softmax', seed: 4 }).apply(x);
const rnnModel = new Model([frameFeaturesInput, maskInput], output);
rnnModel.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
const history = await rnnModel.fit([frameFeatures, masks], tensor(labels.map((l) => [l])), { validationSplit: 0.25, epochs: 4, verbose: 0, seed: 5 });
assert.deepEqual(Object.keys(history.history), ['loss', 'accuracy', 'val_loss', 'val_accuracy']);
assert.ok(history.history.loss.every(Number.isFinite));

// model(x, training=False) is predict; the padded frames do not matter, whatever they hold.
const probabilities = rnnModel.apply([frameFeatures, tensor(masks.flat().map(Number), [lengths.length, MAX_SEQ_LENGTH])], { training: false });
assert.deepEqual(Array.from(probabilities.data), Array.from(rnnModel.predict([frameFeatures, masks]).data));
const noisy = tensor(features.map((v, i) => (masks.flat()[Math.floor(i / NUM_FEATURES)] ? v : 7)), frameFeatures.shape);
assert.deepEqual(Array.from(rnnModel.predict([noisy, masks]).data), Array.from(probabilities.data));

// The layers one by one, as a notebook inspects them: the mask given on data to the first GRU,
// carried by its sequence to the second.
const [, , gruSeq, gruLast, dropout, hidden, head] = rnnModel.layers;
assert.deepEqual(rnnModel.layers.map((layer) => layer.className), ['InputLayer', 'InputLayer', 'GRU', 'GRU', 'Dropout', 'Dense', 'Dense']);
const maskTensor = tensor(masks.flat().map(Number), [lengths.length, MAX_SEQ_LENGTH]);
const byHand = head.apply(hidden.apply(dropout.apply(gruLast.apply(gruSeq.apply(frameFeatures, { mask: maskTensor }), { mask: maskTensor }))));
const expected = probabilities.data;
assert.ok(byHand.data.every((v, i) => Math.abs(v - expected[i]) < 1e-6), 'the layers applied by hand give predict');
assert.deepEqual(rnnModel.weights.map((w) => w.shape), rnnModel.getWeights().map((w) => w.shape));
assert.deepEqual(rnnModel.inputNames.length, 2);

// Saved and loaded, the model keeps the mask wiring.
const dir = mkdtempSync(join(tmpdir(), 'newcomer-43-'));
try {
  await saveModel(rnnModel, join(dir, 'video_classifier.keras'));
  const loaded = await loadModel(join(dir, 'video_classifier.keras'));
  assert.deepEqual(Array.from(loaded.predict([noisy, masks]).data), Array.from(expected));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
