// Cholesky QR for the orthogonal initializer: n row vectors of length m (n <= m/2, rows of a
// Gaussian matrix) become orthonormal rows Q with V = L·Q, L lower triangular, diag(L) > 0.
//   V               drawn here from the host's random stream (assembly/random.ts), or copied;
//   G = V·Vᵀ        float32 products, summed in float32 over a band of columns, then in float64;
//   G = L·Lᵀ        Cholesky in float64;
//   Q = L⁻¹·V       forward substitution in float32, in place.
// For a Gaussian with m >= 2n, κ(V) <= ~6, so the Gram matrix loses nothing that matters:
// QᵀQ = I to about 1e-6 and Q matches a float64 Householder QR to float32 rounding.
// Plain mul/add (no `madd`), so both packaged builds give the same bits.
//
// Layout: n padded to `rows`, a multiple of 8 (extra vectors after the real ones); V as column
// panels [blocks][rows][8] (8 consecutive entries of each vector; blocks = ceil(m/8), padding
// columns zero; each panel preceded by an 8-float slot, see column_panel_bytes), drawn in that
// order, where the Gram matrix is summed, the substitution runs and Q is left; G rows×rows
// float64, row-major, lower triangle used.
import { STAGED_NORMALS, stage_lane_normals } from "./random";
import { gram_block, substitute_group } from "./orthonormal_blocks";

/**
 * Bytes from one column panel (rows × 8 floats) to the next: the panel and an 8-float slot
 * before the next one, which orthonormal_fill zeroes. So Q's panels, once solved (times gain),
 * are f32_gemm's packed layout (assembly/gemm.ts: [bias (8)][row 0 (8)]..., the slots being the
 * zero bias) for a recurrent kernel of `rows` rows, and a layer can keep them as they are. The
 * slot also staggers the panels: rows·32 bytes apart (a multiple of 4 KiB for every rows that is
 * a multiple of 128) they would all map to the same sets of the L1 cache, and the Gram kernel,
 * which reads a few rows of every panel of a band, would evict its own lines.
 */
// @ts-ignore: decorator
@inline export function column_panel_bytes(rows: i32): usize {
  return (<usize>rows << 5) + 32;
}

/**
 * Bytes from one Gram panel (m rows of 8 floats) to the next: one cache line more than the panel.
 * Panels m·32 bytes apart (a multiple of 4 KiB for every m that is a multiple of 128) would all
 * map to the same sets of the L1 and L2 caches, and the Gram kernel and the draw, which touch
 * every panel at the same offset, would evict their own lines; the extra line staggers them.
 */
// @ts-ignore: decorator
@inline function gram_panel_bytes(m: i32): usize {
  return (<usize>m << 5) + 64;
}

// @ts-ignore: decorator
@inline function sum2(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/**
 * G += the products of the m columns of `vectorPanels` (summed in float32) over the lower
 * triangle of G and the rest of its diagonal 8×8 blocks. `vectorPanels` holds the band as
 * [n/8][m][8] (vectors 8p..8p+7 side by side), so every product is a splat times two vectors.
 */
// @ts-ignore: decorator
@inline function gram_columns(g: usize, vectorPanels: usize, n: i32, m: i32): void {
  const panelBytes = gram_panel_bytes(m);
  const ldg = <usize>n << 3;
  const start: usize = 0;
  const bandBytes = <usize>m << 5;
  // Row blocks outermost, so that G is written along its rows: a column of blocks would touch
  // rows ldg apart, which for n a multiple of 512 all map to the same cache sets.
  for (let i0 = 0; i0 < n; i0 += 4) {
    // Rows i0..i0+3 are lanes (i0 & 7).. of panel i0 / 8.
    const rowsAt = vectorPanels + <usize>(i0 >> 3) * panelBytes + (<usize>(i0 & 7) << 2) + start;
    for (let jb = 0; jb <= i0 >> 3; jb++) {
      const columns = vectorPanels + <usize>jb * panelBytes + start;
      gram_block<f32>(g + <usize>i0 * ldg + (<usize>(jb * 8) << 3), ldg, columns, columns + bandBytes, rowsAt);
    }
  }
}

/**
 * G += the products of V's column panels [first, last) (summed in float32): G = V·Vᵀ (float64,
 * rows×rows, zeroed by the caller) over the lower triangle and the rest of its diagonal 8×8
 * blocks. The band is first turned into Gram panels in `scratch` (8 vectors side by side, as
 * f32_gram_columns reads them; 8×8 blocks transposed in registers), small enough to stay in L2
 * while every block of G meets it, so V is stored once, in the layout the substitution needs.
 * One call per band lets V8 move the function to its optimizing tier between calls (it never
 * does within one).
 */
export function f32_gram_band(g: usize, w: usize, scratch: usize, rows: i32, first: i32, last: i32): void {
  const entries = (last - first) << 3;
  const panelBytes = gram_panel_bytes(entries);
  const columnPanelBytes = column_panel_bytes(rows);
  for (let b = first; b < last; b++) {
    const source = w + <usize>b * columnPanelBytes;
    const target = scratch + (<usize>(b - first) << 8);
    for (let jp = 0; jp < rows / 8; jp++) {
      const from = source + (<usize>jp << 8);
      const to = target + <usize>jp * panelBytes;
      transpose4(to, from);
      transpose4(to + 16, from + 128);
      transpose4(to + 128, from + 16);
      transpose4(to + 144, from + 144);
    }
  }
  gram_columns(g, scratch, rows, entries);
}

/** Bytes of f32_gram_band's scratch for bands of up to `blocks` column panels. */
export function orthonormal_scratch_bytes(rows: i32, blocks: i32): i32 {
  return (rows >> 3) * <i32>gram_panel_bytes(blocks << 3);
}

/**
 * In place, rows first..first+count-1 (count a multiple of 4) of G's lower triangle become those
 * of L, G = L·Lᵀ (left-looking, in 4×2 blocks; rows above `first` must already hold L), and each
 * block of 4 rows is packed for the solve into `packed` while it is still in cache: as float32
 * for f32_substitute_panels (pack_cholesky_block), or as float64 for f64_substitute_panels when
 * `packF64` (pack_cholesky_block_f64). Returns 0, or 1 + the row whose pivot kept at most
 * `minRatio` of its squared norm (1e-3 for the float32 solve): V is then too close to
 * rank-deficient for the method, and the caller falls back to another.
 * The columns of the rows above `first` go first, for all the call's rows at once: each pair of
 * L's rows then meets every block while it is in L1, instead of all of L streaming from memory
 * once per block; every entry is still the same sum in the same order.
 */
export function f64_cholesky_rows(g: usize, n: i32, first: i32, count: i32, packed: usize, minRatio: f64, packF64: bool): i32 {
  const ldg = <usize>n << 3;
  const last = first + count;
  for (let j0 = 0; j0 < first; j0 += 2) {
    for (let i0 = first; i0 < last; i0 += 4) cholesky_4x2(g, ldg, i0, j0, minRatio);
  }
  for (let i0 = first; i0 < last; i0 += 4) {
    for (let j0 = first; j0 < i0 + 4; j0 += 2) {
      const failed = cholesky_4x2(g, ldg, i0, j0, minRatio);
      if (failed != 0) return failed;
    }
    if (packF64) pack_cholesky_block_f64(packed, g, n, i0);
    else pack_cholesky_block(packed, g, n, i0);
  }
  return 0;
}

/**
 * Entries (i0..i0+3, j0..j0+1) of L (f64_cholesky_rows), from L's columns < j0 of those rows and
 * of rows j0, j0 + 1. Returns 0, or 1 + a row whose pivot fails.
 */
// Not inlined: f64_cholesky_rows calls it from two loops, and one copy keeps the function V8
// compiles when it tiers up small (its inner loop, j0 long, dwarfs the call).
function cholesky_4x2(g: usize, ldg: usize, i0: i32, j0: i32, minRatio: f64): i32 {
  const a0 = g + <usize>i0 * ldg;
  const a1 = a0 + ldg, a2 = a1 + ldg, a3 = a2 + ldg;
  const b0 = g + <usize>j0 * ldg;
  const b1 = b0 + ldg;
  // Prefix dot products over columns < j0. Rows above the diagonal read entries of the upper
  // triangle here; their results are never used.
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  const bytes = <usize>j0 << 3;
  for (let k: usize = 0; k < bytes; k += 16) {
    const x0 = v128.load(b0 + k), x1 = v128.load(b1 + k);
    const r0 = v128.load(a0 + k);
    c00 = f64x2.add(c00, f64x2.mul(r0, x0)); c01 = f64x2.add(c01, f64x2.mul(r0, x1));
    const r1 = v128.load(a1 + k);
    c10 = f64x2.add(c10, f64x2.mul(r1, x0)); c11 = f64x2.add(c11, f64x2.mul(r1, x1));
    const r2 = v128.load(a2 + k);
    c20 = f64x2.add(c20, f64x2.mul(r2, x0)); c21 = f64x2.add(c21, f64x2.mul(r2, x1));
    const r3 = v128.load(a3 + k);
    c30 = f64x2.add(c30, f64x2.mul(r3, x0)); c31 = f64x2.add(c31, f64x2.mul(r3, x1));
  }
  const d00 = sum2(c00), d01 = sum2(c01), d10 = sum2(c10), d11 = sum2(c11);
  const d20 = sum2(c20), d21 = sum2(c21), d30 = sum2(c30), d31 = sum2(c31);
  for (let c = 0; c < 2; c++) {
    const jj = j0 + c;
    for (let r = 0; r < 4; r++) {
      const i = i0 + r;
      if (i < jj) continue;
      const at = g + <usize>i * ldg + (<usize>jj << 3);
      const dot = r == 0 ? (c == 0 ? d00 : d01) : r == 1 ? (c == 0 ? d10 : d11) : r == 2 ? (c == 0 ? d20 : d21) : (c == 0 ? d30 : d31);
      let s = load<f64>(at) - dot;
      if (c == 1) s -= load<f64>(g + <usize>i * ldg + (<usize>j0 << 3)) * load<f64>(g + <usize>jj * ldg + (<usize>j0 << 3));
      if (i == jj) {
        if (!(s > minRatio * load<f64>(at))) return i + 1;
        store<f64>(at, Math.sqrt(s));
      } else {
        store<f64>(at, s / load<f64>(g + <usize>jj * ldg + (<usize>jj << 3)));
      }
    }
  }
  return 0;
}

/**
 * Rows i0..i0+3 of L packed as pack_cholesky_block packs them, in float64 (at packed + (i0²/2 +
 * 2·i0) doubles), for f64_substitute_panels (assembly/orthonormal_f64.ts).
 */
// @ts-ignore: decorator
@inline function pack_cholesky_block_f64(packed: usize, g: usize, n: i32, i0: i32): void {
  const ldg = <usize>n << 3;
  let p = packed + ((<usize>i0 * i0 / 2 + 2 * <usize>i0) << 3);
  const row = g + <usize>i0 * ldg;
  for (let k = 0; k < i0; k++) {
    const at = row + (<usize>k << 3);
    v128.store(p, f64x2.neg(f64x2.replace_lane(f64x2.splat(load<f64>(at)), 1, load<f64>(at + ldg))));
    v128.store(p, f64x2.neg(f64x2.replace_lane(f64x2.splat(load<f64>(at + 2 * ldg)), 1, load<f64>(at + 3 * ldg))), 16);
    p += 32;
  }
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      const l = load<f64>(row + <usize>r * ldg + (<usize>(i0 + c) << 3));
      store<f64>(p + (<usize>(4 * r + c) << 3), r == c ? 1.0 / l : c < r ? -l : 0);
    }
  }
}

/** Floats of the packed Cholesky factor (pack_cholesky_block): L's rows in blocks of 4, as float32 (as many doubles for pack_cholesky_block_f64). */
export function orthonormal_packed_floats(n: i32): i32 {
  return (n * n) / 2 + 2 * n;
}

/**
 * Rows i0..i0+3 of L (in g) packed for substitute_block at packed + (i0²/2 + 2·i0) floats (the
 * blocks before it): [k][4 rows] = -L[row][k] for k < i0, then the 4×4 diagonal block
 * (row-major, reciprocal pivots on its diagonal), so the kernel subtracts with one splat per row.
 */
// @ts-ignore: decorator
@inline function pack_cholesky_block(packed: usize, g: usize, n: i32, i0: i32): void {
  const ldg = <usize>n << 3;
  let p = packed + ((<usize>i0 * i0 / 2 + 2 * <usize>i0) << 2);
  const row = g + <usize>i0 * ldg;
  for (let k = 0; k < i0; k++) {
    const at = row + (<usize>k << 3);
    const low = f32x4.demote_f64x2_zero(f64x2.replace_lane(f64x2.splat(load<f64>(at)), 1, load<f64>(at + ldg)));
    const high = f32x4.demote_f64x2_zero(f64x2.replace_lane(f64x2.splat(load<f64>(at + 2 * ldg)), 1, load<f64>(at + 3 * ldg)));
    v128.store(p, f32x4.neg(i64x2.shuffle(low, high, 0, 2)));
    p += 16;
  }
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      const l = load<f64>(row + <usize>r * ldg + (<usize>(i0 + c) << 3));
      store<f32>(p + (<usize>(4 * r + c) << 2), r == c ? <f32>(1.0 / l) : c < r ? <f32>-l : 0);
    }
  }
}

/**
 * In place, V becomes Q = L⁻¹·V in column panels [first, last), L packed by f64_cholesky_rows,
 * and each solved panel's entries of Q's n vectors, times `gain` (in float64, rounded once), go
 * out while the panel is in cache: as rows (Q's n rows of length m) when `asRows`, else as the
 * tall m×n matrix's rows of length n. Output row r is at head + r·length when r < headRows (the
 * caller's memory already in use, such as G's once L is packed), else at
 * tail + (r - headRows)·length, so the fresh memory the output needs shrinks by headRows rows.
 * Columns are independent in the solve, so the panels of a group stay in cache while all their
 * rows are solved, each from the rows of Q right before it, read sequentially. The squares of
 * each solved row are added to sums[row] (float64, zeroed by the caller before the first panel).
 * As rows, with m a multiple of 8, the panel keeps Q times gain too (see column_panel_bytes);
 * there, `tail` 0 writes no output rows at all, for a caller that keeps only the panels.
 */
export function f32_substitute_panels(w: usize, rows: i32, packed: usize, first: i32, last: i32, sums: usize, head: usize, headRows: i32, tail: usize, n: i32, m: i32, gain: f64, asRows: bool): void {
  const panelBytes = column_panel_bytes(rows);
  // Panels in groups that stay in L2 while each block of L's rows meets all of them: L (rows²·2
  // bytes) then streams from memory once per group instead of once per panel. Each panel's rows
  // are still solved in order, so the grouping changes no bit.
  const group = max(1, <i32>(SOLVE_GROUP_BYTES / panelBytes));
  for (let from = first; from < last; from += group) {
    const to = min(last, from + group);
    substitute_group<f32>(w, panelBytes, rows, packed, from, to, sums);
    for (let b = from; b < to; b++) write_panel(head, headRows, tail, w + <usize>b * panelBytes, n, m, gain, asRows, b);
  }
}

/** Bytes of column panels f32_substitute_panels solves together (half of a 1 MiB L2). */
export const SOLVE_GROUP_BYTES: usize = 1 << 19;

/** Where output row r of `length` floats starts (f32_substitute_panels). */
// @ts-ignore: decorator
@inline function output_row(head: usize, headRows: i32, tail: usize, r: i32, length: i32): usize {
  return r < headRows ? head + ((<usize>r * length) << 2) : tail + ((<usize>(r - headRows) * length) << 2);
}

/** Entries 8b.. of Q's n vectors from column panel b to the output, times gain (f32_substitute_panels); whole panels as rows also back to the panel. */
// @ts-ignore: decorator
@inline function write_panel(head: usize, headRows: i32, tail: usize, panel: usize, n: i32, m: i32, gain: f64, asRows: bool, b: i32): void {
  const entries = min(8, m - 8 * b);
  if (asRows && entries == 8) {
    const scale = f64x2.splat(gain);
    const scaled = gain != 1;
    const rowsOut = tail != 0;
    if (!rowsOut && !scaled) return;
    for (let j = 0; j < n; j++) {
      const source = panel + (<usize>j << 5);
      const low = scaled4(v128.load(source), scale), high = scaled4(v128.load(source, 16), scale);
      if (rowsOut) {
        const target = output_row(head, headRows, tail, j, m) + (<usize>(8 * b) << 2);
        v128.store(target, low);
        v128.store(target, high, 16);
      }
      if (scaled) {
        v128.store(source, low);
        v128.store(source, high, 16);
      }
    }
    return;
  }
  for (let e = 0; e < entries; e++) {
    const i = 8 * b + e;
    const row = asRows ? 0 : output_row(head, headRows, tail, i, n);
    for (let j = 0; j < n; j++) {
      const target = asRows ? output_row(head, headRows, tail, j, m) + (<usize>i << 2) : row + (<usize>j << 2);
      store<f32>(target, <f32>(gain * <f64>load<f32>(panel + (<usize>j << 5) + (<usize>e << 2))));
    }
  }
}

/** The four floats of `v` times `scale` (two float64 lanes of it), each rounded once to float32. */
// @ts-ignore: decorator
@inline function scaled4(v: v128, scale: v128): v128 {
  const low = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v), scale));
  const high = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 0)), scale));
  return i64x2.shuffle(low, high, 0, 2);
}

/**
 * Groups [from, to) of V's column panels: group g = b·n + j is entries 8b..8b+7 of vector j (rows
 * 8b.. of column j of the tall m×n matrix A = Vᵀ), entries past m zero. A group is the next
 * eight normals of the lanes in `state` (seeded by random_seed_lanes) when `source` is 0, else
 * from source (A row-major, float64: entry i of vector j at source[i·n + j]). The stream fills
 * V in the order it is stored, so every normal is written once, 32 bytes at a time, and a matrix
 * drawn over several calls is the same stream (the host's laneGaussian lays it out alike). The
 * first group of a panel also zeroes the 8-float slot before it (`w` must leave room for it).
 */
export function orthonormal_fill(state: usize, source: usize, w: usize, rows: i32, n: i32, m: i32, from: i32, to: i32): void {
  const panelBytes = column_panel_bytes(rows);
  let b = from / n, j = from - b * n;
  let target = w + <usize>b * panelBytes + (<usize>j << 5);
  for (let group = from; group < to; group++) {
    const entries = min(8, m - 8 * b);
    if (j == 0) {
      v128.store(target - 32, v128.splat<i32>(0));
      v128.store(target - 16, v128.splat<i32>(0));
    }
    if (source == 0 && entries == 8) {
      stage_lane_normals(state, target);
    } else {
      if (source == 0) stage_lane_normals(state, state + STAGED_NORMALS);
      for (let e = 0; e < 8; e++) {
        const value: f32 = e >= entries ? 0 : source == 0 ? load<f32>(state + STAGED_NORMALS + (<usize>e << 2)) : <f32>load<f64>(source + ((<usize>(8 * b + e) * n + j) << 3));
        store<f32>(target + (<usize>e << 2), value);
      }
    }
    j++;
    target += 32;
    if (j == n) {
      j = 0;
      b++;
      target = w + <usize>b * panelBytes;
    }
  }
}

/**
 * The padding vectors n..rows-1 of the column panels: deterministic values in [-1, 1) (zero past
 * m), so G stays positive definite (later vectors never change earlier ones).
 */
export function orthonormal_pad(w: usize, rows: i32, n: i32, m: i32): void {
  const panelBytes = column_panel_bytes(rows);
  const blocks = (m + 7) >> 3;
  for (let b = 0; b < blocks; b++) {
    for (let j = n; j < rows; j++) {
      for (let e = 0; e < 8; e++) {
        const i = 8 * b + e;
        store<f32>(w + <usize>b * panelBytes + (<usize>j << 5) + (<usize>e << 2), i < m ? padding_value(i, j) : 0);
      }
    }
  }
}

/** The 4×4 block at `source` (rows 32 bytes apart) transposed to `out` (rows 32 bytes apart). */
// @ts-ignore: decorator
@inline function transpose4(out: usize, source: usize): void {
  const r0 = v128.load(source), r1 = v128.load(source, 32), r2 = v128.load(source, 64), r3 = v128.load(source, 96);
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(out, i64x2.shuffle(t0, t1, 0, 2));
  v128.store(out, i64x2.shuffle(t0, t1, 1, 3), 32);
  v128.store(out, i64x2.shuffle(t2, t3, 0, 2), 64);
  v128.store(out, i64x2.shuffle(t2, t3, 1, 3), 96);
}

// @ts-ignore: decorator
@inline function padding_value(i: i32, j: i32): f32 {
  let h = (i + 1) * <i32>0x9e3779b1 ^ (j + 1) * <i32>0x85ebca6b;
  h = (h ^ (h >>> 15)) * 0x2c1b3c6d;
  return <f32>(<f64>(h ^ (h >>> 13)) / 2147483648.0);
}

/**
 * max over j < n of |sums[j] - 1|, the squared norms of Q's rows that f32_substitute_panels
 * summed (float64): the caller's check that the result is orthonormal.
 */
export function f64_norm_deviation(sums: usize, n: i32): f64 {
  let worst: f64 = 0;
  for (let j = 0; j < n; j++) worst = max(worst, Math.abs(load<f64>(sums + (<usize>j << 3)) - 1));
  return worst;
}
