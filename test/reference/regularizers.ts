/**
 * Plain float64 references for Keras' weight regularizers and constraints, written from
 * keras/src/regularizers/regularizers.py and keras/src/constraints/constraints.py: the penalties
 * and the projections of a row-major weight of a given shape. Obviously correct over fast.
 */
import type { ReferenceTensor } from './types.js';

/** Keras' L1L2: l1 * sum |w| + l2 * sum w^2 (L1 and L2 are its halves). */
export function l1l2PenaltyRef(w: ArrayLike<number>, l1: number, l2: number): number {
  let abs = 0;
  let squares = 0;
  for (let i = 0; i < w.length; i++) {
    abs += Math.abs(w[i]);
    squares += w[i] * w[i];
  }
  return l1 * abs + l2 * squares;
}

/** Row r of a row-major (rows, columns) matrix as an array. */
function row(w: ArrayLike<number>, columns: number, r: number): number[] {
  return Array.from({ length: columns }, (_, c) => w[r * columns + c]);
}

/** Keras' OrthogonalRegularizer: factor * 0.5 * sum_{i != j} |n_i . n_j| / (n (n - 1) / 2), n_i the normalized rows (or columns). */
export function orthogonalPenaltyRef(w: ReferenceTensor, factor: number, mode: 'rows' | 'columns'): number {
  const [rows, columns] = w.shape;
  const vectors = mode === 'rows'
    ? Array.from({ length: rows }, (_, r) => row(w.data, columns, r))
    : Array.from({ length: columns }, (_, c) => Array.from({ length: rows }, (_, r) => w.data[r * columns + c]));
  const normalized = vectors.map((v) => {
    const norm = Math.sqrt(Math.max(v.reduce((s, x) => s + x * x, 0), 1e-14));
    return v.map((x) => x / norm);
  });
  const n = normalized.length;
  let sum = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    if (i !== j) sum += Math.abs(normalized[i].reduce((s, x, k) => s + x * normalized[j][k], 0));
  }
  return (factor * 0.5 * sum) / ((n * (n - 1)) / 2);
}

/** The multi-index of flat position `i` of `shape`. */
function unravel(i: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    index[a] = i % shape[a];
    i = Math.floor(i / shape[a]);
  }
  return index;
}

/** w * desired(norm) / (1e-7 + norm), norm = sqrt(sum w^2 over `axes` with keepdims): MaxNorm, UnitNorm, MinMaxNorm. */
export function rescaleNormsRef(w: ReferenceTensor, axes: readonly number[], desired: (norm: number) => number): ReferenceTensor {
  const rank = w.shape.length;
  const reduced = axes.map((a) => (a < 0 ? a + rank : a));
  const key = (i: number) => unravel(i, w.shape).map((d, a) => (reduced.includes(a) ? 0 : d)).join(',');
  const sums = new Map<string, number>();
  for (let i = 0; i < w.data.length; i++) sums.set(key(i), (sums.get(key(i)) ?? 0) + w.data[i] ** 2);
  const data = w.data.map((v, i) => {
    const norm = Math.sqrt(sums.get(key(i)) as number);
    return (v * desired(norm)) / (1e-7 + norm);
  });
  return { shape: [...w.shape], data };
}

export function maxNormRef(w: ReferenceTensor, maxValue: number, axes: readonly number[]): ReferenceTensor {
  return rescaleNormsRef(w, axes, (norm) => Math.min(Math.max(norm, 0), maxValue));
}

export function minMaxNormRef(w: ReferenceTensor, minValue: number, maxValue: number, rate: number, axes: readonly number[]): ReferenceTensor {
  return rescaleNormsRef(w, axes, (norm) => rate * Math.min(Math.max(norm, minValue), maxValue) + (1 - rate) * norm);
}

export function unitNormRef(w: ReferenceTensor, axes: readonly number[]): ReferenceTensor {
  return rescaleNormsRef(w, axes, () => 1);
}

/** Keras' NonNeg: max(w, 0). */
export function nonNegRef(w: ReferenceTensor): ReferenceTensor {
  return { shape: [...w.shape], data: w.data.map((v) => Math.max(v, 0)) };
}
