// The products backpropagation needs besides f32_gemm: AᵀB over all time steps
// (weight gradients), weights packed transposed for f32_gemm (input and state
// gradients), and column sums (bias gradients).
import { NR } from "./gemm";
import { madd } from "./simd";

/** Rows of B one pass of f32_gemm_tn walks: a strip of B (KC, N) stays in cache for every row block of C. */
const KC: i32 = 128;

/**
 * c (M, N; row stride ldc) = [c +] aᵀ · b, where a is (K, M; row stride lda) and b is (K, N; row
 * stride ldb), all row-major floats. N must be a multiple of 4; M and K are free. Every element
 * sums its K products in k order.
 */
export function f32_gemm_tn(c: usize, ldc: i32, a: usize, lda: i32, b: usize, ldb: i32, M: i32, N: i32, K: i32, accumulate: bool): void {
  if (K == 0) {
    if (!accumulate) for (let m = 0; m < M; m++) memory.fill(c + ((<usize>m * ldc) << 2), 0, <usize>N << 2);
    return;
  }
  for (let k0 = 0; k0 < K; k0 += KC) {
    const k1 = min(K, k0 + KC);
    const add = accumulate || k0 > 0;
    let m = 0;
    for (; m + 4 <= M; m += 4) {
      let n = 0;
      for (; n + 8 <= N; n += 8) tn_4x8(c, ldc, a, lda, b, ldb, m, n, k0, k1, add);
      if (n < N) tn_4x4(c, ldc, a, lda, b, ldb, m, n, k0, k1, add);
    }
    for (; m < M; m++) {
      for (let n = 0; n < N; n += 4) tn_1x4(c, ldc, a, lda, b, ldb, m, n, k0, k1, add);
    }
  }
}

// @ts-ignore: decorator
@inline function tn_4x8(c: usize, ldc: i32, a: usize, lda: i32, b: usize, ldb: i32, m: i32, n: i32, k0: i32, k1: i32, add: bool): void {
  const z = f32x4.splat(0);
  let c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
  let pa = a + ((<usize>k0 * lda + m) << 2);
  let pb = b + ((<usize>k0 * ldb + n) << 2);
  const aStep = <usize>lda << 2;
  const bStep = <usize>ldb << 2;
  for (let k = k0; k < k1; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const x0 = v128.load32_splat(pa);
    const x1 = v128.load32_splat(pa + 4);
    const x2 = v128.load32_splat(pa + 8);
    const x3 = v128.load32_splat(pa + 12);
    c00 = madd(x0, b0, c00); c01 = madd(x0, b1, c01);
    c10 = madd(x1, b0, c10); c11 = madd(x1, b1, c11);
    c20 = madd(x2, b0, c20); c21 = madd(x2, b1, c21);
    c30 = madd(x3, b0, c30); c31 = madd(x3, b1, c31);
    pa += aStep;
    pb += bStep;
  }
  const row = <usize>ldc << 2;
  const out = c + ((<usize>m * ldc + n) << 2);
  put(out, c00, add); put(out + 16, c01, add);
  put(out + row, c10, add); put(out + row + 16, c11, add);
  put(out + 2 * row, c20, add); put(out + 2 * row + 16, c21, add);
  put(out + 3 * row, c30, add); put(out + 3 * row + 16, c31, add);
}

// @ts-ignore: decorator
@inline function tn_4x4(c: usize, ldc: i32, a: usize, lda: i32, b: usize, ldb: i32, m: i32, n: i32, k0: i32, k1: i32, add: bool): void {
  const z = f32x4.splat(0);
  let c0 = z, c1 = z, c2 = z, c3 = z;
  let pa = a + ((<usize>k0 * lda + m) << 2);
  let pb = b + ((<usize>k0 * ldb + n) << 2);
  for (let k = k0; k < k1; k++) {
    const b0 = v128.load(pb);
    c0 = madd(v128.load32_splat(pa), b0, c0);
    c1 = madd(v128.load32_splat(pa + 4), b0, c1);
    c2 = madd(v128.load32_splat(pa + 8), b0, c2);
    c3 = madd(v128.load32_splat(pa + 12), b0, c3);
    pa += <usize>lda << 2;
    pb += <usize>ldb << 2;
  }
  const row = <usize>ldc << 2;
  const out = c + ((<usize>m * ldc + n) << 2);
  put(out, c0, add); put(out + row, c1, add); put(out + 2 * row, c2, add); put(out + 3 * row, c3, add);
}

// @ts-ignore: decorator
@inline function tn_1x4(c: usize, ldc: i32, a: usize, lda: i32, b: usize, ldb: i32, m: i32, n: i32, k0: i32, k1: i32, add: bool): void {
  let c0 = f32x4.splat(0);
  let pa = a + ((<usize>k0 * lda + m) << 2);
  let pb = b + ((<usize>k0 * ldb + n) << 2);
  for (let k = k0; k < k1; k++) {
    c0 = madd(v128.load32_splat(pa), v128.load(pb), c0);
    pa += <usize>lda << 2;
    pb += <usize>ldb << 2;
  }
  put(c + ((<usize>m * ldc + n) << 2), c0, add);
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

/** out (cols) = [out +] the sum over rows of a (rows, cols; row stride lda); cols a multiple of 4. */
export function f32_column_sums(out: usize, a: usize, lda: i32, rows: i32, cols: i32, accumulate: bool): void {
  for (let j = 0; j < cols; j += 4) {
    let sum = f32x4.splat(0);
    let p = a + (<usize>j << 2);
    for (let r = 0; r < rows; r++) {
      sum = f32x4.add(sum, v128.load(p));
      p += <usize>lda << 2;
    }
    put(out + (<usize>j << 2), sum, accumulate);
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
