// A traced graph of layer calls from input tensors to output tensors, and
// running it on data: each node's layer gets its inputs with their masks.
import { ConfigError, ShapeError, formatShape } from '../errors.js';
import { InputLayer } from '../layers/input-layer.js';
import type { Layer } from '../layers/layer.js';
import type { Tensor } from '../tensor.js';
import type { LayerNode, SymbolicTensor } from '../symbolic.js';

export interface Value {
  tensor: Tensor;
  mask: Tensor | undefined;
}

export class Graph {
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** Nodes in an order where every node comes after the nodes it reads from. */
  readonly nodes: readonly LayerNode[];
  /** Each layer once, in Keras' model.layers order (which is also get_weights() order). */
  readonly layers: readonly Layer[];
  /** tf.keras' test for the short summary table: one node per depth, each reading one tensor, no shared layers. */
  readonly isSequentialLike: boolean;

  constructor(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[], modelName: string) {
    inputs.forEach((input, i) => {
      if (!(input.layer instanceof InputLayer)) {
        throw new ConfigError(`${modelName}: inputs[${i}] must come from Input(), received the output of ${input.layer.name}`);
      }
    });
    this.inputs = inputs;
    this.outputs = outputs;
    const order: LayerNode[] = [];
    const visited = new Set<LayerNode>();
    const visit = (node: LayerNode, path: Set<LayerNode>) => {
      if (visited.has(node)) return;
      if (path.has(node)) throw new ConfigError(`${modelName}: the graph has a cycle through ${node.layer.name}`);
      path.add(node);
      for (const input of node.inputs) visit(input.node, path);
      path.delete(node);
      visited.add(node);
      order.push(node);
    };
    // Inputs first, in the order given, so layers lists them the way Keras does.
    for (const input of inputs) visit(input.node, new Set());
    for (const output of outputs) visit(output.node, new Set());
    for (const node of order) {
      if (node.layer instanceof InputLayer && !inputs.some((input) => input.node === node)) {
        throw new ConfigError(`${modelName}: the graph is disconnected: ${node.layer.name} feeds the outputs but is not among the model's inputs`);
      }
    }
    this.nodes = order;
    const { layers, sequentialLike } = kerasLayerOrder(inputs, outputs);
    this.layers = layers;
    this.isSequentialLike = sequentialLike;
  }

  /** Runs the graph on one tensor per input (already checked against the input shapes). */
  run(inputs: readonly Tensor[]): Tensor[] {
    return this.runWithMasks(inputs).map((value) => value.tensor);
  }

  /** Like run, with each output's Keras mask (the loss and metrics of training use it). */
  runWithMasks(inputs: readonly Tensor[]): Value[] {
    const values = new Map<SymbolicTensor, Value>();
    this.inputs.forEach((symbolic, i) => values.set(symbolic, { tensor: inputs[i], mask: undefined }));
    for (const node of this.nodes) {
      if (node.layer instanceof InputLayer) continue;
      const args = node.inputs.map((symbolic) => values.get(symbolic) as Value);
      const result = node.layer.computeOutputs(args.map((v) => v.tensor), args.map((v) => v.mask), node.callArgs);
      node.outputs.forEach((symbolic, i) => values.set(symbolic, { tensor: result.outputs[i], mask: result.masks[i] }));
    }
    return this.outputs.map((symbolic) => values.get(symbolic) as Value);
  }

  /** ShapeError naming the input layer when a tensor does not fit its declared shape. */
  checkInputs(inputs: readonly Tensor[], modelName: string): void {
    if (inputs.length !== this.inputs.length) {
      const names = this.inputs.map((t) => t.layer.name).join(', ');
      throw new ShapeError(`${modelName}: expects ${this.inputs.length} input tensor(s) (${names}), received ${inputs.length}`);
    }
    inputs.forEach((tensor, i) => {
      const expected = this.inputs[i].shape;
      const fits = expected.length === tensor.rank && expected.every((d, k) => d === null || d === tensor.shape[k]);
      if (!fits) {
        throw new ShapeError(`${modelName}: input ${this.inputs[i].layer.name} must have shape ${formatShape(expected)}, received ${formatShape(tensor.shape)}`);
      }
    });
  }
}

/**
 * Keras' layer order: depth-first from the outputs numbers layers in the
 * order they are first reached; each node's depth is its longest distance to
 * an output; layers are listed deepest first, ties by that number.
 */
function kerasLayerOrder(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[]): { layers: Layer[]; sequentialLike: boolean } {
  const layerIndex = new Map<Layer, number>();
  const finished: LayerNode[] = [];
  const seen = new Set<LayerNode>();
  const visit = (node: LayerNode) => {
    if (seen.has(node)) return;
    seen.add(node);
    if (!layerIndex.has(node.layer)) layerIndex.set(node.layer, layerIndex.size);
    for (const input of node.inputs) visit(input.node);
    finished.push(node);
  };
  for (const output of outputs) visit(output.node);

  const nodeDepth = new Map<LayerNode, number>();
  const layerDepth = new Map<Layer, number>();
  for (const node of [...finished].reverse()) {
    const depth = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
    layerDepth.set(node.layer, depth);
    nodeDepth.set(node, depth);
    for (const input of node.inputs) nodeDepth.set(input.node, Math.max(depth + 1, nodeDepth.get(input.node) ?? 0));
  }
  for (const input of inputs) {
    if (!layerDepth.has(input.layer)) {
      layerDepth.set(input.layer, 0);
      layerIndex.set(input.layer, -1);
      nodeDepth.set(input.node, 0);
    }
  }
  const layers = [...layerDepth.keys()].sort((a, b) => (layerDepth.get(b) as number) - (layerDepth.get(a) as number)
    || (layerIndex.get(a) as number) - (layerIndex.get(b) as number));

  const nodesPerDepth = new Map<number, number>();
  for (const depth of nodeDepth.values()) nodesPerDepth.set(depth, (nodesPerDepth.get(depth) ?? 0) + 1);
  const nodesPerLayer = new Map<Layer, number>();
  for (const node of nodeDepth.keys()) nodesPerLayer.set(node.layer, (nodesPerLayer.get(node.layer) ?? 0) + 1);
  const sequentialLike = [...nodesPerDepth.values()].every((count) => count === 1)
    && [...nodeDepth.keys()].every((node) => node.inputs.length <= 1)
    && [...nodesPerLayer.values()].every((count) => count === 1);
  return { layers, sequentialLike };
}
