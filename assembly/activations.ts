// Vector activations. Every function is total on finite inputs: exp and tanh
// clamp their argument first, so nothing overflows or divides Inf by Inf.
import { madd, splat, loadPartial, storePartial } from "./simd";

// Activation ids; src/kernels/activation-ids.ts mirrors this table.
export const ACT_LINEAR: i32 = 0;
export const ACT_TANH: i32 = 1;
export const ACT_SIGMOID: i32 = 2;
export const ACT_HARD_SIGMOID_K3: i32 = 3;
export const ACT_HARD_SIGMOID_K2: i32 = 4;
export const ACT_RELU: i32 = 5;
export const ACT_RELU6: i32 = 6;
export const ACT_ELU: i32 = 7;
export const ACT_SELU: i32 = 8;
export const ACT_SOFTSIGN: i32 = 9;
export const ACT_EXPONENTIAL: i32 = 10;
export const ACT_SILU: i32 = 11;

// Clamps use pmin/pmax (b < a ? b : a): one minps/maxps each, where the
// NaN-propagating f32x4.min/max cost V8 about seven instructions. With the
// variable as the first operand a NaN still passes through.
// @ts-ignore: decorator
@inline function clamp_below(x: v128, limit: f32): v128 {
  return f32x4.pmin(x, splat(limit));
}

// @ts-ignore: decorator
@inline function clamp_above(x: v128, limit: f32): v128 {
  return f32x4.pmax(x, splat(limit));
}

// Adding 1.5 * 2^23 rounds to the nearest integer and leaves it in the low
// mantissa bits, which become the exponent of 2^n with one add and one shift
// (no roundps, no saturating float-to-int conversion).
const ROUNDING_SHIFT: f32 = 12582912.0;

/** e^x for x already in [-87, 88] (Cephes expf: Cody-Waite reduction, degree-5 polynomial). */
// @ts-ignore: decorator
@inline function f32x4_exp_in_range(x: v128): v128 {
  const shifted = madd(x, splat(1.44269504088896341), splat(ROUNDING_SHIFT));
  const n = f32x4.sub(shifted, splat(ROUNDING_SHIFT));
  let r = madd(n, splat(-0.693359375), x);
  r = madd(n, splat(2.12194440e-4), r);
  const r2 = f32x4.mul(r, r);
  let p = splat(1.9875691500e-4);
  p = madd(p, r, splat(1.3981999507e-3));
  p = madd(p, r, splat(8.3334519073e-3));
  p = madd(p, r, splat(4.1665795894e-2));
  p = madd(p, r, splat(1.6666665459e-1));
  p = madd(p, r, splat(5.0000001201e-1));
  p = f32x4.add(madd(p, r2, r), splat(1.0));
  // The shift drops the bits of 1.5 * 2^23 and keeps n + 127.
  const scale = i32x4.shl(i32x4.add(shifted, i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/** e^x for x clamped to [-87, 88]. */
// @ts-ignore: decorator
@inline export function f32x4_exp(x: v128): v128 {
  return f32x4_exp_in_range(clamp_below(clamp_above(x, -87.0), 88.0));
}

// @ts-ignore: decorator
@inline export function f32x4_sigmoid(x: v128): v128 {
  return f32x4.div(splat(1.0), f32x4.add(splat(1.0), f32x4_exp(f32x4.neg(x))));
}

/**
 * The sigmoid of a recurrent gate, 0.5 + 0.5 tanh(x / 2): five instructions
 * fewer than exp plus a division, and a step's gate math then needs one set of
 * polynomial constants (fewer register spills). Absolute error under 2e-7,
 * which is all a gate needs (it scales O(1) state); relative accuracy for tiny
 * values is not kept (below x = -18 the result is 0, the true value under
 * 1.6e-8), so layer outputs use `f32x4_sigmoid`.
 */
// @ts-ignore: decorator
@inline export function f32x4_gate_sigmoid(x: v128): v128 {
  return madd(f32x4_tanh(f32x4.mul(x, splat(0.5))), splat(0.5), splat(0.5));
}

/** A recurrent gate's activation: the gate sigmoid for sigmoid, else as `f32x4_activate`. */
// @ts-ignore: decorator
@inline export function f32x4_gate_activate(x: v128, kind: i32): v128 {
  return kind == ACT_SIGMOID ? f32x4_gate_sigmoid(x) : f32x4_activate(x, kind);
}

/**
 * Eigen's 13/6-degree rational tanh on [-9, 9] (±1 in float32 beyond), which
 * TensorFlow's CPU kernels and onnxruntime's MLAS use too: within 3.4e-7 of
 * tanh, odd so tiny inputs keep their relative accuracy, and no exp, integer
 * step or blend, which made the exp-based form twice the instructions.
 */
// @ts-ignore: decorator
@inline export function f32x4_tanh(x: v128): v128 {
  x = clamp_below(clamp_above(x, -9.0), 9.0);
  const x2 = f32x4.mul(x, x);
  let p = splat(-2.76076847742355e-16);
  p = madd(p, x2, splat(2.00018790482477e-13));
  p = madd(p, x2, splat(-8.60467152213735e-11));
  p = madd(p, x2, splat(5.12229709037114e-08));
  p = madd(p, x2, splat(1.48572235717979e-05));
  p = madd(p, x2, splat(6.37261928875436e-04));
  p = madd(p, x2, splat(4.89352455891786e-03));
  p = f32x4.mul(p, x);
  let q = splat(1.19825839466702e-06);
  q = madd(q, x2, splat(1.18534705686654e-04));
  q = madd(q, x2, splat(2.26843463243900e-03));
  q = madd(q, x2, splat(4.89352518554385e-03));
  return f32x4.div(p, q);
}

// The second result of `f32x4_tanh_pair` (a function returns one value).
let pairSecond: v128 = i32x4.splat(0);

/**
 * `f32x4_tanh` of two vectors in lockstep: the same operations on each lane, so the same
 * bits, but each polynomial constant is used twice where it is built. V8 materialises a
 * v128 constant at each use (about three instructions), so one vector's tanh spent more
 * on its 13 constants than on its arithmetic. Returns tanh(a); tanh(b) is `pair_second()`.
 */
// @ts-ignore: decorator
@inline export function f32x4_tanh_pair(a: v128, b: v128): v128 {
  const lo = splat(-9.0);
  const hi = splat(9.0);
  a = f32x4.pmin(f32x4.pmax(a, lo), hi);
  b = f32x4.pmin(f32x4.pmax(b, lo), hi);
  const a2 = f32x4.mul(a, a);
  const b2 = f32x4.mul(b, b);
  let k = splat(-2.76076847742355e-16);
  let pa = k;
  let pb = k;
  k = splat(2.00018790482477e-13); pa = madd(pa, a2, k); pb = madd(pb, b2, k);
  k = splat(-8.60467152213735e-11); pa = madd(pa, a2, k); pb = madd(pb, b2, k);
  k = splat(5.12229709037114e-08); pa = madd(pa, a2, k); pb = madd(pb, b2, k);
  k = splat(1.48572235717979e-05); pa = madd(pa, a2, k); pb = madd(pb, b2, k);
  k = splat(6.37261928875436e-04); pa = madd(pa, a2, k); pb = madd(pb, b2, k);
  k = splat(4.89352455891786e-03); pa = madd(pa, a2, k); pb = madd(pb, b2, k);
  pa = f32x4.mul(pa, a);
  pb = f32x4.mul(pb, b);
  k = splat(1.19825839466702e-06);
  let qa = k;
  let qb = k;
  k = splat(1.18534705686654e-04); qa = madd(qa, a2, k); qb = madd(qb, b2, k);
  k = splat(2.26843463243900e-03); qa = madd(qa, a2, k); qb = madd(qb, b2, k);
  k = splat(4.89352518554385e-03); qa = madd(qa, a2, k); qb = madd(qb, b2, k);
  pairSecond = f32x4.div(pb, qb);
  return f32x4.div(pa, qa);
}

/** `f32x4_gate_sigmoid` of two vectors in lockstep; the second result is `pair_second()`. */
// @ts-ignore: decorator
@inline export function f32x4_gate_sigmoid_pair(a: v128, b: v128): v128 {
  const half = splat(0.5);
  const ta = f32x4_tanh_pair(f32x4.mul(a, half), f32x4.mul(b, half));
  pairSecond = madd(pairSecond, half, half);
  return madd(ta, half, half);
}

/** The second result of the last pair function. */
// @ts-ignore: decorator
@inline export function pair_second(): v128 {
  return pairSecond;
}

/** exp(x) - 1 for x <= 0 branches (ELU/SELU); the cancellation error stays below 1e-7 absolute. */
// @ts-ignore: decorator
@inline function f32x4_negative_part_elu(x: v128): v128 {
  return f32x4.sub(f32x4_exp(clamp_below(x, 0.0)), splat(1.0));
}

/** Applies activation `kind` (an ACT_* id) to four lanes. */
// @ts-ignore: decorator
@inline export function f32x4_activate(x: v128, kind: i32): v128 {
  switch (kind) {
    case ACT_TANH: return f32x4_tanh(x);
    case ACT_SIGMOID: return f32x4_sigmoid(x);
    case ACT_LINEAR: return x;
    case ACT_HARD_SIGMOID_K3:
      return f32x4.div(clamp_below(clamp_above(f32x4.add(x, splat(3.0)), 0.0), 6.0), splat(6.0));
    case ACT_HARD_SIGMOID_K2:
      return clamp_below(clamp_above(f32x4.add(f32x4.mul(x, splat(0.2)), splat(0.5)), 0.0), 1.0);
    case ACT_RELU: return clamp_above(x, 0.0);
    case ACT_RELU6: return clamp_below(clamp_above(x, 0.0), 6.0);
    case ACT_ELU:
      return v128.bitselect(x, f32x4_negative_part_elu(x), f32x4.gt(x, splat(0.0)));
    case ACT_SELU: {
      const negative = f32x4.mul(f32x4_negative_part_elu(x), splat(1.6732632423543772));
      return f32x4.mul(v128.bitselect(x, negative, f32x4.gt(x, splat(0.0))), splat(1.0507009873554805));
    }
    case ACT_SOFTSIGN: return f32x4.div(x, f32x4.add(splat(1.0), f32x4.abs(x)));
    case ACT_EXPONENTIAL: {
      // (e^(x/2))^2 reaches all of float32's range, where 2^n in one step stops at n = 127
      // (x = 88.03), and overflows to Inf past log(FLT_MAX) = 88.72 as Keras does.
      const half = f32x4_exp(f32x4.mul(x, splat(0.5)));
      return f32x4.mul(half, half);
    }
    case ACT_SILU: return f32x4.div(x, f32x4.add(splat(1.0), f32x4_exp(f32x4.neg(x))));
    default: return x;
  }
}

/** out[i] = act(x[i]) for i < n. Used by tests and by layers that post-process outputs. */
export function f32_vactivate(out: usize, x: usize, n: i32, kind: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(out + (<usize>i << 2), f32x4_activate(v128.load(x + (<usize>i << 2)), kind));
  }
  if (i < n) {
    const tail = n - i;
    storePartial(out + (<usize>i << 2), f32x4_activate(loadPartial(x + (<usize>i << 2), tail), kind), tail);
  }
}

/** Softmax over each row's first `cols` floats: x (rows, ld), in place, max-subtracted as Keras does. */
export function f32_softmax_rows(x: usize, rows: i32, cols: i32, ld: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * ld) << 2);
    let peak = -Infinity as f32;
    for (let j = 0; j < cols; j++) peak = max(peak, load<f32>(row + (<usize>j << 2)));
    const shift = splat(peak);
    let sum: f32 = 0;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const e = f32x4_exp(f32x4.sub(v128.load(row + (<usize>j << 2)), shift));
      v128.store(row + (<usize>j << 2), e);
      sum += f32x4.extract_lane(e, 0) + f32x4.extract_lane(e, 1) + f32x4.extract_lane(e, 2) + f32x4.extract_lane(e, 3);
    }
    if (j < cols) {
      const tail = cols - j;
      const e = f32x4_exp(f32x4.sub(loadPartial(row + (<usize>j << 2), tail), shift));
      storePartial(row + (<usize>j << 2), e, tail);
      for (let k = 0; k < tail; k++) sum += load<f32>(row + (<usize>(j + k) << 2));
    }
    const total = splat(sum);
    j = 0;
    for (; j + 4 <= cols; j += 4) v128.store(row + (<usize>j << 2), f32x4.div(v128.load(row + (<usize>j << 2)), total));
    for (; j < cols; j++) store<f32>(row + (<usize>j << 2), load<f32>(row + (<usize>j << 2)) / sum);
  }
}

/**
 * d act(x) / dx for activation `kind`, from its input x and its output y = act(x)
 * (tanh and sigmoid use y, which the forward pass already computed).
 */
// @ts-ignore: decorator
@inline export function f32x4_activate_derivative(x: v128, y: v128, kind: i32): v128 {
  const one = splat(1.0);
  const zero = splat(0.0);
  switch (kind) {
    case ACT_TANH: return f32x4.sub(one, f32x4.mul(y, y));
    case ACT_SIGMOID: return f32x4.mul(y, f32x4.sub(one, y));
    case ACT_LINEAR: return one;
    case ACT_HARD_SIGMOID_K3:
      return v128.and(splat(<f32>(1.0 / 6.0)), v128.and(f32x4.gt(x, splat(-3.0)), f32x4.lt(x, splat(3.0))));
    case ACT_HARD_SIGMOID_K2:
      return v128.and(splat(0.2), v128.and(f32x4.gt(x, splat(-2.5)), f32x4.lt(x, splat(2.5))));
    case ACT_RELU: return v128.and(one, f32x4.gt(x, zero));
    case ACT_RELU6: return v128.and(one, v128.and(f32x4.gt(x, zero), f32x4.lt(x, splat(6.0))));
    case ACT_ELU: return v128.bitselect(one, f32x4.add(y, one), f32x4.gt(x, zero));
    case ACT_SELU: {
      const scale: f32 = 1.0507009873554805;
      return v128.bitselect(splat(scale), f32x4.add(y, splat(scale * <f32>1.6732632423543772)), f32x4.gt(x, zero));
    }
    case ACT_SOFTSIGN: {
      const d = f32x4.add(one, f32x4.abs(x));
      return f32x4.div(one, f32x4.mul(d, d));
    }
    case ACT_EXPONENTIAL: return y;
    case ACT_SILU: {
      const s = f32x4_sigmoid(x);
      return f32x4.mul(s, madd(x, f32x4.sub(one, s), one));
    }
    default: return one;
  }
}

// The backward steps call these out of line: their gate math is a small share of a
// training step next to its products, and inlining every activation's switch at each
// of their call sites would double the module's size.

/** f32x4_activate, not inlined. */
export function f32x4_activate_call(x: v128, kind: i32): v128 {
  return f32x4_activate(x, kind);
}

/** f32x4_gate_activate, not inlined (and sharing f32x4_activate_call's switch). */
export function f32x4_gate_activate_call(x: v128, kind: i32): v128 {
  return kind == ACT_SIGMOID ? f32x4_gate_sigmoid(x) : f32x4_activate_call(x, kind);
}

/** f32x4_activate_derivative, not inlined. */
export function f32x4_activate_derivative_call(x: v128, y: v128, kind: i32): v128 {
  return f32x4_activate_derivative(x, y, kind);
}
