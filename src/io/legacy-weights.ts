// Stored weights in the layouts Keras 2 converts when it loads old files
// (keras/engine/saving.py, preprocess_weights_for_loading): Keras 1's per-gate LSTM / GRU arrays
// fused, Keras 1's 4-D Convolution1D kernels made 3-D, and the kernels of a Theano-trained file
// flipped (Theano convolves, TensorFlow correlates). Applied per layer, through the wrappers.
import type { Layer } from '../layers/layer.js';
import { ModelFileError } from './errors.js';
import { formatDims, sameShape, type StoredTensor } from './hdf5.js';
import type { WeightEntry, WeightSource } from './weights.js';

export interface LegacyWeightOptions {
  /** The file is a Keras 1 file: per-gate recurrent weights, 4-D Convolution1D kernels. */
  keras1: boolean;
  /** The file says it was trained with Theano, whose convolutions flip the kernel. */
  theano: boolean;
}

const CONV_CLASSES = ['Conv1D', 'Conv2D', 'Conv3D', 'ConvLSTM2D'];

/** `source` with each layer's stored tensors converted as Keras 2 converts them. */
export function legacyWeightSource(source: WeightSource, options: LegacyWeightOptions): WeightSource {
  return {
    ...source,
    forLayer(layer, expectedCount) {
      const entries = source.forLayer(layer, expectedCount);
      if (!entries || entries.length === 0) return entries;
      const tensors = entries.map((entry) => entry.read(null, layer.name));
      const converted = convertLayer(layer, tensors, options, source.file, entries);
      const unchanged = converted.length === tensors.length && converted.every((t, i) => t === tensors[i]);
      const parts = entries.map((e) => e.part);
      const span = parts.length === 1 ? parts[0] : `${parts[0]} .. ${parts[parts.length - 1]}`;
      return converted.map((tensor, i): WeightEntry => {
        const part = unchanged ? parts[i] : `${span} (converted weight ${i})`;
        return {
          part,
          read(expected, layerName) {
            if (expected && !sameShape(tensor.shape, expected)) {
              throw new ModelFileError(`has shape ${formatDims(tensor.shape)} but the model config needs ${formatDims(expected)}`, { file: source.file, part, layer: layerName });
            }
            return tensor;
          },
        };
      });
    },
  };
}

interface Wrapped {
  className: string;
  layer?: Layer;
  forwardLayer?: Layer;
  backwardLayer?: Layer;
}

function convertLayer(layer: Layer, tensors: StoredTensor[], options: LegacyWeightOptions, file: string, entries: WeightEntry[]): StoredTensor[] {
  const wrapped = layer as unknown as Wrapped;
  if (layer.className === 'Bidirectional' && wrapped.forwardLayer && wrapped.backwardLayer) {
    const half = tensors.length / 2;
    return [
      ...convertLayer(wrapped.forwardLayer, tensors.slice(0, half), options, file, entries),
      ...convertLayer(wrapped.backwardLayer, tensors.slice(half), options, file, entries),
    ];
  }
  if (layer.className === 'TimeDistributed' && wrapped.layer) return convertLayer(wrapped.layer, tensors, options, file, entries);
  let out = tensors;
  if (options.keras1) out = keras1Layer(layer, out, file, entries);
  if (options.theano && CONV_CLASSES.includes(layer.className)) {
    // The kernel, and ConvLSTM2D's recurrent kernel too.
    out = out.map((t, i) => (i === 0 || (i === 1 && layer.className === 'ConvLSTM2D') ? flipSpatial(t) : t));
  }
  return out;
}

function keras1Layer(layer: Layer, tensors: StoredTensor[], file: string, entries: WeightEntry[]): StoredTensor[] {
  const className = layer.className;
  if (className === 'LSTM' && tensors.length === 12) {
    // Stored W_i, U_i, b_i, W_c, U_c, b_c, W_f, U_f, b_f, W_o, U_o, b_o: gates i, c, f, o; Keras 2 wants i, f, c, o.
    const order = [0, 6, 3, 9];
    return [0, 1, 2].map((k) => concatLastAxis(order.map((g) => tensors[g + k]), file, entries));
  }
  if (className === 'GRU' && tensors.length === 9) {
    return [0, 1, 2].map((k) => concatLastAxis([0, 3, 6].map((g) => tensors[g + k]), file, entries));
  }
  if (className === 'Conv1D' && tensors[0]?.shape.length === 4) {
    const config = layer.getConfig();
    const kernelSize = Array.isArray(config.kernel_size) ? config.kernel_size[0] : config.kernel_size;
    let kernel = tensors[0];
    const [a, b, , d] = kernel.shape;
    if (a !== kernelSize || b !== 1 || d !== config.filters) {
      // The older layout (nb_filter, input_dim, filter_length, 1).
      kernel = transpose(kernel, [2, 3, 1, 0]);
    }
    const [k, one, c, f] = kernel.shape;
    if (one !== 1) throw new ModelFileError(`is a Keras 1 Convolution1D kernel of shape ${formatDims(tensors[0].shape)}; expected (filter_length, 1, input_dim, nb_filter)`, { file, part: entries[0].part, layer: layer.name });
    return [{ shape: [k, c, f], data: kernel.data }, ...tensors.slice(1)];
  }
  return tensors;
}

/** Joins tensors of equal leading shape along their last axis. */
function concatLastAxis(parts: StoredTensor[], file: string, entries: WeightEntry[]): StoredTensor {
  const lead = parts[0].shape.slice(0, -1);
  if (!parts.every((p) => p.shape.length === parts[0].shape.length && sameShape(p.shape.slice(0, -1), lead))) {
    throw new ModelFileError(`holds per-gate Keras 1 weights of mismatched shapes ${parts.map((p) => formatDims(p.shape)).join(', ')}`, { file, part: entries[0].part });
  }
  const widths = parts.map((p) => p.shape[p.shape.length - 1]);
  const width = widths.reduce((n, w) => n + w, 0);
  const rows = lead.reduce((n, d) => n * d, 1);
  const data = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    let at = r * width;
    parts.forEach((p, i) => {
      data.set(p.data.subarray(r * widths[i], (r + 1) * widths[i]), at);
      at += widths[i];
    });
  }
  return { shape: [...lead, width], data };
}

/** numpy's transpose(a, axes). */
function transpose(t: StoredTensor, axes: number[]): StoredTensor {
  const shape = axes.map((a) => t.shape[a]);
  const strides = stridesOf(t.shape);
  const data = new Float32Array(t.data.length);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < data.length; i++) {
    let source = 0;
    for (let k = 0; k < shape.length; k++) source += index[k] * strides[axes[k]];
    data[i] = t.data[source];
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++index[k] < shape[k]) break;
      index[k] = 0;
    }
  }
  return { shape, data };
}

/** Keras' convert_kernel: every axis but the last two (input and output channels) reversed. */
function flipSpatial(t: StoredTensor): StoredTensor {
  const rank = t.shape.length;
  if (rank < 3) return t;
  const strides = stridesOf(t.shape);
  const data = new Float32Array(t.data.length);
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < data.length; i++) {
    let source = 0;
    for (let k = 0; k < rank; k++) source += (k < rank - 2 ? t.shape[k] - 1 - index[k] : index[k]) * strides[k];
    data[i] = t.data[source];
    for (let k = rank - 1; k >= 0; k--) {
      if (++index[k] < t.shape[k]) break;
      index[k] = 0;
    }
  }
  return { shape: [...t.shape], data };
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let k = shape.length - 2; k >= 0; k--) strides[k] = strides[k + 1] * shape[k + 1];
  return strides;
}
