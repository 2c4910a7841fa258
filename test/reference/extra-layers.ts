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

/** numpy broadcasting after Keras' rank alignment (size-1 axes inserted after the batch axis). */
export function mergeRef(kind: 'add' | 'subtract' | 'multiply' | 'average' | 'maximum' | 'minimum', inputs: ReferenceTensor[]): ReferenceTensor {
  const rank = Math.max(...inputs.map((t) => t.shape.length));
  const aligned = inputs.map((t) => [t.shape[0], ...new Array<number>(rank - t.shape.length).fill(1), ...t.shape.slice(1)]);
  const shape = aligned[0].map((_, a) => Math.max(...aligned.map((s) => s[a])));
  const data = new Float64Array(shapeSize(shape));
  for (let o = 0; o < data.length; o++) {
    const index = unravel(o, shape);
    const values = inputs.map((t, k) => t.data[ravel(index.map((i, a) => (aligned[k][a] === 1 ? 0 : i)), aligned[k])]);
    switch (kind) {
      case 'add': data[o] = values.reduce((s, v) => s + v, 0); break;
      case 'subtract': data[o] = values[0] - values[1]; break;
      case 'multiply': data[o] = values.reduce((s, v) => s * v, 1); break;
      case 'average': data[o] = values.reduce((s, v) => s + v, 0) / values.length; break;
      case 'maximum': data[o] = Math.max(...values); break;
      case 'minimum': data[o] = Math.min(...values); break;
    }
  }
  return { shape, data };
}

/** Keras batch_dot over axes [a0, a1] (resolved, non-batch), optionally of L2-normalised inputs. */
export function dotRef(x: ReferenceTensor, y: ReferenceTensor, a0: number, a1: number, normalize: boolean): ReferenceTensor {
  const norm = (t: ReferenceTensor, axis: number) => {
    if (!normalize) return t;
    const data = new Float64Array(t.data.length);
    for (let i = 0; i < data.length; i++) {
      const index = unravel(i, t.shape);
      let sum = 0;
      for (let k = 0; k < t.shape[axis]; k++) {
        const other = [...index];
        other[axis] = k;
        sum += t.data[ravel(other, t.shape)] ** 2;
      }
      data[i] = t.data[i] / Math.sqrt(Math.max(sum, 1e-12));
    }
    return { shape: t.shape, data };
  };
  const xn = norm(x, a0);
  const yn = norm(y, a1);
  const xRest = x.shape.map((d, a) => [d, a]).filter(([, a]) => a !== 0 && a !== a0);
  const yRest = y.shape.map((d, a) => [d, a]).filter(([, a]) => a !== 0 && a !== a1);
  const shape = [x.shape[0], ...xRest.map(([d]) => d), ...yRest.map(([d]) => d)];
  const data = new Float64Array(shapeSize(shape));
  for (let o = 0; o < data.length; o++) {
    const index = unravel(o, shape);
    let sum = 0;
    for (let k = 0; k < x.shape[a0]; k++) {
      const xi = new Array<number>(x.shape.length);
      const yi = new Array<number>(y.shape.length);
      xi[0] = index[0];
      yi[0] = index[0];
      xRest.forEach(([, a], i) => (xi[a] = index[1 + i]));
      yRest.forEach(([, a], i) => (yi[a] = index[1 + xRest.length + i]));
      xi[a0] = k;
      yi[a1] = k;
      sum += xn.data[ravel(xi, x.shape)] * yn.data[ravel(yi, y.shape)];
    }
    data[o] = sum;
  }
  return { shape: shape.length === 1 ? [shape[0], 1] : shape, data };
}

export interface AttentionRefSpec {
  kind: 'dot' | 'concat' | 'additive';
  /** Attention: a scalar; AdditiveAttention: one per feature; absent without use_scale. */
  scale?: number | number[];
  concatWeight?: number;
  causal?: boolean;
  queryMask?: number[][];
  valueMask?: number[][];
}

/** keras.layers.Attention / AdditiveAttention at inference, from LAYERS.md. Returns [output, weights]. */
export function attentionRef(query: ReferenceTensor, value: ReferenceTensor, key: ReferenceTensor, spec: AttentionRefSpec): [ReferenceTensor, ReferenceTensor] {
  const [B, Tq, D] = query.shape;
  const [, Tv, Dv] = value.shape;
  const q = (b: number, i: number, d: number) => query.data[(b * Tq + i) * D + d];
  const k = (b: number, j: number, d: number) => key.data[(b * Tv + j) * D + d];
  const out = new Float64Array(B * Tq * Dv);
  const weights = new Float64Array(B * Tq * Tv);
  for (let b = 0; b < B; b++) for (let i = 0; i < Tq; i++) {
    const scores: number[] = [];
    for (let j = 0; j < Tv; j++) {
      let s = 0;
      for (let d = 0; d < D; d++) {
        if (spec.kind === 'dot') s += q(b, i, d) * k(b, j, d);
        else if (spec.kind === 'concat') s += Math.tanh((typeof spec.scale === 'number' ? spec.scale : 1) * (q(b, i, d) + k(b, j, d)));
        else s += (Array.isArray(spec.scale) ? spec.scale[d] : 1) * Math.tanh(q(b, i, d) + k(b, j, d));
      }
      if (spec.kind === 'dot' && typeof spec.scale === 'number') s *= spec.scale;
      if (spec.kind === 'concat') s *= spec.concatWeight ?? 1;
      const masked = (spec.valueMask && !spec.valueMask[b][j]) || (spec.causal && j > i);
      scores.push(masked ? -Infinity : s);
    }
    const max = Math.max(...scores);
    // A row with every position masked: Keras' -1e9 shift leaves a uniform distribution.
    const e = max === -Infinity ? scores.map(() => 1) : scores.map((s) => Math.exp(s - max));
    const total = e.reduce((a, v) => a + v, 0);
    e.forEach((v, j) => (weights[(b * Tq + i) * Tv + j] = v / total));
    const zero = spec.queryMask && !spec.queryMask[b][i];
    for (let d = 0; d < Dv; d++) {
      let sum = 0;
      for (let j = 0; j < Tv; j++) sum += weights[(b * Tq + i) * Tv + j] * value.data[(b * Tv + j) * Dv + d];
      out[(b * Tq + i) * Dv + d] = zero ? 0 : sum;
    }
  }
  return [{ shape: [B, Tq, Dv], data: out }, { shape: [B, Tq, Tv], data: weights }];
}

/** LayerNormalization over the given axes, as Keras 3 computes it (rms: the variance, no centring). */
export function layerNormRef(x: ReferenceTensor, axes: number[], gamma: number[] | null, beta: number[] | null, epsilon: number, rms = false): ReferenceTensor {
  const data = new Float64Array(x.data.length);
  const groupKey = (index: number[]) => index.filter((_, a) => !axes.includes(a)).join(',');
  const groups = new Map<string, number[]>();
  for (let i = 0; i < x.data.length; i++) {
    const key = groupKey(unravel(i, x.shape));
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  for (const members of groups.values()) {
    const values = members.map((i) => x.data[i]);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    for (const i of members) {
      const index = unravel(i, x.shape);
      const p = ravel(axes.map((a) => index[a]), axes.map((a) => x.shape[a]));
      const centred = rms ? x.data[i] : x.data[i] - mean;
      data[i] = (centred / Math.sqrt(variance + epsilon)) * (gamma ? gamma[p] : 1) + (beta ? beta[p] : 0);
    }
  }
  return { shape: [...x.shape], data };
}
