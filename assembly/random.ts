// The initializers' random numbers in WebAssembly, from the host's sfc32 stream (src/initializers/
// random.ts), word for word, so a seed draws the same samples whichever side runs it.
//   Uniform samples are bit-identical to the host's: every step is integer math or an exactly
//   rounded f64 operation in the host's order.
//   Normal samples come from four sfc32 lanes that the host's stream seeds (the host's
//   fillLaneNormals): one SIMD step gives four words, where one stream gives one. Box–Muller runs
//   in float32 with this file's own log and sincos, every operation exactly rounded, so the host
//   repeats it bit for bit with Math.fround (no Math.log/cos/sin, whose last bits differ between
//   engines).
// The generator state lives in the host's memory block `state` (four u32 words, the lanes, then
// a staging area), never in module globals, so several instances and streams cannot share it.

/** Bytes of the state block: four sfc32 words, four lanes' sfc32 states (a, b, c, d vectors), eight staged normals (f32) and room. */
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
  // The two sfc32 steps of each sample written out: V8's baseline tier (Liftoff), which runs a
  // process's first build, spilled the state at each step of an inner loop of two, which took
  // twice as long (LSTM(64)'s 16384 samples: 0.23 ms against 0.12) and used up twice the budget
  // after which V8 recompiles the function in its optimizing tier.
  for (let i = 0; i < count; i++) {
    const high = a + b + d;
    d += 1;
    a = b ^ (b >>> 9);
    b = c + (c << 3);
    c = ((c << 21) | (c >>> 11)) + high;
    const low = a + b + d;
    d += 1;
    a = b ^ (b >>> 9);
    b = c + (c << 3);
    c = ((c << 21) | (c >>> 11)) + low;
    store<f32>(out + (<usize>i << 2), <f32>(minval + range * unit(high, low)));
  }
  store<u32>(state, a); store<u32>(state, b, 4); store<u32>(state, c, 8); store<u32>(state, d, 12);
}

// Float32 constants (each exactly a float32; src/initializers/lane-normals.ts holds the same).
const SQRT_HALF_F32_BITS: i32 = 0x3f3504f3;
const LN2_HI: f32 = 0.693145751953125; // trailing zeros: e·LN2_HI is exact
const LN2_LO: f32 = 0.000001428606765330187;
const TWO_PI: f32 = 6.2831854820251465;
const TWO_POW_MINUS_31: f32 = 4.656612873077393e-10;
const TWO_POW_MINUS_24: f32 = 5.960464477539063e-8;

// @ts-ignore: decorator
@inline function step4(p: v128, t: v128, c: f32): v128 {
  return f32x4.add(f32x4.mul(p, t), f32x4.splat(c));
}

/**
 * Natural logarithm of each lane, for x in (0, 1] (normal float32). x = 2^e·f with f in
 * [√½, √2); log f = 2·atanh(s), s = (f - 1)/(f + 1), |s| <= 0.1716, by its series to s^9 (the
 * first term left out is below 3e-9 of the result), in Horner's order.
 */
// @ts-ignore: decorator
@inline function log_unit(x: v128): v128 {
  const e = i32x4.shr_s(i32x4.sub(x, i32x4.splat(SQRT_HALF_F32_BITS)), 23);
  const f = i32x4.sub(x, i32x4.shl(e, 23));
  const ef = f32x4.convert_i32x4_s(e);
  const one = f32x4.splat(1);
  const s = f32x4.div(f32x4.sub(f, one), f32x4.add(f, one));
  const z = f32x4.mul(s, s);
  // p(z) = Σ 2/(2k + 3)·z^k, k = 0..3
  const p = step4(step4(step4(f32x4.splat(0.2222222238779068), z, 0.2857142984867096), z, 0.4000000059604645), z, 0.6666666865348816);
  const logF = f32x4.add(f32x4.add(s, s), f32x4.mul(f32x4.mul(s, z), p));
  return f32x4.add(f32x4.mul(ef, f32x4.splat(LN2_HI)), f32x4.add(logF, f32x4.mul(ef, f32x4.splat(LN2_LO))));
}

/** sin(x) for |x| <= π/4, y = x²: Taylor to x^9 (remainder below 2e-9). */
// @ts-ignore: decorator
@inline function sin_small(x: v128, y: v128): v128 {
  const p = step4(step4(step4(f32x4.splat(0.0000027557318844628753), y, -0.00019841270113829523), y, 0.008333333767950535), y, -0.1666666716337204);
  return f32x4.add(x, f32x4.mul(f32x4.mul(x, y), p));
}

/** cos(x) for |x| <= π/4, y = x²: Taylor to x^10 (remainder below 2e-10). */
// @ts-ignore: decorator
@inline function cos_small(y: v128): v128 {
  const p = step4(step4(step4(step4(f32x4.splat(-2.755731998149713e-7), y, 0.000024801587642286904), y, -0.0013888889225199819), y, 0.0416666679084301), y, -0.5);
  return f32x4.add(f32x4.splat(1), f32x4.mul(y, p));
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

// @ts-ignore: decorator
@inline function sfc32_step(state: usize): v128 {
  const a = v128.load(state, 16), b = v128.load(state, 32), c = v128.load(state, 48), d = v128.load(state, 64);
  const result = i32x4.add(i32x4.add(a, b), d);
  v128.store(state, v128.xor(b, i32x4.shr_u(b, 9)), 16);
  v128.store(state, i32x4.add(c, i32x4.shl(c, 3)), 32);
  v128.store(state, i32x4.add(v128.or(i32x4.shl(c, 21), i32x4.shr_u(c, 11)), result), 48);
  v128.store(state, i32x4.add(d, i32x4.splat(1)), 64);
  return result;
}

/**
 * Eight float32 normals at `out` (32 bytes) from the lanes in `state`, advanced two steps: lane
 * l's words w0, w1 give first = ((w0 >>> 1) | 1)·2^-31 in (0, 1] and second = (w1 >>> 8)·2^-24
 * in [0, 1), and its Box–Muller pair (r·cos, r·sin), r = sqrt(-2·log first), angle 2π·second,
 * goes to normals 2l, 2l + 1. All in float32 (every operation exactly rounded), so the host
 * (fillLaneNormals) repeats it bit for bit. A call, not inlined: every caller shares one copy,
 * so V8's optimizing compiler, which runs while the first calls wait in its baseline tier, has
 * one small function to compile instead of a large one per caller.
 */
export function stage_lane_normals(state: usize, out: usize): void {
  const w0 = sfc32_step(state);
  const w1 = sfc32_step(state);
  const first = f32x4.mul(f32x4.convert_i32x4_s(v128.or(i32x4.shr_u(w0, 1), i32x4.splat(1))), f32x4.splat(TWO_POW_MINUS_31));
  const second = f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_u(w1, 8)), f32x4.splat(TWO_POW_MINUS_24));
  const radius = f32x4.sqrt(f32x4.mul(f32x4.splat(-2), log_unit(first)));
  // angle = 2π·second = quadrant·π/2 + x, t = second - quadrant/4 in [-1/8, 1/8] (exact).
  const quadrant = f32x4.floor(f32x4.add(f32x4.mul(second, f32x4.splat(4)), f32x4.splat(0.5)));
  const x = f32x4.mul(f32x4.sub(second, f32x4.mul(quadrant, f32x4.splat(0.25))), f32x4.splat(TWO_PI));
  const y = f32x4.mul(x, x);
  const sinX = sin_small(x, y);
  const cosX = cos_small(y);
  // Quadrants 1 and 3 turn (cos, sin) by 90° to (-sin, cos); quadrants 2 and 3 negate both
  // (quadrant 4 is quadrant 0).
  const odd = v128.or(f32x4.eq(quadrant, f32x4.splat(1)), f32x4.eq(quadrant, f32x4.splat(3)));
  const flip = v128.and(f32x4.ge(quadrant, f32x4.splat(2)), f32x4.lt(quadrant, f32x4.splat(4)));
  const signs = v128.and(flip, f32x4.splat(-0.0));
  const rc = f32x4.mul(radius, v128.xor(v128.bitselect(f32x4.neg(sinX), cosX, odd), signs));
  const rs = f32x4.mul(radius, v128.xor(v128.bitselect(cosX, sinX, odd), signs));
  v128.store(out, i32x4.shuffle(rc, rs, 0, 4, 1, 5));
  v128.store(out, i32x4.shuffle(rc, rs, 2, 6, 3, 7), 16);
}

/**
 * out[0..count) (float32) = the lanes' next `count` normals (seeded by random_seed_lanes), eight
 * at a time: after a count that is not a multiple of 8 the rest of the last eight are dropped.
 */
export function random_normal_f32(state: usize, out: usize, count: i32): void {
  for (let i = 0; i < count; i += 8) {
    const left = min(8, count - i);
    const at = out + (<usize>i << 2);
    if (left == 8) {
      stage_lane_normals(state, at);
      continue;
    }
    stage_lane_normals(state, state + STAGED_NORMALS);
    for (let k = 0; k < left; k++) store<f32>(at + (<usize>k << 2), load<f32>(state + STAGED_NORMALS + (<usize>k << 2)));
  }
}
