// The initializers' random numbers in WebAssembly: the host's sfc32 stream (src/initializers/
// random.ts) word for word, so a seed draws the same samples whichever side runs it.
//   Uniform samples are bit-identical to the host's: every step is integer math or an exactly
//   rounded f64 operation in the host's order.
//   Normal samples (Box–Muller, as the host's fillNormal) use this file's own log and sincos,
//   accurate to a few ulp where the host calls Math.log/cos/sin; they agree with the host's to
//   about 1e-15, far below the float32 the weights are stored in.
// The generator state lives in the host's memory block `state` (four u32 words, then a staging
// area), never in module globals, so several instances and streams cannot share it.

/** Bytes of the state block: four sfc32 words, then four staged normals (f64). */
export const RANDOM_STATE_BYTES: i32 = 16 + 8 * 4;

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

// The polynomials below are evaluated by Estrin's scheme: a third of Horner's dependency chain,
// so the out-of-order core overlaps the lanes' work.

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
 * Stages four normals at `state + 16` (two Box–Muller pairs in the host's fillNormal order:
 * r·cos, r·sin of the first pair, then of the second) and advances the words in `state`.
 */
// @ts-ignore: decorator
@inline export function stage_normals(state: usize): void {
  let a = load<u32>(state), b = load<u32>(state, 4), c = load<u32>(state, 8), d = load<u32>(state, 12);
  let w0: u32 = 0, w1: u32 = 0, w2: u32 = 0, w3: u32 = 0, w4: u32 = 0, w5: u32 = 0, w6: u32 = 0, w7: u32 = 0;
  for (let k = 0; k < 8; k++) {
    const result = a + b + d;
    d += 1;
    a = b ^ (b >>> 9);
    b = c + (c << 3);
    c = ((c << 21) | (c >>> 11)) + result;
    w0 = w1; w1 = w2; w2 = w3; w3 = w4; w4 = w5; w5 = w6; w6 = w7; w7 = result;
  }
  store<u32>(state, a); store<u32>(state, b, 4); store<u32>(state, c, 8); store<u32>(state, d, 12);
  stage_pairs(state + 16, unit(w0, w1), unit(w4, w5), unit(w2, w3), unit(w6, w7));
}

/**
 * out[0..count) (float64) = the next `count` normals of the stream in `state`, four at a time:
 * after a count that is not a multiple of 4 the rest of the last four are dropped.
 */
export function random_normal_f64(state: usize, out: usize, count: i32): void {
  for (let i = 0; i < count; i += 4) {
    stage_normals(state);
    const left = min(4, count - i);
    for (let k = 0; k < left; k++) store<f64>(out + (<usize>(i + k) << 3), load<f64>(state + 16 + (<usize>k << 3)));
  }
}

/** Normals of the pairs (first0, second0) and (first1, second1) to four f64 at `stage`. */
// @ts-ignore: decorator
@inline function stage_pairs(stage: usize, first0: f64, first1: f64, second0: f64, second1: f64): void {
  // radius = sqrt(-2·log(1 - first)); 1 - first lies in (0, 1] and is exact.
  const oneMinus = f64x2.sub(f64x2.splat(1), f64x2.replace_lane(f64x2.splat(first0), 1, first1));
  const radius = f64x2.sqrt(f64x2.mul(f64x2.splat(-2), log_unit(oneMinus)));
  // angle = 2π·second = quadrant·π/2 + 2π·t, t = second - quadrant/4 in [-1/8, 1/8] (exact).
  const second = f64x2.replace_lane(f64x2.splat(second0), 1, second1);
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
