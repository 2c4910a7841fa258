// Host side of Dense's backward pass: dW = Xᵀ·dZ with f32_gemm_tn, dX = dZ·Wᵀ
// with f32_gemm on the kernel packed transposed, db as column sums.
import type { KernelInstance } from './instance.js';
import { checkAddressSpace, paddedUnits } from './recurrent.js';
import { withKernelSession } from './session.js';

export interface DenseGradients {
  /** (rows, D) */
  x: Float32Array;
  /** (D, N) */
  kernel: Float32Array;
  /** (N) */
  bias: Float32Array;
}

/** Gradients of Dense on x (rows, D) with kernel (D, N), from dZ (rows, N), the gradient before the activation. */
export function denseBackward(instance: KernelInstance, x: Float32Array, kernel: Float32Array, dZ: Float32Array, rows: number, D: number, N: number): DenseGradients {
  const Np = paddedUnits(N);
  const Dp = paddedUnits(D);
  const { exports } = instance;
  const packedFloats = exports.f32_packed_size(Np, Dp);
  const packBytes = Math.max(exports.f32_gemm_pack_bytes(rows, Np), exports.f32_gemm_tn_scratch_bytes());
  checkAddressSpace([x.byteLength, kernel.byteLength, rows * Np * 4, D * Np * 4, Np * 4, packedFloats * 4, rows * Dp * 4, packBytes],
    () => `Dense backward on ${rows} rows of ${D} features with ${N} units`, instance);
  return withKernelSession(instance, (session) => {
    const heap = instance.heap;
    const px = session.upload(x, x.length);
    const pk = session.upload(kernel, kernel.length);
    const dz = session.alloc(rows * Np * 4);
    const padded = heap.f32(dz, rows * Np);
    padded.fill(0);
    for (let r = 0; r < rows; r++) padded.set(dZ.subarray(r * N, (r + 1) * N), r * Np);
    const dW = session.alloc(D * Np * 4);
    const db = session.alloc(Np * 4);
    const packed = session.alloc(packedFloats * 4);
    const dX = session.alloc(rows * Dp * 4);
    const pack = session.alloc(packBytes);
    exports.f32_gemm_tn(dW, Np, px, D, dz, Np, D, Np, rows, 0, pack);
    exports.f32_column_sums(db, dz, Np, rows, Np, 0);
    exports.f32_gemm_pack_transposed(packed, pk, N, 1, N, Np, D, Dp);
    exports.f32_gemm(dX, Dp, dz, Np, packed, rows, Dp, Np, 0, pack);
    const unpad = (ptr: number, r: number, from: number, to: number) => {
      const src = session.download(ptr, r * from);
      const out = new Float32Array(r * to);
      for (let i = 0; i < r; i++) out.set(src.subarray(i * from, i * from + to), i * to);
      return out;
    };
    return { x: unpad(dX, rows, Dp, D), kernel: unpad(dW, D, Np, N), bias: session.download(db, N) };
  });
}
