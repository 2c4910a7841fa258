// The weightless layers that read one tensor and write one (Flatten, Reshape, Activation, the
// noise layers, ...): apply() on data or on a symbolic tensor, and Keras' mask rule, in one place.
import { ShapeError, formatShape } from '../errors.js';
import { isSymbolic, isSymbolicList, type SymbolicTensor } from '../symbolic.js';
import { toTensor, type Tensor, type TensorLike } from '../tensor.js';
import type { Layer, LayerCallResult, Shape } from './layer.js';
import { WeightlessLayer } from './weightless.js';
import { checkApplyOptions, type InferenceOptions } from './call-options.js';

/** @internal apply() of a one-input layer: its options checked, then a symbolic call or a run on data without a mask. */
export function applyOne(layer: Layer, x: TensorLike | SymbolicTensor, options?: InferenceOptions): Tensor | SymbolicTensor {
  checkApplyOptions(options, layer.name);
  layer.checkNotDisposed('run');
  if (isSymbolic(x)) return layer.callSymbolic([x])[0];
  return layer.computeOutputs([toTensor(x, `${layer.name}: input x`)], [undefined]).outputs[0];
}

/** @internal apply() of a layer that takes a list of inputs (the merges, Dot): its options checked, then symbolic or a run on data without masks. */
export function applyList(layer: Layer, inputs: readonly (TensorLike | SymbolicTensor)[], options?: InferenceOptions): Tensor | SymbolicTensor {
  checkApplyOptions(options, layer.name);
  layer.checkNotDisposed('run');
  if (isSymbolicList(inputs)) return layer.callSymbolic(inputs)[0];
  if (!Array.isArray(inputs)) throw new ShapeError(`${layer.name}: expects a list of tensors, received ${typeof inputs}`);
  const tensors = (inputs as TensorLike[]).map((t, i) => toTensor(t, `${layer.name}: inputs[${i}]`));
  return layer.computeOutputs(tensors, tensors.map(() => undefined)).outputs[0];
}

/** @internal The non-batch sizes of an input shape that must have a batch axis, and whether all are known. */
export function sampleDims(inputShape: Shape, layerName: string): { batch: number | null; rest: Shape; known: boolean } {
  if (!Array.isArray(inputShape) || inputShape.length < 1) {
    throw new ShapeError(`${layerName}: input must have a batch axis, received shape ${formatShape(inputShape ?? [])}`);
  }
  const rest = inputShape.slice(1);
  return { batch: inputShape[0], rest, known: rest.every((d) => d !== null) };
}

export abstract class UnaryLayer extends WeightlessLayer {
  /**
   * Keras' supports_masking: true passes the input's mask on unchanged; false drops it (Keras 3
   * warns that the mask is destroyed, as for Flatten, Reshape, Permute and RepeatVector).
   */
  protected abstract get passesMask(): boolean;

  /** The output for one concrete input, whose shape computeOutputShape has accepted. */
  protected abstract transform(x: Tensor): Tensor;

  override apply(x: SymbolicTensor, options?: InferenceOptions): SymbolicTensor;
  override apply(x: TensorLike, options?: InferenceOptions): Tensor;
  override apply(x: TensorLike | SymbolicTensor, options?: InferenceOptions): Tensor | SymbolicTensor {
    return applyOne(this, x, options);
  }

  /** @internal Runs the layer inside a model (see Layer.computeOutputs). */
  computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[]): LayerCallResult {
    this.checkNotDisposed('run');
    const x = inputs[0];
    this.computeOutputShape(x.shape);
    return { outputs: [this.transform(x)], masks: [this.passesMask ? masks[0] : undefined] };
  }
}
