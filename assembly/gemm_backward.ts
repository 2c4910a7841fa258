// The products backpropagation needs besides f32_gemm: AᵀB over all time steps
// (weight gradients), weights packed transposed for f32_gemm (input and state
// gradients), and column sums (bias gradients).
import { NR } from "./gemm";
import { madd } from "./simd";

/** Rows of a and b one pass of f32_gemm_tn packs: a strip of b (KC, 8) stays in L1 for every row block of c. */
const KC: i32 = 128;
/** Columns of a (rows of c) packed at once: the packed strip (KC, MC) stays in L2 for every column panel. */
const MC: i32 = 256;

/** Bytes of scratch f32_gemm_tn needs whatever its shapes: a packed strip of a and one of b. */
export function f32_gemm_tn_scratch_bytes(): i32 {
  return (MC * KC + KC * NR) * 4;
}

/**
 * c (M, N; row stride ldc) = [c +] aᵀ · b, where a is (K, M; row stride lda) and b is (K, N; row
 * stride ldb), all row-major floats. N must be a multiple of 4; M and K are free. Every element
 * sums its K products in k order, in chunks of KC added to c.
 * The operands' rows lie kilobytes apart (tape rows, gate rows): read in place, the kernel would
 * touch a new cache line per k in both, at strides that alias in the caches. Each chunk of KC
 * rows is packed first, a in blocks of 4 columns and b in panels of 8, so the kernel streams
 * both contiguously. scratch: f32_gemm_tn_scratch_bytes() bytes, 16-byte aligned.
 */
export function f32_gemm_tn(c: usize, ldc: i32, a: usize, lda: i32, b: usize, ldb: i32, M: i32, N: i32, K: i32, accumulate: bool, scratch: usize): void {
  if (K == 0) {
    if (!accumulate) for (let m = 0; m < M; m++) memory.fill(c + ((<usize>m * ldc) << 2), 0, <usize>N << 2);
    return;
  }
  const packB = scratch + ((<usize>MC * KC) << 2);
  const ldcBytes = <usize>ldc << 2;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const add = accumulate || k0 > 0;
    for (let m0 = 0; m0 < M; m0 += MC) {
      const mc = min(MC, M - m0);
      pack_columns4(scratch, a + ((<usize>k0 * lda + m0) << 2), lda, mc, kc);
      for (let n = 0; n < N; n += NR) {
        const wide = n + NR <= N;
        pack_panel8(packB, b + ((<usize>k0 * ldb + n) << 2), ldb, kc, wide);
        for (let i = 0; i < mc; i += 4) {
          tn_packed_4x8(c + (<usize>(m0 + i) * ldcBytes) + (<usize>n << 2), ldcBytes, scratch + ((<usize>i * kc) << 2), packB, kc, add, wide, min(4, mc - i));
        }
      }
    }
  }
}

/** Columns [0, cols) of `rows` rows of src (row stride ld floats) as blocks of 4 columns, [block][row][4], zero past cols. */
function pack_columns4(dst: usize, src: usize, ld: i32, cols: i32, rows: i32): void {
  const step = <usize>ld << 2;
  for (let j = 0; j < cols; j += 4) {
    let from = src + (<usize>j << 2);
    if (j + 4 <= cols) {
      for (let r = 0; r < rows; r++) {
        v128.store(dst, v128.load(from));
        dst += 16;
        from += step;
      }
    } else {
      const left = cols - j;
      for (let r = 0; r < rows; r++) {
        for (let l = 0; l < 4; l++) store<f32>(dst + (<usize>l << 2), l < left ? load<f32>(from + (<usize>l << 2)) : 0);
        dst += 16;
        from += step;
      }
    }
  }
}

/** 8 columns (4 when not wide, the rest zero) of `rows` rows of src (row stride ld floats) as one panel, [row][8]. */
function pack_panel8(dst: usize, src: usize, ld: i32, rows: i32, wide: bool): void {
  const step = <usize>ld << 2;
  const zero = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    v128.store(dst, v128.load(src));
    v128.store(dst, wide ? v128.load(src, 16) : zero, 16);
    dst += 32;
    src += step;
  }
}

// Four rows by eight columns over one packed chunk: the same products in the same k order as
// an unpacked loop would sum them, stored for the first `rows` rows (and 4 columns unless wide).
// @ts-ignore: decorator
@inline function tn_packed_4x8(c: usize, ldcBytes: usize, pa: usize, pb: usize, kc: i32, add: bool, wide: bool, rows: i32): void {
  const z = f32x4.splat(0);
  let c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const x0 = v128.load32_splat(pa);
    const x1 = v128.load32_splat(pa, 4);
    const x2 = v128.load32_splat(pa, 8);
    const x3 = v128.load32_splat(pa, 12);
    c00 = madd(x0, b0, c00); c01 = madd(x0, b1, c01);
    c10 = madd(x1, b0, c10); c11 = madd(x1, b1, c11);
    c20 = madd(x2, b0, c20); c21 = madd(x2, b1, c21);
    c30 = madd(x3, b0, c30); c31 = madd(x3, b1, c31);
    pa += 16;
    pb += 32;
  }
  put_row(c, c00, c01, add, wide);
  if (rows > 1) put_row(c + ldcBytes, c10, c11, add, wide);
  if (rows > 2) put_row(c + 2 * ldcBytes, c20, c21, add, wide);
  if (rows > 3) put_row(c + 3 * ldcBytes, c30, c31, add, wide);
}

// @ts-ignore: decorator
@inline function put_row(at: usize, v0: v128, v1: v128, add: bool, wide: bool): void {
  put(at, v0, add);
  if (wide) put(at + 16, v1, add);
}

// @ts-ignore: decorator
@inline function put(at: usize, v: v128, add: bool): void {
  v128.store(at, add ? f32x4.add(v128.load(at), v) : v);
}

/**
 * Packs, for f32_gemm, the transpose of the G gate blocks of H columns of src (N, G*H; row stride
 * srcLd): the logical (G*Hp, Np) matrix whose row g*Hp + j (j < H) is column g*H + j of src, with
 * zero padding rows and columns and a zero bias. It multiplies a (rows, G*Hp) gradient of padded
 * gate blocks back onto the N inputs of the product src was the weights of.
 */
export function f32_gemm_pack_transposed(packed: usize, src: usize, srcLd: i32, G: i32, H: i32, Hp: i32, N: i32, Np: i32): void {
  const K = G * Hp;
  const panels = (Np + NR - 1) / NR;
  let dst = packed;
  for (let p = 0; p < panels; p++) {
    memory.fill(dst, 0, <usize>NR << 2);
    dst += <usize>NR << 2;
    for (let k = 0; k < K; k++) {
      const g = k / Hp;
      const j = k - g * Hp;
      for (let lane = 0; lane < NR; lane++) {
        const n = p * NR + lane;
        let value: f32 = 0;
        if (j < H && n < N) value = load<f32>(src + ((<usize>n * srcLd + g * H + j) << 2));
        store<f32>(dst, value);
        dst += 4;
      }
    }
  }
}

/**
 * out (cols) = [out +] the sum over rows of a (rows, cols; row stride lda); cols a multiple of 4.
 * Each column sums its rows in row order. 32 columns at a time: a walk down one 4-column strip
 * would load a whole cache line per row and use 16 bytes of it, at row strides that alias.
 */
export function f32_column_sums(out: usize, a: usize, lda: i32, rows: i32, cols: i32, accumulate: bool): void {
  const step = <usize>lda << 2;
  let j = 0;
  for (; j + 32 <= cols; j += 32) {
    const z = f32x4.splat(0);
    let s0 = z, s1 = z, s2 = z, s3 = z, s4 = z, s5 = z, s6 = z, s7 = z;
    let p = a + (<usize>j << 2);
    for (let r = 0; r < rows; r++) {
      s0 = f32x4.add(s0, v128.load(p)); s1 = f32x4.add(s1, v128.load(p, 16));
      s2 = f32x4.add(s2, v128.load(p, 32)); s3 = f32x4.add(s3, v128.load(p, 48));
      s4 = f32x4.add(s4, v128.load(p, 64)); s5 = f32x4.add(s5, v128.load(p, 80));
      s6 = f32x4.add(s6, v128.load(p, 96)); s7 = f32x4.add(s7, v128.load(p, 112));
      p += step;
    }
    const o = out + (<usize>j << 2);
    put(o, s0, accumulate); put(o + 16, s1, accumulate); put(o + 32, s2, accumulate); put(o + 48, s3, accumulate);
    put(o + 64, s4, accumulate); put(o + 80, s5, accumulate); put(o + 96, s6, accumulate); put(o + 112, s7, accumulate);
  }
  for (; j < cols; j += 4) {
    let sum = f32x4.splat(0);
    let p = a + (<usize>j << 2);
    for (let r = 0; r < rows; r++) {
      sum = f32x4.add(sum, v128.load(p));
      p += step;
    }
    put(out + (<usize>j << 2), sum, accumulate);
  }
}

/**
 * The transpose of a matrix packed by f32_gemm_pack_weights, packed for f32_gemm: src holds the
 * logical (K, N) matrix (its bias ignored), dst gets the (N, Kp) one, Kp = K rounded up to 4,
 * with a zero bias and zero lanes past K; f32_packed_size(N, Kp) floats. N is a multiple of 4.
 * Both layouts keep 8 by 8 blocks contiguous, so it is a transpose of each block: backward
 * multiplies by the weights a forward pass has just packed, with no copy from the host.
 */
export function f32_packed_transpose(dst: usize, src: usize, K: i32, N: i32): void {
  const srcPanelBytes = (<usize>(K + 1) * NR) << 2;
  const dstPanelBytes = (<usize>(N + 1) * NR) << 2;
  const srcPanels = (N + NR - 1) / NR;
  const dstPanels = (K + NR - 1) / NR;
  const zero = f32x4.splat(0);
  for (let q = 0; q < dstPanels; q++) {
    const panel = dst + <usize>q * dstPanelBytes;
    memory.fill(panel, 0, <usize>NR << 2);
    for (let p = 0; p < srcPanels; p++) {
      // Block: src rows n = 8q .. 8q+7 of panel p (8 floats each) -> dst rows k = 8p .. 8p+7 of panel q.
      const from = src + <usize>p * srcPanelBytes + ((<usize>(1 + q * NR) * NR) << 2);
      const to = panel + ((<usize>(1 + p * NR) * NR) << 2);
      const n0 = q * NR;
      for (let half = 0; half < 2; half++) {
        // Source columns 4*half .. 4*half+3 become destination rows 8p + 4*half ..; N ends on a 4-row boundary.
        if (p * NR + 4 * half >= N) break;
        const col = <usize>half << 4;
        const out = to + ((<usize>(4 * half) * NR) << 2);
        for (let side = 0; side < 2; side++) {
          // Source rows n0 + 4*side .. + 3 fill lanes 4*side .. 4*side+3.
          const n = n0 + 4 * side;
          const rowAt = from + ((<usize>(4 * side) * NR) << 2) + col;
          const r0 = n < K ? v128.load(rowAt) : zero;
          const r1 = n + 1 < K ? v128.load(rowAt, 32) : zero;
          const r2 = n + 2 < K ? v128.load(rowAt, 64) : zero;
          const r3 = n + 3 < K ? v128.load(rowAt, 96) : zero;
          const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
          const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
          const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
          const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
          const lane = out + (<usize>side << 4);
          v128.store(lane, i64x2.shuffle(t0, t1, 0, 2));
          v128.store(lane, i64x2.shuffle(t0, t1, 1, 3), 32);
          v128.store(lane, i64x2.shuffle(t2, t3, 0, 2), 64);
          v128.store(lane, i64x2.shuffle(t2, t3, 1, 3), 96);
        }
      }
    }
  }
}

/** dst rows (row stride dstStride) += src rows (row stride srcStride), `cols` floats each. */
export function f32_add_rows(dst: usize, dstStride: i32, src: usize, srcStride: i32, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const d = dst + ((<usize>r * dstStride) << 2);
    const s = src + ((<usize>r * srcStride) << 2);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const off = <usize>j << 2;
      v128.store(d + off, f32x4.add(v128.load(d + off), v128.load(s + off)));
    }
    for (; j < cols; j++) {
      const off = <usize>j << 2;
      store<f32>(d + off, load<f32>(d + off) + load<f32>(s + off));
    }
  }
}
