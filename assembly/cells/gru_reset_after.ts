// GRU with reset_after = true (Keras 2.3+ / 3 default, CuDNN-compatible):
// the reset gate multiplies h·U_h + b_h. G = 3, recurrent bias in the packed U.
import { f32x4_activate, f32x4_activate_call, f32x4_gate_sigmoid_pair, f32x4_tanh_pair, pair_second, f32x4_activate_derivative_call, f32x4_gate_activate, f32x4_gate_activate_call, ACT_SIGMOID, ACT_TANH } from "../activations";
import { recurrent_product, recurrent_product_backward } from "./recurrent_dropout";
import { madd, splat } from "../simd";
import { blend, is_default } from "./gru_common";
import { row_is_valid } from "./rows";
import { strided_row, tape_block } from "./tape";

/**
 * One row in place.
 * pre (3*Hp) = x·W + b_input; rec (3*Hp) = h·U + b_recurrent; h (Hp) updated.
 */
export function gru_gates_reset_after(h: usize, pre: usize, rec: usize, Hp: i32, act: i32, ract: i32): void {
  if (is_default(act, ract)) gru_reset_after_keras(h, pre, rec, Hp);
  else gru_reset_after_any(h, pre, rec, Hp, act, ract);
}

// Two functions, compiled apart on first call (see lstm_gates).
// Pairs of vectors in lockstep (see f32x4_tanh_pair), the same bits as gru_reset_after_row.
// Software-pipelined: each pass of 8 units computes the next 8 units' r while this pass's z and
// candidate run. The candidate's tanh waits on r's (two polynomial chains of some 50 cycles back
// to back), and the out-of-order window does not reach the next units' independent work: a
// pass that computed its own r spent most of its time waiting (gates-ab: Hp=64 225 -> 170 ns).
function gru_reset_after_keras(h: usize, pre: usize, rec: usize, Hp: i32): void {
  const block = <usize>Hp << 2;
  const full = Hp & ~7;
  if (full > 0) {
    let ra = gru_reset_gate_pair(pre + block, rec + block);
    let rb = pair_second();
    let j = 0;
    for (; j + 8 < full; j += 8) {
      const off = <usize>(j + 8) << 2;
      const na = gru_reset_gate_pair(pre + block + off, rec + block + off);
      const nb = pair_second();
      gru_reset_after_update8(h, pre, rec, block, j, ra, rb);
      ra = na;
      rb = nb;
    }
    gru_reset_after_update8(h, pre, rec, block, j, ra, rb);
  }
  if (full < Hp) gru_reset_after_row(h + (<usize>full << 2), pre + (<usize>full << 2), rec + (<usize>full << 2), Hp - full, block, ACT_TANH, ACT_SIGMOID);
}

/** r of 8 units (x·W_r + b and h·U_r + b at p and q); the second 4 are pair_second(). */
// @ts-ignore: decorator
@inline function gru_reset_gate_pair(p: usize, q: usize): v128 {
  return f32x4_gate_sigmoid_pair(f32x4.add(v128.load(p), v128.load(q)), f32x4.add(v128.load(p, 16), v128.load(q, 16)));
}

/** z, the candidate and the new h of units j..j+7, given their r (ra, rb). */
// @ts-ignore: decorator
@inline function gru_reset_after_update8(h: usize, pre: usize, rec: usize, block: usize, j: i32, ra: v128, rb: v128): void {
  const off = <usize>j << 2;
  const p = pre + off;
  const q = rec + off;
  const za = f32x4_gate_sigmoid_pair(f32x4.add(v128.load(p), v128.load(q)), f32x4.add(v128.load(p, 16), v128.load(q, 16)));
  const zb = pair_second();
  const ca = f32x4_tanh_pair(
    madd(ra, v128.load(q + 2 * block), v128.load(p + 2 * block)), madd(rb, v128.load(q + 2 * block, 16), v128.load(p + 2 * block, 16)),
  );
  const cb = pair_second();
  v128.store(h + off, blend(za, v128.load(h + off), ca));
  v128.store(h + off, blend(zb, v128.load(h + off, 16), cb), 16);
}

function gru_reset_after_any(h: usize, pre: usize, rec: usize, Hp: i32, act: i32, ract: i32): void {
  gru_reset_after_row(h, pre, rec, Hp, <usize>Hp << 2, act, ract);
}

// @ts-ignore: decorator
@inline function gru_reset_after_row(h: usize, pre: usize, rec: usize, n: i32, block: usize, act: i32, ract: i32): void {
  for (let j = 0; j < n; j += 4) {
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
  recurrent_product(rec, GHp, h, recurrent, 0, 3, B, H, Hp, false, pack);
  const row = <usize>GHp << 2;
  const stateRow = <usize>Hp << 2;
  for (let b: usize = 0; b < <usize>B; b++) {
    if (row_is_valid(valid, b)) gru_gates_reset_after(h + b * stateRow, pre + b * row, rec + b * row, Hp, act, ract);
  }
}

/**
 * Backward through one step for B rows (the common backward signature, assembly/cells/tape.ts).
 * Tape row: pre = x·W + b_input (3 blocks), work = h·U + b_recurrent (3 blocks), h before.
 * dPre gets the gate gradients; dRec the same except its h block, which the reset gate scales.
 */
export function gru_reset_after_step_backward(
  dPre: usize, dRec: usize, gradStride: i32, tape: usize, tapeStride: i32, dh: usize, dc: usize, work: usize,
  valid: usize, recurrentT: usize, B: i32, H: i32, Hp: i32, act: i32, ract: i32, pack: usize,
): void {
  const stateRow = <usize>Hp << 2;
  const block = stateRow;
  for (let b = 0; b < B; b++) {
    const dp = strided_row(dPre, gradStride, b);
    const dr = strided_row(dRec, gradStride, b);
    if (!row_is_valid(valid, <usize>b)) {
      memory.fill(dp, 0, 3 * block);
      memory.fill(dr, 0, 3 * block);
      continue;
    }
    const pre = strided_row(tape, tapeStride, b);
    const rec = pre + tape_block(3, Hp);
    const hPrev = pre + tape_block(6, Hp);
    const dhb = dh + <usize>b * stateRow;
    for (let j = 0; j < Hp; j += 4) {
      const off = <usize>j << 2;
      const zPre = f32x4.add(v128.load(pre + off), v128.load(rec + off));
      const rPre = f32x4.add(v128.load(pre + off + block), v128.load(rec + off + block));
      const z = f32x4_gate_activate_call(zPre, ract);
      const r = f32x4_gate_activate_call(rPre, ract);
      const rh = v128.load(rec + off + 2 * block);
      const cPre = madd(r, rh, v128.load(pre + off + 2 * block));
      const candidate = f32x4_activate_call(cPre, act);
      const dhv = v128.load(dhb + off);
      const dcPre = f32x4.mul(f32x4.mul(dhv, f32x4.sub(splat(1.0), z)), f32x4_activate_derivative_call(cPre, candidate, act));
      const dzPre = f32x4.mul(f32x4.mul(dhv, f32x4.sub(v128.load(hPrev + off), candidate)), f32x4_activate_derivative_call(zPre, z, ract));
      const drPre = f32x4.mul(f32x4.mul(dcPre, rh), f32x4_activate_derivative_call(rPre, r, ract));
      v128.store(dp + off, dzPre);
      v128.store(dp + off + block, drPre);
      v128.store(dp + off + 2 * block, dcPre);
      v128.store(dr + off, dzPre);
      v128.store(dr + off + block, drPre);
      v128.store(dr + off + 2 * block, f32x4.mul(dcPre, r));
      v128.store(dhb + off, f32x4.mul(dhv, z));
    }
  }
  recurrent_product_backward(dh, dRec, gradStride, recurrentT, 0, 3, B, Hp, pack);
}
