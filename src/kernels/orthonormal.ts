// Host side of the orthogonal initializer's Cholesky QR (assembly/orthonormal.ts): the fast path
// for the tall Gaussians every recurrent kernel draws. The Gaussian is drawn inside WebAssembly
// from the initializer's random stream, and nothing of the n·m work runs as JavaScript. It
// declines (returns null) whenever its accuracy is not assured, and the caller then runs the
// float64 Householder on the same stream's Gaussian instead.
import { loadedInstance } from './default-instance.js';
import type { KernelInstance } from './instance.js';
import { WASM_MEMORY_LIMIT, alignBlock } from './sizes.js';

/** Below this many vectors the float64 Householder is as quick as a round trip into WebAssembly. */
const MIN_VECTORS = 16;
/** The result must be orthonormal to this (the method gives about 1e-6 when it applies). */
const TOLERANCE = 1e-5;
/** Most column-panel groups (8 normals each) drawn per call: V8 moves a WebAssembly function to its optimizing tier between calls only. */
const DRAW_GROUPS = 1 << 13;
/** Bytes of V per Gram band: the band, turned into Gram panels, stays in L2 while every block of G meets it. */
const GRAM_BAND_BYTES = 1 << 18;
/** Column panels solved per call, after a first call of one panel (see DRAW_GROUPS). */
const SOLVE_PANELS = 16;
/** Bytes of the generator's state block (assembly/random.ts RANDOM_STATE_BYTES). */
export const RANDOM_STATE_BYTES = 144;

/**
 * Where the tall m×n matrix comes from: the normals laneGaussian lays out from an sfc32 stream
 * (its four state words, as src/initializers/random.ts holds them), or given values (row-major,
 * float64).
 */
export type GaussianSource = { readonly words: ArrayLike<number> } | { readonly matrix: Float64Array };

/**
 * The Q (orthonormal columns, diag(R) > 0) of the tall m×n (m >= 2n) matrix `source`, times
 * `gain`: as n rows of length m (Qᵀ) when `asRows`, else as the m×n matrix. null before `ready()`,
 * for shapes outside the method's range or past what WebAssembly memory can hold, and when the
 * Cholesky factor or the result shows the matrix too close to rank-deficient for the method.
 * `instance` is the default one unless a test compares builds.
 */
export function kernelOrthonormalColumns(
  source: GaussianSource,
  m: number,
  n: number,
  gain: number,
  asRows: boolean,
  instance: KernelInstance | undefined = loadedInstance(),
): Float32Array | null {
  if (!instance || n < MIN_VECTORS || m < 2 * n) return null;
  const { exports, heap } = instance;
  // Vectors padded to a multiple of 8 with extra ones after the real ones (Gram–Schmidt order:
  // later vectors never change earlier ones), their length to a multiple of 8 with zeros.
  const rows = Math.ceil(n / 8) * 8;
  const blocks = Math.ceil(m / 8);
  const columnPanelBytes = blocks * (rows * 32 + 64); // each panel one cache line longer (assembly column_panel_bytes)
  const band = Math.max(1, Math.min(blocks, Math.floor(GRAM_BAND_BYTES / (rows * 32))));
  const scratchBytes = exports.orthonormal_scratch_bytes(rows, band);
  const gramBytes = rows * rows * 8;
  const packedBytes = ((rows * rows) / 2 + 2 * rows) * 4; // orthonormal_packed_floats(rows)
  // Output rows (Q's rows of length m, or the tall matrix's of length n): the first ones go to
  // G's memory, dead once L is packed and already touched, so that fewer fresh pages fault in.
  const [outRows, rowLength] = asRows ? [n, m] : [m, n];
  const headRows = Math.min(outRows, Math.floor(gramBytes / (4 * rowLength)));
  const tailBytes = Math.max(4, (outRows - headRows) * rowLength * 4);
  const sourceBytes = 'matrix' in source ? m * n * 8 : 0;
  const parts = [RANDOM_STATE_BYTES, columnPanelBytes, scratchBytes, gramBytes, packedBytes, rows * 8, tailBytes, sourceBytes];
  const total = parts.reduce((sum, bytes) => sum + alignBlock(bytes), 0);
  if (total + heap.allocatedBytes > WASM_MEMORY_LIMIT) return null;

  const state = heap.alloc(RANDOM_STATE_BYTES);
  const w = heap.alloc(columnPanelBytes); // V as column panels, then Q
  const scratch = heap.alloc(scratchBytes); // one band of V as Gram panels
  const gram = heap.alloc(gramBytes); // G, then L, then the first rows of the output
  const packed = heap.alloc(packedBytes);
  const sums = heap.alloc(rows * 8); // squared norms of Q's rows
  const tail = heap.alloc(tailBytes); // the rest of the output
  const matrix = sourceBytes > 0 ? heap.alloc(sourceBytes) : 0;
  try {
    if ('matrix' in source) new Float64Array(exports.memory.buffer, matrix, m * n).set(source.matrix.subarray(0, m * n));
    else {
      new Uint32Array(exports.memory.buffer, state, 4).set(source.words);
      exports.random_seed_lanes(state);
    }
    // Groups of 8 entries of one vector, in storage order, in chunks widening from 512 groups.
    const groups = blocks * n;
    for (let from = 0, count = 512; from < groups; from += count, count = Math.min(2 * count, DRAW_GROUPS)) {
      exports.orthonormal_fill(state, matrix, w, rows, n, m, from, Math.min(groups, from + count));
    }
    exports.orthonormal_pad(w, rows, n, m);
    new Float64Array(exports.memory.buffer, gram, rows * rows).fill(0);
    // Bands widening to `band` panels: the calls made before V8's optimizing tier arrives (see
    // DRAW_GROUPS) are the cheap ones.
    for (let first = 0, count = 1; first < blocks; first += count, count = Math.min(2 * count, band)) {
      exports.f32_gram_band(gram, w, scratch, rows, first, Math.min(blocks, first + count));
    }
    for (let i = 0; i < rows; i += 4) if (exports.f64_cholesky_rows(gram, rows, i, packed) !== 0) return null;
    new Float64Array(exports.memory.buffer, sums, rows).fill(0);
    for (let first = 0, count = 1; first < blocks; first += count, count = Math.min(2 * count, SOLVE_PANELS)) {
      exports.f32_substitute_panels(w, rows, packed, first, Math.min(blocks, first + count), sums, gram, headRows, tail, n, m, gain, asRows ? 1 : 0);
    }
    if (!(exports.f64_norm_deviation(sums, n) < TOLERANCE)) return null;
    const result = new Float32Array(m * n);
    const split = headRows * rowLength;
    result.set(new Float32Array(exports.memory.buffer, gram, split));
    result.set(new Float32Array(exports.memory.buffer, tail, m * n - split), split);
    return result;
  } finally {
    if (matrix !== 0) heap.release(matrix);
    heap.release(tail);
    heap.release(sums);
    heap.release(packed);
    heap.release(gram);
    heap.release(scratch);
    heap.release(w);
    heap.release(state);
  }
}
