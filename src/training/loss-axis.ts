// Keras' `axis` argument of the crossentropy losses and CosineSimilarity (the axis a row of the
// loss runs along): the other axes keep their order, so moving that axis last gives the rows and
// the per-sample values in Keras' order (the reduced axis dropped), and moving the gradient back
// gives it y_pred's layout.
import { ConfigError, ShapeError, formatShape } from '../errors.js';
import { Tensor, shapeSize } from '../tensor.js';

/**
 * The axis of y_pred a loss with `axis` reduces, when it is not the last one (null when it is).
 * Axis 0 (the samples) and an output mask (one entry per step, while the values then run along
 * another axis) are refused, naming why.
 */
export function movedAxis(axis: number, yPred: Tensor, masked: boolean, where: string): number | null {
  const rank = yPred.rank;
  const at = axis < 0 ? rank + axis : axis;
  if (!Number.isInteger(axis) || at < 0 || at >= rank) throw new ShapeError(`${where}: axis ${axis} is outside predictions of shape ${formatShape(yPred.shape)}`);
  if (at === rank - 1) return null;
  if (at === 0) throw new ConfigError(`${where}: axis ${axis} is the samples axis of predictions of shape ${formatShape(yPred.shape)}; the loss values would no longer be one per sample`);
  if (masked) throw new ConfigError(`${where}: axis ${axis} with an output mask: the mask has one entry per step of ${formatShape(yPred.shape.slice(0, -1))}, while the values run over the other axes; use axis -1 with masked outputs`);
  return at;
}

/** `t` with axis `axis` moved to the end, the other axes in order. */
export function moveAxisToEnd(t: Tensor, axis: number): Tensor {
  const { shape } = t;
  const outer = shapeSize(shape.slice(0, axis));
  const n = shape[axis];
  const inner = shapeSize(shape.slice(axis + 1));
  const out = new Float32Array(t.size);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < inner; i++) out[(o * inner + i) * n + k] = t.data[(o * n + k) * inner + i];
    }
  }
  return new Tensor(out, [...shape.slice(0, axis), ...shape.slice(axis + 1), n]);
}

/** The inverse of moveAxisToEnd for data laid out as `shape` with `axis` moved last. */
export function moveEndToAxis(data: Float32Array, shape: readonly number[], axis: number): Float32Array {
  const outer = shapeSize(shape.slice(0, axis));
  const n = shape[axis];
  const inner = shapeSize(shape.slice(axis + 1));
  const out = new Float32Array(data.length);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < inner; i++) out[(o * n + k) * inner + i] = data[(o * inner + i) * n + k];
    }
  }
  return out;
}

/**
 * y_true moved as y_pred is: sparse labels (y_pred's shape without the axis, or with 1 there,
 * squeezed as Keras' torch backend does) keep their order; others must have y_pred's shape.
 */
export function movedTargets(yTrue: Tensor, yPred: Tensor, axis: number, sparse: boolean, where: string): Tensor {
  const at = axis < 0 ? yPred.rank + axis : axis;
  if (sparse) return yTrue.rank === yPred.rank && yTrue.shape[at] === 1 ? new Tensor(yTrue.data, yTrue.shape.filter((_, i) => i !== at)) : yTrue;
  if (yTrue.rank !== yPred.rank || yTrue.shape.some((d, i) => d !== yPred.shape[i])) {
    throw new ShapeError(`${where}: with axis ${axis} y must have the shape of the model's output ${formatShape(yPred.shape)}, received ${formatShape(yTrue.shape)}`);
  }
  return moveAxisToEnd(yTrue, at);
}
