// A traced graph of layer calls from input tensors to output tensors, and
// running it on data: each node's layer gets its inputs with their masks.
import { ConfigError, ShapeError, formatShape } from '../errors.js';
import { InputLayer } from '../layers/input-layer.js';
import type { Layer, Shape } from '../layers/layer.js';
import type { Tensor } from '../tensor.js';
import { LayerNode, SymbolicTensor, nodeCallValues, splitMaskInput } from '../symbolic.js';

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

  private readonly modelName: string;

  constructor(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[], modelName: string) {
    this.modelName = modelName;
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

  /**
   * Like run, with each output's Keras mask (the loss and metrics of training use it). A model used
   * as a layer is given its inputs' masks, as Keras' Functional.call(inputs, mask) sets them.
   */
  runWithMasks(inputs: readonly Tensor[], inputMasks: readonly (Tensor | undefined)[] = [], visit?: (layer: Layer, outputs: readonly Tensor[]) => void): Value[] {
    const values = new Map<SymbolicTensor, Value>();
    this.inputs.forEach((symbolic, i) => values.set(symbolic, { tensor: inputs[i], mask: inputMasks[i] }));
    for (const node of this.nodes) {
      if (node.layer instanceof InputLayer) continue;
      const { tensors, masks } = nodeCallValues(node.inputs.map((symbolic) => values.get(symbolic) as Value), node.callArgs);
      const result = node.layer.computeOutputs(tensors, masks, node.callArgs);
      visit?.(node.layer, result.outputs);
      node.outputs.forEach((symbolic, i) => values.set(symbolic, { tensor: result.outputs[i], mask: result.masks[i] }));
    }
    return this.outputs.map((symbolic) => values.get(symbolic) as Value);
  }

  /**
   * The same computation with every nested model's node replaced by that model's own nodes,
   * which read the tensors the nested model was called on: training and streaming walk this, so
   * that they only ever meet layers. Its `layers` are those leaves, not Keras' model.layers.
   */
  flattened(): Graph {
    if (!this.nodes.some((node) => node.layer.nestedGraph() !== null)) return this;
    const replaced = new Map<SymbolicTensor, SymbolicTensor>();
    for (const node of this.nodes) {
      if (node.layer instanceof InputLayer) continue;
      const inner = node.layer.nestedGraph();
      if (!inner) {
        if (node.inputs.some((t) => replaced.has(t))) copyNode(node, replaced);
        continue;
      }
      // The nested graph's tensors map to the ones around it: its inputs to this node's inputs.
      const within = new Map<SymbolicTensor, SymbolicTensor>();
      inner.inputs.forEach((t, i) => within.set(t, replaced.get(node.inputs[i]) ?? node.inputs[i]));
      for (const innerNode of inner.nodes) {
        if (!(innerNode.layer instanceof InputLayer)) copyNode(innerNode, within);
      }
      node.outputs.forEach((t, i) => replaced.set(t, within.get(inner.outputs[i]) ?? inner.outputs[i]));
    }
    return new Graph(this.inputs, this.outputs.map((t) => replaced.get(t) ?? t), this.modelName);
  }

  /**
   * The output shapes for inputs of these shapes, layer by layer (Keras' compute_output_shape of
   * a Functional model); ShapeError naming the model when they do not fit its inputs.
   */
  outputShapesFor(inputShapes: readonly Shape[]): Shape[] {
    if (inputShapes.length !== this.inputs.length) {
      throw new ShapeError(`${this.modelName}: expects ${this.inputs.length} input(s) (${this.inputs.map((t) => t.layer.name).join(', ')}), received ${inputShapes.length}`);
    }
    const shapes = new Map<SymbolicTensor, Shape>();
    this.inputs.forEach((input, i) => {
      const given = inputShapes[i];
      const fits = given.length === input.shape.length && input.shape.every((d, k) => d === null || given[k] === null || d === given[k]);
      if (!fits) throw new ShapeError(`${this.modelName}: input ${input.layer.name} must have shape ${formatShape(input.shape)}, received ${formatShape(given)}`);
      shapes.set(input, given.map((d, k) => d ?? input.shape[k]));
    });
    for (const node of this.nodes) {
      if (node.layer instanceof InputLayer) continue;
      const out = node.layer.outputShapes(splitMaskInput(node.inputs.map((t) => shapes.get(t) as Shape), node.callArgs).inputs, node.callArgs);
      node.outputs.forEach((t, i) => shapes.set(t, out[i]));
    }
    return this.outputs.map((t) => shapes.get(t) as Shape);
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
        throw new ShapeError(`${modelName}: input ${this.inputs[i].layer.name} must have shape ${formatShape(expected)}, received ${formatShape(tensor.shape)}${missingBatchHint(expected, tensor.shape)}`);
      }
    });
  }
}

/** A copy of `node` that reads the tensors `replaced` maps its inputs to; its outputs join the map. */
function copyNode(node: LayerNode, replaced: Map<SymbolicTensor, SymbolicTensor>): void {
  const copy = new LayerNode(node.layer, node.inputs.map((t) => replaced.get(t) ?? t), node.callArgs);
  copy.outputs = node.outputs.map((t, i) => new SymbolicTensor(t.shape, copy, i));
  node.outputs.forEach((t, i) => replaced.set(t, copy.outputs[i]));
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

/** One sample given without its batch axis (numpy's x[0] where Keras wants x[0:1]) gets the shape to give. */
function missingBatchHint(expected: Shape, given: readonly number[]): string {
  const isOneSample = given.length === expected.length - 1 && expected.slice(1).every((d, k) => d === null || d === given[k]);
  return isOneSample ? `; this looks like one sample without the batch axis: give it shape ${formatShape([1, ...given])}` : '';
}
