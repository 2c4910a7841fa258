// Child process of test/streaming-allocation.test.ts, run under `node --trace-gc`:
// streams 100,000 frames through a model and prints markers around the loop, so the
// parent can tell whether any scavenge (a young-generation collection, which any
// per-frame allocation soon triggers) happened inside it.
import { ready, Sequential, LSTM, GRU, Dense, Embedding } from '../../dist/index.js';

const STEPS = 100_000;
const [kernels = 'simd', mode = 'steps'] = process.argv.slice(2);
await ready({ kernels });

const float = new Sequential({
  layers: [
    new LSTM({ units: 32, returnSequences: true, seed: 1, inputShape: [null, 16] }),
    new Dense({ units: 8, activation: 'softmax', seed: 2 }),
  ],
});
const ids = new Sequential({
  layers: [
    new Embedding({ inputDim: 50, outputDim: 8, maskZero: true, seed: 3, inputShape: [null] }),
    new GRU({ units: 16, seed: 4 }),
    new Dense({ units: 1, activation: 'sigmoid', seed: 5 }),
  ],
});
const floatStream = float.stream({ batchSize: 2 });
const idStream = ids.stream();
const frame = new Float32Array(32);
const idFrame = new Int32Array(1);
const out = new Float32Array(16);
const mask = new Float32Array([1, 0]);
// The first calls may allocate (views, optimisation); the loop must not.
for (let i = 0; i < 1000; i++) {
  floatStream.step(frame, i % 2 ? out : null, i % 3 ? mask : null);
  idStream.step(idFrame);
}
let checksum = 0;
console.log('LOOP START');
for (let i = 0; i < STEPS; i++) {
  frame[i & 31] = (i % 7) * 0.1;
  idFrame[0] = i % 50;
  const result = floatStream.step(frame, i % 2 ? out : null, i % 3 ? mask : null);
  checksum += result[0] + idStream.step(idFrame)[0];
  // The control run: copying the states out allocates, and must show up as scavenges.
  if (mode === 'control') checksum += floatStream.states()[0].data[0];
}
console.log('LOOP END');
console.log(`CHECKSUM ${Number.isFinite(checksum) ? 'finite' : 'not finite'}`);
