// Setting a loaded model's weights from a file, layer by layer in
// model.layers order, through each layer's public setWeights. Every stored
// tensor's shape is checked against the layer before its values are read.
import type { Layer } from '../layers/layer.js';
import type { ModelBase } from '../models/model.js';
import { Tensor } from '../tensor.js';
import { ModelFileError, describeThrown } from './errors.js';
import { formatDims, type StoredTensor } from './hdf5.js';

/** One stored weight tensor, read on demand. */
export interface WeightEntry {
  /** Where it is in the file, e.g. 'model.weights.h5: layers/gru/cell/vars/1'. */
  part: string;
  /** Reads the values for `layer`; with `expectedShape` the stored shape is checked first. */
  read(expectedShape: readonly number[] | null, layer: string): StoredTensor;
}

/** What a file offers for a model's layers. */
export interface WeightSource {
  file: string;
  /** The file's tensors for this layer in Keras get_weights() order; undefined when it has none. */
  forLayer(layer: Layer, expectedCount: number | null): WeightEntry[] | undefined;
  /** Where the layer's weights would be, for messages about missing ones. */
  layerPart(layer: Layer): string;
  /** Stored weights no layer took (named by part), checked after every layer is set. */
  unused(): string[];
}


/**
 * Sets every layer's weights from `source`, visiting the layers in `order` (layer names in the
 * config's layers list, which is Keras' model.layers and get_weights() order), then any others.
 * @internal
 */
export function assignWeights(model: ModelBase, source: WeightSource, order: readonly string[]): void {
  const byName = new Map(model.layers.map((layer) => [layer.name, layer]));
  const ordered = order.map((name) => byName.get(name)).filter((layer): layer is Layer => layer !== undefined);
  const layers = [...new Set([...ordered, ...model.layers])];
  for (const layer of layers) {
    const expected = layer.built ? layer.getWeights().map((w) => [...w.shape]) : null;
    const entries = source.forLayer(layer, expected ? expected.length : null);
    const where = { file: source.file, part: source.layerPart(layer), layer: layer.name };
    if (!entries || entries.length === 0) {
      if (expected ? expected.length === 0 : isWeightless(layer)) continue;
      const needs = expected ? `${expected.length} (${expected.map(formatDims).join(', ')})` : 'its weights';
      throw new ModelFileError(`the file has no weights for this layer; the config needs ${needs}`, where);
    }
    if (expected && entries.length !== expected.length) {
      throw new ModelFileError(
        `the file holds ${entries.length} weight tensors (${entries.map((e) => e.part).join(', ')}) but the config needs ${expected.length} (${expected.map(formatDims).join(', ')})`,
        where,
      );
    }
    const tensors = entries.map((entry, i) => {
      const stored = entry.read(expected ? expected[i] : null, layer.name);
      return new Tensor(stored.data, stored.shape);
    });
    try {
      layer.setWeights(tensors);
    } catch (error) {
      throw new ModelFileError(`the stored weights do not fit the layer: ${describeThrown(error)}`, { ...where, cause: error });
    }
  }
  const unused = source.unused();
  if (unused.length > 0) {
    throw new ModelFileError(`holds weights that no layer of the model config takes: ${unused.slice(0, 8).join(', ')}${unused.length > 8 ? ', ...' : ''}`, { file: source.file });
  }
}

function isWeightless(layer: Layer): boolean {
  return !layer.hasWeights;
}

/** Weights given as one flat list in model.get_weights() order (Keras JSON + weights, or unnamed TF.js weights). @internal */
export function orderedWeightSource(file: string, entries: readonly WeightEntry[], describe: (layer: Layer) => string): WeightSource {
  let next = 0;
  return {
    file,
    forLayer(layer, expectedCount) {
      if (expectedCount === null && !isWeightless(layer)) {
        throw new ModelFileError('the config gives this layer no input shape, so the weights list cannot be split between layers', {
          file, part: describe(layer), layer: layer.name,
        });
      }
      const count = expectedCount ?? 0;
      const taken = entries.slice(next, next + count);
      next += taken.length;
      if (taken.length < count) {
        throw new ModelFileError(`the weights run out at this layer: ${entries.length} tensors given, but the model's layers need more`, {
          file, part: describe(layer), layer: layer.name,
        });
      }
      return taken;
    },
    layerPart: describe,
    unused: () => entries.slice(next).map((e) => e.part),
  };
}
