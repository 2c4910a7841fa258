// Keras' other built-in callbacks: LambdaCallback, TerminateOnNaN, CSVLogger and ModelCheckpoint,
// with Keras 3's behaviour (the names of the hooks, the CSV's columns and number spelling, the
// checkpoint's filepath formatting and best-value rule).
import { ConfigError, quoted } from '../errors.js';
import { checkKnownKeys, checkOptionsObject, keywordFirst } from '../option-keys.js';
import { isNode, makeNodeDirectory, readNodeTextFile, writeNodeTextFile } from '../platform.js';
import { Callback, MonitorCallback, pythonFormat, type Logs, type MonitorMode } from './callbacks.js';

type EpochHook = (epoch: number, logs: Logs) => void | Promise<void>;
type BatchHook = (batch: number, logs: Logs) => void | Promise<void>;
type TrainHook = (logs: Logs) => void | Promise<void>;

export interface LambdaCallbackOptions {
  onEpochBegin?: EpochHook;
  onEpochEnd?: EpochHook;
  onTrainBegin?: TrainHook;
  onTrainEnd?: TrainHook;
  onTrainBatchBegin?: BatchHook;
  onTrainBatchEnd?: BatchHook;
  /** Keras' on_batch_begin: the same as onTrainBatchBegin. */
  onBatchBegin?: BatchHook;
  /** Keras' on_batch_end: the same as onTrainBatchEnd. */
  onBatchEnd?: BatchHook;
}

const LAMBDA_KEYS = ['onEpochBegin', 'onEpochEnd', 'onTrainBegin', 'onTrainEnd', 'onTrainBatchBegin', 'onTrainBatchEnd', 'onBatchBegin', 'onBatchEnd'];

/** Keras' LambdaCallback: a callback made of the functions given, e.g. `new LambdaCallback({ onEpochEnd: (epoch, logs) => ... })`. */
export class LambdaCallback extends Callback {
  constructor(options: LambdaCallbackOptions = {}) {
    super();
    checkOptionsObject(options, 'LambdaCallback', '{ onEpochEnd: (epoch, logs) => {} }');
    checkKnownKeys(options, LAMBDA_KEYS, 'LambdaCallback');
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined && typeof value !== 'function') throw new ConfigError(`LambdaCallback: option '${key}' must be a function, received ${quoted(value)}`);
    }
    // fit calls onBatchBegin / onBatchEnd only where onTrainBatchBegin / End are missing: with both, one would never run.
    if (options.onBatchBegin && options.onTrainBatchBegin) throw new ConfigError("LambdaCallback: give one of 'onBatchBegin' and 'onTrainBatchBegin' (they are the same hook)");
    if (options.onBatchEnd && options.onTrainBatchEnd) throw new ConfigError("LambdaCallback: give one of 'onBatchEnd' and 'onTrainBatchEnd' (they are the same hook)");
    // Own properties over Callback's no-op hooks; Callback's onTrainBatchBegin / End still reach onBatchBegin / End.
    for (const [key, hook] of Object.entries(options)) if (hook !== undefined) Object.defineProperty(this, key, { value: hook, writable: true, configurable: true });
  }
}

/** Keras' TerminateOnNaN: stops training after the first batch whose loss is NaN or infinite. */
export class TerminateOnNaN extends Callback {
  override onTrainBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (loss === undefined || Number.isFinite(loss)) return;
    console.log(`Batch ${batch}: Invalid loss, terminating training`);
    this.model.stopTraining = true;
  }
}

/** Python's repr of a float, as Keras' CSV rows and filepaths spell the logs: 1.0, 0.5, 1e-05, nan, inf. */
function pythonFloat(value: number): string {
  if (!Number.isFinite(value)) return pythonFormat(value, 'f', 0);
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  const fixed = String(value);
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}

export interface CSVLoggerOptions {
  /** The column separator; default ','. */
  separator?: string;
  /** Append to an existing file (its header kept) instead of overwriting it; default false. */
  append?: boolean;
}

/**
 * Keras' CSVLogger(filename, separator, append): in Node, writes one row per epoch, `epoch` then
 * the logs' keys sorted (with `val_` columns, "NA" when there is no validation, as Keras 3 does).
 */
export class CSVLogger extends Callback {
  readonly filename: string | URL;
  readonly separator: string;
  readonly append: boolean;
  private keys: string[] | null = null;
  private writeHeader = true;

  constructor(filename: string | URL, options?: CSVLoggerOptions);
  /** Keras' keyword form, CSVLogger(filename='log.csv', append=True). */
  constructor(options: CSVLoggerOptions & { filename: string | URL });
  constructor(first: string | URL | (CSVLoggerOptions & { filename: string | URL }), second?: CSVLoggerOptions) {
    super();
    const [filename, options = {}] = keywordFirst(first, second, 'filename', 'CSVLogger');
    if (!(typeof filename === 'string' && filename !== '') && !(filename instanceof URL)) {
      throw new ConfigError(`CSVLogger: filename must be a file path or file: URL, received ${quoted(filename)}`);
    }
    checkOptionsObject(options, 'CSVLogger', "{ separator: ',', append: false }");
    checkKnownKeys(options, ['separator', 'append'], 'CSVLogger');
    this.separator = options.separator ?? ',';
    if (typeof this.separator !== 'string' || this.separator.length !== 1) throw new ConfigError(`CSVLogger: option 'separator' must be one character, received ${quoted(options.separator)}`);
    this.append = options.append ?? false;
    if (typeof this.append !== 'boolean') throw new ConfigError(`CSVLogger: option 'append' must be a boolean, received ${quoted(options.append)}`);
    this.filename = filename;
  }

  override async onTrainBegin(): Promise<void> {
    if (!isNode()) throw new ConfigError('CSVLogger: writes a file, which only Node can; in a browser, collect the logs with a LambdaCallback or the returned History');
    this.keys = null;
    try {
      if (this.append) {
        const existing = await readNodeTextFile(this.filename);
        this.writeHeader = existing === undefined || existing.split('\n', 1)[0] === '';
      } else {
        this.writeHeader = true;
        await writeNodeTextFile(this.filename, '');
      }
    } catch (error) {
      // As Keras' CSVLogger, it creates no folder; the reason is Node's (a missing folder, no permission).
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(`CSVLogger: cannot write ${quoted(String(this.filename))} (${reason}); its folder must exist and be writable, as for Keras' CSVLogger`, { cause: error });
    }
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.keys === null) {
      const keys = Object.keys(logs).sort();
      this.keys = keys.some((key) => key.startsWith('val_')) ? keys : [...keys, ...keys.map((key) => `val_${key}`)];
    }
    const cell = (text: string) => (text.includes(this.separator) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
    let text = '';
    if (this.writeHeader) {
      text += `${['epoch', ...this.keys].map(cell).join(this.separator)}\r\n`;
      this.writeHeader = false;
    }
    const values = this.keys.map((key) => (logs[key] === undefined ? 'NA' : pythonFloat(logs[key] as number)));
    text += `${[String(epoch), ...values].map(cell).join(this.separator)}\r\n`;
    await writeNodeTextFile(this.filename, text, true);
  }
}

export interface ModelCheckpointOptions {
  /** The log key `saveBestOnly` compares; default 'val_loss'. */
  monitor?: string;
  /** 1: prints Keras' "Epoch N: saving model to ..." lines; default 0. */
  verbose?: 0 | 1;
  /** Save only when `monitor` improves on the best so far; default false. */
  saveBestOnly?: boolean;
  /** Save the weights (a `.weights.h5` file) instead of the whole model (a `.keras` file); default false. */
  saveWeightsOnly?: boolean;
  /** 'auto' (the default) takes the direction from the compiled metric the monitor names, as Keras 3. */
  mode?: MonitorMode;
  /**
   * 'epoch' (the default): a checkpoint at the end of every epoch. A positive integer N: one every
   * N batches, counted across epochs as Keras counts them; the filepath may then use {batch} (from 1).
   */
  saveFreq?: 'epoch' | number;
  /** The value `monitor` must improve on for the first save; default none. */
  initialValueThreshold?: number;
}

const CHECKPOINT_KEYS = ['monitor', 'verbose', 'saveBestOnly', 'saveWeightsOnly', 'mode', 'saveFreq', 'initialValueThreshold'];

/**
 * Keras' ModelCheckpoint(filepath, ...): saves the model (or its weights) at the end of each
 * epoch to `filepath`, formatted as Python formats it with `epoch` (from 1) and the logs:
 * 'ckpt/model-{epoch:02d}-{val_loss:.2f}.keras'.
 */
export class ModelCheckpoint extends MonitorCallback {
  readonly filepath: string;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  /** The best value of `monitor` so far: initialValueThreshold, or null (Keras' None) before the first. */
  best: number | null;
  private readonly verbose: boolean;
  /** Batches between checkpoints, or null for one per epoch. */
  private readonly batchesPerSave: number | null;
  private currentEpoch = 0;
  private lastBatchSeen = 0;
  private batchesSinceSave = 0;

  constructor(filepath: string, options?: ModelCheckpointOptions);
  /** Keras' keyword form, ModelCheckpoint(filepath='best.keras', save_best_only=True). */
  constructor(options: ModelCheckpointOptions & { filepath: string });
  constructor(first: string | (ModelCheckpointOptions & { filepath: string }), second?: ModelCheckpointOptions) {
    const where = 'ModelCheckpoint';
    const [filepath, options = {}] = keywordFirst(first, second, 'filepath', where);
    if (typeof filepath !== 'string' || filepath === '') throw new ConfigError(`${where}: filepath must be a non-empty file path such as 'model-{epoch:02d}.keras', received ${quoted(filepath)}`);
    checkOptionsObject(options, where, "{ monitor: 'val_loss', saveBestOnly: true }");
    checkKnownKeys(options, CHECKPOINT_KEYS, where);
    super(where, options.monitor ?? 'val_loss', options.mode ?? 'auto', 0);
    this.filepath = filepath;
    this.saveBestOnly = flag(options.saveBestOnly, 'saveBestOnly', where);
    this.saveWeightsOnly = flag(options.saveWeightsOnly, 'saveWeightsOnly', where);
    if (options.verbose !== undefined && options.verbose !== 0 && options.verbose !== 1) throw new ConfigError(`${where}: option 'verbose' must be 0 or 1, received ${quoted(options.verbose)}`);
    this.verbose = options.verbose === 1;
    const saveFreq = options.saveFreq ?? 'epoch';
    if (saveFreq !== 'epoch' && !(Number.isSafeInteger(saveFreq) && saveFreq > 0)) {
      throw new ConfigError(`${where}: option 'saveFreq' must be 'epoch' or a positive integer number of batches, received ${quoted(options.saveFreq)}`);
    }
    this.batchesPerSave = saveFreq === 'epoch' ? null : saveFreq;
    // Keras 3 refuses other extensions.
    if (this.saveWeightsOnly && !filepath.endsWith('.weights.h5')) {
      throw new ConfigError(`${where}: with saveWeightsOnly the filepath must end in .weights.h5 (Keras 3's rule), received ${quoted(filepath)}`);
    }
    if (!this.saveWeightsOnly && !filepath.endsWith('.keras') && !filepath.endsWith('.h5')) {
      throw new ConfigError(`${where}: the filepath must end in .keras or .h5 (Keras 3's rule; .weights.h5 with saveWeightsOnly), received ${quoted(filepath)}`);
    }
    const threshold = options.initialValueThreshold;
    if (threshold !== undefined && (typeof threshold !== 'number' || Number.isNaN(threshold))) throw new ConfigError(`${where}: option 'initialValueThreshold' must be a number, received ${quoted(threshold)}`);
    this.best = threshold ?? null;
  }

  override onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
  }

  override async onTrainBatchEnd(batch: number, logs: Logs): Promise<void> {
    if (this.batchesPerSave === null) return;
    // Keras' _should_save_on_batch: a batch index not past the last one seen starts a new epoch.
    this.batchesSinceSave += batch <= this.lastBatchSeen ? batch + 1 : batch - this.lastBatchSeen;
    this.lastBatchSeen = batch;
    if (this.batchesSinceSave < this.batchesPerSave) return;
    this.batchesSinceSave = 0;
    await this.save(formatPath(this.filepath, this.currentEpoch + 1, logs, batch + 1), logs, this.currentEpoch);
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    this.setMonitorOp();
    if (this.batchesPerSave !== null) return;
    await this.save(formatPath(this.filepath, epoch + 1, logs), logs, epoch);
  }

  /** Keras' _should_save_model and _save_model, with their messages (a batch checkpoint's say its epoch only, as Keras'). */
  private async save(path: string, logs: Logs, epoch: number): Promise<void> {
    const when = `\nEpoch ${epoch + 1}`;
    const current = logs[this.monitor];
    if (this.saveBestOnly && current === undefined) {
      // Keras warns and saves, as if saveBestOnly were off.
      console.warn(`wasm-rnn: ModelCheckpoint: Can save best model only with ${this.monitor} available.`);
    } else if (this.saveBestOnly && current !== undefined) {
      const best = this.best === null ? 'None' : pythonFormat(this.best, 'f', 5);
      if (!this.isImprovement(current, this.best)) {
        if (this.verbose) console.log(`${when}: ${this.monitor} did not improve from ${best}`);
        return;
      }
      if (this.verbose) console.log(`${when}: ${this.monitor} improved from ${best} to ${pythonFormat(current, 'f', 5)}, saving model to ${path}`);
      this.best = current;
    } else if (this.verbose) {
      console.log(`${when}: saving model to ${path}`);
    }
    // Keras' _save_model creates the folder (file_utils.makedirs) first.
    const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    if (slash >= 0 && isNode()) await makeNodeDirectory(path.slice(0, slash) || path.slice(0, 1));
    await (this.saveWeightsOnly ? this.model.saveWeights(path) : this.model.save(path));
    if (this.verbose) console.log(`${when}: finished saving model to ${path}`);
  }
}

function flag(value: unknown, key: string, where: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new ConfigError(`${where}: option '${key}' must be a boolean, received ${quoted(value)}`);
  return value;
}

/**
 * Python's str.format for the fields a checkpoint path uses: {epoch}, {epoch:02d}, {val_loss:.2f},
 * {loss:.3e}, and {batch} for checkpoints every N batches (Keras passes batch only then).
 */
function formatPath(pattern: string, epoch: number, logs: Logs, batch?: number): string {
  return pattern.replace(/\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)(?::([^{}]*))?\}/g, (whole, name: string | undefined, spec: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const isInteger = name === 'epoch' || (name === 'batch' && batch !== undefined);
    const value = name === 'epoch' ? epoch : name === 'batch' && batch !== undefined ? batch : logs[name as string];
    if (value === undefined) {
      throw new ConfigError(`ModelCheckpoint: cannot format the filepath ${quoted(pattern)}: no log named '${name}'; the fields are epoch, ${batch !== undefined ? 'batch, ' : ''}${Object.keys(logs).join(', ')}`);
    }
    return formatField(value, isInteger, spec ?? '', pattern);
  });
}

/** One field: `isInteger` for Python ints (the epoch); Keras' logs are Python floats. */
function formatField(value: number, isInteger: boolean, spec: string, pattern: string): string {
  const fail = (why: string) => new ConfigError(`ModelCheckpoint: cannot format the filepath ${quoted(pattern)}: ${why}`);
  const match = /^(0)?(\d+)?(?:\.(\d+))?([dfeg%])?$/.exec(spec);
  if (!match) throw fail(`format spec '${spec}' is not one of d, .Nf, .Ne, .Ng, % with an optional (0-padded) width`);
  const [, zero, widthText, precisionText, type] = match;
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  const magnitude = Math.abs(value);
  let text: string;
  if (type === 'd') {
    if (!isInteger) throw fail(`format 'd' is for the epoch; the log values are floats (Python raises the same), use for example .4f`);
    if (precision !== undefined) throw fail("format 'd' takes no precision");
    text = String(magnitude);
  } else if (type === 'f') {
    text = pythonFormat(magnitude, 'f', precision ?? 6);
  } else if (type === '%') {
    text = `${pythonFormat(magnitude * 100, 'f', precision ?? 6)}%`;
  } else if (type === 'e') {
    text = pythonFormat(magnitude, 'e', precision ?? 6);
  } else if (type === 'g' || precision !== undefined) {
    text = pythonFloat(Number(magnitude.toPrecision(Math.max(precision ?? 6, 1))));
    if (type === 'g' && text.endsWith('.0')) text = text.slice(0, -2);
  } else {
    text = isInteger ? String(magnitude) : pythonFloat(magnitude);
  }
  const sign = value < 0 ? '-' : '';
  const width = widthText === undefined ? 0 : Number(widthText);
  return zero ? sign + text.padStart(width - sign.length, '0') : (sign + text).padStart(width, ' ');
}
