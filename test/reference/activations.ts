import type { HardSigmoidVariant } from './types.js';

export type Activation = (x: number) => number;

export function tanh(x: number): number {
  return Math.tanh(x);
}

/**
 * The logistic function, written so that `Math.exp` only ever sees a non-positive argument:
 * a pre-activation in the hundreds must give exactly 0 or 1, never Inf/Inf.
 */
export function sigmoid(x: number): number {
  if (x >= 0) {
    return 1 / (1 + Math.exp(-x));
  }
  const e = Math.exp(x);
  return e / (1 + e);
}

export function relu(x: number): number {
  return x > 0 ? x : 0;
}

export function relu6(x: number): number {
  return clip(x, 0, 6);
}

/** Keras' silu (alias swish): x * sigmoid(x). */
export function silu(x: number): number {
  return x * sigmoid(x);
}

export function linear(x: number): number {
  return x;
}

/** Keras 2 / tf.keras / tfjs-layers: saturates at |x| >= 2.5. */
export function hardSigmoidKeras2(x: number): number {
  return clip(0.2 * x + 0.5, 0, 1);
}

/** Keras 3: `relu6(x + 3) / 6`, which saturates at |x| >= 3. */
export function hardSigmoidKeras3(x: number): number {
  return clip(x + 3, 0, 6) / 6;
}

/** Keras' default alpha of 1. */
export function elu(x: number): number {
  return x > 0 ? x : Math.expm1(x);
}

// The constants Keras (and the SELU paper) use, so that activations keep unit variance.
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

export function selu(x: number): number {
  return x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * Math.expm1(x);
}

export function softsign(x: number): number {
  return x / (1 + Math.abs(x));
}

/** `log(1 + e^x)`, split by sign so that a large x does not overflow to Infinity. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

export function exponential(x: number): number {
  return Math.exp(x);
}

/** Looks up an activation by its Keras name; `hard_sigmoid` needs the Keras version to be known. */
export function referenceActivation(name: string, variant: HardSigmoidVariant): Activation {
  switch (name) {
    case 'tanh':
      return tanh;
    case 'sigmoid':
      return sigmoid;
    case 'relu':
      return relu;
    case 'relu6':
      return relu6;
    case 'silu':
    case 'swish':
      return silu;
    case 'linear':
      return linear;
    case 'hard_sigmoid':
      return variant === 'keras2' ? hardSigmoidKeras2 : hardSigmoidKeras3;
    case 'elu':
      return elu;
    case 'selu':
      return selu;
    case 'softsign':
      return softsign;
    case 'softplus':
      return softplus;
    case 'exponential':
      return exponential;
    default:
      throw new Error(`reference: unsupported activation "${name}"`);
  }
}

function clip(x: number, low: number, high: number): number {
  return Math.min(Math.max(x, low), high);
}
