// compile / fit / evaluate / trainOnBatch / computeGradients for a model, as
// Keras 3 runs them (../shared/training/README.md, "One training step").
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import { checkKnownKeys, checkOptionsObject } from '../option-keys.js';
import type { Layer } from '../layers/layer.js';
import { sliceBatch } from '../batching.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { runTrainingPass, type TrainingGraph } from './backprop.js';
import { History, attachCallbacks, callbackList, progressLine, trainBatchBegin, trainBatchEnd, type CallbackHooks, type Logs, type TrainedModel } from './callbacks.js';
import { checkTrainable } from './layer-steps.js';
import { activityPenalty, uncountedActivityPenalty } from './activity-penalties.js';
import { applyConstraints, trainedLeafRules, weightPenalty } from './weight-penalties.js';
import { permutation, seededGenerator, type RandomSource } from './random-source.js';
import { checkClassIndices, computeLoss } from './losses.js';
import { MeanTracker, RunningMetric, type MetricDirection } from './metrics.js';
import { resolveOptimizer, type Optimizer, type OptimizerName } from './optimizers.js';
import type { OptimizerWeight } from './optimizer-variables.js';
import { crossentropyByShape, resolveOutputTargets, type LossesArgument, type MetricsArgument, type OutputTarget } from './outputs.js';

/** A Keras optimizer config as get_compile_config() writes it, e.g. { class_name: 'Adam', config: { learning_rate: 0.001 } }. */
export interface KerasOptimizerConfig {
  class_name: string;
  config?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface CompileOptions {
  /** An optimizer name ('sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'nadam', 'adamax', 'adadelta', 'lion', 'ftrl'), an optimizer object, or a Keras optimizer config; default 'rmsprop' as Keras. */
  optimizer?: OptimizerName | Optimizer | KerasOptimizerConfig;
  /** A loss name or a Keras loss config { class_name, config }; with several outputs also one per output (a list in output order, or by output name). */
  loss: LossesArgument;
  /** Keras' loss_weights: the total loss is the sum of each output's loss times its weight (a number, a list in output order, or by output name). */
  lossWeights?: number | readonly (number | null)[] | { readonly [outputName: string]: number } | null;
  /** Metric names, e.g. ['accuracy', 'mae']; with several outputs, per output (a list in output order, or by output name). */
  metrics?: MetricsArgument | null;
  /**
   * Keras' weighted_metrics: metrics computed with the sample weights (and class weights) of fit
   * and evaluate, logged after every metric; a name a metric already has becomes `weighted_<name>`.
   */
  weightedMetrics?: MetricsArgument | null;
}

/** Targets y: a tensor for a single-output model; for several outputs a list in output order, or a dict by output name. */
export type Targets = TensorLike | readonly TensorLike[] | { readonly [outputName: string]: TensorLike };

export interface FitOptions {
  batchSize?: number;
  epochs?: number;
  /**
   * Default true, as in Keras: the training samples are permuted every epoch. A stateful model
   * usually wants false (batch k+1's row i continues batch k's row i); Keras does not force it.
   */
  shuffle?: boolean;
  validationSplit?: number;
  /** [x, y] or [x, y, sampleWeight]. */
  validationData?: readonly unknown[];
  /** Keras' validation_batch_size: the batch size of the validation pass; batchSize when absent. */
  validationBatchSize?: number;
  /** Keras' validation_freq: validate every n epochs (epochs n, 2n, ...), or at the listed epochs (1-based); default 1. */
  validationFreq?: number | readonly number[];
  sampleWeight?: TensorLike;
  /**
   * Keras' class_weight: a weight per class index, multiplying each sample's loss by the weight of
   * its class (the label, or the argmax of a one-hot target; classes not listed weigh 1). One output
   * only, and not together with sampleWeight, as in Keras.
   */
  classWeight?: { readonly [classIndex: number]: number };
  initialEpoch?: number;
  /** Callback objects; one callback alone works too. */
  callbacks?: CallbackHooks | readonly CallbackHooks[];
  /**
   * 0: silent; 1 or 'auto': Keras' progress line (in place on a TTY, once per epoch otherwise);
   * 2: one line per epoch without the bar. Node only. Default 1 in Node, 0 in browsers.
   */
  verbose?: Verbosity;
  /** Seeds the shuffle and dropout generator; default a random seed. */
  seed?: number;
}

/** Keras' verbose argument: 0 silent, 1 (or 'auto') a progress bar, 2 one line per epoch. */
export type Verbosity = 0 | 1 | 2 | 'auto';

export interface EvaluateOptions {
  batchSize?: number;
  sampleWeight?: TensorLike;
  /** 0 (default): prints nothing; 1, 2 or 'auto': Keras' summary line of the loss and metrics (Node only). */
  verbose?: Verbosity;
  /** Keras' return_dict. The result is always the logs by name, and iterates as Keras' list either way. */
  returnDict?: boolean;
}

/**
 * What evaluate resolves to: the logs by name (Keras' `return_dict=True`), which also iterate in
 * Keras' list order, so `const [loss, accuracy] = await model.evaluate(x, y)` reads as Keras' default
 * list does. Where Keras returns a lone number (the loss of a model without metrics), the result
 * also converts to it: `Number(result)`, `${result}`, and in JavaScript `result.toFixed(4)` (typed
 * as the logs, TypeScript reaches it as `result.loss.toFixed(4)`). `loss` is always there, so
 * `result.loss` is a number under `noUncheckedIndexedAccess` too.
 */
export type EvaluateResult = Logs & { readonly loss: number } & Iterable<number>;

/**
 * Keras' _flatten_metrics_in_order: the logs of `metricNames` (Keras' model.metrics: the loss, each
 * compiled metric by its own name, each output's loss) in that order, then every other key sorted,
 * so a multi-output model's `<output>_<metric>` keys come last in name order.
 */
function kerasOrderedResult(logs: Logs, metricNames: readonly string[]): EvaluateResult {
  const values: number[] = [];
  for (const name of metricNames) if (Object.hasOwn(logs, name)) values.push(logs[name]);
  for (const key of Object.keys(logs).sort()) if (!metricNames.includes(key)) values.push(logs[key]);
  // Not enumerable: printing or spreading the result shows the logs only.
  Object.defineProperty(logs, Symbol.iterator, { value: () => values[Symbol.iterator](), enumerable: false });
  const [only] = values;
  if (values.length === 1 && only !== undefined) {
    const define = (key: PropertyKey, value: unknown) => Object.defineProperty(logs, key, { value, enumerable: false });
    define(Symbol.toPrimitive, (hint: string) => (hint === 'string' ? String(only) : only));
    define('valueOf', () => only);
    define('toString', () => String(only));
    define('toFixed', (digits?: number) => only.toFixed(digits));
    define('toPrecision', (precision?: number) => only.toPrecision(precision));
  }
  return logs as EvaluateResult;
}

/** Keras' _should_eval: whether the 0-based epoch validates, for validation_freq n (every n-th, 1-based) or a list of 1-based epochs. */
function validationSchedule(freq: unknown, where: string): (epoch: number) => boolean {
  if (freq === undefined) return () => true;
  if (Number.isInteger(freq) && (freq as number) > 0) return (epoch) => (epoch + 1) % (freq as number) === 0;
  if (Array.isArray(freq) && freq.every((e) => Number.isInteger(e) && e > 0)) return (epoch) => freq.includes(epoch + 1);
  throw new ConfigError(`${where}: option 'validationFreq' must be a positive integer (validate every n epochs) or a list of epochs counted from 1, received ${quoted(freq)}`);
}

/** The weighted metrics that take one weight per sample here, not one per time step. */
const PER_SAMPLE_METRICS: readonly string[] = ['root_mean_squared_error', 'precision', 'recall', 'auc', 'fbeta', 'r2'];

const COMPILE_KEYS = ['optimizer', 'loss', 'lossWeights', 'metrics', 'weightedMetrics'];
const FIT_KEYS = ['batchSize', 'epochs', 'shuffle', 'validationSplit', 'validationData', 'validationBatchSize', 'validationFreq', 'sampleWeight', 'classWeight', 'initialEpoch', 'callbacks', 'verbose', 'seed'];
const EVALUATE_KEYS = ['batchSize', 'sampleWeight', 'verbose', 'callbacks', 'returnDict'];
const BATCH_KEYS = ['sampleWeight'];
const TRAIN_BATCH_KEYS = ['sampleWeight', 'classWeight', 'returnDict'];
const TEST_BATCH_KEYS = ['sampleWeight', 'returnDict'];

/** Options of testOnBatch: Keras' test_on_batch(x, y, sample_weight, return_dict). */
export interface TestOnBatchOptions {
  sampleWeight?: TensorLike;
  /** Keras' return_dict. The result is always the logs by name, and iterates as Keras' list either way. */
  returnDict?: boolean;
}

/** Options of trainOnBatch: Keras' train_on_batch(x, y, sample_weight, class_weight, return_dict). */
export interface TrainOnBatchOptions extends TestOnBatchOptions {
  /** Keras' class_weight: a weight per class index of the one output's targets; not with sampleWeight. */
  classWeight?: { readonly [classIndex: number]: number };
}

function checkReturnDict(value: unknown, where: string): void {
  if (value !== undefined && typeof value !== 'boolean') throw new ConfigError(`${where}: option 'returnDict' must be a boolean, received ${quoted(value)}`);
}

/** Checks an options object of compile, fit, evaluate, trainOnBatch or computeGradients. @internal */
export function checkTrainingOptions(options: unknown, allowed: readonly string[], where: string, example: string): void {
  checkOptionsObject(options, where, example);
  for (const [old, now] of OLD_KERAS_KEYS) {
    if (Object.hasOwn(options as object, old) && allowed.includes(now)) throw new ConfigError(`${where}: unknown option '${old}' (Keras 1's name): it is '${now}' here, as in Keras 2 and 3`);
  }
  checkKnownKeys(options, allowed, where);
}

/** Keras 1's fit / evaluate / predict arguments that Keras 2 renamed, which ported scripts still carry. */
const OLD_KERAS_KEYS: readonly [string, string][] = [['nb_epoch', 'epochs'], ['nbEpoch', 'epochs'], ['samples_per_epoch', 'stepsPerEpoch'], ['nb_val_samples', 'validationSteps']];

/** Keras' verbose values; 'auto' is 1. @internal */
export function verbosity(value: unknown, where: string): 0 | 1 | 2 | undefined {
  if (value === undefined) return undefined;
  if (value === 'auto') return 1;
  if (value === 0 || value === 1 || value === 2) return value;
  if (value === false || value === true) return value ? 1 : 0;
  throw new ConfigError(`${where}: option 'verbose' must be 0, 1, 2 or 'auto', received ${quoted(value)}`);
}

/** Keras' round: halves go to the even integer (numpy's round). */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Keras' class_weight_to_sample_weights: each sample weighs its class's weight; the class is the
 * label itself for y of shape (N,) or (N, 1), else the argmax of the last axis.
 */
function classSampleWeights(y: Tensor, classWeight: unknown, where: string): Float32Array {
  if (classWeight === null || typeof classWeight !== 'object' || Array.isArray(classWeight)) {
    throw new ConfigError(`${where}: option 'classWeight' must be an object of weights by class index such as { 0: 1, 1: 5 }, received ${quoted(classWeight)}`);
  }
  const weights = new Map<number, number>();
  for (const [key, value] of Object.entries(classWeight)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0) throw new ConfigError(`${where}: option 'classWeight' keys must be class indices (non-negative integers), received '${key}'`);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new ConfigError(`${where}: option 'classWeight' values must be finite numbers, received ${quoted(value)} for class ${key}`);
    weights.set(index, value);
  }
  if (y.rank > 2) throw new ShapeError(`${where}: option 'classWeight' needs targets of shape (N,), (N, 1) or (N, classes), received ${formatShape(y.shape)}; use sampleWeight for sequence targets`);
  const n = y.shape[0];
  const width = y.rank === 2 ? y.shape[1] : 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let label: number;
    if (width === 1) {
      label = roundHalfEven(y.data[i]);
    } else {
      label = 0;
      for (let c = 1; c < width; c++) if (y.data[i * width + c] > y.data[i * width + label]) label = c;
    }
    out[i] = weights.get(label) ?? 1;
  }
  return out;
}

/** What the trainer needs of a model. @internal */
export interface TrainableModel extends TrainedModel {
  readonly name: string;
  readonly layers: Layer[];
  /** @internal The layers a training pass runs, a nested model's layers in its place, in getWeights() order. */
  leafLayers(): Layer[];
  /** @internal The leaves that stay as they are: frozen, or inside a frozen nested model. */
  frozenLeafLayers(): Set<Layer>;
  /** @internal */
  trainingGraph(inputs: readonly Tensor[] | null): TrainingGraph;
  /** @internal */
  inputList(x: unknown): Tensor[];
  /** @internal The output layers' names, in output order. */
  readonly outputNames: readonly string[];
}

interface Batch {
  x: Tensor[];
  /** One target per output. */
  y: Tensor[];
  sampleWeight: Float32Array | undefined;
}

/** The running means of an epoch or an evaluate(): the total loss, each output's loss, the metrics. */
interface Trackers {
  total: MeanTracker;
  perOutput: MeanTracker[];
  metrics: RunningMetric[][];
  weightedMetrics: RunningMetric[][];
}

/** A mask on the output: one value per loss row, or undefined. */
function outputMask(mask: Tensor | undefined): Float32Array | undefined {
  return mask?.data;
}

/** The ConfigError of the first layer that cannot train, or null. */
function firstUntrainable(layers: readonly Layer[]): ConfigError | null {
  for (const layer of layers) {
    try {
      checkTrainable(layer);
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
  }
  return null;
}

/** @internal */
export class Trainer {
  readonly optimizer: Optimizer;
  private readonly targets: OutputTarget[];
  private readonly model: TrainableModel;
  private readonly frozen: ReadonlySet<Layer>;
  /** Why the model cannot train (a layer without a backward pass), found at compile and thrown by the training calls only: Keras compiles such a model for evaluate. */
  private readonly untrainable: ConfigError | null;
  private random: RandomSource = seededGenerator((Math.random() * 2 ** 32) >>> 0);
  /** The frozen leaves as the last trainable-state warning (or compile) saw them. */
  private warnedFrozen: ReadonlySet<Layer>;

  constructor(model: TrainableModel, options: CompileOptions) {
    const where = `${model.name}: compile`;
    if (!options || typeof options !== 'object') throw new ConfigError(`${where}: expects options { optimizer, loss, metrics }, received ${String(options)}`);
    checkKnownKeys(options, COMPILE_KEYS, where);
    this.untrainable = firstUntrainable(model.leafLayers());
    this.model = model;
    // As in Keras, compile() fixes which layers train: a later change of `trainable` waits for the next compile().
    this.frozen = model.frozenLeafLayers();
    this.warnedFrozen = this.frozen;
    this.optimizer = resolveOptimizer(options.optimizer ?? 'rmsprop', where);
    this.targets = resolveOutputTargets(model.outputNames, options.loss, options.lossWeights, options.metrics, where, options.weightedMetrics);
  }

  private newTrackers(): Trackers {
    return {
      total: new MeanTracker(),
      perOutput: this.targets.map(() => new MeanTracker()),
      metrics: this.targets.map((t) => t.metrics.map((spec) => new RunningMetric({ ...spec }))),
      weightedMetrics: this.targets.map((t) => t.weightedMetrics.map((spec) => new RunningMetric({ ...spec }))),
    };
  }

  /** Adds one batch of `rows` samples: its total and per-output losses, and the metrics on its predictions. */
  private track(trackers: Trackers, rows: number, loss: number, perOutput: readonly number[], batch: Batch, yPred: readonly Tensor[], masks: readonly (Float32Array | undefined)[]): void {
    trackers.total.add(loss * rows, rows);
    perOutput.forEach((l, i) => trackers.perOutput[i].add(l * rows, rows));
    const { y, sampleWeight } = batch;
    trackers.metrics.forEach((metrics, i) => { for (const m of metrics) m.update(y[i], yPred[i], masks[i], `${this.model.name}: metric ${m.name}`); });
    trackers.weightedMetrics.forEach((metrics, i) => { for (const m of metrics) m.update(y[i], yPred[i], masks[i], `${this.model.name}: weighted metric ${m.name}`, sampleWeight); });
  }

  private batchOf(x: readonly Tensor[], y: readonly Tensor[], sampleWeight: Float32Array | undefined, indices: readonly number[] | null, start: number, end: number): Batch {
    // One weight per sample, or per time step ((samples, timesteps) weights): `stride` per sample.
    const stride = sampleWeight ? sampleWeight.length / Math.max(x[0]?.shape[0] ?? 1, 1) : 1;
    if (!indices) {
      return { x: x.map((t) => sliceBatch(t, start, end)), y: y.map((t) => sliceBatch(t, start, end)), sampleWeight: sampleWeight?.subarray(start * stride, end * stride) };
    }
    const pick = (t: Tensor) => {
      const row = t.size / t.shape[0];
      const out = new Float32Array((end - start) * row);
      for (let i = start; i < end; i++) out.set(t.data.subarray(indices[i] * row, (indices[i] + 1) * row), (i - start) * row);
      return new Tensor(out, [end - start, ...t.shape.slice(1)]);
    };
    const pickWeights = (weights: Float32Array) => {
      const out = new Float32Array((end - start) * stride);
      for (let i = start; i < end; i++) out.set(weights.subarray(indices[i] * stride, (indices[i] + 1) * stride), (i - start) * stride);
      return out;
    };
    return { x: x.map(pick), y: y.map(pick), sampleWeight: sampleWeight ? pickWeights(sampleWeight) : undefined };
  }

  /**
   * Each output's loss on one batch and their weighted sum, as Keras adds them: in float32, the
   * loss times its weight, summed in output order; with the gradient of the sum for each output.
   */
  private lossesOn(batch: Batch, yPred: readonly Tensor[], masks: readonly (Float32Array | undefined)[]): { loss: number; perOutput: number[]; gradients: Float32Array[] } {
    const perOutput: number[] = [];
    const gradients: Float32Array[] = [];
    let loss = 0;
    let unreduced: { name: string; count: number } | null = null;
    this.targets.forEach((target, i) => {
      if (target.loss === null) {
        // No loss, no gradient: what comes only from this output is not trained, as in Keras.
        perOutput.push(0);
        gradients.push(new Float32Array(yPred[i].size));
        return;
      }
      const result = computeLoss(target.loss, batch.y[i], yPred[i], masks[i], batch.sampleWeight, this.targets.length > 1 ? `${this.model.name} (output ${target.name})` : this.model.name);
      // Keras adds the outputs' losses as tensors: unreduced ones of different sizes do not add up.
      if (result.values) {
        if (unreduced && unreduced.count !== result.values.length) {
          throw new ConfigError(`${this.model.name}: the losses of outputs ${unreduced.name} and ${target.name} have reduction 'none' with ${unreduced.count} and ${result.values.length} values per batch, which Keras cannot add into one loss; reduce one of them`);
        }
        unreduced = { name: target.name, count: result.values.length };
      }
      perOutput.push(result.loss);
      const w = target.weight;
      loss = this.targets.length === 1 && w === null ? result.loss : Math.fround(loss + (w === null ? result.loss : Math.fround(result.loss * w)));
      gradients.push(w === null || w === 1 ? result.gradient : result.gradient.map((g) => g * w));
    });
    return { loss, perOutput, gradients };
  }

  /**
   * What the training calls refuse, before any work, with the reason: a layer without a backward
   * pass, and a loss that is not a scalar. Keras 3 differentiates the loss as compute_loss returns
   * it: with reduction 'none' a tensor of one value per sample, which its torch and JAX backends
   * refuse to differentiate (its TensorFlow backend takes the gradient of the sum).
   */
  private checkCanTrain(what: string): void {
    if (this.untrainable) throw this.untrainable;
    this.checkLossCall(what);
    const unreduced = this.targets.find((t) => t.loss?.reduction === 'none');
    if (!unreduced) return;
    const whose = this.targets.length > 1 ? ` of output ${unreduced.name}` : '';
    throw new ConfigError(`${this.model.name}: ${what}: the loss${whose} has reduction 'none', which leaves one loss value per sample, and training needs one scalar to differentiate (Keras 3's torch and JAX backends raise on it too); compile with 'sum_over_batch_size' (the default), 'sum', 'mean' or 'mean_with_sample_weight' to train; evaluate() takes 'none' (its loss is the mean of the values)`);
  }

  /** Forward in training mode, the losses and the gradients on one batch; the tapes are released. */
  private gradientsOn(batch: Batch): { loss: number; perOutput: number[]; gradients: Float32Array[]; yPred: Tensor[]; masks: (Float32Array | undefined)[] } {
    const graph = this.model.trainingGraph(batch.x);
    graph.checkInputs(batch.x, this.model.name);
    const leaves = this.model.leafLayers();
    const rules = trainedLeafRules(leaves, this.frozen);
    const pass = runTrainingPass(graph, leaves, batch.x, this.random);
    try {
      const yPred = pass.outputs;
      const masks = pass.masks.map(outputMask);
      const outputLosses = this.lossesOn(batch, yPred, masks);
      const gradients = pass.backward(outputLosses.gradients);
      // Keras' compute_loss adds the layers' losses (activity, then weight regularizers) to the
      // total, and differentiates it all; each output's logged loss leaves them out.
      let loss = pass.addedLoss === 0 ? outputLosses.loss : Math.fround(outputLosses.loss + pass.addedLoss);
      if (rules) loss = Math.fround(loss + weightPenalty(rules, gradients));
      return { loss, perOutput: outputLosses.perOutput, gradients, yPred, masks };
    } finally {
      pass.release();
    }
  }

  /** The weights the optimizer steps, in its order (step's `arrays`), with their shapes and whether Keras trains them. */
  optimizerWeights(): OptimizerWeight[] {
    return this.model.leafLayers().filter((layer) => !this.frozen.has(layer)).flatMap((layer) => {
      const weights = layer.getWeights();
      let fixed = layer.countNonTrainableParams();
      const trainable = weights.map(() => true);
      for (let i = weights.length - 1; i >= 0 && fixed > 0; i--) {
        trainable[i] = false;
        fixed -= weights[i].size;
      }
      return weights.map((w, i) => ({ shape: w.shape, trainable: trainable[i], layer, index: i }));
    });
  }

  /** One optimizer step: the batch's losses go into `trackers`, the metrics see the predictions before the update. */
  private step(batch: Batch, trackers: Trackers): void {
    const { loss, perOutput, gradients, yPred, masks } = this.gradientsOn(batch);
    // Every trained layer's weights in getWeights() order, updated in place, then repacked by each
    // layer; a frozen layer's gradients (their place in the list) are skipped.
    const arrays: Float32Array[] = [];
    const trained: Float32Array[] = [];
    const commits: (() => void)[] = [];
    let offset = 0;
    for (const layer of this.model.leafLayers()) {
      const update = layer.weightsForUpdate();
      const count = update.arrays.length;
      if (!this.frozen.has(layer)) {
        arrays.push(...update.arrays);
        trained.push(...gradients.slice(offset, offset + count));
        // Keras assigns constraint(variable) after the update, before anything reads the weights.
        commits.push(() => {
          applyConstraints(layer, update.arrays);
          update.commit();
        });
      }
      offset += count;
    }
    if (arrays.length > 0) this.optimizer.apply(arrays, trained);
    for (const commit of commits) commit();
    this.track(trackers, batch.y[0].shape[0], loss, perOutput, batch, yPred, masks);
  }

  /** y as one tensor per output: a tensor for one output, a list in output order, or a dict by output name. */
  /** `samples`: the count of x, which a target left out (an output with neither loss nor metrics) takes, as an empty column. */
  private targetList(y: unknown, what: string, samples: number): Tensor[] {
    const names = this.targets.map((t) => t.name);
    const several = names.length > 1;
    if (several && y && typeof y === 'object' && !Array.isArray(y) && !(y instanceof Tensor) && !ArrayBuffer.isView(y)) {
      const record = y as Record<string, unknown>;
      for (const key of Object.keys(record)) if (!names.includes(key)) throw new ConfigError(`${this.model.name}: ${what} y names an output '${key}' the model does not have; its outputs are ${names.join(', ')}`);
      return names.map((name, i) => {
        const target = this.targets[i];
        // Keras reads y only where a loss or a metric needs it.
        if (!(name in record) && target.loss === null && target.metrics.length === 0 && target.weightedMetrics.length === 0) return new Tensor(new Float32Array(0), [samples, 0]);
        if (!(name in record)) throw new ShapeError(`${this.model.name}: ${what} y has no target for output '${name}'`);
        return toTensor(record[name] as TensorLike, `${this.model.name}: ${what} y.${name}`);
      });
    }
    if (!several) return [toTensor(y as TensorLike, `${this.model.name}: ${what} y`)];
    if (!Array.isArray(y) || y.length !== names.length) {
      throw new ShapeError(`${this.model.name}: ${what} y must be a list of ${names.length} targets in output order (${names.join(', ')}) or a dict by output name, received ${Array.isArray(y) ? `a list of ${y.length}` : typeof y}`);
    }
    return y.map((t, i) => toTensor(t as TensorLike, `${this.model.name}: ${what} y[${i}]`));
  }

  private checkData(x: unknown, y: unknown, sampleWeight: TensorLike | undefined, what: string): { x: Tensor[]; y: Tensor[]; sampleWeight: Float32Array | undefined } {
    const inputs = this.model.inputList(x);
    // No samples would make a loss of 0 (an empty mean), which reads as a perfect fit.
    if (inputs[0]?.shape[0] === 0) throw new ShapeError(`${this.model.name}: ${what}: x must have at least one sample, received shape ${formatShape(inputs[0].shape)}`);
    const targets = this.targetList(y, what, inputs[0]?.shape[0] ?? 0);
    // Labels are checked on the whole of y, before any step: an index then names the user's own sample.
    const outputs = this.model.trainingGraph(inputs).outputs;
    this.targets.forEach((given, i) => {
      // Keras builds its losses on the first data it sees, and keeps them.
      const target = given.lossFromShapes ? (this.targets[i] = crossentropyByShape(given, targets[i].shape, outputs[i]?.shape ?? [], `${this.model.name}: ${what}`)) : given;
      if (target.loss === null) return;
      const shape = outputs[i]?.shape ?? [];
      const classes = shape[target.loss.axis < 0 ? shape.length + target.loss.axis : target.loss.axis];
      const labels = targets[i];
      if (target.loss.kind === 'sparse_categorical_crossentropy' && typeof classes === 'number' && labels) checkClassIndices(labels, classes, `${this.model.name}: ${what}`, target.loss.ignoreClass);
    });
    const n = inputs[0].shape[0];
    for (const t of [...inputs, ...targets]) {
      if (t.shape[0] !== n) throw new ShapeError(`${this.model.name}: ${what}: x and y must have the same number of samples, received ${inputs.map((i) => formatShape(i.shape)).join(', ')} and ${targets.map((i) => formatShape(i.shape)).join(', ')}`);
    }
    let weights: Float32Array | undefined;
    if (sampleWeight !== undefined) {
      const sw = toTensor(sampleWeight, `${this.model.name}: ${what} sampleWeight`);
      if (sw.rank === 2 && sw.shape[0] === n) this.checkTemporalWeights(sw.shape[1], outputs.map((t) => t.shape), what);
      else if (sw.rank !== 1 || sw.shape[0] !== n) throw new ShapeError(`${this.model.name}: ${what}: sampleWeight must have shape [${n}] (one weight per sample) or [${n}, timesteps] (one per step of sequence outputs), received ${formatShape(sw.shape)}`);
      weights = sw.data;
    }
    return { x: inputs, y: targets, sampleWeight: weights };
  }

  /**
   * Keras' temporal sample weights, (samples, timesteps): one weight per step of every output with a
   * loss, which is then (samples, timesteps, ...); the mean metrics weigh their steps with them too,
   * the others (RMSE, precision, recall, AUC, the scores) take one weight per sample here.
   */
  private checkTemporalWeights(steps: number, outputShapes: readonly (readonly (number | null)[])[], what: string): void {
    this.targets.forEach((target, i) => {
      const shape = outputShapes[i] ?? [];
      if (target.loss !== null && (shape.length < 3 || (shape[1] !== null && shape[1] !== steps))) {
        throw new ShapeError(`${this.model.name}: ${what}: sampleWeight of shape [samples, ${steps}] weighs each time step, and needs outputs of shape (samples, ${steps}, ...); output ${target.name} has shape ${formatShape(shape)}`);
      }
      const perSample = target.weightedMetrics.find((m) => PER_SAMPLE_METRICS.includes(m.kind));
      if (perSample) throw new ShapeError(`${this.model.name}: ${what}: sampleWeight of shape [samples, ${steps}] weighs each time step, which the weighted metric ${perSample.name} takes one weight per sample for here; weigh it with per-sample weights`);
    });
  }

  computeGradients(x: unknown, y: unknown, options: { sampleWeight?: TensorLike } = {}): Tensor[] {
    checkTrainingOptions(options, BATCH_KEYS, `${this.model.name}: computeGradients`, '{ sampleWeight }');
    this.checkCanTrain('computeGradients');
    const data = this.checkData(x, y, options.sampleWeight, 'computeGradients');
    const { gradients } = this.gradientsOn(data);
    const shapes = this.model.getWeights().map((w) => w.shape);
    return gradients.map((g, i) => new Tensor(g, shapes[i]));
  }

  /** Keras' train_on_batch: one optimizer step on x as one batch; its loss and metrics as evaluate returns them. */
  trainOnBatch(x: unknown, y: unknown, options: TrainOnBatchOptions = {}): EvaluateResult {
    const where = `${this.model.name}: trainOnBatch`;
    checkTrainingOptions(options, TRAIN_BATCH_KEYS, where, '{ sampleWeight }');
    checkReturnDict(options.returnDict, where);
    this.checkCanTrain('trainOnBatch');
    this.checkClassWeightUse(options, where);
    const data = this.checkData(x, y, options.sampleWeight, 'trainOnBatch');
    if (options.classWeight !== undefined) data.sampleWeight = classSampleWeights(data.y[0], options.classWeight, where);
    const trackers = this.newTrackers();
    this.step(data, trackers);
    return kerasOrderedResult(this.logs(trackers, ''), this.kerasMetricNames());
  }

  private checkClassWeightUse(options: { sampleWeight?: unknown; classWeight?: unknown }, where: string): void {
    if (options.classWeight === undefined) return;
    if (options.sampleWeight !== undefined) throw new ConfigError(`${where}: options 'classWeight' and 'sampleWeight' cannot be used together, as in Keras; fold the class weights into sampleWeight`);
    if (this.targets.length > 1) throw new ConfigError(`${where}: option 'classWeight' works for a model with one output only (Keras' rule); this one has ${this.targets.length}`);
  }

  /** model.metricsNames: the names logs() gives, as tf.keras 2 lists them (each output's loss before the metrics). */
  logNames(): string[] {
    const names = Object.keys(this.logs(this.newTrackers(), ''));
    const losses = this.lossLogged().map((i) => `${this.targets[i].name}_loss`);
    return [names[0], ...losses, ...names.slice(1).filter((name) => !losses.includes(name))];
  }

  /** Keras' model.metrics by name: the loss tracker, the compiled metrics, then each output's loss tracker (several outputs only). */
  private kerasMetricNames(): string[] {
    return ['loss', ...this.compiledMetrics().map((m) => m.name), ...this.lossLogged().map((i) => `${this.targets[i].name}_loss`)];
  }

  /** The outputs whose loss is logged as `<output>_loss`: those with a loss, when more than one has (Keras' CompileLoss trackers). */
  private lossLogged(): number[] {
    const withLoss = this.targets.flatMap((t, i) => (t.loss === null ? [] : [i]));
    return withLoss.length > 1 ? withLoss : [];
  }

  /** Keras' CompileMetrics.metrics: every output's metrics, then the weighted ones, by metric.name with their direction. */
  compiledMetrics(): { name: string; direction: MetricDirection }[] {
    return [...this.targets.flatMap((t) => t.metrics), ...this.targets.flatMap((t) => t.weightedMetrics)].map((m) => ({ name: m.metricName, direction: m.direction }));
  }

  /**
   * Keras 3's log order (Trainer.metrics): loss, the metrics output by output, the weighted metrics,
   * then each output's loss (several outputs only).
   */
  private logs(trackers: Trackers, prefix: string): Logs {
    const logs: Logs = { [`${prefix}loss`]: trackers.total.value };
    for (const metrics of trackers.metrics) for (const m of metrics) logs[`${prefix}${m.name}`] = m.value;
    for (const metrics of trackers.weightedMetrics) for (const m of metrics) logs[`${prefix}${m.name}`] = m.value;
    for (const i of this.lossLogged()) logs[`${prefix}${this.targets[i].name}_loss`] = trackers.perOutput[i].value;
    return logs;
  }

  /**
   * A stateful layer keeps one state per batch row, so Keras raises on a batch of another size (the
   * last partial one included); refused here before any batch runs, naming the counts. A model
   * built for a batch size (batchInputShape) is told so first: it is the batchSize to pass.
   */
  private checkStatefulBatches(inputs: readonly Tensor[], batchSize: number, what: string, given: unknown): void {
    const stateful = this.model.leafLayers().find((layer) => layer.isStateful);
    if (!stateful) return;
    const built = this.model.trainingGraph(inputs).inputs.map((t) => t.shape[0]).find((d) => d !== null && d !== undefined);
    if (built !== undefined && built !== batchSize) {
      throw new ShapeError(`${this.model.name}: ${what}: the stateful layer ${stateful.name} was built for batch size ${built} (the model's input batch shape), so every batch must hold ${built} sample${built === 1 ? '' : 's'}, but option 'batchSize' is ${batchSize}${given === undefined ? ' (the default)' : ''}; pass batchSize: ${built}`);
    }
    const samples = inputs[0]?.shape[0] ?? 0;
    if (samples % batchSize === 0) return;
    throw new ShapeError(`${this.model.name}: ${what}: the stateful layer ${stateful.name} needs every batch to hold ${batchSize} samples (one state per batch row; Keras raises on a partial batch), but ${samples} samples leave a last batch of ${samples % batchSize}; use a sample count divisible by batchSize ${batchSize}`);
  }

  private batchSizeOf(value: unknown, what: string): number {
    const size = value ?? 32;
    if (!Number.isInteger(size) || (size as number) <= 0) throw new ConfigError(`${this.model.name}: ${what} option 'batchSize' must be a positive integer, received ${quoted(value)}`);
    return size as number;
  }

  async evaluate(x: unknown, y: unknown, options: EvaluateOptions & { callbacks?: CallbackHooks | readonly CallbackHooks[] } = {}): Promise<EvaluateResult> {
    const where = `${this.model.name}: evaluate`;
    checkTrainingOptions(options, EVALUATE_KEYS, where, '{ batchSize: 32 }');
    const verbose = verbosity(options.verbose, where) ?? 0;
    checkReturnDict(options.returnDict, where);
    const callbacks = callbackList(options.callbacks, where);
    this.checkLossCall('evaluate');
    const data = this.checkData(x, y, options.sampleWeight, 'evaluate');
    const batchSize = this.batchSizeOf(options.batchSize, 'evaluate');
    this.checkStatefulBatches(data.x, batchSize, 'evaluate', options.batchSize);
    const steps = Math.ceil(data.y[0].shape[0] / batchSize);
    attachCallbacks(callbacks, this.model, { verbose, epochs: 1, steps });
    const started = Date.now();
    for (const cb of callbacks) await cb.onTestBegin?.({});
    const logs = await this.evaluateData(data, batchSize, callbacks);
    for (const cb of callbacks) await cb.onTestEnd?.(logs);
    if (verbose) {
      writeProgress(`${progressLine(steps, steps, Date.now() - started, logs, verbose === 1)}\n`);
    }
    return kerasOrderedResult(logs, this.kerasMetricNames());
  }

  private async evaluateData(data: { x: Tensor[]; y: Tensor[]; sampleWeight: Float32Array | undefined }, batchSize: number, callbacks: readonly CallbackHooks[]): Promise<Logs> {
    const trackers = this.newTrackers();
    const n = data.y[0].shape[0];
    const graph = this.model.trainingGraph(data.x);
    for (let start = 0, k = 0; start < n; start += batchSize, k++) {
      const end = Math.min(n, start + batchSize);
      for (const cb of callbacks) await cb.onTestBatchBegin?.(k, {});
      this.testBatch(graph, this.batchOf(data.x, data.y, data.sampleWeight, null, start, end), trackers);
      for (const cb of callbacks) await cb.onTestBatchEnd?.(k, this.logs(trackers, ''));
    }
    return this.logs(trackers, '');
  }

  /** What every call that computes the loss checks first: the activity penalties it must count, and a trainable state changed since compile. */
  private checkLossCall(what: string): void {
    this.checkPenaltiesCounted(what);
    this.warnIfTrainableChanged(what);
  }

  /**
   * Keras 3's _warn_if_trainable_state_changed: `trainable` set after compile() takes effect at the
   * next compile(), which a call before it would otherwise follow silently. Once per change.
   */
  private warnIfTrainableChanged(what: string): void {
    const now = this.model.frozenLeafLayers();
    const changed = this.model.leafLayers().filter((leaf) => now.has(leaf) !== this.warnedFrozen.has(leaf));
    if (changed.length === 0) return;
    this.warnedFrozen = now;
    const names = changed.map((leaf) => `${leaf.name} (${now.has(leaf) ? 'now frozen' : 'now trainable'})`).join(', ');
    console.warn(`wasm-rnn ${this.model.name}: ${what}: a layer's trainable state has changed since the model was compiled: ${names}. The change takes effect at the next compile(), so ${what} runs with the layers trained as they were compiled; call model.compile(...) again first`);
  }

  /** Refuses, before any work, a model whose loss would leave out an activity penalty Keras adds. */
  private checkPenaltiesCounted(what: string): void {
    const uncounted = uncountedActivityPenalty(this.model.leafLayers(), what);
    if (uncounted) throw uncounted;
  }

  /** One batch at inference: its losses and metrics into `trackers`. */
  private testBatch(graph: TrainingGraph, batch: Batch, trackers: Trackers): void {
    graph.checkInputs(batch.x, this.model.name);
    // Keras' test_step adds the activity regularizers' penalties (the layers' losses) too.
    let added = 0;
    const results = graph.runWithMasks(batch.x, [], (layer, outputs) => {
      added = Math.fround(added + activityPenalty(layer, outputs));
    });
    const yPred = results.map((r) => r.tensor);
    const masks = results.map((r) => outputMask(r.mask));
    const outputLosses = this.lossesOn(batch, yPred, masks);
    let loss = added === 0 ? outputLosses.loss : Math.fround(outputLosses.loss + added);
    // test_step's compute_loss adds the weight regularizers' penalties too.
    const rules = trainedLeafRules(this.model.leafLayers(), this.frozen, false);
    if (rules) loss = Math.fround(loss + weightPenalty(rules, null));
    const { perOutput } = outputLosses;
    this.track(trackers, batch.y[0].shape[0], loss, perOutput, batch, yPred, masks);
  }

  /** Keras' test_on_batch: evaluate on one batch (the whole of x), with no callbacks. */
  testOnBatch(x: unknown, y: unknown, options: TestOnBatchOptions = {}): EvaluateResult {
    const where = `${this.model.name}: testOnBatch`;
    checkTrainingOptions(options, TEST_BATCH_KEYS, where, '{ sampleWeight }');
    checkReturnDict(options.returnDict, where);
    this.checkLossCall('testOnBatch');
    const data = this.checkData(x, y, options.sampleWeight, 'testOnBatch');
    const trackers = this.newTrackers();
    this.testBatch(this.model.trainingGraph(data.x), { x: data.x, y: data.y, sampleWeight: data.sampleWeight }, trackers);
    return kerasOrderedResult(this.logs(trackers, ''), this.kerasMetricNames());
  }

  async fit(x: unknown, y: unknown, options: FitOptions = {}): Promise<History> {
    const where = `${this.model.name}: fit`;
    checkTrainingOptions(options, FIT_KEYS, where, '{ batchSize: 32, epochs: 10 }');
    this.checkCanTrain('fit');
    this.checkClassWeightUse(options, where);
    const all = this.checkData(x, y, options.sampleWeight, 'fit');
    // Keras builds the validation iterator without class_weight: the class weights weigh training samples only.
    const trainWeights = options.classWeight === undefined ? all.sampleWeight : classSampleWeights(all.y[0], options.classWeight, where);
    const batchSize = this.batchSizeOf(options.batchSize, 'fit');
    const epochs = options.epochs ?? 1;
    const initialEpoch = options.initialEpoch ?? 0;
    if (!Number.isInteger(epochs) || epochs < 0) throw new ConfigError(`${where}: option 'epochs' must be a non-negative integer, received ${quoted(options.epochs)}`);
    if (!Number.isInteger(initialEpoch) || initialEpoch < 0) throw new ConfigError(`${where}: option 'initialEpoch' must be a non-negative integer, received ${quoted(options.initialEpoch)}`);
    const shuffle = options.shuffle ?? true;
    if (typeof shuffle !== 'boolean') throw new ConfigError(`${where}: option 'shuffle' must be a boolean, received ${quoted(options.shuffle)}`);
    if (options.seed !== undefined) {
      if (!Number.isInteger(options.seed)) throw new ConfigError(`${where}: option 'seed' must be an integer, received ${quoted(options.seed)}`);
      this.random = seededGenerator(options.seed);
    }
    const verbose = verbosity(options.verbose, where) ?? (isNode() ? 1 : 0);
    const split = options.validationSplit ?? 0;
    if (typeof split !== 'number' || !(split >= 0 && split < 1)) throw new ConfigError(`${where}: option 'validationSplit' must be a number in [0, 1), received ${quoted(split)}`);

    const n = all.y[0].shape[0];
    let train = { ...all, sampleWeight: trainWeights };
    let validation: typeof all | null = null;
    if (split > 0) {
      const splitAt = Math.floor(n * (1 - split));
      if (splitAt === 0 || splitAt === n) throw new ConfigError(`${where}: validationSplit ${split} of ${n} samples leaves ${splitAt === 0 ? 'no training' : 'no validation'} samples`);
      const part = (from: number, to: number, weights: Float32Array | undefined) => {
        const stride = weights ? weights.length / n : 1;
        return { x: all.x.map((t) => sliceBatch(t, from, to)), y: all.y.map((t) => sliceBatch(t, from, to)), sampleWeight: weights?.subarray(from * stride, to * stride) };
      };
      train = part(0, splitAt, trainWeights);
      validation = part(splitAt, n, all.sampleWeight);
    }
    if (options.validationData !== undefined) {
      const v = options.validationData;
      if (!Array.isArray(v) || v.length < 2 || v.length > 3) throw new ConfigError(`${where}: option 'validationData' must be [x, y] or [x, y, sampleWeight]`);
      validation = this.checkData(v[0], v[1], v[2] as TensorLike | undefined, 'validationData');
    }
    this.checkStatefulBatches(train.x, batchSize, 'fit', options.batchSize);
    const validationBatchSize = options.validationBatchSize === undefined ? batchSize : this.batchSizeOf(options.validationBatchSize, 'fit validation');
    const shouldValidate = validationSchedule(options.validationFreq, where);
    if (validation) this.checkStatefulBatches(validation.x, validationBatchSize, 'fit validation', options.validationBatchSize ?? options.batchSize);

    // As Keras: a History the caller passes is the one fit fills and returns; otherwise one is added last.
    const given = callbackList(options.callbacks, where);
    const passed = given.find((cb): cb is History => cb instanceof History);
    const history = passed ?? new History();
    const callbacks: CallbackHooks[] = passed ? given : [...given, history];
    const count = train.y[0].shape[0];
    const steps = Math.ceil(count / batchSize);
    attachCallbacks(callbacks, this.model, { verbose, epochs, steps });
    this.model.stopTraining = false;
    // Keras' training_logs: the last epoch's logs (as its callbacks left them) go to on_train_end.
    let trainingLogs: Logs = {};
    for (const cb of callbacks) await cb.onTrainBegin?.({});
    for (let epoch = initialEpoch; epoch < epochs && !this.model.stopTraining; epoch++) {
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch, {});
      const trackers = this.newTrackers();
      const order = shuffle ? permutation(count, this.random) : null;
      const started = Date.now();
      if (verbose) writeProgress(`Epoch ${epoch + 1}/${epochs}\n`);
      for (let k = 0; k < steps; k++) {
        const start = k * batchSize;
        const end = Math.min(count, start + batchSize);
        for (const cb of callbacks) await trainBatchBegin(cb, k, {});
        this.step(this.batchOf(train.x, train.y, train.sampleWeight, order, start, end), trackers);
        const logs = this.logs(trackers, '');
        for (const cb of callbacks) await trainBatchEnd(cb, k, logs);
        if (verbose === 1 && isTTY()) writeProgress(`\r${progressLine(k + 1, steps, Date.now() - started, logs)}`);
        // Keras 3 ends the epoch at once when a batch callback stops training (TerminateOnNaN).
        if (this.model.stopTraining) break;
        // Let the event loop run: a page stays responsive and a progress bar can paint.
        await yieldToEventLoop();
      }
      const logs = this.logs(trackers, '');
      if (validation && shouldValidate(epoch)) {
        // Keras' fit validates with evaluate(callbacks=callbacks): the test hooks run, with unprefixed logs.
        for (const cb of callbacks) await cb.onTestBegin?.({});
        const validationLogs = await this.evaluateData(validation, validationBatchSize, callbacks);
        for (const cb of callbacks) await cb.onTestEnd?.(validationLogs);
        for (const [key, value] of Object.entries(validationLogs)) logs[`val_${key}`] = value;
      }
      if (verbose) writeProgress(`${verbose === 1 && isTTY() ? '\r' : ''}${progressLine(steps, steps, Date.now() - started, logs, verbose === 1)}\n`);
      for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs);
      trainingLogs = logs;
    }
    for (const cb of callbacks) await cb.onTrainEnd?.(trainingLogs);
    return history;
  }
}

interface NodeLikeProcess {
  versions?: { node?: string };
  stdout?: { isTTY?: boolean; write(text: string): void };
}

function nodeProcess(): NodeLikeProcess | undefined {
  return (globalThis as { process?: NodeLikeProcess }).process;
}

function isNode(): boolean {
  return typeof nodeProcess()?.versions?.node === 'string';
}

function isTTY(): boolean {
  return nodeProcess()?.stdout?.isTTY === true;
}

function writeProgress(text: string): void {
  nodeProcess()?.stdout?.write(text);
}

function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}
