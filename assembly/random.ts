// The initializers' random numbers in WebAssembly, from the host's sfc32 stream (src/initializers/
// random.ts), word for word, so a seed draws the same samples whichever side runs it.
//   Uniform samples are bit-identical to the host's: every step is integer math or an exactly
//   rounded f64 operation in the host's order.
//   Normal samples come from four sfc32 lanes that the host's stream seeds (the host's
//   fillLaneNormals): one SIMD step gives four words, where one stream gives one. Box–Muller uses
//   this file's own log and sincos, accurate to a few ulp where the host calls Math.log/cos/sin,
//   so the two agree to about 1e-15, far below the float32 the weights are stored in.
// The generator state lives in the host's memory block `state` (four u32 words, the lanes, then
// a staging area), never in module globals, so several instances and streams cannot share it.

/** Bytes of the state block: four sfc32 words, four lanes' sfc32 states (a, b, c, d vectors), eight staged normals (f64). */
export const RANDOM_STATE_BYTES: i32 = 16 + 64 + 8 * 8;
/** Where the staged normals start in the state block. */
export const STAGED_NORMALS: usize = 80;
/** Steps each lane runs before its first output, as the host's SeededRandom does. */
const LANE_WARM_UP: i32 = 12;

const TWO_POW_26: f64 = 67108864.0;
const TWO_POW_MINUS_53: f64 = 1.1102230246251565e-16;

/** Uniform in [0, 1) from two sfc32 words, exactly as the host's `uniform()`. */
// @ts-ignore: decorator
@inline function unit(high: u32, low: u32): f64 {
  return (<f64>(high >>> 5) * TWO_POW_26 + <f64>(low >>> 6)) * TWO_POW_MINUS_53;
}

/**
 * out[0..count) (float32) = minval + (maxval - minval)·uniform(), the host's sampleUniform;
 * the stream continues from and is written back to `state`.
 */
export function random_uniform_f32(state: usize, out: usize, count: i32, minval: f64, maxval: f64): void {
  let a = load<u32>(state), b = load<u32>(state, 4), c = load<u32>(state, 8), d = load<u32>(state, 12);
  const range = maxval - minval;
  for (let i = 0; i < count; i++) {
    let high: u32 = 0, low: u32 = 0;
    for (let k = 0; k < 2; k++) {
      const result = a + b + d;
      d += 1;
      a = b ^ (b >>> 9);
      b = c + (c << 3);
      c = ((c << 21) | (c >>> 11)) + result;
      high = low;
      low = result;
    }
    store<f32>(out + (<usize>i << 2), <f32>(minval + range * unit(high, low)));
  }
  store<u32>(state, a); store<u32>(state, b, 4); store<u32>(state, c, 8); store<u32>(state, d, 12);
}

const SQRT_HALF_BITS: i64 = 0x3fe6a09e667f3bcd;
const LN2_HI: f64 = 6.93147180369123816490e-01; // trailing zeros: e·LN2_HI is exact
const LN2_LO: f64 = 1.90821492927058770002e-10;
const TWO_PI: f64 = 6.283185307179586;

// @ts-ignore: decorator
@inline function affine(c0: f64, c1: f64, t: v128): v128 {
  return f64x2.add(f64x2.splat(c0), f64x2.mul(f64x2.splat(c1), t));
}

// @ts-ignore: decorator
@inline function fma2(a: v128, b: v128, t: v128): v128 {
  return f64x2.add(a, f64x2.mul(b, t));
}

/**
 * Natural logarithm of each lane, for x in (0, 1] (normal numbers). x = 2^e·f with f in
 * [√½, √2); log f = 2·atanh(s), s = (f - 1)/(f + 1), |s| <= 0.1716, by its series to s^21
 * (the first term left out is below 1e-18 of the result).
 */
// @ts-ignore: decorator
@inline function log_unit(x: v128): v128 {
  const shifted = i64x2.sub(x, i64x2.splat(SQRT_HALF_BITS));
  const exponent = i64x2.shr_s(shifted, 52);
  const f = i64x2.sub(x, i64x2.shl(exponent, 52));
  const e = f64x2.convert_low_i32x4_s(i32x4.shuffle(exponent, exponent, 0, 2, 0, 2));
  const one = f64x2.splat(1);
  const s = f64x2.div(f64x2.sub(f, one), f64x2.add(f, one));
  const z = f64x2.mul(s, s);
  const z2 = f64x2.mul(z, z);
  const z4 = f64x2.mul(z2, z2);
  // p(z) = Σ 2/(2k + 3)·z^k, k = 0..9
  const low = fma2(affine(0.6666666666666666, 0.4, z), affine(0.2857142857142857, 0.2222222222222222, z), z2);
  const high = fma2(affine(0.18181818181818182, 0.15384615384615385, z), affine(0.13333333333333333, 0.11764705882352941, z), z2);
  const p = fma2(fma2(low, high, z4), affine(0.10526315789473684, 0.09523809523809523, z), f64x2.mul(z4, z4));
  // log f = 2s + s·z·p
  const logF = f64x2.add(f64x2.add(s, s), f64x2.mul(f64x2.mul(s, z), p));
  return f64x2.add(f64x2.mul(e, f64x2.splat(LN2_HI)), f64x2.add(logF, f64x2.mul(e, f64x2.splat(LN2_LO))));
}

/** sin(x) for |x| <= π/4, y = x²: Taylor to x^17 (remainder below 1e-19). */
// @ts-ignore: decorator
@inline function sin_small(x: v128, y: v128): v128 {
  const y2 = f64x2.mul(y, y);
  const y4 = f64x2.mul(y2, y2);
  // Σ (-1)^(k+1)/(2k + 3)!·y^k, k = 0..7
  const low = fma2(affine(-0.16666666666666666, 0.008333333333333333, y), affine(-0.0001984126984126984, 2.7557319223985893e-6, y), y2);
  const high = fma2(affine(-2.505210838544172e-8, 1.6059043836821613e-10, y), affine(-7.647163731819816e-13, 2.8114572543455206e-15, y), y2);
  return f64x2.add(x, f64x2.mul(f64x2.mul(x, y), fma2(low, high, y4)));
}

/** cos(x) for |x| <= π/4, y = x²: Taylor to x^18 (remainder below 1e-20). */
// @ts-ignore: decorator
@inline function cos_small(y: v128): v128 {
  const y2 = f64x2.mul(y, y);
  const y4 = f64x2.mul(y2, y2);
  // Σ (-1)^(k+1)/(2k + 2)!·y^k, k = 0..8
  const low = fma2(affine(-0.5, 0.041666666666666664, y), affine(-0.001388888888888889, 2.48015873015873e-5, y), y2);
  const high = fma2(affine(-2.755731922398589e-7, 2.08767569878681e-9, y), affine(-1.1470745597729725e-11, 4.779477332387385e-14, y), y2);
  const p = fma2(fma2(low, high, y4), f64x2.splat(-1.5619206968586225e-16), f64x2.mul(y4, y4));
  return f64x2.add(f64x2.splat(1), f64x2.mul(y, p));
}

/**
 * Seeds the four lanes from the stream in `state` (lane l takes its next four words as its a, b,
 * c, d), advances that stream, and runs each lane through its warm-up: the host's
 * fillLaneNormals, step for step.
 */
export function random_seed_lanes(state: usize): void {
  let a = load<u32>(state), b = load<u32>(state, 4), c = load<u32>(state, 8), d = load<u32>(state, 12);
  for (let l = 0; l < 4; l++) {
    for (let r = 0; r < 4; r++) {
      const result = a + b + d;
      d += 1;
      a = b ^ (b >>> 9);
      b = c + (c << 3);
      c = ((c << 21) | (c >>> 11)) + result;
      store<u32>(state + 16 + (<usize>(r * 16 + l * 4)), result);
    }
  }
  store<u32>(state, a); store<u32>(state, b, 4); store<u32>(state, c, 8); store<u32>(state, d, 12);
  let la = v128.load(state, 16), lb = v128.load(state, 32), lc = v128.load(state, 48), ld = v128.load(state, 64);
  for (let k = 0; k < LANE_WARM_UP; k++) {
    const result = i32x4.add(i32x4.add(la, lb), ld);
    ld = i32x4.add(ld, i32x4.splat(1));
    la = v128.xor(lb, i32x4.shr_u(lb, 9));
    lb = i32x4.add(lc, i32x4.shl(lc, 3));
    lc = i32x4.add(v128.or(i32x4.shl(lc, 21), i32x4.shr_u(lc, 11)), result);
  }
  v128.store(state, la, 16); v128.store(state, lb, 32); v128.store(state, lc, 48); v128.store(state, ld, 64);
}

/** Uniforms in [0, 1) of lanes 0 and 1 of the words `high`, `low`: the host's unit(high, low). */
// @ts-ignore: decorator
@inline function units_low(high: v128, low: v128): v128 {
  const h = f64x2.convert_low_i32x4_u(i32x4.shr_u(high, 5));
  const l = f64x2.convert_low_i32x4_u(i32x4.shr_u(low, 6));
  return f64x2.mul(f64x2.add(f64x2.mul(h, f64x2.splat(TWO_POW_26)), l), f64x2.splat(TWO_POW_MINUS_53));
}

/**
 * Stages eight normals at `state + STAGED_NORMALS` and advances the lanes: four steps give each
 * lane l four words w0..w3, first = unit(w0, w1), second = unit(w2, w3), and its Box–Muller pair
 * (r·cos, r·sin) goes to normals 2l, 2l + 1. A call, not inlined: every caller shares one copy,
 * so V8's optimizing compiler, which runs while the first calls wait in its baseline tier, has
 * one small function to compile instead of a large one per caller.
 */
export function stage_lane_normals(state: usize): void {
  let la = v128.load(state, 16), lb = v128.load(state, 32), lc = v128.load(state, 48), ld = v128.load(state, 64);
  let w0 = la, w1 = la, w2 = la, w3 = la;
  for (let k = 0; k < 4; k++) {
    const result = i32x4.add(i32x4.add(la, lb), ld);
    ld = i32x4.add(ld, i32x4.splat(1));
    la = v128.xor(lb, i32x4.shr_u(lb, 9));
    lb = i32x4.add(lc, i32x4.shl(lc, 3));
    lc = i32x4.add(v128.or(i32x4.shl(lc, 21), i32x4.shr_u(lc, 11)), result);
    w0 = w1; w1 = w2; w2 = w3; w3 = result;
  }
  v128.store(state, la, 16); v128.store(state, lb, 32); v128.store(state, lc, 48); v128.store(state, ld, 64);
  const stage = state + STAGED_NORMALS;
  box_muller(stage, units_low(w0, w1), units_low(w2, w3));
  box_muller(stage + 32, units_low(i64x2.shuffle(w0, w0, 1, 0), i64x2.shuffle(w1, w1, 1, 0)), units_low(i64x2.shuffle(w2, w2, 1, 0), i64x2.shuffle(w3, w3, 1, 0)));
}

/**
 * out[0..count) (float64) = the lanes' next `count` normals (seeded by random_seed_lanes), eight
 * at a time: after a count that is not a multiple of 8 the rest of the last eight are dropped.
 */
export function random_normal_f64(state: usize, out: usize, count: i32): void {
  for (let i = 0; i < count; i += 8) {
    stage_lane_normals(state);
    const left = min(8, count - i);
    for (let k = 0; k < left; k++) store<f64>(out + (<usize>(i + k) << 3), load<f64>(state + STAGED_NORMALS + (<usize>k << 3)));
  }
}

/**
 * The Box–Muller pairs of the uniforms (first, second) of two lanes, as four f64 at `stage`:
 * lane 0's r·cos, r·sin, then lane 1's.
 */
// @ts-ignore: decorator
@inline function box_muller(stage: usize, first: v128, second: v128): void {
  // radius = sqrt(-2·log(1 - first)); 1 - first lies in (0, 1] and is exact.
  const oneMinus = f64x2.sub(f64x2.splat(1), first);
  const radius = f64x2.sqrt(f64x2.mul(f64x2.splat(-2), log_unit(oneMinus)));
  // angle = 2π·second = quadrant·π/2 + 2π·t, t = second - quadrant/4 in [-1/8, 1/8] (exact).
  const quadrant = f64x2.floor(f64x2.add(f64x2.mul(second, f64x2.splat(4)), f64x2.splat(0.5)));
  const x = f64x2.mul(f64x2.sub(second, f64x2.mul(quadrant, f64x2.splat(0.25))), f64x2.splat(TWO_PI));
  const y = f64x2.mul(x, x);
  const sinX = sin_small(x, y);
  const cosX = cos_small(y);
  // Quadrants 1 and 3 turn (cos, sin) by 90° to (-sin, cos); quadrants 2 and 3 negate both
  // (quadrant 4 is quadrant 0).
  const odd = v128.or(f64x2.eq(quadrant, f64x2.splat(1)), f64x2.eq(quadrant, f64x2.splat(3)));
  const flip = v128.and(f64x2.ge(quadrant, f64x2.splat(2)), f64x2.lt(quadrant, f64x2.splat(4)));
  const signs = v128.and(flip, f64x2.splat(-0.0));
  const cosine = v128.xor(v128.bitselect(f64x2.neg(sinX), cosX, odd), signs);
  const sine = v128.xor(v128.bitselect(cosX, sinX, odd), signs);
  const rc = f64x2.mul(radius, cosine);
  const rs = f64x2.mul(radius, sine);
  v128.store(stage, i64x2.shuffle(rc, rs, 0, 2));
  v128.store(stage, i64x2.shuffle(rc, rs, 1, 3), 16);
}
