// The in-process peers of the training bench: wasm-rnn's trainOnBatch, and tfjs-layers'
// trainOnBatch on its cpu or wasm backend, each a one-layer model (the recurrent layer,
// return_sequences false) compiled with mse and Adam (Keras' defaults: learning rate 0.001,
// betas 0.9 and 0.999, epsilon 1e-7), built on the same Keras-layout weights.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GRU, LSTM, Sequential, SimpleRNN, Tensor, ready } from '../../dist/index.js';
import { readyOptions } from '../kernels.mjs';
import { CELL_VARIANT } from '../peers/tfjs.mjs';
import { resetBeforeGruWeights } from '../weights.mjs';

const LAYERS = { LSTM, GRU, SimpleRNN };

/** Our model; `resetAfter: false` builds the reset_before GRU tfjs is checked against. */
export async function createOursTrainer(cell, weights, { B, T, D, H }, { resetAfter = true } = {}) {
  await ready(readyOptions());
  const layer = new LAYERS[cell]({
    units: H, inputShape: [T, D], kernelInitializer: 'zeros', recurrentInitializer: 'zeros',
    ...(cell === 'GRU' ? { resetAfter } : {}),
  });
  const model = new Sequential({ layers: [layer] });
  model.setWeights(weights.map((w) => new Tensor(w.data, w.shape)));
  model.compile({ optimizer: 'adam', loss: 'mse' });
  return {
    trainStep: (x, y) => model.trainOnBatch(x, y).loss,
    forward: (x) => model.predict(x),
    tensors: (x, y) => [new Tensor(x, [B, T, D]), new Tensor(y, [B, H])],
    dispose: () => model.dispose?.(),
  };
}

/** tfjs-layers on `backend`; GRU runs reset_before (tfjs-layers has no reset_after). */
export async function createTfjsTrainer(cell, weights, { B, T, D, H }, backend, epsilon = 1e-7) {
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend '${backend}' failed to initialize`);
  await tf.ready();
  const variant = CELL_VARIANT[cell];
  const layerWeights = variant === 'reset_before' ? resetBeforeGruWeights(weights) : weights;
  const common = { units: H, inputShape: [T, D], kernelInitializer: 'zeros', recurrentInitializer: 'zeros' };
  // tfjs defaults recurrentActivation to hardSigmoid; Keras 2.3+ uses sigmoid.
  const layer = cell === 'LSTM' ? tfl.layers.lstm({ ...common, recurrentActivation: 'sigmoid' })
    : cell === 'GRU' ? tfl.layers.gru({ ...common, recurrentActivation: 'sigmoid' }) : tfl.layers.simpleRNN(common);
  const model = tfl.sequential({ layers: [layer] });
  tf.tidy(() => model.setWeights(layerWeights.map((w) => tf.tensor(w.data, w.shape))));
  model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, epsilon), loss: 'meanSquaredError' });
  const held = [];
  return {
    variant,
    trainStep: async (x, y) => Number(await model.trainOnBatch(x, y)),
    tensors: (x, y) => {
      const pair = [tf.tensor3d(x, [B, T, D]), tf.tensor2d(y, [B, H])];
      held.push(...pair);
      return pair;
    },
    dispose: () => {
      for (const t of held) t.dispose();
      model.dispose();
    },
  };
}
