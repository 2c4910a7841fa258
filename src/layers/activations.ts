// Keras activation names to kernel ids. hard_sigmoid is the one name whose
// meaning depends on the Keras major version that wrote the model.
import { ConfigError, quoted } from '../errors.js';
import { ActivationId } from '../kernels/ids.js';

export type KerasVersion = 2 | 3;

export const ACTIVATION_NAMES = [
  'linear', 'tanh', 'sigmoid', 'hard_sigmoid', 'relu', 'relu6', 'elu', 'selu', 'softsign', 'exponential', 'silu', 'swish',
] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/** @internal The kernels' id of an activation name, Keras version deciding hard_sigmoid. */
export function activationId(name: string | null, kerasVersion: KerasVersion, argumentName: string): ActivationId {
  switch (name) {
    case null:
    case 'linear': return ActivationId.linear;
    case 'tanh': return ActivationId.tanh;
    case 'sigmoid': return ActivationId.sigmoid;
    case 'hard_sigmoid': return kerasVersion === 2 ? ActivationId.hardSigmoidKeras2 : ActivationId.hardSigmoidKeras3;
    case 'relu': return ActivationId.relu;
    case 'relu6': return ActivationId.relu6;
    case 'elu': return ActivationId.elu;
    case 'selu': return ActivationId.selu;
    case 'softsign': return ActivationId.softsign;
    case 'exponential': return ActivationId.exponential;
    case 'silu':
    case 'swish': return ActivationId.silu;
    default:
      throw new ConfigError(`${argumentName}: unknown activation ${quoted(name)}; expected one of ${ACTIVATION_NAMES.join(', ')}`);
  }
}

/**
 * The error for an activation option that is not one of `names`; a JS function (Keras takes a
 * callable) is told that the kernels run named activations only. @internal
 */
export function unknownActivation(value: unknown, names: readonly string[], argumentName: string): ConfigError {
  if (typeof value === 'function') {
    const named = value.name ? ` (${value.name})` : '';
    return new ConfigError(`${argumentName}: an activation is a Keras activation's name, received a function${named}: the WebAssembly kernels run named activations only; expected one of ${names.join(', ')}`);
  }
  return new ConfigError(`${argumentName}: unknown activation ${quoted(value)}; expected one of ${names.join(', ')}`);
}

/** Validates an activation option and returns its canonical name (null means linear, as in Keras). @internal */
export function checkActivation(value: unknown, argumentName: string): ActivationName {
  if (value === null) return 'linear';
  if (typeof value !== 'string' || !(ACTIVATION_NAMES as readonly string[]).includes(value)) throw unknownActivation(value, ACTIVATION_NAMES, argumentName);
  return value as ActivationName;
}
