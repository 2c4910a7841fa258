// Training through every activation Keras names as a string, in Dense and in the Activation layer:
// computeGradients against central differences of a float64 forward pass from the activations'
// textbook definitions (test/reference/extra-layers.ts), and a fit through gelu that lowers the loss.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, optimizers, Sequential, Dense, Activation, type KerasActivationName, type Tensor } from '../dist/index.js';
import { testKernelVariant } from './kernel-variant.js';
import { expectGradients, randomize, ref } from './model-gradient-check.js';
import { randomFloats, seededRandom } from './random.js';
import { ACTIVATION_REFS, axisActivationRef } from './reference/extra-layers.js';
import { denseRef } from './reference/layers.js';
import type { ReferenceTensor } from './reference/index.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const AXIS_ACTIVATIONS = ['softmax', 'log_softmax', 'sparsemax'] as const;
const ELEMENTWISE = Object.keys(ACTIVATION_REFS).filter((name) => !name.startsWith('hard_sigmoid'));

function activationRef(name: string, x: ReferenceTensor): ReferenceTensor {
  if ((AXIS_ACTIVATIONS as readonly string[]).includes(name)) return axisActivationRef(name as (typeof AXIS_ACTIVATIONS)[number], x);
  const f = name === 'hard_sigmoid' ? ACTIVATION_REFS.hard_sigmoid_keras3 : ACTIVATION_REFS[name];
  return { shape: x.shape, data: x.data.map(f) };
}

// Inputs wide enough to reach each activation's kinks and flat parts (relu6's 6, hard_silu's +-3),
// none within 1e-4 of a kink, where a central difference straddles it.
function inputs(seed: number, B: number, D: number): Tensor {
  return tensor(randomFloats(seededRandom(seed), B * D, 2.5), [B, D]);
}

describe('every Keras activation trains (gradients against central differences of float64)', () => {
  const names = [...ELEMENTWISE, 'hard_sigmoid', ...AXIS_ACTIVATIONS];
  it('the list covers every activation Activation accepts', () => {
    for (const name of names) expect(() => new Activation(name as KerasActivationName)).not.toThrow();
    expect(names.length).toBe(30);
  });

  for (const name of names) {
    it(`Dense(${name}) -> Dense`, () => {
      const [B, D, H] = [4, 3, 5];
      const model = new Sequential({ layers: [new Dense({ units: H, activation: name as KerasActivationName, inputShape: [D] }), new Dense({ units: 2 })] });
      randomize(model, 11, 1.2);
      const x = inputs(12, B, D);
      const y = randomFloats(seededRandom(13), B * 2);
      expectGradients(model, x, y, ([k, b, k2, b2]) => denseRef(activationRef(name, denseRef(ref(x), k, b, 'linear')), k2, b2, 'linear'));
    });

    it(`Dense -> Activation(${name}) -> Dense`, () => {
      const [B, D, H] = [4, 3, 5];
      const model = new Sequential({ layers: [new Dense({ units: H, inputShape: [D] }), new Activation(name as KerasActivationName), new Dense({ units: 2 })] });
      randomize(model, 21, 1.2);
      const x = inputs(22, B, D);
      const y = randomFloats(seededRandom(23), B * 2);
      expectGradients(model, x, y, ([k, b, k2, b2]) => denseRef(activationRef(name, denseRef(ref(x), k, b, 'linear')), k2, b2, 'linear'));
    });
  }

  it('Keras 2 hard_sigmoid (0.2 x + 0.5) in Dense', () => {
    const model = new Sequential({ layers: [new Dense({ units: 5, activation: 'hard_sigmoid', kerasVersion: 2, inputShape: [3] }), new Dense({ units: 2 })] });
    randomize(model, 31, 1.2);
    const x = inputs(32, 4, 3);
    const y = randomFloats(seededRandom(33), 8);
    expectGradients(model, x, y, ([k, b, k2, b2]) => denseRef(activationRef('hard_sigmoid_keras2', denseRef(ref(x), k, b, 'linear')), k2, b2, 'linear'));
  });

  it('fit through Dense(gelu) and Activation(mish) lowers the loss', async () => {
    const model = new Sequential({ layers: [new Dense({ units: 8, activation: 'gelu', inputShape: [3] }), new Activation('mish'), new Dense({ units: 1 })] });
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: 'mse' });
    const random = seededRandom(41);
    const x = tensor(randomFloats(random, 64 * 3, 1), [64, 3]);
    const y = tensor(Float32Array.from({ length: 64 }, (_, i) => 2 * x.data[3 * i] - x.data[3 * i + 1] + x.data[3 * i + 2] ** 2), [64, 1]);
    const history = await model.fit(x, y, { epochs: 40, batchSize: 16, verbose: 0, seed: 5 });
    const losses = history.history.loss;
    expect(losses[losses.length - 1]).toBeLessThan(0.5 * losses[0]);
  });
});
