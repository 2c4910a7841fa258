// Keras 3 compile metrics as running means over an epoch or an evaluate()
// (../shared/training/README.md, "Metrics and logs"). They ignore sample
// weights and use the output's mask.
import { ConfigError } from '../errors.js';
const METRIC_NAMES = {
    accuracy: 'accuracy', acc: 'accuracy',
    binary_accuracy: 'binary_accuracy', binaryAccuracy: 'binary_accuracy',
    categorical_accuracy: 'categorical_accuracy', categoricalAccuracy: 'categorical_accuracy',
    sparse_categorical_accuracy: 'sparse_categorical_accuracy', sparseCategoricalAccuracy: 'sparse_categorical_accuracy',
    mae: 'mae', mean_absolute_error: 'mae', meanAbsoluteError: 'mae',
    mse: 'mse', mean_squared_error: 'mse', meanSquaredError: 'mse',
};
export function resolveMetrics(metrics, where) {
    if (metrics === undefined || metrics === null)
        return [];
    if (!Array.isArray(metrics))
        throw new ConfigError(`${where}: option 'metrics' must be a list of metric names, received ${JSON.stringify(metrics)}`);
    return metrics.map((m, i) => {
        const kind = typeof m === 'string' ? METRIC_NAMES[m] : undefined;
        if (!kind)
            throw new ConfigError(`${where}: metrics[${i}] must be one of ${Object.keys(METRIC_NAMES).join(', ')}, received ${JSON.stringify(m)}`);
        return { name: m, kind };
    });
}
/** Keras' choice for "accuracy" from the shapes of the first batch. */
function resolveAccuracy(yTrue, yPred) {
    const last = yPred.shape[yPred.rank - 1];
    if (last === 1)
        return 'binary_accuracy';
    if (yTrue.rank < yPred.rank || yTrue.shape[yTrue.rank - 1] === 1)
        return 'sparse_categorical_accuracy';
    return 'categorical_accuracy';
}
/** A running mean: total / count. */
export class MeanTracker {
    total = 0;
    count = 0;
    add(total, count) {
        this.total += total;
        this.count += count;
    }
    reset() {
        this.total = 0;
        this.count = 0;
    }
    get value() {
        return this.count === 0 ? 0 : this.total / this.count;
    }
}
/** Per-row metric values (rows of the last axis of y_pred) for one batch. */
function metricValues(kind, yTrue, yPred) {
    const C = yPred.shape[yPred.rank - 1];
    const rows = yPred.size / C;
    const p = yPred.data;
    const t = yTrue.data;
    const out = new Float64Array(rows);
    const argmax = (data, at, n) => {
        let best = 0;
        for (let c = 1; c < n; c++)
            if (data[at + c] > data[at + best])
                best = c;
        return best;
    };
    for (let r = 0; r < rows; r++) {
        switch (kind) {
            case 'binary_accuracy': {
                let hits = 0;
                for (let c = 0; c < C; c++)
                    hits += (p[r * C + c] > 0.5 ? 1 : 0) === t[r * C + c] ? 1 : 0;
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
    name;
    kind;
    tracker = new MeanTracker();
    constructor(spec) {
        this.name = spec.name;
        this.kind = spec.kind;
    }
    reset() {
        this.tracker.reset();
    }
    get value() {
        return this.tracker.value;
    }
    /** Adds one batch; `mask` has one value per row of y_pred's last axis, or is undefined. */
    update(yTrue, yPred, mask) {
        if (this.kind === 'accuracy')
            this.kind = resolveAccuracy(yTrue, yPred);
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
            for (let k = 0; k < perSample; k++)
                s += values[b * perSample + k];
            total += s / perSample;
        }
        this.tracker.add(total, batch);
    }
}
