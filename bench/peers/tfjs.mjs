// TensorFlow.js layers on its cpu backend (plain JavaScript) or its wasm backend
// (XNNPACK, SIMD build, one thread). One tfjs engine serves both: the backend is switched
// when a runner is created, so a tfjs-cpu and a tfjs-wasm runner must never be alive at
// the same time (SOLO_PEERS in ./index.mjs).
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { resetBeforeGruWeights } from '../weights.mjs';

const require = createRequire(import.meta.url);
const wasmDirectory = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;

// Production mode skips debug checks and the "install tfjs-node" console notice.
tf.env().set('PROD', true);
// Node has SharedArrayBuffer and workers, so tfjs would pick its threaded build; the bench
// compares single-threaded code, so force the plain SIMD build.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
// In Node the backend reads its .wasm files from disk; point it at node_modules.
setWasmPaths(wasmDirectory);

/** What a tfjs peer runs for each cell. tfjs-layers' GRUCell throws on resetAfter: true. */
export const CELL_VARIANT = { LSTM: undefined, GRU: 'reset_before', SimpleRNN: undefined };

function createLayer(cell, H) {
  const common = {
    units: H,
    returnSequences: false,
    kernelInitializer: 'zeros',
    recurrentInitializer: 'zeros',
  };
  // tfjs defaults recurrentActivation to hardSigmoid; Keras 2.3+ and this package use sigmoid.
  if (cell === 'LSTM') return tfl.layers.lstm({ ...common, recurrentActivation: 'sigmoid' });
  if (cell === 'GRU') return tfl.layers.gru({ ...common, recurrentActivation: 'sigmoid' });
  return tfl.layers.simpleRNN(common);
}

/** Backend facts recorded with the results (which wasm build ran). */
export async function backendInfo(backend) {
  await tf.setBackend(backend);
  await tf.ready();
  if (backend !== 'wasm') return { backend };
  return {
    backend,
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    multithread: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
  };
}

export async function createRunner(cell, weights, { B, T, D, H }, { backend }) {
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend '${backend}' failed to initialize`);
  await tf.ready();
  const layerWeights = CELL_VARIANT[cell] === 'reset_before' ? resetBeforeGruWeights(weights) : weights;
  const layer = createLayer(cell, H);
  tf.tidy(() => {
    layer.apply(tf.zeros([B, T, D])); // builds the layer's variables on this backend
    layer.setWeights(layerWeights.map((w) => tf.tensor(w.data, w.shape)));
  });
  const inputShape = [B, T, D];
  return {
    variant: CELL_VARIANT[cell],
    // Upload, run, download, free: what one inference costs a tfjs user.
    async run(x) {
      return tf.tidy(() => layer.apply(tf.tensor3d(x, inputShape)).dataSync());
    },
    dispose() {
      layer.dispose();
    },
  };
}
