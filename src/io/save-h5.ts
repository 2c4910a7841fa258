// The legacy HDF5 model file as tf.keras 2's model.save('x.h5') writes it: root
// attributes model_config, keras_version, backend (and training_config when
// compiled); model_weights with layer_names, and per layer weight_names and a
// dataset at each name ('lstm/lstm_cell/kernel:0').
import { pythonJson } from '../models/model-json.js';
import { Hdf5Group, vlenStrings, writeHdf5 } from './hdf5-writer.js';
import type { ModelInfo } from './save-model-info.js';
import { legacyWeightOrder, namedWeights } from './weight-layout.js';
import { writeLegacyOptimizer } from './optimizer-state.js';

export function legacyH5Bytes(info: ModelInfo): Uint8Array {
  const { model } = info;
  const root = new Hdf5Group();
  root.attr('backend', vlenStrings('tensorflow'));
  root.attr('keras_version', vlenStrings(info.kerasVersion));
  root.attr('model_config', vlenStrings(pythonJson(model.kerasConfig(info.kerasMajor === 2 ? 2 : 3)), 'ascii'));
  const compiled = model.compileConfig();
  if (compiled) root.attr('training_config', vlenStrings(pythonJson(trainingConfig(compiled, info.kerasMajor)), 'ascii'));
  const weights = root.group('model_weights');
  weights.attr('backend', vlenStrings('tensorflow', 'ascii'));
  weights.attr('keras_version', vlenStrings(info.kerasVersion, 'ascii'));
  weights.attr('layer_names', vlenStrings(model.layers.map((layer) => layer.name), 'ascii'));
  for (const layer of model.layers) {
    const group = weights.group(layer.name);
    const inOrder = namedWeights(layer);
    const named = legacyWeightOrder(layer).map((i) => ({ ...inOrder[i], name: `${inOrder[i].name}:0` }));
    // h5py stores an empty list as an empty float64 array, as Keras' files show.
    group.attr('weight_names', named.length > 0 ? vlenStrings(named.map((w) => w.name), 'ascii') : { values: new Float64Array(0), shape: [0] });
    for (const w of named) group.dataset(w.name, w.shape, w.stored);
  }
  // Keras 3 layout only: tf.keras 2 listed its optimizer variables in another order (no learning_rate, moments not interleaved).
  if (compiled && info.kerasMajor === 3) writeLegacyOptimizer(root, info.model);
  return writeHdf5(root);
}

const KERAS_3_ONLY_OPTIMIZER_KEYS = ['loss_scale_factor', 'gradient_accumulation_steps'];

/**
 * tf.keras 2's training_config from Keras 3's compile config. A file that says Keras 2 leaves out
 * the optimizer keys only Keras 3 has: tf.keras 2's optimizers refuse unknown arguments, and
 * load_model compiles by default.
 */
function trainingConfig(compiled: Record<string, unknown>, kerasMajor: 2 | 3): Record<string, unknown> {
  const { optimizer, loss, metrics, loss_weights: lossWeights, weighted_metrics: weightedMetrics } = compiled as Record<string, Record<string, unknown>>;
  const config = kerasMajor === 2 ? Object.fromEntries(Object.entries(optimizer.config as Record<string, unknown>).filter(([key]) => !KERAS_3_ONLY_OPTIMIZER_KEYS.includes(key))) : optimizer.config;
  return {
    loss, metrics, weighted_metrics: weightedMetrics, loss_weights: lossWeights,
    optimizer_config: { class_name: optimizer.class_name, config },
  };
}
