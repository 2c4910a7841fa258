// loadWeights: a save_weights file (legacy HDF5 of Keras 2 / tf.keras, Keras 3 `.weights.h5`), or
// the weights of a whole model file, into a model built in code. Matched by order as Keras does:
// legacy files pair the file's layers that hold weights with the model's, in order; Keras 3 files
// address layers by class name and counter in model.layers order (the saving-library paths).
import { ready } from '../kernels/module.js';
import type { Layer } from '../layers/layer.js';
import type { ModelBase } from '../models/model.js';
import type { WeightsFileSource } from '../models/weights-loader.js';
import { ModelFileError, describeThrown } from './errors.js';
import { Hdf5Reader, formatDims } from './hdf5.js';
import { isKeras1 } from './keras1-config.js';
import { readKerasArchive } from './keras-zip.js';
import { legacyWeightSource } from './legacy-weights.js';
import { checkLoadOptions } from './load-options.js';
import { ReadLimits } from './read-limits.js';
import { savingLibWeights } from './saving-lib.js';
import { fromLegacyOrder } from './weight-layout.js';
import { sniffFormat, describeMagic } from './sniff.js';
import { readSource } from './source.js';
import { assignWeights, type WeightEntry, type WeightSource } from './weights.js';

/**
 * Keras' `model.load_weights(path)`: sets the weights of `model` (built in code, with the same
 * layers as the model that saved them) from a weights file. Rejects with a ModelFileError naming
 * the first layer or tensor that does not fit; the model's weights are then as they were.
 */
export async function loadWeights(model: ModelBase, source: WeightsFileSource): Promise<void> {
  const limits = new ReadLimits(checkLoadOptions({}));
  try {
    await ready();
    const input = await readSource(source, limits);
    const file = input.label;
    if (!input.bytes) throw new ModelFileError('is JSON, not a weights file; expected an HDF5 file from model.save_weights() (.h5 or .weights.h5)', { file });
    const bytes = input.bytes;
    const format = sniffFormat(bytes);
    let weights: WeightSource;
    const order = model.layers.map((layer) => layer.name);
    if (format === 'keras-zip') {
      weights = readKerasArchive(bytes, file, limits).weights(model, order);
    } else if (format === 'hdf5') {
      weights = hdf5Weights(Hdf5Reader.open(bytes, { file }), file, model);
    } else {
      throw new ModelFileError(`is not a Keras weights file (${describeMagic(bytes)}); expected an HDF5 file from model.save_weights()`, { file });
    }
    const before = model.layers.map((layer) => (layer.built ? layer.getWeights() : null));
    try {
      assignWeights(model, weights, order);
    } catch (error) {
      model.layers.forEach((layer, i) => {
        const saved = before[i];
        if (saved) layer.setWeights(saved);
      });
      if (error instanceof ModelFileError) throw error;
      throw new ModelFileError(`the weights cannot be loaded: ${describeThrown(error)}`, { file, cause: error });
    }
    limits.check();
  } finally {
    limits.close();
  }
}

function hdf5Weights(reader: Hdf5Reader, file: string, model: ModelBase): WeightSource {
  // Keras 3's .weights.h5 (and tf.keras 2.13-2.15's variant of it).
  if (reader.isGroup('layers') || reader.isGroup('_layer_checkpoint_dependencies')) {
    return savingLibWeights(reader, file, model, model.layers.map((layer) => layer.name));
  }
  // A whole legacy model file keeps its weights in model_weights; save_weights writes them at the root.
  const root = reader.stringListAttr('', 'layer_names') !== undefined ? '' : reader.isGroup('model_weights') ? 'model_weights' : undefined;
  if (root === undefined) {
    throw new ModelFileError("is an HDF5 file without Keras weights (no 'layer_names' attribute, no 'layers' group)", { file });
  }
  const version = reader.stringAttr(root, 'keras_version') ?? reader.stringAttr('', 'keras_version');
  const backend = reader.stringAttr(root, 'backend') ?? reader.stringAttr('', 'backend');
  const ordered = legacyOrderedWeights(reader, file, root, model);
  const keras1 = isKeras1(version);
  return keras1 || backend === 'theano' ? legacyWeightSource(ordered, { keras1, theano: backend === 'theano' }) : ordered;
}

/**
 * Keras 2's load_weights_from_hdf5_group: the file's layers that hold weights, in `layer_names`
 * order, paired one to one with the model's layers that have weights, in model.layers order.
 */
function legacyOrderedWeights(reader: Hdf5Reader, file: string, root: string, model: ModelBase): WeightSource {
  const group = (name: string) => (root === '' ? name : `${root}/${name}`);
  const names = reader.stringListAttr(root, 'layer_names') ?? [];
  const stored = names
    .map((name) => ({ name, weightNames: reader.stringListAttr(group(name), 'weight_names', name) ?? [] }))
    .filter((entry) => entry.weightNames.length > 0);
  const layers = model.layers.filter((layer) => layer.hasWeights && !(layer.built && layer.getWeights().length === 0));
  if (stored.length !== layers.length) {
    const first = layers[Math.min(stored.length, layers.length)] as Layer | undefined;
    throw new ModelFileError(
      `holds weights for ${stored.length} layers (${stored.map((s) => s.name).join(', ')}) but the model has ${layers.length} layers with weights (${layers.map((l) => l.name).join(', ')}); `
      + (first ? `the first without a partner is ${first.name}` : `the first without a partner is ${stored[layers.length].name} in the file`),
      { file, part: reader.partName(root === '' ? '/' : root), layer: first?.name },
    );
  }
  const partner = new Map<Layer, { name: string; weightNames: string[] }>(layers.map((layer, i) => [layer, stored[i]]));
  return {
    file,
    forLayer(layer, expectedCount) {
      const entry = partner.get(layer);
      if (!entry) return undefined;
      if (expectedCount !== null && entry.weightNames.length !== expectedCount) {
        const shapes = layer.getWeights().map((w) => formatDims(w.shape)).join(', ');
        throw new ModelFileError(
          `layer ${layer.name} (the model's layer #${layers.indexOf(layer)} with weights) pairs with ${entry.name} in the file, which holds ${entry.weightNames.length} weight tensors; ${layer.name} needs ${expectedCount} (${shapes})`,
          { file, part: reader.partName(group(entry.name)), layer: layer.name },
        );
      }
      return fromLegacyOrder(layer, entry.weightNames.map((weightName): WeightEntry => {
        const path = group(`${entry.name}/${weightName}`);
        return { part: reader.partName(path), read: (expected) => reader.readTensor(path, expected, layer.name) };
      }));
    },
    layerPart: (layer) => reader.partName(group(partner.get(layer)?.name ?? layer.name)),
    unused: () => [],
  };
}

export type { WeightsFileSource };
