// Host side of Dense: the kernel packed once into GEMM panels, then one
// product, activation and row compaction per call inside WebAssembly.
import type { ActivationId } from './ids.js';
import type { KernelInstance } from './instance.js';
import { checkAddressSpace, paddedUnits } from './recurrent.js';
import { trapsAsErrors, withKernelSession } from './session.js';
import { blockBytes, checkFits, checkedPackedBytes, packedMatrixBytes, type Describe } from './sizes.js';

/** What follows the product: an elementwise activation, or softmax over each row. */
export type DenseOutput = { readonly elementwise: ActivationId } | 'softmax';

export interface PackedDenseWeights {
  readonly instance: KernelInstance;
  readonly inputDim: number;
  readonly units: number;
  /** units rounded up to whole vectors: the GEMM's column count. */
  readonly paddedUnits: number;
  readonly packed: number;
}

/** The bytes packing Dense weights holds at once: the packed matrix and the staged kernel and bias. */
export function denseWeightBytes(inputDim: number, units: number, what: Describe): number {
  return blockBytes([packedMatrixBytes(inputDim, paddedUnits(units), what), blockBytes([inputDim * units * 4, units * 4], what)], what);
}

/** Throws a RuntimeError naming `what` unless such weights fit beside what the heap holds; layers call it before initializing. */
export function checkDenseWeightsFit(instance: KernelInstance, inputDim: number, units: number, what: Describe): void {
  checkFits(denseWeightBytes(inputDim, units, what), instance.heap.allocatedBytes, what);
}

/** kernel (D, N) row-major and bias (N) or null. */
export function packDenseWeights(instance: KernelInstance, inputDim: number, units: number, kernel: Float32Array, bias: Float32Array | null): PackedDenseWeights {
  const { exports, heap } = instance;
  const padded = paddedUnits(units);
  const what = () => `Dense weights for ${inputDim} input features and ${units} units`;
  checkDenseWeightsFit(instance, inputDim, units, what);
  const packed = heap.alloc(checkedPackedBytes(exports, inputDim, padded, what));
  try {
    const staging = heap.alloc(kernel.byteLength + (bias?.byteLength ?? 0));
    try {
      heap.f32(staging, kernel.length).set(kernel);
      const biasPtr = bias ? staging + kernel.byteLength : 0;
      if (bias) heap.f32(biasPtr, bias.length).set(bias);
      trapsAsErrors(() => exports.f32_gemm_pack_weights(packed, staging, units, biasPtr, inputDim, 1, units, padded));
    } finally {
      heap.release(staging);
    }
  } catch (error) {
    heap.release(packed);
    throw error;
  }
  return { instance, inputDim, units, paddedUnits: padded, packed };
}

export function releaseDenseWeights(weights: PackedDenseWeights): void {
  weights.instance.heap.release(weights.packed);
}

/** out (M, N) = act(x (M, D) · W + b); returns the result copied out of WebAssembly memory. */
export function runDense(weights: PackedDenseWeights, x: Float32Array, rows: number, output: DenseOutput, layerName = 'Dense'): Float32Array {
  const { inputDim, units, paddedUnits: padded, instance } = weights;
  const packBytes = instance.exports.f32_gemm_pack_bytes(rows, inputDim);
  checkAddressSpace([x.length * 4, rows * padded * 4, rows * units * 4, packBytes], () => `${layerName}: Dense on ${rows} rows of ${inputDim} features with ${units} units`, instance);
  return withKernelSession(instance, (session) => {
    const { exports } = session;
    const input = session.upload(x, rows * inputDim);
    const wide = session.alloc(rows * padded * 4);
    const pack = session.alloc(packBytes);
    exports.f32_gemm(wide, padded, input, inputDim, weights.packed, rows, padded, inputDim, 0, pack);
    if (output === 'softmax') exports.f32_softmax_rows(wide, rows, units, padded);
    else exports.f32_vactivate(wide, wide, rows * padded, output.elementwise);
    if (padded === units) return session.download(wide, rows * units);
    const out = session.alloc(rows * units * 4);
    exports.f32_copy_rows(out, units, wide, padded, rows, units);
    return session.download(out, rows * units);
  });
}
