// Training steps of the activation layers with parameters: ReLU, LeakyReLU and ELU (their
// derivative on x) and Softmax (the Jacobian over each normalised group, masked positions cut off
// as Keras' where() cuts them). PReLU differentiates itself (PReLU.gradients, norm-steps.ts).
import { ELU, LeakyReLU, ReLU, type ParameterActivationLayer } from '../layers/relu-layers.js';
import { gatherRows, scatterRows, type Softmax } from '../layers/softmax.js';
import type { Tensor } from '../tensor.js';
import type { LayerStep } from './layer-steps.js';

const nothingToRelease = () => {};

/**
 * d relu / dx as TensorFlow differentiates Keras 3's relu: the leaky form (no cap, no threshold)
 * has slope 1 above 0 and negativeSlope at and below it; otherwise 1 where x passes the threshold
 * (x > 0 without one) and is not above the cap (relu6: below 6), plus negativeSlope below the threshold.
 */
function reluSlope(v: number, slope: number, cap: number | null, threshold: number): number {
  if (slope !== 0 && cap === null && threshold === 0) return v > 0 ? 1 : slope;
  const capped = cap === null ? false : threshold === 0 && cap === 6 ? v >= 6 : v > cap;
  const through = v > threshold && !capped ? 1 : 0;
  return through + (v < threshold ? slope : 0);
}

function slopeFunction(layer: ParameterActivationLayer): (v: number) => number {
  if (layer instanceof ReLU) return (v) => reluSlope(v, Math.fround(layer.negativeSlope), layer.maxValue === null ? null : Math.fround(layer.maxValue), Math.fround(layer.threshold));
  if (layer instanceof LeakyReLU) return (v) => reluSlope(v, Math.fround(layer.negativeSlope), null, 0);
  const alpha = Math.fround((layer as ELU).alpha);
  return (v) => (v > 0 ? 1 : alpha * Math.exp(v));
}

export function isActivationLayer(layer: unknown): layer is ReLU | LeakyReLU | ELU {
  return layer instanceof ReLU || layer instanceof LeakyReLU || layer instanceof ELU;
}

export function parameterActivationStep(layer: ParameterActivationLayer, inputs: Tensor[], masks: (Tensor | undefined)[]): LayerStep {
  const x = inputs[0];
  const result = layer.computeOutputs(inputs, masks);
  const slope = slopeFunction(layer);
  return {
    ...result,
    backward: ([dY]) => ({ inputs: [dY ? dY.map((g, i) => g * slope(x.data[i])) : null], weights: [] }),
    release: nothingToRelease,
  };
}

/** Softmax: dx = y (dy - sum(dy y)) over each group; a masked position (Keras 3 zeroes its output) passes nothing back. */
export function softmaxStep(layer: Softmax, inputs: Tensor[], masks: (Tensor | undefined)[]): LayerStep {
  const x = inputs[0];
  const result = layer.computeOutputs(inputs, masks);
  const y = result.outputs[0].data;
  return {
    ...result,
    backward: ([dY]) => {
      if (!dY) return { inputs: [null], weights: [] };
      const rows = layer.rowsFor(x.shape);
      const keep = masks[0] ? layer.keptPositions(x.shape, masks[0]) : null;
      const cut = keep !== null && layer.kerasVersion === 3;
      const g = gatherRows(cut ? dY.map((v, i) => (keep[i] ? v : 0)) : dY, rows);
      const p = gatherRows(y, rows);
      const dZ = new Float32Array(g.length);
      for (let r = 0; r * rows.width < g.length; r++) {
        let dot = 0;
        for (let c = 0; c < rows.width; c++) dot += g[r * rows.width + c] * p[r * rows.width + c];
        for (let c = 0; c < rows.width; c++) {
          const i = r * rows.width + c;
          dZ[i] = p[i] * (g[i] - dot);
        }
      }
      const dX = scatterRows(dZ, rows);
      if (cut) for (let i = 0; i < dX.length; i++) if (!keep[i]) dX[i] = 0;
      return { inputs: [dX], weights: [] };
    },
    release: nothingToRelease,
  };
}
