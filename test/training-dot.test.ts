// Training through Keras' Dot (batch_dot over one axis of each input, normalize = cosine
// similarity): computeGradients against central differences of a float64 forward pass (dotRef),
// for axes on either side, negative axes and normalised inputs, and a fit of a two-tower
// similarity model that lowers the loss.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, optimizers, Model, Input, Dense, Dot, Flatten, type SymbolicTensor } from '../dist/index.js';
import { testKernelVariant } from './kernel-variant.js';
import { expectGradients, randomize, ref } from './model-gradient-check.js';
import { randomFloats, seededRandom } from './random.js';
import { dotRef } from './reference/extra-layers.js';
import { denseRef } from './reference/layers.js';
import type { ReferenceTensor } from './reference/index.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const flat = (t: ReferenceTensor): ReferenceTensor => ({ shape: [t.shape[0], t.data.length / t.shape[0]], data: t.data });

interface Case {
  title: string;
  /** Each input's shape after the batch, and each tower's Dense width (the towers' outputs meet in Dot). */
  shapes: [number[], number[]];
  units: [number, number];
  axes: number | [number, number];
  resolved: [number, number];
  normalize: boolean;
}

const CASES: Case[] = [
  { title: 'sequence x sequence over the features (attention scores), axes 2', shapes: [[5, 3], [4, 2]], units: [3, 3], axes: 2, resolved: [2, 2], normalize: false },
  { title: 'axes [1, 2]: the first input along its steps, the second along its features', shapes: [[4, 3], [2, 5]], units: [2, 4], axes: [1, 2], resolved: [1, 2], normalize: false },
  { title: 'normalize (cosine similarity) of two vectors, axes -1', shapes: [[3], [2]], units: [4, 4], axes: -1, resolved: [1, 1], normalize: true },
  { title: 'normalize over axes [2, 1] of two sequences', shapes: [[3, 2], [3, 4]], units: [3, 2], axes: [2, 1], resolved: [2, 1], normalize: true },
];

describe('Dot trains (gradients against central differences of float64)', () => {
  for (const c of CASES) {
    it(c.title, () => {
      const B = 3;
      const a = Input({ shape: c.shapes[0] });
      const b = Input({ shape: c.shapes[1] });
      const towerA = new Dense({ units: c.units[0], activation: 'tanh' }).apply(a) as SymbolicTensor;
      const towerB = new Dense({ units: c.units[1] }).apply(b) as SymbolicTensor;
      const dot = new Dot({ axes: c.axes, normalize: c.normalize }).apply([towerA, towerB]) as SymbolicTensor;
      const model = new Model({ inputs: [a, b], outputs: new Dense({ units: 2 }).apply(new Flatten().apply(dot) as SymbolicTensor) as SymbolicTensor });
      randomize(model, 5);
      const random = seededRandom(6);
      const xa = tensor(randomFloats(random, B * c.shapes[0].reduce((p, d) => p * d, 1), 1.5), [B, ...c.shapes[0]]);
      const xb = tensor(randomFloats(random, B * c.shapes[1].reduce((p, d) => p * d, 1), 1.5), [B, ...c.shapes[1]]);
      const y = randomFloats(random, B * 2);
      expect(model.getWeights()[0].shape).toEqual([c.shapes[0][c.shapes[0].length - 1], c.units[0]]);
      expectGradients(model, [xa, xb], y, ([ka, ba, kb, bb, k, bias]) => {
        const left = denseRef(ref(xa), ka, ba, 'tanh');
        const right = denseRef(ref(xb), kb, bb, 'linear');
        return denseRef(flat(dotRef(left, right, c.resolved[0], c.resolved[1], c.normalize)), k, bias, 'linear');
      });
    });
  }

  it('a two-tower cosine-similarity model fits (it was refused)', async () => {
    const a = Input({ shape: [4] });
    const b = Input({ shape: [4] });
    const shared = new Dense({ units: 6, seed: 1 });
    const cosine = new Dot({ axes: 1, normalize: true }).apply([shared.apply(a) as SymbolicTensor, shared.apply(b) as SymbolicTensor]) as SymbolicTensor;
    const model = new Model({ inputs: [a, b], outputs: cosine });
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'mse' });
    const random = seededRandom(7);
    const N = 32;
    const xa = randomFloats(random, N * 4, 1);
    // Pairs with the same sign pattern on the first two features are similar (target 1), others not (-1).
    const xb = randomFloats(random, N * 4, 1);
    const target = Float32Array.from({ length: N }, (_, n) => (Math.sign(xa[4 * n]) === Math.sign(xb[4 * n]) ? 1 : -1));
    const history = await model.fit([tensor(xa, [N, 4]), tensor(xb, [N, 4])], tensor(target, [N, 1]), { epochs: 30, batchSize: 8, verbose: 0, seed: 2 });
    const losses = history.history.loss;
    expect(losses[losses.length - 1]).toBeLessThan(0.7 * losses[0]);
  });
});
