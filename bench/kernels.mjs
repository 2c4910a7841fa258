// Which wasm-rnn kernel build the bench loads. 'auto' is what users get: the
// relaxed-SIMD build (fused multiply-add) where the engine has relaxed SIMD.
// Newer Node and Chrome have it on; Node 20 needs a V8 flag, set here before
// any module is compiled. --kernels simd|relaxed-simd pins one build.
import { setFlagsFromString } from 'node:v8';

export const KERNEL_CHOICES = ['auto', 'simd', 'relaxed-simd'];

export function benchKernels() {
  return process.env.WASM_RNN_BENCH_KERNELS ?? 'auto';
}

/** Call before ready(): lets V8 compile relaxed SIMD unless the plain build was asked for. */
export function readyOptions() {
  const kernels = benchKernels();
  if (kernels !== 'simd') setFlagsFromString('--experimental-wasm-relaxed-simd');
  return { kernels };
}
