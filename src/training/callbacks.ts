// Keras callbacks: objects with any of the hooks, History, EarlyStopping, and
// the verbose=1 progress line.
import { ConfigError, quoted } from '../errors.js';
import { checkKnownKeys, checkOptionsObject, describeOptions, suggestKey } from '../option-keys.js';
import type { Tensor } from '../tensor.js';
import type { MetricDirection } from './metrics.js';

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
  /** @internal Keras' model.metrics as MonitorCallback reads them: each compiled metric's name (metric.name) and direction. */
  compiledMetrics?(): readonly { readonly name: string; readonly direction: MetricDirection }[];
}

/** What fit (and evaluate, with epochs 1) passes to each callback's setParams before training, as Keras' callback.params. */
export interface FitParams {
  verbose: 0 | 1 | 2;
  epochs: number;
  /** Batches per epoch. */
  steps: number;
}

/**
 * What fit's and evaluate's `callbacks` take: a Callback, or any object with some of Keras' hooks.
 * One without setModel / setParams gets `model` and `params` set on it instead, as Keras' set_model
 * and set_params set them.
 */
export interface CallbackHooks {
  model?: TrainedModel;
  params?: FitParams | null;
  setModel?(model: TrainedModel): void;
  setParams?(params: FitParams): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  /** Gets the last epoch's logs, as Keras' on_train_end does ({} when no epoch ran). */
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

/**
 * Keras' keras.callbacks.Callback: every hook does nothing, so a subclass overrides the ones it
 * needs. fit and evaluate set `model` and `params` before the first hook runs:
 * `class StopAt extends Callback { override onEpochEnd(epoch: number) { if (epoch === 3) this.model.stopTraining = true; } }`.
 */
export class Callback implements CallbackHooks {
  /** Keras' callback.params: fit's { verbose, epochs, steps } (evaluate's, with epochs 1); null before either runs the callback. */
  params: FitParams | null = null;
  // Not an own enumerable field: printing or comparing a callback shows its own state, not the whole model.
  #model: TrainedModel | null = null;

  /** Keras' callback.model: the model whose fit or evaluate runs the callback; a ConfigError before one has. */
  get model(): TrainedModel {
    if (this.#model === null) throw new ConfigError(`${this.constructor.name}: this.model is set when fit or evaluate runs the callback, and neither has run it yet`);
    return this.#model;
  }

  setModel(model: TrainedModel): void {
    this.#model = model;
  }

  setParams(params: FitParams): void {
    this.params = params;
  }

  onTrainBegin(_logs: Logs): void | Promise<void> {}
  onTrainEnd(_logs: Logs): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs: Logs): void | Promise<void> {}
  /** As Keras' on_train_batch_begin, calls onBatchBegin: a subclass with only the older name still runs. */
  onTrainBatchBegin(batch: number, logs: Logs): void | Promise<void> {
    return this.onBatchBegin(batch, logs);
  }
  /** As Keras' on_train_batch_end, calls onBatchEnd. */
  onTrainBatchEnd(batch: number, logs: Logs): void | Promise<void> {
    return this.onBatchEnd(batch, logs);
  }
  onBatchBegin(_batch: number, _logs: Logs): void | Promise<void> {}
  onBatchEnd(_batch: number, _logs: Logs): void | Promise<void> {}
  onTestBegin(_logs: Logs): void | Promise<void> {}
  onTestEnd(_logs: Logs): void | Promise<void> {}
  onTestBatchBegin(_batch: number, _logs: Logs): void | Promise<void> {}
  onTestBatchEnd(_batch: number, _logs: Logs): void | Promise<void> {}
}

/**
 * Keras' CallbackList(model=..., **params): every callback gets the model, then every one the
 * params; an object without setModel / setParams gets them as `model` / `params`. @internal
 */
export function attachCallbacks(callbacks: readonly CallbackHooks[], model: TrainedModel, params: FitParams): void {
  // Reflect.set: a frozen object or one whose `model` is a getter keeps its own, rather than fit throwing.
  for (const cb of callbacks) {
    if (typeof cb.setModel === 'function') cb.setModel(model);
    else Reflect.set(cb, 'model', model);
  }
  for (const cb of callbacks) {
    if (typeof cb.setParams === 'function') cb.setParams(params);
    else Reflect.set(cb, 'params', params);
  }
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
export function callbackList(value: unknown, where: string): CallbackHooks[] {
  if (value === undefined || value === null) return [];
  const list: unknown[] = Array.isArray(value) ? value : [value];
  list.forEach((cb, i) => {
    if (cb === null || typeof cb !== 'object') {
      // JSON.stringify says "undefined" for a function: a bare hook function is the likely mistake.
      const received = typeof cb === 'function' ? 'a function (wrap it: new LambdaCallback({ onEpochEnd: fn }), or { onEpochEnd: fn })' : describeOptions(cb);
      throw new ConfigError(`${where}: option 'callbacks' must be a list of callback objects (with onEpochEnd and the like), received ${received} at index ${i}`);
    }
    const prototype: unknown = Object.getPrototypeOf(cb);
    if (prototype !== Object.prototype && prototype !== null) return;
    for (const [key, hook] of Object.entries(cb)) {
      if (typeof hook !== 'function' || HOOKS.includes(key)) continue;
      const suggestion = suggestKey(key, HOOKS);
      throw new ConfigError(`${where}: the callback at index ${i} has '${key}', which no hook is named${suggestion === null ? '' : ` (did you mean '${suggestion}'?)`}; Keras' hooks are ${HOOKS.slice(2).join(', ')}`);
    }
  });
  return list as CallbackHooks[];
}

/** Keras' Callback.on_train_batch_begin calls on_batch_begin: a callback with only the old name gets it. @internal */
export function trainBatchBegin(cb: CallbackHooks, batch: number, logs: Logs): void | Promise<void> {
  return cb.onTrainBatchBegin ? cb.onTrainBatchBegin(batch, logs) : cb.onBatchBegin?.(batch, logs);
}

/** As trainBatchBegin, for on_train_batch_end and on_batch_end. @internal */
export function trainBatchEnd(cb: CallbackHooks, batch: number, logs: Logs): void | Promise<void> {
  return cb.onTrainBatchEnd ? cb.onTrainBatchEnd(batch, logs) : cb.onBatchEnd?.(batch, logs);
}

/** Keras' History: `history[key]` holds one value per epoch; `model` and `params` are those of the fit that filled it. */
export class History extends Callback {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};

  override onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) (this.history[key] ??= []).push(value);
  }
}

export type MonitorMode = 'auto' | 'min' | 'max';

/** Keras' warning of a monitor the epoch's logs lack (a typo, or validation that did not run this epoch). @internal */
export function warnUnavailable(what: string, logs: Logs): void {
  console.warn(`wasm-rnn: ${what}. Available metrics are: ${Object.keys(logs).join(',')}`);
}

/**
 * Keras' MonitorCallback, the base of EarlyStopping, ReduceLROnPlateau and ModelCheckpoint: the
 * monitored log key, whether it should go up or down, and what counts as an improvement.
 */
export abstract class MonitorCallback extends Callback {
  readonly monitor: string;
  readonly mode: MonitorMode;
  /** Always the absolute value, as Keras takes it. */
  readonly minDelta: number;
  private readonly where: string;
  /** Keras' monitor_op: null until setMonitorOp resolves it. */
  private maximise: boolean | null = null;

  protected constructor(where: string, monitor: unknown, mode: unknown, minDelta: number) {
    super();
    if (typeof monitor !== 'string') throw new ConfigError(`${where}: option 'monitor' must be a log key such as 'val_loss', received ${quoted(monitor)}`);
    if (mode !== 'auto' && mode !== 'min' && mode !== 'max') throw new ConfigError(`${where}: option 'mode' must be 'auto', 'min' or 'max', received ${quoted(mode)}`);
    this.where = where;
    this.monitor = monitor;
    this.mode = mode;
    this.minDelta = Math.abs(minDelta);
  }

  /**
   * Keras' _set_monitor_op, called where Keras calls it (the first epoch end, once the model's
   * metrics are built). 'auto' minimises 'loss' and 'val_loss' and otherwise takes the direction of
   * the compiled metric whose metric.name is the monitor without 'val_'; a per-output key such as
   * 'out_loss' or 'out_accuracy' names no metric, and Keras raises on it too.
   */
  protected setMonitorOp(): void {
    if (this.maximise !== null) return;
    if (this.mode !== 'auto') {
      this.maximise = this.mode === 'max';
      return;
    }
    const name = this.monitor.startsWith('val_') ? this.monitor.slice(4) : this.monitor;
    let maximise: boolean | null = name === 'loss' ? false : null;
    const metrics = this.model.compiledMetrics?.() ?? [];
    // As Keras' loop: the last metric of that name decides.
    for (const metric of metrics) if (metric.name === name) maximise = metric.direction === 'up';
    if (maximise === null) {
      const known = metrics.length === 0 ? 'the model has no compiled metrics' : `the compiled metrics are ${metrics.map((m) => `'${m.name}'`).join(', ')}`;
      throw new ConfigError(`${this.where}: received monitor '${this.monitor}', and mode 'auto' cannot tell whether it should be maximised or minimised: it is not 'loss' nor a compiled metric (${known}; Keras raises alike); pass mode: 'max' to keep the highest value, or mode: 'min' the lowest`);
    }
    this.maximise = maximise;
  }

  /** Keras' _is_improvement: better than `reference` by more than minDelta; anything improves on null (Keras' None). */
  protected isImprovement(value: number, reference: number | null): boolean {
    if (reference === null) return true;
    this.setMonitorOp();
    return this.maximise ? value - this.minDelta > reference : value + this.minDelta < reference;
  }
}

export interface EarlyStoppingOptions {
  /** The log key to watch; default 'val_loss'. */
  monitor?: string;
  minDelta?: number;
  patience?: number;
  /** 'auto' (the default) takes the direction from the compiled metric the monitor names, as Keras 3. */
  mode?: MonitorMode;
  baseline?: number | null;
  restoreBestWeights?: boolean;
  startFromEpoch?: number;
  /** 1: prints Keras' "Epoch N: early stopping" (and the restore) line; default 0. */
  verbose?: 0 | 1;
}

const EARLY_STOPPING_KEYS = ['monitor', 'minDelta', 'patience', 'mode', 'baseline', 'restoreBestWeights', 'startFromEpoch', 'verbose'];

/** Keras' EarlyStopping: stops when `monitor` has not improved for `patience` epochs. */
export class EarlyStopping extends MonitorCallback {
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  /** The epoch training stopped at, or 0. */
  stoppedEpoch = 0;
  bestEpoch = 0;
  private readonly baseline: number | null;
  private readonly startFromEpoch: number;
  private wait = 0;
  private best: number | null = null;
  private bestWeights: Tensor[] | null = null;

  private readonly verbose: boolean;

  constructor(options: EarlyStoppingOptions = {}) {
    checkOptionsObject(options, 'EarlyStopping', "{ monitor: 'val_loss', patience: 2 }");
    checkKnownKeys(options, EARLY_STOPPING_KEYS, 'EarlyStopping');
    super('EarlyStopping', options.monitor ?? 'val_loss', options.mode ?? 'auto', options.minDelta ?? 0);
    if (options.verbose !== undefined && options.verbose !== 0 && options.verbose !== 1) throw new ConfigError(`EarlyStopping: option 'verbose' must be 0 or 1, received ${quoted(options.verbose)}`);
    this.verbose = options.verbose === 1;
    this.patience = options.patience ?? 0;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.baseline = options.baseline ?? null;
    this.startFromEpoch = options.startFromEpoch ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new ConfigError(`EarlyStopping: option 'patience' must be a non-negative integer, received ${quoted(options.patience)}`);
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = null;
    this.bestWeights = null;
    this.bestEpoch = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    this.setMonitorOp();
    const current = logs[this.monitor];
    if (current === undefined) warnUnavailable(`Early stopping conditioned on metric \`${this.monitor}\` which is not available`, logs);
    if (current === undefined || epoch < this.startFromEpoch) return;
    // As Keras: the first epoch's weights are kept in case nothing ever improves.
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.bestWeights = this.model.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.model.getWeights();
      if (this.baseline === null || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  /** As Keras 3: the best epoch's weights come back at the end of training, whether it stopped early or ran every epoch. */
  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights) {
      if (this.verbose) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.model.setWeights(this.bestWeights);
    }
  }
}

/** Python's f"{value:.{digits}f}" or f"{value:.{digits}e}": nan, inf and a two-digit signed exponent (2.5000e-05). @internal */
export function pythonFormat(value: number, type: 'f' | 'e', digits: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const format = (v: number, d: number) => (type === 'f' ? v.toFixed(d) : v.toExponential(d));
  let text = format(value, digits);
  // JavaScript rounds an exact tie away from zero, Python to even: f"{0.03125:.4f}" is '0.0312'. A
  // double is a tie only if its exact expansion (shown by 30 more digits) stops at a 5 there.
  const extra = Math.min(100, digits + 30) - digits;
  const [exact = '', exactExponent] = format(Math.abs(value), digits + extra).split('e');
  if (extra > 0 && /^50*$/.test(exact.slice(exact.length - extra))) {
    const kept = exact.slice(0, exact.length - extra).replace(/\.$/, '');
    if (Number(kept[kept.length - 1]) % 2 === 0) text = `${value < 0 ? '-' : ''}${kept}${exactExponent === undefined ? '' : `e${exactExponent}`}`;
  }
  if (type === 'f') return text;
  const [mantissa = '', exponent = '0'] = text.split('e');
  return `${mantissa}e${Number(exponent) < 0 ? '-' : '+'}${String(Math.abs(Number(exponent))).padStart(2, '0')}`;
}

/**
 * The order Keras 3 prints the logs in: its CallbackList sorts them (pythonify_logs) before the
 * progress bar sees them, which keeps the order of the first batch's (sorted) keys and adds the
 * epoch end's validation keys after them: `accuracy: … - loss: … - val_accuracy: … - val_loss: …`.
 */
function progressOrder(logs: Logs): string[] {
  const keys = Object.keys(logs).sort();
  return [...keys.filter((k) => !k.startsWith('val_')), ...keys.filter((k) => k.startsWith('val_'))];
}

/** Keras' progress line: `2/8 ━━━━━━━━━━━━━━━━━━━━ 0s 12ms/step - loss: 0.4123`. @internal */
export function progressLine(step: number, steps: number, elapsedMs: number, logs: Logs, withBar = true): string {
  const width = 20;
  const done = Math.floor((width * step) / steps);
  const bar = '\u2501'.repeat(done) + (done < width ? '\u2500'.repeat(width - done) : '');
  const perStep = elapsedMs / Math.max(step, 1);
  const time = step < steps ? `${Math.round((perStep * (steps - step)) / 1000)}s` : `${Math.round(elapsedMs / 1000)}s`;
  const unit = perStep >= 1000 ? `${Math.round(perStep / 1000)}s/step` : perStep >= 1 ? `${Math.round(perStep)}ms/step` : `${Math.round(perStep * 1000)}us/step`;
  // Keras' Progbar: ' %.4f' above 1e-3, else ' %.4e'; the bar compares |value|, verbose=2 the value itself.
  const values = progressOrder(logs).map((k) => `${k}: ${pythonFormat(logs[k], (withBar ? Math.abs(logs[k]) : logs[k]) > 1e-3 ? 'f' : 'e', 4)}`).join(' - ');
  // verbose=2 drops the bar: `8/8 - 0s - 12ms/step - loss: 0.4123`.
  if (!withBar) return `${step}/${steps} - ${time} - ${unit}${values ? ` - ${values}` : ''}`;
  // Keras' Progbar pads the step to the digits of the target ('%{numdigits}d/%d'), so the bar stays put.
  return `${String(step).padStart(String(steps).length)}/${steps} ${bar} ${time} ${unit}${values ? ` - ${values}` : ''}`;
}
