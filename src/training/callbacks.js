// Keras callbacks: objects with any of the hooks, History, EarlyStopping, and
// the verbose=1 progress line.
import { ConfigError } from '../errors.js';
/** Keras' History: `history[key]` holds one value per epoch. */
export class History {
    epoch = [];
    history = {};
    onEpochEnd(epoch, logs) {
        this.epoch.push(epoch);
        for (const [key, value] of Object.entries(logs))
            (this.history[key] ??= []).push(value);
    }
}
/** Keras' EarlyStopping: stops when `monitor` has not improved for `patience` epochs. */
export class EarlyStopping {
    monitor;
    patience;
    restoreBestWeights;
    /** The epoch training stopped at, or 0. */
    stoppedEpoch = 0;
    bestEpoch = 0;
    minDelta;
    maximise;
    baseline;
    startFromEpoch;
    wait = 0;
    best = Infinity;
    bestWeights = null;
    model = null;
    constructor(options = {}) {
        this.monitor = options.monitor ?? 'val_loss';
        this.patience = options.patience ?? 0;
        this.restoreBestWeights = options.restoreBestWeights ?? false;
        this.baseline = options.baseline ?? null;
        this.startFromEpoch = options.startFromEpoch ?? 0;
        const mode = options.mode ?? 'auto';
        if (!['auto', 'min', 'max'].includes(mode))
            throw new ConfigError(`EarlyStopping: option 'mode' must be 'auto', 'min' or 'max', received ${JSON.stringify(mode)}`);
        if (!Number.isInteger(this.patience) || this.patience < 0)
            throw new ConfigError(`EarlyStopping: option 'patience' must be a non-negative integer, received ${JSON.stringify(options.patience)}`);
        // Keras' 'auto': maximise accuracy-like metrics, minimise everything else.
        this.maximise = mode === 'max' || (mode === 'auto' && /acc|auc/.test(this.monitor));
        this.minDelta = Math.abs(options.minDelta ?? 0);
    }
    setModel(model) {
        this.model = model;
    }
    improves(value, reference) {
        return this.maximise ? value - this.minDelta > reference : value + this.minDelta < reference;
    }
    onTrainBegin() {
        this.wait = 0;
        this.stoppedEpoch = 0;
        this.best = this.maximise ? -Infinity : Infinity;
        this.bestWeights = null;
        this.bestEpoch = 0;
    }
    onEpochEnd(epoch, logs) {
        const current = logs[this.monitor];
        if (current === undefined || epoch < this.startFromEpoch)
            return;
        // As Keras: the first epoch's weights are kept in case nothing ever improves.
        if (this.restoreBestWeights && this.bestWeights === null)
            this.bestWeights = this.model?.getWeights() ?? null;
        this.wait += 1;
        if (this.improves(current, this.best)) {
            this.best = current;
            this.bestEpoch = epoch;
            if (this.restoreBestWeights)
                this.bestWeights = this.model?.getWeights() ?? null;
            if (this.baseline === null || this.improves(current, this.baseline))
                this.wait = 0;
            return;
        }
        if (this.wait >= this.patience && epoch > 0 && this.model) {
            this.stoppedEpoch = epoch;
            this.model.stopTraining = true;
            if (this.restoreBestWeights && this.bestWeights)
                this.model.setWeights(this.bestWeights);
        }
    }
}
/** Keras' progress line: `2/8 ━━━━━━━━━━━━━━━━━━━━ 0s 12ms/step - loss: 0.4123`. @internal */
export function progressLine(step, steps, elapsedMs, logs) {
    const width = 20;
    const done = Math.floor((width * step) / steps);
    const bar = '\u2501'.repeat(done) + (done < width ? '\u2500'.repeat(width - done) : '');
    const perStep = elapsedMs / Math.max(step, 1);
    const time = step < steps ? `${Math.round((perStep * (steps - step)) / 1000)}s` : `${Math.round(elapsedMs / 1000)}s`;
    const unit = perStep >= 1000 ? `${Math.round(perStep / 1000)}s/step` : perStep >= 1 ? `${Math.round(perStep)}ms/step` : `${Math.round(perStep * 1000)}us/step`;
    const values = Object.entries(logs).map(([k, v]) => `${k}: ${v.toFixed(4)}`).join(' - ');
    return `${step}/${steps} ${bar} ${time} ${unit}${values ? ` - ${values}` : ''}`;
}
