// initSync: synchronous instantiation from a compiled module or its bytes, for
// AudioWorklets and workers. This file never calls ready(): vitest gives each test
// file its own module registry, so initSync is what loads the kernels here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initSync, kernelVariant, ready, tensor, GRU, Dense, Sequential, RuntimeError, type Tensor } from '../dist/index.js';
import { defaultInstance } from '../dist/kernels/default-instance.js';
import { expectError, untyped } from './expect-error.js';
import { randomFloats, seededRandom } from './random.js';

const bytes = readFileSync(new URL('../dist/wasm-rnn.wasm', import.meta.url));

describe('initSync', () => {
  it('refuses what is not a module or its bytes, and bytes that are not WebAssembly, with a RuntimeError', () => {
    expectError(() => initSync(untyped({ wasm: 'wasm-rnn.wasm' })), RuntimeError, ['initSync({ wasm })', 'WebAssembly.Module', 'string']);
    expectError(() => initSync(untyped(undefined)), RuntimeError, ['initSync({ wasm })', 'undefined']);
    expectError(() => initSync({ wasm: new Uint8Array([1, 2, 3, 4]) }), RuntimeError, ['initSync({ wasm }): the 4 bytes given are not a WebAssembly module', '\\0asm']);
    // WebAssembly's magic bytes, then nothing of a module: a compile error, which names SIMD as what it may lack.
    expectError(() => initSync({ wasm: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 9]) }), RuntimeError, ['cannot compile']);
    expect(kernelVariant()).toBeNull();
  });

  it('instantiates synchronously from bytes (here a DataView over part of a larger buffer); layers, models and streams then run', () => {
    const padded = new Uint8Array(bytes.length + 16);
    padded.set(bytes, 8);
    initSync({ wasm: new DataView(padded.buffer, 8, bytes.length) });
    expect(kernelVariant()).toBe('simd');
    const B = 1, T = 5, D = 4;
    const model = new Sequential({ layers: [new GRU({ units: 6, returnSequences: true, seed: 1, inputShape: [null, D] }), new Dense({ units: 3, seed: 2 })] });
    const x = randomFloats(seededRandom(1), B * T * D);
    const whole = model.predict(tensor(x, [B, T, D])) as Tensor;
    const stream = model.stream();
    for (let t = 0; t < T; t++) {
      expect(Array.from(stream.step(x.slice(t * D, (t + 1) * D)))).toEqual(Array.from(whole.data.subarray(t * 3, (t + 1) * 3)));
    }
    stream.dispose();
  });

  it('is idempotent, accepts a compiled Module, and ready() afterwards keeps the same instance', async () => {
    const first = defaultInstance();
    initSync({ wasm: new WebAssembly.Module(bytes) });
    await ready();
    expect(defaultInstance()).toBe(first);
    expect(kernelVariant()).toBe('simd');
  });
});
