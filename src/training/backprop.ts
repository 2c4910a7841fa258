// One forward pass of a model's graph in training mode and the backward pass
// through it: node by node in reverse, gradients summed where a tensor feeds
// several nodes and where a layer is called more than once. TimeDistributed of a
// model runs that model's own pass on the folded steps.
import type { Layer } from '../layers/layer.js';
import { InputLayer } from '../layers/input-layer.js';
import { TimeDistributed } from '../layers/time-distributed.js';
import { nodeCallValues, splitMaskInput, type LayerNode, type NestedGraph, type SymbolicTensor } from '../symbolic.js';
import { Tensor } from '../tensor.js';
import { withActivityPenalty } from './activity-penalties.js';
import { trainingStep, type LayerStep } from './layer-steps.js';
import type { RandomSource } from './random-source.js';

/**
 * What training reads of a model's traced graph (src/models/graph.ts): declared here, so that
 * training depends on no model module and models can own their trainer.
 */
export interface TrainingGraph {
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** Nodes in an order where every node comes after the nodes it reads from. */
  readonly nodes: readonly LayerNode[];
  checkInputs(inputs: readonly Tensor[], modelName: string): void;
  /** `visit` sees each node's layer and outputs (evaluate adds the activity regularizers' penalties). */
  runWithMasks(inputs: readonly Tensor[], inputMasks?: readonly (Tensor | undefined)[], visit?: (layer: Layer, outputs: readonly Tensor[]) => void): { tensor: Tensor; mask: Tensor | undefined }[];
}

export interface TrainingPass {
  outputs: Tensor[];
  /** The output masks (the loss and the metrics use them). */
  masks: (Tensor | undefined)[];
  /** d loss / d every weight, in the order of `layers`' getWeights(), from d loss / d each output. */
  backward(dOutputs: readonly (Float32Array | null)[]): Float32Array[];
  /** backward, also giving d loss / d each graph input (null where nothing reaches it). */
  backwardToInputs(dOutputs: readonly (Float32Array | null)[]): { weights: Float32Array[]; inputs: (Float32Array | null)[] };
  /** The layers' own additions to the loss (activity regularizers), 0 without any. */
  addedLoss: number;
  /** Returns the tapes to the heap. */
  release(): void;
}

function addInto(target: Map<SymbolicTensor, Float32Array>, key: SymbolicTensor, value: Float32Array): void {
  const have = target.get(key);
  if (!have) target.set(key, value.slice());
  else for (let i = 0; i < have.length; i++) have[i] += value[i];
}

/** TimeDistributed(model): the model's own training pass on the (batch * timesteps, ...) fold; the mask passes on. */
function timeDistributedModelStep(layer: TimeDistributed, graph: NestedGraph, inputs: Tensor[], masks: (Tensor | undefined)[], random: RandomSource): LayerStep {
  const x = inputs[0];
  const [batch, timesteps] = x.shape;
  layer.computeOutputShape(x.shape);
  const pass = runTrainingPass(graph, layer.layer.leafLayers(), [new Tensor(x.data, [batch * timesteps, ...x.shape.slice(2)])], random, true);
  const out = pass.outputs[0];
  return {
    outputs: [new Tensor(out.data, [batch, timesteps, ...out.shape.slice(1)])],
    masks: [masks[0]],
    ...(pass.addedLoss === 0 ? {} : { loss: pass.addedLoss }),
    backward: (dOutputs) => {
      const grads = pass.backwardToInputs(dOutputs);
      return { inputs: grads.inputs, weights: grads.weights };
    },
    release: () => pass.release(),
  };
}

function runStep(node: LayerNode, inputs: Tensor[], masks: (Tensor | undefined)[], random: RandomSource): LayerStep {
  const { layer } = node;
  const nested = layer instanceof TimeDistributed ? layer.layer.nestedGraph() : null;
  const step = nested ? timeDistributedModelStep(layer as TimeDistributed, nested, inputs, masks, random) : trainingStep(layer, inputs, masks, random, node.callArgs);
  try {
    return withActivityPenalty(layer, step);
  } catch (error) {
    step.release();
    throw error;
  }
}

/** `nested`: the graph is a model inside another (TimeDistributed's), whose input gradients backwardToInputs gives. */
export function runTrainingPass(graph: NestedGraph, layers: readonly Layer[], inputs: readonly Tensor[], random: RandomSource, nested = false): TrainingPass {
  const values = new Map<SymbolicTensor, { tensor: Tensor; mask: Tensor | undefined }>();
  graph.inputs.forEach((symbolic, i) => values.set(symbolic, { tensor: inputs[i], mask: undefined }));
  const steps: { node: LayerNode; step: LayerStep }[] = [];
  const release = () => {
    for (const { step } of steps) step.release();
  };
  try {
    for (const node of graph.nodes) {
      if (node.layer instanceof InputLayer) continue;
      const { tensors, masks } = nodeCallValues(node.inputs.map((symbolic) => values.get(symbolic) as { tensor: Tensor; mask: Tensor | undefined }), node.callArgs);
      const step = runStep(node, tensors, masks, random);
      steps.push({ node, step });
      node.outputs.forEach((symbolic, i) => values.set(symbolic, { tensor: step.outputs[i], mask: step.masks[i] }));
    }
  } catch (error) {
    release();
    throw error;
  }
  const outputValues = graph.outputs.map((symbolic) => values.get(symbolic) as { tensor: Tensor; mask: Tensor | undefined });
  return {
    outputs: outputValues.map((v) => v.tensor),
    masks: outputValues.map((v) => v.mask),
    addedLoss: steps.reduce((sum, { step }) => (step.loss === undefined ? sum : Math.fround(sum + step.loss)), 0),
    backwardToInputs: (dOutputs) => {
      const grads = new Map<SymbolicTensor, Float32Array>();
      graph.outputs.forEach((symbolic, i) => {
        const g = dOutputs[i];
        if (g) addInto(grads, symbolic, g);
      });
      const weightGrads = new Map<Layer, Float32Array[]>();
      for (let k = steps.length - 1; k >= 0; k--) {
        const { node, step } = steps[k];
        const dOut = node.outputs.map((symbolic) => grads.get(symbolic) ?? null);
        if (dOut.every((g) => g === null) && node.layer.countParams() === 0 && step.loss === undefined) continue;
        // A model input's gradient reaches nothing (but a nested model's input's does): the step may skip it.
        // An explicit mask gets no gradient: Keras' masks are booleans.
        const { inputs } = splitMaskInput(node.inputs, node.callArgs);
        const result = step.backward(dOut, inputs.map((symbolic) => !graph.inputs.includes(symbolic) || nested));
        inputs.forEach((symbolic, i) => {
          const g = result.inputs[i];
          if (g) addInto(grads, symbolic, g);
        });
        const have = weightGrads.get(node.layer);
        if (!have) weightGrads.set(node.layer, result.weights);
        else result.weights.forEach((g, i) => { for (let j = 0; j < g.length; j++) have[i][j] += g[j]; });
      }
      const weights = layers.flatMap((layer) => {
        const own = weightGrads.get(layer);
        return own ?? layer.getWeights().map((w) => new Float32Array(w.size));
      });
      return { weights, inputs: nested ? graph.inputs.map((symbolic) => grads.get(symbolic) ?? null) : graph.inputs.map(() => null) };
    },
    backward(dOutputs) {
      return this.backwardToInputs(dOutputs).weights;
    },
    release,
  };
}
