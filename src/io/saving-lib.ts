// Keras 3 saving-library weight addressing (model.weights.h5 in a .keras zip).
// Keras does not address layers by name: the model's layers list is walked in
// order and each layer is filed under its class name in snake_case,
// de-duplicated by a counter per class (gru, gru_1, ...). Inside a layer, its
// own variables are `vars/0..n-1`; an RNN's are in its `cell`, a
// Bidirectional's in `forward_layer` and `backward_layer`, a TimeDistributed's
// in `layer`. The order comes from the config, never from HDF5 iteration.
import type { Layer } from '../layers/layer.js';
import type { ModelBase } from '../models/model.js';
import type { Hdf5Reader } from './hdf5.js';
import type { WeightEntry, WeightSource } from './weights.js';
import { savingLibNames, toSnakeCase, weightGroups } from './weight-layout.js';
import { quoted } from '../errors.js';

export { toSnakeCase };

/** The `vars` groups holding a layer's weights, in Keras get_weights() order. */
export function varGroups(layer: Layer, base: string): string[] {
  return weightGroups(layer).map((group) => `${base}/${group.varsPath}`);
}

/**
 * Where each layer lives in the weights file ('layers/gru', 'layers/dense_1', ...), given the
 * layers in Keras' model.layers order, which is the order of the config's layers list.
 */
export function layerPaths(layers: readonly Layer[], root: string): Map<Layer, string> {
  const names = savingLibNames(layers);
  return new Map(layers.map((layer, i) => [layer, `${root}/${names[i]}`]));
}

/**
 * The weights of `model` in a saving-library file. `configOrder` names the layers in the order of
 * the config's layers list (Keras' model.layers order, which numbers repeated classes); a
 * functional graph's own traversal order may differ from it when branches are listed differently.
 */
export function savingLibWeights(reader: Hdf5Reader, file: string, model: ModelBase, configOrder: readonly string[]): WeightSource {
  // tf.keras 2.13-2.15 wrote the model's layers under `_layer_checkpoint_dependencies`.
  const root = !reader.isGroup('layers') && reader.isGroup('_layer_checkpoint_dependencies') ? '_layer_checkpoint_dependencies' : 'layers';
  const byName = new Map(model.layers.map((layer) => [layer.name, layer]));
  const ordered = configOrder.map((name) => byName.get(name)).filter((layer): layer is Layer => layer !== undefined);
  const paths = layerPaths(ordered, root);
  const pathOf = (layer: Layer): string => paths.get(layer) ?? `${root}/?`;
  return {
    file,
    forLayer(layer: Layer): WeightEntry[] {
      return varGroups(layer, pathOf(layer)).flatMap((group) => groupEntries(reader, group, layer.name));
    },
    layerPart: (layer) => reader.partName(pathOf(layer)),
    unused: () => unusedLayers(reader, root, new Set(paths.values())),
  };
}

/** The datasets `0..n-1` of one vars group in numeric order (HDF5 lists 10 before 2). */
function groupEntries(reader: Hdf5Reader, group: string, layer: string): WeightEntry[] {
  const keys = reader.keys(group, layer);
  if (keys === undefined) return [];
  const indices = keys.map((key) => (/^(0|[1-9]\d{0,5})$/.test(key) ? Number(key) : -1)).sort((a, b) => a - b);
  if (indices.some((index, i) => index !== i)) {
    throw reader.error(group, `holds members ${quoted(keys.slice(0, 10))}; expected weights named 0..${keys.length - 1}`, layer);
  }
  return indices.map((index) => {
    const path = `${group}/${index}`;
    return { part: reader.partName(path), read: (expected) => reader.readTensor(path, expected, layer) };
  });
}

/** Top-level layer entries no model layer maps to but that hold weights. */
function unusedLayers(reader: Hdf5Reader, root: string, used: Set<string>): string[] {
  const keys = reader.keys(root) ?? [];
  return keys.map((key) => `${root}/${key}`).filter((path) => !used.has(path) && reader.holdsDatasets(path)).map((path) => reader.partName(path));
}
