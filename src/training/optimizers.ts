// Keras 3 optimizers (../shared/training/README.md, "Optimizers"): clipping,
// decoupled weight decay, then the update rule, over every weight at once.
// Weights and optimizer state are float32, as Keras keeps them; the update runs in
// WebAssembly (assembly/optimizer.ts) over one flat buffer of all weights.
import { ConfigError } from '../errors.js';
import { checkKnownKeys, checkOptionsObject } from '../option-keys.js';
import { defaultInstance } from '../kernels/default-instance.js';
import { OptimizerBuffers } from '../kernels/optimizer-buffers.js';
import { OwnedBlock } from '../kernels/owned.js';
import { paddedUnits } from '../kernels/recurrent.js';

export type OptimizerName = 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad';

export interface OptimizerOptions {
  learningRate?: number;
  /** SGD, RMSprop */
  momentum?: number;
  /** SGD */
  nesterov?: boolean;
  /** Adam, AdamW */
  beta1?: number;
  beta2?: number;
  amsgrad?: boolean;
  epsilon?: number;
  /** RMSprop */
  rho?: number;
  centered?: boolean;
  /** Adagrad */
  initialAccumulatorValue?: number;
  weightDecay?: number | null;
  clipnorm?: number | null;
  clipvalue?: number | null;
  globalClipnorm?: number | null;
}

const KERAS_CLASSES: Record<string, OptimizerName> = { SGD: 'sgd', Adam: 'adam', AdamW: 'adamw', RMSprop: 'rmsprop', Adagrad: 'adagrad' };

/** camelCase options from a Keras optimizer config (snake_case, as get_compile_config() writes it). */
const CONFIG_KEYS: Record<string, keyof OptimizerOptions> = {
  learning_rate: 'learningRate', momentum: 'momentum', nesterov: 'nesterov', beta_1: 'beta1', beta_2: 'beta2',
  amsgrad: 'amsgrad', epsilon: 'epsilon', rho: 'rho', centered: 'centered', initial_accumulator_value: 'initialAccumulatorValue',
  weight_decay: 'weightDecay', clipnorm: 'clipnorm', clipvalue: 'clipvalue', global_clipnorm: 'globalClipnorm',
};
/** Keys of a Keras config that change nothing here (or must have their default). */
const IGNORED_CONFIG_KEYS = ['name', 'use_ema', 'ema_momentum', 'ema_overwrite_frequency', 'loss_scale_factor', 'gradient_accumulation_steps'];

const DEFAULTS: Record<OptimizerName, Required<Omit<OptimizerOptions, 'weightDecay' | 'clipnorm' | 'clipvalue' | 'globalClipnorm'>> & { weightDecay: number | null }> = {
  sgd: { learningRate: 0.01, momentum: 0, nesterov: false, beta1: 0.9, beta2: 0.999, amsgrad: false, epsilon: 1e-7, rho: 0.9, centered: false, initialAccumulatorValue: 0.1, weightDecay: null },
  adam: { learningRate: 0.001, momentum: 0, nesterov: false, beta1: 0.9, beta2: 0.999, amsgrad: false, epsilon: 1e-7, rho: 0.9, centered: false, initialAccumulatorValue: 0.1, weightDecay: null },
  adamw: { learningRate: 0.001, momentum: 0, nesterov: false, beta1: 0.9, beta2: 0.999, amsgrad: false, epsilon: 1e-7, rho: 0.9, centered: false, initialAccumulatorValue: 0.1, weightDecay: 0.004 },
  rmsprop: { learningRate: 0.001, momentum: 0, nesterov: false, beta1: 0.9, beta2: 0.999, amsgrad: false, epsilon: 1e-7, rho: 0.9, centered: false, initialAccumulatorValue: 0.1, weightDecay: null },
  adagrad: { learningRate: 0.001, momentum: 0, nesterov: false, beta1: 0.9, beta2: 0.999, amsgrad: false, epsilon: 1e-7, rho: 0.9, centered: false, initialAccumulatorValue: 0.1, weightDecay: null },
};

function positive(value: unknown, key: string, where: string, allowZero = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ConfigError(`${where}: optimizer option '${key}' must be a ${allowZero ? 'non-negative' : 'positive'} number, received ${JSON.stringify(value)}`);
  }
  return value;
}

/** A Keras optimizer: its hyperparameters, its per-weight state, and `iterations`. */
export class Optimizer {
  readonly name: OptimizerName;
  readonly learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly beta1: number;
  readonly beta2: number;
  readonly amsgrad: boolean;
  readonly epsilon: number;
  readonly rho: number;
  readonly centered: boolean;
  readonly initialAccumulatorValue: number;
  readonly weightDecay: number | null;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  /** Optimizer steps taken. */
  iterations = 0;
  /** The flat weight, gradient and slot buffers in WebAssembly memory, made on the first step. */
  private readonly buffers = new OwnedBlock<OptimizerBuffers>((b) => b.release());

  /** `options` may be the learning rate alone, as Keras' `Adam(0.01)`. */
  constructor(name: OptimizerName, options: OptimizerOptions | number = {}) {
    const where = `optimizers.${name}`;
    if (!(name in DEFAULTS)) throw new ConfigError(`optimizer must be one of ${Object.keys(DEFAULTS).join(', ')}, received ${JSON.stringify(name)}`);
    if (typeof options === 'number') options = { learningRate: options };
    checkOptionsObject(options, where, '{ learningRate: 0.001 } or a learning rate');
    checkKnownKeys(options, Object.values(CONFIG_KEYS), where);
    const d = DEFAULTS[name];
    this.name = name;
    // Keras keeps the learning rate in a float32 variable.
    this.learningRate = Math.fround(positive(options.learningRate ?? d.learningRate, 'learningRate', where));
    this.momentum = positive(options.momentum ?? d.momentum, 'momentum', where, true);
    this.nesterov = options.nesterov ?? d.nesterov;
    this.beta1 = positive(options.beta1 ?? d.beta1, 'beta1', where, true);
    this.beta2 = positive(options.beta2 ?? d.beta2, 'beta2', where, true);
    this.amsgrad = options.amsgrad ?? d.amsgrad;
    this.epsilon = positive(options.epsilon ?? d.epsilon, 'epsilon', where, true);
    this.rho = positive(options.rho ?? d.rho, 'rho', where, true);
    this.centered = options.centered ?? d.centered;
    this.initialAccumulatorValue = positive(options.initialAccumulatorValue ?? d.initialAccumulatorValue, 'initialAccumulatorValue', where, true);
    const optional = (value: number | null | undefined, key: string) => (value === undefined || value === null ? null : positive(value, key, where));
    this.weightDecay = optional(options.weightDecay === undefined ? d.weightDecay : options.weightDecay, 'weightDecay');
    if (name === 'adamw' && this.weightDecay === null) throw new ConfigError(`${where}: AdamW needs a weightDecay, received null`);
    this.clipnorm = optional(options.clipnorm, 'clipnorm');
    this.clipvalue = optional(options.clipvalue, 'clipvalue');
    this.globalClipnorm = optional(options.globalClipnorm, 'globalClipnorm');
    const clips = [this.clipnorm, this.clipvalue, this.globalClipnorm].filter((c) => c !== null).length;
    if (clips > 1) throw new ConfigError(`${where}: at most one of clipnorm, clipvalue and globalClipnorm may be set (Keras refuses more)`);
    for (const [key, value] of [['nesterov', this.nesterov], ['amsgrad', this.amsgrad], ['centered', this.centered]] as const) {
      if (typeof value !== 'boolean') throw new ConfigError(`${where}: optimizer option '${key}' must be a boolean, received ${JSON.stringify(value)}`);
    }
  }

  /** Clips the flat gradient buffer in place by whichever clip option is set. */
  private clip(buffers: OptimizerBuffers): void {
    const { exports } = buffers.instance;
    const g = buffers.gradients;
    if (this.clipvalue !== null) {
      exports.f32_clip_values(g, buffers.floats, this.clipvalue);
    } else if (this.clipnorm !== null) {
      const c = this.clipnorm;
      buffers.lengths.forEach((n, i) => {
        const at = buffers.at(g, i);
        const padded = paddedUnits(n);
        exports.f32_scale_divide(at, padded, c, Math.max(Math.sqrt(exports.f32_sum_squares(at, padded)), c));
      });
    } else if (this.globalClipnorm !== null) {
      const c = this.globalClipnorm;
      const norm = Math.sqrt(exports.f32_sum_squares(g, buffers.floats));
      exports.f32_scale_divide(g, buffers.floats, c * Math.min(1 / norm, 1 / c), 1);
    }
  }

  private buffersFor(weights: readonly Float32Array[]): OptimizerBuffers {
    if (!this.buffers.current) this.buffers.replace(this, new OptimizerBuffers(defaultInstance(), weights.map((w) => w.length), this.slotValues()));
    const buffers = this.buffers.current as OptimizerBuffers;
    buffers.checkLengths(weights, `optimizers.${this.name}`);
    return buffers;
  }

  /** Gradients as the update sees them: clipped by whichever clip option is set. */
  clipGradients(gradients: readonly Float32Array[]): Float32Array[] {
    const buffers = this.buffersFor(gradients);
    buffers.write(buffers.gradients, gradients);
    buffers.run(() => this.clip(buffers));
    const clipped = gradients.map((g) => new Float32Array(g.length));
    buffers.read(buffers.gradients, clipped);
    return clipped;
  }

  /** One step: clip, decay, update every weight in place (in WebAssembly, over all weights at once), iterations += 1. */
  apply(weights: readonly Float32Array[], gradients: readonly Float32Array[]): void {
    const buffers = this.buffersFor(weights);
    buffers.checkLengths(gradients, `optimizers.${this.name} gradients`);
    buffers.write(buffers.gradients, gradients);
    buffers.write(buffers.weights, weights);
    const { exports } = buffers.instance;
    const lr = this.learningRate;
    const t = this.iterations + 1;
    const w = buffers.weights;
    const g = buffers.gradients;
    const n = buffers.floats;
    const [s0 = 0, s1 = 0, s2 = 0] = buffers.slots;
    buffers.run(() => {
      this.clip(buffers);
      // Keras multiplies the two float32 variables.
      if (this.weightDecay !== null) exports.f32_weight_decay(w, n, Math.fround(Math.fround(this.weightDecay) * lr));
      switch (this.name) {
        case 'sgd':
          exports.f32_sgd_update(w, g, this.momentum > 0 ? s0 : 0, n, lr, this.momentum, this.nesterov ? 1 : 0);
          break;
        case 'adam':
        case 'adamw':
          exports.f32_adam_update(w, g, s0, s1, this.amsgrad ? s2 : 0, n, (lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t), this.beta1, this.beta2, this.epsilon);
          break;
        case 'rmsprop':
          exports.f32_rmsprop_update(w, g, s0, this.centered ? s1 : 0, this.momentum > 0 ? s2 : 0, n, lr, this.rho, this.epsilon, this.momentum);
          break;
        case 'adagrad':
          exports.f32_adagrad_update(w, g, s0, n, lr, this.epsilon);
      }
    });
    buffers.read(w, weights);
    this.iterations += 1;
  }

  /** Initial values of the rule's state slots (m, v, vhat, ...). */
  private slotValues(): number[] {
    switch (this.name) {
      case 'sgd': return this.momentum > 0 ? [0] : [];
      case 'adam':
      case 'adamw': return this.amsgrad ? [0, 0, 0] : [0, 0];
      case 'rmsprop': return [0, 0, 0];
      case 'adagrad': return [this.initialAccumulatorValue];
    }
  }
}

/** An optimizer from a name, an Optimizer, or a Keras config { class_name, config }. @internal */
export function resolveOptimizer(optimizer: unknown, where: string): Optimizer {
  if (optimizer instanceof Optimizer) return optimizer;
  if (typeof optimizer === 'string') {
    const name = optimizer.toLowerCase();
    if (!(name in DEFAULTS)) throw new ConfigError(`${where}: optimizer must be one of ${Object.keys(DEFAULTS).join(', ')}, received ${JSON.stringify(optimizer)}`);
    return new Optimizer(name as OptimizerName);
  }
  if (optimizer && typeof optimizer === 'object' && typeof (optimizer as { class_name?: unknown }).class_name === 'string') {
    const { class_name: className, config = {} } = optimizer as { class_name: string; config?: Record<string, unknown> };
    const name = KERAS_CLASSES[className];
    if (!name) throw new ConfigError(`${where}: optimizer class must be one of ${Object.keys(KERAS_CLASSES).join(', ')}, received ${JSON.stringify(className)}`);
    const options: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
      if (key in CONFIG_KEYS) options[CONFIG_KEYS[key]] = value;
      else if (key === 'use_ema' && value === true) throw new ConfigError(`${where}: use_ema is not supported`);
      else if ((key === 'gradient_accumulation_steps' || key === 'loss_scale_factor') && value !== null) throw new ConfigError(`${where}: ${key} is not supported (it must be null)`);
      else if (!IGNORED_CONFIG_KEYS.includes(key)) throw new ConfigError(`${where}: unknown ${className} config key '${key}'`);
    }
    return new Optimizer(name, options as OptimizerOptions);
  }
  throw new ConfigError(`${where}: option 'optimizer' must be 'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', an optimizer object or a Keras optimizer config, received ${JSON.stringify(optimizer)}`);
}

/** Factories: optimizers.adam({ learningRate, ... }). */
export const optimizers = {
  sgd: (options?: OptimizerOptions | number) => new Optimizer('sgd', options),
  adam: (options?: OptimizerOptions | number) => new Optimizer('adam', options),
  adamw: (options?: OptimizerOptions | number) => new Optimizer('adamw', options),
  rmsprop: (options?: OptimizerOptions | number) => new Optimizer('rmsprop', options),
  adagrad: (options?: OptimizerOptions | number) => new Optimizer('adagrad', options),
};
