// Float64 references of Keras 3.15's losses (keras/src/losses/losses.py and loss.py), written
// from Keras' formulas step by step as the Python does them (whole-tensor operations on rows of
// the last axis), with the sum_over_batch_size reduction, masks and sample weights. No gradients:
// the tests take those by finite differences of these values.

const EPS = 1e-7;

export type ReferenceLossKind =
  | 'mse' | 'mae' | 'mape' | 'msle' | 'huber' | 'log_cosh' | 'cosine_similarity' | 'kl_divergence' | 'poisson'
  | 'hinge' | 'squared_hinge' | 'categorical_hinge' | 'binary_crossentropy' | 'categorical_crossentropy'
  | 'sparse_categorical_crossentropy' | 'binary_focal_crossentropy' | 'categorical_focal_crossentropy';

export interface ReferenceLossOptions {
  fromLogits?: boolean;
  labelSmoothing?: number;
  delta?: number;
  gamma?: number;
  alpha?: number | number[];
  applyClassBalancing?: boolean;
}

type Rows = number[][];

const rowsOf = (data: ArrayLike<number>, C: number): Rows => Array.from({ length: data.length / C }, (_, r) => Array.from({ length: C }, (_, c) => data[r * C + c]));
const mean = (row: number[]) => row.reduce((a, b) => a + b, 0) / row.length;
const sum = (row: number[]) => row.reduce((a, b) => a + b, 0);
const clip = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softmax = (row: number[]) => {
  const m = Math.max(...row);
  const e = row.map((x) => Math.exp(x - m));
  const s = sum(e);
  return e.map((x) => x / s);
};
const l2normalize = (row: number[]) => {
  const inv = Math.min(1 / Math.sqrt(sum(row.map((x) => x * x))), 1 / EPS);
  return row.map((x) => x * inv);
};

/** ops.binary_crossentropy elementwise: logits in the stable form, probabilities clipped. */
function binaryCrossentropy(z: number, x: number, fromLogits: boolean): number {
  if (fromLogits) return Math.max(x, 0) - x * z + Math.log(1 + Math.exp(-Math.abs(x)));
  const p = clip(x, EPS, 1 - EPS);
  return -(z * Math.log(p) + (1 - z) * Math.log(1 - p));
}

/** ops.categorical_crossentropy on one row. */
function categoricalCrossentropy(t: number[], x: number[], fromLogits: boolean): number {
  if (fromLogits) {
    const m = Math.max(...x);
    const logSum = m + Math.log(sum(x.map((v) => Math.exp(v - m))));
    return -sum(t.map((tc, c) => tc * (x[c] - logSum)));
  }
  const s = sum(x);
  return -sum(t.map((tc, c) => tc * Math.log(clip(x[c] / s, EPS, 1 - EPS))));
}

/** Per-row (per-sample or per-step) values; `yTrue` holds labels (one per row) for the sparse loss. */
export function referenceLossValues(kind: ReferenceLossKind, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, C: number, options: ReferenceLossOptions = {}): number[] {
  const P = rowsOf(yPred, C);
  const ls = options.labelSmoothing ?? 0;
  let T: Rows = kind === 'sparse_categorical_crossentropy'
    ? Array.from({ length: P.length }, (_, r) => Array.from({ length: C }, (_, c) => (yTrue[r] === c ? 1 : 0)))
    : rowsOf(yTrue, C);
  if (kind === 'hinge' || kind === 'squared_hinge') {
    const binary = T.every((row) => row.every((v) => v === 0 || v === 1));
    if (binary) T = T.map((row) => row.map((v) => 2 * v - 1));
  }
  if (ls && (kind === 'binary_crossentropy' || kind === 'binary_focal_crossentropy')) T = T.map((row) => row.map((v) => v * (1 - ls) + 0.5 * ls));
  if (ls && (kind === 'categorical_crossentropy' || kind === 'categorical_focal_crossentropy')) T = T.map((row) => row.map((v) => v * (1 - ls) + ls / C));
  const fromLogits = options.fromLogits ?? false;
  const delta = options.delta ?? 1;
  const gamma = options.gamma ?? 2;
  const alpha = options.alpha ?? 0.25;
  return P.map((p, r) => {
    const t = T[r];
    switch (kind) {
      case 'mse': return mean(p.map((v, c) => (t[c] - v) ** 2));
      case 'mae': return mean(p.map((v, c) => Math.abs(t[c] - v)));
      case 'mape': return 100 * mean(p.map((v, c) => Math.abs((t[c] - v) / Math.max(Math.abs(t[c]), EPS))));
      case 'msle': return mean(p.map((v, c) => (Math.log(Math.max(v, EPS) + 1) - Math.log(Math.max(t[c], EPS) + 1)) ** 2));
      case 'huber': return mean(p.map((v, c) => {
        const e = v - t[c];
        return Math.abs(e) <= delta ? 0.5 * e * e : delta * Math.abs(e) - 0.5 * delta * delta;
      }));
      case 'log_cosh': return mean(p.map((v, c) => Math.log(Math.cosh(v - t[c]))));
      case 'cosine_similarity': {
        const np = l2normalize(p);
        const nt = l2normalize(t);
        return -sum(np.map((v, c) => v * nt[c]));
      }
      case 'kl_divergence': return sum(p.map((v, c) => {
        const tc = clip(t[c], EPS, 1);
        return tc * Math.log(tc / clip(v, EPS, 1));
      }));
      case 'poisson': return mean(p.map((v, c) => v - t[c] * Math.log(v + EPS)));
      case 'hinge': return mean(p.map((v, c) => Math.max(1 - t[c] * v, 0)));
      case 'squared_hinge': return mean(p.map((v, c) => Math.max(1 - t[c] * v, 0) ** 2));
      case 'categorical_hinge': {
        const pos = sum(p.map((v, c) => t[c] * v));
        const neg = Math.max(...p.map((v, c) => (1 - t[c]) * v));
        return Math.max(neg - pos + 1, 0);
      }
      case 'binary_crossentropy': return mean(p.map((v, c) => binaryCrossentropy(t[c], v, fromLogits)));
      case 'categorical_crossentropy':
      case 'sparse_categorical_crossentropy': return categoricalCrossentropy(t, p, fromLogits);
      case 'binary_focal_crossentropy': return mean(p.map((v, c) => {
        const q = fromLogits ? sigmoid(v) : v;
        const z = t[c];
        const bce = binaryCrossentropy(z, q, false);
        const pT = z * q + (1 - z) * (1 - q);
        let focal = (1 - pT) ** gamma * bce;
        if (options.applyClassBalancing) focal *= z * (alpha as number) + (1 - z) * (1 - (alpha as number));
        return focal;
      }));
      case 'categorical_focal_crossentropy': {
        const q = fromLogits ? softmax(p) : p;
        const s = sum(q);
        const output = q.map((v) => clip(v / s, EPS, 1 - EPS));
        return sum(output.map((o, c) => {
          const a = Array.isArray(alpha) ? alpha[c] : alpha;
          return (1 - o) ** gamma * a * (-t[c] * Math.log(o));
        }));
      }
    }
  });
}

/**
 * Keras' reduce_weighted_values with sum_over_batch_size: sample weights per sample (repeated
 * over the rows of a sample), the mask as total / valid at valid rows, then sum / rows.
 */
export function referenceReducedLoss(values: number[], samples: number, mask?: ArrayLike<number>, sampleWeight?: ArrayLike<number>): number {
  const rows = values.length;
  const perSample = rows / samples;
  let weights = values.map((_, r) => (sampleWeight ? sampleWeight[Math.floor(r / perSample)] : 1));
  if (mask) {
    const valid = Array.from(mask).filter((m) => m !== 0).length;
    weights = weights.map((w, r) => w * (mask[r] !== 0 ? (valid === 0 ? 0 : rows / valid) : 0));
  }
  return sum(values.map((v, r) => v * weights[r])) / rows;
}

/** One batch's loss from logits-free inputs: the values, then the reduction. */
export function referenceLoss(kind: ReferenceLossKind, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, C: number, samples: number, options: ReferenceLossOptions = {}, mask?: ArrayLike<number>, sampleWeight?: ArrayLike<number>): number {
  return referenceReducedLoss(referenceLossValues(kind, yTrue, yPred, C, options), samples, mask, sampleWeight);
}

export type ReferenceReduction = 'sum_over_batch_size' | 'mean' | 'sum' | 'mean_with_sample_weight' | 'none';

/**
 * Keras 3's reduce_weighted_values (keras/src/losses/loss.py) for every reduction, on per-row
 * values with weights per sample (repeated over the rows of a sample) and a 0/1 mask per row:
 * apply_mask (total / valid for sum_over_batch_size and mean, 0 / 1 otherwise), the product, then
 * reduce_values (sum; divided by the count, or by the sum of the weights for
 * mean_with_sample_weight, no-NaN division). 'none' gives the mean of the weighted values, which
 * is what Keras' loss tracker (a Mean) records of an unreduced loss.
 */
export function referenceReduction(values: number[], samples: number, reduction: ReferenceReduction, mask?: ArrayLike<number>, sampleWeight?: ArrayLike<number>): number {
  const rows = values.length;
  const perSample = rows / samples;
  let weights: number[] | null = sampleWeight ? values.map((_, r) => sampleWeight[Math.floor(r / perSample)]) : null;
  if (mask) {
    const valid = Array.from(mask).filter((m) => m !== 0).length;
    const scale = reduction === 'sum_over_batch_size' || reduction === 'mean' ? (valid === 0 ? 0 : rows / valid) : 1;
    const maskWeights = Array.from(mask, (m) => (m !== 0 ? scale : 0));
    weights = weights ? weights.map((w, r) => w * maskWeights[r]) : maskWeights;
  }
  const weighted = weights ? values.map((v, r) => v * (weights as number[])[r]) : values;
  const total = sum(weighted);
  if (reduction === 'sum') return total;
  const divisor = reduction === 'mean_with_sample_weight' && weights ? sum(weights) : rows;
  return divisor === 0 ? 0 : total / divisor;
}
