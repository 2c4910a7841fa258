// Every activation Keras can name as a string, in float64 JavaScript: the Activation layer's and,
// for names the WebAssembly kernels do not have, Dense's. Softmax-like ones work on a whole axis.
import type { KerasVersion } from './activations.js';

/** Every activation Keras can name as a string: Keras 3's keras.activations plus Keras 2's spellings. */
export const KERAS_ACTIVATION_NAMES = [
  'linear', 'relu', 'relu6', 'leaky_relu', 'elu', 'celu', 'selu', 'gelu', 'silu', 'swish', 'hard_silu', 'hard_swish', 'mish',
  'softplus', 'softsign', 'squareplus', 'sparse_plus', 'tanh', 'tanh_shrink', 'hard_tanh', 'hard_shrink', 'soft_shrink',
  'sigmoid', 'hard_sigmoid', 'sparse_sigmoid', 'log_sigmoid', 'exponential',
  // These normalise over the last axis.
  'softmax', 'log_softmax', 'sparsemax',
] as const;

export type KerasActivationName = (typeof KERAS_ACTIVATION_NAMES)[number];

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

const clip = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);

/**
 * erf to about 1e-7 relative (W. J. Cody's rational Chebyshev forms are overkill for float32 output;
 * this is Numerical Recipes' erfc Chebyshev fit, |error| < 1.2e-7 everywhere).
 */
function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - r : r - 1;
}

/** @internal One element-wise activation as a function of float64 numbers; null for the axis ones. */
export function elementwiseActivation(name: string, kerasVersion: KerasVersion): ((x: number) => number) | null {
  switch (name) {
    case 'linear': return (x) => x;
    case 'relu': return (x) => (x > 0 ? x : 0);
    case 'relu6': return (x) => clip(x, 0, 6);
    case 'leaky_relu': return (x) => (x >= 0 ? x : 0.2 * x);
    case 'elu': return (x) => (x > 0 ? x : Math.expm1(x));
    case 'celu': return (x) => (x > 0 ? x : Math.expm1(x));
    case 'selu': return (x) => (x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * Math.expm1(x));
    case 'gelu': return (x) => 0.5 * x * (1 + erf(x / Math.SQRT2));
    case 'silu':
    case 'swish': return (x) => x * sigmoid(x);
    case 'hard_silu':
    case 'hard_swish': return (x) => (x * clip(x + 3, 0, 6)) / 6;
    case 'mish': return (x) => x * Math.tanh(softplus(x));
    case 'softplus': return softplus;
    case 'softsign': return (x) => x / (1 + Math.abs(x));
    case 'squareplus': return (x) => (x + Math.sqrt(x * x + 4)) / 2;
    case 'sparse_plus': return (x) => (x <= -1 ? 0 : x >= 1 ? x : ((x + 1) * (x + 1)) / 4);
    case 'tanh': return Math.tanh;
    case 'tanh_shrink': return (x) => x - Math.tanh(x);
    case 'hard_tanh': return (x) => clip(x, -1, 1);
    case 'hard_shrink': return (x) => (Math.abs(x) > 0.5 ? x : 0);
    case 'soft_shrink': return (x) => (x > 0.5 ? x - 0.5 : x < -0.5 ? x + 0.5 : 0);
    case 'sigmoid': return sigmoid;
    // Keras 1 and 2: 0.2x + 0.5; Keras 3: relu6(x + 3) / 6.
    case 'hard_sigmoid': return kerasVersion === 2 ? (x) => clip(0.2 * x + 0.5, 0, 1) : (x) => clip(x + 3, 0, 6) / 6;
    case 'sparse_sigmoid': return (x) => (x <= -1 ? 0 : x >= 1 ? 1 : (x + 1) / 2);
    case 'log_sigmoid': return (x) => -softplus(-x);
    case 'exponential': return Math.exp;
    default: return null;
  }
}

/** @internal Applies `name` to `data` in place, axis activations over rows of `rowLength` consecutive values. */
export function applyActivation(name: KerasActivationName, kerasVersion: KerasVersion, data: Float32Array, rowLength: number): void {
  const f = elementwiseActivation(name, kerasVersion);
  if (f) {
    for (let i = 0; i < data.length; i++) data[i] = f(data[i]);
    return;
  }
  for (let start = 0; start + rowLength <= data.length && rowLength > 0; start += rowLength) {
    const row = data.subarray(start, start + rowLength);
    if (name === 'sparsemax') sparsemaxRow(row);
    else softmaxRow(row, name === 'log_softmax');
  }
}

function softmaxRow(row: Float32Array, log: boolean): void {
  let max = -Infinity;
  for (const v of row) max = Math.max(max, v);
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  const logSum = Math.log(sum);
  for (let i = 0; i < row.length; i++) row[i] = log ? row[i] - max - logSum : Math.exp(row[i] - max - logSum);
}

/** The Euclidean projection onto the simplex (Martins & Astudillo), as keras.ops.sparsemax. */
function sparsemaxRow(row: Float32Array): void {
  const sorted = Array.from(row).sort((a, b) => b - a);
  let cumulative = 0;
  let support = 0;
  let supportSum = 0;
  sorted.forEach((z, k) => {
    cumulative += z;
    if (1 + (k + 1) * z > cumulative) {
      support = k + 1;
      supportSum = cumulative;
    }
  });
  const tau = (supportSum - 1) / support;
  for (let i = 0; i < row.length; i++) row[i] = Math.max(row[i] - tau, 0);
}
