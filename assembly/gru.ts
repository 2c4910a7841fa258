// GRU cells, Keras gate order z, r, h.
import { f32x4_activate, f32x4_gate_activate, ACT_SIGMOID, ACT_TANH } from "./activations";
import { madd, splat } from "./simd";

// @ts-ignore: decorator
@inline function blend(z: v128, hPrev: v128, candidate: v128): v128 {
  // z*h + (1-z)*cand, the order Keras evaluates it in.
  return madd(z, hPrev, f32x4.mul(f32x4.sub(splat(1.0), z), candidate));
}

// Keras' defaults (tanh, sigmoid) get copies with the activations resolved at
// compile time; other activations dispatch per vector.
// @ts-ignore: decorator
@inline function is_default(act: i32, ract: i32): bool {
  return act == ACT_TANH && ract == ACT_SIGMOID;
}

/**
 * reset_after = true, one row in place.
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
 * reset_after = false, first half: z and r from pre (3*Hp) and rec (2*Hp) = h·U_zr.
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
 * reset_after = false, second half: candidate = act(pre_h), pre_h (Hp) already
 * holds x·W_h + b_h + (r*h)·U_h; z (Hp) from the first half; h (Hp) updated.
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
