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
/** The float32 solve needs every pivot to keep more than this much of its row's squared norm. */
const MIN_PIVOT_RATIO = 1e-3;
/** Rows of L per f64_cholesky_rows call (a multiple of 4): a block of them meets each earlier pair of rows while it is in L1. */
const CHOLESKY_ROWS = 32;
/** Column panels solved per call, after a first call of one panel (see DRAW_GROUPS). */
const SOLVE_PANELS = 16;
/**
 * From this many vectors on, the Gram, Cholesky and solve kernels first run on a small problem, so
 * that V8 has them in its optimizing tier before the real calls (see warmUp); below it the whole
 * Gram costs about as much as the warm-up.
 */
const WARM_UP_VECTORS = 256;
/** Bytes at V's memory, and a quarter of those at G's memory, the warm-up uses (both are larger from WARM_UP_VECTORS on). */
const WARM_UP_BYTES = 1 << 16;
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
  const result = orthonormalColumns(source, m, n, gain, asRows, false, instance);
  return result === null ? null : result.values;
}

/**
 * kernelOrthonormalColumns as rows, left in WebAssembly memory packed for f32_gemm (the layout
 * the solve already works in) and nowhere else, so that a layer need not pack it, nor copy it
 * out until someone reads it (unpackOrthonormalRows). Returns a heap block the caller now owns:
 * Qᵀ as the packed (n, m) matrix of assembly/gemm.ts, panel p = [8 zeros (the bias)][entries
 * 8p..8p+7 of row 0]...[of row n-1], f32_packed_size(n, m) floats, bit for bit what
 * f32_gemm_pack_weights makes of kernelOrthonormalColumns' rows. Only for n and m multiples of
 * 8; null where kernelOrthonormalColumns is null.
 */
export function kernelOrthonormalPackedRows(
  source: GaussianSource,
  m: number,
  n: number,
  gain: number,
  instance: KernelInstance | undefined = loadedInstance(),
): number | null {
  if (n % 8 !== 0 || m % 8 !== 0) return null;
  return orthonormalColumns(source, m, n, gain, true, true, instance)?.packed ?? null;
}

/**
 * The n×m row-major matrix (K = n rows, N = m columns, m a multiple of 8) that `packed` holds in
 * f32_gemm's layout (its bias slots skipped), as kernelOrthonormalPackedRows leaves it.
 */
export function unpackOrthonormalRows(instance: KernelInstance, packed: number, n: number, m: number): Float32Array {
  const panels = m / 8;
  const source = new Float32Array(instance.exports.memory.buffer, packed, panels * (n + 1) * 8);
  const values = new Float32Array(n * m);
  for (let p = 0; p < panels; p++) {
    let from = (p * (n + 1) + 1) * 8;
    for (let row = 0, to = 8 * p; row < n; row++, from += 8, to += m) {
      for (let e = 0; e < 8; e++) values[to + e] = source[from + e];
    }
  }
  return values;
}

/** What orthonormalColumns leaves: the values (null when only the panels are kept) and the kept panels (0 if none). */
interface OrthonormalResult {
  readonly values: Float32Array | null;
  readonly packed: number;
}

function orthonormalColumns(
  source: GaussianSource,
  m: number,
  n: number,
  gain: number,
  asRows: boolean,
  keepPanels: boolean,
  instance: KernelInstance | undefined,
): OrthonormalResult | null {
  if (!instance || n < MIN_VECTORS || m < 2 * n) return null;
  const { exports, heap } = instance;
  // Vectors padded to a multiple of 8 with extra ones after the real ones (Gram–Schmidt order:
  // later vectors never change earlier ones), their length to a multiple of 8 with zeros.
  const rows = Math.ceil(n / 8) * 8;
  const blocks = Math.ceil(m / 8);
  const columnPanelBytes = blocks * (rows * 32 + 32); // an 8-float slot before each panel (assembly column_panel_bytes)
  const band = Math.max(1, Math.min(blocks, Math.floor(GRAM_BAND_BYTES / (rows * 32))));
  const scratchBytes = exports.orthonormal_scratch_bytes(rows, band);
  const gramBytes = rows * rows * 8;
  const factorBytes = ((rows * rows) / 2 + 2 * rows) * 4; // orthonormal_packed_floats(rows)
  // Output rows (Q's rows of length m, or the tall matrix's of length n): the first ones go to
  // G's memory, dead once L is packed and already touched, so that fewer fresh pages fault in.
  // Kept panels are the only output.
  const [outRows, rowLength] = keepPanels ? [0, m] : asRows ? [n, m] : [m, n];
  const headRows = Math.min(outRows, Math.floor(gramBytes / (4 * rowLength)));
  const tailBytes = keepPanels ? 0 : Math.max(4, (outRows - headRows) * rowLength * 4);
  const sourceBytes = 'matrix' in source ? m * n * 8 : 0;
  const parts = [RANDOM_STATE_BYTES, columnPanelBytes, scratchBytes, gramBytes, factorBytes, rows * 8, tailBytes, sourceBytes];
  const total = parts.reduce((sum, bytes) => sum + alignBlock(bytes), 0);
  if (total + heap.allocatedBytes > WASM_MEMORY_LIMIT) return null;

  const state = heap.alloc(RANDOM_STATE_BYTES);
  const w = heap.alloc(columnPanelBytes); // V as column panels, then Q
  const panels = w + 32; // the first panel, after its slot
  let kept = false;
  const scratch = heap.alloc(scratchBytes); // one band of V as Gram panels
  const gram = heap.alloc(gramBytes); // G, then L, then the first rows of the output
  const factor = heap.alloc(factorBytes); // L, packed for the solve
  const sums = heap.alloc(rows * 8); // squared norms of Q's rows
  const tail = tailBytes > 0 ? heap.alloc(tailBytes) : 0; // the rest of the output
  const matrix = sourceBytes > 0 ? heap.alloc(sourceBytes) : 0;
  try {
    if (n >= WARM_UP_VECTORS) warmUp(instance, w, gram);
    drawColumnPanels(instance, source, state, matrix, panels, rows, n, m);
    exports.orthonormal_pad(panels, rows, n, m);
    new Float64Array(exports.memory.buffer, gram, rows * rows).fill(0);
    // Bands widening to `band` panels: the calls made before V8's optimizing tier arrives (see
    // DRAW_GROUPS) are the cheap ones.
    for (let first = 0, count = 1; first < blocks; first += count, count = Math.min(2 * count, band)) {
      exports.f32_gram_band(gram, panels, scratch, rows, first, Math.min(blocks, first + count));
    }
    if (!choleskyFactor(instance, gram, rows, factor, MIN_PIVOT_RATIO, false)) return null;
    new Float64Array(exports.memory.buffer, sums, rows).fill(0);
    for (let first = 0, count = 1; first < blocks; first += count, count = Math.min(2 * count, SOLVE_PANELS)) {
      exports.f32_substitute_panels(panels, rows, factor, first, Math.min(blocks, first + count), sums, gram, headRows, tail, n, m, gain, asRows ? 1 : 0);
    }
    if (!(exports.f64_norm_deviation(sums, n) < TOLERANCE)) return null;
    if (keepPanels) {
      kept = true;
      return { values: null, packed: w };
    }
    const result = new Float32Array(m * n);
    const split = headRows * rowLength;
    result.set(new Float32Array(exports.memory.buffer, gram, split));
    result.set(new Float32Array(exports.memory.buffer, tail, m * n - split), split);
    return { values: result, packed: 0 };
  } finally {
    if (matrix !== 0) heap.release(matrix);
    if (tail !== 0) heap.release(tail);
    heap.release(sums);
    heap.release(factor);
    heap.release(gram);
    heap.release(scratch);
    if (!kept) heap.release(w);
    heap.release(state);
  }
}

/**
 * V's column panels (assembly/orthonormal.ts: `rows` per panel, n of them real, length m) at
 * `panels` from `source`: drawn from the stream whose state block is `state` (seeded here), or
 * copied from the float64 matrix the caller put at `matrix`. Shared by the float64 path
 * (orthonormal-f64.ts), which widens the same panels. @internal
 */
export function drawColumnPanels(instance: KernelInstance, source: GaussianSource, state: number, matrix: number, panels: number, rows: number, n: number, m: number): void {
  const { exports } = instance;
  if ('matrix' in source) new Float64Array(exports.memory.buffer, matrix, m * n).set(source.matrix.subarray(0, m * n));
  else {
    new Uint32Array(exports.memory.buffer, state, 4).set(source.words);
    exports.random_seed_lanes(state);
  }
  // Groups of 8 entries of one vector, in storage order, in chunks widening from 512 groups.
  const groups = Math.ceil(m / 8) * n;
  for (let from = 0, count = 512; from < groups; from += count, count = Math.min(2 * count, DRAW_GROUPS)) {
    exports.orthonormal_fill(state, matrix, panels, rows, n, m, from, Math.min(groups, from + count));
  }
}

/**
 * L of G = L·Lᵀ (rows×rows float64 at `gram`, in place) packed into `factor`, as float64 when
 * `packF64`, CHOLESKY_ROWS rows per call; false when a pivot keeps at most `minRatio` of its
 * row's squared norm. @internal
 */
export function choleskyFactor(instance: KernelInstance, gram: number, rows: number, factor: number, minRatio: number, packF64: boolean): boolean {
  for (let i = 0; i < rows; i += CHOLESKY_ROWS) {
    if (instance.exports.f64_cholesky_rows(gram, rows, i, Math.min(CHOLESKY_ROWS, rows - i), factor, minRatio, packF64 ? 1 : 0) !== 0) return false;
  }
  return true;
}

/** The instances whose Gram, Cholesky and solve kernels ran warmUp. */
const warmed = new WeakSet<KernelInstance>();

/**
 * Runs f32_gram_band, f32_substitute_panels and f64_cholesky_rows on small problems at the start
 * of V's and G's memory (the draw and G's zeroing overwrite them next). V8 runs a WebAssembly function in its baseline
 * tier, about ten times slower, until enough of it has executed, and moves it to the optimizing
 * tier only between calls, compiled in the background: so the optimized code is ready by the
 * time the draw is done, and no real band or panel runs in the baseline tier.
 */
function warmUp(instance: KernelInstance, w: number, gram: number): void {
  if (warmed.has(instance)) return;
  warmed.add(instance);
  const { exports } = instance;
  const g = new Float64Array(exports.memory.buffer, gram, WARM_UP_BYTES / 2);
  g.fill(0);
  new Uint8Array(exports.memory.buffer, w, WARM_UP_BYTES).fill(0);
  for (let call = 0; call < 2; call++) {
    // A Gram of 64 vectors over 16 column panels, and a solve of 128 vectors over 4 written out
    // at G's memory: 8,192 inner steps each.
    exports.f32_gram_band(gram + WARM_UP_BYTES, w, gram, 64, 0, 16);
    exports.f32_substitute_panels(w, 128, gram, 0, 4, gram + WARM_UP_BYTES, gram + 2 * WARM_UP_BYTES, 128, gram, 128, 32, 1, 1);
  }
  // The Cholesky factor of the 128×128 identity (about 20,000 inner steps), packed after it.
  for (let i = 0; i < 128; i++) g[129 * i] = 1;
  choleskyFactor(instance, gram, 128, gram + WARM_UP_BYTES * 2, MIN_PIVOT_RATIO, false);
}
