// Keras' activity regularizers (Layer.__call__): for each output of a layer's call, the
// regularizer of the whole output divided by its batch size (divide_no_nan: an empty batch adds
// 0; a scalar output is not divided), added to the layer's losses, which fit and evaluate add to
// the loss. The gradient reaches the output as d penalty / d output, beside the loss's own.
import { ConfigError } from '../errors.js';
import { Bidirectional } from '../layers/bidirectional.js';
import type { Layer } from '../layers/layer.js';
import { ActivityRegularization } from '../layers/noise.js';
import { regularizerShapeProblem, type Regularizer } from '../layers/regularizers.js';
import { TimeDistributed } from '../layers/time-distributed.js';
import type { Tensor } from '../tensor.js';
import type { LayerStep } from './layer-steps.js';

const f32 = Math.fround;

/** The batch size Keras divides one output's penalty by: its first axis, 1 for a scalar. */
function batchOf(output: Tensor): number {
  return output.rank > 0 ? output.shape[0] : 1;
}

function checkShape(layer: Layer, regularizer: Regularizer, output: Tensor): void {
  const problem = regularizerShapeProblem(regularizer, output.shape, 'output');
  if (problem) throw new ConfigError(`${layer.name}: option 'activityRegularizer': ${problem}`);
}

/** The sum of the layer's activity penalties on `outputs` (one call's), in float32; 0 without a regularizer. */
export function activityPenalty(layer: Layer, outputs: readonly Tensor[]): number {
  const regularizer = layer.activityRegularizer;
  if (!regularizer) return 0;
  let total = 0;
  for (const output of outputs) {
    checkShape(layer, regularizer, output);
    const batch = batchOf(output);
    if (batch !== 0) total = f32(total + f32(regularizer.penalty(output.data, output.shape) / batch));
  }
  return total;
}

/** `step` with the layer's activity penalty added to its loss and its gradient to the gradients of the outputs. */
export function withActivityPenalty(layer: Layer, step: LayerStep): LayerStep {
  const regularizer = layer.activityRegularizer;
  if (!regularizer) return step;
  const penalty = activityPenalty(layer, step.outputs);
  return {
    ...step,
    loss: step.loss === undefined ? penalty : f32(step.loss + penalty),
    backward: (dOutputs, inputGradients) => step.backward(step.outputs.map((output, i) => {
      const dOutput = dOutputs[i] ?? null;
      const batch = batchOf(output);
      if (batch === 0) return dOutput;
      const gradient = new Float32Array(output.size);
      regularizer.addGradient(output.data, output.shape, gradient);
      for (let j = 0; j < gradient.length; j++) gradient[j] = gradient[j] / batch + (dOutput ? dOutput[j] : 0);
      return gradient;
    }), inputGradients),
  };
}

/**
 * The layer inside `leaves` whose activity penalty Keras counts where training and evaluate here
 * cannot: a direction of a Bidirectional (Keras penalises its output before the merge) or a layer
 * of a model inside a TimeDistributed (Keras runs the model, and adds the penalty, once per time
 * step). A ConfigError saying so, or null.
 */
export function uncountedActivityPenalty(leaves: readonly Layer[], what: string): ConfigError | null {
  for (const leaf of leaves) {
    const inner = leaf instanceof Bidirectional ? [leaf.forwardLayer, leaf.backwardLayer]
      : leaf instanceof TimeDistributed && leaf.layer.nestedGraph() !== null ? leaf.layer.leafLayers() : [];
    const regularized = inner.find((layer) => layer.activityRegularizer !== null);
    if (!regularized) continue;
    const where = leaf instanceof Bidirectional ? "on each direction's output before the merge" : 'once per time step';
    const fix = regularized instanceof ActivityRegularization ? `put the ActivityRegularization after the ${leaf.className}`
      : `give the activityRegularizer to the ${leaf.className} itself`;
    return new ConfigError(`${leaf.name}: ${what} cannot add the activity penalty of ${regularized.className} ${regularized.name} inside ${leaf.className} (Keras adds it ${where}); ${fix}, or leave it out`);
  }
  return null;
}
