/**
 * Float64 references for the shape, merge, normalisation and attention layers, written from
 * ../shared/models2/LAYERS.md and Keras' definitions with explicit multi-indices: nothing here
 * shares code with src/.
 */
import type { ReferenceTensor } from './types.js';

export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** The multi-index of flat position `flat` in a row-major `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    index[a] = flat % shape[a];
    flat = Math.floor(flat / shape[a]);
  }
  return index;
}

export function ravel(index: readonly number[], shape: readonly number[]): number {
  return index.reduce((flat, i, a) => flat * shape[a] + i, 0);
}

export function permuteRef(x: ReferenceTensor, perm: readonly number[]): ReferenceTensor {
  const shape = perm.map((p) => x.shape[p]);
  const data = new Float64Array(x.data.length);
  for (let o = 0; o < data.length; o++) {
    const out = unravel(o, shape);
    const source = new Array<number>(x.shape.length);
    perm.forEach((p, i) => (source[p] = out[i]));
    data[o] = x.data[ravel(source, x.shape)];
  }
  return { shape, data };
}

export function repeatVectorRef(x: ReferenceTensor, n: number): ReferenceTensor {
  const [batch, features] = x.shape;
  const data = new Float64Array(batch * n * features);
  for (let b = 0; b < batch; b++) for (let t = 0; t < n; t++) for (let f = 0; f < features; f++) {
    data[(b * n + t) * features + f] = x.data[b * features + f];
  }
  return { shape: [batch, n, features], data };
}

/** Keras BatchNormalization at inference over one axis. */
export function batchNormRef(
  x: ReferenceTensor, axis: number, w: { gamma?: ArrayLike<number>; beta?: ArrayLike<number>; mean: ArrayLike<number>; variance: ArrayLike<number> }, epsilon: number,
): ReferenceTensor {
  const data = new Float64Array(x.data.length);
  for (let i = 0; i < data.length; i++) {
    const c = unravel(i, x.shape)[axis];
    const normalised = (x.data[i] - w.mean[c]) / Math.sqrt(w.variance[c] + epsilon);
    data[i] = normalised * (w.gamma ? w.gamma[c] : 1) + (w.beta ? w.beta[c] : 0);
  }
  return { shape: [...x.shape], data };
}

/** erf by its Maclaurin series (|x| < 3) or continued fraction for erfc (|x| >= 3), to ~1e-15. */
export function erfRef(x: number): number {
  const z = Math.abs(x);
  if (z < 3) {
    let term = z;
    let sum = z;
    for (let n = 1; n < 200; n++) {
      term *= (-z * z) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Lentz's continued fraction for erfc(z) = exp(-z^2)/sqrt(pi) * 1/(z + 1/2/(z + 1/(z + 3/2/(z + ...)))).
  let f = z;
  for (let k = 60; k >= 1; k--) f = z + (k / 2) / f;
  const erfc = Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

const logistic = (v: number) => 1 / (1 + Math.exp(-v));
const softplusRef = (v: number) => Math.log(1 + Math.exp(v));

/** Each Keras activation from its textbook definition. */
export const ACTIVATION_REFS: Record<string, (v: number) => number> = {
  linear: (v) => v,
  relu: (v) => Math.max(v, 0),
  relu6: (v) => Math.min(Math.max(v, 0), 6),
  leaky_relu: (v) => (v > 0 ? v : 0.2 * v),
  elu: (v) => (v > 0 ? v : Math.exp(v) - 1),
  celu: (v) => Math.max(0, v) + Math.min(0, Math.exp(v) - 1),
  selu: (v) => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * (Math.exp(v) - 1)),
  gelu: (v) => (v / 2) * (1 + erfRef(v / Math.SQRT2)),
  silu: (v) => v * logistic(v),
  swish: (v) => v / (1 + Math.exp(-v)),
  hard_silu: (v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6,
  hard_swish: (v) => v * Math.min(Math.max(v / 6 + 0.5, 0), 1),
  mish: (v) => v * Math.tanh(softplusRef(v)),
  softplus: softplusRef,
  softsign: (v) => v / (1 + Math.abs(v)),
  squareplus: (v) => (v + Math.sqrt(v * v + 4)) / 2,
  sparse_plus: (v) => (v <= -1 ? 0 : v >= 1 ? v : (v + 1) ** 2 / 4),
  tanh: (v) => (Math.exp(2 * v) - 1) / (Math.exp(2 * v) + 1),
  tanh_shrink: (v) => v - Math.tanh(v),
  hard_tanh: (v) => Math.min(Math.max(v, -1), 1),
  hard_shrink: (v) => (v > 0.5 || v < -0.5 ? v : 0),
  soft_shrink: (v) => Math.sign(v) * Math.max(Math.abs(v) - 0.5, 0),
  sigmoid: logistic,
  hard_sigmoid_keras2: (v) => Math.min(Math.max(0.2 * v + 0.5, 0), 1),
  hard_sigmoid_keras3: (v) => Math.min(Math.max(v / 6 + 0.5, 0), 1),
  sparse_sigmoid: (v) => Math.min(Math.max((v + 1) / 2, 0), 1),
  log_sigmoid: (v) => Math.log(logistic(v)),
  exponential: (v) => Math.exp(v),
};

/** softmax / log_softmax / sparsemax over the last axis. */
export function axisActivationRef(name: 'softmax' | 'log_softmax' | 'sparsemax', x: ReferenceTensor): ReferenceTensor {
  const n = x.shape[x.shape.length - 1];
  const data = new Float64Array(x.data.length);
  for (let r = 0; r < x.data.length / n; r++) {
    const row = Array.from(x.data.subarray(r * n, (r + 1) * n));
    let out: number[];
    if (name === 'sparsemax') {
      // Bisection on tau: sum(max(z - tau, 0)) = 1.
      let lo = Math.min(...row) - 1;
      let hi = Math.max(...row);
      for (let k = 0; k < 200; k++) {
        const mid = (lo + hi) / 2;
        const total = row.reduce((s, z) => s + Math.max(z - mid, 0), 0);
        if (total > 1) lo = mid; else hi = mid;
      }
      out = row.map((z) => Math.max(z - (lo + hi) / 2, 0));
    } else {
      const total = row.reduce((s, z) => s + Math.exp(z), 0);
      out = row.map((z) => (name === 'softmax' ? Math.exp(z) / total : z - Math.log(total)));
    }
    out.forEach((v, j) => (data[r * n + j] = v));
  }
  return { shape: [...x.shape], data };
}
