// readNodeFile's two ways to node:fs: process.getBuiltinModule (Node 20.16+, no module loading on
// the cold path) and the dynamic import of node:fs/promises for runtimes without it.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { readNodeFile } from '../src/platform.js';

const FILE = new URL('../package.json', import.meta.url);
const processWithBuiltins = process as { getBuiltinModule?: unknown };
const original = processWithBuiltins.getBuiltinModule;

describe('readNodeFile', () => {
  afterEach(() => {
    processWithBuiltins.getBuiltinModule = original;
  });

  it('reads a file: URL or a path through process.getBuiltinModule', async () => {
    expect(typeof original).toBe('function');
    const expected = new Uint8Array(readFileSync(FILE));
    expect(await readNodeFile(FILE)).toEqual(expected);
    expect(await readNodeFile(FILE.pathname)).toEqual(expected);
  });

  it('reads the same bytes through node:fs/promises where getBuiltinModule is missing', async () => {
    processWithBuiltins.getBuiltinModule = undefined;
    expect(await readNodeFile(FILE)).toEqual(new Uint8Array(readFileSync(FILE)));
  });

  it('rejects with the file system error for a missing file, either way', async () => {
    const missing = new URL('../no-such-file.wasm', import.meta.url);
    await expect(readNodeFile(missing)).rejects.toThrow(/ENOENT/);
    processWithBuiltins.getBuiltinModule = undefined;
    await expect(readNodeFile(missing)).rejects.toThrow(/ENOENT/);
  });
});
