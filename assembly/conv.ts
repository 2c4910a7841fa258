// Convolution (im2col + the packed GEMM) and window pooling over channels_last
// tensors with up to three spatial axes; 1-D and 2-D use extents of 1 for the
// axes they lack (a Conv1D is D = H = 1, a Conv2D is D = 1).
//
// Shapes:
//   x      (N, inD, inH, inW, C)                      row-major, contiguous
//   kernel (kD, kH, kW, C/groups, F)                  Keras' layout (cross-correlation, no flip)
//   out    (N * outD * outH * outW, ldOut)            filters in columns 0 .. F-1
// Group g (of `groups`) reads input channels g*Cg .. (g+1)*Cg-1 and writes
// filters g*Fg .. (g+1)*Fg-1 (Cg = C/groups, Fg = F/groups).
//
// The geometry is a block of CONV_WORDS i32 words (the host writes it; it has
// already worked out output extents and padding by TensorFlow's rules). Window
// taps that fall outside the input read zeros (convolution) or are skipped
// (pooling). The host checks every size; nothing here re-validates.
import { f32_gemm, f32_gemm_pack_bytes, f32_gemm_pack_weights, f32_packed_size } from "./gemm";
import { f32_add_rows } from "./gemm_backward";
import { f32_copy_rows } from "./sequence";

export const CONV_N: i32 = 0;
/** Input extents D, H, W (words 1..3). */
export const CONV_IN: i32 = 1;
export const CONV_CHANNELS: i32 = 4;
/** Output extents D, H, W (words 5..7). */
export const CONV_OUT: i32 = 5;
export const CONV_FILTERS: i32 = 8;
export const CONV_GROUPS: i32 = 9;
/** Kernel (or pool window) extents D, H, W (words 10..12). */
export const CONV_KERNEL: i32 = 10;
/** Strides D, H, W (words 13..15). */
export const CONV_STRIDES: i32 = 13;
/** Dilations D, H, W (words 16..18). */
export const CONV_DILATIONS: i32 = 16;
/** Padding before each axis (front, top, left; words 19..21); what is after is implied by the extents. */
export const CONV_PAD: i32 = 19;
export const CONV_WORDS: i32 = 22;

export const POOL_MAX: i32 = 0;
/** Mean over the window's real (unpadded) elements, as Keras' AveragePooling does. */
export const POOL_AVERAGE: i32 = 1;

/** Most floats of im2col rows built at once (256 KiB). */
const CONV_COLS_FLOATS: i32 = 65536;

// @ts-ignore: decorator
@inline function word(geom: usize, i: i32): i32 {
  return load<i32>(geom + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function round4(n: i32): i32 {
  return (n + 3) & ~3;
}

// @ts-ignore: decorator
@inline function align16(bytes: f64): f64 {
  return Math.ceil(Math.max(bytes, 1) / 16) * 16;
}

/** Rows of one group's im2col matrix: kD*kH*kW*Cg. */
function conv_depth(geom: usize): i32 {
  const Cg = word(geom, CONV_CHANNELS) / word(geom, CONV_GROUPS);
  return word(geom, CONV_KERNEL) * word(geom, CONV_KERNEL + 1) * word(geom, CONV_KERNEL + 2) * Cg;
}

function output_rows(geom: usize): i32 {
  return word(geom, CONV_N) * word(geom, CONV_OUT) * word(geom, CONV_OUT + 1) * word(geom, CONV_OUT + 2);
}

/** Output rows one GEMM call covers: as many im2col rows as CONV_COLS_FLOATS holds, at least 4. */
export function conv_chunk_rows(geom: usize): i32 {
  const rows = output_rows(geom);
  const fit = max(4, (CONV_COLS_FLOATS / max(conv_depth(geom), 1)) & ~3);
  return min(rows, fit);
}

/**
 * A Conv1D-shaped product without dilation or groups reads its im2col rows straight
 * from the (padded) sample: output step t's window is the kW*C floats at t*sW*C.
 */
function is_direct_1d(geom: usize): bool {
  return word(geom, CONV_IN) == 1 && word(geom, CONV_IN + 1) == 1 && word(geom, CONV_KERNEL) == 1 && word(geom, CONV_KERNEL + 1) == 1
    && word(geom, CONV_DILATIONS + 2) == 1 && word(geom, CONV_GROUPS) == 1;
}

/** Width of the zero-padded sample the direct 1-D product reads (at least the input's). */
function direct_padded_width(geom: usize): i32 {
  const W = word(geom, CONV_IN + 2);
  const reach = (word(geom, CONV_OUT + 2) - 1) * word(geom, CONV_STRIDES + 2) + word(geom, CONV_KERNEL + 2);
  return max(W + word(geom, CONV_PAD + 2), reach);
}

/** Floats of the packed weights: one packed (kD*kH*kW*Cg, round4(Fg)) matrix per group. */
export function conv_packed_floats(geom: usize): i32 {
  const groups = word(geom, CONV_GROUPS);
  return groups * f32_packed_size(conv_depth(geom), round4(word(geom, CONV_FILTERS) / groups));
}

/** Packs a Keras kernel (kD, kH, kW, Cg, F) and bias (F, or 0 for none) for conv_forward. */
export function conv_pack_weights(packed: usize, kernel: usize, bias: usize, geom: usize): void {
  const groups = word(geom, CONV_GROUPS);
  const F = word(geom, CONV_FILTERS);
  const Fg = F / groups;
  const K = conv_depth(geom);
  const groupBytes = <usize>f32_packed_size(K, round4(Fg)) << 2;
  for (let g = 0; g < groups; g++) {
    const column = <usize>(g * Fg) << 2;
    f32_gemm_pack_weights(packed + <usize>g * groupBytes, kernel + column, F, bias == 0 ? 0 : bias + column, K, 1, Fg, round4(Fg));
  }
}

/**
 * Scratch bytes conv_forward needs (exact, an f64 so the host can refuse sizes past the
 * address space): im2col rows, the GEMM's padded output rows, its A packing buffer, and
 * the zero-padded sample of the direct 1-D product. Each part is 16-byte aligned.
 */
export function conv_scratch_bytes(geom: usize): f64 {
  const chunk = <f64>conv_chunk_rows(geom);
  const K = <f64>conv_depth(geom);
  const Fgp = <f64>round4(word(geom, CONV_FILTERS) / word(geom, CONV_GROUPS));
  const padded = is_direct_1d(geom) ? <f64>direct_padded_width(geom) * <f64>word(geom, CONV_CHANNELS) * 4 : 0;
  return align16(chunk * K * 4) + align16(chunk * Fgp * 4) + align16(f32_gemm_pack_bytes(chunk, K)) + align16(padded);
}

/**
 * out[rows, g*Fg ..] = [out +] bias + x ⋆ kernel, for every output position of every sample.
 * packed: from conv_pack_weights; scratch: conv_scratch_bytes(geom) bytes, 16-byte aligned.
 * ldOut >= F. No activation: the caller applies it to out.
 */
export function conv_forward(geom: usize, x: usize, packed: usize, out: usize, ldOut: i32, accumulate: bool, scratch: usize): void {
  const rows = output_rows(geom);
  if (rows == 0) return;
  const groups = word(geom, CONV_GROUPS);
  const Fg = word(geom, CONV_FILTERS) / groups;
  const Fgp = round4(Fg);
  const K = conv_depth(geom);
  const chunk = conv_chunk_rows(geom);
  const cols = scratch;
  const wide = cols + <usize>align16(<f64>chunk * <f64>K * 4);
  const packA = wide + <usize>align16(<f64>chunk * <f64>Fgp * 4);
  const paddedSample = packA + <usize>align16(f32_gemm_pack_bytes(chunk, K));
  const groupBytes = <usize>f32_packed_size(K, Fgp) << 2;
  const ldOutBytes = <usize>ldOut << 2;

  if (is_direct_1d(geom)) {
    const N = word(geom, CONV_N);
    const W = word(geom, CONV_IN + 2);
    const C = word(geom, CONV_CHANNELS);
    const outW = word(geom, CONV_OUT + 2);
    const stride = word(geom, CONV_STRIDES + 2);
    const padLeft = word(geom, CONV_PAD + 2);
    const Wp = direct_padded_width(geom);
    const sampleBytes = <usize>(W * C) << 2;
    for (let n = 0; n < N; n++) {
      let sample = x + <usize>n * sampleBytes;
      if (Wp != W) {
        // Zeros around a copy of the sample: 'same' and 'causal' windows reach past its ends.
        const left = <usize>(padLeft * C) << 2;
        memory.fill(paddedSample, 0, left);
        memory.copy(paddedSample + left, sample, sampleBytes);
        memory.fill(paddedSample + left + sampleBytes, 0, (<usize>(Wp * C) << 2) - left - sampleBytes);
        sample = paddedSample;
      }
      for (let t0 = 0; t0 < outW; t0 += chunk) {
        const m = min(chunk, outW - t0);
        const a = sample + (<usize>(t0 * stride * C) << 2);
        product(out + (<usize>(n * outW + t0)) * ldOutBytes, ldOut, a, stride * C, packed, m, Fg, Fgp, K, accumulate, wide, packA);
      }
    }
    return;
  }
  for (let g = 0; g < groups; g++) {
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      const m = min(chunk, rows - r0);
      im2col(cols, x, geom, g, r0, m, K);
      product(out + <usize>r0 * ldOutBytes + (<usize>(g * Fg) << 2), ldOut, cols, K, packed + <usize>g * groupBytes, m, Fg, Fgp, K, accumulate, wide, packA);
    }
  }
}

/** m rows of one group's product into out (row stride ldOut), through `wide` when Fg is not a multiple of 4. */
function product(out: usize, ldOut: i32, a: usize, lda: i32, packed: usize, m: i32, Fg: i32, Fgp: i32, K: i32, accumulate: bool, wide: usize, packA: usize): void {
  if (Fgp == Fg) {
    f32_gemm(out, ldOut, a, lda, packed, m, Fgp, K, accumulate, packA);
    return;
  }
  f32_gemm(wide, Fgp, a, lda, packed, m, Fgp, K, false, packA);
  if (accumulate) f32_add_rows(out, ldOut, wide, Fgp, m, Fg);
  else f32_copy_rows(out, ldOut, wide, Fgp, m, Fg);
}

/** Rows r0 .. r0+m-1 of group g's im2col matrix (m, K) at cols: each row is one output position's window. */
function im2col(cols: usize, x: usize, geom: usize, g: i32, r0: i32, m: i32, K: i32): void {
  const inD = word(geom, CONV_IN), inH = word(geom, CONV_IN + 1), inW = word(geom, CONV_IN + 2);
  const C = word(geom, CONV_CHANNELS);
  const Cg = C / word(geom, CONV_GROUPS);
  const outD = word(geom, CONV_OUT), outH = word(geom, CONV_OUT + 1), outW = word(geom, CONV_OUT + 2);
  const kD = word(geom, CONV_KERNEL), kH = word(geom, CONV_KERNEL + 1), kW = word(geom, CONV_KERNEL + 2);
  const sD = word(geom, CONV_STRIDES), sH = word(geom, CONV_STRIDES + 1), sW = word(geom, CONV_STRIDES + 2);
  const dD = word(geom, CONV_DILATIONS), dH = word(geom, CONV_DILATIONS + 1), dW = word(geom, CONV_DILATIONS + 2);
  const pD = word(geom, CONV_PAD), pH = word(geom, CONV_PAD + 1), pW = word(geom, CONV_PAD + 2);
  const tapBytes = <usize>Cg << 2;
  const channelOffset = <usize>(g * Cg) << 2;
  let dst = cols;
  for (let r = r0; r < r0 + m; r++) {
    const ow = r % outW;
    let rest = r / outW;
    const oh = rest % outH;
    rest /= outH;
    const od = rest % outD;
    const n = rest / outD;
    const sample = x + (<usize>n * inD * inH * inW * C << 2) + channelOffset;
    for (let kd = 0; kd < kD; kd++) {
      const id = od * sD - pD + kd * dD;
      if (id < 0 || id >= inD) {
        const skip = <usize>(kH * kW) * tapBytes;
        memory.fill(dst, 0, skip);
        dst += skip;
        continue;
      }
      for (let kh = 0; kh < kH; kh++) {
        const ih = oh * sH - pH + kh * dH;
        if (ih < 0 || ih >= inH) {
          const skip = <usize>kW * tapBytes;
          memory.fill(dst, 0, skip);
          dst += skip;
          continue;
        }
        const line = sample + (<usize>((id * inH + ih) * inW) * C << 2);
        for (let kw = 0; kw < kW; kw++) {
          const iw = ow * sW - pW + kw * dW;
          if (iw < 0 || iw >= inW) memory.fill(dst, 0, tapBytes);
          else memory.copy(dst, line + (<usize>iw * C << 2), tapBytes);
          dst += tapBytes;
        }
      }
    }
  }
}

/**
 * out (N * outD * outH * outW, C) = the max or mean (POOL_*) over each window of x
 * (N, inD, inH, inW, C); the geometry's filters, groups and dilations are not read.
 * Padded taps never win a max and are not counted in a mean.
 */
export function pool_forward(geom: usize, x: usize, out: usize, mode: i32): void {
  const inD = word(geom, CONV_IN), inH = word(geom, CONV_IN + 1), inW = word(geom, CONV_IN + 2);
  const C = word(geom, CONV_CHANNELS);
  const outD = word(geom, CONV_OUT), outH = word(geom, CONV_OUT + 1), outW = word(geom, CONV_OUT + 2);
  const kD = word(geom, CONV_KERNEL), kH = word(geom, CONV_KERNEL + 1), kW = word(geom, CONV_KERNEL + 2);
  const sD = word(geom, CONV_STRIDES), sH = word(geom, CONV_STRIDES + 1), sW = word(geom, CONV_STRIDES + 2);
  const pD = word(geom, CONV_PAD), pH = word(geom, CONV_PAD + 1), pW = word(geom, CONV_PAD + 2);
  const rows = output_rows(geom);
  const rowBytes = <usize>C << 2;
  for (let r = 0; r < rows; r++) {
    const ow = r % outW;
    let rest = r / outW;
    const oh = rest % outH;
    rest /= outH;
    const od = rest % outD;
    const n = rest / outD;
    const sample = x + <usize>n * inD * inH * inW * rowBytes;
    // The window clipped to the input: [d0, d1) x [h0, h1) x [w0, w1).
    const d0 = max(od * sD - pD, 0), d1 = min(od * sD - pD + kD, inD);
    const h0 = max(oh * sH - pH, 0), h1 = min(oh * sH - pH + kH, inH);
    const w0 = max(ow * sW - pW, 0), w1 = min(ow * sW - pW + kW, inW);
    const dst = out + <usize>r * rowBytes;
    if (mode == POOL_MAX) pool_window_max(dst, sample, C, inH, inW, d0, d1, h0, h1, w0, w1);
    else pool_window_mean(dst, sample, C, inH, inW, d0, d1, h0, h1, w0, w1);
  }
}

function pool_window_max(dst: usize, sample: usize, C: i32, inH: i32, inW: i32, d0: i32, d1: i32, h0: i32, h1: i32, w0: i32, w1: i32): void {
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    let acc = f32x4.splat(-Infinity);
    for (let d = d0; d < d1; d++) for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) {
      acc = f32x4.max(acc, v128.load(sample + (<usize>(((d * inH + h) * inW + w) * C + c) << 2)));
    }
    v128.store(dst + (<usize>c << 2), acc);
  }
  for (; c < C; c++) {
    let acc: f32 = -Infinity;
    for (let d = d0; d < d1; d++) for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) {
      acc = max(acc, load<f32>(sample + (<usize>(((d * inH + h) * inW + w) * C + c) << 2)));
    }
    store<f32>(dst + (<usize>c << 2), acc);
  }
}

function pool_window_mean(dst: usize, sample: usize, C: i32, inH: i32, inW: i32, d0: i32, d1: i32, h0: i32, h1: i32, w0: i32, w1: i32): void {
  const count = <f32>((d1 - d0) * (h1 - h0) * (w1 - w0));
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    let acc = f32x4.splat(0);
    for (let d = d0; d < d1; d++) for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) {
      acc = f32x4.add(acc, v128.load(sample + (<usize>(((d * inH + h) * inW + w) * C + c) << 2)));
    }
    v128.store(dst + (<usize>c << 2), f32x4.div(acc, f32x4.splat(count)));
  }
  for (; c < C; c++) {
    let acc: f32 = 0;
    for (let d = d0; d < d1; d++) for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) {
      acc += load<f32>(sample + (<usize>(((d * inH + h) * inW + w) * C + c) << 2));
    }
    store<f32>(dst + (<usize>c << 2), acc / count);
  }
}
