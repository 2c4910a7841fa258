// One streaming step: B=1, T=1 through the public apply(), carrying h and c between
// calls as a real-time caller does (returnState + initialState). This is per-call
// overhead territory (about 2·4·H·(D+H) = 0.66 MFLOP), so it is timed in batches of calls.
import { LSTM, Tensor, ready } from '../dist/index.js';
import { median } from './timing.mjs';
import { createInput, createKerasWeights } from './weights.mjs';
import { readyOptions } from './kernels.mjs';

export async function measureStreamingStep({ H = 256, D = 64, samples = 31, sampleMs = 20 } = {}) {
  await ready(readyOptions());
  const shape = { B: 1, T: 1, D, H };
  const layer = new LSTM({ units: H, returnState: true, kernelInitializer: 'zeros', recurrentInitializer: 'zeros' });
  layer.build([1, 1, D]);
  layer.setWeights(createKerasWeights('LSTM', shape).map((w) => new Tensor(w.data, w.shape)));
  const x = new Tensor(createInput(shape), [1, 1, D]);
  let state = [new Tensor(new Float32Array(H), [1, H]), new Tensor(new Float32Array(H), [1, H])];
  const step = () => {
    const [, h, c] = layer.apply(x, { initialState: state });
    state = [h, c];
  };

  // Warm-up, and a batch size that makes one sample last about sampleMs.
  let calls = 0;
  const warmupStart = performance.now();
  while (performance.now() - warmupStart < 200) {
    step();
    calls++;
  }
  const callsPerSample = Math.max(1, Math.round((calls * sampleMs) / (performance.now() - warmupStart)));
  const perStepUs = [];
  for (let s = 0; s < samples; s++) {
    const start = performance.now();
    for (let i = 0; i < callsPerSample; i++) step();
    perStepUs.push(((performance.now() - start) * 1000) / callsPerSample);
  }
  layer.dispose?.();
  return { B: 1, T: 1, D, H, cell: 'LSTM', medianUs: median(perStepUs), minUs: Math.min(...perStepUs), samples, callsPerSample };
}
