/**
 * Float64 references for Keras' activation layers (ReLU, LeakyReLU, ELU, Softmax, PReLU) and the
 * time-axis layers (ZeroPadding1D, Cropping1D, UpSampling1D), written from Keras 3's source
 * (keras/src/activations/activations.py, layers/activations/*.py, layers/reshaping/*1d.py) with
 * explicit multi-indices: nothing here shares code with src/.
 */
import { ravel, shapeSize, unravel } from './extra-layers.js';
import type { ReferenceTensor } from './types.js';

const map = (x: ReferenceTensor, f: (v: number) => number): ReferenceTensor => ({ shape: [...x.shape], data: x.data.map(f) });

/**
 * keras.activations.relu(x, negative_slope, max_value, threshold) as ReLU.static_call computes it:
 * without a cap or threshold a non-zero slope is leaky_relu (x >= 0 ? x : slope x); otherwise x
 * where x > threshold (x > 0 without one) else 0, clipped to [0, max_value], minus slope * relu(threshold - x).
 */
export function reluRef(x: ReferenceTensor, o: { negativeSlope?: number; maxValue?: number | null; threshold?: number } = {}): ReferenceTensor {
  const slope = o.negativeSlope ?? 0;
  const cap = o.maxValue ?? null;
  const threshold = o.threshold ?? 0;
  return map(x, (v) => {
    if (slope !== 0 && cap === null && threshold === 0) return v >= 0 ? v : slope * v;
    let y = threshold !== 0 ? (v > threshold ? v : 0) : Math.max(v, 0);
    if (cap !== null) y = Math.min(Math.max(y, 0), cap);
    if (slope !== 0) y -= slope * Math.max(threshold - v, 0);
    return y;
  });
}

/** keras.ops.elu(x, alpha): x above 0, alpha (e^x - 1) elsewhere. */
export function eluRef(x: ReferenceTensor, alpha = 1): ReferenceTensor {
  return map(x, (v) => (v > 0 ? v : alpha * Math.expm1(v)));
}

/** Keras' PReLU.call: relu(x) - alpha * relu(-x), alpha of shape x.shape[1:] with 1 on the shared axes (broadcast). */
export function preluRef(x: ReferenceTensor, alpha: ReferenceTensor): ReferenceTensor {
  const data = new Float64Array(x.data.length);
  for (let i = 0; i < data.length; i++) {
    const index = unravel(i, x.shape).slice(1).map((d, a) => (alpha.shape[a] === 1 ? 0 : d));
    const v = x.data[i];
    data[i] = Math.max(v, 0) - alpha.data[ravel(index, alpha.shape)] * Math.max(-v, 0);
  }
  return { shape: [...x.shape], data };
}

/**
 * Keras' Softmax(axis)(x, mask): over the (sorted) axes as one group, max-subtracted. With a mask
 * (numpy-broadcast from the last axes, kept where > 0.5): Keras 3 puts -1e9 at masked logits and
 * zeroes masked outputs; tf.keras 2 adds (1 - mask) * -1e9, which `logitsOf` may round as float32 does.
 */
export function softmaxRef(
  x: ReferenceTensor, axes: readonly number[], mask?: ReferenceTensor, version: 2 | 3 = 3, logitsOf: (v: number, kept: boolean) => number = (v, kept) => (kept ? v : version === 3 ? -1e9 : v - 1e9),
): ReferenceTensor {
  const rank = x.shape.length;
  const keep = (i: number): boolean => {
    if (!mask) return true;
    const index = unravel(i, x.shape).slice(rank - mask.shape.length).map((d, a) => (mask.shape[a] === 1 ? 0 : d));
    return mask.data[ravel(index, mask.shape)] > 0.5;
  };
  const logits = Float64Array.from(x.data, (v, i) => logitsOf(v, keep(i)));
  const groupKey = (i: number) => unravel(i, x.shape).map((d, a) => (axes.includes(a) ? 0 : d)).join(',');
  const groups = new Map<string, number[]>();
  for (let i = 0; i < logits.length; i++) {
    const key = groupKey(i);
    if (!groups.has(key)) groups.set(key, []);
    (groups.get(key) as number[]).push(i);
  }
  const data = new Float64Array(logits.length);
  for (const members of groups.values()) {
    const peak = Math.max(...members.map((i) => logits[i]));
    const sum = members.reduce((s, i) => s + Math.exp(logits[i] - peak), 0);
    for (const i of members) data[i] = Math.exp(logits[i] - peak) / sum;
  }
  if (mask && version === 3) for (let i = 0; i < data.length; i++) if (!keep(i)) data[i] = 0;
  return { shape: [...x.shape], data };
}

/** Output step s of (B, T', F) is input step source(s) of (B, T, F), or 0 where that is -1. */
function steps(x: ReferenceTensor, count: number, source: (s: number) => number): ReferenceTensor {
  const [batch, T, F] = x.shape;
  const data = new Float64Array(batch * count * F);
  for (let b = 0; b < batch; b++) for (let s = 0; s < count; s++) for (let f = 0; f < F; f++) {
    const t = source(s);
    data[(b * count + s) * F + f] = t >= 0 && t < T ? x.data[(b * T + t) * F + f] : 0;
  }
  return { shape: [batch, count, F], data };
}

export function zeroPadding1dRef(x: ReferenceTensor, [left, right]: readonly [number, number]): ReferenceTensor {
  return steps(x, x.shape[1] + left + right, (s) => s - left);
}

export function cropping1dRef(x: ReferenceTensor, [start, end]: readonly [number, number]): ReferenceTensor {
  return steps(x, x.shape[1] - start - end, (s) => s + start);
}

/** ops.repeat(x, size, axis=1): step t repeated size times. */
export function upSampling1dRef(x: ReferenceTensor, size: number): ReferenceTensor {
  return steps(x, x.shape[1] * size, (s) => Math.floor(s / size));
}

/** (B, C, T) <-> (B, T, C). */
export function swapLastAxes(x: ReferenceTensor): ReferenceTensor {
  const [batch, a, b] = x.shape;
  const data = new Float64Array(shapeSize(x.shape));
  for (let n = 0; n < batch; n++) for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) data[(n * b + j) * a + i] = x.data[(n * a + i) * b + j];
  return { shape: [batch, b, a], data };
}
