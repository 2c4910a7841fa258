// Keras 3's per-sample loss functions (keras/src/losses/losses.py at v3.15.1) on one row of the
// last axis, in float64, with their derivative with respect to the row's predictions. The same
// functions serve the losses and the metrics that wrap them (MeanMetricWrapper).

/** keras.config.epsilon() */
export const EPSILON = 1e-7;

export type LossKind =
  | 'mse' | 'mae' | 'mape' | 'msle' | 'huber' | 'log_cosh' | 'cosine_similarity'
  | 'kl_divergence' | 'poisson' | 'hinge' | 'squared_hinge' | 'categorical_hinge'
  | 'binary_crossentropy' | 'categorical_crossentropy' | 'sparse_categorical_crossentropy'
  | 'binary_focal_crossentropy' | 'categorical_focal_crossentropy';

/**
 * Keras 3's loss reductions (keras/src/losses/loss.py, standardize_reduction); a config's null is
 * 'none'. 'mean' is 'sum_over_batch_size' under another name.
 */
export type LossReduction = 'sum_over_batch_size' | 'sum' | 'mean' | 'mean_with_sample_weight' | 'none';

/** A loss and its options, with Keras' defaults for those its class does not take. */
export interface LossSpec {
  readonly kind: LossKind;
  readonly reduction: LossReduction;
  /** The axis a row runs along (Keras' axis), -1 the last. */
  readonly axis: number;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  /** Huber */
  readonly delta: number;
  /** The focal losses */
  readonly gamma: number;
  /** The focal losses: one weight, or one per class for the categorical focal loss. */
  readonly alpha: number | readonly number[];
  readonly applyClassBalancing: boolean;
  /** SparseCategoricalCrossentropy: a label whose rows are left out as if masked, or null. */
  readonly ignoreClass: number | null;
}

export const LOSS_DEFAULTS: Omit<LossSpec, 'kind'> = { reduction: 'sum_over_batch_size', axis: -1, fromLogits: false, labelSmoothing: 0, delta: 1, gamma: 2, alpha: 0.25, applyClassBalancing: false, ignoreClass: null };

/**
 * Targets of one row as the loss function sees them: a sparse label one-hot, label smoothing
 * applied (binary: towards 0.5; categorical: towards 1 / C), written into `out`.
 */
export function rowTargets(spec: LossSpec, targets: ArrayLike<number>, r: number, C: number, out: Float64Array): void {
  if (spec.kind === 'sparse_categorical_crossentropy') {
    for (let c = 0; c < C; c++) out[c] = targets[r] === c ? 1 : 0;
    return;
  }
  const ls = spec.labelSmoothing;
  const binary = spec.kind === 'binary_crossentropy' || spec.kind === 'binary_focal_crossentropy';
  for (let c = 0; c < C; c++) {
    const t = targets[r * C + c];
    out[c] = ls === 0 ? t : binary ? t * (1 - ls) + 0.5 * ls : t * (1 - ls) + ls / C;
  }
}

/**
 * One row's loss value from predictions `p` and targets `t` (both C long); writes
 * d value / d p into `grad`.
 */
export function rowLoss(spec: LossSpec, p: ArrayLike<number>, t: Float64Array, C: number, grad: Float64Array): number {
  let v = 0;
  switch (spec.kind) {
    case 'mse':
      for (let c = 0; c < C; c++) {
        const d = p[c] - t[c];
        v += d * d;
        grad[c] = (2 * d) / C;
      }
      return v / C;
    case 'mae':
      for (let c = 0; c < C; c++) {
        const d = p[c] - t[c];
        v += Math.abs(d);
        grad[c] = Math.sign(d) / C;
      }
      return v / C;
    case 'mape':
      for (let c = 0; c < C; c++) {
        const scale = Math.max(Math.abs(t[c]), EPSILON);
        v += Math.abs(t[c] - p[c]) / scale;
        grad[c] = (100 * Math.sign(p[c] - t[c])) / scale / C;
      }
      return (100 * v) / C;
    case 'msle':
      for (let c = 0; c < C; c++) {
        const q = Math.max(p[c], EPSILON);
        const d = Math.log(q + 1) - Math.log(Math.max(t[c], EPSILON) + 1);
        v += d * d;
        grad[c] = p[c] > EPSILON ? (2 * d) / (q + 1) / C : 0;
      }
      return v / C;
    case 'huber': {
      const delta = spec.delta;
      for (let c = 0; c < C; c++) {
        const e = p[c] - t[c];
        const small = Math.abs(e) <= delta;
        v += small ? 0.5 * e * e : delta * Math.abs(e) - 0.5 * delta * delta;
        grad[c] = (small ? e : delta * Math.sign(e)) / C;
      }
      return v / C;
    }
    case 'log_cosh':
      for (let c = 0; c < C; c++) {
        const x = p[c] - t[c];
        // Keras' x + softplus(-2x) - log 2: no overflow for large |x|.
        v += x + softplus(-2 * x) - Math.LN2;
        grad[c] = Math.tanh(x) / C;
      }
      return v / C;
    case 'poisson':
      for (let c = 0; c < C; c++) {
        v += p[c] - t[c] * Math.log(p[c] + EPSILON);
        grad[c] = (1 - t[c] / (p[c] + EPSILON)) / C;
      }
      return v / C;
    case 'kl_divergence':
      // A sum over the last axis, not a mean; both sides clipped to [eps, 1].
      for (let c = 0; c < C; c++) {
        const tc = Math.min(Math.max(t[c], EPSILON), 1);
        const pc = Math.min(Math.max(p[c], EPSILON), 1);
        v += tc * Math.log(tc / pc);
        grad[c] = p[c] >= EPSILON && p[c] <= 1 ? -tc / pc : 0;
      }
      return v;
    case 'cosine_similarity':
      return cosineSimilarity(p, t, C, grad);
    case 'hinge':
    case 'squared_hinge': {
      const squared = spec.kind === 'squared_hinge';
      for (let c = 0; c < C; c++) {
        const m = Math.max(1 - t[c] * p[c], 0);
        v += squared ? m * m : m;
        grad[c] = m > 0 ? (squared ? -2 * t[c] * m : -t[c]) / C : 0;
      }
      return v / C;
    }
    case 'categorical_hinge': {
      let pos = 0;
      let neg = -Infinity;
      let at = 0;
      for (let c = 0; c < C; c++) {
        pos += t[c] * p[c];
        const other = (1 - t[c]) * p[c];
        if (other > neg) {
          neg = other;
          at = c;
        }
      }
      const value = Math.max(neg - pos + 1, 0);
      for (let c = 0; c < C; c++) grad[c] = value > 0 ? (c === at ? 1 - t[c] : 0) - t[c] : 0;
      return value;
    }
    case 'binary_crossentropy':
      for (let c = 0; c < C; c++) {
        const z = t[c];
        const x = p[c];
        if (spec.fromLogits) {
          v += Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x)));
          grad[c] = (sigmoid(x) - z) / C;
        } else {
          const q = clipProbability(x);
          v += -(z * Math.log(q) + (1 - z) * Math.log(1 - q));
          grad[c] = q === x ? (q - z) / (q * (1 - q)) / C : 0;
        }
      }
      return v / C;
    case 'categorical_crossentropy':
    case 'sparse_categorical_crossentropy':
      return categoricalCrossentropy(spec.fromLogits, p, t, C, grad);
    case 'binary_focal_crossentropy':
      return binaryFocal(spec, p, t, C, grad);
    case 'categorical_focal_crossentropy':
      return categoricalFocal(spec, p, t, C, grad);
  }
}

/** -sum(normalize(t) * normalize(p)), normalize(x) = x * min(rsqrt(sum x²), 1 / eps). */
function cosineSimilarity(p: ArrayLike<number>, t: Float64Array, C: number, grad: Float64Array): number {
  let pp = 0;
  let tt = 0;
  let tp = 0;
  for (let c = 0; c < C; c++) {
    pp += p[c] * p[c];
    tt += t[c] * t[c];
    tp += t[c] * p[c];
  }
  const ts = Math.min(1 / Math.sqrt(tt), 1 / EPSILON);
  const rsqrt = 1 / Math.sqrt(pp);
  const ps = Math.min(rsqrt, 1 / EPSILON);
  for (let c = 0; c < C; c++) {
    // Past the cap the scale is a constant; below it, d (p_c / |p|) / d p_j = (δ_cj - p_c p_j / |p|²) / |p|.
    grad[c] = ps === rsqrt ? -ts * (t[c] * ps - tp * p[c] * ps * ps * ps) : -ts * t[c] * ps;
  }
  return -tp * ts * ps;
}

/** Crossentropy over the last axis (targets one-hot or soft): from logits, or from probabilities normalised and clipped. */
function categoricalCrossentropy(fromLogits: boolean, p: ArrayLike<number>, t: Float64Array, C: number, grad: Float64Array): number {
  let targetSum = 0;
  for (let c = 0; c < C; c++) targetSum += t[c];
  let v = 0;
  if (fromLogits) {
    const logSum = logSumExp(p, C);
    for (let c = 0; c < C; c++) {
      v -= t[c] * (p[c] - logSum);
      grad[c] = Math.exp(p[c] - logSum) * targetSum - t[c];
    }
    return v;
  }
  let s = 0;
  for (let c = 0; c < C; c++) s += p[c];
  for (let c = 0; c < C; c++) {
    const q = p[c] / s;
    const qc = clipProbability(q);
    v -= t[c] * Math.log(qc);
    grad[c] = qc === q ? -t[c] / q : 0;
  }
  normalisationBackward(p, s, C, grad);
  return v;
}

/**
 * Keras' binary_focal_crossentropy: (1 - p_t)^gamma times the clipped crossentropy of p (the
 * sigmoid of the logits with from_logits), p_t = z·p + (1 - z)(1 - p); with class balancing also
 * times z·alpha + (1 - z)(1 - alpha); the mean over the last axis.
 */
function binaryFocal(spec: LossSpec, p: ArrayLike<number>, t: Float64Array, C: number, grad: Float64Array): number {
  const { gamma } = spec;
  const alpha = spec.alpha as number;
  let v = 0;
  for (let c = 0; c < C; c++) {
    const z = t[c];
    const q = spec.fromLogits ? sigmoid(p[c]) : p[c];
    const qc = clipProbability(q);
    const bce = -(z * Math.log(qc) + (1 - z) * Math.log(1 - qc));
    const dBce = qc === q ? -(z / q - (1 - z) / (1 - q)) : 0;
    const away = 1 - (z * q + (1 - z) * (1 - q));
    const focal = away ** gamma;
    // d away / d q = 1 - 2z.
    const dFocal = gamma === 0 ? 0 : gamma * away ** (gamma - 1) * (1 - 2 * z);
    const weight = spec.applyClassBalancing ? z * alpha + (1 - z) * (1 - alpha) : 1;
    v += weight * focal * bce;
    let g = weight * (dFocal * bce + focal * dBce);
    if (spec.fromLogits) g *= q * (1 - q);
    grad[c] = g / C;
  }
  return v / C;
}

/**
 * Keras' categorical_focal_crossentropy: o = p / sum(p) (p the softmax with from_logits), clipped
 * to [eps, 1 - eps], then sum_c alpha_c (1 - o_c)^gamma · (-t_c log o_c).
 */
function categoricalFocal(spec: LossSpec, p: ArrayLike<number>, t: Float64Array, C: number, grad: Float64Array): number {
  const { gamma, alpha } = spec;
  const probabilities = new Float64Array(C);
  if (spec.fromLogits) {
    const logSum = logSumExp(p, C);
    for (let c = 0; c < C; c++) probabilities[c] = Math.exp(p[c] - logSum);
  } else {
    for (let c = 0; c < C; c++) probabilities[c] = p[c];
  }
  let s = 0;
  for (let c = 0; c < C; c++) s += probabilities[c];
  let v = 0;
  for (let c = 0; c < C; c++) {
    const o = probabilities[c] / s;
    const oc = clipProbability(o);
    const a = typeof alpha === 'number' ? alpha : alpha[c];
    const cce = -t[c] * Math.log(oc);
    const modulating = (1 - oc) ** gamma;
    v += a * modulating * cce;
    const dModulating = gamma === 0 ? 0 : -gamma * (1 - oc) ** (gamma - 1);
    grad[c] = oc === o ? a * (dModulating * cce - modulating * (t[c] / o)) : 0;
  }
  normalisationBackward(probabilities, s, C, grad);
  if (spec.fromLogits) {
    // Through the softmax: d / d x_j = q_j (G_j - sum_k G_k q_k).
    let inner = 0;
    for (let c = 0; c < C; c++) inner += grad[c] * probabilities[c];
    for (let c = 0; c < C; c++) grad[c] = probabilities[c] * (grad[c] - inner);
  }
  return v;
}

/** From d / d q to d / d p for q = p / s, s = sum(p), in place. */
function normalisationBackward(p: ArrayLike<number>, s: number, C: number, grad: Float64Array): void {
  let inner = 0;
  for (let c = 0; c < C; c++) inner += grad[c] * (p[c] / s);
  for (let c = 0; c < C; c++) grad[c] = (grad[c] - inner) / s;
}

function logSumExp(x: ArrayLike<number>, C: number): number {
  let peak = -Infinity;
  for (let c = 0; c < C; c++) peak = Math.max(peak, x[c]);
  let total = 0;
  for (let c = 0; c < C; c++) total += Math.exp(x[c] - peak);
  return peak + Math.log(total);
}

function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

export function clipProbability(p: number): number {
  return Math.min(Math.max(p, EPSILON), 1 - EPSILON);
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
