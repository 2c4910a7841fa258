// Keras' optimizer classes, `new Adam({ learningRate: 0.001 })` or `new SGD(0.01)`, each typed with
// the hyperparameters its Keras __init__ takes (optimizer-options.ts checks the same lists at run time),
// and the lower-case factories `optimizers.adam(...)`.
import { Optimizer, type OptimizerName, type OptimizerOptions } from './optimizers.js';
import {
  LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay, CosineDecay, CosineDecayRestarts,
} from './learning-rate-schedules.js';

/** What every optimizer takes. */
export type CommonOptimizerOptions = Pick<OptimizerOptions, 'learningRate' | 'weightDecay' | 'clipnorm' | 'clipvalue' | 'globalClipnorm'>;

export type SGDOptions = CommonOptimizerOptions & Pick<OptimizerOptions, 'momentum' | 'nesterov'>;
export type AdamOptions = CommonOptimizerOptions & Pick<OptimizerOptions, 'beta1' | 'beta2' | 'epsilon' | 'amsgrad'>;
export type AdamWOptions = CommonOptimizerOptions & Pick<OptimizerOptions, 'beta1' | 'beta2' | 'epsilon' | 'amsgrad'>;
export type RMSpropOptions = CommonOptimizerOptions & Pick<OptimizerOptions, 'rho' | 'momentum' | 'epsilon' | 'centered'>;
export type AdagradOptions = CommonOptimizerOptions & Pick<OptimizerOptions, 'initialAccumulatorValue' | 'epsilon'>;
export type NadamOptions = CommonOptimizerOptions & Pick<OptimizerOptions, 'beta1' | 'beta2' | 'epsilon'>;
export type AdamaxOptions = CommonOptimizerOptions & Pick<OptimizerOptions, 'beta1' | 'beta2' | 'epsilon'>;
export type AdadeltaOptions = CommonOptimizerOptions & Pick<OptimizerOptions, 'rho' | 'epsilon'>;
export type LionOptions = CommonOptimizerOptions & Pick<OptimizerOptions, 'beta1' | 'beta2'>;
export type FtrlOptions = CommonOptimizerOptions & Pick<OptimizerOptions, 'learningRatePower' | 'initialAccumulatorValue' | 'l1RegularizationStrength' | 'l2RegularizationStrength' | 'l2ShrinkageRegularizationStrength' | 'beta'>;

/** A Keras optimizer class: `new Adam(options)`, or the learning rate alone; its instances are Optimizers. */
export interface OptimizerClass<O> {
  new (options?: O | number | LearningRateSchedule): Optimizer;
  readonly prototype: Optimizer;
}

/** The class of optimizer `name`; the computed key gives it Keras' class name (Adam.name === 'Adam'). */
function optimizerClass<O extends OptimizerOptions>(name: OptimizerName, className: string): OptimizerClass<O> {
  return {
    [className]: class extends Optimizer {
      constructor(options?: O | number | LearningRateSchedule) {
        super(name, options);
      }
    },
  }[className]!;
}

export const SGD = /* @__PURE__ */ optimizerClass<SGDOptions>('sgd', 'SGD');
export const Adam = /* @__PURE__ */ optimizerClass<AdamOptions>('adam', 'Adam');
export const AdamW = /* @__PURE__ */ optimizerClass<AdamWOptions>('adamw', 'AdamW');
export const RMSprop = /* @__PURE__ */ optimizerClass<RMSpropOptions>('rmsprop', 'RMSprop');
export const Adagrad = /* @__PURE__ */ optimizerClass<AdagradOptions>('adagrad', 'Adagrad');
export const Nadam = /* @__PURE__ */ optimizerClass<NadamOptions>('nadam', 'Nadam');
export const Adamax = /* @__PURE__ */ optimizerClass<AdamaxOptions>('adamax', 'Adamax');
export const Adadelta = /* @__PURE__ */ optimizerClass<AdadeltaOptions>('adadelta', 'Adadelta');
export const Lion = /* @__PURE__ */ optimizerClass<LionOptions>('lion', 'Lion');
export const Ftrl = /* @__PURE__ */ optimizerClass<FtrlOptions>('ftrl', 'Ftrl');

// Each name is a type too, as a class's is: `let optimizer: Adam = new Adam()`.
export type SGD = Optimizer;
export type Adam = Optimizer;
export type AdamW = Optimizer;
export type RMSprop = Optimizer;
export type Adagrad = Optimizer;
export type Nadam = Optimizer;
export type Adamax = Optimizer;
export type Adadelta = Optimizer;
export type Lion = Optimizer;
export type Ftrl = Optimizer;

/** Factories, and the classes under their Keras names: `optimizers.adam({ learningRate })`, `new optimizers.Adam(...)`. */
export const optimizers = {
  sgd: (options?: SGDOptions | number | LearningRateSchedule): Optimizer => new SGD(options),
  adam: (options?: AdamOptions | number | LearningRateSchedule): Optimizer => new Adam(options),
  adamw: (options?: AdamWOptions | number | LearningRateSchedule): Optimizer => new AdamW(options),
  rmsprop: (options?: RMSpropOptions | number | LearningRateSchedule): Optimizer => new RMSprop(options),
  adagrad: (options?: AdagradOptions | number | LearningRateSchedule): Optimizer => new Adagrad(options),
  nadam: (options?: NadamOptions | number | LearningRateSchedule): Optimizer => new Nadam(options),
  adamax: (options?: AdamaxOptions | number | LearningRateSchedule): Optimizer => new Adamax(options),
  adadelta: (options?: AdadeltaOptions | number | LearningRateSchedule): Optimizer => new Adadelta(options),
  lion: (options?: LionOptions | number | LearningRateSchedule): Optimizer => new Lion(options),
  ftrl: (options?: FtrlOptions | number | LearningRateSchedule): Optimizer => new Ftrl(options),
  SGD, Adam, AdamW, RMSprop, Adagrad, Nadam, Adamax, Adadelta, Lion, Ftrl,
  /** Keras' keras.optimizers.schedules: `new optimizers.schedules.ExponentialDecay({ ... })`. */
  schedules: { LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay, CosineDecay, CosineDecayRestarts },
};
