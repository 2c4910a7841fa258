// Host side of assembly/keras_activations.ts: Keras' named activations computed in WebAssembly,
// for predict as for a stream, so both give the same bits on every engine (JavaScript's Math.exp,
// tanh and log1p differ between engines; WebAssembly's float64 arithmetic does not).
import type { KernelInstance } from './instance.js';
import { checkAddressSpace } from './recurrent.js';
import { withKernelSession } from './session.js';

/**
 * The module's kinds by Keras name (hard_sigmoid aside: its meaning depends on the Keras version).
 * Not exported by the module: test/keras-activations.test.ts checks each name against its definition.
 */
const KINDS = new Map<string, number>([
  ['relu', 0], ['relu6', 1], ['leaky_relu', 2], ['hard_silu', 3], ['hard_swish', 3], ['softsign', 4], ['squareplus', 5],
  ['sparse_plus', 6], ['hard_tanh', 7], ['hard_shrink', 8], ['soft_shrink', 9], ['sparse_sigmoid', 12], ['elu', 13],
  // Keras' celu with its default alpha = 1 is elu.
  ['celu', 13], ['selu', 14], ['gelu', 15], ['silu', 16], ['swish', 16], ['mish', 17], ['softplus', 18], ['tanh', 19],
  ['tanh_shrink', 20], ['sigmoid', 21], ['log_sigmoid', 22], ['exponential', 23], ['softmax', 24], ['log_softmax', 25], ['sparsemax', 26],
]);
const HARD_SIGMOID_KERAS2 = 10;
const HARD_SIGMOID_KERAS3 = 11;

/**
 * The activation layers' kinds with float32 parameters (assembly/keras_activations.ts): ReLU and
 * LeakyReLU [negativeSlope, maxValue (Infinity: none), threshold], ELU [alpha], PReLU one alpha per
 * value of a row.
 */
export const PARAMETER_ACTIVATION = { relu: 27, elu: 28, prelu: 29 } as const;

/** The module's kind for a Keras activation name; null for linear. */
export function kerasActivationKind(name: string, kerasVersion: 2 | 3): number | null {
  if (name === 'hard_sigmoid') return kerasVersion === 2 ? HARD_SIGMOID_KERAS2 : HARD_SIGMOID_KERAS3;
  return KINDS.get(name) ?? null;
}

/**
 * Applies `kind` to `data` in place; the normalising kinds (and PReLU) work on rows of `width`
 * consecutive values; `params`: a PARAMETER_ACTIVATION kind's parameters.
 */
export function runKerasActivation(instance: KernelInstance, data: Float32Array, width: number, kind: number, params: Float32Array | null = null): void {
  if (data.length === 0) return;
  checkAddressSpace([data.length * 4, data.length * 4, (params?.length ?? 0) * 4], () => `an activation of ${data.length} values`, instance);
  withKernelSession(instance, (session) => {
    const x = session.upload(data, data.length);
    // A separate output: sparsemax sorts each row there while it reads x.
    const out = session.alloc(data.byteLength);
    const p = params ? session.upload(params, params.length) : 0;
    session.exports.f32_keras_activation(x, out, data.length, width, kind, p);
    data.set(instance.heap.f32(out, data.length));
  });
}
