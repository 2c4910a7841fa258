// The options a layer call takes beside its inputs. Every apply() takes Keras' `training: false`
// (layer(x, training=False), which is what apply computes) and refuses keys it does not know, as
// the constructors do: a misspelt or unsupported option is never silently ignored.
import { ConfigError, quoted } from '../errors.js';
import { checkKnownKeys, checkOptionsObject } from '../option-keys.js';

/** What an apply() without options of its own takes. */
export interface InferenceOptions {
  /**
   * Keras' training argument. apply() computes inference (Keras' training=False); fit(),
   * trainOnBatch() and computeGradients() run the training pass (dropout, batch statistics).
   */
  training?: false | null;
}

/** @internal An apply()'s options: the `known` keys of the layer's own, and `training` (false or null). */
export function checkApplyOptions(options: unknown, layerName: string, known: readonly string[] = [], example = '{ training: false }'): void {
  if (options === undefined) return;
  checkOptionsObject(options, `${layerName}: apply`, example);
  checkKnownKeys(options, [...known, 'training'], `${layerName}: apply`);
  checkTrainingFlag(options, layerName);
}

/** @internal Keras' training flag of a call: false or null (None) is inference, what apply() does; true is refused. */
export function checkTrainingFlag(options: object, layerName: string): void {
  const { training } = options as { training?: unknown };
  if (training === undefined || training === false || training === null) return;
  if (training === true) {
    throw new ConfigError(`${layerName}: apply(x, { training: true }) is not supported: apply() computes inference, as Keras' layer(x, training=False) does; fit(), trainOnBatch() and computeGradients() run the training pass (dropout, batch statistics)`);
  }
  throw new ConfigError(`${layerName}: apply option 'training' must be false or null, received ${quoted(training)}`);
}
