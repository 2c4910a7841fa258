// What the layer and model tests share: random tensors, conversions to the
// float64 reference, and the comparisons against it.
import { expect } from 'vitest';
import { tensor, type ApplyOptions, type Tensor } from '../dist/index.js';
import { randomFloats, seededRandom } from './random.js';
import {
  gateCount,
  referenceBidirectional,
  referenceRecurrent,
  size,
  type MergeMode,
  type ReferenceOptions,
  type ReferenceRecurrentSpec,
  type ReferenceTensor,
} from './reference/index.js';

/** Keras' own test tolerance for float32 against a float64 reference. */
export { TOLERANCE } from './expect-close.js';

/** float32-exact values uniform in [-scale, scale), drawn from `random`. */
export function randomTensor(random: () => number, shape: number[], scale = 1): Tensor {
  return tensor(randomFloats(random, size(shape), scale), shape);
}

/** The same, from a fresh generator seeded with `seed`. */
export function seededTensor(shape: readonly number[], seed: number, scale = 1): Tensor {
  return tensor(randomFloats(seededRandom(seed), size(shape), scale), shape);
}

/** One random tensor per shape, e.g. a layer's getWeights() shapes. */
export function randomWeights(random: () => number, shapes: number[][], scale = 0.5): Tensor[] {
  return shapes.map((shape) => randomTensor(random, shape, scale));
}

/** Sets every weight of `model` to a fresh random value from `random` (so a wrong order cannot pass by chance). */
export function randomizeWeights(model: { getWeights(): Tensor[]; setWeights(w: readonly Tensor[]): void }, random: () => number): void {
  model.setWeights(model.getWeights().map((w) => randomTensor(random, [...w.shape], 0.5)));
}

export function toRef(t: Tensor): ReferenceTensor {
  return { shape: [...t.shape], data: Float64Array.from(t.data) };
}

/** The same shape and bit-identical values. */
export function expectSame(actual: Tensor, expected: Tensor, label = 'output'): void {
  expect([...actual.shape], `${label} shape`).toEqual([...expected.shape]);
  expect(Array.from(actual.data), label).toEqual(Array.from(expected.data));
}

/** As many weights, each with the same shape and bit-identical values. */
export function expectSameWeights(actual: readonly Tensor[], expected: readonly Tensor[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((weight, i) => {
    expect([...weight.shape]).toEqual([...expected[i].shape]);
    expect(Array.from(weight.data)).toEqual(Array.from(expected[i].data));
  });
}

export function list(out: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(out) ? out : [out];
}

export function one(out: Tensor | Tensor[]): Tensor {
  expect(Array.isArray(out), 'a single tensor').toBe(false);
  return out as Tensor;
}

/** Keras get_weights() shapes, for one recurrent layer or (twice) for a Bidirectional. */
export function kerasWeightShapes(s: ReferenceRecurrentSpec, inputDim: number, bidirectional = false): number[][] {
  const width = gateCount(s.cell) * s.units;
  const shapes = [[inputDim, width], [s.units, width]];
  if (s.useBias) shapes.push(s.cell === 'GRU' && s.resetAfter ? [2, width] : [width]);
  return bidirectional ? [...shapes, ...shapes] : shapes;
}

/** What the reference says a recurrent layer of `s` (or a Bidirectional around it, given a merge mode) returns. */
export function referenceOutputs(
  s: ReferenceRecurrentSpec,
  mergeMode: MergeMode | undefined,
  weights: readonly Tensor[],
  x: Tensor,
  options: ApplyOptions = {},
): ReferenceTensor[] {
  const referenceOptions: ReferenceOptions = {};
  if (options.mask !== undefined) referenceOptions.mask = toRef(tensor(options.mask));
  if (options.initialState !== undefined) referenceOptions.initialState = options.initialState.map((t) => toRef(tensor(t)));
  const w = weights.map(toRef);
  return mergeMode === undefined
    ? referenceRecurrent(s, w, toRef(x), referenceOptions)
    : referenceBidirectional(s, mergeMode, w, toRef(x), referenceOptions);
}
