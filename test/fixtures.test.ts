// Every shared Keras fixture through the public path a user takes:
// layerFromConfig -> build -> setWeights -> apply.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, layerFromConfig, tensor, Tensor, type KerasLayerSpec } from '../dist/index.js';
import { loadFixtures, type Fixture } from './fixtures.js';
import { expectClose } from './expect-close.js';
import { testKernelVariant } from './kernel-variant.js';

const fixtures = loadFixtures();

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

export function runFixture(fixture: Fixture): Tensor[] {
  const kerasVersion = fixture.hard_sigmoid_variant === 'keras2' ? 2 : 3;
  const layer = layerFromConfig(fixture.layer as KerasLayerSpec, { kerasVersion });
  const x = tensor(fixture.inputs.x.data, fixture.inputs.x.shape);
  layer.build(x.shape);
  layer.setWeights(fixture.weights.map((w) => tensor(w.data, w.shape)));
  const outputs = layer.call(x, {
    mask: fixture.inputs.mask ? tensor(fixture.inputs.mask.data, fixture.inputs.mask.shape) : undefined,
    initialState: fixture.inputs.initial_state?.map((s) => tensor(s.data, s.shape)),
  });
  layer.dispose();
  return outputs;
}

describe('shared Keras fixtures', () => {
  it('finds the fixture folder', () => {
    expect(fixtures.length).toBeGreaterThan(50);
  });

  for (const fixture of fixtures) {
    it(fixture.name, () => {
      expectClose(runFixture(fixture), fixture.expected, { tolerance: fixture.tolerance, label: fixture.name });
    });
  }
});
