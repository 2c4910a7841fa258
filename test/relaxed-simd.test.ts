// The relaxed-SIMD build (fused multiply-add) against the same fixtures and
// the same kernel tables as the plain SIMD build. Node 20 needs the V8 flag;
// newer Node and Chrome have relaxed SIMD on by default.
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { useKernelVariant } from './kernel-variant.js';

setFlagsFromString('--experimental-wasm-relaxed-simd');
useKernelVariant('relaxed-simd');

await import('./fixtures.test.js');
await import('./kernels.test.js');
await import('./streaming.test.js');
await import('./streaming-layers.test.js');
await import('./streaming-matrix.test.js');
await import('./streaming-allocation.test.js');
await import('./time-distributed-model-stream.test.js');
await import('./streaming-frames.test.js');
await import('./streaming-files.test.js');
await import('./streaming-sweep.test.js');
await import('./streaming-frames-sweep.test.js');
await import('./streaming-windows-sweep.test.js');
await import('./training-kernels.test.js');
await import('./training-fixtures.test.js');
await import('./training-recurrent-dropout.test.js');
await import('./conv-lstm.test.js');
await import('./activation-layers.test.js');
await import('./streaming-activation-layers.test.js');

describe('relaxed-SIMD build', () => {
  it('is the build these tests ran on', async () => {
    const { kernelVariant } = await import('../dist/index.js');
    expect(kernelVariant()).toBe('relaxed-simd');
  });
});
