// ready() in Node reads, compiles and instantiates a file synchronously (the default .wasm beside
// the package, or a file: URL or path), yet keeps its contract: it returns a Promise, a failure is
// a rejection (never a synchronous throw) after which ready() can be called again, and where
// process.getBuiltinModule is missing it takes the asynchronous way. A file of its own, as vitest
// gives each test file fresh modules (the kernel module loads once per module registry).
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeError, kernelVariant, ready } from '../dist/index.js';
import { rejected } from './expect-error.js';

const processWithBuiltins = process as { getBuiltinModule?: unknown };
const original = processWithBuiltins.getBuiltinModule;
const missing = new URL('../no-such-file.wasm', import.meta.url);

describe('ready() in Node', () => {
  afterEach(() => {
    processWithBuiltins.getBuiltinModule = original;
  });

  it('rejects, asynchronously, for a missing file either way, and loads nothing', async () => {
    let pending: Promise<void> | undefined;
    expect(() => { pending = ready({ wasm: missing }); }).not.toThrow();
    const error = await rejected(pending!);
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error.message).toContain('cannot load the wasm-rnn WebAssembly module');
    expect(error.message).toContain('ENOENT');
    expect((error as Error & { cause?: { code?: string } }).cause?.code).toBe('ENOENT');
    processWithBuiltins.getBuiltinModule = undefined;
    const viaImport = await rejected(ready({ wasm: missing.pathname }));
    expect(viaImport).toBeInstanceOf(RuntimeError);
    expect(viaImport.message).toContain('ENOENT');
    expect(kernelVariant()).toBeNull();
  });

  it('has the default module loaded when the call returns, and still returns a Promise', async () => {
    expect(typeof original).toBe('function');
    const pending = ready({ kernels: 'simd' });
    expect(pending).toBeInstanceOf(Promise);
    expect(kernelVariant()).toBe('simd');
    await pending;
    await expect(ready({ kernels: 'relaxed-simd' })).rejects.toThrow("ready() asks for kernels: 'relaxed-simd'");
  });
});
