// Keras' load_model / model.save / load_weights from 'wasm-rnn' alone (no second import), under
// strict + noUncheckedIndexedAccess + exactOptionalPropertyTypes, on a real Keras file of ../shared.
import { ready, tensor, loadModel, loadWeights, saveModel, ModelFileError, WasmRnnError, Sequential, GRU, Dense, type Tensor, type Model } from 'wasm-rnn';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface Expected {
  inputs: { data: number[]; shape: number[] }[];
  outputs: { data: number[]; shape: number[] }[];
  tolerance: { abs: number; rel: number };
  summary: { total_params: number };
}
// ../shared beside the repository, from the repository root this script runs in.
const folder = new URL('../shared/models/TeKuV--cc_rnn/', pathToFileURL(`${process.cwd()}/`));
const expected = JSON.parse(readFileSync(new URL('expected.gru_model.h5.json', folder), 'utf8')) as Expected;
const [input] = expected.inputs;
const [output] = expected.outputs;
assert.ok(input && output);

await ready();
const model: Sequential | Model = await loadModel(fileURLToPath(new URL('gru_model.h5', folder)));
const x = tensor(input.data, input.shape);
const y: Tensor = model.predict(x) as Tensor;
assert.deepEqual(y.shape, output.shape);
output.data.forEach((value, i) => {
  const bound = expected.tolerance.abs + expected.tolerance.rel * Math.abs(value);
  assert.ok(Math.abs((y.data[i] ?? NaN) - value) <= bound, `output[${i}]`);
});
assert.equal(model.countParams(), expected.summary.total_params);

const dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-newcomer-core-'));
try {
  await model.save(join(dir, 'copy.keras'));
  await saveModel(model, join(dir, 'copy.h5'));
  const bytes: Uint8Array = await saveModel(model, { format: 'h5' });
  assert.deepEqual(Array.from(bytes.subarray(0, 8)), [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]); // the HDF5 signature
  for (const source of [join(dir, 'copy.keras'), join(dir, 'copy.h5'), bytes]) {
    const again = await loadModel(source);
    assert.deepEqual(Array.from((again.predict(x) as Tensor).data), Array.from(y.data));
  }
  // load_weights into a model built in code with the file's layers: GRU(50) over (60, 1), Dense(1).
  const built = new Sequential([new GRU(50, { inputShape: [60, 1] }), new Dense(1)]);
  await loadWeights(built, join(dir, 'copy.h5'));
  assert.deepEqual(Array.from(built.predict(x).data), Array.from(y.data));
  const wrong = new Sequential([new GRU(7, { inputShape: [60, 1] }), new Dense(1)]);
  await assert.rejects(wrong.loadWeights(join(dir, 'copy.h5')), (error: unknown) => error instanceof ModelFileError && error instanceof WasmRnnError);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
await assert.rejects(loadModel(new Uint8Array([1, 2, 3, 4])), (error: unknown) => error instanceof ModelFileError && /not a Keras model file/.test(error.message));
