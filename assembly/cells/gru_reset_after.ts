// GRU with reset_after = true (Keras 2.3+ / 3 default, CuDNN-compatible):
// the reset gate multiplies h·U_h + b_h. G = 3, recurrent bias in the packed U.
import { f32x4_activate, f32x4_gate_activate, ACT_SIGMOID, ACT_TANH } from "../activations";
import { f32_gemm } from "../gemm";
import { madd } from "../simd";
import { blend, is_default } from "./gru_common";
import { row_is_valid } from "./rows";

/**
 * One row in place.
 * pre (3*Hp) = x·W + b_input; rec (3*Hp) = h·U + b_recurrent; h (Hp) updated.
 */
export function gru_gates_reset_after(h: usize, pre: usize, rec: usize, Hp: i32, act: i32, ract: i32): void {
  if (is_default(act, ract)) gru_reset_after_row(h, pre, rec, Hp, ACT_TANH, ACT_SIGMOID);
  else gru_reset_after_row(h, pre, rec, Hp, act, ract);
}

// @ts-ignore: decorator
@inline function gru_reset_after_row(h: usize, pre: usize, rec: usize, Hp: i32, act: i32, ract: i32): void {
  const block = <usize>Hp << 2;
  for (let j = 0; j < Hp; j += 4) {
    const off = <usize>j << 2;
    const z = f32x4_gate_activate(f32x4.add(v128.load(pre + off), v128.load(rec + off)), ract);
    const r = f32x4_gate_activate(f32x4.add(v128.load(pre + off + block), v128.load(rec + off + block)), ract);
    const candidate = f32x4_activate(madd(r, v128.load(rec + off + 2 * block), v128.load(pre + off + 2 * block)), act);
    v128.store(h + off, blend(z, v128.load(h + off), candidate));
  }
}

/**
 * One step for B rows. pre (B, 3*Hp) = x·W + b_input; h (B, Hp) updated where valid;
 * recurrent packed (H, 3*Hp) with b_recurrent as its bias; work (B, 3*Hp) holds h·U + b_recurrent.
 */
export function gru_reset_after_step(
  pre: usize, h: usize, c: usize, work: usize, valid: usize, recurrent: usize,
  B: i32, H: i32, Hp: i32, act: i32, ract: i32, pack: usize,
): void {
  const GHp = 3 * Hp;
  const rec = work;
  f32_gemm(rec, GHp, h, Hp, recurrent, B, GHp, H, false, pack);
  const row = <usize>GHp << 2;
  const stateRow = <usize>Hp << 2;
  for (let b: usize = 0; b < <usize>B; b++) {
    if (row_is_valid(valid, b)) gru_gates_reset_after(h + b * stateRow, pre + b * row, rec + b * row, Hp, act, ract);
  }
}
