// GRU with reset_after = false (Keras 1/2 original): the reset gate multiplies
// h before U_h. G = 3; the recurrent weights are two packed blocks, U_zr (H, 2*Hp)
// then U_h (H, Hp), back to back.
import { f32x4_activate, f32x4_activate_call, f32x4_activate_derivative_call, f32x4_gate_activate, f32x4_gate_activate_call, f32x4_tanh_pair, pair_second, ACT_SIGMOID, ACT_TANH } from "../activations";
import { madd, splat } from "../simd";
import { f32_gemm, f32_packed_size } from "../gemm";
import { blend } from "./gru_common";
import { recurrent_dropout_active, recurrent_dropout_mask, recurrent_gate_weights, recurrent_product, recurrent_product_backward } from "./recurrent_dropout";
import { row_is_valid } from "./rows";
import { strided_row, tape_block } from "./tape";

/**
 * First half: z and r from pre (3*Hp) and rec (2*Hp) = h·U_zr.
 * Writes z over rec's z block, z's pre-activation over pre's z block (for the training
 * tape), and rh (Hp) = r * h for the candidate product.
 */
export function gru_gates_reset_before_zr(rh: usize, rec: usize, h: usize, pre: usize, Hp: i32, ract: i32): void {
  if (ract == ACT_SIGMOID) gru_reset_before_zr_keras(rh, rec, h, pre, Hp);
  else gru_reset_before_zr_any(rh, rec, h, pre, Hp, ract);
}

// Two functions, compiled apart on first call (see lstm_gates). Not paired as the other rows
// are: TurboFan already keeps this loop's constants in registers, and pairing made it slower.
function gru_reset_before_zr_keras(rh: usize, rec: usize, h: usize, pre: usize, Hp: i32): void {
  gru_reset_before_zr_row(rh, rec, h, pre, Hp, ACT_SIGMOID);
}

function gru_reset_before_zr_any(rh: usize, rec: usize, h: usize, pre: usize, Hp: i32, ract: i32): void {
  gru_reset_before_zr_row(rh, rec, h, pre, Hp, ract);
}

// @ts-ignore: decorator
@inline function gru_reset_before_zr_row(rh: usize, rec: usize, h: usize, pre: usize, Hp: i32, ract: i32): void {
  const block = <usize>Hp << 2;
  for (let j = 0; j < Hp; j += 4) {
    const off = <usize>j << 2;
    const zPre = f32x4.add(v128.load(pre + off), v128.load(rec + off));
    const z = f32x4_gate_activate(zPre, ract);
    const r = f32x4_gate_activate(f32x4.add(v128.load(pre + off + block), v128.load(rec + off + block)), ract);
    v128.store(pre + off, zPre);
    v128.store(rec + off, z);
    v128.store(rh + off, f32x4.mul(r, v128.load(h + off)));
  }
}

/**
 * Second half: candidate = act(pre_h), pre_h (Hp) already holds
 * x·W_h + b_h + (r*h)·U_h; z (Hp) from the first half; h (Hp) updated.
 */
export function gru_gates_reset_before_update(h: usize, preCandidate: usize, z: usize, Hp: i32, act: i32): void {
  if (act == ACT_TANH) gru_reset_before_update_keras(h, preCandidate, z, Hp);
  else gru_reset_before_update_any(h, preCandidate, z, Hp, act);
}

// Two functions, compiled apart on first call (see lstm_gates).
// Pairs of vectors in lockstep (see f32x4_tanh_pair), the same bits as gru_reset_before_update_row.
function gru_reset_before_update_keras(h: usize, preCandidate: usize, z: usize, Hp: i32): void {
  let j = 0;
  for (; j + 8 <= Hp; j += 8) {
    const off = <usize>j << 2;
    const ca = f32x4_tanh_pair(v128.load(preCandidate + off), v128.load(preCandidate + off, 16));
    const cb = pair_second();
    v128.store(h + off, blend(v128.load(z + off), v128.load(h + off), ca));
    v128.store(h + off, blend(v128.load(z + off, 16), v128.load(h + off, 16), cb), 16);
  }
  if (j < Hp) gru_reset_before_update_row(h + (<usize>j << 2), preCandidate + (<usize>j << 2), z + (<usize>j << 2), Hp - j, ACT_TANH);
}

function gru_reset_before_update_any(h: usize, preCandidate: usize, z: usize, Hp: i32, act: i32): void {
  gru_reset_before_update_row(h, preCandidate, z, Hp, act);
}

// @ts-ignore: decorator
@inline function gru_reset_before_update_row(h: usize, preCandidate: usize, z: usize, Hp: i32, act: i32): void {
  for (let j = 0; j < Hp; j += 4) {
    const off = <usize>j << 2;
    const candidate = f32x4_activate(v128.load(preCandidate + off), act);
    v128.store(h + off, blend(v128.load(z + off), v128.load(h + off), candidate));
  }
}

/**
 * One step for B rows. pre (B, 3*Hp) = x·W + b, overwritten; h (B, Hp) updated where valid;
 * recurrent = U_zr packed (H, 2*Hp) then U_h packed (H, Hp); work (B, 3*Hp), each row
 * [h·U_z, h·U_r, r*h] (h·U_z then replaced by z), the layout the training tape records.
 */
export function gru_reset_before_step(
  pre: usize, h: usize, c: usize, work: usize, valid: usize, recurrent: usize,
  B: i32, H: i32, Hp: i32, act: i32, ract: i32, pack: usize,
): void {
  const GHp = 3 * Hp;
  const zrHp = 2 * Hp;
  const rec = work;
  const rh = work + (<usize>zrHp << 2);
  const dropout = recurrent_dropout_active();
  const candidateWeights = dropout ? recurrent_gate_weights(recurrent, 2, H, Hp) : recurrent + (<usize>f32_packed_size(H, zrHp) << 2);
  const row = <usize>GHp << 2;
  const stateRow = <usize>Hp << 2;
  recurrent_product(rec, GHp, h, recurrent, 0, 2, B, H, Hp, false, pack);
  // Keras: r * (h * rec_dp_mask[2]) before U_h; the mask is applied in place on rh below.
  for (let b: usize = 0; b < <usize>B; b++) {
    gru_gates_reset_before_zr(rh + b * row, rec + b * row, h + b * stateRow, pre + b * row, Hp, ract);
  }
  if (dropout) mask_rows_in_place(rh, GHp, recurrent_dropout_mask(2, Hp), B, Hp);
  const preCandidate = pre + (<usize>zrHp << 2);
  f32_gemm(preCandidate, GHp, rh, GHp, candidateWeights, B, Hp, H, true, pack);
  for (let b: usize = 0; b < <usize>B; b++) {
    if (row_is_valid(valid, b)) gru_gates_reset_before_update(h + b * stateRow, preCandidate + b * row, rec + b * row, Hp, act);
  }
}

/**
 * Backward through one step for B rows (the common backward signature, assembly/cells/tape.ts).
 * Tape row: pre = [z pre-activation, x·W_r + b_r, candidate pre-activation], work = [z,
 * h·U_r, r*h], h before. recurrentT: U_zrᵀ packed (2*Hp, Hp), then U_hᵀ packed (Hp, Hp);
 * work (B, Hp) receives d(r*h). dRec is dPre.
 */
export function gru_reset_before_step_backward(
  dPre: usize, dRec: usize, gradStride: i32, tape: usize, tapeStride: i32, dh: usize, dc: usize, work: usize,
  valid: usize, recurrentT: usize, B: i32, H: i32, Hp: i32, act: i32, ract: i32, pack: usize,
): void {
  const stateRow = <usize>Hp << 2;
  const block = stateRow;
  for (let b = 0; b < B; b++) {
    const dp = strided_row(dPre, gradStride, b);
    if (!row_is_valid(valid, <usize>b)) {
      memory.fill(dp, 0, 3 * block);
      continue;
    }
    const pre = strided_row(tape, tapeStride, b);
    const hPrev = pre + tape_block(6, Hp);
    const dhb = dh + <usize>b * stateRow;
    for (let j = 0; j < Hp; j += 4) {
      const off = <usize>j << 2;
      const zPre = v128.load(pre + off);
      const z = v128.load(pre + tape_block(3, Hp) + off);
      const cPre = v128.load(pre + off + 2 * block);
      const candidate = f32x4_activate_call(cPre, act);
      const dhv = v128.load(dhb + off);
      const dcPre = f32x4.mul(f32x4.mul(dhv, f32x4.sub(splat(1.0), z)), f32x4_activate_derivative_call(cPre, candidate, act));
      const dzPre = f32x4.mul(f32x4.mul(dhv, f32x4.sub(v128.load(hPrev + off), candidate)), f32x4_activate_derivative_call(zPre, z, ract));
      v128.store(dp + off, dzPre);
      v128.store(dp + off + 2 * block, dcPre);
      v128.store(dhb + off, f32x4.mul(dhv, z));
    }
  }
  // d(r*h) = dcPre · U_hᵀ, then the reset gate's share.
  const dropout = recurrent_dropout_active();
  const candidateT = dropout ? recurrent_gate_weights(recurrentT, 2, Hp, Hp) : recurrentT + (<usize>f32_packed_size(2 * Hp, Hp) << 2);
  const candidateMask = dropout ? recurrent_dropout_mask(2, Hp) : 0;
  f32_gemm(work, Hp, dPre + (<usize>(2 * Hp) << 2), gradStride, candidateT, B, Hp, Hp, false, pack);
  for (let b = 0; b < B; b++) {
    if (!row_is_valid(valid, <usize>b)) continue;
    const dp = strided_row(dPre, gradStride, b);
    const pre = strided_row(tape, tapeStride, b);
    const hPrev = pre + tape_block(6, Hp);
    const dhb = dh + <usize>b * stateRow;
    const drh = work + <usize>b * stateRow;
    const m = candidateMask + <usize>b * stateRow;
    for (let j = 0; j < Hp; j += 4) {
      const off = <usize>j << 2;
      const rPre = f32x4.add(v128.load(pre + off + block), v128.load(pre + tape_block(4, Hp) + off));
      const r = f32x4_gate_activate_call(rPre, ract);
      const d = v128.load(drh + off);
      let hp = v128.load(hPrev + off);
      let rToH = r;
      // rh = r * (h * mask): d/dr takes the masked h, d/dh the masked r.
      if (candidateMask != 0) {
        const mv = v128.load(m + off);
        hp = f32x4.mul(hp, mv);
        rToH = f32x4.mul(r, mv);
      }
      v128.store(dp + off + block, f32x4.mul(f32x4.mul(d, hp), f32x4_activate_derivative_call(rPre, r, ract)));
      v128.store(dhb + off, madd(d, rToH, v128.load(dhb + off)));
    }
  }
  recurrent_product_backward(dh, dPre, gradStride, recurrentT, 0, 2, B, Hp, pack);
}

/** rows (B, Hp; row stride ld floats) *= mask (B, Hp). */
function mask_rows_in_place(rows: usize, ld: i32, mask: usize, B: i32, Hp: i32): void {
  for (let b = 0; b < B; b++) {
    const r = rows + ((<usize>b * ld) << 2);
    const m = mask + ((<usize>b * Hp) << 2);
    for (let j = 0; j < Hp; j += 4) {
      const off = <usize>j << 2;
      v128.store(r + off, f32x4.mul(v128.load(r + off), v128.load(m + off)));
    }
  }
}
