// An optimizer's state as Keras 3 lists it in optimizer.variables, the list its
// save_own_variables writes as optimizer/vars/0..n-1: `iteration` (int64),
// `learning_rate` (float32), then each slot created by build() through
// add_optimizer_variables, which interleaves the slots it is given per trainable
// variable (Adam: momentum_0, velocity_0, momentum_1, ...) and is called once per
// group (Adam's velocity_hat, RMSprop's momentum and average_gradient come after).
// Nadam's `_u_product` is tracked last. Non-trainable weights (BatchNormalization's
// moving statistics) have slots here but none in Keras.
import { ConfigError } from '../errors.js';
import type { Layer } from '../layers/layer.js';
import type { Optimizer } from './optimizers.js';

/** One weight the optimizer steps, in the order it steps them. */
export interface OptimizerWeight {
  shape: readonly number[];
  /** False for a weight fit() leaves alone (Keras keeps no slot for it). */
  trainable: boolean;
  /** The layer holding it, and its place in that layer's getWeights(). */
  layer: Layer;
  index: number;
}

/** One Keras optimizer variable. */
export interface OptimizerVariable {
  /** Keras' variable name: 'iteration', 'learning_rate', or a slot ('momentum', 'velocity', ...). */
  name: string;
  /** The trainable weight a slot belongs to (its index in `weights`); -1 for a scalar. */
  weight: number;
  shape: readonly number[];
  data: Float32Array | BigInt64Array;
}

interface Slot {
  index: number;
  name: string;
}

/** Our slots (optimizers.ts slotValues order) in Keras' build() groups. */
function slotGroups(optimizer: Optimizer): Slot[][] {
  const s = (index: number, name: string): Slot => ({ index, name });
  switch (optimizer.name) {
    case 'sgd': return optimizer.momentum > 0 ? [[s(0, 'momentum')]] : [];
    case 'adam':
    case 'adamw': return [[s(0, 'momentum'), s(1, 'velocity')], ...(optimizer.amsgrad ? [[s(2, 'velocity_hat')]] : [])];
    case 'rmsprop': return [[s(0, 'velocity')], ...(optimizer.momentum > 0 ? [[s(2, 'momentum')]] : []), ...(optimizer.centered ? [[s(1, 'average_gradient')]] : [])];
    case 'adagrad': return [[s(0, 'accumulator')]];
    case 'nadam': return [[s(0, 'momentum'), s(1, 'velocity')]];
    case 'adamax': return [[s(0, 'momentum'), s(1, 'norm')]];
    case 'adadelta': return [[s(0, 'accumulated_grad'), s(1, 'accumulated_delta_var')]];
    case 'lion': return [[s(0, 'momentum')]];
    case 'ftrl': return [[s(0, 'accumulator'), s(1, 'linear')]];
  }
}

/** Where each Keras variable comes from: a scalar, or slot `slot` of weight `weight`. */
type Source = { scalar: 'iteration' | 'learning_rate' | 'u_product' } | { slot: number; name: string; weight: number };

function sources(optimizer: Optimizer, weights: readonly OptimizerWeight[]): Source[] {
  const trained = weights.map((w, i) => (w.trainable ? i : -1)).filter((i) => i >= 0);
  // Keras tracks a learning_rate variable only for a fixed rate, not for a schedule.
  const list: Source[] = optimizer.learningRateSchedule ? [{ scalar: 'iteration' }] : [{ scalar: 'iteration' }, { scalar: 'learning_rate' }];
  for (const group of slotGroups(optimizer)) {
    for (const weight of trained) for (const slot of group) list.push({ slot: slot.index, name: slot.name, weight });
  }
  if (optimizer.name === 'nadam') list.push({ scalar: 'u_product' });
  return list;
}

/**
 * Keras' count_params and weight_memory_size of the built optimizer's variables: their values, and
 * their bytes (iteration is an int64, every other variable float32).
 */
export function optimizerVariableSizes(optimizer: Optimizer, weights: readonly OptimizerWeight[]): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  for (const source of sources(optimizer, weights)) {
    const size = 'scalar' in source ? 1 : weights[source.weight].shape.reduce((a, b) => a * b, 1);
    count += size;
    bytes += size * ('scalar' in source && source.scalar === 'iteration' ? 8 : 4);
  }
  return { count, bytes };
}

/** How many variables Keras' built optimizer holds for these weights. */
export function optimizerVariableCount(optimizer: Optimizer, weights: readonly OptimizerWeight[]): number {
  return sources(optimizer, weights).length;
}

/**
 * The optimizer's variables in Keras' order, or only iteration and learning_rate (none for a
 * schedule) before the first step (Keras' optimizer before build()).
 */
export function optimizerVariables(optimizer: Optimizer, weights: readonly OptimizerWeight[]): OptimizerVariable[] {
  const slots = optimizer.slotArrays();
  const all = sources(optimizer, weights);
  const list = slots ? all : all.filter((source) => 'scalar' in source && source.scalar !== 'u_product');
  return list.map((source): OptimizerVariable => {
    if ('scalar' in source) {
      if (source.scalar === 'iteration') return { name: 'iteration', weight: -1, shape: [], data: BigInt64Array.of(BigInt(optimizer.iterations)) };
      const value = source.scalar === 'learning_rate' ? optimizer.learningRate : optimizer.scheduleProduct;
      return { name: source.scalar === 'learning_rate' ? 'learning_rate' : 'variable', weight: -1, shape: [], data: Float32Array.of(value) };
    }
    return { name: source.name, weight: source.weight, shape: weights[source.weight].shape, data: (slots as Float32Array[][])[source.slot][source.weight] };
  });
}

/** A saved variable as read: its shape and values (iteration may come as a bigint). */
export interface SavedVariable {
  shape(): readonly number[];
  read(): Float32Array | bigint | number;
}

/**
 * Keras' load_own_variables: puts the saved variables in place when there are as many as the
 * built optimizer holds; returns a reason (Keras' warning) when the count differs, and throws a
 * ConfigError naming the variable when a shape differs (Keras' assign fails there).
 */
export function restoreOptimizerVariables(optimizer: Optimizer, weights: readonly OptimizerWeight[], saved: readonly SavedVariable[]): string | null {
  const list = sources(optimizer, weights);
  if (saved.length !== list.length) {
    return `skipping the optimizer state: ${optimizer.name} has ${list.length} variables for this model whereas the saved optimizer has ${saved.length}`;
  }
  const slots = Array.from({ length: optimizer.slotArrays()?.length ?? slotCount(optimizer) }, () => weights.map((): Float32Array | null => null));
  const state = { iterations: optimizer.iterations, learningRate: optimizer.learningRate, scheduleProduct: 1, slots };
  list.forEach((source, i) => {
    const expected = 'scalar' in source ? [] : weights[source.weight].shape;
    const what = 'scalar' in source ? source.scalar : `${source.name} of trainable weight ${source.weight}`;
    const shape = saved[i].shape();
    if (shape.length !== expected.length || shape.some((d, k) => d !== expected[k])) {
      throw new ConfigError(`optimizer variable ${i} (${what}) has shape [${shape.join(', ')}] in the file but the model needs [${expected.join(', ')}]`);
    }
    const value = saved[i].read();
    if ('scalar' in source) {
      const number = typeof value === 'bigint' || typeof value === 'number' ? Number(value) : value[0];
      if (source.scalar === 'iteration') {
        if (!Number.isSafeInteger(number) || number < 0) throw new ConfigError(`optimizer variable 0 (iteration) must be a non-negative integer, received ${String(value)}`);
        state.iterations = number;
      } else if (source.scalar === 'learning_rate') {
        state.learningRate = number;
      } else {
        state.scheduleProduct = number;
      }
    } else {
      if (!(value instanceof Float32Array)) throw new ConfigError(`optimizer variable ${i} (${what}) must hold floats`);
      slots[source.slot][source.weight] = value;
    }
  });
  optimizer.restoreState(weights.map((w) => w.shape.reduce((a, b) => a * b, 1)), state);
  return null;
}

function slotCount(optimizer: Optimizer): number {
  return Math.max(0, ...slotGroups(optimizer).flat().map((slot) => slot.index + 1), optimizer.name === 'rmsprop' ? 3 : 0);
}
