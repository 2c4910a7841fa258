// Keras layer specs ({ class_name, config }, as `model.to_json()` lists them and serializeLayer
// writes them; Keras 2 and 3 spellings) to layer objects, through each class's fromConfig.
import { ConfigError, quoted } from '../errors.js';
import { configNestingProblem } from '../nesting.js';
import { CELL_LIST } from '../kernels/cells.js';
import type { Bidirectional } from './bidirectional.js';
import { configKerasVersion, readSpec, type KerasLayerSpec, type LayerFromConfigOptions } from './keras-options.js';
import type { Layer } from './layer.js';
import type { RecurrentLayer } from './recurrent.js';
import { WRAPPABLE_CLASSES, buildCustomLayer, customLayerFactory, type LayerClass } from './registry.js';
import { TimeDistributed } from './time-distributed.js';

export type { KerasLayerSpec, LayerFromConfigOptions };

const LAYER_CLASSES: Readonly<Record<string, LayerClass>> = { ...WRAPPABLE_CLASSES, TimeDistributed };
const RECURRENT_CLASSES = [...new Set(CELL_LIST.map((cell) => cell.kerasClass)), 'RNN', 'CuDNNLSTM', 'CuDNNGRU', 'Bidirectional'];
export const SUPPORTED_LAYER_CLASSES: readonly string[] = Object.keys(LAYER_CLASSES);

/** Builds a SimpleRNN, LSTM, GRU, RNN, CuDNNLSTM, CuDNNGRU or Bidirectional from its Keras serialisation. */
export function layerFromConfig(spec: KerasLayerSpec, options: LayerFromConfigOptions = {}): RecurrentLayer | Bidirectional {
  const { className } = readSpec(spec, 'layerFromConfig: spec');
  if (!RECURRENT_CLASSES.includes(className)) {
    throw new ConfigError(`layerFromConfig: unknown layer class_name ${quoted(className)}; expected SimpleRNN, LSTM, GRU, RNN, CuDNNLSTM, CuDNNGRU or Bidirectional (deserializeLayer builds the other layers)`);
  }
  return deserializeLayer(spec, options) as RecurrentLayer | Bidirectional;
}

/** Builds any supported layer (Keras' layers.deserialize): `deserializeLayer(serializeLayer(layer))` is a copy of `layer`. */
export function deserializeLayer(spec: KerasLayerSpec, options: LayerFromConfigOptions = {}): Layer {
  const kerasVersion = configKerasVersion(options, 'layerFromConfig');
  const nesting = configNestingProblem(spec);
  if (nesting !== null) throw new ConfigError(`layerFromConfig: the spec ${nesting}`);
  const { className, config } = readSpec(spec, 'layerFromConfig: spec');
  const factory = customLayerFactory(className);
  if (factory) return buildCustomLayer(factory, className, config);
  const Class = Object.hasOwn(LAYER_CLASSES, className) ? LAYER_CLASSES[className] : undefined;
  if (!Class) {
    throw new ConfigError(`layerFromConfig: unknown layer class_name ${quoted(className)}; supported: ${SUPPORTED_LAYER_CLASSES.join(', ')}, and layers registered with registerLayer`);
  }
  return Class.fromConfig(config, { kerasVersion });
}

/** Keras' layers.serialize: `{ class_name, config }` with the layer's getConfig(). */
export function serializeLayer(layer: Layer): KerasLayerSpec {
  return { class_name: layer.className, config: layer.getConfig() };
}
