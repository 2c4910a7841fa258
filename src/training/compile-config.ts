// Keras 3's model.get_compile_config() for a compiled model: the optimizer's
// config (only the keys its Keras class takes), the loss and the metrics as given.
import type { LossesArgument, MetricsArgument } from './outputs.js';
import { CONFIG_KEY, OPTIMIZER_CLASSES } from './optimizer-options.js';
import type { Optimizer } from './optimizers.js';
import { serializeSchedule } from './learning-rate-schedules.js';

export function optimizerConfig(optimizer: Optimizer): Record<string, unknown> {
  const config: Record<string, unknown> = {
    name: optimizer.name,
    learning_rate: optimizer.learningRateSchedule ? serializeSchedule(optimizer.learningRateSchedule) : optimizer.learningRate,
    weight_decay: optimizer.weightDecay,
    clipnorm: optimizer.clipnorm,
    global_clipnorm: optimizer.globalClipnorm,
    clipvalue: optimizer.clipvalue,
    use_ema: false,
    ema_momentum: 0.99,
    ema_overwrite_frequency: null,
    loss_scale_factor: null,
    gradient_accumulation_steps: null,
  };
  const { className, own } = OPTIMIZER_CLASSES[optimizer.name];
  for (const key of own) config[CONFIG_KEY[key]] = optimizer[key];
  return { module: 'keras.optimizers', class_name: className, config, registered_name: null };
}

type LossWeights = number | readonly (number | null)[] | { readonly [outputName: string]: number } | null | undefined;

/** A plain JSON copy of a list or dict argument, null when it is absent or empty (as Keras writes it). */
function asWritten(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.length > 0 ? JSON.parse(JSON.stringify(value)) : null;
  if (typeof value === 'object') return Object.keys(value).length > 0 ? JSON.parse(JSON.stringify(value)) : null;
  return value;
}

export function compileConfig(optimizer: Optimizer, loss: LossesArgument, metrics: MetricsArgument | null | undefined, lossWeights?: LossWeights, weightedMetrics?: MetricsArgument | null): Record<string, unknown> {
  return {
    optimizer: optimizerConfig(optimizer),
    loss: asWritten(loss),
    loss_weights: asWritten(lossWeights),
    metrics: asWritten(metrics),
    weighted_metrics: asWritten(weightedMetrics),
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
}
