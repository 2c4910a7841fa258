// The Node entry's code cache (the loader in dist/node/index.js): written beside the bundle by the first process,
// used by the next, and never a reason to fail or to run other code than the bundle's own. Each
// case runs fresh processes on a copy of the package in a temporary folder.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('..', import.meta.url));

const SCRIPT = `
const { LSTM, ready, tensor } = await import('wasm-rnn');
const x = tensor(new Float32Array(2 * 4 * 3).fill(0.5), [2, 4, 3]);
let message = '';
try { new LSTM(2).apply(x); } catch (error) { message = error.message; }
await ready();
const y = new LSTM({ units: 2, seed: 1 }).apply(x);
process.stdout.write(JSON.stringify({ message, y: Array.from(y.data) }));
`;

let dir = '';
let nodeDir = '';
let expected: { message: string; y: number[] };

const runScript = async (...flags: string[]) => JSON.parse((await run(process.execPath, [...flags, '--input-type=module', '-e', SCRIPT], { cwd: dir })).stdout) as typeof expected;
const caches = () => readdirSync(nodeDir).filter((file) => file.endsWith('.cache')).sort();
const leftovers = () => readdirSync(nodeDir).filter((file) => file.endsWith('.tmp'));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-code-cache-'));
  cpSync(join(repo, 'package.json'), join(dir, 'package.json'));
  mkdirSync(join(dir, 'dist'));
  for (const entry of readdirSync(join(repo, 'dist'))) {
    if (entry !== 'node') cpSync(join(repo, 'dist', entry), join(dir, 'dist', entry), { recursive: true });
  }
  nodeDir = join(dir, 'dist/node');
  mkdirSync(nodeDir);
  for (const file of readdirSync(join(repo, 'dist/node')).filter((f) => !f.endsWith('.cache') && !f.endsWith('.tmp'))) cpSync(join(repo, 'dist/node', file), join(nodeDir, file));
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
  // The same script through the dist/ modules, which no cache touches.
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', SCRIPT.replace("import('wasm-rnn')", `import(${JSON.stringify(`${repo}dist/index.js`)})`)], { cwd: dir });
  expected = JSON.parse(stdout) as typeof expected;
  expect(expected.message).toContain('not ready');
}, 30_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('the first process writes one cache beside the bundle; the next one uses it and leaves it as it is', async () => {
  expect(caches()).toEqual([]);
  expect(await runScript()).toEqual(expected);
  const [cache] = caches();
  expect(caches()).toHaveLength(1);
  expect(cache).toMatch(/^core\.script\.cjs\..+\.cache$/);
  expect(leftovers()).toEqual([]);
  const written = statSync(join(nodeDir, cache!)).mtimeMs;
  expect(await runScript()).toEqual(expected);
  // A cache V8 rejected would have been written again at exit.
  expect(statSync(join(nodeDir, cache!)).mtimeMs).toBe(written);
}, 30_000);

it('a process with other Node options keeps a cache of its own, and leaves the first one as it is', async () => {
  const [cache] = caches();
  const written = statSync(join(nodeDir, cache!)).mtimeMs;
  expect(await runScript('--max-old-space-size=300')).toEqual(expected);
  expect(caches()).toHaveLength(2);
  expect(statSync(join(nodeDir, cache!)).mtimeMs).toBe(written);
  for (const other of caches().filter((file) => file !== cache)) rmSync(join(nodeDir, other));
}, 30_000);

it('a damaged cache is ignored and written anew; the results do not change', async () => {
  const [cache] = caches();
  const garbage = Buffer.alloc(4096, 7);
  writeFileSync(join(nodeDir, cache!), garbage);
  expect(await runScript()).toEqual(expected);
  expect(readFileSync(join(nodeDir, cache!)).equals(garbage)).toBe(false);
  writeFileSync(join(nodeDir, cache!), readFileSync(join(nodeDir, cache!)).subarray(0, 1000));
  expect(await runScript()).toEqual(expected);
}, 30_000);

it('an edited bundle of the same length never runs from the old cache', async () => {
  const bundle = join(nodeDir, 'core.script.cjs');
  const text = readFileSync(bundle, 'utf8');
  const before = 'wasm-rnn is not ready';
  expect(text.split(before)).toHaveLength(2);
  const after = 'WASM-RNN IS NOT READY';
  writeFileSync(bundle, text.replace(before, after));
  expect(readFileSync(bundle).length).toBe(Buffer.byteLength(text));
  expect((await runScript()).message).toBe(expected.message.replace(before, after));
  expect(caches()).toHaveLength(2);
  writeFileSync(bundle, text);
  expect(await runScript()).toEqual(expected);
}, 30_000);

it('where the cache can be neither read nor written, the package runs without one', async () => {
  for (const cache of caches()) rmSync(join(nodeDir, cache));
  expect(await runScript()).toEqual(expected);
  const [cache] = caches();
  rmSync(join(nodeDir, cache!));
  mkdirSync(join(nodeDir, cache!));
  expect(await runScript()).toEqual(expected);
  expect(statSync(join(nodeDir, cache!)).isDirectory()).toBe(true);
  expect(leftovers()).toEqual([]);
  rmSync(join(nodeDir, cache!), { recursive: true });
}, 30_000);

// Node before 20.16 has no process.getBuiltinModule: the loader then imports Node's modules, and
// the bundle reaches node:fs/promises through the loader's import() (a vm script has none).
it('without process.getBuiltinModule (Node before 20.16) the package loads, runs and uses its cache', async () => {
  const olderNode = ['--import', 'data:text/javascript,delete process.getBuiltinModule'];
  const before = caches().length;
  expect(await runScript(...olderNode)).toEqual(expected);
  expect(caches()).toHaveLength(before + 1);
  const [written] = caches().map((file) => statSync(join(nodeDir, file)).mtimeMs).sort((a, b) => b - a);
  expect(await runScript(...olderNode)).toEqual(expected);
  expect(Math.max(...caches().map((file) => statSync(join(nodeDir, file)).mtimeMs))).toBe(written);
}, 30_000);

// Jest and Vitest's vmThreads pool evaluate modules in a vm context of their own; the package
// must then live in that context (its Float32Array, its Error), not in Node's main one.
const CONTEXT_SCRIPT = `
import vm from 'node:vm';
import { readFileSync } from 'node:fs';
const file = new URL('./dist/node/index.js', import.meta.url);
const context = vm.createContext({ process, console, performance, URL, TextDecoder, TextEncoder });
const link = async (specifier) => {
  const real = await import(specifier);
  const names = Object.keys(real);
  return new vm.SyntheticModule(names, function () { for (const name of names) this.setExport(name, real[name]); }, { context });
};
const module = new vm.SourceTextModule(readFileSync(file, 'utf8'), { context, identifier: file.href, initializeImportMeta: (meta) => { meta.url = file.href; } });
await module.link(link);
await module.evaluate();
const core = module.namespace;
const x = core.tensor(new (vm.runInContext('Float32Array', context))(2 * 4 * 3).fill(0.5), [2, 4, 3]);
await core.ready();
const y = new core.LSTM({ units: 2, seed: 1 }).apply(x);
process.stdout.write(JSON.stringify({
  sameFloat32Array: Object.getPrototypeOf(y.data) === vm.runInContext('Float32Array.prototype', context),
  sameError: new core.RuntimeError('x') instanceof vm.runInContext('Error', context),
  y: Array.from(y.data),
}));
`;

it('loaded into another vm context, as test runners load modules, the package lives in that context and writes no cache', async () => {
  for (const cache of caches()) rmSync(join(nodeDir, cache));
  writeFileSync(join(dir, 'context.mjs'), CONTEXT_SCRIPT);
  const { stdout } = await run(process.execPath, ['--experimental-vm-modules', '--no-warnings', 'context.mjs'], { cwd: dir });
  expect(JSON.parse(stdout)).toEqual({ sameFloat32Array: true, sameError: true, y: expected.y });
  expect(caches()).toEqual([]);
}, 30_000);

it('with --enable-source-maps, Node loads the bundle itself and no cache is written', async () => {
  expect(caches()).toEqual([]);
  expect(await runScript('--enable-source-maps')).toEqual(expected);
  expect(caches()).toEqual([]);
}, 30_000);
