// Keras 3 losses with the sum_over_batch_size reduction, masks and sample
// weights (../shared/training/README.md, "Losses"), and their gradient with
// respect to the model's output.
import { ConfigError, InputError, ShapeError, formatShape } from '../errors.js';
import { suggestKey } from '../option-keys.js';
import type { Tensor } from '../tensor.js';

/** keras.config.epsilon() @internal */
export const EPSILON = 1e-7;

/** @internal */
export type LossKind = 'mse' | 'mae' | 'binary_crossentropy' | 'categorical_crossentropy' | 'sparse_categorical_crossentropy';

/** @internal */
export interface LossSpec {
  readonly kind: LossKind;
  readonly fromLogits: boolean;
}

const LOSS_NAMES: Record<string, LossKind> = {
  mse: 'mse', mean_squared_error: 'mse', meanSquaredError: 'mse', MeanSquaredError: 'mse',
  mae: 'mae', mean_absolute_error: 'mae', meanAbsoluteError: 'mae', MeanAbsoluteError: 'mae',
  binary_crossentropy: 'binary_crossentropy', binaryCrossentropy: 'binary_crossentropy', BinaryCrossentropy: 'binary_crossentropy',
  categorical_crossentropy: 'categorical_crossentropy', categoricalCrossentropy: 'categorical_crossentropy', CategoricalCrossentropy: 'categorical_crossentropy',
  sparse_categorical_crossentropy: 'sparse_categorical_crossentropy', sparseCategoricalCrossentropy: 'sparse_categorical_crossentropy',
  SparseCategoricalCrossentropy: 'sparse_categorical_crossentropy',
  // Keras' short aliases.
  MSE: 'mse', MAE: 'mae', bce: 'binary_crossentropy', BCE: 'binary_crossentropy',
};

function unknownLoss(where: string, what: string, name: string): ConfigError {
  // One edit away is a typo in a long name, but another loss for a short one (mape is not mae).
  const near = suggestKey(name, Object.keys(LOSS_NAMES));
  const suggestion = near !== null && (name.length > 6 || near.toLowerCase() === name.toLowerCase()) ? near : null;
  const hint = suggestion === null ? '' : ` (did you mean '${suggestion}'?)`;
  const known = Object.keys(LOSS_NAMES).filter((k) => k.includes('_') || k.length === 3);
  return new ConfigError(`${where}: unknown ${what} ${JSON.stringify(name)}${hint}; expected one of ${known.join(', ')}`);
}

/** A loss name (snake_case, camelCase or a Keras class name) or a Keras loss config { class_name, config }. */
export type LossArgument = string | { class_name: string; config?: { from_logits?: boolean; reduction?: string; [key: string]: unknown }; [key: string]: unknown };

/** @internal */
export function resolveLoss(loss: unknown, where: string): LossSpec {
  if (typeof loss === 'string') {
    const kind = LOSS_NAMES[loss];
    if (!kind) throw unknownLoss(where, 'loss', loss);
    return { kind, fromLogits: false };
  }
  if (loss && typeof loss === 'object' && typeof (loss as { class_name?: unknown }).class_name === 'string') {
    const { class_name: className, config = {} } = loss as { class_name: string; config?: Record<string, unknown> };
    const kind = LOSS_NAMES[className];
    if (!kind) throw unknownLoss(where, 'loss class', className);
    const reduction = config.reduction ?? 'sum_over_batch_size';
    if (reduction !== 'sum_over_batch_size') {
      throw new ConfigError(`${where}: loss reduction must be 'sum_over_batch_size' (Keras' default), received ${JSON.stringify(reduction)}`);
    }
    if ((config.label_smoothing ?? 0) !== 0) throw new ConfigError(`${where}: loss label_smoothing must be 0, received ${JSON.stringify(config.label_smoothing)}`);
    if ((config.axis ?? -1) !== -1) throw new ConfigError(`${where}: loss axis must be -1, received ${JSON.stringify(config.axis)}`);
    const fromLogits = config.from_logits ?? false;
    if (typeof fromLogits !== 'boolean') throw new ConfigError(`${where}: loss option from_logits must be a boolean, received ${JSON.stringify(fromLogits)}`);
    if (fromLogits && (kind === 'mse' || kind === 'mae')) throw new ConfigError(`${where}: ${className} has no from_logits option`);
    return { kind, fromLogits };
  }
  throw new ConfigError(`${where}: option 'loss' must be a loss name or a Keras loss config { class_name, config }, received ${JSON.stringify(loss)}`);
}

/** y_pred viewed as rows of C values, each row one per-sample (or per-step) loss value. @internal */
export interface LossLayout {
  rows: number;
  C: number;
  /** Per row: the labels (sparse) or the C targets. */
  targets: Float32Array;
}

/** Keras' rank reconciliation of y_true and y_pred (squeeze_or_expand_to_same_rank), then rows of the last axis. @internal */
export function lossLayout(kind: LossKind, yTrue: Tensor, yPred: Tensor, where: string): LossLayout {
  const p = yPred.shape;
  let t = yTrue.shape;
  if (kind === 'sparse_categorical_crossentropy') {
    if (t.length === p.length && t[t.length - 1] === 1) t = t.slice(0, -1);
    const rows = yPred.size / p[p.length - 1];
    if (t.length !== p.length - 1 || t.some((d, i) => d !== p[i])) {
      const oneHot = t.length === p.length && t.every((d, i) => d === p[i]) ? '; one-hot targets go with categorical_crossentropy' : '';
      throw new ShapeError(`${where}: sparse labels must have shape ${formatShape(p.slice(0, -1))} (or with a trailing 1) for predictions of shape ${formatShape(p)}, received ${formatShape(yTrue.shape)}${oneHot}`);
    }
    const C = p[p.length - 1];
    checkClassIndices(yTrue, C, where);
    return { rows, C, targets: yTrue.data };
  }
  let effective = p;
  if (Math.abs(t.length - p.length) === 1) {
    const longer = t.length > p.length ? t : p;
    const shorter = t.length > p.length ? p : t;
    if (longer[longer.length - 1] === 1) effective = shorter.length === 1 ? longer : longer.slice(0, -1);
  }
  const C = effective.length === 0 ? 1 : effective[effective.length - 1];
  if (yTrue.size !== yPred.size) {
    const sparseHint = kind === 'categorical_crossentropy' && yTrue.size * C === yPred.size ? '; class indices (not one-hot) go with sparse_categorical_crossentropy' : '';
    throw new ShapeError(`${where}: y must have the shape of the model's output ${formatShape(p)}, received ${formatShape(yTrue.shape)}${sparseHint}`);
  }
  return { rows: yPred.size / C, C, targets: yTrue.data };
}

/** Keras (TensorFlow) refuses a sparse label outside [0, C); here it would silently weigh no class. @internal */
export function checkClassIndices(labels: Tensor, C: number, where: string): void {
  const data = labels.data;
  for (let i = 0; i < data.length; i++) {
    const label = data[i];
    if (Number.isInteger(label) && label >= 0 && label < C) continue;
    throw new InputError(`${where}: sparse_categorical_crossentropy labels must be class indices, integers in [0, ${C - 1}] for ${C} outputs, received ${label} at flat index ${i} of y of shape ${formatShape(labels.shape)}`);
  }
}

/** @internal */
export interface LossResult {
  /** The scalar loss. */
  loss: number;
  /** d loss / d y_pred, shaped as y_pred. */
  gradient: Float32Array;
}

/**
 * The compiled loss on one batch: per-row values weighted by the sample weight (per sample) and
 * the mask (total / valid at valid rows, 0 at masked ones), summed and divided by the row count.
 * `mask` has one value per row or is undefined.
 * @internal
 */
export function computeLoss(spec: LossSpec, yTrue: Tensor, yPred: Tensor, mask: Float32Array | undefined, sampleWeight: Float32Array | undefined, where: string): LossResult {
  const { rows, C, targets } = lossLayout(spec.kind, yTrue, yPred, where);
  const batch = yPred.shape[0];
  const rowsPerSample = rows / Math.max(batch, 1);
  const weights = new Float64Array(rows).fill(1);
  if (sampleWeight) for (let r = 0; r < rows; r++) weights[r] *= sampleWeight[Math.floor(r / rowsPerSample)];
  if (mask && mask.length === rows) {
    let valid = 0;
    for (let r = 0; r < rows; r++) if (mask[r] !== 0) valid++;
    for (let r = 0; r < rows; r++) weights[r] *= mask[r] !== 0 ? rows / valid : 0;
  }
  const gradient = new Float32Array(yPred.size);
  const p = yPred.data;
  const rowGradient = new Float64Array(C);
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const w = weights[r] / rows;
    if (w === 0) continue;
    const value = rowLoss(spec, p.subarray(r * C, (r + 1) * C), targets, r, C, rowGradient);
    sum += weights[r] * value;
    for (let c = 0; c < C; c++) gradient[r * C + c] = w * rowGradient[c];
  }
  return { loss: rows === 0 ? 0 : sum / rows, gradient };
}

/** One row's loss value; writes d value / d prediction into `grad`. */
function rowLoss(spec: LossSpec, pred: Float32Array, targets: Float32Array, r: number, C: number, grad: Float64Array): number {
  switch (spec.kind) {
    case 'mse': {
      let v = 0;
      for (let c = 0; c < C; c++) {
        const d = pred[c] - targets[r * C + c];
        v += d * d;
        grad[c] = (2 * d) / C;
      }
      return v / C;
    }
    case 'mae': {
      let v = 0;
      for (let c = 0; c < C; c++) {
        const d = pred[c] - targets[r * C + c];
        v += Math.abs(d);
        grad[c] = Math.sign(d) / C;
      }
      return v / C;
    }
    case 'binary_crossentropy': {
      let v = 0;
      for (let c = 0; c < C; c++) {
        const z = targets[r * C + c];
        const x = pred[c];
        if (spec.fromLogits) {
          v += Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x)));
          grad[c] = (sigmoid(x) - z) / C;
        } else {
          const q = clip(x);
          v += -(z * Math.log(q) + (1 - z) * Math.log(1 - q));
          grad[c] = q === x ? (q - z) / (q * (1 - q)) / C : 0;
        }
      }
      return v / C;
    }
    case 'categorical_crossentropy':
    case 'sparse_categorical_crossentropy': {
      const sparse = spec.kind === 'sparse_categorical_crossentropy';
      const target = (c: number) => (sparse ? (targets[r] === c ? 1 : 0) : targets[r * C + c]);
      let targetSum = 0;
      for (let c = 0; c < C; c++) targetSum += target(c);
      let v = 0;
      if (spec.fromLogits) {
        let peak = -Infinity;
        for (let c = 0; c < C; c++) peak = Math.max(peak, pred[c]);
        let total = 0;
        for (let c = 0; c < C; c++) total += Math.exp(pred[c] - peak);
        const logSum = peak + Math.log(total);
        for (let c = 0; c < C; c++) {
          v -= target(c) * (pred[c] - logSum);
          grad[c] = (Math.exp(pred[c] - logSum) * targetSum) - target(c);
        }
        return v;
      }
      let s = 0;
      for (let c = 0; c < C; c++) s += pred[c];
      let inner = 0;
      for (let c = 0; c < C; c++) {
        const q = pred[c] / s;
        const qc = clip(q);
        v -= target(c) * Math.log(qc);
        // d v / d q_c, zero where the clip is active.
        grad[c] = qc === q ? -target(c) / q : 0;
        inner += grad[c] * q;
      }
      // q = p / sum(p): d v / d p_j = (d v / d q_j - sum_k d v / d q_k * q_k) / s.
      for (let c = 0; c < C; c++) grad[c] = (grad[c] - inner) / s;
      return v;
    }
  }
}

function clip(p: number): number {
  return Math.min(Math.max(p, EPSILON), 1 - EPSILON);
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
