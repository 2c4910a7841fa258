// Keras' clone_model: a model of the same architecture with weights of its own.
import { ConfigError } from '../errors.js';
import { modelFromConfig } from './from-config.js';
import { computesAsKeras2 } from './model-json.js';
import type { Model } from './functional.js';
import { ModelBase } from './model.js';
import type { Sequential } from './sequential.js';

/**
 * Keras' keras.models.clone_model(model): the same layers (classes, configs, names) and wiring, its
 * weights drawn fresh from their initializers, sharing nothing with `model`. As Keras 3 does, a
 * compiled model's clone is compiled with the same loss and metrics and a new optimizer of the
 * same config (tf.keras 2 left it uncompiled). Copy the weights with `clone.setWeights(model.getWeights())`.
 */
export function cloneModel<M extends Sequential | Model>(model: M): M;
export function cloneModel(model: Sequential | Model): Sequential | Model {
  if (!(model instanceof ModelBase)) {
    throw new ConfigError(`cloneModel: 'model' must be a Sequential or a functional Model, received ${model === null ? 'null' : typeof model}`);
  }
  if (arguments.length > 1) {
    throw new ConfigError(`cloneModel(model) takes the model alone, received ${arguments.length} arguments: Keras' input_tensors, clone_function and call_function are not supported here`);
  }
  model.checkNotDisposed('clone');
  // In the spelling of the Keras the model computes as, so that a Keras 2 model's copy computes as Keras 2.
  const spelling = model.layers.some(computesAsKeras2) ? 2 : 3;
  const { compile_config: _compiled, ...config } = model.kerasConfig(spelling);
  const clone = modelFromConfig(config, { kerasVersion: spelling });
  const compileOptions = model.compileOptionsForCopy();
  if (compileOptions) clone.compile(compileOptions);
  return clone;
}
