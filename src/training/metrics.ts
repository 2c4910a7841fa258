// Keras 3 compile metrics (keras/src/metrics at v3.15.1, resolved as
// trainers/compile_utils.py get_metric does) as running values over an epoch or an
// evaluate() (../shared/training/README.md, "Metrics and logs"). compile's metrics
// ignore sample weights, its weightedMetrics use them; the mean metrics use the output's
// mask, RootMeanSquaredError, Precision, Recall, AUC and the scores do not (Keras passes
// them no mask either).
import { ConfigError, quoted } from '../errors.js';
import { lazy } from '../lazy.js';
import type { Tensor } from '../tensor.js';
import { AucMetric, ConfusionMetric, type AucOptions, type ConfusionOptions } from './confusion-metrics.js';
import { LOSS_DEFAULTS, rowLoss, rowTargets, type LossKind, type LossSpec } from './loss-functions.js';
import { broadcastLabelColumn, hingeTargets, lossLayout } from './losses.js';
import { movedAxis, movedTargets, moveAxisToEnd } from './loss-axis.js';
import { FBetaState, R2State, resolveScoreMetric, type FBetaOptions, type R2Options } from './score-metrics.js';

export type MetricKind =
  | 'binary_accuracy' | 'categorical_accuracy' | 'sparse_categorical_accuracy'
  | 'top_k_categorical_accuracy' | 'sparse_top_k_categorical_accuracy'
  | 'loss' | 'root_mean_squared_error' | 'precision' | 'recall' | 'auc' | 'fbeta' | 'r2';

/** Keras' metric._direction: 'up' where a larger value is better (the accuracies, Precision, AUC, ...), 'down' for the losses and errors. */
export type MetricDirection = 'up' | 'down';

export interface MetricSpec {
  /** The history key: the string as given, or the config's name. */
  readonly name: string;
  /**
   * Keras' metric.name: `name` as resolved here, before outputs.ts prefixes or numbers it for the
   * logs; what MonitorCallback matches a monitor against.
   */
  readonly metricName: string;
  readonly direction: MetricDirection;
  /** 'accuracy' is resolved from the first batch's shapes. */
  kind: MetricKind | 'accuracy';
  /** BinaryAccuracy */
  readonly threshold?: number;
  /** The top-k accuracies */
  readonly k?: number;
  readonly fromSortedIds?: boolean;
  /** The metrics that are the mean of a loss function; CosineSimilarity is the negated loss. */
  readonly loss?: LossSpec;
  readonly negate?: boolean;
  readonly confusion?: ConfusionOptions;
  readonly auc?: AucOptions;
  readonly fbeta?: FBetaOptions;
  readonly r2?: R2Options;
}

interface MetricClass {
  readonly kind: MetricKind;
  readonly direction: MetricDirection;
  /** The name a config without one gets (the class's default name). */
  readonly defaultName: string;
  /** Config keys besides name and dtype. */
  readonly keys: readonly string[];
  /** For the loss metrics. */
  readonly loss?: LossKind;
}

// Keras' MeanMetricWrapper of a loss is 'down'; CosineSimilarity sets 'up' over it.
const lossMetric = (loss: LossKind, defaultName: string, keys: readonly string[] = [], direction: MetricDirection = 'down'): MetricClass => ({ kind: 'loss', direction, defaultName, keys, loss });

/** Keras' metric classes; their snake_case names (to_snake_case) resolve as strings too. */
const METRIC_CLASSES: Record<string, MetricClass> = {
  BinaryAccuracy: { kind: 'binary_accuracy', direction: 'up', defaultName: 'binary_accuracy', keys: ['threshold'] },
  CategoricalAccuracy: { kind: 'categorical_accuracy', direction: 'up', defaultName: 'categorical_accuracy', keys: [] },
  SparseCategoricalAccuracy: { kind: 'sparse_categorical_accuracy', direction: 'up', defaultName: 'sparse_categorical_accuracy', keys: [] },
  TopKCategoricalAccuracy: { kind: 'top_k_categorical_accuracy', direction: 'up', defaultName: 'top_k_categorical_accuracy', keys: ['k'] },
  SparseTopKCategoricalAccuracy: { kind: 'sparse_top_k_categorical_accuracy', direction: 'up', defaultName: 'sparse_top_k_categorical_accuracy', keys: ['k', 'from_sorted_ids'] },
  MeanSquaredError: lossMetric('mse', 'mean_squared_error'),
  MeanAbsoluteError: lossMetric('mae', 'mean_absolute_error'),
  MeanAbsolutePercentageError: lossMetric('mape', 'mean_absolute_percentage_error'),
  MeanSquaredLogarithmicError: lossMetric('msle', 'mean_squared_logarithmic_error'),
  RootMeanSquaredError: { kind: 'root_mean_squared_error', direction: 'down', defaultName: 'root_mean_squared_error', keys: [] },
  CosineSimilarity: lossMetric('cosine_similarity', 'cosine_similarity', ['axis'], 'up'),
  LogCoshError: lossMetric('log_cosh', 'logcosh'),
  Hinge: lossMetric('hinge', 'hinge'),
  SquaredHinge: lossMetric('squared_hinge', 'squared_hinge'),
  CategoricalHinge: lossMetric('categorical_hinge', 'categorical_hinge'),
  KLDivergence: lossMetric('kl_divergence', 'kl_divergence'),
  Poisson: lossMetric('poisson', 'poisson'),
  BinaryCrossentropy: lossMetric('binary_crossentropy', 'binary_crossentropy', ['from_logits', 'label_smoothing']),
  CategoricalCrossentropy: lossMetric('categorical_crossentropy', 'categorical_crossentropy', ['from_logits', 'label_smoothing', 'axis']),
  SparseCategoricalCrossentropy: lossMetric('sparse_categorical_crossentropy', 'sparse_categorical_crossentropy', ['from_logits', 'ignore_class', 'axis']),
  Precision: { kind: 'precision', direction: 'up', defaultName: 'precision', keys: ['thresholds', 'top_k', 'class_id'] },
  Recall: { kind: 'recall', direction: 'up', defaultName: 'recall', keys: ['thresholds', 'top_k', 'class_id'] },
  AUC: { kind: 'auc', direction: 'up', defaultName: 'auc', keys: ['num_thresholds', 'curve', 'summation_method', 'thresholds', 'multi_label', 'num_labels', 'label_weights', 'from_logits'] },
  F1Score: { kind: 'fbeta', direction: 'up', defaultName: 'f1_score', keys: ['average', 'threshold'] },
  FBetaScore: { kind: 'fbeta', direction: 'up', defaultName: 'fbeta_score', keys: ['average', 'beta', 'threshold'] },
  R2Score: { kind: 'r2', direction: 'up', defaultName: 'r2_score', keys: ['class_aggregation', 'num_regressors'] },
};

/** Keras' to_snake_case. */
function snakeCase(name: string): string {
  return name.replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

const camelCase = (name: string) => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** Metric strings: class names, their snake_case and camelCase, and Keras' aliases. */
const metricNames = lazy(() => {
  const names: Record<string, string> = {};
  for (const className of Object.keys(METRIC_CLASSES)) {
    names[className] = names[snakeCase(className)] = names[camelCase(snakeCase(className))] = className;
  }
  return Object.assign(names, {
    bce: 'BinaryCrossentropy', BCE: 'BinaryCrossentropy', mse: 'MeanSquaredError', MSE: 'MeanSquaredError', mae: 'MeanAbsoluteError', MAE: 'MeanAbsoluteError',
    mape: 'MeanAbsolutePercentageError', MAPE: 'MeanAbsolutePercentageError', msle: 'MeanSquaredLogarithmicError', MSLE: 'MeanSquaredLogarithmicError',
  });
});

/** Metric names as an error message lists them: 'accuracy', the snake_case names, the aliases. */
function listedNames(): string[] {
  return ['accuracy', ...Object.keys(metricNames()).filter((n) => n === n.toLowerCase())];
}

/** What metricSpec resolves; resolveMetric adds the name and direction every metric has. */
type MetricOptions = Omit<MetricSpec, 'metricName' | 'direction'>;

/** One metric from its class and config. */
function metricSpec(className: string, config: Record<string, unknown>, name: string, where: string): MetricSpec {
  return { ...metricOptions(className, config, name, where), metricName: name, direction: METRIC_CLASSES[className].direction };
}

function metricOptions(className: string, config: Record<string, unknown>, name: string, where: string): MetricOptions {
  const metric = METRIC_CLASSES[className];
  const at = `${where}: ${className}`;
  for (const key of Object.keys(config)) {
    if (key !== 'name' && key !== 'dtype' && !metric.keys.includes(key)) {
      throw new ConfigError(`${at}: unknown metric config key '${key}'; ${className} takes ${['name', 'dtype', ...metric.keys].join(', ')}`);
    }
  }
  if ((config.dtype ?? 'float32') !== 'float32') throw new ConfigError(`${at}: metric option 'dtype' must be 'float32' or null, received ${quoted(config.dtype)}`);
  const option = optionReader(config, at);
  switch (metric.kind) {
    case 'binary_accuracy':
      return { name, kind: metric.kind, threshold: option.number('threshold', 0.5, () => true, 'a number') };
    case 'top_k_categorical_accuracy':
    case 'sparse_top_k_categorical_accuracy':
      return { name, kind: metric.kind, k: option.integer('k', 5, 1), fromSortedIds: option.boolean('from_sorted_ids', false) };
    case 'loss': {
      if ((config.ignore_class ?? null) !== null) throw new ConfigError(`${at}: metric option 'ignore_class' must be null, received ${quoted(config.ignore_class)}`);
      const loss: LossSpec = {
        ...LOSS_DEFAULTS,
        kind: metric.loss as LossKind,
        fromLogits: option.boolean('from_logits', false),
        labelSmoothing: option.number('label_smoothing', 0, (v) => v >= 0 && v <= 1, 'a number in [0, 1]'),
        axis: option.number('axis', -1, Number.isInteger, 'an integer (the axis a row runs along; -1 the last)'),
      };
      return { name, kind: 'loss', loss, negate: metric.loss === 'cosine_similarity' };
    }
    case 'precision':
    case 'recall': {
      const topK = option.nullableInteger('top_k', 1);
      let thresholds = config.thresholds ?? null;
      if (Array.isArray(thresholds)) {
        if (thresholds.length !== 1) throw new ConfigError(`${at}: metric option 'thresholds' must be one threshold here (Keras gives a list of results for several), received ${quoted(thresholds)}`);
        thresholds = thresholds[0];
      }
      const threshold = thresholds === null ? (topK === null ? 0.5 : -1e10) : option.number('thresholds', 0.5, (v) => v >= 0 && v <= 1, 'a number in [0, 1]', thresholds);
      return { name, kind: metric.kind, confusion: { threshold, topK, classId: option.nullableInteger('class_id', 0) } };
    }
    case 'auc':
      return { name, kind: 'auc', auc: aucOptions(config, option, at) };
    case 'fbeta':
    case 'r2': {
      const scores = resolveScoreMetric(className, config, at);
      // Logs hold one number per name; Keras' per-class result is a list.
      if (scores.fbeta?.average === null) {
        throw new ConfigError(`${at}: average null (Keras' default) gives one score per class, a list, and logs here hold one number per name; pass { class_name: '${className}', config: { average: 'macro' } } (or 'micro', 'weighted')`);
      }
      if (scores.r2?.classAggregation === null) {
        throw new ConfigError(`${at}: class_aggregation null gives one score per output column, a list, and logs here hold one number per name; pass 'uniform_average' (the default) or 'variance_weighted_average'`);
      }
      return { name, kind: metric.kind, ...scores };
    }
    default:
      return { name, kind: metric.kind };
  }
}

function aucOptions(config: Record<string, unknown>, option: ReturnType<typeof optionReader>, at: string): AucOptions {
  const curves = { ROC: 'ROC', roc: 'ROC', PR: 'PR', pr: 'PR', PRGAIN: 'PRGAIN', prgain: 'PRGAIN' } as const;
  const methods = { interpolation: 'interpolation', Interpolation: 'interpolation', majoring: 'majoring', Majoring: 'majoring', minoring: 'minoring', Minoring: 'minoring' } as const;
  const curve = curves[String(config.curve ?? 'ROC') as keyof typeof curves];
  if (!curve) throw new ConfigError(`${at}: metric option 'curve' must be 'ROC', 'PR' or 'PRGAIN', received ${quoted(config.curve)}`);
  const summationMethod = methods[String(config.summation_method ?? 'interpolation') as keyof typeof methods];
  if (!summationMethod) throw new ConfigError(`${at}: metric option 'summation_method' must be 'interpolation', 'majoring' or 'minoring', received ${quoted(config.summation_method)}`);
  const list = (key: string, ok: (v: number) => boolean, expected: string): number[] | null => {
    const value = config[key] ?? null;
    if (value === null) return null;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isFinite(v) && ok(v))) throw new ConfigError(`${at}: metric option '${key}' must be a list of ${expected}, received ${quoted(value)}`);
    return [...value] as number[];
  };
  const thresholds = list('thresholds', (v) => v >= 0 && v <= 1, 'numbers in [0, 1]');
  const multiLabel = option.boolean('multi_label', false);
  const numLabels = option.nullableInteger('num_labels', 1);
  if (numLabels !== null && !multiLabel) throw new ConfigError(`${at}: metric option 'num_labels' is needed only when multi_label is true (Keras refuses it otherwise)`);
  return {
    numThresholds: thresholds === null ? option.integer('num_thresholds', 200, 2) : thresholds.length + 2,
    curve, summationMethod, thresholds, multiLabel, numLabels,
    labelWeights: list('label_weights', () => true, 'numbers'),
    fromLogits: option.boolean('from_logits', false),
  };
}

/** Typed reads of a metric config's options, each a ConfigError naming the option when wrong. */
function optionReader(config: Record<string, unknown>, at: string) {
  const fail = (key: string, expected: string, value: unknown): never => {
    throw new ConfigError(`${at}: metric option '${key}' must be ${expected}, received ${typeof value === 'number' ? String(value) : quoted(value)}`);
  };
  return {
    number(key: string, fallback: number, ok: (v: number) => boolean, expected: string, given: unknown = config[key]): number {
      const value = given ?? fallback;
      return typeof value === 'number' && Number.isFinite(value) && ok(value) ? value : fail(key, expected, value);
    },
    integer(key: string, fallback: number, least: number): number {
      const value = config[key] ?? fallback;
      return Number.isInteger(value) && (value as number) >= least ? (value as number) : fail(key, `an integer >= ${least}`, value);
    },
    nullableInteger(key: string, least: number): number | null {
      const value = config[key] ?? null;
      return value === null ? null : Number.isInteger(value) && (value as number) >= least ? (value as number) : fail(key, `null or an integer >= ${least}`, value);
    },
    boolean(key: string, fallback: boolean): boolean {
      const value = config[key] ?? fallback;
      return typeof value === 'boolean' ? value : fail(key, 'a boolean', value);
    },
  };
}

function resolveMetric(m: unknown, i: number, where: string): MetricSpec {
  if (typeof m === 'string') {
    // compile_utils.get_metric: 'accuracy' and 'acc' in any case are resolved from the shapes.
    if (m.toLowerCase() === 'accuracy' || m.toLowerCase() === 'acc') return { name: m, metricName: m, kind: 'accuracy', direction: 'up' };
    const className = metricNames()[m];
    if (!className) throw new ConfigError(`${where}: metrics[${i}] must be a Keras metric name (one of ${listedNames().join(', ')}) or a Keras metric config { class_name, config }, received ${quoted(m)}`);
    return metricSpec(className, {}, m, where);
  }
  if (m && typeof m === 'object' && typeof (m as { class_name?: unknown }).class_name === 'string') {
    const { class_name: className, config = {} } = m as { class_name: string; config?: unknown };
    if (!(className in METRIC_CLASSES)) throw new ConfigError(`${where}: metrics[${i}] names an unknown metric class ${quoted(className)}; expected one of ${Object.keys(METRIC_CLASSES).join(', ')}`);
    if (!config || typeof config !== 'object' || Array.isArray(config)) throw new ConfigError(`${where}: the config of metric class ${className} must be an object, received ${quoted(config)}`);
    const own = config as Record<string, unknown>;
    if (own.name !== undefined && own.name !== null && typeof own.name !== 'string') throw new ConfigError(`${where}: ${className} option 'name' must be a string, received ${quoted(own.name)}`);
    return metricSpec(className, own, (own.name as string | undefined) ?? METRIC_CLASSES[className].defaultName, where);
  }
  throw new ConfigError(`${where}: metrics[${i}] must be a Keras metric name or a Keras metric config { class_name, config }, received ${quoted(m)}`);
}

export function resolveMetrics(metrics: unknown, where: string): MetricSpec[] {
  if (metrics === undefined || metrics === null) return [];
  if (!Array.isArray(metrics)) throw new ConfigError(`${where}: option 'metrics' must be a list of metric names, received ${quoted(metrics)}`);
  return metrics.map((m, i) => resolveMetric(m, i, where));
}

/** Keras' choice for "accuracy" from the shapes of the first batch. */
function resolveAccuracy(yTrue: Tensor, yPred: Tensor): MetricKind {
  const last = yPred.shape[yPred.rank - 1];
  if (last === 1) return 'binary_accuracy';
  if (yTrue.rank < yPred.rank || yTrue.shape[yTrue.rank - 1] === 1) return 'sparse_categorical_accuracy';
  return 'categorical_accuracy';
}

/** A running mean: total / count. */
export class MeanTracker {
  private total = 0;
  private count = 0;

  add(total: number, count: number): void {
    this.total += total;
    this.count += count;
  }

  reset(): void {
    this.total = 0;
    this.count = 0;
  }

  get value(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }
}

const argmax = (data: ArrayLike<number>, at: number, n: number) => {
  let best = 0;
  for (let c = 1; c < n; c++) if (data[at + c] > data[at + best]) best = c;
  return best;
};

/** in_top_k: the label's prediction has fewer than k predictions above it (ties count in, NaN out). */
function inTopK(p: ArrayLike<number>, at: number, C: number, label: number, k: number): boolean {
  const target = p[at + label];
  if (Number.isNaN(target)) return false;
  let above = 0;
  for (let c = 0; c < C; c++) if (p[at + c] > target) above++;
  return above < k;
}

/** Per-row metric values (rows of the last axis of y_pred) for one batch. */
function metricValues(spec: MetricSpec, kind: MetricKind, yTrue: Tensor, yPred: Tensor, masked: boolean, where: string): Float64Array {
  const C = yPred.shape[yPred.rank - 1];
  const rows = yPred.size / C;
  const p = yPred.data;
  const t = yTrue.data;
  const out = new Float64Array(rows);
  if (kind === 'loss') {
    const loss = spec.loss as LossSpec;
    const axis = loss.axis === -1 ? null : movedAxis(loss.axis, yPred, masked, where);
    if (axis !== null) {
      const moved = movedTargets(yTrue, yPred, loss.axis, loss.kind === 'sparse_categorical_crossentropy', where);
      return metricValues({ ...spec, loss: { ...loss, axis: -1 } }, kind, moved, moveAxisToEnd(yPred, axis), false, where);
    }
    const layout = lossLayout(loss.kind, broadcastLabelColumn(loss.kind, yTrue, yPred), yPred, where);
    const targets = hingeTargets(loss, layout.targets);
    const row = new Float64Array(layout.C);
    const scratch = new Float64Array(layout.C);
    for (let r = 0; r < layout.rows; r++) {
      rowTargets(loss, targets, r, layout.C, row);
      const value = rowLoss(loss, p.subarray(r * layout.C, (r + 1) * layout.C), row, layout.C, scratch);
      out[r] = spec.negate ? -value : value;
    }
    return out;
  }
  // Keras casts the threshold to the predictions' float32 before comparing: float32(0.4) is not above 0.4 there.
  const threshold = Math.fround(spec.threshold ?? 0.5);
  const k = spec.k ?? 5;
  for (let r = 0; r < rows; r++) {
    switch (kind) {
      case 'binary_accuracy': {
        let hits = 0;
        for (let c = 0; c < C; c++) hits += (p[r * C + c] > threshold ? 1 : 0) === t[r * C + c] ? 1 : 0;
        out[r] = hits / C;
        break;
      }
      case 'categorical_accuracy':
        out[r] = argmax(t, r * C, C) === argmax(p, r * C, C) ? 1 : 0;
        break;
      case 'sparse_categorical_accuracy':
        out[r] = t[r] === argmax(p, r * C, C) ? 1 : 0;
        break;
      case 'top_k_categorical_accuracy':
        out[r] = inTopK(p, r * C, C, argmax(t, r * C, C), k) ? 1 : 0;
        break;
      case 'sparse_top_k_categorical_accuracy':
        if (spec.fromSortedIds) {
          // y_pred holds class ids sorted by score: a hit when the label is among the first k.
          let hit = 0;
          for (let c = 0; c < Math.min(k, C); c++) if (p[r * C + c] === t[r]) hit = 1;
          out[r] = hit;
        } else {
          out[r] = Number.isInteger(t[r]) && t[r] >= 0 && t[r] < C && inTopK(p, r * C, C, t[r], k) ? 1 : 0;
        }
        break;
      default:
        throw new ConfigError(`${where}: metric ${spec.name} has no per-row values`);
    }
  }
  return out;
}

/** The state of one metric across batches. */
interface MetricState {
  reset(): void;
  readonly value: number;
  /** `sampleWeight`: one weight per sample (a weighted metric's), or undefined. */
  update(yTrue: Tensor, yPred: Tensor, mask: Float32Array | undefined, sampleWeight: Float32Array | undefined, where: string): void;
}

/**
 * Keras' MeanMetricWrapper: the mean of per-sample values, the mask as the weight. With sample
 * weights (reduce_to_samplewise_values) each row weighs its sample's weight, times its mask.
 */
class MeanMetric implements MetricState {
  private readonly tracker = new MeanTracker();
  private kind: MetricKind | 'accuracy';

  constructor(private readonly spec: MetricSpec) {
    this.kind = spec.kind;
  }

  reset(): void {
    this.tracker.reset();
  }

  get value(): number {
    return this.tracker.value;
  }

  update(yTrue: Tensor, yPred: Tensor, mask: Float32Array | undefined, sampleWeight: Float32Array | undefined, where: string): void {
    if (this.kind === 'accuracy') this.kind = resolveAccuracy(yTrue, yPred);
    const values = metricValues(this.spec, this.kind, yTrue, yPred, !!mask, where);
    const batch = yPred.shape[0];
    const rowMask = mask && mask.length === values.length ? mask : undefined;
    // Per-step values count 1 / steps each: a sample's steps share its weight.
    const perSample = values.length / Math.max(batch, 1);
    if (sampleWeight) {
      let total = 0;
      let count = 0;
      values.forEach((v, r) => {
        const w = (sampleWeight.length === values.length ? sampleWeight[r] : sampleWeight[Math.floor(r / perSample)]) * (rowMask ? rowMask[r] : 1);
        total += v * w;
        count += w;
      });
      this.tracker.add(total / perSample, count / perSample);
      return;
    }
    if (rowMask) {
      let total = 0;
      let count = 0;
      values.forEach((v, r) => {
        total += v * rowMask[r];
        count += rowMask[r];
      });
      this.tracker.add(total, count);
      return;
    }
    // Per-step values are averaged within each sample first; each sample counts once.
    let total = 0;
    for (let b = 0; b < batch; b++) {
      let s = 0;
      for (let k = 0; k < perSample; k++) s += values[b * perSample + k];
      total += s / perSample;
    }
    this.tracker.add(total, batch);
  }
}

/** Keras' RootMeanSquaredError: sqrt of the running (weighted) mean of each sample's mean squared error (no mask). */
class RootMeanSquaredMetric implements MetricState {
  private readonly tracker = new MeanTracker();

  reset(): void {
    this.tracker.reset();
  }

  get value(): number {
    return Math.sqrt(this.tracker.value);
  }

  update(yTrue: Tensor, yPred: Tensor, _mask: Float32Array | undefined, sampleWeight: Float32Array | undefined, where: string): void {
    const { targets } = lossLayout('mse', broadcastLabelColumn('mse', yTrue, yPred), yPred, where);
    const batch = yPred.shape[0];
    const perSample = yPred.size / Math.max(batch, 1);
    let total = 0;
    let count = 0;
    for (let b = 0; b < batch; b++) {
      let s = 0;
      for (let i = b * perSample; i < (b + 1) * perSample; i++) s += (yPred.data[i] - targets[i]) ** 2;
      const w = sampleWeight ? sampleWeight[b] : 1;
      total += (w * s) / perSample;
      count += w;
    }
    this.tracker.add(total, count);
  }
}

/** Precision, Recall and AUC after Keras' shape reconciliation (same sizes, ranks squeezed or expanded). */
class CountingMetric implements MetricState {
  constructor(private readonly counts: ConfusionMetric | AucMetric) {}

  reset(): void {
    this.counts.reset();
  }

  get value(): number {
    return this.counts.value;
  }

  update(yTrue: Tensor, yPred: Tensor, _mask: Float32Array | undefined, sampleWeight: Float32Array | undefined, where: string): void {
    lossLayout('mse', yTrue, yPred, where);
    this.counts.update(yTrue, yPred, sampleWeight, where);
  }
}

/** F1Score, FBetaScore (an average) and R2Score (an aggregation): one number from the epoch's counts. */
class ScoreMetric implements MetricState {
  constructor(private readonly state: FBetaState | R2State) {}

  reset(): void {
    this.state.reset();
  }

  get value(): number {
    return this.state.scores()[0];
  }

  update(yTrue: Tensor, yPred: Tensor, _mask: Float32Array | undefined, sampleWeight: Float32Array | undefined, where: string): void {
    this.state.update(yTrue, yPred, sampleWeight, where);
  }
}

function metricState(spec: MetricSpec): MetricState {
  switch (spec.kind) {
    case 'root_mean_squared_error': return new RootMeanSquaredMetric();
    case 'precision':
    case 'recall': return new CountingMetric(new ConfusionMetric(spec.kind, spec.confusion as ConfusionOptions));
    case 'auc': return new CountingMetric(new AucMetric(spec.auc as AucOptions));
    case 'fbeta': return new ScoreMetric(new FBetaState(spec.fbeta as FBetaOptions));
    case 'r2': return new ScoreMetric(new R2State(spec.r2 as R2Options));
    default: return new MeanMetric(spec);
  }
}

/** One compiled metric's state across batches. */
export class RunningMetric {
  readonly name: string;
  private readonly state: MetricState;

  constructor(spec: MetricSpec) {
    this.name = spec.name;
    this.state = metricState(spec);
  }

  reset(): void {
    this.state.reset();
  }

  get value(): number {
    return this.state.value;
  }

  /**
   * Adds one batch; `mask` has one value per row of y_pred's last axis, or is undefined;
   * `sampleWeight` (a weighted metric's) one per sample, or undefined.
   */
  update(yTrue: Tensor, yPred: Tensor, mask: Float32Array | undefined, where = this.name, sampleWeight?: Float32Array): void {
    this.state.update(yTrue, yPred, mask, sampleWeight, where);
  }
}

/** @internal A Keras metric class's config keys besides name and dtype, and its default name; undefined for no such class. */
export function metricClass(className: string): { readonly keys: readonly string[]; readonly defaultName: string } | undefined {
  return Object.hasOwn(METRIC_CLASSES, className) ? METRIC_CLASSES[className] : undefined;
}
