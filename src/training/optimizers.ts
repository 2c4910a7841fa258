// Keras 3 optimizers (../shared/training/README.md, "Optimizers"): clipping,
// decoupled weight decay, then the update rule, over every weight at once.
// Weights are float32 as the layers keep them; the optimizer state is float64.
import { ConfigError } from '../errors.js';

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
  /** Per weight: the state slots of the update rule (m, v, vhat, ...). */
  private slots: Float64Array[][] | null = null;

  constructor(name: OptimizerName, options: OptimizerOptions = {}) {
    const where = `optimizers.${name}`;
    if (!(name in DEFAULTS)) throw new ConfigError(`optimizer must be one of ${Object.keys(DEFAULTS).join(', ')}, received ${JSON.stringify(name)}`);
    const known = Object.values(CONFIG_KEYS) as string[];
    for (const key of Object.keys(options)) {
      if (!known.includes(key)) throw new ConfigError(`${where}: unknown option '${key}'; expected ${known.join(', ')}`);
    }
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

  /** Gradients as the update sees them: clipped by whichever clip option is set. */
  clipGradients(gradients: readonly Float32Array[]): Float32Array[] {
    if (this.clipvalue !== null) {
      const c = this.clipvalue;
      return gradients.map((g) => g.map((v) => Math.min(Math.max(v, -c), c)));
    }
    const norm = (g: Float32Array) => {
      let s = 0;
      for (const v of g) s += v * v;
      return s;
    };
    if (this.clipnorm !== null) {
      const c = this.clipnorm;
      return gradients.map((g) => {
        const n = Math.sqrt(norm(g));
        return g.map((v) => (v * c) / Math.max(n, c));
      });
    }
    if (this.globalClipnorm !== null) {
      const c = this.globalClipnorm;
      const G = Math.sqrt(gradients.reduce((s, g) => s + norm(g), 0));
      const scale = c * Math.min(1 / G, 1 / c);
      return gradients.map((g) => g.map((v) => v * scale));
    }
    return gradients.map((g) => g.slice());
  }

  /** One step: clip, decay, update every weight in place, iterations += 1. */
  apply(weights: readonly Float32Array[], gradients: readonly Float32Array[]): void {
    if (!this.slots) this.slots = weights.map((w) => this.createSlots(w.length));
    const clipped = this.clipGradients(gradients);
    const lr = this.learningRate;
    const t = this.iterations + 1;
    weights.forEach((w, i) => {
      const g = clipped[i];
      const s = (this.slots as Float64Array[][])[i];
      if (this.weightDecay !== null) {
        const decay = this.weightDecay * lr;
        for (let k = 0; k < w.length; k++) w[k] = w[k] - w[k] * decay;
      }
      this.update(w, g, s, lr, t);
    });
    this.iterations += 1;
  }

  private createSlots(n: number): Float64Array[] {
    switch (this.name) {
      case 'sgd': return this.momentum > 0 ? [new Float64Array(n)] : [];
      case 'adam':
      case 'adamw': return this.amsgrad ? [new Float64Array(n), new Float64Array(n), new Float64Array(n)] : [new Float64Array(n), new Float64Array(n)];
      case 'rmsprop': return [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
      case 'adagrad': return [new Float64Array(n).fill(this.initialAccumulatorValue)];
    }
  }

  private update(w: Float32Array, g: Float32Array, s: Float64Array[], lr: number, t: number): void {
    const n = w.length;
    switch (this.name) {
      case 'sgd': {
        if (this.momentum === 0) {
          for (let k = 0; k < n; k++) w[k] = w[k] - lr * g[k];
          return;
        }
        const [m] = s;
        const mu = this.momentum;
        for (let k = 0; k < n; k++) {
          m[k] = mu * m[k] - lr * g[k];
          w[k] = this.nesterov ? w[k] + mu * m[k] - lr * g[k] : w[k] + m[k];
        }
        return;
      }
      case 'adam':
      case 'adamw': {
        const [m, v, vhat] = s;
        const alpha = (lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
        for (let k = 0; k < n; k++) {
          m[k] += (g[k] - m[k]) * (1 - this.beta1);
          v[k] += (g[k] * g[k] - v[k]) * (1 - this.beta2);
          let second = v[k];
          if (vhat) {
            vhat[k] = Math.max(vhat[k], v[k]);
            second = vhat[k];
          }
          w[k] = w[k] - (alpha * m[k]) / (Math.sqrt(second) + this.epsilon);
        }
        return;
      }
      case 'rmsprop': {
        const [v, a, mom] = s;
        const rho = this.rho;
        for (let k = 0; k < n; k++) {
          v[k] = rho * v[k] + (1 - rho) * g[k] * g[k];
          let d: number;
          if (this.centered) {
            a[k] = rho * a[k] + (1 - rho) * g[k];
            d = v[k] - a[k] * a[k] + this.epsilon;
          } else d = v[k] + this.epsilon;
          const inc = (lr * g[k]) / Math.sqrt(d);
          if (this.momentum > 0) {
            mom[k] = this.momentum * mom[k] + inc;
            w[k] = w[k] - mom[k];
          } else w[k] = w[k] - inc;
        }
        return;
      }
      case 'adagrad': {
        const [acc] = s;
        for (let k = 0; k < n; k++) {
          acc[k] += g[k] * g[k];
          w[k] = w[k] - (lr * g[k]) / Math.sqrt(acc[k] + this.epsilon);
        }
      }
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
  sgd: (options?: OptimizerOptions) => new Optimizer('sgd', options),
  adam: (options?: OptimizerOptions) => new Optimizer('adam', options),
  adamw: (options?: OptimizerOptions) => new Optimizer('adamw', options),
  rmsprop: (options?: OptimizerOptions) => new Optimizer('rmsprop', options),
  adagrad: (options?: OptimizerOptions) => new Optimizer('adagrad', options),
};
