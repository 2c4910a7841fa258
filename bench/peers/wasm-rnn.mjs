// This package, through its public API, as a user would call it.
import * as wasmRnn from '../../dist/index.js';
import { readyOptions } from '../kernels.mjs';

const { GRU, LSTM, SimpleRNN, Tensor, ready } = wasmRnn;

const LAYERS = { LSTM, GRU, SimpleRNN };

/**
 * options.resetAfter (GRU only, default true) builds the reset_before GRU used as the
 * reference for peers that lack reset_after; its weights then have a [3H] bias.
 */
export async function createRunner(cell, weights, { B, T, D, H }, options = {}) {
  await ready(readyOptions());
  const layer = new LAYERS[cell]({
    units: H,
    returnSequences: false,
    // The weights are replaced right away: skip the orthogonal initializer's QR of an [H, G·H] matrix.
    kernelInitializer: 'zeros',
    recurrentInitializer: 'zeros',
    ...(cell === 'GRU' ? { resetAfter: options.resetAfter ?? true } : {}),
  });
  layer.build([B, T, D]);
  layer.setWeights(weights.map((w) => new Tensor(w.data, w.shape)));
  const inputShape = [B, T, D];
  return {
    // The Tensor constructor wraps x without copying; apply() copies it into WebAssembly memory.
    async run(x) {
      return layer.apply(new Tensor(x, inputShape)).data;
    },
    dispose() {
      layer.dispose?.();
    },
  };
}

/** Which kernel build ready() picked ('simd' or 'relaxed-simd'), for the results file. */
export async function kernelVariant() {
  await ready(readyOptions());
  // Optional: older builds of the package have no kernelVariant().
  return wasmRnn.kernelVariant?.() ?? 'simd';
}
