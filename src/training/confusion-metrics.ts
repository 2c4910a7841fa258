// Keras 3's Precision, Recall and AUC (keras/src/metrics/confusion_metrics.py and
// metrics_utils.py at v3.15.1): confusion counts accumulated over an epoch or an
// evaluate(), the result computed from them. They see the sample weights when
// compiled as weightedMetrics, and never the output mask (Keras passes them none).
import { ShapeError, formatShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { sigmoid } from './loss-functions.js';

/** Keras' NEG_INF: the value top_k gives the predictions outside the top k. */
const NEG_INF = -1e10;
const EPSILON = 1e-7;

/** Precision and Recall options. */
export interface ConfusionOptions {
  readonly threshold: number;
  readonly topK: number | null;
  readonly classId: number | null;
}

/** AUC options. */
export interface AucOptions {
  readonly numThresholds: number;
  readonly curve: 'ROC' | 'PR' | 'PRGAIN';
  readonly summationMethod: 'interpolation' | 'majoring' | 'minoring';
  /** The thresholds between the two end points, or null for num_thresholds evenly spaced ones. */
  readonly thresholds: readonly number[] | null;
  readonly multiLabel: boolean;
  readonly numLabels: number | null;
  readonly labelWeights: readonly number[] | null;
  readonly fromLogits: boolean;
}

/** y_true and y_pred as rows of their last axis (Keras reconciles the ranks first). */
function rowsOf(yPred: Tensor): { rows: number; C: number } {
  const C = yPred.rank === 0 ? 1 : yPred.shape[yPred.rank - 1];
  return { rows: yPred.size / Math.max(C, 1), C };
}

/** Precision (tp / (tp + fp)) or Recall (tp / (tp + fn)) at one threshold. */
export class ConfusionMetric {
  private tp = 0;
  private fp = 0;
  private fn = 0;

  constructor(private readonly kind: 'precision' | 'recall', private readonly options: ConfusionOptions) {}

  reset(): void {
    this.tp = this.fp = this.fn = 0;
  }

  /** `sampleWeight`: one weight per sample (a weighted metric's), counted for each of its rows. */
  update(yTrue: Tensor, yPred: Tensor, sampleWeight: Float32Array | undefined, where: string): void {
    const { rows, C } = rowsOf(yPred);
    const rowsPerSample = rows / Math.max(yPred.shape[0], 1);
    const { topK, classId } = this.options;
    // Keras compares float32 predictions with a float32 threshold tensor.
    const threshold = Math.fround(this.options.threshold);
    if (classId !== null && (yPred.rank < 2 || classId >= C)) {
      throw new ShapeError(`${where}: class_id ${classId} needs predictions of shape (samples, classes) with more than ${classId} classes, received ${formatShape(yPred.shape)}`);
    }
    const t = yTrue.data;
    const p = yPred.data;
    const row = new Float64Array(C);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < C; c++) row[c] = p[r * C + c];
      if (topK !== null) keepTopK(row, topK);
      const w = sampleWeight ? sampleWeight[Math.floor(r / rowsPerSample)] : 1;
      for (let c = classId ?? 0; c < (classId === null ? C : classId + 1); c++) {
        const label = t[r * C + c] !== 0;
        const positive = row[c] > threshold;
        if (label && positive) this.tp += w;
        else if (positive) this.fp += w;
        else if (label) this.fn += w;
      }
    }
  }

  get value(): number {
    const denominator = this.tp + (this.kind === 'precision' ? this.fp : this.fn);
    return denominator === 0 ? 0 : this.tp / denominator;
  }
}

/** Keras' _filter_top_k on one row: the k largest stay (ties to the lower index, as top_k), the rest become NEG_INF. */
function keepTopK(row: Float64Array, k: number): void {
  const order = Array.from(row.keys()).sort((a, b) => row[b] - row[a] || a - b);
  for (const c of order.slice(k)) row[c] = NEG_INF;
}

/** Keras' AUC: confusion counts at each threshold (per label with multi_label), then the area. */
export class AucMetric {
  private readonly thresholds: Float64Array;
  private readonly evenly: boolean;
  private labels = 0;
  /** Per label, per threshold. */
  private tp: Float64Array[] = [];
  private fp: Float64Array[] = [];
  private tn: Float64Array[] = [];
  private fn: Float64Array[] = [];

  constructor(private readonly options: AucOptions) {
    const inner = options.thresholds === null
      ? Array.from({ length: options.numThresholds - 2 }, (_, i) => ((i + 1) * 1.0) / (options.numThresholds - 1))
      : [...options.thresholds].sort((a, b) => a - b);
    this.thresholds = Float64Array.from([0 - EPSILON, ...inner, 1 + EPSILON]);
    this.evenly = options.thresholds === null || evenlyDistributed([0, ...inner, 1]);
  }

  reset(): void {
    for (const counts of [this.tp, this.fp, this.tn, this.fn]) for (const c of counts) c.fill(0);
  }

  private build(labels: number): void {
    this.labels = labels;
    const make = () => Array.from({ length: labels }, () => new Float64Array(this.thresholds.length));
    this.tp = make();
    this.fp = make();
    this.tn = make();
    this.fn = make();
  }

  /** `sampleWeight`: one weight per sample (a weighted metric's), times the label weight. */
  update(yTrue: Tensor, yPred: Tensor, sampleWeight: Float32Array | undefined, where: string): void {
    const { rows, C } = rowsOf(yPred);
    const rowsPerSample = rows / Math.max(yPred.shape[0], 1);
    const { multiLabel, numLabels, labelWeights } = this.options;
    if (multiLabel && (yPred.rank !== 2 || (numLabels !== null && numLabels !== C))) {
      throw new ShapeError(`${where}: multi_label AUC needs predictions of shape (samples, ${numLabels ?? 'labels'}), received ${formatShape(yPred.shape)}`);
    }
    if (labelWeights !== null && labelWeights.length !== C) throw new ShapeError(`${where}: AUC label_weights has ${labelWeights.length} entries for predictions of shape ${formatShape(yPred.shape)}`);
    if (this.labels === 0) this.build(multiLabel ? C : 1);
    const N = this.thresholds.length;
    const weights = this.options.multiLabel ? null : this.options.labelWeights;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < C; c++) {
        const i = r * C + c;
        const x = this.options.fromLogits ? Math.fround(sigmoid(yPred.data[i])) : yPred.data[i];
        const label = yTrue.data[i] !== 0;
        const w = (weights === null ? 1 : weights[c]) * (sampleWeight ? sampleWeight[Math.floor(r / rowsPerSample)] : 1);
        const l = this.options.multiLabel ? c : 0;
        const counts = label ? this.tp[l] : this.fp[l];
        if (this.evenly) {
          // The bucket of the prediction: positive at threshold j for every j up to it.
          const p = Math.min(Math.max(x, 0), 1);
          const bucket = Math.max(Math.ceil(Math.fround(p * (N - 1))) - 1, 0);
          for (let j = 0; j <= bucket; j++) counts[j] += w;
          for (let j = bucket + 1; j < N; j++) (label ? this.fn[l] : this.tn[l])[j] += w;
        } else {
          for (let j = 0; j < N; j++) {
            if (x > Math.fround(this.thresholds[j])) counts[j] += w;
            else (label ? this.fn[l] : this.tn[l])[j] += w;
          }
        }
      }
    }
  }

  get value(): number {
    if (this.labels === 0) return 0;
    const byLabel = Array.from({ length: this.labels }, (_, l) => this.area(this.tp[l], this.fp[l], this.tn[l], this.fn[l]));
    if (!this.options.multiLabel) return byLabel[0];
    const weights = this.options.labelWeights;
    if (weights === null) return byLabel.reduce((a, b) => a + b, 0) / byLabel.length;
    const total = weights.reduce((a, b) => a + b, 0);
    return total === 0 ? 0 : byLabel.reduce((a, v, l) => a + v * weights[l], 0) / total;
  }

  private area(tp: Float64Array, fp: Float64Array, tn: Float64Array, fn: Float64Array): number {
    const n = tp.length;
    const divide = (a: number, b: number) => (b === 0 ? 0 : a / b);
    const { curve, summationMethod } = this.options;
    if (curve === 'PR' && summationMethod === 'interpolation') {
      // Keras' interpolate_pr_auc (Davis & Goadrich): precision interpolated along the positives.
      let sum = 0;
      for (let i = 0; i < n - 1; i++) {
        const dtp = tp[i] - tp[i + 1];
        const p0 = tp[i] + fp[i];
        const p1 = tp[i + 1] + fp[i + 1];
        const slope = divide(dtp, Math.max(p0 - p1, 0));
        const intercept = tp[i + 1] - slope * p1;
        const ratio = p0 > 0 && p1 > 0 ? divide(p0, Math.max(p1, 0)) : 1;
        sum += divide(slope * (dtp + intercept * Math.log(ratio)), Math.max(tp[i + 1] + fn[i + 1], 0));
      }
      return sum;
    }
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const recall = divide(tp[i], tp[i] + fn[i]);
      if (curve === 'ROC') {
        x[i] = divide(fp[i], fp[i] + tn[i]);
        y[i] = recall;
      } else if (curve === 'PR') {
        x[i] = recall;
        y[i] = divide(tp[i], tp[i] + fp[i]);
      } else {
        const scale = divide(tp[i] + fn[i], tn[i] + fp[i]);
        x[i] = tp[i] === 0 ? 0 : Math.max(1 - scale * divide(fn[i], tp[i]), 0);
        y[i] = tp[i] === 0 ? 1 : 1 - scale * divide(fp[i], tp[i]);
      }
    }
    let sum = 0;
    for (let i = 0; i < n - 1; i++) {
      const height = summationMethod === 'interpolation' ? (y[i] + y[i + 1]) / 2 : summationMethod === 'minoring' ? Math.min(y[i], y[i + 1]) : Math.max(y[i], y[i + 1]);
      sum += (x[i] - x[i + 1]) * height;
    }
    return sum;
  }
}

/** Keras' is_evenly_distributed_thresholds: i / (n - 1) for every i, within epsilon. */
function evenlyDistributed(thresholds: readonly number[]): boolean {
  const n = thresholds.length;
  if (n < 3) return false;
  return thresholds.every((t, i) => {
    const even = Math.fround(i / (n - 1));
    return Math.abs(t - even) <= EPSILON + 1e-5 * Math.abs(even);
  });
}
