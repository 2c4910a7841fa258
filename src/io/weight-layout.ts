// Where each of a layer's weights sits in every Keras file format, from one
// table: the saving library's `vars` groups (a recurrent layer's weights in its
// `cell`, a Bidirectional's in `forward_layer` / `backward_layer`, a wrapper's in
// `layer`), and tf.keras 2's variable names ('bidirectional/forward_lstm/
// lstm_cell/kernel:0') that legacy .h5 and TF.js files list. The loader reads
// saving-library files through the same table; a layer class it does not name is
// a plain layer whose weights are its own.
import { toSnakeCase } from '../layers/custom-layer.js';
import { CELL_LIST } from '../kernels/cells.js';
import { Bidirectional } from '../layers/bidirectional.js';
import { ConvLSTM } from '../layers/conv-lstm.js';
import type { Layer } from '../layers/layer.js';
import { RecurrentLayer } from '../layers/recurrent.js';
import { RNN } from '../layers/rnn.js';
import { TimeDistributed } from '../layers/time-distributed.js';
import { ModelBase } from '../models/model.js';

/** One group of a layer's weights, in get_weights() order. */
export interface WeightGroup {
  /** The saving-library group below the layer's own: 'vars', 'cell/vars', 'forward_layer/cell/vars'. */
  varsPath: string;
  /** tf.keras 2's name scopes of these variables: ['bidirectional', 'forward_lstm', 'lstm_cell']. */
  scopes: string[];
  /** The layer whose getWeights() fill this group; null for a wrapper's own (empty) group. */
  owner: Layer | null;
}

/** Keras' names of the weights of one layer (not a wrapper), by class; the cells' come from the cell table. */
const OWN_WEIGHT_NAMES: Readonly<Record<string, readonly string[]>> = {
  Dense: ['kernel', 'bias'],
  Embedding: ['embeddings'],
  Conv1D: ['kernel', 'bias'],
  Conv2D: ['kernel', 'bias'],
  SeparableConv1D: ['depthwise_kernel', 'pointwise_kernel', 'bias'],
  DepthwiseConv1D: ['depthwise_kernel', 'bias'],
  BatchNormalization: ['gamma', 'beta', 'moving_mean', 'moving_variance'],
  Normalization: ['mean', 'variance', 'count'],
  LayerNormalization: ['gamma', 'beta'],
  PReLU: ['alpha'],
  CuDNNLSTM: ['kernel', 'recurrent_kernel', 'bias'],
  CuDNNGRU: ['kernel', 'recurrent_kernel', 'bias'],
  ...Object.fromEntries(CELL_LIST.map((cell) => [cell.kerasClass, cell.weights.map((w) => w.name)])),
  RNN: ['kernel', 'recurrent_kernel', 'bias'],
  ConvLSTM1D: ['kernel', 'recurrent_kernel', 'bias'],
  ConvLSTM2D: ['kernel', 'recurrent_kernel', 'bias'],
  ConvLSTM3D: ['kernel', 'recurrent_kernel', 'bias'],
};


/** Recurrent layers that keep their weights themselves, not in a cell (Keras 2's cuDNN layers). */
const CELLLESS_RECURRENT = ['CuDNNLSTM', 'CuDNNGRU'];

/**
 * The saving library's names for a list of layers (Keras' _save_container_state): each layer's
 * class in snake_case, repeated classes numbered (gru, gru_1, ...), in list order.
 */
export function savingLibNames(layers: readonly Layer[]): string[] {
  const used = new Map<string, number>();
  return layers.map((layer) => {
    const base = toSnakeCase(layer.className);
    const count = used.get(base);
    used.set(base, count === undefined ? 0 : count + 1);
    return count === undefined ? base : `${base}_${count + 1}`;
  });
}

export function weightGroups(layer: Layer): WeightGroup[] {
  const nested = (prefix: string, inner: Layer): WeightGroup[] =>
    weightGroups(inner).map((g) => ({ ...g, varsPath: `${prefix}/${g.varsPath}`, scopes: [layer.name, ...g.scopes] }));
  const own: WeightGroup = { varsPath: 'vars', scopes: [layer.name], owner: null };
  if (layer instanceof RNN) return [own, { varsPath: 'cell/vars', scopes: [layer.name, layer.cell.name], owner: layer }];
  if (layer instanceof RecurrentLayer && !CELLLESS_RECURRENT.includes(layer.className)) return [own, { varsPath: 'cell/vars', scopes: [layer.name, `${toSnakeCase(layer.className)}_cell`], owner: layer }];
  // Keras 3's ConvLSTM keeps its weights on a cell (conv_lstm_cell), as the RNNs do; tf.keras 2 and
  // tfjs-layers name them in the layer's own scope ('conv_lstm2d/kernel'), with no cell scope.
  if (layer instanceof ConvLSTM) return [own, { varsPath: 'cell/vars', scopes: [layer.name], owner: layer }];
  if (layer instanceof Bidirectional) return [own, ...nested('forward_layer', layer.forwardLayer), ...nested('backward_layer', layer.backwardLayer)];
  if (layer instanceof TimeDistributed) return [own, ...nested('layer', layer.layer)];
  if (layer instanceof ModelBase) {
    // A nested model keeps its layers under its own `layers` list, as the saving library walks a model.
    const inner = layer.layers;
    const names = savingLibNames(inner);
    return [own, ...inner.flatMap((innerLayer, i) => nested(`layers/${names[i]}`, innerLayer))];
  }
  return [{ ...own, owner: layer }];
}

/**
 * Keras' _legacy_weights order, which legacy .h5 files keep per top-level layer: trainable_weights,
 * then non_trainable_weights, as indices into getWeights(). It differs from getWeights() only for
 * a nested model, whose frozen layers' and moving statistics' weights all come after the trained ones.
 */
export function legacyWeightOrder(layer: Layer): number[] {
  const trained = layer.weightTrainability();
  const indices = trained.map((_, i) => i);
  return [...indices.filter((i) => trained[i]), ...indices.filter((i) => !trained[i])];
}

/** `items` (in the legacy order of `layer`'s weights) back in getWeights() order; as given when the counts differ. */
export function fromLegacyOrder<T>(layer: Layer, items: readonly T[]): T[] {
  if (!layer.built) return [...items];
  const order = legacyWeightOrder(layer);
  if (order.length !== items.length) return [...items];
  const out = new Array<T>(items.length);
  order.forEach((index, k) => { out[index] = items[k]; });
  return out;
}

/** The weights Keras keeps as int64 variables, by class and name; files store them so. */
const INTEGER_WEIGHTS: Readonly<Record<string, readonly string[]>> = { Normalization: ['count'] };

/** A weight's values as a file stores them: int64 where Keras' variable is one (Normalization's count), else float32. */
export function storedValues(owner: Layer, index: number, data: Float32Array): Float32Array | BigInt64Array {
  const name = ownWeightNames(owner, index + 1)[index];
  if (!INTEGER_WEIGHTS[owner.className]?.includes(name)) return data;
  return BigInt64Array.from(data, (v) => BigInt(Math.round(v)));
}

/** Keras' names of the weights `owner.getWeights()` returns; a class not in the table numbers them as Keras does unnamed variables. */
export function ownWeightNames(owner: Layer, count: number): string[] {
  const known = normalizationWeightNames(owner) ?? OWN_WEIGHT_NAMES[owner.className];
  if (known && count <= known.length) return known.slice(0, count);
  return Array.from({ length: count }, (_, i) => (i === 0 ? 'variable' : `variable_${i}`));
}

/** A normalisation's weight names, which lose gamma without scale and beta without center. */
function normalizationWeightNames(owner: Layer): string[] | null {
  const { scale, center, rmsScaling } = owner as { scale?: unknown; center?: unknown; rmsScaling?: unknown };
  if (owner.className === 'BatchNormalization') return [...(scale ? ['gamma'] : []), ...(center ? ['beta'] : []), 'moving_mean', 'moving_variance'];
  if (owner.className === 'LayerNormalization') return [...(scale || rmsScaling ? ['gamma'] : []), ...(center && !rmsScaling ? ['beta'] : [])];
  return null;
}

/** A layer's weights with tf.keras 2's variable names ('lstm/lstm_cell/kernel:0' without the ':0'), in get_weights() order. */
export function namedWeights(layer: Layer): { name: string; shape: number[]; data: Float32Array; stored: Float32Array | BigInt64Array }[] {
  return weightGroups(layer).flatMap((group) => {
    const { owner } = group;
    if (!owner) return [];
    const weights = owner.getWeights();
    const names = ownWeightNames(owner, weights.length);
    return weights.map((w, i) => ({ name: [...group.scopes, names[i]].join('/'), shape: [...w.shape], data: w.data, stored: storedValues(owner, i, w.data) }));
  });
}

export { toSnakeCase };
