// Keras' loss classes as compile() takes them, `loss: new losses.SparseCategoricalCrossentropy({
// fromLogits: true })` for `loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)`:
// each instance is the Keras config it stands for, checked when it is made, so compile, the
// saved compile config and a file's loss are the same as for `{ class_name, config }`.
import { ConfigError } from '../errors.js';
import { KerasConfigObject, kerasConfigOf } from './keras-config-object.js';
import { lossClassKeys, lossDefaultName, resolveLoss } from './losses.js';

/** Keras' loss reductions ('none' keeps one value per sample; evaluate only). */
export type LossReductionName = 'sum_over_batch_size' | 'mean' | 'sum' | 'mean_with_sample_weight' | 'none';

export interface LossOptions {
  /** Keras' `name`; the class's default name when absent. */
  name?: string;
  /** 'sum_over_batch_size' (the default), 'mean', 'sum', 'mean_with_sample_weight', or 'none' / null (one value per sample; evaluate only). */
  reduction?: LossReductionName | null;
}
export interface HuberOptions extends LossOptions {
  delta?: number;
}
export interface CosineSimilarityOptions extends LossOptions {
  axis?: number;
}
export interface CrossentropyOptions extends LossOptions {
  fromLogits?: boolean;
  labelSmoothing?: number;
  axis?: number;
}
export interface SparseCategoricalCrossentropyOptions extends LossOptions {
  fromLogits?: boolean;
  /** A label whose rows are left out of the loss, as masked steps are. */
  ignoreClass?: number | null;
  axis?: number;
}
export interface BinaryFocalCrossentropyOptions extends CrossentropyOptions {
  applyClassBalancing?: boolean;
  alpha?: number;
  gamma?: number;
}
export interface CategoricalFocalCrossentropyOptions extends CrossentropyOptions {
  /** One weight for every class, or one per class. */
  alpha?: number | readonly number[];
  gamma?: number;
}

/** A Keras loss: what `compile({ loss })` takes, as its class and config. */
export abstract class Loss extends KerasConfigObject {
  /** @internal */
  protected constructor(className: string, options: LossOptions | undefined) {
    const where = `losses.${className}`;
    const own = kerasConfigOf(options, ['name', 'reduction', ...(lossClassKeys(className) ?? [])], where);
    const name = typeof own.name === 'string' ? own.name : lossDefaultName(className);
    const config = { ...own, name, reduction: own.reduction === undefined ? 'sum_over_batch_size' : own.reduction };
    // Every value is checked now, as Keras' constructor checks them, not at compile.
    resolveLoss({ class_name: className, config }, where);
    super('keras.losses', className, config);
  }
}

export class MeanSquaredError extends Loss {
  constructor(options?: LossOptions) { super('MeanSquaredError', options); }
}
export class MeanAbsoluteError extends Loss {
  constructor(options?: LossOptions) { super('MeanAbsoluteError', options); }
}
export class MeanAbsolutePercentageError extends Loss {
  constructor(options?: LossOptions) { super('MeanAbsolutePercentageError', options); }
}
export class MeanSquaredLogarithmicError extends Loss {
  constructor(options?: LossOptions) { super('MeanSquaredLogarithmicError', options); }
}
export class Huber extends Loss {
  constructor(options?: HuberOptions) { super('Huber', options); }
}
export class LogCosh extends Loss {
  constructor(options?: LossOptions) { super('LogCosh', options); }
}
export class CosineSimilarity extends Loss {
  constructor(options?: CosineSimilarityOptions) { super('CosineSimilarity', options); }
}
export class KLDivergence extends Loss {
  constructor(options?: LossOptions) { super('KLDivergence', options); }
}
export class Poisson extends Loss {
  constructor(options?: LossOptions) { super('Poisson', options); }
}
export class Hinge extends Loss {
  constructor(options?: LossOptions) { super('Hinge', options); }
}
export class SquaredHinge extends Loss {
  constructor(options?: LossOptions) { super('SquaredHinge', options); }
}
export class CategoricalHinge extends Loss {
  constructor(options?: LossOptions) { super('CategoricalHinge', options); }
}
export class BinaryCrossentropy extends Loss {
  constructor(options?: CrossentropyOptions) { super('BinaryCrossentropy', options); }
}
export class CategoricalCrossentropy extends Loss {
  constructor(options?: CrossentropyOptions) { super('CategoricalCrossentropy', options); }
}
export class SparseCategoricalCrossentropy extends Loss {
  constructor(options?: SparseCategoricalCrossentropyOptions) { super('SparseCategoricalCrossentropy', options); }
}
export class BinaryFocalCrossentropy extends Loss {
  constructor(options?: BinaryFocalCrossentropyOptions) { super('BinaryFocalCrossentropy', options); }
}
export class CategoricalFocalCrossentropy extends Loss {
  constructor(options?: CategoricalFocalCrossentropyOptions) { super('CategoricalFocalCrossentropy', options); }
}

/** Keras' keras.losses: `new losses.SparseCategoricalCrossentropy({ fromLogits: true })`. */
export const losses = {
  Loss, MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Huber, LogCosh,
  CosineSimilarity, KLDivergence, Poisson, Hinge, SquaredHinge, CategoricalHinge, BinaryCrossentropy, CategoricalCrossentropy,
  SparseCategoricalCrossentropy, BinaryFocalCrossentropy, CategoricalFocalCrossentropy,
};

/** @internal A Loss instance as the `{ class_name, config }` compile resolves; anything else as it is. */
export function lossAsConfig(value: unknown): unknown {
  return value instanceof Loss ? value.toJSON() : value;
}

/** @internal Throws for a loss given as a function, which cannot be differentiated here. */
export function refuseLossFunction(value: unknown, where: string): void {
  if (typeof value === 'function') {
    throw new ConfigError(`${where}: option 'loss' received a function (${value.name || 'anonymous'}); a custom loss function's gradient cannot be computed here, so give a Keras loss name such as 'mse', or a loss such as new losses.Huber({ delta: 2 })`);
  }
}
