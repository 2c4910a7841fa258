// Packed matrix products. B matrices are packed once into panels of NR = 8
// columns, bias first: panel p = [bias (8)] [row 0 (8)] ... [row K-1 (8)].
// Columns past N inside the last panel are zero.
import { madd, splat } from "./simd";

export const NR: i32 = 8;

/** Floats one packed matrix of K rows and N columns occupies. */
export function f32_packed_size(K: i32, N: i32): i32 {
  return ((N + NR - 1) / NR) * (K + 1) * NR;
}

/**
 * Packs a weight matrix for f32_gemm. `src` (K, G*H; row stride srcLd floats) is G
 * column blocks of H (a recurrent cell's gates; G = 1 for Dense); packed is the
 * logical (K, G*Hp) matrix whose block g occupies columns g*Hp .. g*Hp+H-1 and
 * whose padding columns are zero. bias (G*H) may be 0 (no bias).
 */
export function f32_gemm_pack_weights(packed: usize, src: usize, srcLd: i32, bias: usize, K: i32, G: i32, H: i32, Hp: i32): void {
  const N = G * Hp;
  const panels = (N + NR - 1) / NR;
  const srcRowBytes = <usize>srcLd << 2;
  let dst = packed;
  for (let p = 0; p < panels; p++) {
    for (let lane = 0; lane < NR; lane++) {
      const col = source_column(p * NR + lane, N, H, Hp);
      store<f32>(dst + (<usize>lane << 2), col >= 0 && bias != 0 ? load<f32>(bias + (<usize>col << 2)) : 0);
    }
    dst += NR * 4;
    const first = source_column(p * NR, N, H, Hp);
    let row = src;
    if (first >= 0 && source_column(p * NR + NR - 1, N, H, Hp) == first + NR - 1) {
      // Eight consecutive Keras columns (every panel unless a gate block ends inside it).
      row += <usize>first << 2;
      for (let k = 0; k < K; k++) {
        v128.store(dst, v128.load(row));
        v128.store(dst, v128.load(row, 16), 16);
        row += srcRowBytes;
        dst += NR * 4;
      }
      continue;
    }
    // A panel where a gate block ends: lane by lane (few panels, packed once).
    for (let k = 0; k < K; k++) {
      for (let lane = 0; lane < NR; lane++) {
        const col = source_column(p * NR + lane, N, H, Hp);
        store<f32>(dst + (<usize>lane << 2), col >= 0 ? load<f32>(row + (<usize>col << 2)) : 0);
      }
      row += srcRowBytes;
      dst += NR * 4;
    }
  }
}

/** The Keras column that packed column n (of N = G*Hp) comes from, or -1 for padding. */
// @ts-ignore: decorator
@inline function source_column(n: i32, N: i32, H: i32, Hp: i32): i32 {
  if (n >= N) return -1;
  const g = n / Hp;
  const j = n - g * Hp;
  return j < H ? g * H + j : -1;
}

// Four rows by eight columns: 8 accumulators, the B panel row loaded once per k.
// The four A values of step k are read at a + k*aStep + {0, 1, 2, 3}*aRow bytes:
// from rows packed as [k][4 rows] (aStep 16, aRow 4), one pointer walks them all,
// which frees the registers V8 otherwise spends (and spills) on row addresses.
// @ts-ignore: decorator
@inline function kernel_4x8(c: usize, ldc: usize, a: usize, aRow: usize, aStep: usize, panel: usize, K: i32, accumulate: bool, wide: bool): void {
  const bias0 = v128.load(panel);
  const bias1 = v128.load(panel, 16);
  let c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1;
  let c20 = bias0, c21 = bias1, c30 = bias0, c31 = bias1;
  let pb = panel + 32;
  let pa = a;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    pb += 32;
    const x0 = v128.load32_splat(pa);
    const x1 = v128.load32_splat(pa + aRow);
    const x2 = v128.load32_splat(pa + 2 * aRow);
    const x3 = v128.load32_splat(pa + 3 * aRow);
    pa += aStep;
    c00 = madd(x0, b0, c00); c01 = madd(x0, b1, c01);
    c10 = madd(x1, b0, c10); c11 = madd(x1, b1, c11);
    c20 = madd(x2, b0, c20); c21 = madd(x2, b1, c21);
    c30 = madd(x3, b0, c30); c31 = madd(x3, b1, c31);
  }
  store_row(c, c00, c01, accumulate, wide);
  store_row(c + ldc, c10, c11, accumulate, wide);
  store_row(c + 2 * ldc, c20, c21, accumulate, wide);
  store_row(c + 3 * ldc, c30, c31, accumulate, wide);
}

/**
 * kernel_4x8 on rows of A read in place (row stride ldaBytes), for f32_gemm's rows of more than
 * 4096 floats: a function of its own, called once per 4x8 block of that many steps, so that
 * f32_gemm holds one copy of the kernel instead of two. V8 recompiles f32_gemm in its optimizing
 * tier during most processes' first apply, and a process waits for that compile before it exits:
 * its body is 1468 bytes instead of 1911, and TurboFan works a fifth less on it.
 */
function kernel_4x8_in_place(c: usize, ldc: usize, a: usize, ldaBytes: usize, panel: usize, K: i32, accumulate: bool, wide: bool): void {
  kernel_4x8(c, ldc, a, ldaBytes, 4, panel, K, accumulate, wide);
}

/** Most floats of A that f32_gemm packs at once for kernel_4x8 (64 KiB). */
const PACKED_A_FLOATS: i32 = 16384;

/** Least packing buffer: an accumulating GEMV's 32 sums (gemv). */
const PACK_MIN_BYTES: f64 = 128;

/** Bytes of packing buffer f32_gemm needs for products of at most M rows of K floats (exact, f64). */
export function f32_gemm_pack_bytes(M: f64, K: f64): f64 {
  return Math.max(PACK_MIN_BYTES, Math.min(<f64>PACKED_A_FLOATS, M * K) * 4);
}

/** Packs 4 rows of A (K floats each, row stride ldaBytes) as [k][4 rows] at dst: 4x4 transposes. */
function f32_pack_a_rows4(dst: usize, a: usize, ldaBytes: usize, K: i32): void {
  const a1 = a + ldaBytes, a2 = a + 2 * ldaBytes, a3 = a + 3 * ldaBytes;
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const off = <usize>k << 2;
    const r0 = v128.load(a + off), r1 = v128.load(a1 + off);
    const r2 = v128.load(a2 + off), r3 = v128.load(a3 + off);
    const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5); // r0[0] r1[0] r0[1] r1[1]
    const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
    const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
    const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
    const out = dst + (off << 2);
    v128.store(out, i64x2.shuffle(t0, t1, 0, 2));
    v128.store(out, i64x2.shuffle(t0, t1, 1, 3), 16);
    v128.store(out, i64x2.shuffle(t2, t3, 0, 2), 32);
    v128.store(out, i64x2.shuffle(t2, t3, 1, 3), 48);
  }
  for (; k < K; k++) {
    const off = <usize>k << 2;
    const out = dst + (off << 2);
    store<f32>(out, load<f32>(a + off));
    store<f32>(out, load<f32>(a1 + off), 4);
    store<f32>(out, load<f32>(a2 + off), 8);
    store<f32>(out, load<f32>(a3 + off), 12);
  }
}

// One row by eight columns. Every kernel sums bias + a_0 b_0 + a_1 b_1 + ... in
// k order, so a row's result does not depend on which kernel or batch slot ran it.
// @ts-ignore: decorator
@inline function kernel_1x8(c: usize, a: usize, panel: usize, K: i32, accumulate: bool, wide: bool): void {
  let c0 = v128.load(panel), c1 = v128.load(panel, 16);
  let pb = panel + 32;
  for (let k = 0; k < K; k++) {
    const x = v128.load32_splat(a + (<usize>k << 2));
    c0 = madd(x, v128.load(pb), c0);
    c1 = madd(x, v128.load(pb, 16), c1);
    pb += 32;
  }
  store_row(c, c0, c1, accumulate, wide);
}

// One row by sixteen columns from two panels at once: twice the independent
// memory streams for the batch-1 step, which is bound by how fast U streams in.
// @ts-ignore: decorator
@inline function kernel_1x16(c: usize, a: usize, panel0: usize, panel1: usize, K: i32, accumulate: bool): void {
  let p0 = v128.load(panel0), p1 = v128.load(panel0, 16);
  let q0 = v128.load(panel1), q1 = v128.load(panel1, 16);
  let pa = panel0 + 32;
  let pb = panel1 + 32;
  for (let k = 0; k < K; k++) {
    const x = v128.load32_splat(a + (<usize>k << 2));
    p0 = madd(x, v128.load(pa), p0);
    p1 = madd(x, v128.load(pa, 16), p1);
    q0 = madd(x, v128.load(pb), q0);
    q1 = madd(x, v128.load(pb, 16), q1);
    pa += 32;
    pb += 32;
  }
  store_row(c, p0, p1, accumulate, true);
  store_row(c + 32, q0, q1, accumulate, true);
}

// One row by 24 columns from three panels: six accumulator chains, enough to
// keep FMAs issuing while each waits on its predecessor, and few enough that
// V8's 15 usable vector registers hold them with their loads (8 chains spill).
// @ts-ignore: decorator
@inline function kernel_1x24(c: usize, a: usize, panel0: usize, panelBytes: usize, K: i32, accumulate: bool): void {
  const panel1 = panel0 + panelBytes;
  const panel2 = panel1 + panelBytes;
  let p0 = v128.load(panel0), p1 = v128.load(panel0, 16);
  let q0 = v128.load(panel1), q1 = v128.load(panel1, 16);
  let r0 = v128.load(panel2), r1 = v128.load(panel2, 16);
  let pa = panel0 + 32;
  let pb = panel1 + 32;
  let pc = panel2 + 32;
  for (let k = 0; k < K; k++) {
    const x = v128.load32_splat(a + (<usize>k << 2));
    p0 = madd(x, v128.load(pa), p0);
    p1 = madd(x, v128.load(pa, 16), p1);
    q0 = madd(x, v128.load(pb), q0);
    q1 = madd(x, v128.load(pb, 16), q1);
    r0 = madd(x, v128.load(pc), r0);
    r1 = madd(x, v128.load(pc, 16), r1);
    pa += 32;
    pb += 32;
    pc += 32;
  }
  store_row(c, p0, p1, accumulate, true);
  store_row(c + 32, q0, q1, accumulate, true);
  store_row(c + 64, r0, r1, accumulate, true);
}

// The interleaved layout (f32_gemm_interleave_panels): each run of four full panels stored
// row by row, [bias (32)][row 0 (32)] ... [row K-1 (32)], in the bytes the four panels held;
// the panels after the last run are as packed. A packed pointer with bit 0 set says so.
// One pointer walks the four panels' rows (four panels as packed would take four pointers).
/** Bit 0 of a packed pointer: the matrix is interleaved (packed buffers are 16-byte aligned). */
export const PACKED_INTERLEAVED: usize = 1;

/**
 * Interleaves a packed (K, N) matrix in place for the one-row product (a stream's step, B = 1):
 * its sums are the same, in the same order, as on the panels. scratch: 4 panels, (K + 1) * 128 bytes.
 */
export function f32_gemm_interleave_panels(packed: usize, K: i32, N: i32, scratch: usize): void {
  const panelBytes = <usize>(K + 1) * NR * 4;
  const runs = (N / NR) >> 2;
  for (let r = 0; r < runs; r++) {
    const block = packed + <usize>r * 4 * panelBytes;
    memory.copy(scratch, block, 4 * panelBytes);
    for (let k: usize = 0; k <= <usize>K; k++) {
      for (let q: usize = 0; q < 4; q++) {
        const from = scratch + q * panelBytes + k * 32;
        const to = block + k * 128 + q * 32;
        v128.store(to, v128.load(from));
        v128.store(to, v128.load(from, 16), 16);
      }
    }
  }
}

// One row by 32 columns of one interleaved run of four panels, written to c (32 floats):
// eight accumulator chains. Not inlined, and no other value loaded in the function: V8 then
// keeps each load beside its multiply, in one scratch register. With a load of c after the
// loop (or before it, held across it) it hoists all eight loads to the top of the body, and
// eight chains spill; so an accumulating GEMV writes the sums to scratch and adds them after.
function kernel_1x32_interleaved(c: usize, a: usize, block: usize, K: i32): void {
  let p0 = v128.load(block), p1 = v128.load(block, 16);
  let q0 = v128.load(block, 32), q1 = v128.load(block, 48);
  let r0 = v128.load(block, 64), r1 = v128.load(block, 80);
  let s0 = v128.load(block, 96), s1 = v128.load(block, 112);
  let pb = block + 128;
  let px = a;
  const end = a + (<usize>K << 2);
  while (px < end) {
    const x = v128.load32_splat(px);
    p0 = madd(x, v128.load(pb), p0);
    p1 = madd(x, v128.load(pb, 16), p1);
    q0 = madd(x, v128.load(pb, 32), q0);
    q1 = madd(x, v128.load(pb, 48), q1);
    r0 = madd(x, v128.load(pb, 64), r0);
    r1 = madd(x, v128.load(pb, 80), r1);
    s0 = madd(x, v128.load(pb, 96), s0);
    s1 = madd(x, v128.load(pb, 112), s1);
    px += 4;
    pb += 128;
  }
  v128.store(c, p0);
  v128.store(c, p1, 16);
  v128.store(c, q0, 32);
  v128.store(c, q1, 48);
  v128.store(c, r0, 64);
  v128.store(c, r1, 80);
  v128.store(c, s0, 96);
  v128.store(c, s1, 112);
}

// GEMV: interleaved runs of four panels (when the matrix is interleaved) or triples of full
// panels, then a pair, then what is left one panel at a time. sums: 32 floats of scratch.
function gemv(c: usize, a: usize, packed: usize, panels: i32, panelBytes: usize, N: i32, K: i32, accumulate: bool, interleaved: bool, sums: usize): void {
  let p = 0;
  if (interleaved) {
    for (; p + 4 <= panels && (p + 4) * NR <= N; p += 4) {
      const cp = c + (<usize>(p * NR) << 2);
      const block = packed + <usize>p * panelBytes;
      // Two calls: Binaryen inlines a function with one caller whatever its size.
      if (!accumulate) {
        kernel_1x32_interleaved(cp, a, block, K);
        continue;
      }
      kernel_1x32_interleaved(sums, a, block, K);
      for (let i: usize = 0; i < 128; i += 16) v128.store(cp + i, f32x4.add(v128.load(sums + i), v128.load(cp + i)));
    }
  }
  for (; p + 3 <= panels && (p + 3) * NR <= N; p += 3) {
    kernel_1x24(c + (<usize>(p * NR) << 2), a, packed + <usize>p * panelBytes, panelBytes, K, accumulate);
  }
  for (; p + 2 <= panels && (p + 2) * NR <= N; p += 2) {
    const panel = packed + <usize>p * panelBytes;
    kernel_1x16(c + (<usize>(p * NR) << 2), a, panel, panel + panelBytes, K, accumulate);
  }
  for (; p < panels; p++) {
    kernel_1x8(c + (<usize>(p * NR) << 2), a, packed + <usize>p * panelBytes, K, accumulate, p * NR + NR <= N);
  }
}

// @ts-ignore: decorator
@inline function store_row(c: usize, v0: v128, v1: v128, accumulate: bool, wide: bool): void {
  if (accumulate) v0 = f32x4.add(v0, v128.load(c));
  v128.store(c, v0);
  if (wide) {
    if (accumulate) v1 = f32x4.add(v1, v128.load(c, 16));
    v128.store(c, v1, 16);
  }
}

/**
 * c (M, N; row stride ldc floats) = [c +] bias + a (M, K; row stride lda floats) · packed (K, N).
 * N must be a multiple of 4 (gate blocks are padded to Hp); M and K are free.
 * packA: f32_gemm_pack_bytes(M, K) bytes of the caller's scratch (16-byte aligned) for rows of A.
 */
export function f32_gemm(c: usize, ldc: i32, a: usize, lda: i32, packed: usize, M: i32, N: i32, K: i32, accumulate: bool, packA: usize): void {
  const ldcBytes = <usize>ldc << 2;
  const ldaBytes = <usize>lda << 2;
  const panelBytes = <usize>(K + 1) * NR * 4;
  const panels = (N + NR - 1) / NR;
  if ((packed & PACKED_INTERLEAVED) != 0) {
    // Only the one-row kernels read the interleaved layout: every row is a GEMV.
    for (let i = 0; i < M; i++) {
      gemv(c + <usize>i * ldcBytes, a + <usize>i * ldaBytes, packed & ~PACKED_INTERLEAVED, panels, panelBytes, N, K, accumulate, true, packA);
    }
    return;
  }
  if (M == 1) {
    gemv(c, a, packed, panels, panelBytes, N, K, accumulate, false, packA);
    return;
  }
  const fullRows = M & ~3;
  if (K * 4 > PACKED_A_FLOATS) {
    // Rows too long for the packing buffer: the same kernel reads A in place (kernel_4x8_in_place).
    for (let p = 0; p < panels; p++) {
      const panel = packed + <usize>p * panelBytes;
      const cCol = c + (<usize>(p * NR) << 2);
      const wide = p * NR + NR <= N;
      for (let i = 0; i < fullRows; i += 4) {
        // Two calls: Binaryen inlines a function with one caller whatever its size.
        if (wide) kernel_4x8_in_place(cCol + <usize>i * ldcBytes, ldcBytes, a + <usize>i * ldaBytes, ldaBytes, panel, K, accumulate, true);
        else kernel_4x8_in_place(cCol + <usize>i * ldcBytes, ldcBytes, a + <usize>i * ldaBytes, ldaBytes, panel, K, accumulate, false);
      }
    }
  } else {
    // Groups of rows that fit the buffer, packed once and reused by every panel.
    const groupRows = min(fullRows, (PACKED_A_FLOATS / (4 * max(K, 1))) * 4);
    for (let i0 = 0; i0 < fullRows; i0 += groupRows) {
      const i1 = min(fullRows, i0 + groupRows);
      for (let i = i0; i < i1; i += 4) {
        f32_pack_a_rows4(packA + (<usize>(i - i0) * K << 2), a + <usize>i * ldaBytes, ldaBytes, K);
      }
      for (let p = 0; p < panels; p++) {
        const panel = packed + <usize>p * panelBytes;
        const cCol = c + (<usize>(p * NR) << 2);
        const wide = p * NR + NR <= N;
        for (let i = i0; i < i1; i += 4) {
          kernel_4x8(cCol + <usize>i * ldcBytes, ldcBytes, packA + (<usize>(i - i0) * K << 2), 4, 16, panel, K, accumulate, wide);
        }
      }
    }
  }
  // The rows past the last four: each a GEMV, whose kernels keep more sums in flight than one
  // 1x8 panel at a time does (every kernel sums in the same order).
  for (let i = fullRows; i < M; i++) {
    gemv(c + <usize>i * ldcBytes, a + <usize>i * ldaBytes, packed, panels, panelBytes, N, K, accumulate, false, packA);
  }
}
