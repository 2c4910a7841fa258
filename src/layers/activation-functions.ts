// Every activation Keras can name as a string: the Activation layer's and, for names the GEMM does
// not fuse, Dense's. Softmax-like ones work on the last axis.
import { defaultInstance } from '../kernels/default-instance.js';
import { kerasActivationKind, runKerasActivation } from '../kernels/keras-activation.js';
import type { KerasVersion } from './activations.js';

/** Every activation Keras can name as a string: Keras 3's keras.activations plus Keras 2's spellings. */
export const KERAS_ACTIVATION_NAMES = [
  'linear', 'relu', 'relu6', 'leaky_relu', 'elu', 'celu', 'selu', 'gelu', 'silu', 'swish', 'hard_silu', 'hard_swish', 'mish',
  'softplus', 'softsign', 'squareplus', 'sparse_plus', 'tanh', 'tanh_shrink', 'hard_tanh', 'hard_shrink', 'soft_shrink',
  'sigmoid', 'hard_sigmoid', 'sparse_sigmoid', 'log_sigmoid', 'exponential',
  // These normalise over the last axis.
  'softmax', 'log_softmax', 'sparsemax',
] as const;

export type KerasActivationName = (typeof KERAS_ACTIVATION_NAMES)[number];

/**
 * @internal Applies `name` to `data` in place, the normalising ones over rows of `rowLength` consecutive
 * values. Every name runs in WebAssembly (assembly/keras_activations.ts), the code a stream runs too,
 * so predict and a stream agree bit for bit on every engine.
 */
export function applyActivation(name: KerasActivationName, kerasVersion: KerasVersion, data: Float32Array, rowLength: number): void {
  const kind = kerasActivationKind(name, kerasVersion);
  if (kind !== null) runKerasActivation(defaultInstance(), data, rowLength, kind);
}

/**
 * @internal Applies a PARAMETER_ACTIVATION kind (the ReLU, LeakyReLU, ELU and PReLU layers) to
 * `data` in place, with its float32 parameters, in the WebAssembly a stream runs too.
 */
export function applyParameterActivation(kind: number, data: Float32Array, rowLength: number, params: Float32Array): void {
  runKerasActivation(defaultInstance(), data, rowLength, kind, params);
}
