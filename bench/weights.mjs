// Deterministic weights and inputs in Keras layout, shared by every peer of a grid point.
import { GATES } from './cells.mjs';

/** mulberry32: a tiny seeded PRNG, so every run of the bench sees the same numbers. */
function seededUniform(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniformArray(size, limit, random) {
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = (random() * 2 - 1) * limit;
  return data;
}

/**
 * Keras get_weights() order: kernel [D, G·H], recurrent kernel [H, G·H], bias
 * ([G·H], or [2, 3H] for a reset_after GRU: row 0 input bias, row 1 recurrent bias).
 * Glorot-like scales keep the gates out of saturation, so a weight-layout mistake
 * in a peer shows up as a large output difference instead of hiding in saturated units.
 */
export function createKerasWeights(cell, { D, H }, seed = 1) {
  const random = seededUniform(seed);
  const GH = GATES[cell] * H;
  const kernel = { shape: [D, GH], data: uniformArray(D * GH, Math.sqrt(6 / (D + GH)), random) };
  const recurrentKernel = { shape: [H, GH], data: uniformArray(H * GH, Math.sqrt(3 / H), random) };
  const biasShape = cell === 'GRU' ? [2, GH] : [GH];
  const bias = { shape: biasShape, data: uniformArray(biasShape.reduce((a, b) => a * b, 1), 0.1, random) };
  return [kernel, recurrentKernel, bias];
}

/** Input x of shape [B, T, D], row-major, values in [-1, 1). */
export function createInput({ B, T, D }, seed = 2) {
  return uniformArray(B * T * D, 1, seededUniform(seed));
}

/**
 * The reset_before GRU bias [3H] for peers without reset_after (tfjs-layers): the
 * input-bias row alone. Cost is the same; the function computed differs from the
 * reset_after cell, so such a peer is checked against our own reset_before GRU.
 */
export function resetBeforeGruWeights([kernel, recurrentKernel, bias]) {
  const GH = kernel.shape[1];
  return [kernel, recurrentKernel, { shape: [GH], data: bias.data.slice(0, GH) }];
}
