// SimpleRNN cell: h = act(x·W + b + h·U). G = 1.
import { f32x4_activate, ACT_TANH } from "../activations";
import { f32_gemm } from "../gemm";
import { row_is_valid } from "./rows";

/** h (Hp) = act(pre), pre (Hp) = x·W + b + h·U. */
export function simple_rnn_gates(h: usize, pre: usize, Hp: i32, act: i32): void {
  // tanh, Keras' default, gets a copy with the activation resolved at compile time.
  if (act == ACT_TANH) simple_rnn_row(h, pre, Hp, ACT_TANH);
  else simple_rnn_row(h, pre, Hp, act);
}

// @ts-ignore: decorator
@inline function simple_rnn_row(h: usize, pre: usize, Hp: i32, act: i32): void {
  for (let j = 0; j < Hp; j += 4) {
    const off = <usize>j << 2;
    v128.store(h + off, f32x4_activate(v128.load(pre + off), act));
  }
}

/**
 * One step for B rows. pre (B, Hp) = x·W + b, overwritten; h (B, Hp) updated where valid;
 * recurrent packed (H, Hp). c, work and ract are unused (the common cell signature).
 */
export function simple_rnn_step(
  pre: usize, h: usize, c: usize, work: usize, valid: usize, recurrent: usize,
  B: i32, H: i32, Hp: i32, act: i32, ract: i32, pack: usize,
): void {
  f32_gemm(pre, Hp, h, Hp, recurrent, B, Hp, H, true, pack);
  const row = <usize>Hp << 2;
  for (let b: usize = 0; b < <usize>B; b++) {
    if (row_is_valid(valid, b)) simple_rnn_gates(h + b * row, pre + b * row, Hp, act);
  }
}
