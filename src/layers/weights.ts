// Checking a setWeights list against the shapes a layer expects, before anything changes.
import { ShapeError, formatShape } from '../errors.js';
import { toTensor, type Tensor, type TensorLike } from '../tensor.js';

export function checkWeightList(
  layerName: string, weights: readonly TensorLike[], names: readonly string[], shapes: readonly (readonly number[])[],
): Tensor[] {
  if (!Array.isArray(weights)) {
    throw new ShapeError(`${layerName}: setWeights expects a list of ${names.length} tensors (${names.join(', ')}), received ${typeof weights}`);
  }
  if (weights.length !== names.length) {
    throw new ShapeError(`${layerName}: setWeights expects ${names.length} tensors (${names.join(', ')}), received ${weights.length}`);
  }
  return weights.map((w, i) => {
    const t = toTensor(w, `${layerName}: setWeights ${names[i]}`);
    const shape = shapes[i];
    if (t.shape.length !== shape.length || t.shape.some((d, k) => d !== shape[k])) {
      throw new ShapeError(`${layerName}: setWeights ${names[i]} must have shape ${formatShape(shape)}, received ${formatShape(t.shape)}`);
    }
    return t;
  });
}
