// Host side of Dense: the kernel packed once into GEMM panels, then one
// product, activation and row compaction per call inside WebAssembly.
import type { ActivationId } from './ids.js';
import { kernelRuntime } from './module.js';
import type { KernelSession } from './session.js';

/** Softmax is a row operation, not an elementwise activation: it has its own id on this side. */
export const SOFTMAX = -1;

export interface PackedDenseWeights {
  readonly inputDim: number;
  readonly units: number;
  /** units rounded up to whole vectors: the GEMM's column count. */
  readonly paddedUnits: number;
  readonly packed: number;
}

/** kernel (D, N) row-major and bias (N) or null. */
export function packDenseWeights(inputDim: number, units: number, kernel: Float32Array, bias: Float32Array | null): PackedDenseWeights {
  const { exports, heap } = kernelRuntime();
  const paddedUnits = Math.ceil(units / 4) * 4;
  const packed = heap.alloc(exports.f32_packed_size(inputDim, paddedUnits) * 4);
  const staging = heap.alloc(kernel.byteLength + (bias?.byteLength ?? 0));
  try {
    heap.f32(staging, kernel.length).set(kernel);
    const biasPtr = bias ? staging + kernel.byteLength : 0;
    if (bias) heap.f32(biasPtr, bias.length).set(bias);
    exports.f32_pack_gate_panels(packed, staging, units, biasPtr, inputDim, 1, units, paddedUnits);
  } finally {
    heap.release(staging);
  }
  return { inputDim, units, paddedUnits, packed };
}

export function releaseDenseWeights(weights: PackedDenseWeights): void {
  kernelRuntime().heap.release(weights.packed);
}

/** out (M, N) = act(x (M, D) · W + b); returns the result copied out of WebAssembly memory. */
export function runDense(session: KernelSession, weights: PackedDenseWeights, x: Float32Array, rows: number, activation: ActivationId | typeof SOFTMAX): Float32Array {
  const { exports } = session;
  const { inputDim, units, paddedUnits } = weights;
  const input = session.upload(x);
  const wide = session.alloc(rows * paddedUnits * 4);
  exports.f32_gemm(wide, paddedUnits, input, inputDim, weights.packed, rows, paddedUnits, inputDim, 0);
  if (activation === SOFTMAX) exports.f32_softmax_rows(wide, rows, units, paddedUnits);
  else exports.f32_vactivate(wide, wide, rows * paddedUnits, activation);
  if (paddedUnits === units) return session.download(wide, rows * units);
  const out = session.alloc(rows * units * 4);
  exports.f32_copy_rows(out, units, wide, paddedUnits, rows, units);
  return session.download(out, rows * units);
}
