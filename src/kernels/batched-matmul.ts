// Host side of batched matrix products (Dot, Attention): each batch's right operand packed into
// GEMM panels, then one f32_gemm per batch, all inside one kernel session.
import type { KernelInstance } from './instance.js';
import { checkAddressSpace, paddedUnits } from './recurrent.js';
import { withKernelSession } from './session.js';

/** out[b] (M, N) = a[b] (M, K) · c[b] (K, N) for every b < batch, all row-major. */
export function batchedMatmul(
  instance: KernelInstance, a: Float32Array, c: Float32Array, batch: number, M: number, K: number, N: number, what: () => string,
): Float32Array {
  if (batch === 0 || M === 0 || N === 0) return new Float32Array(batch * M * N);
  if (K === 0) return new Float32Array(batch * M * N);
  const Np = paddedUnits(N);
  const { exports } = instance;
  const packedFloats = exports.f32_packed_size(K, Np);
  const packBytes = exports.f32_gemm_pack_bytes(M, K);
  checkAddressSpace([a.byteLength, c.byteLength, packedFloats * 4, M * Np * 4, batch * M * N * 4, packBytes], what, instance);
  return withKernelSession(instance, (session) => {
    const left = session.upload(a, batch * M * K);
    const right = session.upload(c, batch * K * N);
    const packed = session.alloc(packedFloats * 4);
    const wide = session.alloc(M * Np * 4);
    const out = session.alloc(batch * M * N * 4);
    const pack = session.alloc(packBytes);
    for (let b = 0; b < batch; b++) {
      exports.f32_gemm_pack_weights(packed, right + b * K * N * 4, N, 0, K, 1, N, Np);
      exports.f32_gemm(wide, Np, left + b * M * K * 4, K, packed, M, Np, K, 0, pack);
      exports.f32_copy_rows(out + b * M * N * 4, N, wide, Np, M, N);
    }
    return session.download(out, batch * M * N);
  });
}
