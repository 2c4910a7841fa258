// What every writer needs to know about a model before it writes: that Keras
// (and loadModel) can rebuild every layer from the config, and which Keras the
// file must claim so that version-dependent behaviour (hard_sigmoid, GRU's
// reset_after default) reads back the same.
import { ConfigError, quoted } from '../errors.js';
import { SUPPORTED_LAYER_CLASSES } from '../layers/config.js';
import type { Layer } from '../layers/layer.js';
import { ModelBase } from '../models/model.js';
import { KERAS_2_VERSION } from '../models/model-json.js';
import { weightGroups } from './weight-layout.js';

/** The Keras 3 release whose files this package writes. */
export const KERAS_3_VERSION = '3.9.2';

export interface ModelInfo {
  model: ModelBase;
  /** 2 when a layer computes as Keras 2 does (a file loaded from Keras 2, or kerasVersion: 2). */
  kerasMajor: 2 | 3;
  kerasVersion: string;
}

export function modelInfo(model: unknown, where: string): ModelInfo {
  const candidate = model as ModelBase | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.kerasConfig !== 'function' || !Array.isArray(candidate.layers)) {
    throw new ConfigError(`${where}: model must be a Sequential or Model, received ${model === null ? 'null' : typeof model}`);
  }
  if (candidate.disposed) throw new ConfigError(`${where}: model ${candidate.name} was disposed`);
  const all = candidate.layers.flatMap(withInnerLayers);
  for (const layer of all) {
    if (!SUPPORTED_LAYER_CLASSES.includes(layer.className)) {
      throw new ConfigError(`${where}: layer ${layer.name} has class ${quoted(layer.className)}, which Keras files cannot name (supported: ${SUPPORTED_LAYER_CLASSES.join(', ')})`);
    }
  }
  const keras2 = all.some((layer) => (layer as { kerasVersion?: unknown }).kerasVersion === 2);
  return { model: candidate, kerasMajor: keras2 ? 2 : 3, kerasVersion: keras2 ? KERAS_2_VERSION : KERAS_3_VERSION };
}

function withInnerLayers(layer: Layer): Layer[] {
  // A nested model is written as Keras writes it; what must be nameable is every layer inside it.
  if (layer instanceof ModelBase) return layer.layers.flatMap(withInnerLayers);
  const wrapped = (layer as { layer?: unknown }).layer;
  if (wrapped instanceof ModelBase) return [layer, ...withInnerLayers(wrapped)];
  const inner = weightGroups(layer).map((group) => group.owner).filter((owner): owner is Layer => owner !== null && owner !== layer);
  return [layer, ...new Set(inner)];
}
