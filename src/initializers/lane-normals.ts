/**
 * The Gaussian the orthogonal initializer factors: normals from four sfc32 lanes that one seeded
 * stream starts. WebAssembly draws the same values with SIMD (assembly/random.ts), four words per
 * step where one stream gives one. Box–Muller here uses the WebAssembly side's own log and sincos,
 * operation for operation, not Math.log/cos/sin: engines differ in those by an ulp (V8 moved from
 * fdlibm to another libm), and a seed must give the same weights in Node, in every browser and in
 * WebAssembly, bit for bit.
 */

const TWO_POW_26 = 2 ** 26;
const TWO_POW_MINUS_53 = 2 ** -53;
/** Steps each lane runs before its first output, as SeededRandom's warm-up. */
const LANE_WARM_UP = 12;
/** High and low words of the bits of √½. */
const SQRT_HALF_HIGH = 0x3fe6a09e;
const SQRT_HALF_LOW = 0x667f3bcd;
const LN2_HI = 6.9314718036912381649e-1; // trailing zeros: e·LN2_HI is exact
const LN2_LO = 1.90821492927058770002e-10;
const TWO_PI = 6.283185307179586;

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer); // little-endian: [low, high]

/**
 * log(x) for x in (0, 1]: x = 2^e·f with f in [√½, √2), log f = 2·atanh(s), s = (f - 1)/(f + 1),
 * by its series to s^21 in Estrin's order (assembly/random.ts log_unit).
 */
function logUnit(x: number): number {
  bits[0] = x;
  const low = words[0];
  const high = words[1];
  // e = (bits(x) - bits(√½)) >> 52, as 64-bit integers; f = x with e taken out of its exponent.
  const borrow = low >>> 0 < SQRT_HALF_LOW ? 1 : 0;
  const e = (high - SQRT_HALF_HIGH - borrow) >> 20;
  words[1] = high - (e << 20);
  const f = bits[0];
  const s = (f - 1) / (f + 1);
  const z = s * s;
  const z2 = z * z;
  const z4 = z2 * z2;
  const lowTerms = 0.6666666666666666 + 0.4 * z + (0.2857142857142857 + 0.2222222222222222 * z) * z2;
  const highTerms = 0.18181818181818182 + 0.15384615384615385 * z + (0.13333333333333333 + 0.11764705882352941 * z) * z2;
  const p = lowTerms + highTerms * z4 + (0.10526315789473684 + 0.09523809523809523 * z) * (z4 * z4);
  const logF = s + s + s * z * p;
  return e * LN2_HI + (logF + e * LN2_LO);
}

/** sin(x) for |x| <= π/4, y = x² (assembly/random.ts sin_small). */
function sinSmall(x: number, y: number): number {
  const y2 = y * y;
  const y4 = y2 * y2;
  const low = -0.16666666666666666 + 0.008333333333333333 * y + (-0.0001984126984126984 + 2.7557319223985893e-6 * y) * y2;
  const high = -2.505210838544172e-8 + 1.6059043836821613e-10 * y + (-7.647163731819816e-13 + 2.8114572543455206e-15 * y) * y2;
  return x + x * y * (low + high * y4);
}

/** cos(x) for |x| <= π/4, y = x² (assembly/random.ts cos_small). */
function cosSmall(y: number): number {
  const y2 = y * y;
  const y4 = y2 * y2;
  const low = -0.5 + 0.041666666666666664 * y + (-0.001388888888888889 + 2.48015873015873e-5 * y) * y2;
  const high = -2.755731922398589e-7 + 2.08767569878681e-9 * y + (-1.1470745597729725e-11 + 4.779477332387385e-14 * y) * y2;
  const p = low + high * y4 + -1.5619206968586225e-16 * (y4 * y4);
  return 1 + y * p;
}

/**
 * `target` = normals from four sfc32 lanes seeded by the stream whose four state words are
 * `state` (lane l takes the stream's next four words as its a, b, c, d, then warms up). Eight at
 * a time: four steps give each lane l the words w0..w3, and the Box–Muller pair of
 * first = unit(w0, w1), second = unit(w2, w3) becomes normals 2l and 2l + 1. @internal
 */
export function fillLaneNormals(state: ArrayLike<number>, target: Float64Array): void {
  let a = state[0] | 0, b = state[1] | 0, c = state[2] | 0, d = state[3] | 0;
  // lanes[4·r + l]: word r (a, b, c, d) of lane l.
  const lanes = new Int32Array(16);
  for (let l = 0; l < 4; l++) {
    for (let r = 0; r < 4; r++) {
      const result = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (((c << 21) | (c >>> 11)) + result) | 0;
      lanes[4 * r + l] = result;
    }
  }
  const length = target.length;
  for (let l = 0; l < 4; l++) {
    let la = lanes[l], lb = lanes[4 + l], lc = lanes[8 + l], ld = lanes[12 + l];
    let w0 = 0, w1 = 0, w2 = 0, w3 = 0;
    for (let step = -LANE_WARM_UP; 8 * Math.floor(step / 4) + 2 * l < length; step++) {
      const result = (((la + lb) | 0) + ld) | 0;
      ld = (ld + 1) | 0;
      la = lb ^ (lb >>> 9);
      lb = (lc + (lc << 3)) | 0;
      lc = (((lc << 21) | (lc >>> 11)) + result) | 0;
      w0 = w1;
      w1 = w2;
      w2 = w3;
      w3 = result >>> 0;
      if (step < 0 || (step & 3) !== 3) continue;
      const at = 8 * (step >> 2) + 2 * l;
      const first = ((w0 >>> 5) * TWO_POW_26 + (w1 >>> 6)) * TWO_POW_MINUS_53;
      const second = ((w2 >>> 5) * TWO_POW_26 + (w3 >>> 6)) * TWO_POW_MINUS_53;
      const radius = Math.sqrt(-2 * logUnit(1 - first));
      // 2π·second = quadrant·π/2 + x, |x| <= π/4.
      const quadrant = Math.floor(second * 4 + 0.5);
      const x = (second - quadrant * 0.25) * TWO_PI;
      const y = x * x;
      const sinX = sinSmall(x, y);
      const cosX = cosSmall(y);
      const odd = quadrant === 1 || quadrant === 3;
      const sign = quadrant === 2 || quadrant === 3 ? -1 : 1;
      target[at] = radius * (sign * (odd ? -sinX : cosX));
      if (at + 1 < length) target[at + 1] = radius * (sign * (odd ? cosX : sinX));
    }
  }
}
