// Keras InputLayer and Input(): the entry points of a functional graph.
import { ConfigError, formatShape } from '../errors.js';
import { LayerNode, SymbolicTensor } from '../models/symbolic.js';
import type { Tensor } from '../tensor.js';
import type { LayerCallResult, Shape } from './layer.js';
import { WeightlessLayer } from './weightless.js';
import { checkKnownKeys } from './options.js';

export interface InputOptions {
  /** Shape without the batch axis, e.g. [5, 1]; null for unknown sizes. */
  shape?: Shape;
  /** Shape with the batch axis (Keras 3 `batch_shape`, Keras 2 `batch_input_shape`). */
  batchShape?: Shape;
  batchSize?: number;
  name?: string;
  /** 'float32' or 'int32' (ids for an Embedding); recorded, not enforced. */
  dtype?: string;
  /** Keras 3 writes it; has no effect here. */
  sparse?: boolean;
}

export class InputLayer extends WeightlessLayer {
  readonly dtype: string;
  /** The tensor this layer stands for in a graph. */
  readonly output: SymbolicTensor;

  constructor(options: InputOptions) {
    const shape = options.batchShape ?? (options.shape ? [options.batchSize ?? null, ...options.shape] : undefined);
    if (!shape) throw new ConfigError(`Input: give 'shape' (without the batch axis) or 'batchShape', received ${JSON.stringify(options)}`);
    super({ ...(options.name ? { name: options.name } : {}), batchInputShape: shape }, 'input_layer');
    checkKnownKeys(options, ['shape', 'batchShape', 'batchSize', 'name', 'dtype', 'sparse'], this.name);
    this.dtype = options.dtype ?? 'float32';
    const node = new LayerNode(this, []);
    node.outputs = [new SymbolicTensor(this.batchInputShape as Shape, node, 0)];
    this.inboundNodes.push(node);
    this.output = node.outputs[0];
  }

  get className(): string {
    return 'InputLayer';
  }

  computeOutputShape(): Shape {
    return this.batchInputShape as Shape;
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: this.dtype, batch_shape: [...(this.batchInputShape as Shape)], sparse: false };
  }

  forward(inputs: Tensor[], masks: (Tensor | undefined)[]): LayerCallResult {
    return { outputs: inputs, masks };
  }

  override toString(): string {
    return `InputLayer(name=${this.name}, shape=${formatShape(this.batchInputShape as Shape)})`;
  }
}

/** Keras' `Input(shape=...)`: a symbolic tensor to call layers on. */
export function Input(options: InputOptions): SymbolicTensor {
  return new InputLayer(options).output;
}
