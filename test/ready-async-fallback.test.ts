// Where process.getBuiltinModule is missing (Node before 20.16), ready() reads the default .wasm
// through a dynamic import of node:fs/promises and compiles it asynchronously: the module is
// loaded when the promise resolves, not before. A file of its own for fresh modules.
import { afterEach, expect, it } from 'vitest';
import { LSTM, kernelVariant, ready, tensor } from '../dist/index.js';

const processWithBuiltins = process as { getBuiltinModule?: unknown };
const original = processWithBuiltins.getBuiltinModule;

afterEach(() => {
  processWithBuiltins.getBuiltinModule = original;
});

it('loads the default module asynchronously without process.getBuiltinModule, and it runs', async () => {
  processWithBuiltins.getBuiltinModule = undefined;
  const pending = ready({ kernels: 'simd' });
  expect(kernelVariant()).toBeNull();
  await pending;
  expect(kernelVariant()).toBe('simd');
  const y = new LSTM(2, { seed: 1 }).apply(tensor(new Float32Array(8).fill(0.5), [1, 4, 2]));
  expect(y.shape).toEqual([1, 2]);
});
