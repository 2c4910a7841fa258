// Keras callbacks: objects with any of the hooks, History, EarlyStopping, and
// the verbose=1 progress line.
import { ConfigError } from '../errors.js';
import { checkKnownKeys, checkOptionsObject, suggestKey } from '../option-keys.js';
import type { Tensor } from '../tensor.js';

export type Logs = Record<string, number>;

/** What a callback sees of the model it trains: enough to stop training and to save or restore weights. */
export interface TrainedModel {
  stopTraining: boolean;
  getWeights(): Tensor[];
  setWeights(weights: readonly Tensor[]): void;
  /** The compiled optimizer; its learning rate may be set, as Keras' callbacks set it. */
  readonly optimizer: { learningRate: number };
  save(path: string): Promise<void>;
  saveWeights(path: string): Promise<void>;
}

/** What fit passes to each callback's setParams before training, as Keras' callback.params. */
export interface FitParams {
  verbose: 0 | 1 | 2;
  epochs: number;
  /** Batches per epoch. */
  steps: number;
}

export interface Callback {
  setModel?(model: TrainedModel): void;
  setParams?(params: FitParams): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onTrainBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  onTrainBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  /** Keras' on_batch_begin: called in fit where the callback has no onTrainBatchBegin. */
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  /** Keras' on_batch_end: called in fit where the callback has no onTrainBatchEnd. */
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  /** Called by evaluate (not by fit's validation), as Keras' on_test_begin / on_test_end. */
  onTestBegin?(logs: Logs): void | Promise<void>;
  onTestEnd?(logs: Logs): void | Promise<void>;
  onTestBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  onTestBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

/** Keras' callback hooks, camelCase; predict's hooks are Keras' too, though predict takes no callbacks. */
const HOOKS = [
  'setModel', 'setParams', 'onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onTrainBatchBegin', 'onTrainBatchEnd', 'onBatchBegin', 'onBatchEnd',
  'onTestBegin', 'onTestEnd', 'onTestBatchBegin', 'onTestBatchEnd', 'onPredictBegin', 'onPredictEnd', 'onPredictBatchBegin', 'onPredictBatchEnd',
];

/**
 * The callbacks option as a list. A plain object's function whose name is no hook (`onEpochEnds`,
 * `on_epoch_end`) would never be called, so it is a ConfigError naming the hook it likely meant. @internal
 */
export function callbackList(value: unknown, where: string): Callback[] {
  if (value === undefined || value === null) return [];
  const list: unknown[] = Array.isArray(value) ? value : [value];
  list.forEach((cb, i) => {
    if (cb === null || typeof cb !== 'object') throw new ConfigError(`${where}: option 'callbacks' must be a list of callback objects (with onEpochEnd and the like), received ${JSON.stringify(cb)} at index ${i}`);
    const prototype: unknown = Object.getPrototypeOf(cb);
    if (prototype !== Object.prototype && prototype !== null) return;
    for (const [key, hook] of Object.entries(cb)) {
      if (typeof hook !== 'function' || HOOKS.includes(key)) continue;
      const suggestion = suggestKey(key, HOOKS);
      throw new ConfigError(`${where}: the callback at index ${i} has '${key}', which no hook is named${suggestion === null ? '' : ` (did you mean '${suggestion}'?)`}; Keras' hooks are ${HOOKS.slice(2).join(', ')}`);
    }
  });
  return list as Callback[];
}

/** Keras' Callback.on_train_batch_begin calls on_batch_begin: a callback with only the old name gets it. @internal */
export function trainBatchBegin(cb: Callback, batch: number, logs: Logs): void | Promise<void> {
  return cb.onTrainBatchBegin ? cb.onTrainBatchBegin(batch, logs) : cb.onBatchBegin?.(batch, logs);
}

/** As trainBatchBegin, for on_train_batch_end and on_batch_end. @internal */
export function trainBatchEnd(cb: Callback, batch: number, logs: Logs): void | Promise<void> {
  return cb.onTrainBatchEnd ? cb.onTrainBatchEnd(batch, logs) : cb.onBatchEnd?.(batch, logs);
}

/** Keras' History: `history[key]` holds one value per epoch. */
export class History implements Callback {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};
  /** Keras' history.params: the verbose, epochs and steps (batches per epoch) of the fit that filled it; null before one. */
  params: FitParams | null = null;
  // Not an own enumerable field: printing or comparing a History shows its logs, not the whole model.
  #model: TrainedModel | null = null;

  /** Keras' history.model: the model whose fit filled it; null before one. */
  get model(): TrainedModel | null {
    return this.#model;
  }

  setModel(model: TrainedModel): void {
    this.#model = model;
  }

  setParams(params: FitParams): void {
    this.params = params;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) (this.history[key] ??= []).push(value);
  }
}

export interface EarlyStoppingOptions {
  /** The log key to watch; default 'val_loss'. */
  monitor?: string;
  minDelta?: number;
  patience?: number;
  mode?: 'auto' | 'min' | 'max';
  baseline?: number | null;
  restoreBestWeights?: boolean;
  startFromEpoch?: number;
  /** 1: prints Keras' "Epoch N: early stopping" (and the restore) line; default 0. */
  verbose?: 0 | 1;
}

const EARLY_STOPPING_KEYS = ['monitor', 'minDelta', 'patience', 'mode', 'baseline', 'restoreBestWeights', 'startFromEpoch', 'verbose'];

/** Keras' EarlyStopping: stops when `monitor` has not improved for `patience` epochs. */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  /** The epoch training stopped at, or 0. */
  stoppedEpoch = 0;
  bestEpoch = 0;
  private readonly minDelta: number;
  private readonly maximise: boolean;
  private readonly baseline: number | null;
  private readonly startFromEpoch: number;
  private wait = 0;
  private best = Infinity;
  private bestWeights: Tensor[] | null = null;
  private model: TrainedModel | null = null;

  private readonly verbose: boolean;

  constructor(options: EarlyStoppingOptions = {}) {
    checkOptionsObject(options, 'EarlyStopping', "{ monitor: 'val_loss', patience: 2 }");
    checkKnownKeys(options, EARLY_STOPPING_KEYS, 'EarlyStopping');
    if (options.verbose !== undefined && options.verbose !== 0 && options.verbose !== 1) throw new ConfigError(`EarlyStopping: option 'verbose' must be 0 or 1, received ${JSON.stringify(options.verbose)}`);
    this.verbose = options.verbose === 1;
    this.monitor = options.monitor ?? 'val_loss';
    this.patience = options.patience ?? 0;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.baseline = options.baseline ?? null;
    this.startFromEpoch = options.startFromEpoch ?? 0;
    const mode = options.mode ?? 'auto';
    if (!['auto', 'min', 'max'].includes(mode)) throw new ConfigError(`EarlyStopping: option 'mode' must be 'auto', 'min' or 'max', received ${JSON.stringify(mode)}`);
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new ConfigError(`EarlyStopping: option 'patience' must be a non-negative integer, received ${JSON.stringify(options.patience)}`);
    // Keras' 'auto': maximise accuracy-like metrics, minimise everything else.
    this.maximise = mode === 'max' || (mode === 'auto' && /acc|auc/.test(this.monitor));
    this.minDelta = Math.abs(options.minDelta ?? 0);
  }

  setModel(model: TrainedModel): void {
    this.model = model;
  }

  private improves(value: number, reference: number): boolean {
    return this.maximise ? value - this.minDelta > reference : value + this.minDelta < reference;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.maximise ? -Infinity : Infinity;
    this.bestWeights = null;
    this.bestEpoch = 0;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = logs[this.monitor];
    if (current === undefined || epoch < this.startFromEpoch) return;
    // As Keras: the first epoch's weights are kept in case nothing ever improves.
    if (this.restoreBestWeights && this.bestWeights === null) this.bestWeights = this.model?.getWeights() ?? null;
    this.wait += 1;
    if (this.improves(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.model?.getWeights() ?? null;
      if (this.baseline === null || this.improves(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0 && this.model) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  /** As Keras 3: the best epoch's weights come back at the end of training, whether it stopped early or ran every epoch. */
  onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights && this.model) {
      if (this.verbose) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.model.setWeights(this.bestWeights);
    }
  }
}

/** Keras' progress line: `2/8 ━━━━━━━━━━━━━━━━━━━━ 0s 12ms/step - loss: 0.4123`. @internal */
export function progressLine(step: number, steps: number, elapsedMs: number, logs: Logs, withBar = true): string {
  const width = 20;
  const done = Math.floor((width * step) / steps);
  const bar = '\u2501'.repeat(done) + (done < width ? '\u2500'.repeat(width - done) : '');
  const perStep = elapsedMs / Math.max(step, 1);
  const time = step < steps ? `${Math.round((perStep * (steps - step)) / 1000)}s` : `${Math.round(elapsedMs / 1000)}s`;
  const unit = perStep >= 1000 ? `${Math.round(perStep / 1000)}s/step` : perStep >= 1 ? `${Math.round(perStep)}ms/step` : `${Math.round(perStep * 1000)}us/step`;
  const values = Object.entries(logs).map(([k, v]) => `${k}: ${v.toFixed(4)}`).join(' - ');
  // verbose=2 drops the bar: `8/8 - 0s - 12ms/step - loss: 0.4123`.
  if (!withBar) return `${step}/${steps} - ${time} - ${unit}${values ? ` - ${values}` : ''}`;
  return `${step}/${steps} ${bar} ${time} ${unit}${values ? ` - ${values}` : ''}`;
}
