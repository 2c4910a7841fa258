// loadModel, saveModel and loadWeights from the core entry ('wasm-rnn'), as Keras users find
// load_model and save at hand: the file readers (wasm-rnn/keras, with jsfive and fflate) are
// imported on the first call, never on the core entry's static import path.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('..', import.meta.url));

/** Every module a file statically imports (import / export ... from), transitively: relative ones resolved, bare ones as written. */
function staticImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.startsWith('/')) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:^|[;\n}])\s*(?:import|export)\s*(?:[\w*${}\s,]+from\s*)?["']([^"']+)["']/g)) {
      const specifier = match[1]!;
      queue.push(specifier.startsWith('.') ? join(dirname(file), specifier) : specifier);
    }
  }
  return seen;
}

describe('the core entry keeps the model-file readers off its import path', () => {
  it('dist/index.js imports no file reader statically, and wasm-rnn/keras only dynamically', () => {
    const modules = [...staticImports(join(repo, 'dist/index.js'))];
    expect(modules.filter((m) => /jsfive|fflate|\/keras\.js$|hdf5|zip/.test(m))).toEqual([]);
    expect(readFileSync(join(repo, 'dist/io/on-demand.js'), 'utf8')).toMatch(/import\(["']\.\/keras\.js["']\)/);
  });

  // The Node entry runs one bundle of both entries (dist/node/core.script.cjs), whose file readers
  // initialise on first use: jsfive and fflate are required then, not when wasm-rnn is imported.
  it('in Node, importing wasm-rnn loads neither jsfive nor fflate; importing wasm-rnn/keras loads both', async () => {
    const script = `
      import { createRequire } from 'node:module';
      const cache = createRequire(import.meta.url).cache;
      const readers = () => Object.keys(cache).filter((file) => /node_modules\\/(jsfive|fflate)\\//.test(file)).map((file) => /(jsfive|fflate)/.exec(file)[1]);
      await import('wasm-rnn');
      const core = readers();
      await import('wasm-rnn/keras');
      process.stdout.write(JSON.stringify({ core, keras: [...new Set(readers())].sort() }));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: repo });
    expect(JSON.parse(stdout)).toEqual({ core: [], keras: ['fflate', 'jsfive'] });
  });

  it('the prebuilt single-file browser bundle has no lazy chunk: its loadModel / saveModel reject with a RuntimeError that says what to use', async () => {
    const bundle = readFileSync(join(repo, 'dist/browser/wasm-rnn.min.js'), 'utf8');
    // No import of a module by a literal name: only Node's fs, by a name built at run time (platform.ts).
    expect(bundle).not.toMatch(/\bimport\(\s*["'`]/);
    const bundlePath: string = '../dist/browser/wasm-rnn.min.js';
    const api = (await import(bundlePath)) as typeof import('../dist/index.js');
    for (const call of [() => api.loadModel(new Uint8Array(8)), () => api.saveModel(new api.Sequential(), { format: 'h5' })]) {
      await expect(call()).rejects.toSatisfy((error: unknown) =>
        error instanceof api.RuntimeError && /single-file browser bundle/.test(error.message) && /through a bundler/.test(error.message));
    }
  });
});

// A fresh process with only 'wasm-rnn' imported, as a Keras user writes it.
const SCRIPT = `
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const api = await import('wasm-rnn');
const report = {};
const expected = JSON.parse(await (await import('node:fs/promises')).readFile('../shared/models/TeKuV--cc_rnn/expected.json', 'utf8'));
const model = await api.loadModel('../shared/models/TeKuV--cc_rnn/gru_model.keras');
const input = expected.inputs[0];
const y = model.predict(api.tensor(input.data, input.shape));
report.worst = Math.max(...Array.from(y.data, (v, i) => Math.abs(v - expected.outputs[0].data[i]) / (expected.tolerance.abs + expected.tolerance.rel * Math.abs(expected.outputs[0].data[i]))));
report.params = [model.countParams(), expected.summary.total_params];
const dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-on-demand-'));
try {
  await model.save(join(dir, 'saved.keras'));
  await api.saveModel(model, join(dir, 'saved.h5'));
  const again = await api.loadModel(join(dir, 'saved.keras'));
  report.sameAfterSave = Array.from(again.predict(api.tensor(input.data, input.shape)).data).join() === Array.from(y.data).join();
  const fresh = await api.loadModel(join(dir, 'saved.h5'));
  for (const w of fresh.getWeights()) w.data.fill(0);
  fresh.setWeights(fresh.getWeights());
  await api.loadWeights(fresh, join(dir, 'saved.h5'));
  report.loadWeights = Array.from(fresh.predict(api.tensor(input.data, input.shape)).data).join() === Array.from(y.data).join();
  report.bytes = Array.from((await api.saveModel(model, { format: 'keras' })).subarray(0, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const keras = await import('wasm-rnn/keras');
report.sameErrorClass = api.ModelFileError === keras.ModelFileError;
try {
  await api.loadModel(new Uint8Array([1, 2, 3, 4]));
} catch (error) {
  report.error = [error instanceof api.ModelFileError, error instanceof keras.ModelFileError, error.message];
}
process.stdout.write(JSON.stringify(report));
`;

it("loadModel, saveModel, loadWeights and model.save work with only 'wasm-rnn' imported, on a real Keras file", async () => {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: repo });
  const report = JSON.parse(stdout) as Record<string, unknown>;
  expect(report.worst).toBeLessThanOrEqual(1);
  const [params, kerasParams] = report.params as [number, number];
  expect(params).toBe(kerasParams);
  expect(report.sameAfterSave).toBe(true);
  expect(report.loadWeights).toBe(true);
  expect(report.bytes).toEqual([0x50, 0x4b]); // a zip archive: 'PK'
  expect(report.sameErrorClass).toBe(true);
  const [isMain, isKeras, message] = report.error as [boolean, boolean, string];
  expect([isMain, isKeras]).toEqual([true, true]);
  expect(message).toMatch(/is not a Keras model file/);
}, 30_000);
