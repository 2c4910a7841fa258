// The register blocks the orthogonal initializer's Cholesky QR runs on, shared by its float32
// path (T = f32, assembly/orthonormal.ts) and its float64 path (T = f64,
// assembly/orthonormal_f64.ts). Either way a row of a panel is 32 bytes (8 floats or 4 doubles),
// a block is 4 rows by one such row, in 8 accumulators of two vectors each, and the sums go out
// in float64. Plain mul/add (no `madd`), so both packaged builds give the same bits.

/**
 * G[i0..i0+3][j..] += the products over the Gram panels' entries [columns, end) (32 bytes each:
 * vectors j.. side by side) with rows i0..i0+3, whose entries are the T lanes at `a` (32 bytes
 * apart). G is float64 with rows ldg bytes apart, at `out` = G[i0][j].
 */
// @ts-ignore: decorator
@inline export function gram_block<T>(out: usize, ldg: usize, columns: usize, end: usize, a: usize): void {
  const lane = sizeof<T>();
  let c00 = v128.splat<T>(0), c01 = v128.splat<T>(0), c10 = v128.splat<T>(0), c11 = v128.splat<T>(0);
  let c20 = v128.splat<T>(0), c21 = v128.splat<T>(0), c30 = v128.splat<T>(0), c31 = v128.splat<T>(0);
  for (let b = columns; b < end; b += 32, a += 32) {
    const q0 = v128.load(b), q1 = v128.load(b, 16);
    const x0 = v128.load_splat<T>(a);
    c00 = v128.add<T>(c00, v128.mul<T>(x0, q0)); c01 = v128.add<T>(c01, v128.mul<T>(x0, q1));
    const x1 = v128.load_splat<T>(a + lane);
    c10 = v128.add<T>(c10, v128.mul<T>(x1, q0)); c11 = v128.add<T>(c11, v128.mul<T>(x1, q1));
    const x2 = v128.load_splat<T>(a + 2 * lane);
    c20 = v128.add<T>(c20, v128.mul<T>(x2, q0)); c21 = v128.add<T>(c21, v128.mul<T>(x2, q1));
    const x3 = v128.load_splat<T>(a + 3 * lane);
    c30 = v128.add<T>(c30, v128.mul<T>(x3, q0)); c31 = v128.add<T>(c31, v128.mul<T>(x3, q1));
  }
  add_row<T>(out, c00, c01);
  add_row<T>(out + ldg, c10, c11);
  add_row<T>(out + 2 * ldg, c20, c21);
  add_row<T>(out + 3 * ldg, c30, c31);
}

/** row[..] += the lanes of `low` and `high` (8 floats, added in float64, or 4 doubles). */
// @ts-ignore: decorator
@inline function add_row<T>(row: usize, low: v128, high: v128): void {
  if (sizeof<T>() == 4) {
    v128.store(row, f64x2.add(v128.load(row), f64x2.promote_low_f32x4(low)));
    v128.store(row, f64x2.add(v128.load(row, 16), f64x2.promote_low_f32x4(i64x2.shuffle(low, low, 1, 0))), 16);
    v128.store(row, f64x2.add(v128.load(row, 32), f64x2.promote_low_f32x4(high)), 32);
    v128.store(row, f64x2.add(v128.load(row, 48), f64x2.promote_low_f32x4(i64x2.shuffle(high, high, 1, 0))), 48);
  } else {
    v128.store(row, f64x2.add(v128.load(row), low));
    v128.store(row, f64x2.add(v128.load(row, 16), high), 16);
  }
}

/**
 * Column panels [from, to) (panelBytes apart from w) become Q = L⁻¹·V, L packed at `packed` in
 * blocks of 4 rows (block i0 at i0²/2 + 2·i0 lanes: its [k][4] entries for k < i0, then its
 * diagonal block): each block of L's rows meets every panel of the group while it is in cache,
 * and each panel's rows are still solved in order.
 */
// @ts-ignore: decorator
@inline export function substitute_group<T>(w: usize, panelBytes: usize, rows: i32, packed: usize, from: i32, to: i32, sums: usize): void {
  const lane = sizeof<T>();
  let block = packed;
  for (let i0 = 0; i0 < rows; i0 += 4) {
    const diagonal = block + <usize>i0 * 4 * lane;
    for (let b = from; b < to; b++) substitute_block<T>(w + <usize>b * panelBytes, i0, block, diagonal, sums + (<usize>i0 << 3));
    block = diagonal + 16 * lane;
  }
}

/**
 * Rows i0..i0+3 of a column panel (32 bytes a row) become those of Q = L⁻¹·V: minus the packed
 * L's [k][4 rows] entries (4 lanes a k, for k < i0, from `block` to `diagonal`) times rows k of
 * Q before them, then the 4×4 diagonal block (row-major, reciprocal pivots on its diagonal),
 * row by row. The squares of each solved row are added to sums[row] (float64).
 */
// @ts-ignore: decorator
@inline function substitute_block<T>(panel: usize, i0: i32, block: usize, diagonal: usize, sums: usize): void {
  const lane = sizeof<T>();
  const row = panel + (<usize>i0 << 5);
  let c00 = v128.load(row), c01 = v128.load(row, 16);
  let c10 = v128.load(row, 32), c11 = v128.load(row, 48);
  let c20 = v128.load(row, 64), c21 = v128.load(row, 80);
  let c30 = v128.load(row, 96), c31 = v128.load(row, 112);
  let q = panel;
  for (let p = block; p < diagonal; p += 4 * lane) {
    const q0 = v128.load(q), q1 = v128.load(q, 16);
    q += 32;
    const x0 = v128.load_splat<T>(p);
    c00 = v128.add<T>(c00, v128.mul<T>(x0, q0)); c01 = v128.add<T>(c01, v128.mul<T>(x0, q1));
    const x1 = v128.load_splat<T>(p + lane);
    c10 = v128.add<T>(c10, v128.mul<T>(x1, q0)); c11 = v128.add<T>(c11, v128.mul<T>(x1, q1));
    const x2 = v128.load_splat<T>(p + 2 * lane);
    c20 = v128.add<T>(c20, v128.mul<T>(x2, q0)); c21 = v128.add<T>(c21, v128.mul<T>(x2, q1));
    const x3 = v128.load_splat<T>(p + 3 * lane);
    c30 = v128.add<T>(c30, v128.mul<T>(x3, q0)); c31 = v128.add<T>(c31, v128.mul<T>(x3, q1));
  }
  // The diagonal block's entry (r, c) is at diagonal + (4r + c) lanes.
  let s = v128.load_splat<T>(diagonal);
  c00 = v128.mul<T>(c00, s); c01 = v128.mul<T>(c01, s);
  s = v128.load_splat<T>(diagonal + 4 * lane);
  c10 = v128.add<T>(c10, v128.mul<T>(s, c00)); c11 = v128.add<T>(c11, v128.mul<T>(s, c01));
  s = v128.load_splat<T>(diagonal + 5 * lane);
  c10 = v128.mul<T>(c10, s); c11 = v128.mul<T>(c11, s);
  s = v128.load_splat<T>(diagonal + 8 * lane);
  c20 = v128.add<T>(c20, v128.mul<T>(s, c00)); c21 = v128.add<T>(c21, v128.mul<T>(s, c01));
  s = v128.load_splat<T>(diagonal + 9 * lane);
  c20 = v128.add<T>(c20, v128.mul<T>(s, c10)); c21 = v128.add<T>(c21, v128.mul<T>(s, c11));
  s = v128.load_splat<T>(diagonal + 10 * lane);
  c20 = v128.mul<T>(c20, s); c21 = v128.mul<T>(c21, s);
  s = v128.load_splat<T>(diagonal + 12 * lane);
  c30 = v128.add<T>(c30, v128.mul<T>(s, c00)); c31 = v128.add<T>(c31, v128.mul<T>(s, c01));
  s = v128.load_splat<T>(diagonal + 13 * lane);
  c30 = v128.add<T>(c30, v128.mul<T>(s, c10)); c31 = v128.add<T>(c31, v128.mul<T>(s, c11));
  s = v128.load_splat<T>(diagonal + 14 * lane);
  c30 = v128.add<T>(c30, v128.mul<T>(s, c20)); c31 = v128.add<T>(c31, v128.mul<T>(s, c21));
  s = v128.load_splat<T>(diagonal + 15 * lane);
  c30 = v128.mul<T>(c30, s); c31 = v128.mul<T>(c31, s);
  v128.store(row, c00); v128.store(row, c01, 16);
  v128.store(row, c10, 32); v128.store(row, c11, 48);
  v128.store(row, c20, 64); v128.store(row, c21, 80);
  v128.store(row, c30, 96); v128.store(row, c31, 112);
  add_squares<T>(sums, c00, c01);
  add_squares<T>(sums + 8, c10, c11);
  add_squares<T>(sums + 16, c20, c21);
  add_squares<T>(sums + 24, c30, c31);
}

/** *sum += the squares of the lanes of `low` and `high`, in float64. */
// @ts-ignore: decorator
@inline function add_squares<T>(sum: usize, low: v128, high: v128): void {
  let total: v128;
  if (sizeof<T>() == 4) {
    const a = f64x2.promote_low_f32x4(low), b = f64x2.promote_low_f32x4(i64x2.shuffle(low, low, 1, 0));
    const c = f64x2.promote_low_f32x4(high), d = f64x2.promote_low_f32x4(i64x2.shuffle(high, high, 1, 0));
    total = f64x2.add(f64x2.add(f64x2.mul(a, a), f64x2.mul(b, b)), f64x2.add(f64x2.mul(c, c), f64x2.mul(d, d)));
  } else {
    total = f64x2.add(f64x2.mul(low, low), f64x2.mul(high, high));
  }
  store<f64>(sum, load<f64>(sum) + f64x2.extract_lane(total, 0) + f64x2.extract_lane(total, 1));
}
