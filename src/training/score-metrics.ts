// Keras 3's F1Score / FBetaScore (keras/src/metrics/f_score_metrics.py) and R2Score
// (regression_metrics.py) at v3.15.1: counts accumulated over the batches of an epoch or an
// evaluate(), each sample weighted by its sample weight (none: 1), the score from the totals.
// Like Precision and Recall they see no mask (Keras passes them none).
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { EPSILON } from './loss-functions.js';

export type FBetaAverage = null | 'micro' | 'macro' | 'weighted';
export type R2Aggregation = null | 'uniform_average' | 'variance_weighted_average';

export interface FBetaOptions {
  readonly className: 'F1Score' | 'FBetaScore';
  readonly average: FBetaAverage;
  readonly beta: number;
  /** null: the row's largest prediction (every tie) counts as 1, unless it is 0. */
  readonly threshold: number | null;
}

export interface R2Options {
  readonly classAggregation: R2Aggregation;
  readonly numRegressors: number;
}

const AVERAGES: readonly FBetaAverage[] = [null, 'micro', 'macro', 'weighted'];
const AGGREGATIONS: readonly R2Aggregation[] = [null, 'uniform_average', 'variance_weighted_average'];

const shown = (value: unknown) => (typeof value === 'number' ? String(value) : quoted(value));

/** The options of an F1Score, FBetaScore or R2Score config (its keys already checked), as Keras' __init__ checks them. */
export function resolveScoreMetric(className: string, config: Record<string, unknown>, at: string): { fbeta?: FBetaOptions; r2?: R2Options } {
  const fail = (key: string, expected: string): never => {
    throw new ConfigError(`${at}: metric option '${key}' must be ${expected}, received ${shown(config[key])}`);
  };
  if (className === 'R2Score') {
    if (!('class_aggregation' in config)) config = { ...config, class_aggregation: 'uniform_average' };
    const classAggregation = config.class_aggregation as R2Aggregation;
    if (!AGGREGATIONS.includes(classAggregation)) fail('class_aggregation', "null, 'uniform_average' or 'variance_weighted_average'");
    const numRegressors = config.num_regressors ?? 0;
    if (!Number.isInteger(numRegressors) || (numRegressors as number) < 0) fail('num_regressors', 'an integer >= 0');
    return { r2: { classAggregation, numRegressors: numRegressors as number } };
  }
  if (className === 'F1Score' && 'beta' in config) {
    throw new ConfigError(`${at}: unknown metric config key 'beta'; F1Score takes name, dtype, average, threshold (its beta is 1)`);
  }
  const average = (config.average ?? null) as FBetaAverage;
  if (!AVERAGES.includes(average)) fail('average', "null, 'micro', 'macro' or 'weighted'");
  const beta = config.beta ?? 1;
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta <= 0) fail('beta', 'a number > 0');
  const threshold = config.threshold ?? null;
  if (threshold !== null && (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1))) fail('threshold', 'null or a number with 0 < threshold <= 1');
  return { fbeta: { className: className === 'F1Score' ? 'F1Score' : 'FBetaScore', average, beta: beta as number, threshold: threshold as number | null } };
}

/** Keras' _build: both 2-D (batch_size, output_dim), here also of one shape. */
function checkMatrices(name: string, yTrue: Tensor, yPred: Tensor, where: string): [number, number] {
  if (yPred.rank !== 2 || yTrue.rank !== 2) {
    throw new ShapeError(`${where}: ${name} expects 2D inputs with shape (batch_size, output_dim), received y_pred of shape ${formatShape(yPred.shape)} and y_true of shape ${formatShape(yTrue.shape)}`);
  }
  if (yTrue.shape[0] !== yPred.shape[0] || yTrue.shape[1] !== yPred.shape[1]) {
    throw new ShapeError(`${where}: ${name} needs y_true of the shape of y_pred ${formatShape(yPred.shape)}, received ${formatShape(yTrue.shape)}`);
  }
  return [yPred.shape[0], yPred.shape[1]];
}

/** F1Score / FBetaScore: true and false positives, false negatives and support, per class (summed for micro). */
export class FBetaState {
  private tp: Float64Array | null = null;
  private fp: Float64Array | null = null;
  private fn: Float64Array | null = null;
  private support: Float64Array | null = null;

  constructor(private readonly options: FBetaOptions) {}

  reset(): void {
    for (const counts of [this.tp, this.fp, this.fn, this.support]) counts?.fill(0);
  }

  update(yTrue: Tensor, yPred: Tensor, sampleWeight: Float32Array | undefined, where: string): void {
    const [B, C] = checkMatrices(this.options.className, yTrue, yPred, where);
    const micro = this.options.average === 'micro';
    if (!this.tp) {
      const size = micro ? 1 : C;
      [this.tp, this.fp, this.fn, this.support] = [0, 1, 2, 3].map(() => new Float64Array(size));
    }
    const [tp, fp, fn, support] = [this.tp, this.fp as Float64Array, this.fn as Float64Array, this.support as Float64Array];
    const p = yPred.data;
    const t = yTrue.data;
    const { threshold } = this.options;
    for (let b = 0; b < B; b++) {
      const w = sampleWeight ? sampleWeight[b] : 1;
      let peak = -Infinity;
      if (threshold === null) for (let c = 0; c < C; c++) peak = Math.max(peak, p[b * C + c]);
      for (let c = 0; c < C; c++) {
        const v = p[b * C + c];
        const predicted = threshold === null ? (v >= peak && Math.abs(v) > 1e-9 ? 1 : 0) : v > Math.fround(threshold) ? 1 : 0;
        const label = t[b * C + c];
        const k = micro ? 0 : c;
        tp[k] += w * predicted * label;
        fp[k] += w * predicted * (1 - label);
        fn[k] += w * (1 - predicted) * label;
        support[k] += w * label;
      }
    }
  }

  /** Each class's score (average null), or the one averaged score. */
  scores(): number[] {
    if (!this.tp) return this.options.average === null ? [] : [0];
    const b2 = this.options.beta ** 2;
    const perClass = Array.from(this.tp, (tp, k) => {
      const precision = tp / (tp + (this.fp as Float64Array)[k] + EPSILON);
      const recall = tp / (tp + (this.fn as Float64Array)[k] + EPSILON);
      return ((precision * recall) / (b2 * precision + recall + EPSILON)) * (1 + b2);
    });
    switch (this.options.average) {
      case null: return perClass;
      case 'weighted': {
        const support = this.support as Float64Array;
        const total = support.reduce((a, s) => a + s, 0) + EPSILON;
        return [perClass.reduce((a, f, k) => a + f * (support[k] / total), 0)];
      }
      default: return [perClass.reduce((a, f) => a + f, 0) / perClass.length];
    }
  }
}

/** R2Score: per output column the weighted sums of y, y² and the squared residuals, and the element count. */
export class R2State {
  private sum: Float64Array | null = null;
  private squares: Float64Array | null = null;
  private residuals: Float64Array | null = null;
  private count: Float64Array | null = null;
  private elements = 0;

  constructor(private readonly options: R2Options) {}

  reset(): void {
    for (const v of [this.sum, this.squares, this.residuals, this.count]) v?.fill(0);
    this.elements = 0;
  }

  update(yTrue: Tensor, yPred: Tensor, sampleWeight: Float32Array | undefined, where: string): void {
    const [B, C] = checkMatrices('R2Score', yTrue, yPred, where);
    if (!this.sum) [this.sum, this.squares, this.residuals, this.count] = [0, 1, 2, 3].map(() => new Float64Array(C));
    const [sum, squares, residuals, count] = [this.sum, this.squares as Float64Array, this.residuals as Float64Array, this.count as Float64Array];
    for (let b = 0; b < B; b++) {
      const w = sampleWeight ? sampleWeight[b] : 1;
      for (let c = 0; c < C; c++) {
        const y = yTrue.data[b * C + c];
        sum[c] += y * w;
        squares[c] += y * y * w;
        residuals[c] += (y - yPred.data[b * C + c]) ** 2 * w;
        count[c] += w;
      }
    }
    // Keras counts ops.size(y_true): elements, not samples, for the adjusted score's n.
    this.elements += B * C;
  }

  /** Each column's score (class_aggregation null), or the one aggregated score. */
  scores(): number[] {
    if (!this.sum) return this.options.classAggregation === null ? [] : [NaN];
    const sum = this.sum;
    const count = this.count as Float64Array;
    const totals = Array.from(sum, (s, c) => (this.squares as Float64Array)[c] - s * (s / count[c]));
    const raw = totals.map((total, c) => {
      const score = 1 - (this.residuals as Float64Array)[c] / total;
      return score === Infinity || score === -Infinity ? 0 : score;
    });
    let scores: number[];
    if (this.options.classAggregation === 'uniform_average') scores = [raw.reduce((a, s) => a + s, 0) / raw.length];
    else if (this.options.classAggregation === 'variance_weighted_average') scores = [totals.reduce((a, t, c) => a + t * raw[c], 0) / totals.reduce((a, t) => a + t, 0)];
    else scores = raw;
    const n = this.elements;
    const p = this.options.numRegressors;
    // Keras falls back to the plain score (with a warning) when n - p - 1 <= 0.
    if (p !== 0 && p < n - 1) scores = scores.map((r) => 1 - ((1 - r) * (n - 1)) / (n - p - 1));
    return scores;
  }
}
