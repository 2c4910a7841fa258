// The legacy HDF5 model file (model.save('x.h5'), Keras 2 and Keras 3): the
// model config and Keras version in root attributes, weights under
// model_weights/<layer name>/<weight name> in the order of `weight_names`.
import type { Layer } from '../layers/layer.js';
import { ModelFileError } from './errors.js';
import type { Hdf5Reader } from './hdf5.js';
import { parseJsonText } from './source.js';
import { fromLegacyOrder } from './weight-layout.js';
import type { WeightEntry, WeightSource } from './weights.js';
import { quoted } from '../errors.js';

export interface LegacyH5Contents {
  config: unknown;
  kerasVersion: string | undefined;
  backend: string | undefined;
  /** tf.keras' training_config (a model saved compiled), parsed; undefined when there is none. */
  trainingConfig: unknown;
  /** False when no layer lists a weight (a model saved before it was built). */
  holdsWeights: boolean;
  weights: WeightSource;
}

const WEIGHTS_GROUP = 'model_weights';

export function readLegacyH5(reader: Hdf5Reader, file: string): LegacyH5Contents {
  const modelConfig = reader.stringAttr('', 'model_config');
  if (modelConfig === undefined) {
    const weightsOnly = reader.stringListAttr('', 'layer_names') !== undefined || reader.isGroup('layers') || reader.isGroup('_layer_checkpoint_dependencies');
    throw new ModelFileError(
      weightsOnly
        ? 'has no model_config attribute: it holds only weights (model.save_weights), not a model; build the model in code and call model.loadWeights(file)'
        : 'has no model_config attribute: it is an HDF5 file but not a Keras model saved with model.save()',
      { file, part: 'model_config' },
    );
  }
  const config = parseJsonText(modelConfig, file, 'model_config');
  const kerasVersion = reader.stringAttr('', 'keras_version')
    ?? (reader.isGroup(WEIGHTS_GROUP) ? reader.stringAttr(WEIGHTS_GROUP, 'keras_version') : undefined);
  if (!reader.isGroup(WEIGHTS_GROUP)) {
    throw new ModelFileError('is missing: the file has a model config but no weights (saved with include_optimizer only?)', { file, part: WEIGHTS_GROUP });
  }
  const layerNames = reader.stringListAttr(WEIGHTS_GROUP, 'layer_names');
  if (layerNames === undefined) throw new ModelFileError("has no 'layer_names' attribute", { file, part: WEIGHTS_GROUP });

  // weight_names per layer in the file's layer order; datasets sit at that path inside the layer's group.
  const layers = new Map<string, string[]>();
  for (const name of layerNames) {
    if (layers.has(name)) throw new ModelFileError(`lists layer ${quoted(name)} twice in 'layer_names'`, { file, part: WEIGHTS_GROUP });
    const group = `${WEIGHTS_GROUP}/${name}`;
    if (!reader.isGroup(group)) throw new ModelFileError("is listed in 'layer_names' but missing", { file, part: group, layer: name });
    layers.set(name, reader.stringListAttr(group, 'weight_names', name) ?? []);
  }
  const taken = new Set<string>();
  const weights: WeightSource = {
    file,
    forLayer(layer: Layer): WeightEntry[] | undefined {
      const names = layers.get(layer.name);
      if (names === undefined) return undefined;
      taken.add(layer.name);
      return fromLegacyOrder(layer, names.map((weightName) => {
        const path = `${WEIGHTS_GROUP}/${layer.name}/${weightName}`;
        return { part: reader.partName(path), read: (expected) => reader.readTensor(path, expected, layer.name) };
      }));
    },
    layerPart: (layer) => reader.partName(`${WEIGHTS_GROUP}/${layer.name}`),
    unused: () => [...layers].filter(([name, names]) => !taken.has(name) && names.length > 0).map(([name]) => reader.partName(`${WEIGHTS_GROUP}/${name}`)),
  };
  const backend = reader.stringAttr('', 'backend') ?? reader.stringAttr(WEIGHTS_GROUP, 'backend');
  return { config, kerasVersion, backend, trainingConfig: trainingConfigOf(reader), holdsWeights: [...layers.values()].some((names) => names.length > 0), weights };
}

/** The training_config attribute, parsed; a damaged one is no compile config, not a file the model cannot load from. */
function trainingConfigOf(reader: Hdf5Reader): unknown {
  const text = reader.stringAttr('', 'training_config');
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
