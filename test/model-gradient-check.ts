// A model's computeGradients (mse) against central differences of a float64 forward pass that
// reads the weights it is given in the model's getWeights() order.
import { expect } from 'vitest';
import { tensor, type Model, type Sequential, type Tensor } from '../dist/index.js';
import { expectClose } from './expect-close.js';
import { randomFloats, seededRandom } from './random.js';
import type { ReferenceTensor } from './reference/index.js';

export const ref = (t: Tensor): ReferenceTensor => ({ shape: [...t.shape], data: Float64Array.from(t.data) });

export function mse(prediction: ReferenceTensor, y: Float32Array): number {
  let sum = 0;
  prediction.data.forEach((p, i) => { sum += (p - y[i]) ** 2; });
  return sum / y.length;
}

/**
 * The model's gradients (computeGradients, mse) against central differences of `forward`, plus
 * `addedLoss` (what the layers add to the loss: activity regularizers) where given.
 * `checkPredict` false: training mode's forward pass differs from predict's (dropout, noise).
 */
export function expectGradients(
  model: Sequential | Model, x: Tensor | Tensor[], y: Float32Array, forward: (w: ReferenceTensor[]) => ReferenceTensor, checkPredict = true,
  addedLoss: (w: ReferenceTensor[]) => number = () => 0,
): void {
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const weights = model.getWeights().map(ref);
  const batch = (Array.isArray(x) ? x[0] : x).shape[0];
  if (checkPredict) expectClose(model.predict(x) as Tensor, forward(weights), { label: 'forward' });
  const grads = model.computeGradients(x, tensor(y, [batch, y.length / batch]));
  expect(grads.length).toBe(weights.length);
  const h = 1e-6;
  weights.forEach((w, k) => {
    const numeric = w.data.map((kept, i) => {
      w.data[i] = kept + h;
      const up = mse(forward(weights), y) + addedLoss(weights);
      w.data[i] = kept - h;
      const down = mse(forward(weights), y) + addedLoss(weights);
      w.data[i] = kept;
      return (up - down) / (2 * h);
    });
    expectClose(grads[k].data, numeric, { label: `d weight ${k}`, tolerance: { abs: 2e-5, rel: 2e-3 } });
  });
}

export function randomize(model: Sequential | Model, seed: number, scale = 0.8): void {
  const random = seededRandom(seed);
  model.setWeights(model.getWeights().map((w) => tensor(randomFloats(random, w.size, scale), [...w.shape])));
}
