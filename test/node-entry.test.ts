// The Node entry users get through the `exports` map: the bundled dist/node/ files (one module
// graph for `wasm-rnn` and `wasm-rnn/keras`), in a fresh process, by the package's own name.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('..', import.meta.url));

const SCRIPT = `
import { fileURLToPath } from 'node:url';
const main = await import('wasm-rnn');
const keras = await import('wasm-rnn/keras');
await keras.ready();
const layer = new main.LSTM({ units: 3, seed: 1 });
const y = layer.apply(main.tensor(new Float32Array(2 * 4 * 5).fill(0.5), [2, 4, 5]));
process.stdout.write(JSON.stringify({
  entry: fileURLToPath(import.meta.resolve('wasm-rnn')),
  kerasEntry: fileURLToPath(import.meta.resolve('wasm-rnn/keras')),
  sameTensor: main.Tensor === keras.Tensor,
  sameReady: main.ready === keras.ready,
  variant: main.kernelVariant(),
  shape: y.shape,
  finite: Array.from(y.data).every(Number.isFinite),
}));
`;

it('resolves to the bundled dist/node files, shares one module graph with wasm-rnn/keras, and runs', async () => {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: repo });
  const report = JSON.parse(stdout) as Record<string, unknown>;
  expect(report).toEqual({
    entry: `${repo}dist/node/index.js`,
    kerasEntry: `${repo}dist/node/keras.js`,
    sameTensor: true,
    sameReady: true,
    variant: expect.stringMatching(/^(simd|relaxed-simd)$/),
    shape: [2, 3],
    finite: true,
  });
}, 30_000);

// CommonJS: require('wasm-rnn') resolves to dist/node/index.cjs, and whichever of import and
// require comes first, both get the one bundle instance (one ready(), one Tensor class).
const REQUIRE_AFTER_IMPORT = `
import { createRequire } from 'node:module';
const esm = await import('wasm-rnn');
await esm.ready();
const require = createRequire(import.meta.url);
const cjs = require('wasm-rnn');
process.stdout.write(JSON.stringify({
  entry: require.resolve('wasm-rnn'),
  sameTensor: cjs.Tensor === esm.Tensor,
  readyShared: cjs.kernelVariant() === esm.kernelVariant() && cjs.kernelVariant() !== null,
  exportsMatch: Object.keys(cjs).sort().join() === Object.keys(esm).sort().join(),
}));
`;
const IMPORT_AFTER_REQUIRE = `
const cjs = require('wasm-rnn');
cjs.ready().then(async () => {
  const esm = await import('wasm-rnn');
  process.stdout.write(JSON.stringify({ sameTensor: cjs.Tensor === esm.Tensor, readyShared: esm.kernelVariant() !== null }));
});
`;

it('require() gets the CommonJS entry and shares the bundle with import(), in either order', async () => {
  const first = await run(process.execPath, ['--input-type=module', '-e', REQUIRE_AFTER_IMPORT], { cwd: repo });
  expect(JSON.parse(first.stdout)).toEqual({ entry: `${repo}dist/node/index.cjs`, sameTensor: true, readyShared: true, exportsMatch: true });
  const second = await run(process.execPath, ['-e', IMPORT_AFTER_REQUIRE], { cwd: repo });
  expect(JSON.parse(second.stdout)).toEqual({ sameTensor: true, readyShared: true });
  const keras = await run(process.execPath, ['-e', "try { require('wasm-rnn/keras') } catch (e) { process.stdout.write(e.name + ': ' + e.message) }"], { cwd: repo });
  expect(keras.stdout).toMatch(/^ConfigError: wasm-rnn\/keras loads its file readers asynchronously, so require\(\) cannot return it; use await import\('wasm-rnn\/keras'\)/);
}, 30_000);

// The Node bundle is built without esbuild's --keep-names (its __name calls cost about 2 ms of
// every cold start), so a class whose body names itself would come out as `_LSTM`; the classes
// refer to themselves as `this` instead. Names show in console.log, stack traces and errors.
const NAMES_SCRIPT = `
const mismatched = [];
for (const entry of ['wasm-rnn', 'wasm-rnn/keras']) {
  for (const [name, value] of Object.entries(await import(entry))) {
    if (typeof value === 'function' && value.name !== name) mismatched.push(entry + ': ' + name + ' is named ' + value.name);
  }
}
process.stdout.write(JSON.stringify(mismatched));
`;

it('keeps every exported class and function named as it is exported', async () => {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', NAMES_SCRIPT], { cwd: repo });
  expect(JSON.parse(stdout)).toEqual([]);
}, 30_000);

// The Node bundle is minified, so its own positions say little; its shipped source maps map them
// back to the dist/ modules it was bundled from, for `node --enable-source-maps`.
const STACK_SCRIPT = `
const { LSTM, tensor, ready } = await import('wasm-rnn');
await ready();
try {
  new LSTM({ units: 3 }).apply(tensor(new Float32Array(6), [1, 6]));
} catch (error) {
  process.stdout.write(JSON.stringify(error.stack.split('\\n').slice(0, 3)));
}
`;

it('with --enable-source-maps, stack traces through the minified bundle name the dist/ module and line that threw', async () => {
  const { stdout } = await run(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', STACK_SCRIPT], { cwd: repo });
  const [message, thrower, caller] = JSON.parse(stdout) as string[];
  expect(message).toMatch(/^ShapeError: lstm: input x must have rank 3/);
  expect(thrower).toMatch(new RegExp(`^    at checkSequenceInput \\(${repo}dist/layers/validate\\.js:\\d+:\\d+\\)$`));
  expect(caller).toMatch(new RegExp(`^    at LSTM\\.call \\(${repo}dist/layers/recurrent\\.js:\\d+:\\d+\\)$`));
  const line = Number(/:(\d+):\d+\)$/.exec(thrower as string)?.[1]);
  expect(readFileSync(`${repo}dist/layers/validate.js`, 'utf8').split('\n')[line - 1]).toContain('throw new ShapeError(');
}, 30_000);

it("an uncaught error prints its message under a short source line, not a line of the whole bundle", async () => {
  // Node prints the line of the throw above an uncaught error's message.
  const script = "import { ready, LSTM } from 'wasm-rnn'; await ready(); new LSTM(3, { return_sequences: true });";
  const failure = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: repo }).then(() => null, (error: { stderr: string }) => error);
  expect(failure).not.toBeNull();
  const stderr = (failure as { stderr: string }).stderr;
  expect(stderr).toContain("ConfigError: lstm: unknown option 'return_sequences' (did you mean 'returnSequences'?");
  const sourceLine = stderr.split('\n')[1] ?? '';
  expect(sourceLine.length).toBeLessThanOrEqual(200);
  expect(stderr.length).toBeLessThan(3000);
});
