import { referenceRecurrent, stateCount, weightCount } from './recurrent.js';
import type { MergeMode, ReferenceOptions, ReferenceRecurrentSpec, ReferenceTensor } from './types.js';

/**
 * Keras `Bidirectional(inner, merge_mode)`. Returns `[merged, fw states..., bw states...]`, or with
 * merge mode null `[fw_out, bw_out, fw states..., bw states...]`; states only with `returnState`.
 * `weights` is the forward layer's `get_weights()` list followed by the backward layer's.
 */
export function referenceBidirectional(
  spec: ReferenceRecurrentSpec,
  mergeMode: MergeMode,
  weights: ReferenceTensor[],
  x: ReferenceTensor,
  options: ReferenceOptions = {},
): ReferenceTensor[] {
  // Keras 2 flips an inner go_backwards=true for the backward copy while Keras 3 forces it to true,
  // so there is no single right answer to check an implementation against.
  if (spec.goBackwards) {
    throw new Error('reference: Bidirectional around a go_backwards=true layer differs between Keras 2 and 3');
  }

  const perDirectionWeights = weightCount(spec);
  if (weights.length !== 2 * perDirectionWeights) {
    throw new Error(`reference: Bidirectional needs ${2 * perDirectionWeights} weights, got ${weights.length}`);
  }
  const statesPerDirection = stateCount(spec.cell);
  const initialState = options.initialState;
  if (initialState !== undefined && initialState.length !== 2 * statesPerDirection) {
    throw new Error(`reference: Bidirectional needs ${2 * statesPerDirection} initial states, got ${initialState.length}`);
  }

  // Keras overrides the inner setting on both copies, so masked positions of a returned sequence
  // are exactly zero in both directions whatever the config says.
  const forwardSpec: ReferenceRecurrentSpec = { ...spec, goBackwards: false, zeroOutputForMask: spec.returnSequences };
  const backwardSpec: ReferenceRecurrentSpec = { ...spec, goBackwards: true, zeroOutputForMask: spec.returnSequences };

  const forwardOptions: ReferenceOptions = {};
  const backwardOptions: ReferenceOptions = {};
  if (options.mask !== undefined) {
    forwardOptions.mask = options.mask;
    backwardOptions.mask = options.mask;
  }
  if (initialState !== undefined) {
    forwardOptions.initialState = initialState.slice(0, statesPerDirection);
    backwardOptions.initialState = initialState.slice(statesPerDirection);
  }

  const [forwardOutput, ...forwardStates] = referenceRecurrent(
    forwardSpec,
    weights.slice(0, perDirectionWeights),
    x,
    forwardOptions,
  );
  const [backwardProcessingOrder, ...backwardStates] = referenceRecurrent(
    backwardSpec,
    weights.slice(perDirectionWeights),
    x,
    backwardOptions,
  );
  // A backward sequence comes out in processing order and is flipped back so that position t
  // pairs both directions' outputs for input step t; a backward last output is left as it is.
  const backwardOutput = spec.returnSequences ? reverseTime(backwardProcessingOrder) : backwardProcessingOrder;

  const outputs: ReferenceTensor[] =
    mergeMode === null ? [forwardOutput, backwardOutput] : [merge(mergeMode, forwardOutput, backwardOutput)];
  if (spec.returnState) outputs.push(...forwardStates, ...backwardStates);
  return outputs;
}

/** Reverses axis 1 of a `[B, T, H]` tensor. */
export function reverseTime(tensor: ReferenceTensor): ReferenceTensor {
  const [batch, timeSteps, features] = tensor.shape;
  const data = new Float64Array(tensor.data.length);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < timeSteps; t++) {
      const source = (b * timeSteps + (timeSteps - 1 - t)) * features;
      data.set(tensor.data.subarray(source, source + features), (b * timeSteps + t) * features);
    }
  }
  return { shape: tensor.shape.slice(), data };
}

/** Combines two same-shaped tensors; `concat` joins them along the last axis. */
export function merge(
  mergeMode: Exclude<MergeMode, null>,
  forward: ReferenceTensor,
  backward: ReferenceTensor,
): ReferenceTensor {
  if (mergeMode === 'concat') {
    const features = forward.shape[forward.shape.length - 1];
    const rows = forward.data.length / features;
    const data = new Float64Array(2 * forward.data.length);
    for (let row = 0; row < rows; row++) {
      data.set(forward.data.subarray(row * features, (row + 1) * features), row * 2 * features);
      data.set(backward.data.subarray(row * features, (row + 1) * features), row * 2 * features + features);
    }
    return { shape: [...forward.shape.slice(0, -1), 2 * features], data };
  }

  const data = new Float64Array(forward.data.length);
  for (let i = 0; i < data.length; i++) {
    const f = forward.data[i];
    const b = backward.data[i];
    switch (mergeMode) {
      case 'sum':
        data[i] = f + b;
        break;
      case 'mul':
        data[i] = f * b;
        break;
      case 'ave':
        data[i] = (f + b) / 2;
        break;
    }
  }
  return { shape: forward.shape.slice(), data };
}
