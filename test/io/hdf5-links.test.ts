// Issue 12 item 4: HDF5 groups that link to themselves (hard links, so the same
// object header) or back up the tree. Every walk visits each object once, by
// its address, so such a file loads or fails at once instead of taking time
// exponential in the number of links.
import { unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError, loadModel, ready, tensor } from '../../dist/io/keras.js';
import { exponentialGroupTree, groupLinks, objectAddress, relink } from './hdf5-bytes.js';
import { loadExpected, modelBytes, type Expected } from './helpers.js';

const keras = loadExpected().find((e) => e.file === 'gru_model.keras') as Expected;
/** On main a group with 4 self links took 3.9 s and 6 over 20 s; each case here must end well within this. */
const FAST_MS = 5_000;

beforeAll(async () => {
  await ready();
});

/**
 * The GRU archive with the Dense layer dropped from its config, and its now unused weights entry
 * `layers/dense` pointing at `optimizer/vars`, whose first `selfLinks` members are made hard links
 * to `optimizer/vars` itself (and the rest to its parent group `optimizer`).
 */
function selfLinkedArchive(selfLinks: number): Uint8Array {
  const members = unzipSync(modelBytes(keras));
  let weights: Uint8Array = members['model.weights.h5'];
  const vars = groupLinks(weights, objectAddress(weights, 'optimizer/vars'));
  expect(vars.length).toBeGreaterThanOrEqual(selfLinks);
  vars.forEach((link, i) => {
    weights = relink(weights, `optimizer/vars/${link.name}`, i < selfLinks ? 'optimizer/vars' : 'optimizer');
  });
  weights = relink(weights, 'layers/dense', 'optimizer/vars');
  const config = JSON.parse(new TextDecoder().decode(members['config.json'])) as { config: { layers: { class_name: string }[] } };
  config.config.layers = config.config.layers.filter((layer) => layer.class_name !== 'Dense');
  return zipSync({ ...members, 'config.json': new TextEncoder().encode(JSON.stringify(config)), 'model.weights.h5': weights });
}

describe('HDF5 groups with hard links to themselves', () => {
  for (const selfLinks of [2, 6, 12]) {
    it(`a group with ${selfLinks} self links loads at once, with the right weights`, async () => {
      const reference = await loadModel(modelBytes(keras));
      const started = performance.now();
      const model = await loadModel(selfLinkedArchive(selfLinks));
      expect(performance.now() - started).toBeLessThan(FAST_MS);
      // The Dense layer is gone; the GRU's weights are the file's.
      expect(model.layers.map((l) => l.className)).toEqual(['GRU']);
      const gru = reference.layers.find((l) => l.className === 'GRU');
      expect(model.layers[0].getWeights().map((w) => Array.from(w.data))).toEqual(gru?.getWeights().map((w) => Array.from(w.data)));
      const x = tensor(keras.inputs[0].data, keras.inputs[0].shape);
      expect((model.predict(x) as { shape: readonly number[] }).shape).toEqual([keras.inputs[0].shape[0], 50]);
    }, 2 * FAST_MS);
  }

  it('a used layer whose weights group is a cycle fails at once with ModelFileError', async () => {
    const members = unzipSync(modelBytes(keras));
    // layers/gru/cell -> layers/gru: the cell's vars are the GRU's own (empty) vars, and cell/cell/... loops.
    const weights = relink(members['model.weights.h5'], 'layers/gru/cell', 'layers/gru');
    const started = performance.now();
    const error = await loadModel(zipSync({ ...members, 'model.weights.h5': weights })).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(FAST_MS);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as ModelFileError).layer).toBe('gru_1');
  }, 2 * FAST_MS);
});

describe('HDF5 B-trees that are not trees', () => {
  it('a group B-tree whose nodes each list the next twice (2^40 leaves for a reader that does not remember nodes) fails at once', async () => {
    const members = unzipSync(modelBytes(keras));
    for (const path of ['layers', 'layers/gru/cell/vars', '']) {
      const weights = exponentialGroupTree(members['model.weights.h5'], path, 40);
      const started = performance.now();
      const error = await loadModel(zipSync({ ...members, 'model.weights.h5': weights })).catch((e: unknown) => e);
      expect(performance.now() - started).toBeLessThan(FAST_MS);
      expect(error, path).toBeInstanceOf(ModelFileError);
      expect((error as ModelFileError).message).toMatch(/reached twice/);
    }
  }, 3 * FAST_MS);

  it('the same chain of depth 1 (each node once) still loads', async () => {
    const members = unzipSync(modelBytes(keras));
    // Depth 1 lists the leaf twice: refused as shared. A tree of depth 0 is the original leaf copied.
    const weights = exponentialGroupTree(members['model.weights.h5'], 'layers', 0);
    const model = await loadModel(zipSync({ ...members, 'model.weights.h5': weights }));
    expect(model.countParams()).toBe(keras.summary.total_params);
  });
});
