// Keras 3 optimizers (../shared/training/README.md, "Optimizers"): clipping,
// decoupled weight decay, then the update rule, over every weight at once.
// Weights and optimizer state are float32, as Keras keeps them; the update runs in
// WebAssembly (assembly/optimizer.ts, assembly/optimizer_extra.ts) over one flat
// buffer of all weights. The hyperparameters and their checks are in optimizer-options.ts.
import { ConfigError, quoted } from '../errors.js';
import { describeValue } from '../initializers/validate.js';
import { lazy } from '../lazy.js';
import { isScheduleConfig, scheduleFromConfig, type LearningRateSchedule } from './learning-rate-schedules.js';
import { defaultInstance } from '../kernels/default-instance.js';
import { OptimizerBuffers } from '../kernels/optimizer-buffers.js';
import { OwnedBlock } from '../kernels/owned.js';
import { paddedUnits } from '../kernels/recurrent.js';
import {
  CONFIG_KEY, OPTIMIZER_CLASSES, OPTIMIZER_NAMES, resolveOptimizerOptions, tfKeras2KeyHint, type OptimizerName, type OptimizerOptions,
} from './optimizer-options.js';

export type { OptimizerName, OptimizerOptions } from './optimizer-options.js';

/** Keys of a Keras config that change nothing here (or must have their default). */
const IGNORED_CONFIG_KEYS = ['name', 'use_ema', 'ema_momentum', 'ema_overwrite_frequency', 'loss_scale_factor', 'gradient_accumulation_steps'];

/** A Keras optimizer: its hyperparameters, its per-weight state, and `iterations`. */
export class Optimizer {
  readonly name: OptimizerName;
  private rate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly beta1: number;
  readonly beta2: number;
  readonly amsgrad: boolean;
  readonly epsilon: number;
  readonly rho: number;
  readonly centered: boolean;
  readonly initialAccumulatorValue: number;
  /** Ftrl */
  readonly learningRatePower: number;
  readonly l1RegularizationStrength: number;
  readonly l2RegularizationStrength: number;
  readonly l2ShrinkageRegularizationStrength: number;
  readonly beta: number;
  readonly weightDecay: number | null;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  /** Optimizer steps taken. */
  iterations = 0;
  /** The schedule given as the learning rate, or null for a fixed one. */
  readonly learningRateSchedule: LearningRateSchedule | null;
  /** Nadam's product of the momentum schedule u_1 ... u_t, a float32 variable in Keras. */
  private momentumProduct = 1;
  /** The flat weight, gradient and slot buffers in WebAssembly memory, made on the first step. */
  private readonly buffers = new OwnedBlock<OptimizerBuffers>((b) => b.release());

  /** `options` may be the learning rate (or its schedule) alone, as Keras' `Adam(0.01)`. */
  constructor(name: OptimizerName, options: OptimizerOptions | number | LearningRateSchedule = {}) {
    const where = `optimizers.${name}`;
    if (!OPTIMIZER_NAMES.includes(name)) throw new ConfigError(`optimizer must be one of ${OPTIMIZER_NAMES.join(', ')}, received ${quoted(name)}`);
    const o = resolveOptimizerOptions(name, options, where);
    this.name = name;
    this.rate = o.learningRate;
    this.learningRateSchedule = o.schedule;
    this.momentum = o.momentum;
    this.nesterov = o.nesterov;
    this.beta1 = o.beta1;
    this.beta2 = o.beta2;
    this.amsgrad = o.amsgrad;
    this.epsilon = o.epsilon;
    this.rho = o.rho;
    this.centered = o.centered;
    this.initialAccumulatorValue = o.initialAccumulatorValue;
    this.learningRatePower = o.learningRatePower;
    this.l1RegularizationStrength = o.l1RegularizationStrength;
    this.l2RegularizationStrength = o.l2RegularizationStrength;
    this.l2ShrinkageRegularizationStrength = o.l2ShrinkageRegularizationStrength;
    this.beta = o.beta;
    this.weightDecay = o.weightDecay;
    this.clipnorm = o.clipnorm;
    this.clipvalue = o.clipvalue;
    this.globalClipnorm = o.globalClipnorm;
  }

  /**
   * The learning rate, a float32 as Keras keeps it: with a schedule, its rate at the next step
   * (schedule.call(iterations)). Settable between steps (Keras' `optimizer.learning_rate = x`),
   * except where a schedule sets it.
   */
  /** @internal tf.keras 2's optimizer.lr: an assignment to it would otherwise go unread. */
  get lr(): number {
    throw new ConfigError(`${this.name}: lr is tf.keras 2's name; it is optimizer.learningRate here`);
  }

  /** @internal */
  set lr(_value: number) {
    throw new ConfigError(`${this.name}: lr is tf.keras 2's name; set optimizer.learningRate here`);
  }

  get learningRate(): number {
    const schedule = this.learningRateSchedule;
    if (!schedule) return this.rate;
    const rate: unknown = schedule.call(this.iterations);
    if (typeof rate !== 'number' || !Number.isFinite(rate)) {
      throw new ConfigError(`optimizers.${this.name}: the learning rate schedule ${schedule.className}.call(${this.iterations}) must return a finite number, received ${describeValue(rate)}`);
    }
    return Math.fround(rate);
  }

  set learningRate(value: number) {
    if (this.learningRateSchedule) {
      throw new ConfigError(`optimizers.${this.name}: this optimizer was created with a LearningRateSchedule (${this.learningRateSchedule.className}) as its learningRate, hence its learning rate is not settable (Keras raises alike); create the optimizer with a number as learningRate to set it`);
    }
    // Keras assigns any float to its learning-rate variable, 0 included.
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ConfigError(`optimizers.${this.name}: optimizer option 'learningRate' must be a finite number, received ${typeof value === 'number' ? String(value) : quoted(value)}`);
    }
    this.rate = Math.fround(value);
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
    // First: a schedule whose rate is not a number stops the step before anything moves.
    const lr = this.learningRate;
    const buffers = this.buffersFor(weights);
    buffers.checkLengths(gradients, `optimizers.${this.name} gradients`);
    buffers.write(buffers.gradients, gradients);
    buffers.write(buffers.weights, weights);
    const { exports } = buffers.instance;
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
          break;
        case 'nadam': {
          const f = Math.fround;
          const b1 = f(this.beta1);
          // Keras' float32 momentum schedule u_t = beta_1 (1 - 0.5 * 0.96^t), its product updated before the step.
          const schedule = (step: number) => f(b1 * f(1 - f(0.5 * f(f(0.96) ** step))));
          this.momentumProduct = f(f(this.momentumProduct * b1) * f(1 - f(0.5 * f(f(0.96) ** t))));
          const next = schedule(t + 1);
          exports.f32_nadam_update(w, g, s0, s1, n, lr, this.beta1, this.beta2, this.epsilon,
            next, f(1 - f(this.momentumProduct * next)), f(1 - schedule(t)), f(1 - this.momentumProduct), f(1 - f(f(this.beta2) ** t)));
          break;
        }
        case 'adamax':
          exports.f32_adamax_update(w, g, s0, s1, n, lr, this.beta1, this.beta2, this.epsilon, Math.fround(1 - Math.fround(Math.fround(this.beta1) ** t)));
          break;
        case 'adadelta':
          exports.f32_adadelta_update(w, g, s0, s1, n, lr, this.rho, this.epsilon);
          break;
        case 'lion':
          exports.f32_lion_update(w, g, s0, n, lr, this.beta1, this.beta2);
          break;
        case 'ftrl': {
          const f = Math.fround;
          // l2 + beta / (2 lr) and 2 · l2_shrinkage as Keras forms them in float32.
          const twiceL2 = f(2 * f(this.l2RegularizationStrength + f(this.beta / f(2 * lr))));
          exports.f32_ftrl_update(w, g, s0, s1, n, lr, -this.learningRatePower, this.l1RegularizationStrength, twiceL2, 2 * this.l2ShrinkageRegularizationStrength);
        }
      }
    });
    buffers.read(w, weights);
    this.iterations += 1;
    this.stepped = true;
  }

  /** @internal Nadam's momentum-schedule product (Keras' `_u_product`). */
  get scheduleProduct(): number {
    return this.momentumProduct;
  }

  private stepped = false;

  /**
   * @internal Keras' optimizer.built as summary() shows it: once this optimizer has stepped. A
   * loaded model's restored state is not counted until then: the reference counts of Keras files
   * (../shared/models) leave the optimizer's variables out of a loaded model's summary.
   */
  get built(): boolean {
    return this.stepped;
  }

  /** @internal Frees the slot buffers; the next step starts a fresh state (the model they were made for was disposed). */
  releaseState(): void {
    this.buffers.clear();
  }

  /** @internal Each state slot's values per weight (slots[k][i]), or null before the first step made them. */
  slotArrays(): Float32Array[][] | null {
    const buffers = this.buffers.current;
    if (!buffers) return null;
    return buffers.slots.map((base) => {
      const values = buffers.lengths.map((n) => new Float32Array(n));
      buffers.read(base, values);
      return values;
    });
  }

  /**
   * @internal Puts a saved state in place (Keras' load_own_variables): the steps taken, the
   * learning rate, Nadam's schedule product and every slot's values per weight, for weights of
   * `lengths` floats; a weight whose slots[k][i] is null keeps slot k's initial value.
   */
  restoreState(lengths: readonly number[], state: { iterations: number; learningRate: number; scheduleProduct: number; slots: readonly (readonly (Float32Array | null)[])[] }): void {
    const buffers = new OptimizerBuffers(defaultInstance(), lengths, this.slotValues());
    state.slots.forEach((perWeight, k) => perWeight.forEach((values, i) => {
      if (values) buffers.instance.heap.f32(buffers.at(buffers.slots[k], i), values.length).set(values);
    }));
    this.buffers.replace(this, buffers);
    this.iterations = state.iterations;
    // A schedule's optimizer has no learning_rate variable: its rate follows the iterations.
    if (!this.learningRateSchedule) this.learningRate = state.learningRate;
    this.momentumProduct = Math.fround(state.scheduleProduct);
  }

  /** Initial values of the rule's state slots (m, v, vhat, ...). */
  private slotValues(): number[] {
    switch (this.name) {
      case 'sgd': return this.momentum > 0 ? [0] : [];
      case 'adam':
      case 'adamw': return this.amsgrad ? [0, 0, 0] : [0, 0];
      case 'rmsprop': return [0, 0, 0];
      case 'adagrad': return [this.initialAccumulatorValue];
      case 'nadam':
      case 'adamax':
      case 'adadelta': return [0, 0];
      case 'lion': return [0];
      case 'ftrl': return [this.initialAccumulatorValue, 0];
    }
  }
}

/** camelCase options from a Keras optimizer config's snake_case keys. */
const optionOfConfigKey = lazy(() => new Map(Object.entries(CONFIG_KEY).map(([option, key]) => [key, option])));
const kerasClasses = lazy(() => new Map(OPTIMIZER_NAMES.map((name) => [OPTIMIZER_CLASSES[name].className, name])));

/** An optimizer from a name, an Optimizer, or a Keras config { class_name, config }. @internal */
export function resolveOptimizer(optimizer: unknown, where: string): Optimizer {
  if (optimizer instanceof Optimizer) return optimizer;
  if (typeof optimizer === 'string') {
    const name = optimizer.toLowerCase() as OptimizerName;
    if (!OPTIMIZER_NAMES.includes(name)) throw new ConfigError(`${where}: optimizer must be one of ${OPTIMIZER_NAMES.join(', ')}, received ${quoted(optimizer)}`);
    return new Optimizer(name);
  }
  if (optimizer && typeof optimizer === 'object' && typeof (optimizer as { class_name?: unknown }).class_name === 'string') {
    const { class_name: className, config = {} } = optimizer as { class_name: string; config?: Record<string, unknown> };
    const name = kerasClasses().get(className);
    if (!name) throw new ConfigError(`${where}: optimizer class must be one of ${[...kerasClasses().keys()].join(', ')}, received ${quoted(className)}`);
    const own = new Set<string>(['learningRate', 'weightDecay', 'clipnorm', 'clipvalue', 'globalClipnorm', ...OPTIMIZER_CLASSES[name].own]);
    const options: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
      const option = optionOfConfigKey().get(key);
      if (option === 'learningRate' && isScheduleConfig(value)) options.learningRate = scheduleFromConfig(value, `${where}: ${className} config 'learning_rate'`);
      else if (option !== undefined && own.has(option)) options[option] = value;
      else if (key === 'use_ema' && value === true) throw new ConfigError(`${where}: use_ema is not supported`);
      else if ((key === 'gradient_accumulation_steps' || key === 'loss_scale_factor') && value !== null) throw new ConfigError(`${where}: ${key} is not supported (it must be null)`);
      else if (!IGNORED_CONFIG_KEYS.includes(key)) throw new ConfigError(`${where}: unknown ${className} config key '${key}'${tfKeras2KeyHint(key, 'config')}; ${className} takes ${[...own].map((o) => CONFIG_KEY[o as keyof OptimizerOptions]).join(', ')}`);
    }
    return new Optimizer(name, options as OptimizerOptions);
  }
  throw new ConfigError(`${where}: option 'optimizer' must be one of ${OPTIMIZER_NAMES.map((n) => `'${n}'`).join(', ')}, an optimizer object or a Keras optimizer config, received ${quoted(optimizer)}`);
}
