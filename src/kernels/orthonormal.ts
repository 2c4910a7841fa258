// Host side of the orthogonal initializer's Cholesky QR (assembly/orthonormal.ts): the fast path
// for the tall Gaussians every recurrent kernel draws. The Gaussian is drawn inside WebAssembly
// from the initializer's random stream, and nothing of the n·m work runs as JavaScript. It
// declines (returns null) whenever its accuracy is not assured, and the caller then runs the
// float64 Householder on the same stream's Gaussian instead.
import { loadedInstance } from './default-instance.js';
import { WASM_MEMORY_LIMIT, alignBlock } from './sizes.js';

/** Below this many vectors the float64 Householder is as quick as a round trip into WebAssembly. */
const MIN_VECTORS = 16;
/** The result must be orthonormal to this (the method gives about 1e-6 when it applies). */
const TOLERANCE = 1e-5;
/** Most normals drawn per call: V8 moves a WebAssembly function to its optimizing tier between calls only. */
const DRAW_CHUNK = 1 << 16;
/** Columns of V per Gram call: summed in float32, then added to G in float64 (G's traffic halves with each doubling). */
const GRAM_BAND = 512;
/** Column panels transposed out of the Gram panels per call, after narrower first calls (see DRAW_CHUNK). */
const COLUMN_PANELS = 64;
/** Column panels solved per call, after a first call of one panel (see DRAW_CHUNK). */
const SOLVE_PANELS = 16;
/** Columns of Q written out per call, after narrower first calls. */
const OUT_COLUMNS = 512;
/** Bytes of the generator's state block (assembly/random.ts RANDOM_STATE_BYTES). */
export const RANDOM_STATE_BYTES = 144;

/**
 * Where the tall m×n matrix comes from: the normals fillLaneNormals draws from an sfc32 stream
 * (its four state words, as src/initializers/random.ts holds them), or given values (row-major,
 * float64).
 */
export type GaussianSource = { readonly words: ArrayLike<number> } | { readonly matrix: Float64Array };

/**
 * The Q (orthonormal columns, diag(R) > 0) of the tall m×n (m >= 2n) matrix `source`, times
 * `gain`: as n rows of length m (Qᵀ) when `asRows`, else as the m×n matrix. null before `ready()`,
 * for shapes outside the method's range or past what WebAssembly memory can hold, and when the
 * Cholesky factor or the result shows the matrix too close to rank-deficient for the method.
 */
export function kernelOrthonormalColumns(source: GaussianSource, m: number, n: number, gain: number, asRows: boolean): Float32Array | null {
  const instance = loadedInstance();
  if (!instance || n < MIN_VECTORS || m < 2 * n) return null;
  const { exports, heap } = instance;
  // Vectors padded to a multiple of 8 with extra ones after the real ones (Gram–Schmidt order:
  // later vectors never change earlier ones), their length to a multiple of 8 with zeros.
  const rows = Math.ceil(n / 8) * 8;
  const blocks = Math.ceil(m / 8);
  const panelBytes = (rows / 8) * (m * 32 + 64); // Gram panels, each one cache line longer (assembly gram_panel_bytes)
  const columnPanelBytes = blocks * 8 * rows * 4;
  const gramBytes = rows * rows * 8;
  const packedBytes = ((rows * rows) / 2 + 2 * rows) * 4; // orthonormal_packed_floats(rows)
  const sourceBytes = 'matrix' in source ? m * n * 8 : 0;
  const parts = [RANDOM_STATE_BYTES, panelBytes, columnPanelBytes, gramBytes, packedBytes, sourceBytes];
  const total = parts.reduce((sum, bytes) => sum + alignBlock(bytes), 0);
  if (total + heap.allocatedBytes > WASM_MEMORY_LIMIT) return null;

  const state = heap.alloc(RANDOM_STATE_BYTES);
  const panels = heap.alloc(panelBytes); // V as Gram panels, then Q's output
  const w = heap.alloc(columnPanelBytes); // V as column panels, then Q
  const gram = heap.alloc(gramBytes); // G, then L, then row sums
  const packed = heap.alloc(packedBytes);
  const matrix = sourceBytes > 0 ? heap.alloc(sourceBytes) : 0;
  try {
    if ('matrix' in source) new Float64Array(exports.memory.buffer, matrix, m * n).set(source.matrix.subarray(0, m * n));
    else {
      new Uint32Array(exports.memory.buffer, state, 4).set(source.words);
      exports.random_seed_lanes(state);
    }
    // Chunks widening from 4096 normals (multiples of 8: each continues the stream).
    for (let from = 0, count = 4096; from < m * n; from += count, count = Math.min(2 * count, DRAW_CHUNK)) {
      exports.orthonormal_fill(state, matrix, panels, n, m, from, Math.min(m * n, from + count));
    }
    exports.orthonormal_pad(panels, rows, n, m);
    for (let first = 0, count = 1; first < blocks; first += count, count = Math.min(2 * count, COLUMN_PANELS)) {
      exports.orthonormal_column_panels(panels, w, rows, m, first, Math.min(blocks, first + count));
    }
    new Float64Array(exports.memory.buffer, gram, rows * rows).fill(0);
    // Bands of columns widening to GRAM_BAND: the calls made before V8's optimizing tier
    // arrives (see DRAW_CHUNK) are the cheap ones.
    for (let from = 0, width = 8; from < m; from += width, width = Math.min(2 * width, GRAM_BAND)) {
      exports.f32_gram_columns(gram, panels, rows, m, from, Math.min(m, from + width));
    }
    for (let i = 0; i < rows; i += 4) if (exports.f64_cholesky_rows(gram, rows, i, packed) !== 0) return null;
    // L is packed; G's memory now sums the squared norms of Q's rows.
    new Float64Array(exports.memory.buffer, gram, rows).fill(0);
    for (let first = 0, count = 1; first < blocks; first += count, count = Math.min(2 * count, SOLVE_PANELS)) {
      exports.f32_substitute_panels(w, rows, packed, first, Math.min(blocks, first + count), gram);
    }
    if (!(exports.f64_norm_deviation(gram, n) < TOLERANCE)) return null;
    for (let from = 0, width = 8; from < m; from += width, width = Math.min(2 * width, OUT_COLUMNS)) {
      exports.f32_orthonormal_out(panels, w, rows, n, m, gain, asRows ? 1 : 0, from, Math.min(m, from + width));
    }
    return new Float32Array(exports.memory.buffer, panels, m * n).slice();
  } finally {
    if (matrix !== 0) heap.release(matrix);
    heap.release(packed);
    heap.release(gram);
    heap.release(w);
    heap.release(panels);
    heap.release(state);
  }
}
