// d act(z) / dz of the activations training differentiates, from the output y = act(z) (and z
// itself where the output does not determine the slope): Dense's, Conv's and the Activation layer's.
import { ConfigError } from '../errors.js';

/** The Dense activations activationGradient (silu, swish: siluGradient) differentiates. */
export const BACKWARD_ACTIVATIONS: readonly string[] = [
  'softmax', 'linear', 'tanh', 'sigmoid', 'relu', 'relu6', 'hard_sigmoid', 'elu', 'selu', 'softsign', 'exponential', 'silu', 'swish',
];

/** silu(z) = z·sigmoid(z) is not invertible: its derivative needs z itself. */
export function siluGradient(z: Float32Array, dY: Float32Array): Float32Array {
  return z.map((v, i) => {
    const s = 1 / (1 + Math.exp(-v));
    return dY[i] * s * (1 + v * (1 - s));
  });
}

/** d act / d z of Dense's activations, from the output y = act(z) (silu: see siluGradient). */
export function activationGradient(activation: string, kerasVersion: number, y: Float32Array, dY: Float32Array, units: number): Float32Array {
  const dZ = new Float32Array(y.length);
  if (activation === 'softmax') {
    for (let r = 0; r < y.length / units; r++) {
      let dot = 0;
      for (let c = 0; c < units; c++) dot += dY[r * units + c] * y[r * units + c];
      for (let c = 0; c < units; c++) dZ[r * units + c] = y[r * units + c] * (dY[r * units + c] - dot);
    }
    return dZ;
  }
  const slope = kerasVersion === 2 ? 0.2 : 1 / 6;
  const seluScale = 1.0507009873554805;
  const seluAlphaScale = seluScale * 1.6732632423543772;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    let d: number;
    switch (activation) {
      case 'linear': d = 1; break;
      case 'tanh': d = 1 - v * v; break;
      case 'sigmoid': d = v * (1 - v); break;
      case 'relu': d = v > 0 ? 1 : 0; break;
      case 'relu6': d = v > 0 && v < 6 ? 1 : 0; break;
      case 'hard_sigmoid': d = v > 0 && v < 1 ? slope : 0; break;
      case 'elu': d = v > 0 ? 1 : v + 1; break;
      case 'selu': d = v > 0 ? seluScale : v + seluAlphaScale; break;
      case 'softsign': d = (1 - Math.abs(v)) ** 2; break;
      case 'exponential': d = v; break;
      default: throw new ConfigError(`Dense activation '${activation}' has no backward pass`);
    }
    dZ[i] = dY[i] * d;
  }
  return dZ;
}

/** d loss / d z from d loss / d y = act(z); `preActivations` gives z for the activations that need it. */
export function activationInputGradient(
  activation: string, kerasVersion: number, preActivations: () => Float32Array, y: Float32Array, dY: Float32Array, units: number,
): Float32Array {
  return activation === 'silu' || activation === 'swish'
    ? siluGradient(preActivations(), dY)
    : activationGradient(activation, kerasVersion, y, dY, units);
}
