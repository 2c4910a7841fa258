// The training steps of LayerNormalization (the layer's own forward pass, and its backward pass,
// LayerNormalization.gradients, through the normalised groups to x, gamma and beta) and of
// BatchNormalization (BatchNormalization.trainingPass: the batch's statistics).
import type { BatchNormalization } from '../layers/batch-normalization.js';
import type { LayerNormalization } from '../layers/layer-normalization.js';
import type { Tensor } from '../tensor.js';
import type { LayerStep } from './layer-steps.js';

/** A layer whose own gradients() gives d loss / d x and its weights (LayerNormalization, PReLU, Normalization). */
type SelfDifferentiating = Pick<LayerNormalization, 'computeOutputs' | 'getWeights' | 'gradients'>;

/** LayerNormalization's step, and that of every layer with its own gradients() (PReLU). */
export function layerNormalizationStep(layer: SelfDifferentiating, inputs: Tensor[], masks: (Tensor | undefined)[]): LayerStep {
  const x = inputs[0];
  const result = layer.computeOutputs(inputs, masks);
  return {
    ...result,
    backward: ([dY]) => {
      if (!dY) return { inputs: [null], weights: layer.getWeights().map((w) => new Float32Array(w.size)) };
      const grads = layer.gradients(x, dY);
      return { inputs: [grads.x], weights: grads.weights };
    },
    release: () => {},
  };
}

export function batchNormalizationStep(layer: BatchNormalization, inputs: Tensor[], masks: (Tensor | undefined)[]): LayerStep {
  const pass = layer.trainingPass(inputs[0], masks[0]);
  return {
    outputs: [pass.output],
    masks: [masks[0]],
    backward: ([dY]) => {
      if (!dY) return { inputs: [null], weights: layer.getWeights().map((w) => new Float32Array(w.size)) };
      const grads = pass.backward(dY);
      return { inputs: [grads.x], weights: grads.weights };
    },
    release: () => {},
  };
}
