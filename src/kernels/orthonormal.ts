// Host side of the orthogonal initializer's Cholesky QR (assembly/orthonormal.ts): the fast path
// for the tall Gaussians every recurrent kernel draws. It declines (returns null) whenever its
// accuracy is not assured, and the caller then runs the float64 Householder instead.
import { loadedInstance } from './default-instance.js';

/** Below this many vectors the float64 Householder is as quick as a round trip into WebAssembly. */
const MIN_VECTORS = 16;
/** The result must be orthonormal to this (the method gives about 1e-6 when it applies). */
const TOLERANCE = 1e-5;

/**
 * For the row-major m×n `a` (m >= 2n), its Q (orthonormal columns, diag(R) > 0) transposed: n rows
 * of length m. null before `ready()`, for shapes outside the method's range, and when the Cholesky
 * factor or the result shows `a` too close to rank-deficient for it.
 */
export function kernelOrthonormalColumns(a: Float64Array, m: number, n: number): Float32Array | null {
  const instance = loadedInstance();
  if (!instance || n < MIN_VECTORS || m < 2 * n) return null;
  const { exports, heap } = instance;
  // Vectors padded to a multiple of 8 with extra ones after the real ones (Gram–Schmidt order:
  // later vectors never change earlier ones), their length to a multiple of 8 with zeros. A row
  // stride that is a multiple of 512 bytes would put the substitution's row streams on the same
  // cache sets: 32 bytes more keeps them apart.
  const rows = Math.ceil(n / 8) * 8;
  const ld = Math.ceil(m / 8) * 8 + (m % 128 === 0 ? 8 : 0);
  const vectors = heap.alloc(rows * ld * 4);
  const panels = heap.alloc(rows * ld * 4); // V as Gram panels, then Q as substitution panels
  const gram = heap.alloc(rows * rows * 8);
  const packed = heap.alloc(exports.orthonormal_packed_floats(rows) * 4);
  try {
    fillPanels(heap.f32(panels, rows * m), a, m, n, rows);
    const v = heap.f32(vectors, rows * ld);
    v.fill(0);
    transposeInto(v, ld, a, m, n);
    for (let j = n; j < rows; j++) {
      for (let i = 0; i < m; i++) v[j * ld + i] = paddingValue(i, j);
    }
    new Float64Array(exports.memory.buffer, gram, rows * rows).fill(0);
    // One call per panel or row block: V8 optimizes a WebAssembly function between calls only.
    for (let jb = 0; jb < rows / 8; jb++) exports.f32_gram_panel(gram, panels, rows, m, jb);
    for (let i = 0; i < rows; i += 4) if (exports.f64_cholesky_rows(gram, rows, i) !== 0) return null;
    exports.f32_pack_cholesky_factor(packed, gram, rows);
    for (let i = 0; i < rows; i += 4) exports.f32_substitute_rows(vectors, ld, packed, panels, rows, i);
    if (!(exports.f32_row_norm_deviation(vectors, ld, n) < TOLERANCE)) return null;
    const q = new Float32Array(n * m);
    const result = heap.f32(vectors, rows * ld);
    for (let j = 0; j < n; j++) q.set(result.subarray(j * ld, j * ld + m), j * m);
    return q;
  } finally {
    heap.release(packed);
    heap.release(gram);
    heap.release(panels);
    heap.release(vectors);
  }
}

/** V as [rows/8][m][8]: panel p holds columns 8p..8p+7 of the m×n `a`, then the padding vectors. */
function fillPanels(target: Float32Array, a: Float64Array, m: number, n: number, rows: number): void {
  for (let p = 0; p < rows / 8; p++) {
    const base = p * m * 8;
    for (let lane = 0; lane < 8; lane++) {
      const j = p * 8 + lane;
      if (j < n) for (let i = 0; i < m; i++) target[base + i * 8 + lane] = a[i * n + j];
      else for (let i = 0; i < m; i++) target[base + i * 8 + lane] = paddingValue(i, j);
    }
  }
}

/** target[j·ld + i] = a[i·n + j] (a is m×n), in tiles so that reads and writes both stay in cache. */
function transposeInto(target: Float32Array, ld: number, a: Float64Array, m: number, n: number): void {
  const TILE = 32;
  for (let i0 = 0; i0 < m; i0 += TILE) {
    const i1 = Math.min(m, i0 + TILE);
    for (let j0 = 0; j0 < n; j0 += TILE) {
      const j1 = Math.min(n, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) target[j * ld + i] = a[i * n + j];
      }
    }
  }
}

/** Deterministic filler in [-1, 1) for the padding vectors (a hash of the position). */
function paddingValue(i: number, j: number): number {
  let h = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(j + 1, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return (h ^ (h >>> 13)) / 2 ** 31;
}
