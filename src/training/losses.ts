// Keras 3 losses as compile() takes them (names, aliases, class configs and
// their options), with the sum_over_batch_size reduction, masks and sample
// weights (../shared/training/README.md, "Losses"), and their gradient with
// respect to the model's output. The per-row functions are in loss-functions.ts.
import { ConfigError, InputError, ShapeError, formatShape, quoted } from '../errors.js';
import { lazy } from '../lazy.js';
import { suggestKey } from '../option-keys.js';
import { Tensor } from '../tensor.js';
import { movedAxis, movedTargets, moveAxisToEnd, moveEndToAxis } from './loss-axis.js';
import { LOSS_DEFAULTS, rowLoss, rowTargets, type LossKind, type LossReduction, type LossSpec } from './loss-functions.js';

export { EPSILON, type LossKind, type LossReduction, type LossSpec } from './loss-functions.js';

/** Each loss's Keras class, function name and aliases (keras.losses.ALL_OBJECTS_DICT). */
const LOSS_TABLE: readonly [LossKind, string, readonly string[]][] = [
  ['mse', 'MeanSquaredError', ['mean_squared_error', 'mse', 'MSE']],
  ['mae', 'MeanAbsoluteError', ['mean_absolute_error', 'mae', 'MAE']],
  ['mape', 'MeanAbsolutePercentageError', ['mean_absolute_percentage_error', 'mape', 'MAPE']],
  ['msle', 'MeanSquaredLogarithmicError', ['mean_squared_logarithmic_error', 'msle', 'MSLE']],
  ['huber', 'Huber', ['huber']],
  ['log_cosh', 'LogCosh', ['log_cosh']],
  ['cosine_similarity', 'CosineSimilarity', ['cosine_similarity']],
  ['kl_divergence', 'KLDivergence', ['kl_divergence', 'kld', 'KLD']],
  ['poisson', 'Poisson', ['poisson']],
  ['hinge', 'Hinge', ['hinge']],
  ['squared_hinge', 'SquaredHinge', ['squared_hinge']],
  ['categorical_hinge', 'CategoricalHinge', ['categorical_hinge']],
  ['binary_crossentropy', 'BinaryCrossentropy', ['binary_crossentropy', 'bce', 'BCE']],
  ['categorical_crossentropy', 'CategoricalCrossentropy', ['categorical_crossentropy']],
  ['sparse_categorical_crossentropy', 'SparseCategoricalCrossentropy', ['sparse_categorical_crossentropy']],
  ['binary_focal_crossentropy', 'BinaryFocalCrossentropy', ['binary_focal_crossentropy']],
  ['categorical_focal_crossentropy', 'CategoricalFocalCrossentropy', ['categorical_focal_crossentropy']],
];

const camelCase = (name: string) => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/**
 * `names`: Keras' function names and aliases, their camelCase, and the class names; `classes`:
 * Keras loss classes, for configs { class_name, config }.
 */
const lossLookup = lazy(() => {
  const names: Record<string, LossKind> = {};
  const classes: Record<string, LossKind> = {};
  for (const [kind, className, spellings] of LOSS_TABLE) {
    for (const name of spellings) names[name] = names[camelCase(name)] = kind;
    names[className] = classes[className] = kind;
  }
  return { names, classes };
});

/** The config keys each loss class takes besides name, reduction and dtype (its __init__ arguments). */
const CLASS_OPTIONS: Partial<Record<LossKind, readonly string[]>> = {
  huber: ['delta'],
  cosine_similarity: ['axis'],
  binary_crossentropy: ['from_logits', 'label_smoothing', 'axis'],
  categorical_crossentropy: ['from_logits', 'label_smoothing', 'axis'],
  sparse_categorical_crossentropy: ['from_logits', 'ignore_class', 'axis'],
  binary_focal_crossentropy: ['apply_class_balancing', 'alpha', 'gamma', 'from_logits', 'label_smoothing', 'axis'],
  categorical_focal_crossentropy: ['alpha', 'gamma', 'from_logits', 'label_smoothing', 'axis'],
};

/** @internal The config keys a Keras loss class takes besides name, reduction and dtype; undefined for no such class. */
export function lossClassKeys(className: string): readonly string[] | undefined {
  const kind = lossLookup().classes[className];
  return kind === undefined ? undefined : CLASS_OPTIONS[kind] ?? [];
}

/** @internal Keras' default name of a loss class's instances (Loss.name). */
export function lossDefaultName(className: string): string {
  return className === 'Huber' ? 'huber_loss' : LOSS_TABLE.find(([, name]) => name === className)?.[2][0] ?? className;
}

function unknownLoss(where: string, what: string, name: string): ConfigError {
  // One edit away is a typo in a long name, but another loss for a short one (mape is not mae).
  const kerasSpellings = LOSS_TABLE.flatMap(([, className, names]) => [...names, className]);
  const near = suggestKey(name, kerasSpellings) ?? suggestKey(name, Object.keys(lossLookup().names));
  const suggestion = near !== null && (name.length > 6 || near.toLowerCase() === name.toLowerCase()) ? near : null;
  const hint = suggestion === null ? '' : ` (did you mean '${suggestion}'?)`;
  const known = what === 'loss class' ? Object.keys(lossLookup().classes) : LOSS_TABLE.flatMap(([, , names]) => names.filter((n) => n === n.toLowerCase()));
  return new ConfigError(`${where}: unknown ${what} ${quoted(name)}${hint}; expected one of ${known.join(', ')}`);
}


const REDUCTIONS: readonly LossReduction[] = ['sum_over_batch_size', 'sum', 'mean', 'mean_with_sample_weight', 'none'];

/** The options of a Keras loss config, checked against what the class takes. */
function lossOptions(kind: LossKind, className: string, config: Record<string, unknown>, where: string): LossSpec {
  const own = CLASS_OPTIONS[kind] ?? [];
  const at = `${where}: ${className}`;
  for (const key of Object.keys(config)) {
    if (key === 'name' || key === 'reduction' || key === 'dtype' || own.includes(key)) continue;
    throw new ConfigError(`${at}: unknown loss config key '${key}'; ${className} takes ${['name', 'reduction', 'dtype', ...own].join(', ')}`);
  }
  // Absent is Keras' default; null (what get_config writes for reduction=None) is no reduction.
  const reduction = config.reduction === undefined ? 'sum_over_batch_size' : config.reduction === null ? 'none' : config.reduction;
  if (typeof reduction !== 'string' || !(REDUCTIONS as readonly string[]).includes(reduction)) {
    throw new ConfigError(`${at}: loss option 'reduction' must be one of ${REDUCTIONS.map((r) => `'${r}'`).join(', ')} or null, received ${quoted(config.reduction)}`);
  }
  if (config.name !== undefined && config.name !== null && typeof config.name !== 'string') throw new ConfigError(`${at}: loss option 'name' must be a string, received ${quoted(config.name)}`);
  if ((config.dtype ?? 'float32') !== 'float32') throw new ConfigError(`${at}: loss option 'dtype' must be 'float32' or null, received ${quoted(config.dtype)}`);
  const bool = (key: string, fallback: boolean) => {
    const value = config[key] ?? fallback;
    if (typeof value !== 'boolean') throw new ConfigError(`${at}: loss option '${key}' must be a boolean, received ${quoted(value)}`);
    return value;
  };
  const number = (key: string, fallback: number, ok: (v: number) => boolean, expected: string) => {
    const value = config[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) throw new ConfigError(`${at}: loss option '${key}' must be ${expected}, received ${quoted(value)}`);
    return value;
  };
  const d = LOSS_DEFAULTS;
  let alpha: number | readonly number[] = d.alpha;
  if (config.alpha !== undefined && config.alpha !== null) {
    const perClass = kind === 'categorical_focal_crossentropy' && Array.isArray(config.alpha);
    if (perClass && (config.alpha as unknown[]).every((a) => typeof a === 'number' && Number.isFinite(a))) alpha = [...(config.alpha as number[])];
    else alpha = number('alpha', 0.25, () => true, perClass ? 'a number or a list of numbers, one per class' : 'a number');
  }
  return {
    kind,
    reduction: reduction as LossReduction,
    axis: number('axis', d.axis, Number.isInteger, 'an integer (the axis a row runs along; -1 the last)'),
    fromLogits: bool('from_logits', d.fromLogits),
    labelSmoothing: number('label_smoothing', d.labelSmoothing, (v) => v >= 0 && v <= 1, 'a number in [0, 1]'),
    delta: number('delta', d.delta, (v) => v >= 0, 'a non-negative number'),
    gamma: number('gamma', d.gamma, (v) => v >= 0, 'a non-negative number'),
    alpha,
    applyClassBalancing: bool('apply_class_balancing', d.applyClassBalancing),
    ignoreClass: config.ignore_class === undefined || config.ignore_class === null ? null : number('ignore_class', 0, Number.isInteger, 'null or an integer'),
  };
}

export function resolveLoss(loss: unknown, where: string): LossSpec {
  if (typeof loss === 'string') {
    const kind = lossLookup().names[loss];
    if (!kind) throw unknownLoss(where, 'loss', loss);
    return { kind, ...LOSS_DEFAULTS };
  }
  if (loss && typeof loss === 'object' && typeof (loss as { class_name?: unknown }).class_name === 'string') {
    const { class_name: className, config = {} } = loss as { class_name: string; config?: unknown };
    // A Keras loss function (keras.losses.huber) serializes as { class_name: 'function', config: 'huber' }.
    if (className === 'function' && typeof config === 'string') return resolveLoss(config, where);
    const kind = lossLookup().classes[className];
    if (!kind) throw unknownLoss(where, 'loss class', className);
    if (!config || typeof config !== 'object' || Array.isArray(config)) throw new ConfigError(`${where}: the config of loss class ${className} must be an object, received ${quoted(config)}`);
    return lossOptions(kind, className, config as Record<string, unknown>, where);
  }
  throw new ConfigError(`${where}: option 'loss' must be a loss name or a Keras loss config { class_name, config }, received ${quoted(loss)}`);
}

/** y_pred viewed as rows of C values, each row one per-sample (or per-step) loss value. */
export interface LossLayout {
  rows: number;
  C: number;
  /** Per row: the labels (sparse) or the C targets. */
  targets: Float32Array;
}

/** Keras' rank reconciliation of y_true and y_pred (squeeze_or_expand_to_same_rank), then rows of the last axis. */
export function lossLayout(kind: LossKind, yTrue: Tensor, yPred: Tensor, where: string, ignoreClass: number | null = null): LossLayout {
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
    checkClassIndices(yTrue, C, where, ignoreClass);
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

/** Keras (TensorFlow) refuses a sparse label outside [0, C); here it would silently weigh no class. */
export function checkClassIndices(labels: Tensor, C: number, where: string, ignoreClass: number | null = null): void {
  const data = labels.data;
  for (let i = 0; i < data.length; i++) {
    const label = data[i];
    if ((Number.isInteger(label) && label >= 0 && label < C) || label === ignoreClass) continue;
    throw new InputError(`${where}: sparse_categorical_crossentropy labels must be class indices, integers in [0, ${C - 1}] for ${C} outputs, received ${label} at flat index ${i} of y of shape ${formatShape(labels.shape)}`);
  }
}

export interface LossResult {
  /** The scalar loss. */
  loss: number;
  /** d loss / d y_pred, shaped as y_pred. */
  gradient: Float32Array;
  /** Reduction 'none': the weighted value of each row, what Keras' loss returns unreduced. */
  values?: Float64Array;
}

/**
 * The compiled loss on one batch, Keras' reduce_weighted_values: per-row values weighted by the
 * sample weight (per sample) and the mask, summed and divided by the reduction's divisor.
 * - sum_over_batch_size, mean: a mask weighs total / valid at valid rows, 0 at masked ones; the
 *   divisor is the row count (so a masked loss is the mean over the valid rows).
 * - sum: the mask weighs 0 / 1; no divisor.
 * - mean_with_sample_weight: the mask weighs 0 / 1; the divisor is the sum of the weights (the row
 *   count with neither weights nor mask); 0 when that sum is 0, as divide_no_nan gives.
 * - none: the values stay per row in Keras; `loss` is then their mean, what Keras' loss tracker
 *   (a Mean of the unreduced values) records, and `gradient` is that mean's.
 * `mask` has one value per row or is undefined.
 */
/** The losses and metrics whose Keras function works elementwise, so y_true (B, 1) broadcasts against y_pred (B, C) in it. */
const BROADCASTING_KINDS: ReadonlySet<LossKind> = new Set<LossKind>(['mse', 'mae', 'mape', 'msle', 'huber', 'log_cosh', 'poisson', 'kl_divergence', 'hinge', 'squared_hinge', 'categorical_hinge']);

/**
 * Keras' loss and metric functions leave y_true (..., 1) and y_pred (..., C) of one rank as they are
 * and numpy-broadcast them (squeeze_or_expand_to_same_rank), so 'mae' on class indices under a softmax
 * is a number (mean |label - p_c|); the crossentropies raise on it in Keras and keep their ShapeError here.
 * @internal
 */
export function broadcastLabelColumn(kind: LossKind, yTrue: Tensor, yPred: Tensor): Tensor {
  const t = yTrue.shape;
  const p = yPred.shape;
  const C = p[p.length - 1];
  if (!BROADCASTING_KINDS.has(kind) || t.length !== p.length || t.length < 2 || t[t.length - 1] !== 1 || C === 1) return yTrue;
  if (t.some((d, i) => i < t.length - 1 && d !== p[i])) return yTrue;
  const data = new Float32Array(yPred.size);
  for (let r = 0; r < yTrue.size; r++) data.fill(yTrue.data[r], r * C, (r + 1) * C);
  return new Tensor(data, p);
}

export function computeLoss(spec: LossSpec, yTrue: Tensor, yPred: Tensor, mask: Float32Array | undefined, sampleWeight: Float32Array | undefined, where: string): LossResult {
  const axis = spec.axis === -1 ? null : movedAxis(spec.axis, yPred, !!mask, where);
  if (axis !== null) {
    const moved = movedTargets(yTrue, yPred, spec.axis, spec.kind === 'sparse_categorical_crossentropy', where);
    const result = computeLoss({ ...spec, axis: -1 }, moved, moveAxisToEnd(yPred, axis), undefined, sampleWeight, where);
    return { ...result, gradient: moveEndToAxis(result.gradient, yPred.shape, axis) };
  }
  const { rows, C, targets } = lossLayout(spec.kind, broadcastLabelColumn(spec.kind, yTrue, yPred), yPred, where, spec.ignoreClass);
  if (typeof spec.alpha !== 'number' && spec.alpha.length !== C) {
    throw new ConfigError(`${where}: CategoricalFocalCrossentropy alpha has ${spec.alpha.length} entries for ${C} classes; give one weight per class or a single number`);
  }
  const batch = yPred.shape[0];
  const rowsPerSample = rows / Math.max(batch, 1);
  const weights = new Float64Array(rows).fill(1);
  // One weight per sample, or one per row ((samples, timesteps) weights of a sequence output).
  if (sampleWeight) for (let r = 0; r < rows; r++) weights[r] *= sampleWeight.length === rows ? sampleWeight[r] : sampleWeight[Math.floor(r / rowsPerSample)];
  // ignore_class masks its rows as Keras does (the loss's own mask, and-ed with the output's).
  const kept = spec.ignoreClass === null ? mask : Float32Array.from({ length: rows }, (_, r) => (targets[r] !== spec.ignoreClass && (!mask || mask.length !== rows || mask[r] !== 0) ? 1 : 0));
  const reduction = spec.reduction;
  const rescaled = reduction === 'sum_over_batch_size' || reduction === 'mean';
  if (kept && kept.length !== rows) {
    // Keras fails to broadcast such a mask against the loss values; skipping it would count the padding.
    throw new ShapeError(`${where}: the output's mask holds ${kept.length} values (one per sample and step), which do not fit the ${rows} loss rows of y of shape ${formatShape(yTrue.shape)} against predictions of shape ${formatShape(yPred.shape)}; give y the predictions' shape`);
  }
  const masked = !!kept;
  if (masked) {
    let valid = 0;
    for (let r = 0; r < rows; r++) if (kept[r] !== 0) valid++;
    for (let r = 0; r < rows; r++) weights[r] *= kept[r] !== 0 ? (rescaled ? rows / valid : 1) : 0;
  }
  let divisor = reduction === 'sum' ? 1 : rows;
  if (reduction === 'mean_with_sample_weight' && (sampleWeight || masked)) {
    divisor = 0;
    for (let r = 0; r < rows; r++) divisor += weights[r];
  }
  const gradient = new Float32Array(yPred.size);
  const p = yPred.data;
  const rowGradient = new Float64Array(C);
  const rowTarget = new Float64Array(C);
  const rowTargetsOf = hingeTargets(spec, targets);
  const values = reduction === 'none' ? new Float64Array(rows) : undefined;
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const w = divisor === 0 ? 0 : weights[r] / divisor;
    if (w === 0) continue;
    rowTargets(spec, rowTargetsOf, r, C, rowTarget);
    const value = rowLoss(spec, p.subarray(r * C, (r + 1) * C), rowTarget, C, rowGradient);
    sum += weights[r] * value;
    if (values) values[r] = weights[r] * value;
    for (let c = 0; c < C; c++) gradient[r * C + c] = w * rowGradient[c];
  }
  return { loss: rows === 0 || divisor === 0 ? 0 : sum / divisor, gradient, ...(values ? { values } : {}) };
}

/**
 * Keras' convert_binary_labels_to_hinge: when every target of the batch is 0 or 1, the hinge
 * losses see 2y - 1; otherwise the targets as given.
 */
export function hingeTargets(spec: LossSpec, targets: Float32Array): ArrayLike<number> {
  if (spec.kind !== 'hinge' && spec.kind !== 'squared_hinge') return targets;
  for (let i = 0; i < targets.length; i++) if (targets[i] !== 0 && targets[i] !== 1) return targets;
  return Float64Array.from(targets, (t) => 2 * t - 1);
}
