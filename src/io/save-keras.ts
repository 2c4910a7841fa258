// The Keras 3 `.keras` archive: metadata.json, config.json (with
// compile_config when compiled) and model.weights.h5 in the saving library's
// layout, which readKerasArchive reads back through the same layer paths.
import type { ModelInfo } from './save-model-info.js';
import { Hdf5Group, vlenStrings, writeHdf5 } from './hdf5-writer.js';
import { pythonJson } from '../models/model-json.js';
import { configLayerNames } from './model-config.js';
import { layerPaths } from './saving-lib.js';
import { storedValues, weightGroups } from './weight-layout.js';
import { writeZip } from './zip-writer.js';
import { writeSavingLibOptimizer } from './optimizer-state.js';

export interface KerasArchiveOptions {
  date: Date;
  deflate: boolean;
}

export function kerasArchiveBytes(info: ModelInfo, options: KerasArchiveOptions): Uint8Array {
  const { model } = info;
  const config = model.kerasConfig(3);
  const encoder = new TextEncoder();
  const metadata = { keras_version: info.kerasVersion, date_saved: kerasDate(options.date) };
  return writeZip([
    { name: 'metadata.json', bytes: encoder.encode(pythonJson(metadata)) },
    { name: 'config.json', bytes: encoder.encode(pythonJson(config)) },
    { name: 'model.weights.h5', bytes: savingLibWeightsFile(info, configLayerNames(config), true) },
  ], options.date, options.deflate);
}

/** model.weights.h5: layers/<snake_case class>[_N]/.../vars/<i>, in the config's layer order; a compiled model's optimizer/vars/<i> with `withOptimizer`. */
export function savingLibWeightsFile(info: ModelInfo, order: readonly string[], withOptimizer = false): Uint8Array {
  const root = new Hdf5Group();
  root.group('layers');
  const byName = new Map(info.model.layers.map((layer) => [layer.name, layer]));
  const layers = order.map((name) => byName.get(name)).filter((layer) => layer !== undefined);
  for (const [layer, path] of layerPaths(layers, 'layers')) {
    for (const group of weightGroups(layer)) {
      const vars = root.group(`${path}/${group.varsPath}`);
      vars.attr('name', vlenStrings(group.scopes[group.scopes.length - 1]));
      const { owner } = group;
      const weights = owner ? owner.getWeights() : [];
      weights.forEach((w, i) => vars.dataset(String(i), w.shape, owner ? storedValues(owner, i, w.data) : w.data));
    }
  }
  // Keras walks the model's attributes in sorted order: layers, optimizer, vars.
  if (withOptimizer) writeSavingLibOptimizer(root, info.model);
  root.group('vars').attr('name', vlenStrings(info.model.name));
  return writeHdf5(root);
}

/** Keras' date_saved: local time as 'YYYY-MM-DD@HH:MM:SS'. */
function kerasDate(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}@${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}
