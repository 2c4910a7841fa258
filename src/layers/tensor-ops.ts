// Row-major data moves the shape and merge layers share: axis permutation and broadcasting.
import { ShapeError, formatShape } from '../errors.js';
import { shapeSize } from '../tensor.js';
import type { Shape } from './layer.js';

/** Strides of a row-major array of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

/** Output axis i is input axis perm[i]. */
export function transpose(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  if (data.length === 0) return out;
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const rank = outShape.length;
  const steps = perm.map((p) => inStrides[p]);
  const index = new Array<number>(rank).fill(0);
  let source = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = data[source];
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis] += 1;
      source += steps[axis];
      if (index[axis] < outShape[axis]) break;
      source -= steps[axis] * outShape[axis];
      index[axis] = 0;
    }
  }
  return out;
}

/** numpy's broadcast of two shapes aligned on their last axes (null = unknown); throws when they clash. */
export function broadcastShapes(a: Shape, b: Shape, layerName: string): Shape {
  const rank = Math.max(a.length, b.length);
  const out: (number | null)[] = [];
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    // Keras: an unknown size on either side leaves the output's unknown.
    if (da === null || db === null) out.push(null);
    else if (da === 1) out.push(db);
    else if (db === 1) out.push(da);
    else if (da === db) out.push(da);
    else throw new ShapeError(`${layerName}: inputs have incompatible shapes ${formatShape(a)} and ${formatShape(b)}`);
  }
  return out;
}

/** For each element of `outShape`, the index of the element of `shape` (broadcast to it, last axes aligned) it reads. */
export function broadcastIndex(shape: readonly number[], outShape: readonly number[]): Int32Array | null {
  const padded = [...new Array<number>(outShape.length - shape.length).fill(1), ...shape];
  if (padded.every((d, i) => d === outShape[i])) return null;
  const strides = stridesOf(padded).map((s, i) => (padded[i] === 1 ? 0 : s));
  const total = shapeSize(outShape);
  const index = new Int32Array(total);
  const position = new Array<number>(outShape.length).fill(0);
  let source = 0;
  for (let o = 0; o < total; o++) {
    index[o] = source;
    for (let axis = outShape.length - 1; axis >= 0; axis--) {
      position[axis] += 1;
      source += strides[axis];
      if (position[axis] < outShape[axis]) break;
      source -= strides[axis] * outShape[axis];
      position[axis] = 0;
    }
  }
  return index;
}

/** An axis given as Keras allows (negative counts from the end), resolved for `rank`, or a ShapeError. */
export function resolveAxis(axis: number, rank: number, layerName: string, what = 'axis'): number {
  const resolved = axis < 0 ? rank + axis : axis;
  if (!Number.isInteger(resolved) || resolved < 0 || resolved >= rank) {
    throw new ShapeError(`${layerName}: ${what} ${axis} is out of range for inputs of rank ${rank}`);
  }
  return resolved;
}
