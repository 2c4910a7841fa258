// Keras' metric classes as compile() takes them, `metrics: [new metrics.AUC({ curve: 'PR' })]` for
// `metrics=[keras.metrics.AUC(curve="PR")]`: each instance is the Keras config it stands for,
// checked when it is made, so compile, the saved compile config and a file's metrics are the same
// as for `{ class_name, config }`.
import { KerasConfigObject, kerasConfigOf } from './keras-config-object.js';
import { metricClass, resolveMetrics } from './metrics.js';

export interface MetricOptions {
  /** Keras' `name`, the log key; the class's default name when absent. */
  name?: string;
}
export interface BinaryAccuracyOptions extends MetricOptions {
  threshold?: number;
}
export interface TopKOptions extends MetricOptions {
  k?: number;
}
export interface SparseTopKOptions extends TopKOptions {
  fromSortedIds?: boolean;
}
export interface AxisMetricOptions extends MetricOptions {
  axis?: number;
}
export interface CrossentropyMetricOptions extends MetricOptions {
  fromLogits?: boolean;
  labelSmoothing?: number;
}
export interface CategoricalCrossentropyMetricOptions extends CrossentropyMetricOptions {
  axis?: number;
}
export interface SparseCategoricalCrossentropyMetricOptions extends MetricOptions {
  fromLogits?: boolean;
  ignoreClass?: number | null;
  axis?: number;
}
export interface PrecisionRecallOptions extends MetricOptions {
  thresholds?: number | null;
  topK?: number | null;
  classId?: number | null;
}
export interface AUCOptions extends MetricOptions {
  numThresholds?: number;
  curve?: 'ROC' | 'PR' | 'PRGAIN';
  summationMethod?: 'interpolation' | 'majoring' | 'minoring';
  thresholds?: readonly number[] | null;
  multiLabel?: boolean;
  numLabels?: number | null;
  labelWeights?: readonly number[] | null;
  fromLogits?: boolean;
}
export interface F1ScoreOptions extends MetricOptions {
  average?: 'micro' | 'macro' | 'weighted' | null;
  threshold?: number | null;
}
export interface FBetaScoreOptions extends F1ScoreOptions {
  beta?: number;
}
export interface R2ScoreOptions extends MetricOptions {
  classAggregation?: 'uniform_average' | 'variance_weighted_average' | null;
  numRegressors?: number;
}

/** A Keras metric: what `compile({ metrics })` takes, as its class and config; `name` is its log key. */
export abstract class Metric extends KerasConfigObject {
  /** @internal */
  protected constructor(className: string, options: MetricOptions | undefined) {
    const where = `metrics.${className}`;
    const known = metricClass(className);
    const own = kerasConfigOf(options, ['name', ...(known?.keys ?? [])], where);
    const name = typeof own.name === 'string' ? own.name : known?.defaultName ?? className;
    const config = { ...own, name, dtype: 'float32' };
    // Every value is checked now, as Keras' constructor checks them, not at compile.
    resolveMetrics([{ class_name: className, config }], where);
    super('keras.metrics', className, config);
  }
}

export class BinaryAccuracy extends Metric {
  constructor(options?: BinaryAccuracyOptions) { super('BinaryAccuracy', options); }
}
export class CategoricalAccuracy extends Metric {
  constructor(options?: MetricOptions) { super('CategoricalAccuracy', options); }
}
export class SparseCategoricalAccuracy extends Metric {
  constructor(options?: MetricOptions) { super('SparseCategoricalAccuracy', options); }
}
export class TopKCategoricalAccuracy extends Metric {
  constructor(options?: TopKOptions) { super('TopKCategoricalAccuracy', options); }
}
export class SparseTopKCategoricalAccuracy extends Metric {
  constructor(options?: SparseTopKOptions) { super('SparseTopKCategoricalAccuracy', options); }
}
export class MeanSquaredError extends Metric {
  constructor(options?: MetricOptions) { super('MeanSquaredError', options); }
}
export class MeanAbsoluteError extends Metric {
  constructor(options?: MetricOptions) { super('MeanAbsoluteError', options); }
}
export class MeanAbsolutePercentageError extends Metric {
  constructor(options?: MetricOptions) { super('MeanAbsolutePercentageError', options); }
}
export class MeanSquaredLogarithmicError extends Metric {
  constructor(options?: MetricOptions) { super('MeanSquaredLogarithmicError', options); }
}
export class RootMeanSquaredError extends Metric {
  constructor(options?: MetricOptions) { super('RootMeanSquaredError', options); }
}
export class CosineSimilarity extends Metric {
  constructor(options?: AxisMetricOptions) { super('CosineSimilarity', options); }
}
export class LogCoshError extends Metric {
  constructor(options?: MetricOptions) { super('LogCoshError', options); }
}
export class Hinge extends Metric {
  constructor(options?: MetricOptions) { super('Hinge', options); }
}
export class SquaredHinge extends Metric {
  constructor(options?: MetricOptions) { super('SquaredHinge', options); }
}
export class CategoricalHinge extends Metric {
  constructor(options?: MetricOptions) { super('CategoricalHinge', options); }
}
export class KLDivergence extends Metric {
  constructor(options?: MetricOptions) { super('KLDivergence', options); }
}
export class Poisson extends Metric {
  constructor(options?: MetricOptions) { super('Poisson', options); }
}
export class BinaryCrossentropy extends Metric {
  constructor(options?: CrossentropyMetricOptions) { super('BinaryCrossentropy', options); }
}
export class CategoricalCrossentropy extends Metric {
  constructor(options?: CategoricalCrossentropyMetricOptions) { super('CategoricalCrossentropy', options); }
}
export class SparseCategoricalCrossentropy extends Metric {
  constructor(options?: SparseCategoricalCrossentropyMetricOptions) { super('SparseCategoricalCrossentropy', options); }
}
export class Precision extends Metric {
  constructor(options?: PrecisionRecallOptions) { super('Precision', options); }
}
export class Recall extends Metric {
  constructor(options?: PrecisionRecallOptions) { super('Recall', options); }
}
export class AUC extends Metric {
  constructor(options?: AUCOptions) { super('AUC', options); }
}
export class F1Score extends Metric {
  constructor(options?: F1ScoreOptions) { super('F1Score', options); }
}
export class FBetaScore extends Metric {
  constructor(options?: FBetaScoreOptions) { super('FBetaScore', options); }
}
export class R2Score extends Metric {
  constructor(options?: R2ScoreOptions) { super('R2Score', options); }
}

/** Keras' keras.metrics: `new metrics.AUC({ curve: 'PR' })`, `new metrics.SparseCategoricalAccuracy()`. */
export const metrics = {
  Metric, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
  MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, RootMeanSquaredError,
  CosineSimilarity, LogCoshError, Hinge, SquaredHinge, CategoricalHinge, KLDivergence, Poisson, BinaryCrossentropy,
  CategoricalCrossentropy, SparseCategoricalCrossentropy, Precision, Recall, AUC, F1Score, FBetaScore, R2Score,
};

/** @internal A Metric instance as the `{ class_name, config }` compile resolves; anything else as it is. */
export function metricAsConfig(value: unknown): unknown {
  return value instanceof Metric ? value.toJSON() : value;
}
