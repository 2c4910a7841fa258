import { sigmoid } from './activations.js';
import type { HardSigmoidVariant } from './types.js';

export type Derivative = (x: number) => number;

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** d act(x) / dx for the activations the recurrent layers accept, by Keras name. */
export function referenceActivationDerivative(name: string, variant: HardSigmoidVariant): Derivative {
  switch (name) {
    case 'tanh':
      return (x) => 1 - Math.tanh(x) ** 2;
    case 'sigmoid':
      return (x) => sigmoid(x) * (1 - sigmoid(x));
    case 'relu':
      return (x) => (x > 0 ? 1 : 0);
    case 'relu6':
      return (x) => (x > 0 && x < 6 ? 1 : 0);
    case 'silu':
    case 'swish':
      return (x) => sigmoid(x) * (1 + x * (1 - sigmoid(x)));
    case 'linear':
      return () => 1;
    case 'hard_sigmoid':
      return variant === 'keras2' ? (x) => (Math.abs(x) < 2.5 ? 0.2 : 0) : (x) => (Math.abs(x) < 3 ? 1 / 6 : 0);
    case 'elu':
      return (x) => (x > 0 ? 1 : Math.exp(x));
    case 'selu':
      return (x) => (x > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * Math.exp(x));
    case 'softsign':
      return (x) => 1 / (1 + Math.abs(x)) ** 2;
    case 'exponential':
      return (x) => Math.exp(x);
    default:
      throw new Error(`reference: no derivative for activation "${name}"`);
  }
}
