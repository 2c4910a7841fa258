// GRU with reset_after = false (Keras 1/2 original): the reset gate multiplies
// h before U_h. G = 3; the recurrent weights are two packed blocks, U_zr (H, 2*Hp)
// then U_h (H, Hp), back to back.
import { f32x4_activate, f32x4_gate_activate, ACT_SIGMOID, ACT_TANH } from "../activations";
import { f32_gemm, f32_packed_size } from "../gemm";
import { blend } from "./gru_common";
import { row_is_valid } from "./rows";

/**
 * First half: z and r from pre (3*Hp) and rec (2*Hp) = h·U_zr.
 * Writes z over rec's z block and rh (Hp) = r * h for the candidate product.
 */
export function gru_gates_reset_before_zr(rh: usize, rec: usize, h: usize, pre: usize, Hp: i32, ract: i32): void {
  if (ract == ACT_SIGMOID) gru_reset_before_zr_row(rh, rec, h, pre, Hp, ACT_SIGMOID);
  else gru_reset_before_zr_row(rh, rec, h, pre, Hp, ract);
}

// @ts-ignore: decorator
@inline function gru_reset_before_zr_row(rh: usize, rec: usize, h: usize, pre: usize, Hp: i32, ract: i32): void {
  const block = <usize>Hp << 2;
  for (let j = 0; j < Hp; j += 4) {
    const off = <usize>j << 2;
    const z = f32x4_gate_activate(f32x4.add(v128.load(pre + off), v128.load(rec + off)), ract);
    const r = f32x4_gate_activate(f32x4.add(v128.load(pre + off + block), v128.load(rec + off + block)), ract);
    v128.store(rec + off, z);
    v128.store(rh + off, f32x4.mul(r, v128.load(h + off)));
  }
}

/**
 * Second half: candidate = act(pre_h), pre_h (Hp) already holds
 * x·W_h + b_h + (r*h)·U_h; z (Hp) from the first half; h (Hp) updated.
 */
export function gru_gates_reset_before_update(h: usize, preCandidate: usize, z: usize, Hp: i32, act: i32): void {
  if (act == ACT_TANH) gru_reset_before_update_row(h, preCandidate, z, Hp, ACT_TANH);
  else gru_reset_before_update_row(h, preCandidate, z, Hp, act);
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
 * recurrent = U_zr packed (H, 2*Hp) then U_h packed (H, Hp); work: rec (B, 2*Hp), rh (B, Hp).
 */
export function gru_reset_before_step(
  pre: usize, h: usize, c: usize, work: usize, valid: usize, recurrent: usize,
  B: i32, H: i32, Hp: i32, act: i32, ract: i32, pack: usize,
): void {
  const GHp = 3 * Hp;
  const zrHp = 2 * Hp;
  const rec = work;
  const rh = work + (<usize>B * zrHp << 2);
  const candidateWeights = recurrent + (<usize>f32_packed_size(H, zrHp) << 2);
  const preRow = <usize>GHp << 2;
  const zrRow = <usize>zrHp << 2;
  const stateRow = <usize>Hp << 2;
  f32_gemm(rec, zrHp, h, Hp, recurrent, B, zrHp, H, false, pack);
  for (let b: usize = 0; b < <usize>B; b++) {
    gru_gates_reset_before_zr(rh + b * stateRow, rec + b * zrRow, h + b * stateRow, pre + b * preRow, Hp, ract);
  }
  const preCandidate = pre + (<usize>zrHp << 2);
  f32_gemm(preCandidate, GHp, rh, Hp, candidateWeights, B, Hp, H, true, pack);
  for (let b: usize = 0; b < <usize>B; b++) {
    if (row_is_valid(valid, b)) gru_gates_reset_before_update(h + b * stateRow, preCandidate + b * preRow, rec + b * zrRow, Hp, act);
  }
}
