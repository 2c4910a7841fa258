// Symbolic tensors: what `Input()` returns and what layers return when called
// on one. They carry a shape and the node that produced them, so a Model can
// trace its graph from outputs back to inputs. They sit below the layers, next
// to tensor.ts; the one reference up is the node's type-only link to its layer.
import type { Layer } from './layers/layer.js';

/** A shape with unknown dimensions as null, Keras' None. */
export type Shape = readonly (number | null)[];

/** A call's options that are not tensors, camelCase (Attention's useCausalMask, returnAttentionScores). */
export type CallArgs = Readonly<Record<string, unknown>>;

/** One call of a layer in a graph: which tensors went in, with which call options, and which came out. */
export class LayerNode {
  readonly layer: Layer;
  readonly inputs: readonly SymbolicTensor[];
  readonly callArgs: CallArgs;
  outputs: readonly SymbolicTensor[] = [];

  constructor(layer: Layer, inputs: readonly SymbolicTensor[], callArgs: CallArgs = {}) {
    this.layer = layer;
    this.inputs = inputs;
    this.callArgs = callArgs;
  }
}

/**
 * @internal The call-args key of a node whose last input is Keras' explicit mask of its first
 * (`layer(x, mask=m)`): the graph runners hand it to the layer as the first input's mask.
 */
export const MASK_INPUT_ARG = 'maskInput';

/** @internal A node's inputs as its layer sees them: the explicit mask, if any, taken out. */
export function splitMaskInput<T>(values: readonly T[], callArgs: CallArgs): { inputs: T[]; explicitMask: T | undefined } {
  if (callArgs[MASK_INPUT_ARG] !== true) return { inputs: [...values], explicitMask: undefined };
  return { inputs: values.slice(0, -1), explicitMask: values[values.length - 1] };
}

/** @internal The tensors and masks a runner hands a node's layer: an explicit mask's values in place of the first input's mask. */
export function nodeCallValues<T>(values: readonly { tensor: T; mask: T | undefined }[], callArgs: CallArgs): { tensors: T[]; masks: (T | undefined)[] } {
  const { inputs, explicitMask } = splitMaskInput(values, callArgs);
  const masks = inputs.map((v) => v.mask);
  if (explicitMask) masks[0] = explicitMask.tensor;
  return { tensors: inputs.map((v) => v.tensor), masks };
}

/** @internal The traced graph of a model, as a model used as a layer hands it to the graph around it. */
export interface NestedGraph {
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** Nodes in an order where every node comes after the nodes it reads from; a nested model's nodes already in place. */
  readonly nodes: readonly LayerNode[];
}

export class SymbolicTensor {
  /** Shape with the batch axis first; null marks an unknown size (Keras' None). */
  readonly shape: Shape;
  readonly node: LayerNode;
  readonly outputIndex: number;

  constructor(shape: Shape, node: LayerNode, outputIndex: number) {
    this.shape = Object.freeze([...shape]);
    this.node = node;
    this.outputIndex = outputIndex;
  }

  /** The layer that produced this tensor. */
  get layer(): Layer {
    return this.node.layer;
  }

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `SymbolicTensor(shape=(${this.shape.map((d) => (d === null ? 'None' : d)).join(', ')}), from ${this.node.layer.name})`;
  }
}

/** @internal */
export function isSymbolic(value: unknown): value is SymbolicTensor {
  return value instanceof SymbolicTensor;
}

/** @internal */
export function isSymbolicList(value: unknown): value is SymbolicTensor[] {
  return Array.isArray(value) && value.length > 0 && value.every(isSymbolic);
}
