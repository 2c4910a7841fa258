// The compiled optimizer's state in a model file, where Keras 3 keeps it: in a
// .keras archive's model.weights.h5 as optimizer/vars/0..n-1 (save_own_variables,
// the group named after the optimizer), in a legacy .h5 as optimizer_weights with
// weight_names listing each variable's path ('adam/iteration', ...) in
// optimizer.variables order (save_optimizer_weights_to_hdf5_group). Reading back
// follows Keras: a .keras with another variable count is skipped with a warning
// (load_own_variables), a shape that differs fails the load; a .h5 whose
// variables do not fit is skipped with a warning (set_weights' ValueError is
// caught by load_model), which is what happens to tf.keras 2 files ('Adam/iter:0',
// no learning_rate variable, the moments not interleaved).
import type { ModelBase } from '../models/model.js';
import { optimizerVariables, restoreOptimizerVariables, type SavedVariable } from '../training/optimizer-variables.js';
import { ConfigError, quoted } from '../errors.js';
import { ModelFileError } from './errors.js';
import type { Hdf5Reader } from './hdf5.js';
import { Hdf5Group, vlenStrings } from './hdf5-writer.js';
import { namedWeights } from './weight-layout.js';

const SAVING_LIB_GROUP = 'optimizer/vars';
const LEGACY_GROUP = 'optimizer_weights';

/** Reads the saved variables; `legacy` says which Keras rule applies when they do not fit. */
export interface SavedOptimizer {
  variables: SavedVariable[];
  legacy: boolean;
  part: string;
}

/**
 * optimizer/vars in model.weights.h5, once the compiled optimizer has stepped. Keras also writes an
 * unbuilt optimizer's iteration and learning_rate, which its own load then skips with a warning
 * (the built optimizer has more variables); leaving them out loads the same fresh state silently.
 */
export function writeSavingLibOptimizer(root: Hdf5Group, model: ModelBase): void {
  const weights = model.optimizerWeights();
  if (!weights || model.optimizer.slotArrays() === null) return;
  const vars = root.group(SAVING_LIB_GROUP);
  vars.attr('name', vlenStrings(optimizerName(model)));
  optimizerVariables(model.optimizer, weights).forEach((v, i) => vars.dataset(String(i), v.shape, v.data));
}

/** optimizer_weights in a legacy .h5, once the optimizer has stepped (Keras writes it when optimizer.variables is not empty). */
export function writeLegacyOptimizer(root: Hdf5Group, model: ModelBase): void {
  const weights = model.optimizerWeights();
  if (!weights || model.optimizer.slotArrays() === null) return;
  const prefix = optimizerName(model);
  const names = new Map<object, string[]>();
  const weightName = (w: (typeof weights)[number]): string => {
    let list = names.get(w.layer);
    if (!list) names.set(w.layer, (list = namedWeights(w.layer).map((n) => n.name)));
    return `${model.name}_${(list[w.index] ?? `${w.layer.name}/${w.index}`).replace(/\//g, '_')}`;
  };
  const variables = optimizerVariables(model.optimizer, weights);
  const paths = variables.map((v) => (v.weight < 0 ? `${prefix}/${v.name}` : `${prefix}/${weightName(weights[v.weight])}_${v.name}`));
  const group = root.group(LEGACY_GROUP);
  group.attr('weight_names', vlenStrings(paths));
  variables.forEach((v, i) => group.dataset(paths[i], v.shape, v.data));
}

function optimizerName(model: ModelBase): string {
  const config = model.compileConfig()?.optimizer as { config?: { name?: unknown } } | undefined;
  return typeof config?.config?.name === 'string' ? config.config.name : model.optimizer.name;
}

/** The optimizer variables a .keras weights file holds, or null when it has none. */
export function savingLibOptimizer(reader: Hdf5Reader): SavedOptimizer | null {
  const keys = reader.isGroup(SAVING_LIB_GROUP) ? reader.keys(SAVING_LIB_GROUP) ?? [] : [];
  if (keys.length === 0) return null;
  const indices = keys.map((key) => (/^(0|[1-9]\d{0,6})$/.test(key) ? Number(key) : -1)).sort((a, b) => a - b);
  if (indices.some((index, i) => index !== i)) throw reader.error(SAVING_LIB_GROUP, `holds members ${quoted(keys.slice(0, 10))}; expected optimizer variables named 0..${keys.length - 1}`);
  return { variables: indices.map((i) => savedVariable(reader, `${SAVING_LIB_GROUP}/${i}`)), legacy: false, part: reader.partName(SAVING_LIB_GROUP) };
}

/** The optimizer variables a legacy .h5 holds (in weight_names order), or null when it has none. */
export function legacyOptimizer(reader: Hdf5Reader): SavedOptimizer | null {
  if (!reader.isGroup(LEGACY_GROUP)) return null;
  const names = reader.stringListAttr(LEGACY_GROUP, 'weight_names') ?? [];
  if (names.length === 0) return null;
  return { variables: names.map((name) => savedVariable(reader, `${LEGACY_GROUP}/${name}`)), legacy: true, part: reader.partName(LEGACY_GROUP) };
}

function savedVariable(reader: Hdf5Reader, path: string): SavedVariable {
  // Read only once the count fits, as Keras compares the counts before it reads a variable.
  return { shape: () => reader.datasetShape(path), read: () => (reader.isIntegerDataset(path) ? reader.readInteger(path) : reader.readTensor(path, null).data) };
}

/**
 * Restores the saved state into the model's compiled optimizer as Keras does; returns Keras'
 * warning when it skips the state (a variable count or, for .h5, a shape that does not fit).
 */
export function restoreSavedOptimizer(model: ModelBase, saved: SavedOptimizer, file: string): string | null {
  const weights = model.optimizerWeights();
  if (!weights) return null;
  try {
    const skipped = restoreOptimizerVariables(model.optimizer, weights, saved.variables);
    return skipped === null ? null : `${file}: ${skipped}; the model starts with a freshly initialized optimizer`;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (saved.legacy) return `${file}: error in loading the saved optimizer state (${error.message}); the model starts with a freshly initialized optimizer`;
    throw new ModelFileError(`cannot restore the optimizer state: ${error.message}`, { file, part: saved.part, cause: error });
  }
}
