// Each trainable layer's forward pass in training mode and its backward pass.
// A step keeps what its backward needs (the recurrent layers: a tape in
// WebAssembly memory, released by release()).
import { ConfigError } from '../errors.js';
import { Bidirectional } from '../layers/bidirectional.js';
import { Concatenate } from '../layers/concatenate.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { Embedding } from '../layers/embedding.js';
import { InputLayer } from '../layers/input-layer.js';
import type { Layer } from '../layers/layer.js';
import { Masking } from '../layers/masking.js';
import { RecurrentLayer } from '../layers/recurrent.js';
import { TimeDistributed } from '../layers/time-distributed.js';
import { runRecurrentTraining, type RecurrentTape } from '../kernels/backward.js';
import { denseBackward } from '../kernels/dense-backward.js';
import { defaultInstance } from '../kernels/default-instance.js';
import type { RecurrentDirection, RecurrentRun } from '../kernels/recurrent.js';
import { Activation } from '../layers/activation.js';
import { Conv } from '../layers/conv.js';
import { convStep, isPooling, poolingStep } from './conv-steps.js';
import { Merge } from '../layers/merge.js';
import { Dot } from '../layers/dot.js';
import { LayerNormalization } from '../layers/layer-normalization.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { Normalization } from '../layers/normalization.js';
import { Rescaling } from '../layers/rescaling.js';
import { batchNormalizationStep, layerNormalizationStep } from './norm-steps.js';
import { isTrainingNoise, noiseIndices, noiseStep } from './noise-steps.js';
import { PReLU } from '../layers/prelu.js';
import { Softmax } from '../layers/softmax.js';
import { isActivationLayer, parameterActivationStep, softmaxStep } from './activation-layer-steps.js';
import { activationStep, globalPoolingStep, hasActivationBackward, isGlobalPooling, isMovingLayer, mergeStep, movingStep } from './shape-steps.js';
import { directionDropout, type DirectionDropout } from './recurrent-dropout.js';
import { BACKWARD_ACTIVATIONS, activationInputGradient } from './activation-gradients.js';
import { Tensor, shapeSize } from '../tensor.js';
import type { CallArgs } from '../symbolic.js';
import { attentionStep, isAttention } from './attention-steps.js';
import type { RandomSource } from './random-source.js';

export interface LayerGradients {
  /** d loss / d each input of the node (null where the input takes no gradient, e.g. token ids). */
  inputs: (Float32Array | null)[];
  /** d loss / d each weight, in the layer's getWeights() order. */
  weights: Float32Array[];
}

export interface LayerStep {
  outputs: Tensor[];
  masks: (Tensor | undefined)[];
  /**
   * From d loss / d each output (null: the output does not reach the loss). `inputGradients[i]`
   * false: nothing reads input i's gradient (a model input), so a step may return null for it.
   */
  backward(dOutputs: (Float32Array | null)[], inputGradients?: readonly boolean[]): LayerGradients;
  release(): void;
  /** What the layer adds to the loss (Keras' add_loss: an activity regularizer); its gradient comes from backward. */
  loss?: number;
}

/** Throws a ConfigError naming the layer when it has no backward pass (or runs in a mode training does not support). */
export function checkTrainable(layer: Layer): void {
  if (layer instanceof InputLayer || layer instanceof Embedding || layer instanceof Masking || layer instanceof Concatenate || layer instanceof Dropout) return;
  if (layer instanceof Dense) {
    if (!BACKWARD_ACTIVATIONS.includes(layer.activation)) {
      throw new ConfigError(`${layer.name}: Dense with activation '${layer.activation}' has no backward pass yet`);
    }
    return;
  }
  if (layer instanceof TimeDistributed) {
    const inner = layer.layer;
    const nested = inner.nestedGraph() !== null;
    const leaves = nested ? inner.leafLayers() : [inner];
    if (nested) {
      // Its weights update as one leaf of the outer model: all of them, or none when it is frozen.
      const frozen = inner.frozenLeaves();
      if (layer.trainable && frozen.length > 0) {
        throw new ConfigError(`${layer.name}: TimeDistributed(${inner.className}) of a model with frozen layers (${frozen.map((l) => l.name).join(', ')}) cannot be trained; freeze the whole TimeDistributed or none of the model's layers`);
      }
    }
    // Keras 3 calls the wrapped layer or model once per time step: batch statistics are per step
    // there, where the one pass on the folded steps here would take them over all steps (the
    // activity penalties of a wrapped model's layers alike: activity-penalties.ts refuses them).
    const perStep = leaves.find((leaf) => leaf instanceof BatchNormalization && layer.trainable && leaf.trainable);
    if (perStep) {
      const what = nested ? `TimeDistributed(${inner.className}) with ${perStep.className} ${perStep.name}` : `TimeDistributed(${inner.className})`;
      throw new ConfigError(`${layer.name}: ${what} cannot be trained here: Keras 3 runs the ${nested ? 'model' : 'layer'} once per time step, so its batch statistics are per step; put the BatchNormalization outside the TimeDistributed (statistics over all steps), or freeze it`);
    }
    for (const leaf of leaves) checkTrainable(leaf);
    return;
  }
  if (isMovingLayer(layer) || isGlobalPooling(layer) || isPooling(layer) || layer instanceof Merge || layer instanceof Dot || layer instanceof LayerNormalization || layer instanceof Normalization || layer instanceof Rescaling || layer instanceof BatchNormalization || isTrainingNoise(layer)) return;
  if (isActivationLayer(layer) || layer instanceof Softmax || layer instanceof PReLU || isAttention(layer)) return;
  // Every activation a convolution takes has a backward pass.
  if (layer instanceof Conv) return;
  if (layer instanceof Activation) {
    if (!hasActivationBackward(layer)) throw new ConfigError(`${layer.name}: Activation '${layer.activation}' has no backward pass yet; ${BACKWARD_ACTIVATIONS.join(', ')} have`);
    return;
  }
  if (layer instanceof RecurrentLayer || layer instanceof Bidirectional) return;
  throw new ConfigError(`${layer.name}: ${layer.className} has no backward pass, so a model with it cannot be trained`);
}


/** Runs `layer` in training mode on one node's inputs (`callArgs`: the node's call options, Attention's). */
export function trainingStep(layer: Layer, inputs: Tensor[], masks: (Tensor | undefined)[], random: RandomSource, callArgs: CallArgs = {}): LayerStep {
  if (layer instanceof Dense) return denseStep(layer, layer, inputs, masks);
  if (layer instanceof TimeDistributed) return layer.layer instanceof Dense ? denseStep(layer, layer.layer, inputs, masks) : timeDistributedStep(layer, inputs, masks, random);
  if (isMovingLayer(layer)) return movingStep(layer, inputs, masks);
  if (layer instanceof Conv) return convStep(layer, inputs, masks);
  if (isPooling(layer)) return poolingStep(layer, inputs);
  if (isGlobalPooling(layer)) return globalPoolingStep(layer, inputs, masks);
  if (layer instanceof Activation) return activationStep(layer, inputs, masks);
  if (isActivationLayer(layer)) return parameterActivationStep(layer, inputs, masks);
  if (layer instanceof Softmax) return softmaxStep(layer, inputs, masks);
  if (layer instanceof PReLU) return layerNormalizationStep(layer, inputs, masks);
  if (layer instanceof Merge || layer instanceof Dot) return mergeStep(layer, inputs, masks);
  if (layer instanceof LayerNormalization || layer instanceof Normalization || layer instanceof Rescaling) return layerNormalizationStep(layer, inputs, masks);
  if (layer instanceof BatchNormalization) return batchNormalizationStep(layer, inputs, masks);
  if (isTrainingNoise(layer)) return noiseStep(layer, inputs, masks, random);
  if (layer instanceof RecurrentLayer) return recurrentStep(layer, inputs, masks, random);
  if (layer instanceof Bidirectional) return bidirectionalStep(layer, inputs, masks, random);
  if (layer instanceof Embedding) return embeddingStep(layer, inputs);
  if (layer instanceof Masking) return maskingStep(layer, inputs);
  if (layer instanceof Concatenate) return concatenateStep(layer, inputs, masks);
  if (layer instanceof Dropout) return dropoutStep(layer, inputs, masks, random);
  if (isAttention(layer)) return attentionStep(layer, inputs, masks, random, callArgs);
  checkTrainable(layer);
  throw new ConfigError(`${layer.name}: ${layer.className} has no backward pass`);
}

const nothingToRelease = () => {};

/** Dense, or TimeDistributed(Dense) (the same product on every step). */
function denseStep(layer: Layer, dense: Dense, inputs: Tensor[], masks: (Tensor | undefined)[]): LayerStep {
  const result = layer.computeOutputs(inputs, masks);
  const x = inputs[0];
  const y = result.outputs[0];
  return {
    ...result,
    backward: ([dY]) => {
      const [kernel] = dense.getWeights();
      const [D, N] = kernel.shape;
      if (!dY) return { inputs: [null], weights: dense.useBias ? [new Float32Array(D * N), new Float32Array(N)] : [new Float32Array(D * N)] };
      const rows = x.size / D;
      const dZ = activationInputGradient(dense.activation, dense.kerasVersion, () => dense.preActivations(x.data, rows), y.data, dY, N);
      const grads = denseBackward(defaultInstance(), x.data, kernel.data, dZ, rows, D, N);
      return { inputs: [grads.x], weights: dense.useBias ? [grads.kernel, grads.bias] : [grads.kernel] };
    },
    release: nothingToRelease,
  };
}

/** TimeDistributed(layer): the layer's step on the (batch * timesteps, ...) fold, as predict runs it; the mask passes on. */
function timeDistributedStep(layer: TimeDistributed, inputs: Tensor[], masks: (Tensor | undefined)[], random: RandomSource): LayerStep {
  const x = inputs[0];
  const [batch, timesteps] = x.shape;
  checkTrainable(layer);
  // Keras 3's TimeDistributed calls the layer's call(), not __call__: the layer's activity
  // regularizer adds nothing (runStep, which adds it, is for a graph's nodes).
  const inner = trainingStep(layer.layer, [new Tensor(x.data, [batch * timesteps, ...x.shape.slice(2)])], [undefined], random);
  const out = inner.outputs[0];
  return {
    outputs: [new Tensor(out.data, [batch, timesteps, ...out.shape.slice(1)])],
    masks: [masks[0]],
    backward: (dOutputs, inputGradients) => inner.backward(dOutputs, inputGradients),
    release: () => inner.release(),
    loss: inner.loss,
  };
}

function embeddingStep(layer: Embedding, inputs: Tensor[]): LayerStep {
  const result = layer.computeOutputs(inputs);
  const ids = inputs[0];
  return {
    ...result,
    backward: ([dY]) => {
      const { inputDim, outputDim } = layer;
      const table = new Float32Array(inputDim * outputDim);
      if (dY) {
        for (let i = 0; i < ids.size; i++) {
          const row = ids.data[i] * outputDim;
          for (let k = 0; k < outputDim; k++) table[row + k] += dY[i * outputDim + k];
        }
      }
      return { inputs: [null], weights: [table] };
    },
    release: nothingToRelease,
  };
}

function maskingStep(layer: Masking, inputs: Tensor[]): LayerStep {
  const result = layer.computeOutputs(inputs);
  const mask = result.masks[0] as Tensor;
  const features = inputs[0].shape[inputs[0].rank - 1];
  return {
    ...result,
    backward: ([dY]) => {
      if (!dY) return { inputs: [null], weights: [] };
      const dX = dY.slice();
      mask.data.forEach((valid, s) => {
        if (!valid) dX.fill(0, s * features, (s + 1) * features);
      });
      return { inputs: [dX], weights: [] };
    },
    release: nothingToRelease,
  };
}

function concatenateStep(layer: Concatenate, inputs: Tensor[], masks: (Tensor | undefined)[]): LayerStep {
  const result = layer.computeOutputs(inputs, masks);
  const outShape = result.outputs[0].shape;
  const rawAxis = (layer.getConfig().axis as number | undefined) ?? -1;
  const axis = rawAxis < 0 ? outShape.length + rawAxis : rawAxis;
  return {
    ...result,
    backward: ([dY]) => {
      if (!dY) return { inputs: inputs.map(() => null), weights: [] };
      const outer = shapeSize(outShape.slice(0, axis));
      const parts = inputs.map((t) => new Float32Array(t.size));
      let offset = 0;
      for (let o = 0; o < outer; o++) {
        inputs.forEach((t, i) => {
          const block = shapeSize(t.shape.slice(axis));
          parts[i].set(dY.subarray(offset, offset + block), o * block);
          offset += block;
        });
      }
      return { inputs: parts, weights: [] };
    },
    release: nothingToRelease,
  };
}

/** Inverted dropout: one Bernoulli(1 - rate) draw per element (per noiseShape's cell), kept values scaled by 1 / (1 - rate). */
function dropoutStep(layer: Dropout, inputs: Tensor[], masks: (Tensor | undefined)[], random: RandomSource): LayerStep {
  const x = inputs[0];
  if (layer.rate === 0) {
    return { outputs: [x], masks: [masks[0]], backward: ([dY]) => ({ inputs: [dY], weights: [] }), release: nothingToRelease };
  }
  const scale = 1 / (1 - layer.rate);
  const { count, index } = noiseIndices(layer, x.shape);
  const draws = Float32Array.from({ length: count }, () => (random() >= layer.rate ? scale : 0));
  const keep = layer.noiseShape === null ? draws : Float32Array.from({ length: x.size }, (_, i) => draws[index(i)]);
  const out = x.data.map((v, i) => v * keep[i]);
  return {
    outputs: [new Tensor(out, x.shape)],
    masks: [masks[0]],
    backward: ([dY]) => ({ inputs: [dY ? dY.map((g, i) => g * keep[i]) : null], weights: [] }),
    release: nothingToRelease,
  };
}

/** Runs `run` recording a tape, releasing the directions' buffers if it throws. */
function recordTape(run: RecurrentRun, prepared: readonly DirectionDropout[]): RecurrentTape {
  try {
    return runRecurrentTraining(run);
  } catch (error) {
    for (const p of prepared) p.release();
    throw error;
  }
}

/** Runs one or two directions with a tape; returns the step over the layer's Keras outputs. */
function recurrentTapeStep(
  tape: RecurrentTape, layers: readonly RecurrentLayer[], prepared: readonly DirectionDropout[], inputs: Tensor[], masks: (Tensor | undefined)[],
  outputShape: number[], sequenceOutputs: number, returnSequences: boolean, returnState: boolean,
): LayerStep {
  const [batch] = inputs[0].shape;
  const { result } = tape;
  const H = layers[0].units;
  const outputs = result.outputs.map((data) => new Tensor(data, outputShape));
  if (returnState) for (const states of result.finalStates) outputs.push(...states.map((s) => new Tensor(s, [batch, H])));
  const stateCount = layers[0].stateNames.length;
  let released = false;
  return {
    outputs,
    masks: outputs.map((_, i) => (i < sequenceOutputs && returnSequences ? masks[0] : undefined)),
    backward: (dOutputs, inputGradients) => {
      const outputGradients = result.outputs.map((o, i) => dOutputs[i] ?? new Float32Array(o.length));
      const finalStates = returnState
        ? layers.map((_, d) => Array.from({ length: stateCount }, (_unused, k) => dOutputs[sequenceOutputs + d * stateCount + k] ?? null))
        : undefined;
      const grads = tape.backward({ outputs: outputGradients, finalStates, inputGradient: inputGradients?.[0] !== false });
      const weightGrads = grads.directions.flatMap((g, d) => {
        const kernel = prepared[d].kernelGradient(g.kernel);
        const layer = layers[d];
        return layer.weightGradients(layer.useBias ? [kernel, g.recurrentKernel, g.bias] : [kernel, g.recurrentKernel], prepared[d].direction.weights.inputDim);
      });
      const stateInputs = inputs.length - 1;
      const stateGrads = grads.directions.flatMap((g) => g.initialState).slice(0, stateInputs);
      const dX = grads.x ? prepared[0].inputGradient(grads.x) : null;
      if (dX && grads.xBackward) {
        const other = prepared[1].inputGradient(grads.xBackward);
        for (let i = 0; i < dX.length; i++) dX[i] += other[i];
      }
      return { inputs: [dX, ...stateGrads], weights: weightGrads };
    },
    release: () => {
      if (released) return;
      released = true;
      tape.release();
      for (const p of prepared) p.release();
    },
  };
}

function recurrentStep(layer: RecurrentLayer, inputs: Tensor[], masks: (Tensor | undefined)[], random: RandomSource): LayerStep {
  const x = inputs[0];
  const [batch, timesteps] = x.shape;
  layer.checkStatefulBatch(batch);
  if (!layer.built) layer.build(x.shape);
  checkTrainable(layer);
  const initialState = inputs.length > 1 ? inputs.slice(1) : undefined;
  // A stateful layer starts from its carried states: values, not inputs of this pass, so no
  // gradient reaches the batch that produced them (Keras reads them from non-trainable variables).
  const direction: RecurrentDirection = layer.direction(initialState, layer.goBackwards, layer.zeroOutputForMask, true);
  const prepared = directionDropout(layer, direction, x.data, batch, timesteps, random);
  const tape = recordTape({ x: prepared.x, batch, timesteps, mask: masks[0]?.data ?? null, merge: 'none', directions: [prepared.direction] }, [prepared]);
  // Keras assigns the final states in the forward pass, before the optimizer step.
  layer.keepFinalStates(tape.result.finalStates[0], batch);
  const shape = layer.returnSequences ? [batch, timesteps, layer.units] : [batch, layer.units];
  return recurrentTapeStep(tape, [layer], [prepared], inputs, masks, shape, 1, layer.returnSequences, layer.returnState);
}

function bidirectionalStep(layer: Bidirectional, inputs: Tensor[], masks: (Tensor | undefined)[], random: RandomSource): LayerStep {
  const x = inputs[0];
  const [batch, timesteps] = x.shape;
  if (!layer.built) layer.build(x.shape);
  const { forwardLayer, backwardLayer } = layer;
  forwardLayer.checkStatefulBatch(batch);
  backwardLayer.checkStatefulBatch(batch);
  const stateCount = forwardLayer.stateNames.length;
  const initialState = inputs.length > 1 ? inputs.slice(1) : undefined;
  // Keras forces zero_output_for_mask = return_sequences on both copies.
  const zeroOutputForMask = layer.returnSequences;
  // Keras' forward and backward copies are separate layers: each draws its own masks.
  const forward = directionDropout(forwardLayer, forwardLayer.direction(initialState?.slice(0, stateCount), false, zeroOutputForMask, true), x.data, batch, timesteps, random);
  const prepared = [forward];
  try {
    prepared.push(directionDropout(backwardLayer, backwardLayer.direction(initialState?.slice(stateCount), true, zeroOutputForMask, true), x.data, batch, timesteps, random));
  } catch (error) {
    forward.release();
    throw error;
  }
  const [, backward] = prepared;
  const tape = recordTape({
    x: forward.x, xBackward: backward.x === forward.x ? undefined : backward.x,
    batch, timesteps, mask: masks[0]?.data ?? null, merge: layer.mergeMode ?? 'none',
    directions: [forward.direction, backward.direction],
  }, prepared);
  forwardLayer.keepFinalStates(tape.result.finalStates[0], batch);
  backwardLayer.keepFinalStates(tape.result.finalStates[1], batch);
  const H = forwardLayer.units;
  const width = layer.mergeMode === 'concat' ? 2 * H : H;
  const shape = layer.returnSequences ? [batch, timesteps, width] : [batch, width];
  return recurrentTapeStep(tape, [forwardLayer, backwardLayer], prepared, inputs, masks, shape, layer.mergeMode === null ? 2 : 1, layer.returnSequences, layer.returnState);
}
