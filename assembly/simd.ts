// Small vector helpers shared by every kernel. `madd` is where the relaxed-SIMD
// build fuses the multiply and add (one rounding, one instruction on FMA
// hardware); the plain SIMD build keeps two. Both come from this source.

/** a*b + c, lane-wise. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline export function splat(x: f32): v128 {
  return f32x4.splat(x);
}

/** Loads `n` (< 4) floats into the low lanes, zeros elsewhere, for ragged tails. */
// @ts-ignore: decorator
@inline export function loadPartial(ptr: usize, n: i32): v128 {
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(ptr));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(ptr, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(ptr, 8));
  return v;
}

/** Stores the low `n` (< 4) lanes of `v`. */
// @ts-ignore: decorator
@inline export function storePartial(ptr: usize, v: v128, n: i32): void {
  store<f32>(ptr, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(ptr, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(ptr, f32x4.extract_lane(v, 2), 8);
}
