// Training steps of the convolutions (Conv1D/2D/3D) and of max and average pooling, over
// channels_last inputs of 1 to 3 spatial axes. The forward pass is the layer's own (predict's
// kernels); the backward pass of a convolution is Dense's backward on each group's im2col
// matrix (the same rows conv_forward multiplies), scattered back onto the input.
import { Conv } from '../layers/conv.js';
import { callGeometry, type WindowSpec } from '../layers/conv-geometry.js';
import type { Layer } from '../layers/layer.js';
import { MaxPooling1D, MaxPooling2D, MaxPooling3D, Pooling } from '../layers/pooling.js';
import { denseBackward } from '../kernels/dense-backward.js';
import { defaultInstance } from '../kernels/default-instance.js';
import type { ConvGeometry } from '../kernels/conv.js';
import { Tensor } from '../tensor.js';
import { activationInputGradient } from './activation-gradients.js';
import type { LayerStep } from './layer-steps.js';

const nothingToRelease = () => {};

export function isPooling(layer: Layer): layer is Pooling {
  return layer instanceof Pooling;
}

/**
 * For output row r (sample, then output positions row-major) and kernel tap j (row-major over the
 * kernel's axes), the input position (sample, then spatial positions row-major) the tap reads,
 * or -1 where it falls on padding. rows = samples · output positions, taps = kernel positions.
 */
function tapPositions(g: ConvGeometry): { rows: number; taps: number; at: Int32Array } {
  const [iD, iH, iW] = g.input;
  const [oD, oH, oW] = g.output;
  const [kD, kH, kW] = g.kernel;
  const rows = g.samples * oD * oH * oW;
  const taps = kD * kH * kW;
  const at = new Int32Array(rows * taps);
  let r = 0;
  for (let n = 0; n < g.samples; n++) {
    for (let od = 0; od < oD; od++) for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++, r++) {
      let j = 0;
      for (let kd = 0; kd < kD; kd++) for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++, j++) {
        const d = od * g.strides[0] - g.padBefore[0] + kd * g.dilations[0];
        const h = oh * g.strides[1] - g.padBefore[1] + kh * g.dilations[1];
        const w = ow * g.strides[2] - g.padBefore[2] + kw * g.dilations[2];
        const inside = d >= 0 && d < iD && h >= 0 && h < iH && w >= 0 && w < iW;
        at[r * taps + j] = inside ? ((n * iD + d) * iH + h) * iW + w : -1;
      }
    }
  }
  return { rows, taps, at };
}

function convWindow(layer: Conv): WindowSpec {
  return { kernel: layer.kernelSize, strides: layer.strides, dilations: layer.dilationRate, padding: layer.padding };
}

/** A convolution: y = act(im2col(x) · kernel + bias) per group, its gradients by Dense's backward pass on each group's rows. */
export function convStep(layer: Conv, inputs: Tensor[], masks: (Tensor | undefined)[]): LayerStep {
  const x = inputs[0];
  const result = layer.computeOutputs(inputs);
  const y = result.outputs[0];
  return {
    ...result,
    masks: masks.map(() => undefined),
    backward: ([dY], inputGradients) => {
      const [kernel, bias] = layer.getWeights();
      const C = x.shape[x.rank - 1];
      const F = layer.filters;
      const G = layer.groups;
      const Cg = C / G;
      const Fg = F / G;
      const geometry = callGeometry(x.shape, convWindow(layer), F, G);
      const { rows, taps, at } = tapPositions(geometry);
      const K = taps * Cg;
      const dKernel = new Float32Array(kernel.size);
      const dBias = new Float32Array(F);
      const dX = inputGradients?.[0] === false ? null : new Float32Array(x.size);
      const weights = () => (layer.useBias ? [dKernel, dBias] : [dKernel]);
      if (!dY) return { inputs: [dX], weights: weights() };
      const columns = Array.from({ length: G }, (_, g) => {
        const cols = new Float32Array(rows * K);
        for (let i = 0; i < rows * taps; i++) {
          const p = at[i];
          if (p >= 0) cols.set(x.data.subarray(p * C + g * Cg, p * C + (g + 1) * Cg), i * Cg);
        }
        return cols;
      });
      const groupKernels = Array.from({ length: G }, (_, g) => Float32Array.from({ length: K * Fg }, (_unused, i) => kernel.data[Math.floor(i / Fg) * F + g * Fg + (i % Fg)]));
      // z = y before the activation, for the activations whose slope y does not give (silu).
      const preActivations = () => {
        const z = new Float32Array(rows * F);
        for (let g = 0; g < G; g++) {
          for (let r = 0; r < rows; r++) for (let f = 0; f < Fg; f++) {
            let sum = bias ? bias.data[g * Fg + f] : 0;
            for (let k = 0; k < K; k++) sum += columns[g][r * K + k] * groupKernels[g][k * Fg + f];
            z[r * F + g * Fg + f] = sum;
          }
        }
        return z;
      };
      const dZ = activationInputGradient(layer.activation, layer.kerasVersion, preActivations, y.data, dY, F);
      for (let g = 0; g < G; g++) {
        const dZg = new Float32Array(rows * Fg);
        for (let r = 0; r < rows; r++) dZg.set(dZ.subarray(r * F + g * Fg, r * F + (g + 1) * Fg), r * Fg);
        const grads = denseBackward(defaultInstance(), columns[g], groupKernels[g], dZg, rows, K, Fg);
        for (let k = 0; k < K; k++) for (let f = 0; f < Fg; f++) dKernel[k * F + g * Fg + f] = grads.kernel[k * Fg + f];
        dBias.set(grads.bias, g * Fg);
        if (!dX) continue;
        for (let i = 0; i < rows * taps; i++) {
          const p = at[i];
          if (p < 0) continue;
          for (let c = 0; c < Cg; c++) dX[p * C + g * Cg + c] += grads.x[i * Cg + c];
        }
      }
      return { inputs: [dX], weights: weights() };
    },
    release: nothingToRelease,
  };
}

/**
 * Max pooling sends each window's gradient to its first largest value (TensorFlow's MaxPoolGrad);
 * average pooling shares it among the window's positions inside the input (padding is not counted).
 */
export function poolingStep(layer: Pooling, inputs: Tensor[]): LayerStep {
  const x = inputs[0];
  const result = layer.computeOutputs(inputs);
  const y = result.outputs[0].data;
  const max = layer instanceof MaxPooling1D || layer instanceof MaxPooling2D || layer instanceof MaxPooling3D;
  return {
    ...result,
    backward: ([dY]) => {
      if (!dY) return { inputs: [null], weights: [] };
      const C = x.shape[x.rank - 1];
      const window: WindowSpec = { kernel: layer.poolSize, strides: layer.strides, dilations: layer.poolSize.map(() => 1), padding: layer.padding };
      const { rows, taps, at } = tapPositions(callGeometry(x.shape, window, C, 1));
      const dX = new Float32Array(x.size);
      for (let r = 0; r < rows; r++) {
        const row = at.subarray(r * taps, (r + 1) * taps);
        const inside = row.filter((q) => q >= 0);
        for (let c = 0; c < C; c++) {
          const g = dY[r * C + c];
          if (max) {
            const p = inside.find((q) => x.data[q * C + c] === y[r * C + c]);
            if (p !== undefined) dX[p * C + c] += g;
            continue;
          }
          for (const q of inside) dX[q * C + c] += g / inside.length;
        }
      }
      return { inputs: [dX], weights: [] };
    },
    release: nothingToRelease,
  };
}
