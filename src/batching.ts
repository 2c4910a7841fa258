// predict's batchSize: slicing inputs along the batch axis and joining outputs back.
import { Tensor, shapeSize } from './tensor.js';

export function sliceBatch(t: Tensor, start: number, end: number): Tensor {
  const row = shapeSize(t.shape.slice(1));
  return new Tensor(t.data.subarray(start * row, end * row), [end - start, ...t.shape.slice(1)]);
}

export function concatBatches(parts: readonly Tensor[]): Tensor {
  const rows = parts.reduce((sum, t) => sum + t.shape[0], 0);
  const data = new Float32Array(parts.reduce((sum, t) => sum + t.size, 0));
  let offset = 0;
  for (const t of parts) {
    data.set(t.data, offset);
    offset += t.size;
  }
  return new Tensor(data, [rows, ...parts[0].shape.slice(1)]);
}
