// Host side of Keras' recurrent_dropout in training (assembly/cells/recurrent_dropout.ts): the
// per-gate masks and scratch block a direction's run reads, and its recurrent kernel packed one
// gate at a time (the backward pass transposes that packed copy).
import type { KernelExports } from './exports.js';
import type { KernelSession } from './session.js';

/**
 * Keras' recurrent_dropout for one direction of a training run: h is multiplied by gate g's
 * mask before its share of the recurrent product, the same masks at every step.
 */
export interface RecurrentDropout {
  /** One inverted-scaled (B, H) mask per gate, in Keras' gate order (SimpleRNN: one). */
  readonly masks: readonly Float32Array[];
  /** The layer's recurrent kernel (H, G*H), packed here one gate at a time. */
  readonly recurrentKernel: Float32Array;
  /** The recurrent bias (G*H) the packed recurrent kernel carries (reset_after GRU), or null. */
  readonly recurrentBias: Float32Array | null;
}

/** Bytes recurrentDropoutBuffers allocates: the block (G masks (B, Hp), scratch (B*T, Hp)) and the per-gate kernel. */
export function recurrentDropoutBytes(exports: KernelExports, G: number, B: number, T: number, H: number, Hp: number): number {
  return 4 * ((G * B + B * T) * Hp + G * exports.f32_packed_size(H, Hp) + H * G * H + G * H);
}

/** Writes the block and the per-gate packed recurrent kernel into `session`. */
export function recurrentDropoutBuffers(
  session: KernelSession, dropout: RecurrentDropout, B: number, T: number, H: number, Hp: number,
): { block: number; recurrent: number } {
  const { exports } = session;
  const G = dropout.masks.length;
  const floats = (G * B + B * T) * Hp;
  const { ptr: block, view } = session.zeros(floats);
  dropout.masks.forEach((mask, g) => {
    for (let b = 0; b < B; b++) view.set(mask.subarray(b * H, (b + 1) * H), (g * B + b) * Hp);
  });
  const source = session.upload(dropout.recurrentKernel, H * G * H);
  const bias = dropout.recurrentBias ? session.upload(dropout.recurrentBias, G * H) : 0;
  const gateFloats = exports.f32_packed_size(H, Hp);
  const recurrent = session.alloc(G * gateFloats * 4);
  for (let g = 0; g < G; g++) {
    exports.f32_gemm_pack_weights(recurrent + g * gateFloats * 4, source + g * H * 4, G * H, bias ? bias + g * H * 4 : 0, H, 1, H, Hp);
  }
  return { block, recurrent };
}
