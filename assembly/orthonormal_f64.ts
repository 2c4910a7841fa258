// Float64 Cholesky QR, twice (CholeskyQR2), for the orthogonal initializer's square and
// near-square Gaussians (n <= m < 2n vectors of length m), where the float32 path's Gram matrix
// would lose what matters (a square Gaussian's κ is about n, and κ² of it goes into G):
//   V               drawn as float32 (orthonormal_fill), widened to float64 (orthonormal_widen);
//   G = V·Vᵀ        in float64 (f64_gram_band);
//   G = L·Lᵀ        f64_cholesky_rows, L packed as float64;
//   Q = L⁻¹·V       forward substitution in float64, in place (f64_substitute_panels);
// then the same on Q: one pass leaves QᵀQ = I to about κ²·1e-16, the second to float64 rounding,
// for κ up to about 1e7 (the first Cholesky fails, and the host falls back, well before κ²
// reaches 1/ε). Each pass multiplies Q by an upper triangular matrix with a positive diagonal,
// so the result is Keras' Q with q *= sign(diag(r)), to float64 rounding.
// Plain mul/add (no `madd`), so both packaged builds give the same bits.
//
// Layout: n padded to `rows`, a multiple of 4, with zero vectors (the host gives their rows of G a
// unit pivot, so they stay zero and never touch the real ones); V as panels [ceil(m/4)][rows][4]
// (4 consecutive entries of each vector, float64; entries past m zero), f64_panel_bytes apart;
// G rows×rows float64, row-major, lower triangle used.
import { SOLVE_GROUP_BYTES, column_panel_bytes } from "./orthonormal";
import { gram_block, substitute_group } from "./orthonormal_blocks";

/**
 * Bytes from one float64 panel (rows × 4 doubles) to the next: two cache lines more than the
 * panel, so that panels rows·32 bytes apart do not all map to the same cache sets (as
 * column_panel_bytes staggers the float32 ones).
 */
// @ts-ignore: decorator
@inline function f64_panel_bytes(rows: i32): usize {
  return (<usize>rows << 5) + 64;
}

/** Bytes from one Gram panel (entries rows of 4 doubles: 4 vectors side by side) to the next, staggered alike. */
// @ts-ignore: decorator
@inline function gram_panel_bytes(entries: i32): usize {
  return (<usize>entries << 5) + 64;
}

/**
 * The float64 panels of V from its float32 column panels (assembly/orthonormal.ts, `blocks` of
 * them, 8 entries each): float32 panel b becomes float64 panels 2b and 2b + 1. Vectors n..rows-1
 * are written as zeros (the float32 panels need not hold them).
 */
export function orthonormal_widen(out: usize, w: usize, rows: i32, n: i32, blocks: i32): void {
  const sourceBytes = column_panel_bytes(rows);
  const targetBytes = f64_panel_bytes(rows);
  const zero = f64x2.splat(0);
  for (let b = 0; b < blocks; b++) {
    const from = w + <usize>b * sourceBytes;
    const low = out + <usize>(2 * b) * targetBytes;
    const high = low + targetBytes;
    for (let j = 0; j < rows; j++) {
      const at = <usize>j << 5;
      if (j < n) {
        const a = v128.load(from + at), c = v128.load(from + at, 16);
        v128.store(low + at, f64x2.promote_low_f32x4(a));
        v128.store(low + at, f64x2.promote_low_f32x4(i64x2.shuffle(a, a, 1, 0)), 16);
        v128.store(high + at, f64x2.promote_low_f32x4(c));
        v128.store(high + at, f64x2.promote_low_f32x4(i64x2.shuffle(c, c, 1, 0)), 16);
      } else {
        v128.store(low + at, zero);
        v128.store(low + at, zero, 16);
        v128.store(high + at, zero);
        v128.store(high + at, zero, 16);
      }
    }
  }
}

/** Bytes of f64_gram_band's scratch for bands of up to `panels` float64 panels. */
export function orthonormal_f64_scratch_bytes(rows: i32, panels: i32): i32 {
  return (rows >> 2) * <i32>gram_panel_bytes(panels << 2);
}

/**
 * G += the products of V's float64 panels [first, last): G = V·Vᵀ (rows×rows, zeroed by the
 * caller) over the lower triangle and the rest of its diagonal 4×4 blocks. The band is first
 * turned into Gram panels in `scratch` ([rows/4][entries][4]: 4 vectors side by side; 4×4 blocks
 * transposed in registers), small enough to stay in L2 while every block of G meets it. One call
 * per band lets V8 move the function to its optimizing tier between calls.
 */
export function f64_gram_band(g: usize, w: usize, scratch: usize, rows: i32, first: i32, last: i32): void {
  const entries = (last - first) << 2;
  const panelBytes = gram_panel_bytes(entries);
  const columnPanelBytes = f64_panel_bytes(rows);
  for (let b = first; b < last; b++) {
    const source = w + <usize>b * columnPanelBytes;
    const target = scratch + (<usize>(b - first) << 7);
    for (let jp = 0; jp < rows / 4; jp++) transpose4_f64(target + <usize>jp * panelBytes, source + (<usize>jp << 7));
  }
  gram_columns(g, scratch, rows, entries);
}

/**
 * G += the products of the `entries` entries of the Gram panels at `vectorPanels`, in 4×4 blocks
 * of G, row blocks outermost so that G is written along its rows.
 */
// @ts-ignore: decorator
@inline function gram_columns(g: usize, vectorPanels: usize, n: i32, entries: i32): void {
  const panelBytes = gram_panel_bytes(entries);
  const ldg = <usize>n << 3;
  const bandBytes = <usize>entries << 5;
  for (let i0 = 0; i0 < n; i0 += 4) {
    const rowsAt = vectorPanels + <usize>(i0 >> 2) * panelBytes;
    for (let jb = 0; jb <= i0 >> 2; jb++) {
      const columns = vectorPanels + <usize>jb * panelBytes;
      gram_block<f64>(g + <usize>i0 * ldg + (<usize>jb << 5), ldg, columns, columns + bandBytes, rowsAt);
    }
  }
}

/** The 4×4 float64 block at `source` (rows 32 bytes apart) transposed to `out` (rows 32 bytes apart). */
// @ts-ignore: decorator
@inline function transpose4_f64(out: usize, source: usize): void {
  const r0 = v128.load(source), r0h = v128.load(source, 16);
  const r1 = v128.load(source, 32), r1h = v128.load(source, 48);
  const r2 = v128.load(source, 64), r2h = v128.load(source, 80);
  const r3 = v128.load(source, 96), r3h = v128.load(source, 112);
  v128.store(out, i64x2.shuffle(r0, r1, 0, 2));
  v128.store(out, i64x2.shuffle(r2, r3, 0, 2), 16);
  v128.store(out, i64x2.shuffle(r0, r1, 1, 3), 32);
  v128.store(out, i64x2.shuffle(r2, r3, 1, 3), 48);
  v128.store(out, i64x2.shuffle(r0h, r1h, 0, 2), 64);
  v128.store(out, i64x2.shuffle(r2h, r3h, 0, 2), 80);
  v128.store(out, i64x2.shuffle(r0h, r1h, 1, 3), 96);
  v128.store(out, i64x2.shuffle(r2h, r3h, 1, 3), 112);
}

/**
 * In place, V becomes Q = L⁻¹·V in float64 panels [first, last), L packed as float64 by
 * f64_cholesky_rows (pack_cholesky_block_f64). Panels are solved in groups that stay in L2 while
 * each block of L's rows meets all of them, each panel's rows in order. The squares of each
 * solved row are added to sums[row] (float64, zeroed by the caller before the first panel).
 */
export function f64_substitute_panels(w: usize, rows: i32, packed: usize, first: i32, last: i32, sums: usize): void {
  const panelBytes = f64_panel_bytes(rows);
  const group = max(1, <i32>(SOLVE_GROUP_BYTES / panelBytes));
  for (let from = first; from < last; from += group) substitute_group<f64>(w, panelBytes, rows, packed, from, min(last, from + group), sums);
}

/**
 * Q's n vectors (length m) from the float64 panels, times gain, each rounded once to float32:
 * as n rows of length m when `asRows`, else as the tall m×n matrix's rows of length n.
 */
export function f64_orthonormal_write(out: usize, w: usize, rows: i32, n: i32, m: i32, gain: f64, asRows: bool): void {
  const panelBytes = f64_panel_bytes(rows);
  const panels = (m + 3) >> 2;
  for (let p = 0; p < panels; p++) {
    const panel = w + <usize>p * panelBytes;
    const entries = min(4, m - 4 * p);
    for (let e = 0; e < entries; e++) {
      const i = 4 * p + e;
      if (asRows) {
        for (let j = 0; j < n; j++) store<f32>(out + ((<usize>j * m + i) << 2), <f32>(gain * load<f64>(panel + (<usize>j << 5) + (<usize>e << 3))));
      } else {
        const row = out + ((<usize>i * n) << 2);
        for (let j = 0; j < n; j++) store<f32>(row + (<usize>j << 2), <f32>(gain * load<f64>(panel + (<usize>j << 5) + (<usize>e << 3))));
      }
    }
  }
}
