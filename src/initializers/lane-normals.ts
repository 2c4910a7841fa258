/**
 * The Gaussian the orthogonal initializer factors: normals from four sfc32 lanes that one seeded
 * stream starts. WebAssembly draws the same values with SIMD (assembly/random.ts), four words per
 * step where one stream gives one. Box–Muller runs in float32, here as there: every operation is
 * one exactly rounded float32 operation (Math.fround of the float64 result, which is the float32
 * result for +, -, ·, / and sqrt), with the WebAssembly side's own log and sincos, never
 * Math.log/cos/sin: engines differ in those by an ulp, and a seed must give the same weights in
 * Node, in every browser and in WebAssembly, bit for bit.
 */

const fround = Math.fround;
/** Steps each lane runs before its first output, as SeededRandom's warm-up. */
const LANE_WARM_UP = 12;
/** Bits of √½ rounded to float32. */
const SQRT_HALF_F32_BITS = 0x3f3504f3;
// Each constant below is exactly a float32 (assembly/random.ts holds the same).
const LN2_HI = 0.693145751953125; // trailing zeros: e·LN2_HI is exact
const LN2_LO = 0.000001428606765330187;
const TWO_PI = 6.2831854820251465;
const TWO_POW_MINUS_31 = 2 ** -31;
const TWO_POW_MINUS_24 = 2 ** -24;
const LOG_SERIES = [0.2222222238779068, 0.2857142984867096, 0.4000000059604645, 0.6666666865348816];
const SIN_SERIES = [0.0000027557318844628753, -0.00019841270113829523, 0.008333333767950535, -0.1666666716337204];
const COS_SERIES = [-2.755731998149713e-7, 0.000024801587642286904, -0.0013888889225199819, 0.0416666679084301, -0.5];

const bits = new Float32Array(1);
const word = new Int32Array(bits.buffer);

/** Σ series[k]·t^(last - k) in float32, Horner's order from series[0] (assembly step4). */
function horner(series: readonly number[], t: number): number {
  let p = series[0];
  for (let k = 1; k < series.length; k++) p = fround(fround(p * t) + series[k]);
  return p;
}

/**
 * log(x) for float32 x in (0, 1]: x = 2^e·f with f in [√½, √2), log f = 2·atanh(s),
 * s = (f - 1)/(f + 1), by its series to s^9 (assembly/random.ts log_unit).
 */
function logUnit(x: number): number {
  bits[0] = x;
  const xBits = word[0];
  const e = (xBits - SQRT_HALF_F32_BITS) >> 23;
  word[0] = xBits - (e << 23);
  const f = bits[0];
  const s = fround(fround(f - 1) / fround(f + 1));
  const z = fround(s * s);
  const logF = fround(fround(s + s) + fround(fround(s * z) * horner(LOG_SERIES, z)));
  return fround(fround(e * LN2_HI) + fround(logF + fround(e * LN2_LO)));
}

/**
 * `target` = normals from four sfc32 lanes seeded by the stream whose four state words are
 * `state` (lane l takes the stream's next four words as its a, b, c, d, then warms up). Eight at
 * a time: two steps give each lane l the words w0, w1, and the Box–Muller pair of
 * first = ((w0 >>> 1) | 1)·2^-31, second = (w1 >>> 8)·2^-24 becomes normals 2l and 2l + 1.
 * The values are float32 numbers. @internal
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
    let w0 = 0;
    for (let step = -LANE_WARM_UP; 8 * Math.floor(step / 2) + 2 * l < length; step++) {
      const result = (((la + lb) | 0) + ld) | 0;
      ld = (ld + 1) | 0;
      la = lb ^ (lb >>> 9);
      lb = (lc + (lc << 3)) | 0;
      lc = (((lc << 21) | (lc >>> 11)) + result) | 0;
      if (step < 0) continue;
      if ((step & 1) === 0) {
        w0 = result;
        continue;
      }
      const at = 8 * (step >> 1) + 2 * l;
      const [cosine, sine] = boxMullerPair(w0, result);
      target[at] = cosine;
      if (at + 1 < length) target[at + 1] = sine;
    }
  }
}

/** The float32 Box–Muller pair (r·cos, r·sin) of one lane's words w0, w1 (assembly stage_lane_normals). */
function boxMullerPair(w0: number, w1: number): [number, number] {
  // Exact: integers below 2^31 and 2^24, times powers of two.
  const first = fround((w0 >>> 1) | 1) * TWO_POW_MINUS_31;
  const second = (w1 >>> 8) * TWO_POW_MINUS_24;
  const radius = fround(Math.sqrt(fround(-2 * logUnit(first))));
  // 2π·second = quadrant·π/2 + x, |x| <= π/4.
  const quadrant = Math.floor(fround(fround(second * 4) + 0.5));
  const x = fround(fround(second - fround(quadrant * 0.25)) * TWO_PI);
  const y = fround(x * x);
  const sinX = fround(x + fround(fround(x * y) * horner(SIN_SERIES, y)));
  const cosX = fround(1 + fround(y * horner(COS_SERIES, y)));
  const odd = quadrant === 1 || quadrant === 3;
  const flip = quadrant === 2 || quadrant === 3;
  const cosine = odd ? -sinX : cosX;
  const sine = odd ? cosX : sinX;
  return [fround(radius * (flip ? -cosine : cosine)), fround(radius * (flip ? -sine : sine))];
}

/**
 * The tall×narrow Gaussian A (row-major) the orthogonal initializer factors, drawn from the
 * stream whose four state words are `state`: fillLaneNormals' normals eight at a time, group
 * g = b·narrow + j giving rows 8b..8b+7 of column j (those past `tall` dropped), the order in
 * which WebAssembly stores it (assembly/orthonormal.ts orthonormal_fill). @internal
 */
export function laneGaussian(state: ArrayLike<number>, tall: number, narrow: number): Float64Array {
  const blocks = Math.ceil(tall / 8);
  const stream = new Float64Array(blocks * narrow * 8);
  fillLaneNormals(state, stream);
  const a = new Float64Array(tall * narrow);
  for (let b = 0; b < blocks; b++) {
    const entries = Math.min(8, tall - 8 * b);
    for (let j = 0; j < narrow; j++) {
      const group = (b * narrow + j) * 8;
      for (let e = 0; e < entries; e++) a[(8 * b + e) * narrow + j] = stream[group + e];
    }
  }
  return a;
}
