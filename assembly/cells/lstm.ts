// LSTM cell, Keras gate order i, f, c, o. G = 4, states h and c.
import { f32x4_activate, f32x4_gate_activate, ACT_SIGMOID, ACT_TANH } from "../activations";
import { f32_gemm } from "../gemm";
import { madd } from "../simd";
import { row_is_valid } from "./rows";

/**
 * One row of fused gate math, in place.
 * pre (4*Hp) = x·W + b + h·U, blocks i | f | c | o; h (Hp), c (Hp) updated.
 */
export function lstm_gates(h: usize, c: usize, pre: usize, Hp: i32, act: i32, ract: i32): void {
  // Keras' defaults get a copy with the activations resolved at compile time.
  if (act == ACT_TANH && ract == ACT_SIGMOID) lstm_row(h, c, pre, Hp, ACT_TANH, ACT_SIGMOID);
  else lstm_row(h, c, pre, Hp, act, ract);
}

// @ts-ignore: decorator
@inline function lstm_row(h: usize, c: usize, pre: usize, Hp: i32, act: i32, ract: i32): void {
  const block = <usize>Hp << 2;
  for (let j = 0; j < Hp; j += 4) {
    const at = pre + (<usize>j << 2);
    const i = f32x4_gate_activate(v128.load(at), ract);
    const f = f32x4_gate_activate(v128.load(at + block), ract);
    const g = f32x4_activate(v128.load(at + 2 * block), act);
    const o = f32x4_gate_activate(v128.load(at + 3 * block), ract);
    const cj = c + (<usize>j << 2);
    const cNew = madd(f, v128.load(cj), f32x4.mul(i, g));
    v128.store(cj, cNew);
    v128.store(h + (<usize>j << 2), f32x4.mul(o, f32x4_activate(cNew, act)));
  }
}

/**
 * One step for B rows. pre (B, 4*Hp) = x·W + b, overwritten; h, c (B, Hp) updated where valid;
 * recurrent packed (H, 4*Hp). work is unused (the common cell signature).
 */
export function lstm_step(
  pre: usize, h: usize, c: usize, work: usize, valid: usize, recurrent: usize,
  B: i32, H: i32, Hp: i32, act: i32, ract: i32, pack: usize,
): void {
  const GHp = 4 * Hp;
  f32_gemm(pre, GHp, h, Hp, recurrent, B, GHp, H, true, pack);
  const preRow = <usize>GHp << 2;
  const stateRow = <usize>Hp << 2;
  for (let b: usize = 0; b < <usize>B; b++) {
    if (row_is_valid(valid, b)) lstm_gates(h + b * stateRow, c + b * stateRow, pre + b * preRow, Hp, act, ract);
  }
}
