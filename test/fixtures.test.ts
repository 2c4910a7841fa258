// Every shared Keras fixture through the public path a user takes:
// layerFromConfig -> build -> setWeights -> apply.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../dist/index.js';
import { runFixture } from './run-fixture.js';
import { loadFixtures } from './fixtures.js';
import { expectClose } from './expect-close.js';
import { testKernelVariant } from './kernel-variant.js';

const fixtures = loadFixtures();

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

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
