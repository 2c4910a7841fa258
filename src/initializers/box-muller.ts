/**
 * Box–Muller in float64 without Math.log/cos/sin: engines differ in those by an ulp (V8 moved
 * from fdlibm to another libm, and browsers use their own), so a seeded normal initializer would
 * give different weights in Node and in a browser. Every step here is an exactly rounded float64
 * operation (+, -, ·, /, sqrt, floor), the same in every engine, and the result is within a few
 * ulp of the Math functions' (test/initializers.test.ts).
 */

/** High and low words of the bits of √½. */
const SQRT_HALF_HIGH = 0x3fe6a09e;
const SQRT_HALF_LOW = 0x667f3bcd;
const LN2_HI = 6.9314718036912381649e-1; // trailing zeros: e·LN2_HI is exact
const LN2_LO = 1.90821492927058770002e-10;
const TWO_PI = 6.283185307179586;

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer); // little-endian: [low, high]
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const [LOW, HIGH] = littleEndian ? [0, 1] : [1, 0];

/**
 * log(x) for x in (0, 1]: x = 2^e·f with f in [√½, √2), log f = 2·atanh(s), s = (f - 1)/(f + 1),
 * |s| <= 0.1716, by its series to s^21 in Estrin's order (the first term left out is below 1e-18
 * of the result).
 */
function logUnit(x: number): number {
  bits[0] = x;
  const low = words[LOW];
  const high = words[HIGH];
  // e = (bits(x) - bits(√½)) >> 52, as 64-bit integers; f = x with e taken out of its exponent.
  const borrow = low >>> 0 < SQRT_HALF_LOW ? 1 : 0;
  const e = (high - SQRT_HALF_HIGH - borrow) >> 20;
  words[HIGH] = high - (e << 20);
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

/** sin(x) for |x| <= π/4, y = x²: Taylor to x^17 (remainder below 1e-19). */
function sinSmall(x: number, y: number): number {
  const y2 = y * y;
  const y4 = y2 * y2;
  const low = -0.16666666666666666 + 0.008333333333333333 * y + (-0.0001984126984126984 + 2.7557319223985893e-6 * y) * y2;
  const high = -2.505210838544172e-8 + 1.6059043836821613e-10 * y + (-7.647163731819816e-13 + 2.8114572543455206e-15 * y) * y2;
  return x + x * y * (low + high * y4);
}

/** cos(x) for |x| <= π/4, y = x²: Taylor to x^18 (remainder below 1e-20). */
function cosSmall(y: number): number {
  const y2 = y * y;
  const y4 = y2 * y2;
  const low = -0.5 + 0.041666666666666664 * y + (-0.001388888888888889 + 2.48015873015873e-5 * y) * y2;
  const high = -2.755731922398589e-7 + 2.08767569878681e-9 * y + (-1.1470745597729725e-11 + 4.779477332387385e-14 * y) * y2;
  const p = low + high * y4 + -1.5619206968586225e-16 * (y4 * y4);
  return 1 + y * p;
}

/**
 * The Box–Muller pair (r·cos θ, r·sin θ), r = sqrt(-2·log(1 - first)), θ = 2π·second, of two
 * uniforms in [0, 1). @internal
 */
export function boxMuller(first: number, second: number): [number, number] {
  // 1 - first lies in (0, 1] and is exact, so the logarithm is always finite.
  const radius = Math.sqrt(-2 * logUnit(1 - first));
  // 2π·second = quadrant·π/2 + x, |x| <= π/4 (second - quadrant/4 is exact).
  const quadrant = Math.floor(second * 4 + 0.5);
  const x = (second - quadrant * 0.25) * TWO_PI;
  const y = x * x;
  const sinX = sinSmall(x, y);
  const cosX = cosSmall(y);
  const odd = quadrant === 1 || quadrant === 3;
  const sign = quadrant === 2 || quadrant === 3 ? -1 : 1;
  return [radius * (sign * (odd ? -sinX : cosX)), radius * (sign * (odd ? cosX : sinX))];
}
