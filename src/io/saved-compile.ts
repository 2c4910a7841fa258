// Keras' load_model(compile=True): a model saved compiled comes back compiled. A .keras file holds
// Keras 3's compile_config; a legacy .h5 holds tf.keras' training_config, which Keras 3 reads with
// compile_args_from_training_config. tf.keras 2 spelt a few things its own way (an optimizer's
// 'lr' and zero 'decay', 'Custom>' class names, metrics as MeanMetricWrapper configs nested per
// output); they are read as Keras 3 reads them. What still cannot compile leaves the model
// uncompiled and says why at the first fit or evaluate, rather than failing a load that predicts.
import { ConfigError } from '../errors.js';
import type { ModelBase } from '../models/model.js';
import type { CompileOptions } from '../training/trainer.js';
import { isObject } from './model-config.js';

/** What reading a saved compile config left out that changes training, for loadModel to warn of, by the options it gave. */
const leftOut = new WeakMap<object, string[]>();

/** Compile options from a .keras compile_config (`keras3`) or an .h5 training_config; null for none. */
export function savedCompileOptions(saved: unknown, spelling: 'keras3' | 'training_config'): CompileOptions | null {
  if (!isObject(saved)) return null;
  const optimizer = spelling === 'keras3' ? saved.optimizer : saved.optimizer_config;
  const options: Record<string, unknown> = { optimizer: isObject(optimizer) ? kerasOptimizer(optimizer) : optimizer, loss: kerasLoss(saved.loss) };
  const decay = isObject(optimizer) && isObject(optimizer.config) ? optimizer.config.decay : undefined;
  if (typeof decay === 'number' && decay !== 0) {
    leftOut.set(options, [`the optimizer's decay ${decay} (tf.keras 2's lr / (1 + decay * iterations)) is ignored, as Keras 3 ignores it; for that decay, compile with a learningRate of new InverseTimeDecay({ initialLearningRate, decaySteps: 1, decayRate: ${decay} })`]);
  }
  const metrics = plainMetrics(saved.metrics);
  if (metrics !== null) options.metrics = metrics;
  const weighted = plainMetrics(saved.weighted_metrics);
  if (weighted !== null) options.weightedMetrics = weighted;
  if (saved.loss_weights !== null && saved.loss_weights !== undefined) options.lossWeights = saved.loss_weights;
  return options as unknown as CompileOptions;
}

/** What savedCompileOptions left out of a file's compile config that changes how it trains. */
export function savedCompileNotes(options: CompileOptions): readonly string[] {
  return leftOut.get(options) ?? [];
}

/** Compiles `model` as the file says; a config this package cannot read leaves it uncompiled, with the reason kept for fit's message. */
export function compileAsSaved(model: ModelBase, options: CompileOptions): void {
  try {
    model.compile(options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    model.savedCompileProblem = error.message;
  }
}

function kerasOptimizer(spec: Record<string, unknown>): Record<string, unknown> {
  const className = typeof spec.class_name === 'string' ? spec.class_name.replace(/^Custom>/, '') : spec.class_name;
  if (!isObject(spec.config)) return { ...spec, class_name: className };
  // Keras 3 ignores `decay` (tf.keras 2's time-based decay); jit_compile and is_legacy_optimizer
  // (tf.keras 2.11+) say how TensorFlow ran the update, not what it computes.
  const { lr, decay, jit_compile: jit, is_legacy_optimizer: legacy, ...config } = spec.config;
  if (lr !== undefined && config.learning_rate === undefined) config.learning_rate = lr;
  return { ...spec, class_name: className, config };
}

/** tf.keras 2's loss configs say reduction 'auto', its sum over the batch size. */
function kerasLoss(loss: unknown): unknown {
  if (Array.isArray(loss)) return loss.map(kerasLoss);
  if (!isObject(loss)) return loss;
  if (typeof loss.class_name === 'string' && isObject(loss.config)) {
    return loss.config.reduction === 'auto' ? { ...loss, config: { ...loss.config, reduction: 'sum_over_batch_size' } } : loss;
  }
  return Object.fromEntries(Object.entries(loss).map(([output, value]) => [output, kerasLoss(value)]));
}

/** tf.keras 2 wrote a single output's metrics as [[...]] and each as a MeanMetricWrapper { name, fn }. */
function plainMetrics(metrics: unknown): unknown[] | null {
  if (!Array.isArray(metrics)) return null;
  const list = metrics.length === 1 && Array.isArray(metrics[0]) ? (metrics[0] as unknown[]) : metrics;
  return list.map((m) => {
    if (!isObject(m) || m.class_name !== 'MeanMetricWrapper' || !isObject(m.config) || typeof m.config.fn !== 'string') return m;
    const { name, fn } = m.config;
    if (name === fn || name === 'accuracy' || name === 'acc') return typeof name === 'string' ? name : fn;
    return { class_name: fn.replace(/(^|_)([a-z])/g, (_, _sep: string, letter: string) => letter.toUpperCase()), config: { name } };
  });
}
