// A traced graph of layer calls from input tensors to output tensors, and
// running it on data: each node's layer gets its inputs with their masks.
import { ConfigError, ShapeError, formatShape } from '../errors.js';
import { InputLayer } from '../layers/input-layer.js';
import type { Layer } from '../layers/layer.js';
import type { Tensor } from '../tensor.js';
import type { LayerNode, SymbolicTensor } from './symbolic.js';

interface Value {
  tensor: Tensor;
  mask: Tensor | undefined;
}

export class Graph {
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** Nodes in an order where every node comes after the nodes it reads from. */
  readonly nodes: readonly LayerNode[];
  /** Each layer once, in the order its first node runs (input layers first). */
  readonly layers: readonly Layer[];

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
    this.layers = [...new Set(order.map((node) => node.layer))];
  }

  /** Runs the graph on one tensor per input (already checked against the input shapes). */
  run(inputs: readonly Tensor[]): Tensor[] {
    const values = new Map<SymbolicTensor, Value>();
    this.inputs.forEach((symbolic, i) => values.set(symbolic, { tensor: inputs[i], mask: undefined }));
    for (const node of this.nodes) {
      if (node.layer instanceof InputLayer) continue;
      const args = node.inputs.map((symbolic) => values.get(symbolic) as Value);
      const result = node.layer.forward(args.map((v) => v.tensor), args.map((v) => v.mask));
      node.outputs.forEach((symbolic, i) => values.set(symbolic, { tensor: result.outputs[i], mask: result.masks[i] }));
    }
    return this.outputs.map((symbolic) => (values.get(symbolic) as Value).tensor);
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
