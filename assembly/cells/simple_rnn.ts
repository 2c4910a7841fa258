// SimpleRNN cell: h = act(x·W + b + h·U). G = 1.
import { f32x4_activate, f32x4_activate_call, f32x4_activate_derivative_call, f32x4_tanh_pair, pair_second, ACT_TANH } from "../activations";
import { recurrent_product, recurrent_product_backward } from "./recurrent_dropout";
import { row_is_valid } from "./rows";
import { strided_row } from "./tape";

/** h (Hp) = act(pre), pre (Hp) = x·W + b + h·U. */
export function simple_rnn_gates(h: usize, pre: usize, Hp: i32, act: i32): void {
  // tanh, Keras' default, gets a copy with the activation resolved at compile time.
  if (act == ACT_TANH) simple_rnn_keras(h, pre, Hp);
  else simple_rnn_any(h, pre, Hp, act);
}

// Two functions, compiled apart on first call (see lstm_gates).
// Pairs of vectors in lockstep (see f32x4_tanh_pair), the same bits as simple_rnn_row.
function simple_rnn_keras(h: usize, pre: usize, Hp: i32): void {
  let j = 0;
  for (; j + 8 <= Hp; j += 8) {
    const off = <usize>j << 2;
    const a = f32x4_tanh_pair(v128.load(pre + off), v128.load(pre + off, 16));
    v128.store(h + off, a);
    v128.store(h + off, pair_second(), 16);
  }
  if (j < Hp) simple_rnn_row(h + (<usize>j << 2), pre + (<usize>j << 2), Hp - j, ACT_TANH);
}

function simple_rnn_any(h: usize, pre: usize, Hp: i32, act: i32): void {
  simple_rnn_row(h, pre, Hp, act);
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
  recurrent_product(pre, Hp, h, recurrent, 0, 1, B, H, Hp, true, pack);
  const row = <usize>Hp << 2;
  for (let b: usize = 0; b < <usize>B; b++) {
    if (row_is_valid(valid, b)) simple_rnn_gates(h + b * row, pre + b * row, Hp, act);
  }
}

/**
 * Backward through one step for B rows (the common backward signature, assembly/cells/tape.ts).
 * dh (B, Hp): in, d loss / d h after the step; out, d loss / d h before it. Valid rows write
 * dPre = dh * act'(pre); masked rows write zeros and pass dh through. dRec is dPre.
 */
export function simple_rnn_step_backward(
  dPre: usize, dRec: usize, gradStride: i32, tape: usize, tapeStride: i32, dh: usize, dc: usize, work: usize,
  valid: usize, recurrentT: usize, B: i32, H: i32, Hp: i32, act: i32, ract: i32, pack: usize,
): void {
  const stateRow = <usize>Hp << 2;
  for (let b = 0; b < B; b++) {
    const dp = strided_row(dPre, gradStride, b);
    if (!row_is_valid(valid, <usize>b)) {
      memory.fill(dp, 0, stateRow);
      continue;
    }
    const pre = strided_row(tape, tapeStride, b);
    const dhb = dh + <usize>b * stateRow;
    for (let j = 0; j < Hp; j += 4) {
      const off = <usize>j << 2;
      const x = v128.load(pre + off);
      const d = f32x4.mul(v128.load(dhb + off), f32x4_activate_derivative_call(x, f32x4_activate_call(x, act), act));
      v128.store(dp + off, d);
    }
    memory.fill(dhb, 0, stateRow);
  }
  recurrent_product_backward(dh, dPre, gradStride, recurrentT, 0, 1, B, Hp, pack);
}
