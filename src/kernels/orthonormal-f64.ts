// Host side of the orthogonal initializer's float64 Cholesky QR, twice (assembly/orthonormal_f64.ts):
// the path for square and near-square Gaussians (a SimpleRNN's recurrent kernel, m < 2n), which
// the float32 Cholesky QR declines. The Gaussian is the same stream's, drawn in WebAssembly as
// the float32 path draws it, then widened. It declines (returns null) when a pivot shows the
// matrix too close to rank-deficient, and the caller then runs the float64 Householder in
// JavaScript on the same Gaussian instead.
import { loadedInstance } from './default-instance.js';
import type { KernelInstance } from './instance.js';
import { RANDOM_STATE_BYTES, choleskyFactor, drawColumnPanels, type GaussianSource } from './orthonormal.js';
import { WASM_MEMORY_LIMIT, alignBlock } from './sizes.js';

/** Below this many vectors the float64 Householder is as quick as a round trip into WebAssembly. */
const MIN_VECTORS = 16;
/**
 * A pivot must keep more than this much of its row's squared norm in the first pass: G is exact
 * to about 1e-13 of its diagonal, far below it, and the second pass makes Q orthonormal for any
 * κ(V) the first Cholesky survives with it.
 */
const MIN_PIVOT_RATIO = 1e-10;
/** The second pass's pivots are all about 1. */
const SECOND_PASS_PIVOT_RATIO = 0.5;
/** After both passes, Q's rows have unit norm to this (float64 rounding gives about 1e-14). */
const TOLERANCE = 1e-9;
/** Bytes of V per Gram band: the band, turned into Gram panels, stays in L2 while every block of G meets it. */
const GRAM_BAND_BYTES = 1 << 19;
/** Float64 panels solved per call, after a first call of one panel (V8 swaps in optimized code between calls only). */
const SOLVE_PANELS = 32;

/**
 * The Q (orthonormal columns, diag(R) > 0) of the tall m×n (n <= m) matrix `source`, times
 * `gain`: as n rows of length m (Qᵀ) when `asRows`, else as the m×n matrix. null before
 * `ready()`, for fewer than 16 vectors, past what WebAssembly memory can hold, and when a pivot
 * shows the matrix too close to rank-deficient. `instance` is the default one unless a test
 * compares builds.
 */
export function kernelOrthonormalColumnsF64(
  source: GaussianSource,
  m: number,
  n: number,
  gain: number,
  asRows: boolean,
  instance: KernelInstance | undefined = loadedInstance(),
): Float32Array | null {
  if (!instance || n < MIN_VECTORS || m < n) return null;
  const { exports, heap } = instance;
  // Zero vectors pad n to a multiple of 4; lengths are padded to a multiple of 8 with zeros.
  const rows = Math.ceil(n / 4) * 4;
  const blocks = Math.ceil(m / 8);
  const panels = 2 * blocks;
  const drawBytes = blocks * (rows * 32 + 32); // float32 column panels, an 8-float slot before each
  const panelBytes = panels * (rows * 32 + 64); // float64 panels (assembly f64_panel_bytes)
  const band = Math.max(1, Math.min(panels, Math.floor(GRAM_BAND_BYTES / (rows * 32))));
  const scratchBytes = exports.orthonormal_f64_scratch_bytes(rows, band);
  const gramBytes = rows * rows * 8;
  const factorBytes = ((rows * rows) / 2 + 2 * rows) * 8;
  const sourceBytes = 'matrix' in source ? m * n * 8 : 0;
  const parts = [RANDOM_STATE_BYTES, drawBytes, panelBytes, scratchBytes, gramBytes, factorBytes, rows * 8, m * n * 4, sourceBytes];
  const total = parts.reduce((sum, bytes) => sum + alignBlock(bytes), 0);
  if (total + heap.allocatedBytes > WASM_MEMORY_LIMIT) return null;

  const state = heap.alloc(RANDOM_STATE_BYTES);
  const drawn = heap.alloc(drawBytes); // V as float32 column panels
  const matrix = sourceBytes > 0 ? heap.alloc(sourceBytes) : 0;
  const w = heap.alloc(panelBytes); // V as float64 panels, then Q
  const scratch = heap.alloc(scratchBytes); // one band of V as Gram panels
  const gram = heap.alloc(gramBytes); // G, then L
  const factor = heap.alloc(factorBytes); // L, packed for the solve
  const sums = heap.alloc(rows * 8); // squared norms of Q's rows
  const out = heap.alloc(m * n * 4);
  try {
    drawColumnPanels(instance, source, state, matrix, drawn + 32, rows, n, m);
    exports.orthonormal_widen(w, drawn + 32, rows, n, blocks);
    for (const minRatio of [MIN_PIVOT_RATIO, SECOND_PASS_PIVOT_RATIO]) {
      const g = new Float64Array(exports.memory.buffer, gram, rows * rows);
      g.fill(0);
      // Bands widening to `band` panels: the calls made before V8's optimizing tier arrives are the cheap ones.
      for (let first = 0, count = 1; first < panels; first += count, count = Math.min(2 * count, band)) {
        exports.f64_gram_band(gram, w, scratch, rows, first, Math.min(panels, first + count));
      }
      for (let i = n; i < rows; i++) g[i * rows + i] = 1; // the zero vectors' unit pivots
      if (!choleskyFactor(instance, gram, rows, factor, minRatio, true)) return null;
      new Float64Array(exports.memory.buffer, sums, rows).fill(0);
      for (let first = 0, count = 1; first < panels; first += count, count = Math.min(2 * count, SOLVE_PANELS)) {
        exports.f64_substitute_panels(w, rows, factor, first, Math.min(panels, first + count), sums);
      }
    }
    if (!(exports.f64_norm_deviation(sums, n) < TOLERANCE)) return null;
    exports.f64_orthonormal_write(out, w, rows, n, m, gain, asRows ? 1 : 0);
    return new Float32Array(exports.memory.buffer, out, m * n).slice();
  } finally {
    heap.release(out);
    heap.release(sums);
    heap.release(factor);
    heap.release(gram);
    heap.release(scratch);
    heap.release(w);
    if (matrix !== 0) heap.release(matrix);
    heap.release(drawn);
    heap.release(state);
  }
}
