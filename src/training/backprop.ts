// One forward pass of a model's graph in training mode and the backward pass
// through it: node by node in reverse, gradients summed where a tensor feeds
// several nodes and where a layer is called more than once.
import type { Layer } from '../layers/layer.js';
import { InputLayer } from '../layers/input-layer.js';
import type { LayerNode, SymbolicTensor } from '../symbolic.js';
import type { Tensor } from '../tensor.js';
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
  runWithMasks(inputs: readonly Tensor[]): { tensor: Tensor; mask: Tensor | undefined }[];
}

export interface TrainingPass {
  outputs: Tensor[];
  /** The output masks (the loss and the metrics use them). */
  masks: (Tensor | undefined)[];
  /** d loss / d every weight, in the order of `layers`' getWeights(), from d loss / d each output. */
  backward(dOutputs: readonly (Float32Array | null)[]): Float32Array[];
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

export function runTrainingPass(graph: TrainingGraph, layers: readonly Layer[], inputs: readonly Tensor[], random: RandomSource): TrainingPass {
  const values = new Map<SymbolicTensor, { tensor: Tensor; mask: Tensor | undefined }>();
  graph.inputs.forEach((symbolic, i) => values.set(symbolic, { tensor: inputs[i], mask: undefined }));
  const steps: { node: LayerNode; step: LayerStep }[] = [];
  const release = () => {
    for (const { step } of steps) step.release();
  };
  try {
    for (const node of graph.nodes) {
      if (node.layer instanceof InputLayer) continue;
      const args = node.inputs.map((symbolic) => values.get(symbolic) as { tensor: Tensor; mask: Tensor | undefined });
      const step = trainingStep(node.layer, args.map((a) => a.tensor), args.map((a) => a.mask), random);
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
    backward: (dOutputs) => {
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
        // A model input's gradient reaches nothing: the step may skip it.
        const result = step.backward(dOut, node.inputs.map((symbolic) => !graph.inputs.includes(symbolic)));
        node.inputs.forEach((symbolic, i) => {
          const g = result.inputs[i];
          if (g) addInto(grads, symbolic, g);
        });
        const have = weightGrads.get(node.layer);
        if (!have) weightGrads.set(node.layer, result.weights);
        else result.weights.forEach((g, i) => { for (let j = 0; j < g.length; j++) have[i][j] += g[j]; });
      }
      return layers.flatMap((layer) => {
        const own = weightGrads.get(layer);
        return own ?? layer.getWeights().map((w) => new Float32Array(w.size));
      });
    },
    release,
  };
}
