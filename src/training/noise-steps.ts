// Training steps of the regularisation layers that are the identity at inference, as Keras 3's
// call(training=True): SpatialDropout1D/2D/3D (inverted dropout of whole feature maps), GaussianNoise
// (x + stddev * N(0, 1)), GaussianDropout (x * N(1, rate / (1 - rate))), AlphaDropout (dropped values
// set to SELU's negative saturation, then an affine map that keeps mean and variance), and
// ActivityRegularization (the identity; its penalty is its activity regularizer's, as every layer's).
// The draws come from fit's seeded uniform source, as Dropout's do (Keras' own random values
// cannot be reproduced); the gradient is each value's own factor.
import { ShapeError, formatShape, quoted } from '../errors.js';
import { ActivityRegularization, AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D } from '../layers/noise.js';
import type { Layer } from '../layers/layer.js';
import { Tensor } from '../tensor.js';
import type { LayerStep } from './layer-steps.js';
import type { RandomSource } from './random-source.js';

export type TrainingNoiseLayer = SpatialDropout1D | SpatialDropout2D | SpatialDropout3D | GaussianNoise | GaussianDropout | AlphaDropout | ActivityRegularization;

export function isTrainingNoise(layer: Layer): layer is TrainingNoiseLayer {
  return layer instanceof SpatialDropout1D || layer instanceof SpatialDropout2D || layer instanceof SpatialDropout3D
    || layer instanceof GaussianNoise || layer instanceof GaussianDropout || layer instanceof AlphaDropout || layer instanceof ActivityRegularization;
}

/** A standard normal draw (Box-Muller) from two uniform ones. */
function normal(random: RandomSource): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** x * factor + offset per value; d output / d x is the factor. */
function affineStep(x: Tensor, mask: Tensor | undefined, factor: Float32Array, offset: Float32Array | null): LayerStep {
  const out = x.data.map((v, i) => v * factor[i] + (offset ? offset[i] : 0));
  return {
    outputs: [new Tensor(out, x.shape)],
    masks: [mask],
    backward: ([dY]) => ({ inputs: [dY ? dY.map((g, i) => g * factor[i]) : null], weights: [] }),
    release: () => {},
  };
}

const SELU_NEGATIVE_SATURATION = -1.6732632423543772 * 1.0507009873554805;

/** For each value of `shape`, its draw's index in Keras' noise_shape (null: the input's size; 1: broadcast). */
export function noiseIndices(layer: { name: string; noiseShape: readonly (number | null)[] | null }, shape: readonly number[]): { count: number; index: (i: number) => number } {
  const noise = layer.noiseShape;
  if (noise === null) return { count: shape.reduce((a, b) => a * b, 1), index: (i) => i };
  const dims = shape.map((d, a) => noise[a] ?? d);
  if (noise.length !== shape.length || dims.some((d, a) => d !== shape[a] && d !== 1)) {
    throw new ShapeError(`${layer.name}: noiseShape ${quoted(noise)} does not broadcast to the input shape ${formatShape(shape)}`);
  }
  return {
    count: dims.reduce((a, b) => a * b, 1),
    index: (i) => {
      let flat = 0;
      let rest = i;
      let stride = 1;
      for (let a = shape.length - 1; a >= 0; a--) {
        const at = rest % shape[a];
        rest = Math.floor(rest / shape[a]);
        if (dims[a] !== 1) flat += at * stride;
        stride *= dims[a];
      }
      return flat;
    },
  };
}

/** Keras 3's AlphaDropout: a * (kept ? x : alpha') + b, so a dropped value's gradient is 0 and a kept one's a. */
function alphaDropoutStep(layer: AlphaDropout, x: Tensor, mask: Tensor | undefined, random: RandomSource): LayerStep {
  const rate = layer.rate;
  if (rate === 0) return affineStep(x, mask, new Float32Array(x.size).fill(1), null);
  const { count, index } = noiseIndices(layer, x.shape);
  const kept = Float32Array.from({ length: count }, () => (random() >= rate ? 1 : 0));
  const a = ((1 - rate) * (1 + rate * SELU_NEGATIVE_SATURATION ** 2)) ** -0.5;
  const b = -a * SELU_NEGATIVE_SATURATION * rate;
  const factor = new Float32Array(x.size);
  const offset = new Float32Array(x.size);
  for (let i = 0; i < x.size; i++) {
    const k = kept[index(i)];
    factor[i] = a * k;
    offset[i] = a * SELU_NEGATIVE_SATURATION * (1 - k) + b;
  }
  return affineStep(x, mask, factor, offset);
}

export function noiseStep(layer: TrainingNoiseLayer, inputs: Tensor[], masks: (Tensor | undefined)[], random: RandomSource): LayerStep {
  const x = inputs[0];
  layer.computeOutputShape(x.shape);
  if (layer instanceof AlphaDropout) return alphaDropoutStep(layer, x, masks[0], random);
  // Its penalty is its activity regularizer's, which every layer's step adds (activity-penalties.ts).
  if (layer instanceof ActivityRegularization) return { outputs: [x], masks: [masks[0]], backward: ([dY]) => ({ inputs: [dY], weights: [] }), release: () => {} };
  if (layer instanceof GaussianNoise) {
    const offset = Float32Array.from({ length: x.size }, () => layer.stddev * normal(random));
    return affineStep(x, masks[0], new Float32Array(x.size).fill(1), offset);
  }
  if (layer instanceof GaussianDropout) {
    const stddev = Math.sqrt(layer.rate / (1 - layer.rate));
    return affineStep(x, masks[0], Float32Array.from({ length: x.size }, () => (layer.rate > 0 ? 1 + stddev * normal(random) : 1)), null);
  }
  // One keep-or-drop per sample and channel (Keras' noise shape (batch, 1, ..., channels)).
  const channelsFirst = layer.dataFormat === 'channels_first';
  const batch = x.shape[0];
  const channels = channelsFirst ? x.shape[1] : x.shape[x.rank - 1];
  const spatial = x.size / Math.max(batch * channels, 1);
  const scale = 1 / (1 - layer.rate);
  const keep = Float32Array.from({ length: batch * channels }, () => (random() >= layer.rate ? scale : 0));
  const factor = new Float32Array(x.size);
  for (let i = 0; i < x.size; i++) {
    const b = Math.floor(i / (spatial * channels));
    const c = channelsFirst ? Math.floor(i / spatial) % channels : i % channels;
    factor[i] = keep[b * channels + c];
  }
  return affineStep(x, masks[0], factor, null);
}
