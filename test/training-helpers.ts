// Shapes and conversions the training tests share.
import type { ReferenceRecurrentSpec, ReferenceTensor } from './reference/index.js';

/** A float32 array as a float64 reference tensor. */
export const toReference = (data: Float32Array, shape: number[]): ReferenceTensor => ({ shape, data: Float64Array.from(data) });

/** Keras get_weights() shapes of a recurrent layer of this spec on D input features. */
export function weightShapesFor(spec: ReferenceRecurrentSpec, D: number): number[][] {
  const G = spec.cell === 'LSTM' ? 4 : spec.cell === 'GRU' ? 3 : 1;
  const H = spec.units;
  const shapes = [[D, G * H], [H, G * H]];
  if (spec.useBias) shapes.push(spec.cell === 'GRU' && spec.resetAfter ? [2, G * H] : [G * H]);
  return shapes;
}
