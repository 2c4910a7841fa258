// Keras' named activations in float64, rounded once to float32: what `predict` applies on the host
// side of a layer (the Activation layer, and Dense for the names its product does not fuse) and what
// a stream's frame op applies, from this one code, so that the two agree bit for bit. They are here
// rather than in JavaScript because JavaScript's Math.exp, tanh, expm1 and log1p are each engine's
// own approximations, where WebAssembly's float64 + - * / sqrt min max are exactly specified: every
// engine computes these the same. exp, expm1, log1p and erfc are written out (no tables, a few
// float64 ulps), so a result rounds to the nearest float32 almost always; test/keras-activations.test.ts
// measures every name against a float64 reference.

// Kinds; src/kernels/keras-activation.ts mirrors them (test/kernels-abi.test.ts checks the table).
export const KERAS_ACT_RELU: i32 = 0;
export const KERAS_ACT_RELU6: i32 = 1;
export const KERAS_ACT_LEAKY_RELU: i32 = 2;
export const KERAS_ACT_HARD_SILU: i32 = 3;
export const KERAS_ACT_SOFTSIGN: i32 = 4;
export const KERAS_ACT_SQUAREPLUS: i32 = 5;
export const KERAS_ACT_SPARSE_PLUS: i32 = 6;
export const KERAS_ACT_HARD_TANH: i32 = 7;
export const KERAS_ACT_HARD_SHRINK: i32 = 8;
export const KERAS_ACT_SOFT_SHRINK: i32 = 9;
export const KERAS_ACT_HARD_SIGMOID_K2: i32 = 10;
export const KERAS_ACT_HARD_SIGMOID_K3: i32 = 11;
export const KERAS_ACT_SPARSE_SIGMOID: i32 = 12;
export const KERAS_ACT_ELU: i32 = 13;
export const KERAS_ACT_SELU: i32 = 14;
export const KERAS_ACT_GELU: i32 = 15;
export const KERAS_ACT_SILU: i32 = 16;
export const KERAS_ACT_MISH: i32 = 17;
export const KERAS_ACT_SOFTPLUS: i32 = 18;
export const KERAS_ACT_TANH: i32 = 19;
export const KERAS_ACT_TANH_SHRINK: i32 = 20;
export const KERAS_ACT_SIGMOID: i32 = 21;
export const KERAS_ACT_LOG_SIGMOID: i32 = 22;
export const KERAS_ACT_EXPONENTIAL: i32 = 23;
/** The three that normalise each row of the last axis. */
export const KERAS_ACT_SOFTMAX: i32 = 24;
export const KERAS_ACT_LOG_SOFTMAX: i32 = 25;
export const KERAS_ACT_SPARSEMAX: i32 = 26;
/**
 * The activation layers with parameters, in float32 as Keras computes them, the parameters (f32)
 * at `params`: ReLU and LeakyReLU [negative_slope, max_value (+Inf: none), threshold], ELU
 * [alpha], PReLU `width` alphas (one per value of a row, shared axes already broadcast).
 */
export const KERAS_ACT_RELU_LAYER: i32 = 27;
export const KERAS_ACT_ELU_LAYER: i32 = 28;
export const KERAS_ACT_PRELU: i32 = 29;

const SELU_ALPHA: f64 = 1.6732632423543772;
const SELU_SCALE: f64 = 1.0507009873554805;

// ln 2 split so that k * LN2_HI is exact for |k| < 2^11 (its low 32 bits are zero).
const LN2_HI: f64 = reinterpret<f64>(0x3FE62E42FEE00000);
const LN2_LO: f64 = reinterpret<f64>(0x3DEA39EF35793C76);
const INV_LN2: f64 = 1.4426950408889634;
// exp(r) = 1 + r + r c / (2 - c) with c = r - r^2 R(r^2), R the minimax fit of
// r (e^r + 1) / (e^r - 1) - 2 on |r| <= ln2 / 2 (the fdlibm coefficients).
const P1: f64 = reinterpret<f64>(0x3FC555555555553E);
const P2: f64 = reinterpret<f64>(0xBF66C16C16BEBD93);
const P3: f64 = reinterpret<f64>(0x3F11566AAF25DE2C);
const P4: f64 = reinterpret<f64>(0xBEBBBD41C5D26BF1);
const P5: f64 = reinterpret<f64>(0x3E66376972BEA4D0);
const EXP_OVERFLOW: f64 = 709.782712893384;
const EXP_UNDERFLOW: f64 = -745.1332191019412;

function c_of(r: f64): f64 {
  const r2 = r * r;
  return r - r2 * (P1 + r2 * (P2 + r2 * (P3 + r2 * (P4 + r2 * P5))));
}

/** 2^n for n in [-1022, 1023]. */
// @ts-ignore: decorator
@inline function pow2(n: i32): f64 {
  return reinterpret<f64>(<u64>(n + 1023) << 52);
}

function exp(x: f64): f64 {
  if (!(x <= EXP_OVERFLOW)) return x > 0 ? Infinity : x; // +Inf past overflow; NaN stays NaN
  if (x < EXP_UNDERFLOW) return 0;
  const k = nearest(x * INV_LN2);
  const hi = x - k * LN2_HI;
  const lo = k * LN2_LO;
  const r = hi - lo;
  const c = c_of(r);
  const y = 1 - ((lo - (r * c) / (2 - c)) - hi);
  // k is in [-1075, 1024]: two factors keep each power normal, and only the last product rounds.
  const n = <i32>k;
  const half = n >> 1;
  return y * pow2(half) * pow2(n - half);
}

/** e^x - 1, keeping its relative accuracy near 0. */
function expm1(x: f64): f64 {
  // expm1(-0) is -0 (the series below would give +0): ELU keeps the sign of a zero, as TensorFlow's does.
  if (x == 0) return x;
  if (abs(x) < 0.34657359027997264) {
    const c = c_of(x);
    return x + (x * c) / (2 - c);
  }
  return exp(x) - 1;
}

/** log(1 + u) for u >= 0 (and NaN, +Inf). */
function log1p(u: f64): f64 {
  if (!(u < Infinity)) return u;
  let k: i32 = 0;
  let s: f64;
  if (u < 0.25) s = u / (2 + u);
  else {
    // 1 + u = m 2^k with m in [sqrt(1/2), sqrt(2)); rounding 1 + u costs under 1e-16 absolute here.
    const bits = reinterpret<u64>(1 + u);
    k = <i32>(bits >> 52) - 1023;
    let m = reinterpret<f64>((bits & 0x000FFFFFFFFFFFFF) | 0x3FF0000000000000);
    if (m > 1.4142135623730951) {
      m *= 0.5;
      k++;
    }
    s = (m - 1) / (m + 1);
  }
  // log((1 + s) / (1 - s)) = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 ...), |s| <= 0.1716: twelve terms
  // reach 1e-18 (each 1 / (2n + 1) is rounded as a constant would be).
  const z = s * s;
  let series: f64 = 0;
  for (let n = 12; n >= 1; n--) series = z * (1 / <f64>(2 * n + 1) + series);
  const dk = <f64>k;
  return dk * LN2_HI + (dk * LN2_LO + 2 * (s + s * series));
}

function tanh(x: f64): f64 {
  const a = abs(x);
  if (a > 22) return copysign<f64>(1, x); // 1 - tanh(22) < 2^-60
  const e = expm1(2 * a);
  return copysign<f64>(e / (e + 2), x);
}

function sigmoid(x: f64): f64 {
  const e = exp(-abs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}

function softplus(x: f64): f64 {
  return max(x, 0) + log1p(exp(-abs(x)));
}

/**
 * erfc(z) for z >= 0 to a few float64 ulps: 1 - erf(z) by erf's Taylor series below 2.5 (40
 * terms; erfc(2.5) = 4e-4 loses only 3 digits to the subtraction), Laplace's continued fraction
 * from 2.5 on (40 terms reach 1e-16 there, fewer further out).
 */
function erfc(z: f64): f64 {
  const z2 = z * z;
  if (z < 2.5) {
    let term = z;
    let sum = z;
    for (let n = 1; n <= 40; n++) {
      term *= -z2 / <f64>n;
      sum += term / <f64>(2 * n + 1);
    }
    return 1 - 1.1283791670955126 * sum; // 2 / sqrt(pi)
  }
  let f = z;
  for (let n = 40; n >= 1; n--) f = z + <f64>n * 0.5 / f;
  return exp(-z2) * 0.5641895835477563 / f; // 1 / sqrt(pi)
}

function gelu(x: f64): f64 {
  // erfc of |x| / sqrt(2) on both sides of 0, so the negative tail keeps its relative accuracy.
  const r = erfc(abs(x) * 0.7071067811865476);
  return 0.5 * x * (x >= 0 ? 2 - r : r);
}

/**
 * x - tanh(x). Below |x| = 0.0016 the difference would cancel to 1e-10 relative, and the series'
 * first two terms are exact to 1e-12 there.
 */
function tanh_shrink(x: f64): f64 {
  if (abs(x) >= 0.0016) return x - tanh(x);
  const z = x * x;
  return x * z * (1.0 / 3 - z * (2.0 / 15));
}

// @ts-ignore: decorator
@inline function clip(x: f64, lo: f64, hi: f64): f64 {
  return min(max(x, lo), hi);
}

/** One element-wise activation (every kind but the softmaxes). */
export function keras_activate(x: f64, kind: i32): f64 {
  switch (kind) {
    case KERAS_ACT_RELU: return x > 0 ? x : 0;
    case KERAS_ACT_RELU6: return clip(x, 0, 6);
    case KERAS_ACT_LEAKY_RELU: return x >= 0 ? x : 0.2 * x;
    case KERAS_ACT_HARD_SILU: return (x * clip(x + 3, 0, 6)) / 6;
    case KERAS_ACT_SOFTSIGN: return x / (1 + abs(x));
    case KERAS_ACT_SQUAREPLUS: return (x + sqrt(x * x + 4)) / 2;
    case KERAS_ACT_SPARSE_PLUS: return x <= -1 ? 0 : x >= 1 ? x : ((x + 1) * (x + 1)) / 4;
    case KERAS_ACT_HARD_TANH: return clip(x, -1, 1);
    case KERAS_ACT_HARD_SHRINK: return abs(x) > 0.5 ? x : 0;
    case KERAS_ACT_SOFT_SHRINK: return x > 0.5 ? x - 0.5 : x < -0.5 ? x + 0.5 : 0;
    case KERAS_ACT_HARD_SIGMOID_K2: return clip(0.2 * x + 0.5, 0, 1);
    case KERAS_ACT_HARD_SIGMOID_K3: return clip(x + 3, 0, 6) / 6;
    case KERAS_ACT_SPARSE_SIGMOID: return x <= -1 ? 0 : x >= 1 ? 1 : (x + 1) / 2;
    case KERAS_ACT_ELU: return x > 0 ? x : expm1(x);
    case KERAS_ACT_SELU: return x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * expm1(x);
    case KERAS_ACT_GELU: return gelu(x);
    case KERAS_ACT_SILU: return x * sigmoid(x);
    case KERAS_ACT_MISH: return x * tanh(softplus(x));
    case KERAS_ACT_SOFTPLUS: return softplus(x);
    case KERAS_ACT_TANH: return tanh(x);
    case KERAS_ACT_TANH_SHRINK: return tanh_shrink(x);
    case KERAS_ACT_SIGMOID: return sigmoid(x);
    case KERAS_ACT_LOG_SIGMOID: return -softplus(-x);
    case KERAS_ACT_EXPONENTIAL: return exp(x);
    default: return x;
  }
}

/** Softmax (or log-softmax) of one row of `width` floats, max-subtracted as Keras does. */
function softmax_row(x: usize, out: usize, width: i32, log: bool): void {
  let peak = -Infinity;
  for (let i = 0; i < width; i++) peak = max(peak, <f64>load<f32>(x + (<usize>i << 2)));
  let sum: f64 = 0;
  for (let i = 0; i < width; i++) sum += exp(<f64>load<f32>(x + (<usize>i << 2)) - peak);
  // sum >= 1 (the peak's own term), and sum - 1 is exact below 2.
  const logSum = log1p(sum - 1);
  for (let i = 0; i < width; i++) {
    const shifted = <f64>load<f32>(x + (<usize>i << 2)) - peak - logSum;
    store<f32>(out + (<usize>i << 2), <f32>(log ? shifted : exp(shifted)));
  }
}

// @ts-ignore: decorator
@inline function at(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

function sift_down(p: usize, i: i32, n: i32): void {
  for (;;) {
    const left = 2 * i + 1;
    if (left >= n) return;
    const smaller = left + 1 < n && at(p, left + 1) < at(p, left) ? left + 1 : left;
    if (!(at(p, smaller) < at(p, i))) return;
    const v = at(p, i);
    store<f32>(p + (<usize>i << 2), at(p, smaller));
    store<f32>(p + (<usize>smaller << 2), v);
    i = smaller;
  }
}

/** Sorts n floats at p into descending order in place (a heapsort on a min-heap: no scratch). */
function sort_descending(p: usize, n: i32): void {
  for (let i = (n >> 1) - 1; i >= 0; i--) sift_down(p, i, n);
  for (let end = n - 1; end > 0; end--) {
    const v = at(p, 0);
    store<f32>(p, at(p, end));
    store<f32>(p + (<usize>end << 2), v);
    sift_down(p, 0, end);
  }
}

/**
 * Sparsemax of one row (keras.ops.sparsemax: the Euclidean projection onto the simplex, as
 * Martins and Astudillo compute it): the row is sorted (descending) in out, so out is not x.
 */
function sparsemax_row(x: usize, out: usize, width: i32): void {
  memory.copy(out, x, <usize>width << 2);
  sort_descending(out, width);
  let cumulative: f64 = 0;
  let support: i32 = 0;
  let supportSum: f64 = 0;
  for (let k = 0; k < width; k++) {
    const z = <f64>at(out, k);
    cumulative += z;
    if (1 + <f64>(k + 1) * z > cumulative) {
      support = k + 1;
      supportSum = cumulative;
    }
  }
  const tau = (supportSum - 1) / <f64>support;
  for (let i = 0; i < width; i++) store<f32>(out + (<usize>i << 2), <f32>max(<f64>at(x, i) - tau, 0));
}

/**
 * Keras 3's keras.activations.relu(x, negative_slope, max_value, threshold) (ReLU.static_call)
 * operation for operation in float32: the leaky form alone when there is no cap and no threshold.
 * f32 max / min are IEEE maximum / minimum: NaN stays NaN, and max(-0, 0) is +0.
 */
function relu_layer(x: f32, slope: f32, cap: f32, threshold: f32): f32 {
  if (slope != 0 && cap == Infinity && threshold == 0) return x >= 0 ? x : slope * x;
  let y: f32 = threshold != 0 ? (x > threshold ? x : 0) : max<f32>(x, 0);
  if (cap != Infinity) y = min<f32>(max<f32>(y, 0), cap);
  if (slope != 0) y -= slope * max<f32>(threshold - x, 0);
  return y;
}

/** keras.ops.elu(x, alpha): x above 0, else alpha times expm1(x) rounded to float32 first. */
function elu_layer(x: f32, alpha: f32): f32 {
  return x > 0 ? x : alpha * <f32>expm1(<f64>x);
}

/**
 * out = kind(x) for `count` floats; the normalising kinds work on rows of `width` (count a
 * multiple of it), as does PReLU (alpha i of a row at params + 4 i). params: the parameter kinds'
 * float32 parameters (0 for the others). out may be x, except for sparsemax.
 */
export function f32_keras_activation(x: usize, out: usize, count: i32, width: i32, kind: i32, params: usize): void {
  if (kind == KERAS_ACT_SOFTMAX || kind == KERAS_ACT_LOG_SOFTMAX || kind == KERAS_ACT_SPARSEMAX) {
    if (width <= 0) return;
    for (let r = 0; r + width <= count; r += width) {
      const row = x + (<usize>r << 2);
      const to = out + (<usize>r << 2);
      if (kind == KERAS_ACT_SPARSEMAX) sparsemax_row(row, to, width);
      else softmax_row(row, to, width, kind == KERAS_ACT_LOG_SOFTMAX);
    }
    return;
  }
  if (kind == KERAS_ACT_RELU_LAYER) {
    const slope = load<f32>(params);
    const cap = load<f32>(params, 4);
    const threshold = load<f32>(params, 8);
    for (let i = 0; i < count; i++) {
      store<f32>(out + (<usize>i << 2), relu_layer(load<f32>(x + (<usize>i << 2)), slope, cap, threshold));
    }
    return;
  }
  if (kind == KERAS_ACT_ELU_LAYER) {
    const alpha = load<f32>(params);
    for (let i = 0; i < count; i++) store<f32>(out + (<usize>i << 2), elu_layer(load<f32>(x + (<usize>i << 2)), alpha));
    return;
  }
  if (kind == KERAS_ACT_PRELU) {
    if (width <= 0) return;
    for (let r = 0; r + width <= count; r += width) {
      for (let j = 0; j < width; j++) {
        const at = out + (<usize>(r + j) << 2);
        const v = load<f32>(x + (<usize>(r + j) << 2));
        // Keras' PReLU.call: relu(x) + (-alpha * relu(-x)).
        const alpha = load<f32>(params + (<usize>j << 2));
        store<f32>(at, max<f32>(v, 0) + -alpha * max<f32>(-v, 0));
      }
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    store<f32>(out + (<usize>i << 2), <f32>keras_activate(<f64>load<f32>(x + (<usize>i << 2)), kind));
  }
}
