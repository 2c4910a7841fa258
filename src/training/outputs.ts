// What compile() asks of each model output, as Keras 3 resolves it
// (keras/src/trainers/compile_utils.py): a loss per output (one loss is used
// for every output; a list goes in output order, a dict by output name), an
// optional loss weight, and metrics; and the log names: `loss` is the weighted
// sum, `<output>_loss` each unweighted loss (only with several outputs), and a
// metric of a multi-output model is `<output>_<metric>`; weightedMetrics come after
// every metric, a name already taken getting a `weighted_` prefix (CompileMetrics.result).
import { ConfigError, quoted } from '../errors.js';
import { lossAsConfig, refuseLossFunction, type Loss } from './loss-classes.js';
import { resolveLoss, type LossSpec } from './losses.js';
import { metricAsConfig, type Metric } from './metric-classes.js';
import { resolveMetrics, type MetricSpec } from './metrics.js';

/**
 * A loss name (snake_case, camelCase or a Keras class name) or a Keras loss config { class_name, config };
 * config.reduction is 'sum_over_batch_size' (default), 'sum', 'mean', 'mean_with_sample_weight', 'none' or null.
 */
export type LossArgument = string | Loss | { class_name: string; config?: { from_logits?: boolean; reduction?: string | null; [key: string]: unknown } | string; [key: string]: unknown };

/** One loss for every output, one per output in output order, or one per output name; null: that output has none. */
export type LossesArgument = LossArgument | readonly (LossArgument | null)[] | { readonly [outputName: string]: LossArgument | null };
/** A metric: a Keras metric name, or a Keras metric config { class_name, config } such as { class_name: 'AUC', config: { curve: 'PR' } }. */
export type MetricArgument = string | Metric | { class_name: string; config?: Record<string, unknown>; [key: string]: unknown };
/** Metrics for a single-output model; per output (a list in output order, or by output name) for several. */
export type MetricsArgument = readonly MetricArgument[] | readonly (MetricArgument | readonly MetricArgument[] | null)[] | { readonly [outputName: string]: MetricArgument | readonly MetricArgument[] };

/** @internal */
export interface OutputTarget {
  readonly name: string;
  /** null: no loss for this output (Keras' None in a list or dict of losses); it is not trained on. */
  readonly loss: LossSpec | null;
  /** 'crossentropy' or 'ce': which crossentropy the first data's shapes choose, as Keras' get_loss (`loss` until then). */
  readonly lossFromShapes: boolean;
  /** Keras' loss_weights entry; null for none (1). */
  readonly weight: number | null;
  /** Metric specs with their log names (prefixed with the output name when there are several outputs). */
  readonly metrics: MetricSpec[];
  /** compile's weightedMetrics for this output: updated with the sample weights, named as Keras names them. */
  readonly weightedMetrics: MetricSpec[];
}

const isKerasConfig = (value: unknown) => !!value && typeof value === 'object' && typeof (value as { class_name?: unknown }).class_name === 'string';
const isRecord = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);

/** Keras' get_loss: 'crossentropy' and 'ce', in any case, are the binary, sparse or categorical one the shapes call for. */
function isCrossentropyByShape(loss: unknown): boolean {
  return typeof loss === 'string' && ['crossentropy', 'ce'].includes(loss.toLowerCase());
}

/**
 * Keras' is_binary_or_sparse_categorical: binary for one output value, sparse for targets of a lower
 * rank than the output or of one value against several, categorical otherwise. @internal
 */
export function crossentropyByShape(target: OutputTarget, yTrue: readonly number[], yPred: readonly (number | null)[], where: string): OutputTarget {
  const binary = yPred[yPred.length - 1] === 1;
  const lastPred = yPred[yPred.length - 1];
  const sparse = yTrue.length < yPred.length || (yTrue[yTrue.length - 1] === 1 && lastPred !== null && lastPred > 1);
  const name = binary ? 'binary_crossentropy' : sparse ? 'sparse_categorical_crossentropy' : 'categorical_crossentropy';
  return { ...target, loss: resolveLoss(name, where), lossFromShapes: false };
}

/** A loss or metric argument with each Loss or Metric instance in it (alone, in a list or list of lists, or by output name) as its Keras config. */
function mapKerasObjects(value: unknown, asConfig: (value: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map((entry) => mapKerasObjects(entry, asConfig));
  const converted = asConfig(value);
  if (converted !== value || !isRecord(value) || isKerasConfig(value)) return converted;
  return Object.fromEntries(Object.entries(value).map(([name, entry]) => [name, mapKerasObjects(entry, asConfig)]));
}

/** Entry per output from a list in output order or a dict by output name; `fill` for a name the dict leaves out. */
function perOutput<T>(value: unknown, names: readonly string[], key: string, where: string, fill: (name: string) => T): unknown[] {
  if (Array.isArray(value)) {
    if (value.length !== names.length) throw new ConfigError(`${where}: option '${key}' must have one entry per output (${names.length}: ${names.join(', ')}), received ${value.length}`);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    if (!names.includes(name)) throw new ConfigError(`${where}: option '${key}' names an output '${name}' the model does not have; its outputs are ${names.join(', ')}`);
  }
  return names.map((name) => (name in record ? record[name] : fill(name)));
}

/** One entry of metrics (a list, one metric, or null) per output. */
function metricListsOf(metrics: unknown, names: readonly string[], key: string, where: string): unknown[] {
  const several = names.length > 1;
  if (metrics === undefined || metrics === null) return names.map(() => []);
  if (!several) return [Array.isArray(metrics) ? metrics.flat() : isKerasConfig(metrics) ? [metrics] : isRecord(metrics) ? Object.values(metrics).flat() : metrics];
  if (isRecord(metrics) || Array.isArray(metrics)) return perOutput(metrics, names, key, where, () => []);
  throw new ConfigError(`${where}: option '${key}' of a model with several outputs must be a list in output order or a dict by output name, received ${quoted(metrics)}`);
}

/** @internal */
export function resolveOutputTargets(
  names: readonly string[], loss: unknown, lossWeights: unknown, metrics: unknown, where: string, weightedMetrics: unknown = null,
): OutputTarget[] {
  const several = names.length > 1;
  if (loss === undefined || loss === null) throw new ConfigError(`${where}: option 'loss' is required`);
  loss = mapKerasObjects(loss, lossAsConfig);
  metrics = mapKerasObjects(metrics, metricAsConfig);
  weightedMetrics = mapKerasObjects(weightedMetrics, metricAsConfig);
  for (const each of [loss, ...(Array.isArray(loss) ? loss : isRecord(loss) && !isKerasConfig(loss) ? Object.values(loss) : [])]) refuseLossFunction(each, where);
  const losses = typeof loss === 'string' || isKerasConfig(loss) || !several
    ? names.map(() => loss)
    : perOutput(loss, names, 'loss', where, (name) => { throw new ConfigError(`${where}: option 'loss' has no loss for output '${name}'`); });
  let weights: (number | null)[] = names.map(() => null);
  if (lossWeights !== undefined && lossWeights !== null) {
    const given = typeof lossWeights === 'number' ? names.map(() => lossWeights) : Array.isArray(lossWeights) || isRecord(lossWeights) ? perOutput(lossWeights, names, 'lossWeights', where, () => null) : null;
    if (!given || given.some((w) => w !== null && (typeof w !== 'number' || !Number.isFinite(w)))) {
      throw new ConfigError(`${where}: option 'lossWeights' must be a number, a list of numbers in output order or a dict by output name, received ${quoted(lossWeights)}`);
    }
    weights = given as (number | null)[];
  }
  const metricLists = metricListsOf(metrics, names, 'metrics', where);
  const weightedLists = metricListsOf(weightedMetrics, names, 'weightedMetrics', where);
  const specsOf = (lists: unknown[], i: number, key: string) => {
    const entry = lists[i];
    const own = entry === null || entry === undefined ? [] : typeof entry === 'string' || isKerasConfig(entry) ? [entry] : entry;
    const at = `${several ? `${where} (output ${names[i]})` : where}${key === 'metrics' ? '' : ` ${key}`}`;
    return resolveMetrics(own, at);
  };
  // CompileMetrics.result(): a metric log name already taken gets _1, _2, ... in compile order.
  const seen = new Map<string, number>();
  const unique = (spec: MetricSpec): MetricSpec => {
    const count = seen.get(spec.name) ?? 0;
    seen.set(spec.name, count + 1);
    return count === 0 ? spec : { ...spec, name: `${spec.name}_${count}` };
  };
  const prefixed = (output: string, metric: string) => (several ? `${output}_${metric}` : metric);
  const metricSpecs = names.map((name, i) => specsOf(metricLists, i, 'metrics').map((s) => unique({ ...s, name: prefixed(name, s.name) })));
  // Then the weighted ones: a name already taken becomes weighted_<metric> (after the output
  // prefix), and that one, if taken too, weighted_<metric>_1, _2, ...
  const weightedSpecs = names.map((name, i) => specsOf(weightedLists, i, 'weightedMetrics').map((s) => {
    const plain = prefixed(name, s.name);
    if (!seen.has(plain)) {
      seen.set(plain, 1);
      return { ...s, name: plain };
    }
    return unique({ ...s, name: prefixed(name, `weighted_${s.name}`) });
  }));
  // Keras' _build_nested skips an output whose loss is None; one output at least must have one.
  if (several && losses.every((l) => l === null || l === undefined)) throw new ConfigError(`${where}: option 'loss' gives no output a loss (every entry is null)`);
  return names.map((name, i) => ({
    name,
    loss: several && (losses[i] === null || losses[i] === undefined) ? null : resolveLoss(isCrossentropyByShape(losses[i]) ? 'binary_crossentropy' : losses[i] as LossArgument, several ? `${where} (output ${name})` : where),
    lossFromShapes: isCrossentropyByShape(losses[i]),
    weight: weights[i],
    metrics: metricSpecs[i],
    weightedMetrics: weightedSpecs[i],
  }));
}
