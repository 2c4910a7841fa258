// Which packaged kernel build a test file loads. The plain files pin 'simd' so
// that build is always covered, whatever the Node version's default;
// relaxed-simd.test.ts re-runs them with 'relaxed-simd'.
import type { KernelVariant } from '../dist/index.js';

const holder = globalThis as { wasmRnnTestKernels?: KernelVariant };

export function testKernelVariant(): KernelVariant {
  return holder.wasmRnnTestKernels ?? 'simd';
}

export function useKernelVariant(variant: KernelVariant): void {
  holder.wasmRnnTestKernels = variant;
}
