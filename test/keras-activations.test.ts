// Keras' named activations as predict computes them (in WebAssembly, assembly/keras_activations.ts,
// the code a stream runs too) against float64 references, over a dense grid of float32 inputs that
// reaches the overflow and underflow ends: the error in float32 ulps of the reference, softmax's
// normalisation, and what Inf and NaN give.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, Activation, type KerasActivationName } from '../dist/index.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

/** 2^-149 .. : the spacing of float32 values around |y| (the subnormal spacing below 2^-126). */
function f32Ulp(y: number): number {
  const a = Math.abs(y);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** Coefficients a_k of tanh(x) = sum a_k x^(2k+1), from tanh' = 1 - tanh^2. */
const TANH_SERIES = (() => {
  const a = [1];
  for (let k = 1; k < 40; k++) {
    let sum = 0;
    for (let i = 0; i < k; i++) sum += a[i] * a[k - 1 - i];
    a.push(-sum / (2 * k + 1));
  }
  return a;
})();

/** x - tanh(x) without the cancellation near 0. */
function tanhShrink(x: number): number {
  if (Math.abs(x) >= 0.5) return x - Math.tanh(x);
  let sum = 0;
  for (let k = TANH_SERIES.length - 1; k >= 1; k--) sum = sum * x * x - TANH_SERIES[k];
  return sum * x * x * x;
}

/** erfc(z) for z >= 0 in float64: the Taylor series of erf below 2.5, Laplace's continued fraction above. */
function erfc(z: number): number {
  if (z < 2.5) {
    let term = z;
    let sum = z;
    for (let n = 1; n < 80; n++) {
      term *= (-z * z) / n;
      sum += term / (2 * n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = z;
  for (let n = 300; n >= 1; n--) f = z + n / 2 / f;
  return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
}

/** erfc from Python's math.erfc (the C library's), to check the reference above. */
const ERFC_LIBM: [number, number][] = [
  [0.001, 0.9988716212090307], [0.1, 0.8875370839817152], [0.5, 0.4795001221869535], [0.9, 0.20309178757716786],
  [1.3, 0.06599205505934755], [1.9, 0.0072095707647425325], [2.4, 0.0006885138966450789], [2.5, 0.0004069520174449589],
  [2.6, 0.00023603441652934908], [3.1, 1.1648657367199589e-05], [4, 1.541725790028002e-08], [5.5, 7.357847917974398e-15],
  [7, 4.183825607779414e-23], [9, 4.13703174651381e-37], [12, 1.3562611692059042e-64], [20, 5.3958656116079005e-176],
];

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** Definitions from keras.activations (Keras 3), in float64. */
const REFERENCES: [KerasActivationName, (x: number) => number][] = [
  ['tanh', Math.tanh],
  ['sigmoid', sigmoid],
  ['exponential', Math.exp],
  ['elu', (x) => (x > 0 ? x : Math.expm1(x))],
  ['celu', (x) => (x > 0 ? x : Math.expm1(x))],
  ['selu', (x) => (x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * Math.expm1(x))],
  ['gelu', (x) => 0.5 * x * (x >= 0 ? 2 - erfc(x / Math.SQRT2) : erfc(-x / Math.SQRT2))],
  ['silu', (x) => x * sigmoid(x)],
  ['swish', (x) => x * sigmoid(x)],
  ['mish', (x) => x * Math.tanh(softplus(x))],
  ['softplus', softplus],
  ['log_sigmoid', (x) => -softplus(-x)],
  ['tanh_shrink', tanhShrink],
];

/** float32 inputs: a dense grid over [-20, 20], the float32 neighbours of 0, and large |x| up to FLT_MAX. */
const GRID = (() => {
  const values: number[] = [];
  for (let i = -40000; i <= 40000; i++) values.push(i / 2000);
  for (let e = -40; e <= 38; e++) for (const m of [1, 1.7, 3.3, 6.1]) values.push(m * 10 ** e, -m * 10 ** e);
  for (let x = 20; x <= 120; x += 0.37) values.push(x, -x);
  values.push(88.72, 88.73, -87.3, -103.9, -104, 3.4e38, -3.4e38, 1e-45, -1e-45);
  return Float32Array.from(values);
})();

/** Max error in float32 ulps of the reference, over the results that are finite float32 values. */
function maxUlpError(name: KerasActivationName, reference: (x: number) => number): { ulps: number; at: number } {
  const got = (new Activation(name).apply(tensor(GRID, [GRID.length])) as { data: Float32Array }).data;
  let worst = { ulps: 0, at: 0 };
  GRID.forEach((x, i) => {
    const want = reference(x);
    if (!Number.isFinite(Math.fround(want))) {
      expect(got[i], `${name}(${x})`).toBe(Math.fround(want));
      return;
    }
    const ulps = Math.abs(got[i] - want) / f32Ulp(want);
    if (!(ulps <= worst.ulps)) worst = { ulps, at: x };
  });
  return worst;
}

describe('Keras activations against float64 references (error in float32 ulps)', () => {
  it('the erfc reference agrees with Python math.erfc (C libm) to 1e-12 relative', () => {
    for (const [z, want] of ERFC_LIBM) expect(Math.abs(erfc(z) - want) / want, `erfc(${z})`).toBeLessThanOrEqual(1e-12);
  });

  // Rounding a float64 result to float32 costs up to 0.5 ulp; the functions add a few float64
  // ulps, which moves a result across a rounding boundary on none of the grid's points.
  for (const [name, reference] of REFERENCES) {
    it(name, () => {
      const { ulps, at } = maxUlpError(name, reference);
      expect(ulps, `${name}: max error ${ulps.toFixed(3)} ulps at x = ${at}`).toBeLessThanOrEqual(0.501);
    });
  }

  it('softmax and log_softmax: max-subtracted, within an ulp, and softmax rows sum to 1 within float32 rounding', () => {
    const rows = 500, width = 37;
    const x = new Float32Array(rows * width);
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    // Rows of every spread, from near-uniform to one dominant logit, some with huge logits (max subtraction).
    for (let r = 0; r < rows; r++) {
      const spread = 10 ** (4 * random() - 2);
      const offset = r % 5 === 0 ? 1e4 * (random() - 0.5) : 0;
      for (let j = 0; j < width; j++) x[r * width + j] = offset + spread * (2 * random() - 1);
    }
    const soft = (new Activation('softmax').apply(tensor(x, [rows, width])) as { data: Float32Array }).data;
    const logSoft = (new Activation('log_softmax').apply(tensor(x, [rows, width])) as { data: Float32Array }).data;
    let worst = 0;
    let worstLog = 0;
    let worstSum = 0;
    for (let r = 0; r < rows; r++) {
      const row = Array.from(x.subarray(r * width, (r + 1) * width));
      const peak = Math.max(...row);
      const logSum = Math.log(row.reduce((s, v) => s + Math.exp(v - peak), 0));
      let sum = 0;
      row.forEach((v, j) => {
        const p = Math.exp(v - peak - logSum);
        worst = Math.max(worst, Math.abs(soft[r * width + j] - p) / f32Ulp(p));
        const l = v - peak - logSum;
        worstLog = Math.max(worstLog, Math.abs(logSoft[r * width + j] - l) / f32Ulp(l));
        sum += soft[r * width + j];
      });
      worstSum = Math.max(worstSum, Math.abs(sum - 1));
    }
    expect(worst, 'softmax ulps').toBeLessThanOrEqual(0.501);
    expect(worstLog, 'log_softmax ulps').toBeLessThanOrEqual(0.501);
    // Each output is rounded once (relative 2^-24), so the sum is 1 within 2^-24 plus the float64 error.
    expect(worstSum, 'softmax |sum - 1|').toBeLessThanOrEqual(2 ** -24 * 1.01);
  });

  it('sparsemax: the projection onto the simplex, against tau found by bisection in float64', () => {
    const rows = 300, width = 11;
    const x = new Float32Array(rows * width);
    let seed = 11;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let r = 0; r < rows; r++) {
      const spread = 10 ** (3 * random() - 1.5);
      for (let j = 0; j < width; j++) x[r * width + j] = spread * (2 * random() - 1);
      if (r % 7 === 0) x[r * width + 3] = x[r * width + 5]; // ties
    }
    const got = (new Activation('sparsemax').apply(tensor(x, [rows, width])) as { data: Float32Array }).data;
    let worst = 0;
    let worstSum = 0;
    for (let r = 0; r < rows; r++) {
      const row = Array.from(x.subarray(r * width, (r + 1) * width));
      // sum(max(z - tau, 0)) = 1 decreases in tau: bisect between max(z) - 1 and max(z).
      let lo = Math.max(...row) - 1;
      let hi = Math.max(...row);
      for (let i = 0; i < 200; i++) {
        const mid = (lo + hi) / 2;
        if (row.reduce((s, z) => s + Math.max(z - mid, 0), 0) > 1) lo = mid;
        else hi = mid;
      }
      let sum = 0;
      row.forEach((z, j) => {
        worst = Math.max(worst, Math.abs(got[r * width + j] - Math.max(z - lo, 0)));
        sum += got[r * width + j];
      });
      worstSum = Math.max(worstSum, Math.abs(sum - 1));
    }
    // Each output is a float32 of a value up to 1: within 2^-24 absolute, and the row sums to 1.
    expect(worst, 'sparsemax max |error|').toBeLessThanOrEqual(2 ** -24);
    expect(worstSum, 'sparsemax |sum - 1|').toBeLessThanOrEqual(width * 2 ** -24);
  });

  it('Inf, NaN and the ends of the range', () => {
    const x = Float32Array.of(Infinity, -Infinity, NaN, 89, -104);
    const run = (name: KerasActivationName) => Array.from((new Activation(name).apply(tensor(x, [x.length])) as { data: Float32Array }).data);
    expect(run('tanh')).toEqual([1, -1, NaN, 1, -1]);
    expect(run('sigmoid')).toEqual([1, 0, NaN, 1, 0]);
    expect(run('exponential')).toEqual([Infinity, 0, NaN, Infinity, 0]);
    expect(run('softplus')).toEqual([Infinity, 0, NaN, 89, 0]);
    expect(run('elu')).toEqual([Infinity, -1, NaN, 89, -1]);
    // A row with +Inf is NaN (Inf - Inf), as in Keras; -Inf is a zero weight.
    const rows = (new Activation('softmax').apply(tensor([0, -Infinity, 0, 1, Infinity, 0], [2, 3])) as { data: Float32Array }).data;
    expect(Array.from(rows)).toEqual([0.5, 0, 0.5, NaN, NaN, NaN]);
  });
});
