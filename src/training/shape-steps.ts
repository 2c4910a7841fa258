// Training steps of the weightless layers between a model's convolutions and its recurrent
// layers: the ones that only move values (Flatten, Reshape, Permute, RepeatVector), global
// pooling, Activation, the element-wise merges (a residual Add) and Dot. None has weights; each passes d loss / d output back to its input.
import { Activation } from '../layers/activation.js';
import { Flatten } from '../layers/flatten.js';
import { GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D } from '../layers/global-pooling.js';
import type { Layer } from '../layers/layer.js';
import { Merge } from '../layers/merge.js';
import type { Dot } from '../layers/dot.js';
import { Permute } from '../layers/permute.js';
import { RepeatVector } from '../layers/repeat-vector.js';
import { Reshape } from '../layers/reshape.js';
import { Cropping1D, UpSampling1D, ZeroPadding1D } from '../layers/time-axis.js';
import { Tensor } from '../tensor.js';
import { BACKWARD_ACTIVATIONS, activationInputGradient } from './activation-gradients.js';
import type { LayerStep } from './layer-steps.js';

const nothingToRelease = () => {};

/** Layers whose every output value is one input value (or a padding zero), with no arithmetic. */
export function isMovingLayer(layer: Layer): boolean {
  return layer instanceof Flatten || layer instanceof Reshape || layer instanceof Permute || layer instanceof RepeatVector
    || layer instanceof ZeroPadding1D || layer instanceof Cropping1D || layer instanceof UpSampling1D;
}

export function isGlobalPooling(layer: Layer): layer is GlobalMaxPooling1D | GlobalMaxPooling2D | GlobalAveragePooling1D | GlobalAveragePooling2D {
  return layer instanceof GlobalMaxPooling1D || layer instanceof GlobalMaxPooling2D || layer instanceof GlobalAveragePooling1D || layer instanceof GlobalAveragePooling2D;
}

/** The Activation layer's activations with a backward pass (those of Dense). */
export function hasActivationBackward(layer: Activation): boolean {
  return BACKWARD_ACTIVATIONS.includes(layer.activation);
}

// Float32 holds every integer below 2^24 exactly; a larger index is sent in two parts.
const LOW = 2 ** 23;

/**
 * For each output value, the input index it was read from (-1: none, a padding zero), found by
 * running the layer's own forward pass on the indices themselves: the layer only moves values, so
 * each index arrives where its value would.
 */
function sourceIndices(layer: Layer, x: Tensor): Float64Array {
  const probe = (part: (i: number) => number) => {
    const data = new Float32Array(x.size);
    for (let i = 0; i < data.length; i++) data[i] = part(i);
    return layer.computeOutputs([new Tensor(data, x.shape)], [undefined]).outputs[0].data;
  };
  const low = probe((i) => (i % LOW) + 1);
  const high = x.size > LOW ? probe((i) => Math.floor(i / LOW)) : null;
  return Float64Array.from(low, (v, o) => (v === 0 ? -1 : (high ? high[o] * LOW : 0) + v - 1));
}

/** Flatten, Reshape, Permute, RepeatVector and the time-axis layers: each output gradient goes back to where its value came from (summed over RepeatVector's and UpSampling1D's copies, none from padding). */
export function movingStep(layer: Layer, inputs: Tensor[], masks: (Tensor | undefined)[]): LayerStep {
  const x = inputs[0];
  const result = layer.computeOutputs(inputs, masks);
  return {
    ...result,
    backward: ([dY]) => {
      if (!dY) return { inputs: [null], weights: [] };
      const sources = sourceIndices(layer, x);
      const dX = new Float32Array(x.size);
      for (let o = 0; o < sources.length; o++) if (sources[o] >= 0) dX[sources[o]] += dY[o];
      return { inputs: [dX], weights: [] };
    },
    release: nothingToRelease,
  };
}

/**
 * Global max and average pooling over the spatial axes of (batch, ...spatial, channels). A max's
 * gradient is shared equally by the positions that reach it (TensorFlow's reduce_max gradient);
 * a mean's goes to every position, or to the unmasked steps only when the 1-D input has a mask.
 */
export function globalPoolingStep(
  layer: GlobalMaxPooling1D | GlobalMaxPooling2D | GlobalAveragePooling1D | GlobalAveragePooling2D, inputs: Tensor[], masks: (Tensor | undefined)[],
): LayerStep {
  const x = inputs[0];
  const result = layer.computeOutputs(inputs, masks);
  const y = result.outputs[0].data;
  const max = layer instanceof GlobalMaxPooling1D || layer instanceof GlobalMaxPooling2D;
  const mask = !max && layer.rank === 1 ? masks[0] : undefined;
  const batch = x.shape[0];
  const channels = x.shape[x.rank - 1];
  const positions = x.size / (batch * channels);
  return {
    ...result,
    backward: ([dY]) => {
      if (!dY) return { inputs: [null], weights: [] };
      const dX = new Float32Array(x.size);
      for (let b = 0; b < batch; b++) {
        const weights = new Float64Array(positions);
        for (let c = 0; c < channels; c++) {
          const out = b * channels + c;
          let total = 0;
          for (let p = 0; p < positions; p++) {
            weights[p] = max ? (x.data[(b * positions + p) * channels + c] === y[out] ? 1 : 0) : mask ? (mask.data[b * positions + p] ? 1 : 0) : 1;
            total += weights[p];
          }
          for (let p = 0; p < positions; p++) dX[(b * positions + p) * channels + c] = (weights[p] / total) * dY[out];
        }
      }
      return { inputs: [dX], weights: [] };
    },
    release: nothingToRelease,
  };
}

/** Activation: the activation's derivative, the softmaxes over the last axis as the layer applies them. */
export function activationStep(layer: Activation, inputs: Tensor[], masks: (Tensor | undefined)[]): LayerStep {
  const x = inputs[0];
  const result = layer.computeOutputs(inputs, masks);
  const y = result.outputs[0];
  return {
    ...result,
    backward: ([dY]) => {
      if (!dY) return { inputs: [null], weights: [] };
      const units = x.rank === 0 ? 1 : x.shape[x.rank - 1];
      return { inputs: [activationInputGradient(layer.activation, layer.kerasVersion, () => x.data, y.data, dY, units)], weights: [] };
    },
    release: nothingToRelease,
  };
}

/** Add, Subtract, Multiply, Average, Maximum, Minimum, Dot: each input's share of the output gradient (the layer's inputGradients). */
export function mergeStep(layer: Merge | Dot, inputs: Tensor[], masks: (Tensor | undefined)[]): LayerStep {
  const result = layer.computeOutputs(inputs, masks);
  return {
    ...result,
    backward: ([dY]) => ({ inputs: dY ? layer.inputGradients(inputs, masks, dY) : inputs.map(() => null), weights: [] }),
    release: nothingToRelease,
  };
}
