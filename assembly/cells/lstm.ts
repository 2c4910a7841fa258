// LSTM cell, Keras gate order i, f, c, o. G = 4, states h and c.
import { f32x4_activate, f32x4_activate_call, f32x4_gate_sigmoid_pair, f32x4_tanh_pair, pair_second, f32x4_activate_derivative_call, f32x4_gate_activate, f32x4_gate_activate_call, ACT_SIGMOID, ACT_TANH } from "../activations";
import { recurrent_product, recurrent_product_backward } from "./recurrent_dropout";
import { madd } from "../simd";
import { row_is_valid } from "./rows";
import { strided_row, tape_block } from "./tape";

/**
 * One row of fused gate math, in place.
 * pre (4*Hp) = x·W + b + h·U, blocks i | f | c | o; h (Hp), c (Hp) updated.
 */
export function lstm_gates(h: usize, c: usize, pre: usize, Hp: i32, act: i32, ract: i32): void {
  // Keras' defaults get a copy with the activations resolved at compile time.
  if (act == ACT_TANH && ract == ACT_SIGMOID) lstm_row_keras(h, c, pre, Hp);
  else lstm_row_any(h, c, pre, Hp, act, ract);
}

// Two functions rather than both copies inlined here: engines compile a function on its first
// call, so a first apply with Keras' default activations compiles only the small copy, not the
// generic one that inlines every activation (most of the 17 kB the two made together).
// Pairs of vectors in lockstep (see f32x4_tanh_pair), the same bits as lstm_row. Two passes:
// the gates and the new c of every unit, with o parked in h (the old h is spent: h·U is in
// pre), then h = o * tanh(c). In one pass tanh(c) waits on the gates' polynomial chains (some
// 50 cycles each) and the out-of-order window does not reach the next units' independent work
// (gates-ab: Hp=64 from 268 to 226 ns).
function lstm_row_keras(h: usize, c: usize, pre: usize, Hp: i32): void {
  const block = <usize>Hp << 2;
  const full = Hp & ~7;
  for (let j = 0; j < full; j += 8) {
    const at = pre + (<usize>j << 2);
    const ia = f32x4_gate_sigmoid_pair(v128.load(at), v128.load(at, 16));
    const ib = pair_second();
    const fa = f32x4_gate_sigmoid_pair(v128.load(at + block), v128.load(at + block, 16));
    const fb = pair_second();
    const ga = f32x4_tanh_pair(v128.load(at + 2 * block), v128.load(at + 2 * block, 16));
    const gb = pair_second();
    const oa = f32x4_gate_sigmoid_pair(v128.load(at + 3 * block), v128.load(at + 3 * block, 16));
    const ob = pair_second();
    const cj = c + (<usize>j << 2);
    v128.store(cj, madd(fa, v128.load(cj), f32x4.mul(ia, ga)));
    v128.store(cj, madd(fb, v128.load(cj, 16), f32x4.mul(ib, gb)), 16);
    const hj = h + (<usize>j << 2);
    v128.store(hj, oa);
    v128.store(hj, ob, 16);
  }
  for (let j = 0; j < full; j += 8) {
    const cj = c + (<usize>j << 2);
    const ta = f32x4_tanh_pair(v128.load(cj), v128.load(cj, 16));
    const tb = pair_second();
    const hj = h + (<usize>j << 2);
    v128.store(hj, f32x4.mul(v128.load(hj), ta));
    v128.store(hj, f32x4.mul(v128.load(hj, 16), tb), 16);
  }
  if (full < Hp) lstm_row(h + (<usize>full << 2), c + (<usize>full << 2), pre + (<usize>full << 2), Hp - full, block, ACT_TANH, ACT_SIGMOID);
}

function lstm_row_any(h: usize, c: usize, pre: usize, Hp: i32, act: i32, ract: i32): void {
  lstm_row(h, c, pre, Hp, <usize>Hp << 2, act, ract);
}

// @ts-ignore: decorator
@inline function lstm_row(h: usize, c: usize, pre: usize, n: i32, block: usize, act: i32, ract: i32): void {
  for (let j = 0; j < n; j += 4) {
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
  recurrent_product(pre, GHp, h, recurrent, 0, 4, B, H, Hp, true, pack);
  const preRow = <usize>GHp << 2;
  const stateRow = <usize>Hp << 2;
  for (let b: usize = 0; b < <usize>B; b++) {
    if (row_is_valid(valid, b)) lstm_gates(h + b * stateRow, c + b * stateRow, pre + b * preRow, Hp, act, ract);
  }
}

/**
 * Backward through one step for B rows (the common backward signature, assembly/cells/tape.ts).
 * dh, dc (B, Hp): in, the gradients of the states after the step; out, before it. Masked rows
 * write zero dPre and pass both through. dRec is dPre.
 */
export function lstm_step_backward(
  dPre: usize, dRec: usize, gradStride: i32, tape: usize, tapeStride: i32, dh: usize, dc: usize, work: usize,
  valid: usize, recurrentT: usize, B: i32, H: i32, Hp: i32, act: i32, ract: i32, pack: usize,
): void {
  const stateRow = <usize>Hp << 2;
  const block = stateRow;
  for (let b = 0; b < B; b++) {
    const dp = strided_row(dPre, gradStride, b);
    if (!row_is_valid(valid, <usize>b)) {
      memory.fill(dp, 0, 4 * block);
      continue;
    }
    const pre = strided_row(tape, tapeStride, b);
    const cPrev = pre + tape_block(5, Hp);
    const dhb = dh + <usize>b * stateRow;
    const dcb = dc + <usize>b * stateRow;
    for (let j = 0; j < Hp; j += 4) {
      const off = <usize>j << 2;
      const pi = v128.load(pre + off);
      const pf = v128.load(pre + off + block);
      const pc = v128.load(pre + off + 2 * block);
      const po = v128.load(pre + off + 3 * block);
      const i = f32x4_gate_activate_call(pi, ract);
      const f = f32x4_gate_activate_call(pf, ract);
      const g = f32x4_activate_call(pc, act);
      const o = f32x4_gate_activate_call(po, ract);
      const cp = v128.load(cPrev + off);
      const c = madd(f, cp, f32x4.mul(i, g));
      const tc = f32x4_activate_call(c, act);
      const dhv = v128.load(dhb + off);
      const dct = madd(f32x4.mul(dhv, o), f32x4_activate_derivative_call(c, tc, act), v128.load(dcb + off));
      v128.store(dp + off, f32x4.mul(f32x4.mul(dct, g), f32x4_activate_derivative_call(pi, i, ract)));
      v128.store(dp + off + block, f32x4.mul(f32x4.mul(dct, cp), f32x4_activate_derivative_call(pf, f, ract)));
      v128.store(dp + off + 2 * block, f32x4.mul(f32x4.mul(dct, i), f32x4_activate_derivative_call(pc, g, act)));
      v128.store(dp + off + 3 * block, f32x4.mul(f32x4.mul(dhv, tc), f32x4_activate_derivative_call(po, o, ract)));
      v128.store(dcb + off, f32x4.mul(dct, f));
    }
    memory.fill(dhb, 0, stateRow);
  }
  recurrent_product_backward(dh, dPre, gradStride, recurrentT, 0, 4, B, Hp, pack);
}
