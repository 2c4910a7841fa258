// loadModel on a real Keras 3 file from GitHub (../shared/models): Keras' predictions and summary.
import { loadModel, tensor } from 'wasm-rnn/keras';
import { ready } from 'wasm-rnn';
import { fileURLToPath } from 'node:url';
import { assert, close, shared } from './check.mjs';

await ready();
for (const [file, expectedFile] of [['gru_model.keras', 'expected.json'], ['gru_model.h5', 'expected.gru_model.h5.json']]) {
  const expected = shared(`models/TeKuV--cc_rnn/${expectedFile}`);
  const model = await loadModel(fileURLToPath(new URL(`../../../shared/models/TeKuV--cc_rnn/${file}`, import.meta.url)));
  const input = expected.inputs[0];
  const y = model.predict(tensor(input.data, input.shape));
  close(y, expected.outputs[0], expected.tolerance, file);
  assert.equal(model.countParams(), expected.summary.total_params);
  const text = model.summary({ print: false });
  assert.ok(text.includes('Total params: 8,001'), text);
  assert.ok(text.includes('(None, 60, 1)') || text.includes('(None, 50)'), text);
}
