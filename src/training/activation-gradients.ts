// d act(z) / dz of the activations training differentiates, from the output y = act(z) where it
// determines the slope and from z itself where it does not: Dense's, Conv's and the Activation layer's.
import { ConfigError } from '../errors.js';
import { KERAS_ACTIVATION_NAMES } from '../layers/activation-functions.js';

/** Every activation Keras names as a string has a backward pass. */
export const BACKWARD_ACTIVATIONS: readonly string[] = KERAS_ACTIVATION_NAMES;

/** The activations whose slope needs z: not invertible from y (silu, gelu, ...) or flat where y is. */
const FROM_PRE_ACTIVATION = new Set<string>([
  'silu', 'swish', 'gelu', 'mish', 'leaky_relu', 'hard_silu', 'hard_swish', 'softplus', 'squareplus', 'sparse_plus',
  'tanh_shrink', 'hard_tanh', 'hard_shrink', 'soft_shrink', 'sparse_sigmoid', 'log_sigmoid',
]);

const sigmoid = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
const softplus = (v: number): number => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
const INV_SQRT_2PI = 0.3989422804014327;

/** d act / dz at z, y = act(z) (gelu reads Φ(z) = y / z, the erf predict computed). */
function slopeAt(activation: string, v: number, y: number): number {
  switch (activation) {
    case 'silu':
    case 'swish': {
      const s = sigmoid(v);
      return s * (1 + v * (1 - s));
    }
    case 'gelu': {
      // gelu(z) = z Φ(z); Φ is 1/2 at 0 and y / z elsewhere (0 where y underflowed, as the slope has).
      const cdf = Math.abs(v) < 1e-30 ? 0.5 : y / v;
      return cdf + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v);
    }
    case 'mish': {
      const t = Math.tanh(softplus(v));
      return t + v * (1 - t * t) * sigmoid(v);
    }
    // tf.nn.leaky_relu's gradient: the negative slope at 0 and below.
    case 'leaky_relu': return v > 0 ? 1 : 0.2;
    case 'hard_silu':
    case 'hard_swish': return v < -3 ? 0 : v > 3 ? 1 : (2 * v + 3) / 6;
    case 'softplus': return sigmoid(v);
    case 'squareplus': return (1 + v / Math.sqrt(v * v + 4)) / 2;
    case 'sparse_plus': return v <= -1 ? 0 : v >= 1 ? 1 : (v + 1) / 2;
    case 'tanh_shrink': return Math.tanh(v) ** 2;
    case 'hard_tanh': return v > -1 && v < 1 ? 1 : 0;
    case 'hard_shrink':
    case 'soft_shrink': return Math.abs(v) > 0.5 ? 1 : 0;
    case 'sparse_sigmoid': return v > -1 && v < 1 ? 0.5 : 0;
    case 'log_sigmoid': return sigmoid(-v);
    default: throw new ConfigError(`activation '${activation}' has no backward pass`);
  }
}

/** sparsemax's Jacobian on each row: dY minus its mean over the support (y > 0), zero off it. */
function sparsemaxGradient(y: Float32Array, dY: Float32Array, units: number): Float32Array {
  const dZ = new Float32Array(y.length);
  for (let r = 0; r < y.length / units; r++) {
    let sum = 0;
    let support = 0;
    for (let c = 0; c < units; c++) {
      if (y[r * units + c] > 0) {
        sum += dY[r * units + c];
        support++;
      }
    }
    const mean = support === 0 ? 0 : sum / support;
    for (let c = 0; c < units; c++) if (y[r * units + c] > 0) dZ[r * units + c] = dY[r * units + c] - mean;
  }
  return dZ;
}

/** d act / d z of the activations y determines, from the output y = act(z) (the others: activationInputGradient). */
export function activationGradient(activation: string, kerasVersion: number, y: Float32Array, dY: Float32Array, units: number): Float32Array {
  const dZ = new Float32Array(y.length);
  if (activation === 'softmax' || activation === 'log_softmax') {
    for (let r = 0; r < y.length / units; r++) {
      let dot = 0;
      let total = 0;
      for (let c = 0; c < units; c++) {
        dot += dY[r * units + c] * y[r * units + c];
        total += dY[r * units + c];
      }
      for (let c = 0; c < units; c++) {
        const i = r * units + c;
        // log_softmax: dz = dy - softmax(z) * sum(dy), softmax(z) = exp(y).
        dZ[i] = activation === 'softmax' ? y[i] * (dY[i] - dot) : dY[i] - Math.exp(y[i]) * total;
      }
    }
    return dZ;
  }
  if (activation === 'sparsemax') return sparsemaxGradient(y, dY, units);
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
      // Keras' celu with its default alpha = 1 is elu.
      case 'elu': case 'celu': d = v > 0 ? 1 : v + 1; break;
      case 'selu': d = v > 0 ? seluScale : v + seluAlphaScale; break;
      case 'softsign': d = (1 - Math.abs(v)) ** 2; break;
      case 'exponential': d = v; break;
      default: throw new ConfigError(`activation '${activation}' has no backward pass from its output`);
    }
    dZ[i] = dY[i] * d;
  }
  return dZ;
}

/** d loss / d z from d loss / d y = act(z); `preActivations` gives z for the activations that need it. */
export function activationInputGradient(
  activation: string, kerasVersion: number, preActivations: () => Float32Array, y: Float32Array, dY: Float32Array, units: number,
): Float32Array {
  if (!FROM_PRE_ACTIVATION.has(activation)) return activationGradient(activation, kerasVersion, y, dY, units);
  const z = preActivations();
  return z.map((v, i) => dY[i] * slopeAt(activation, v, y[i]));
}
