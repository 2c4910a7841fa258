// The Keras 3 `.keras` archive: config.json (the model config),
// metadata.json (keras_version) and model.weights.h5 (saving-library layout).
// Assets are ignored; the optimizer state is read by optimizer-state.ts.
import type { ModelBase } from '../models/model.js';
import { ModelFileError, describeThrown } from './errors.js';
import { Hdf5Reader } from './hdf5.js';
import { savingLibWeights } from './saving-lib.js';
import { savingLibOptimizer, type SavedOptimizer } from './optimizer-state.js';
import type { ReadLimits } from './read-limits.js';
import { parseJsonText } from './source.js';
import type { WeightSource } from './weights.js';
import { readZipMembers } from './zip.js';

export interface KerasArchiveContents {
  config: unknown;
  kerasVersion: string | undefined;
  /** Bytes of model.weights.h5, the budget for sizes in the config. */
  weightBytes: number;
  /** False when model.weights.h5 holds no tensor at all (a model saved before it was built). */
  holdsWeights: boolean;
  weights(model: ModelBase, order: readonly string[]): WeightSource;
  optimizer(): SavedOptimizer | null;
}

const CONFIG = 'config.json';
const METADATA = 'metadata.json';
const WEIGHTS = 'model.weights.h5';
const SHARDED_WEIGHTS = 'model.weights.json';

export function readKerasArchive(bytes: Uint8Array, file: string, limits: ReadLimits): KerasArchiveContents {
  const members = readZipMembers(bytes, (name) => [CONFIG, METADATA, WEIGHTS, SHARDED_WEIGHTS].includes(name), file, limits);
  const configBytes = members.get(CONFIG);
  if (!configBytes) {
    throw new ModelFileError(`is a zip archive without ${CONFIG}, so not a Keras .keras model file`, { file, part: CONFIG });
  }
  const config = parseJsonText(decodeUtf8(configBytes, file, CONFIG), file, CONFIG);
  let kerasVersion: string | undefined;
  const metadataBytes = members.get(METADATA);
  if (metadataBytes) {
    const metadata = parseJsonText(decodeUtf8(metadataBytes, file, METADATA), file, METADATA);
    const version = (metadata as { keras_version?: unknown } | null)?.keras_version;
    if (typeof version === 'string') kerasVersion = version;
  }
  const weightBytes = members.get(WEIGHTS);
  if (!weightBytes) {
    const why = members.has(SHARDED_WEIGHTS) ? 'the weights are sharded (model.weights.json), which is not supported; re-save with max_shard_size=None' : 'the archive has no weights file';
    throw new ModelFileError(`is missing: ${why}`, { file, part: WEIGHTS });
  }
  const reader = Hdf5Reader.open(weightBytes, { file, member: WEIGHTS });
  const root = reader.isGroup('layers') ? 'layers' : '_layer_checkpoint_dependencies';
  return {
    config, kerasVersion, weightBytes: weightBytes.length, holdsWeights: reader.isGroup(root) && reader.holdsDatasets(root),
    weights: (model, order) => savingLibWeights(reader, file, model, order),
    optimizer: () => savingLibOptimizer(reader),
  };
}

export function decodeUtf8(bytes: Uint8Array, file: string, part: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new ModelFileError(`is not UTF-8 text (${describeThrown(error)})`, { file, part, cause: error });
  }
}
