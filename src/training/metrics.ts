// Keras 3 compile metrics as running means over an epoch or an evaluate()
// (../shared/training/README.md, "Metrics and logs"). They ignore sample
// weights and use the output's mask.
import { ConfigError } from '../errors.js';
import type { Tensor } from '../tensor.js';

export type MetricKind = 'binary_accuracy' | 'categorical_accuracy' | 'sparse_categorical_accuracy' | 'mae' | 'mse';

const METRIC_NAMES: Record<string, MetricKind | 'accuracy'> = {
  accuracy: 'accuracy', acc: 'accuracy',
  binary_accuracy: 'binary_accuracy', binaryAccuracy: 'binary_accuracy',
  categorical_accuracy: 'categorical_accuracy', categoricalAccuracy: 'categorical_accuracy',
  sparse_categorical_accuracy: 'sparse_categorical_accuracy', sparseCategoricalAccuracy: 'sparse_categorical_accuracy',
  mae: 'mae', mean_absolute_error: 'mae', meanAbsoluteError: 'mae',
  mse: 'mse', mean_squared_error: 'mse', meanSquaredError: 'mse',
};

export interface MetricSpec {
  /** The history key: the string as given. */
  readonly name: string;
  /** 'accuracy' is resolved from the first batch's shapes. */
  kind: MetricKind | 'accuracy';
}

export function resolveMetrics(metrics: unknown, where: string): MetricSpec[] {
  if (metrics === undefined || metrics === null) return [];
  if (!Array.isArray(metrics)) throw new ConfigError(`${where}: option 'metrics' must be a list of metric names, received ${JSON.stringify(metrics)}`);
  return metrics.map((m, i) => {
    const kind = typeof m === 'string' ? METRIC_NAMES[m] : undefined;
    if (!kind) throw new ConfigError(`${where}: metrics[${i}] must be one of ${Object.keys(METRIC_NAMES).join(', ')}, received ${JSON.stringify(m)}`);
    return { name: m as string, kind };
  });
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

/** Per-row metric values (rows of the last axis of y_pred) for one batch. */
function metricValues(kind: MetricKind, yTrue: Tensor, yPred: Tensor): Float64Array {
  const C = yPred.shape[yPred.rank - 1];
  const rows = yPred.size / C;
  const p = yPred.data;
  const t = yTrue.data;
  const out = new Float64Array(rows);
  const argmax = (data: Float32Array, at: number, n: number) => {
    let best = 0;
    for (let c = 1; c < n; c++) if (data[at + c] > data[at + best]) best = c;
    return best;
  };
  for (let r = 0; r < rows; r++) {
    switch (kind) {
      case 'binary_accuracy': {
        let hits = 0;
        for (let c = 0; c < C; c++) hits += (p[r * C + c] > 0.5 ? 1 : 0) === t[r * C + c] ? 1 : 0;
        out[r] = hits / C;
        break;
      }
      case 'categorical_accuracy':
        out[r] = argmax(t, r * C, C) === argmax(p, r * C, C) ? 1 : 0;
        break;
      case 'sparse_categorical_accuracy':
        out[r] = t[r] === argmax(p, r * C, C) ? 1 : 0;
        break;
      case 'mae':
      case 'mse': {
        let v = 0;
        for (let c = 0; c < C; c++) {
          const d = p[r * C + c] - t[r * C + c];
          v += kind === 'mae' ? Math.abs(d) : d * d;
        }
        out[r] = v / C;
        break;
      }
    }
  }
  return out;
}

/** One compiled metric's state across batches. */
export class RunningMetric {
  readonly name: string;
  private kind: MetricKind | 'accuracy';
  private readonly tracker = new MeanTracker();

  constructor(spec: MetricSpec) {
    this.name = spec.name;
    this.kind = spec.kind;
  }

  reset(): void {
    this.tracker.reset();
  }

  get value(): number {
    return this.tracker.value;
  }

  /** Adds one batch; `mask` has one value per row of y_pred's last axis, or is undefined. */
  update(yTrue: Tensor, yPred: Tensor, mask: Float32Array | undefined): void {
    if (this.kind === 'accuracy') this.kind = resolveAccuracy(yTrue, yPred);
    const values = metricValues(this.kind, yTrue, yPred);
    const batch = yPred.shape[0];
    if (mask && mask.length === values.length) {
      let total = 0;
      let count = 0;
      values.forEach((v, r) => {
        total += v * mask[r];
        count += mask[r];
      });
      this.tracker.add(total, count);
      return;
    }
    // Per-step values are averaged within each sample first; each sample counts once.
    const perSample = values.length / Math.max(batch, 1);
    let total = 0;
    for (let b = 0; b < batch; b++) {
      let s = 0;
      for (let k = 0; k < perSample; k++) s += values[b * perSample + k];
      total += s / perSample;
    }
    this.tracker.add(total, batch);
  }
}
