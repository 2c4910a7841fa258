// Before ready() and around it, in a file of its own (vitest gives each file fresh modules):
// forgetting `await ready()` is the RuntimeError wherever it shows, ready()'s options are checked,
// and a second ready() may repeat the first one's options or leave them out, but not change them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConfigError, LSTM, RuntimeError, Sequential, ShapeError, kernelVariant, ready, tensor, type ReadyOptions,
} from '../dist/index.js';
import { expectError, rejected, untyped } from './expect-error.js';

describe('before ready()', () => {
  it('Sequential.add of a layer with an inputShape is the not-ready RuntimeError, not a ShapeError', () => {
    const model = new Sequential();
    const error = expectError(() => model.add(new LSTM({ units: 3, inputShape: [4, 2] })), untyped(RuntimeError), ['not ready', 'await ready()']);
    expect(error).not.toBeInstanceOf(ShapeError);
    expect(() => new LSTM(2).apply(tensor(new Float32Array(8), [1, 4, 2]))).toThrow(RuntimeError);
  });
});

describe('ready() options', () => {
  it('unknown options are a ConfigError naming them; a bad kernels value stays a RuntimeError', async () => {
    const unknown = await rejected(ready(untyped<ReadyOptions>({ kernel: 'simd' })));
    expect(unknown).toBeInstanceOf(ConfigError);
    expect(unknown.message).toContain("ready: unknown option 'kernel' (did you mean 'kernels'?)");
    const notObject = await rejected(ready(untyped<ReadyOptions>('simd')));
    expect(notObject).toBeInstanceOf(ConfigError);
    expect(notObject.message).toContain('ready: options must be an object');
    const badKernels = await rejected(ready(untyped<ReadyOptions>({ kernels: 'sse' })));
    expect(badKernels).toBeInstanceOf(RuntimeError);
    expect(badKernels.message).toContain('received "sse"');
    expect(kernelVariant()).toBeNull();
  });

  it('a second ready() with the same options or none is fine; other options are a ConfigError', async () => {
    await ready({ kernels: 'simd' });
    expect(kernelVariant()).toBe('simd');
    await ready();
    await ready({});
    await ready({ kernels: 'simd' });
    await ready({ kernels: 'auto' });
    const other = await rejected(ready({ kernels: 'relaxed-simd' }));
    expect(other).toBeInstanceOf(ConfigError);
    expect(other.message).toContain("ready() asks for kernels: 'relaxed-simd', but wasm-rnn already loads the 'simd' build");
    const bytes = readFileSync(new URL('../dist/wasm-rnn.wasm', import.meta.url));
    const wasm = await rejected(ready({ wasm: bytes }));
    expect(wasm).toBeInstanceOf(ConfigError);
    expect(wasm.message).toContain('another wasm source');
    // Still loaded and working.
    expect(kernelVariant()).toBe('simd');
    const out = new LSTM(2, { seed: 1 }).apply(tensor(new Float32Array(8).fill(0.5), [1, 4, 2]));
    expect(out.shape).toEqual([1, 2]);
  });
});
