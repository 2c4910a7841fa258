// Keras' callbacks that change the learning rate during fit: LearningRateScheduler and
// ReduceLROnPlateau, with Keras 3's rules (the rate is the optimizer's float32 variable; both add
// `learning_rate` to the epoch's logs, so History records it).
import { ConfigError, quoted } from '../errors.js';
import { checkKnownKeys, checkOptionsObject, keywordFirst } from '../option-keys.js';
import { Callback, MonitorCallback, warnUnavailable, type Logs, type MonitorMode } from './callbacks.js';

function verbosity(value: unknown, where: string): boolean {
  if (value === undefined || value === 0 || value === false) return false;
  if (value === 1 || value === true) return true;
  throw new ConfigError(`${where}: option 'verbose' must be 0 or 1, received ${quoted(value)}`);
}

/** LearningRateScheduler's schedule, Keras' `schedule(epoch, lr)`: the learning rate for an epoch (from 0) given the current one. */
export type LearningRateSchedulerFunction = (epoch: number, learningRate: number) => number;

/**
 * Keras' LearningRateScheduler(schedule, verbose): at the start of every epoch, sets the
 * optimizer's learning rate to `schedule(epoch, currentRate)` (epoch counted from 0).
 */
export class LearningRateScheduler extends Callback {
  readonly schedule: LearningRateSchedulerFunction;
  private readonly verbose: boolean;

  constructor(schedule: LearningRateSchedulerFunction, verbose?: 0 | 1);
  /** Keras' keyword form, LearningRateScheduler(schedule=fn, verbose=1). */
  constructor(options: { schedule: LearningRateSchedulerFunction; verbose?: 0 | 1 });
  constructor(first: LearningRateSchedulerFunction | { schedule: LearningRateSchedulerFunction; verbose?: 0 | 1 }, second?: 0 | 1) {
    super();
    const where = 'LearningRateScheduler';
    let schedule: unknown = first;
    let verbose: unknown = second;
    if (typeof first === 'object' && first !== null) {
      const [given, rest = {}] = keywordFirst<{ verbose?: unknown }>(first, undefined, 'schedule', where);
      if (second !== undefined) throw new ConfigError(`${where}: give the schedule first and verbose after it, or one options object { schedule, verbose }, not both`);
      checkKnownKeys(rest, ['verbose'], where);
      [schedule, verbose] = [given, rest.verbose];
    }
    if (typeof schedule !== 'function') {
      throw new ConfigError(`LearningRateScheduler: schedule must be a function (epoch, learningRate) => learningRate, received ${describe(schedule)}`);
    }
    this.schedule = schedule as LearningRateSchedulerFunction;
    this.verbose = verbosity(verbose, 'LearningRateScheduler');
  }

  override onEpochBegin(epoch: number): void {
    const optimizer = this.model.optimizer;
    const rate: unknown = this.schedule(epoch, optimizer.learningRate);
    if (typeof rate !== 'number' || !Number.isFinite(rate)) {
      throw new ConfigError(`LearningRateScheduler: the schedule must return a finite number, received ${describe(rate)} for epoch ${epoch}`);
    }
    optimizer.learningRate = rate;
    if (this.verbose) console.log(`\nEpoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${rate}.`);
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    logs.learning_rate = this.model.optimizer.learningRate;
  }
}

export interface ReduceLROnPlateauOptions {
  /** The log key to watch; default 'val_loss'. */
  monitor?: string;
  /** The rate is multiplied by it; below 1; default 0.1. */
  factor?: number;
  /** Epochs without improvement before the rate is reduced; default 10. */
  patience?: number;
  verbose?: 0 | 1;
  /** 'auto' (the default) takes the direction from the compiled metric the monitor names, as Keras 3. */
  mode?: MonitorMode;
  /** The least change that counts as an improvement; default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again; default 0. */
  cooldown?: number;
  /** The rate is never reduced below it; default 0. */
  minLr?: number;
}

const PLATEAU_KEYS = ['monitor', 'factor', 'patience', 'verbose', 'mode', 'minDelta', 'cooldown', 'minLr'];

/** Keras' ReduceLROnPlateau: multiplies the learning rate by `factor` once `monitor` stops improving for `patience` epochs. */
export class ReduceLROnPlateau extends MonitorCallback {
  readonly factor: number;
  readonly patience: number;
  readonly cooldown: number;
  readonly minLr: number;
  private readonly verbose: boolean;
  private best: number | null = null;
  private wait = 0;
  private cooldownCounter = 0;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    const where = 'ReduceLROnPlateau';
    checkOptionsObject(options, where, "{ monitor: 'val_loss', factor: 0.5, patience: 2 }");
    checkKnownKeys(options, PLATEAU_KEYS, where);
    super(where, options.monitor ?? 'val_loss', options.mode ?? 'auto', number(options.minDelta, 1e-4, 'minDelta', where));
    this.factor = number(options.factor, 0.1, 'factor', where);
    // Keras: "ReduceLROnPlateau does not support a factor >= 1.0".
    if (!(this.factor < 1 && this.factor > 0)) throw new ConfigError(`${where}: option 'factor' must be in (0, 1) (the rate is multiplied by it; Keras refuses factor >= 1), received ${this.factor}`);
    this.patience = count(options.patience, 10, 'patience', where);
    this.cooldown = count(options.cooldown, 0, 'cooldown', where);
    this.minLr = number(options.minLr, 0, 'minLr', where);
    if (this.minLr < 0) throw new ConfigError(`${where}: option 'minLr' must be a non-negative number, received ${this.minLr}`);
    this.verbose = verbosity(options.verbose, where);
  }

  override onTrainBegin(): void {
    this.best = null;
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    this.setMonitorOp();
    const optimizer = this.model.optimizer;
    logs.learning_rate = optimizer.learningRate;
    const current = logs[this.monitor];
    if (current === undefined) {
      warnUnavailable(`Learning rate reduction is conditioned on metric \`${this.monitor}\` which is not available`, logs);
      return;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.wait = 0;
      return;
    }
    if (this.cooldownCounter > 0) return;
    this.wait += 1;
    if (this.wait < this.patience) return;
    const old = optimizer.learningRate;
    if (old > Math.fround(this.minLr)) {
      const next = Math.max(old * this.factor, this.minLr);
      optimizer.learningRate = next;
      if (this.verbose) console.log(`\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${next}.`);
      this.cooldownCounter = this.cooldown;
      this.wait = 0;
    }
  }
}

function number(value: unknown, fallback: number, key: string, where: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ConfigError(`${where}: option '${key}' must be a finite number, received ${describe(value)}`);
  return value;
}

function count(value: unknown, fallback: number, key: string, where: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 0) throw new ConfigError(`${where}: option '${key}' must be a non-negative integer, received ${describe(value)}`);
  return value as number;
}

function describe(value: unknown): string {
  return typeof value === 'function' ? 'a function' : typeof value === 'number' || value === null || typeof value === 'boolean' ? String(value) : quoted(value) ?? typeof value;
}
