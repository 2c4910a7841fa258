// Each peer's runner factory, by id. wasm-rnn runs first on every grid point: every
// other peer's output is checked against its output.
import { resetBeforeGruWeights } from '../weights.mjs';
import * as onnxNode from './onnx-node.mjs';
import * as onnxWeb from './onnx-web.mjs';
import * as tfjs from './tfjs.mjs';
import * as wasmRnn from './wasm-rnn.mjs';

export { OURS, PEER_IDS, PEER_LABELS } from './ids.mjs';

export const CREATE_RUNNER = {
  'wasm-rnn': wasmRnn.createRunner,
  'tfjs-cpu': (cell, weights, shape) => tfjs.createRunner(cell, weights, shape, { backend: 'cpu' }),
  'tfjs-wasm': (cell, weights, shape) => tfjs.createRunner(cell, weights, shape, { backend: 'wasm' }),
  'ort-web': onnxWeb.createRunner,
  'ort-node': onnxNode.createRunner,
};

/**
 * Peers timed on their own rather than interleaved with the others: tfjs has one active
 * backend per engine, and switching it between runs would move the layer's weights from
 * one backend to the other each time, so tfjs-cpu cannot share rounds with tfjs-wasm.
 * At 30x-3000x our time, interleaving would not change its ratios anyway.
 */
export const SOLO_PEERS = ['tfjs-cpu'];

/**
 * Our own runner for a peer that computes a variant of the cell, to check that peer against:
 * 'reset_before' is the GRU tfjs-layers implements (it has no reset_after).
 */
export function createVariantReferenceRunner(cell, weights, shape, variant) {
  if (variant === 'reset_before') return wasmRnn.createRunner(cell, resetBeforeGruWeights(weights), shape, { resetAfter: false });
  throw new Error(`no reference runner for the cell variant '${variant}'`);
}

export const tfjsBackendInfo = tfjs.backendInfo;
export const wasmRnnKernelVariant = wasmRnn.kernelVariant;
