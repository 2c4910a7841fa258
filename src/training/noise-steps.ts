// Training steps of the noise layers that are the identity at inference and draw noise in
// training, as Keras 3's call(training=True): SpatialDropout1D/2D/3D (inverted dropout of whole
// feature maps), GaussianNoise (x + stddev * N(0, 1)) and GaussianDropout (x * N(1, rate / (1 - rate))).
// The draws come from fit's seeded uniform source, as Dropout's do (Keras' own random values
// cannot be reproduced); the gradient is each value's own factor.
import { GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D } from '../layers/noise.js';
import type { Layer } from '../layers/layer.js';
import { Tensor } from '../tensor.js';
import type { LayerStep } from './layer-steps.js';
import type { RandomSource } from './random-source.js';

export type TrainingNoiseLayer = SpatialDropout1D | SpatialDropout2D | SpatialDropout3D | GaussianNoise | GaussianDropout;

export function isTrainingNoise(layer: Layer): layer is TrainingNoiseLayer {
  return layer instanceof SpatialDropout1D || layer instanceof SpatialDropout2D || layer instanceof SpatialDropout3D
    || layer instanceof GaussianNoise || layer instanceof GaussianDropout;
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

export function noiseStep(layer: TrainingNoiseLayer, inputs: Tensor[], masks: (Tensor | undefined)[], random: RandomSource): LayerStep {
  const x = inputs[0];
  layer.computeOutputShape(x.shape);
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
