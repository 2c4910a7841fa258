// Keras' recurrent_dropout in training: one inverted-scaled mask per gate and batch row,
// fixed for the whole sequence, multiplies h before each gate's share of the recurrent
// product (Keras 3 switches the cell to implementation 1: h_tm1 * rec_dp_mask[g] @ U_g).
//
// The block a training run passes (DIR word `dropout`) holds, in floats:
//   [mask of gate 0 (B, Hp)] ... [mask of gate G-1 (B, Hp)] [scratch (B*T, Hp)]
// and the run's recurrent weights are then packed one gate at a time, (H, Hp) each
// (its transpose (Hp, Hp) each for the backward pass), so that gate g's columns form a
// matrix of their own. The block is a module global, set for the duration of one
// direction's run, so the common cell signatures (and streaming, which never drops)
// stay as they are.
import { f32_gemm, f32_packed_size } from "../gemm";

let block: usize = 0;
let gates: i32 = 0;
let rows: i32 = 0;

/** Sets (or, with 0, clears) the dropout block of the direction about to run. */
export function recurrent_dropout_begin(dropout: usize, G: i32, B: i32): void {
  block = dropout;
  gates = G;
  rows = B;
}

// @ts-ignore: decorator
@inline export function recurrent_dropout_active(): bool {
  return block != 0;
}

/** Gate g's mask (B, Hp). */
// @ts-ignore: decorator
@inline export function recurrent_dropout_mask(g: i32, Hp: i32): usize {
  return block + ((<usize>g * <usize>rows * <usize>Hp) << 2);
}

/** The block's scratch (B*T, Hp). */
// @ts-ignore: decorator
@inline export function recurrent_dropout_scratch(Hp: i32): usize {
  return recurrent_dropout_mask(gates, Hp);
}

/** Gate g's weights inside a recurrent kernel packed one gate at a time. */
// @ts-ignore: decorator
@inline export function recurrent_gate_weights(recurrent: usize, g: i32, H: i32, Hp: i32): usize {
  return recurrent + ((<usize>g * <usize>f32_packed_size(H, Hp)) << 2);
}

/** dst (B, Hp) = src (B rows, stride srcStride floats) * mask of gate g. */
export function f32_mask_rows(dst: usize, src: usize, srcStride: i32, g: i32, B: i32, Hp: i32): void {
  const mask = recurrent_dropout_mask(g, Hp);
  for (let b = 0; b < B; b++) {
    const s = src + ((<usize>b * srcStride) << 2);
    const d = dst + ((<usize>b * Hp) << 2);
    const m = mask + ((<usize>b * Hp) << 2);
    for (let j = 0; j < Hp; j += 4) {
      const off = <usize>j << 2;
      v128.store(d + off, f32x4.mul(v128.load(s + off), v128.load(m + off)));
    }
  }
}

/**
 * c (B, gates [from, to) of Hp columns; row stride ldc) [+]= h·U for those gates: one f32_gemm
 * on the cell's packed block without dropout; with it, (h * mask_g)·U_g gate by gate.
 */
export function recurrent_product(
  c: usize, ldc: i32, h: usize, recurrent: usize, from: i32, to: i32, B: i32, H: i32, Hp: i32, accumulate: bool, pack: usize,
): void {
  if (block == 0) {
    f32_gemm(c, ldc, h, Hp, recurrent, B, (to - from) * Hp, H, accumulate, pack);
    return;
  }
  const masked = recurrent_dropout_scratch(Hp);
  for (let g = from; g < to; g++) {
    f32_mask_rows(masked, h, Hp, g, B, Hp);
    f32_gemm(c + (<usize>((g - from) * Hp) << 2), ldc, masked, Hp, recurrent_gate_weights(recurrent, g, H, Hp), B, Hp, H, accumulate, pack);
  }
}

/**
 * dh (B, Hp) += the gradient of h through recurrent_product for gates [from, to): dRec·Uᵀ, or
 * with dropout Σ_g (dRec_g·U_gᵀ) * mask_g. recurrentT: the cell's transposed block, or with
 * dropout every gate's (Hp, Hp) transpose back to back.
 */
export function recurrent_product_backward(
  dh: usize, dRec: usize, gradStride: i32, recurrentT: usize, from: i32, to: i32, B: i32, Hp: i32, pack: usize,
): void {
  if (block == 0) {
    f32_gemm(dh, Hp, dRec + (<usize>(from * Hp) << 2), gradStride, recurrentT, B, Hp, (to - from) * Hp, true, pack);
    return;
  }
  const product = recurrent_dropout_scratch(Hp);
  for (let g = from; g < to; g++) {
    f32_gemm(product, Hp, dRec + (<usize>(g * Hp) << 2), gradStride, recurrent_gate_weights(recurrentT, g, Hp, Hp), B, Hp, Hp, false, pack);
    const mask = recurrent_dropout_mask(g, Hp);
    for (let i = 0; i < B * Hp; i += 4) {
      const off = <usize>i << 2;
      v128.store(dh + off, f32x4.add(v128.load(dh + off), f32x4.mul(v128.load(product + off), v128.load(mask + off))));
    }
  }
}
