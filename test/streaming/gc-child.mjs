// Child process of test/streaming-allocation.test.ts, run under `node --trace-gc --expose-gc`:
// streams 100,000 frames through a model and prints markers around the loop, so the
// parent can tell whether any scavenge (a young-generation collection, which any
// per-frame allocation soon triggers) happened inside it.
import {
  ready, Sequential, Model, Input, LSTM, GRU, Dense, Embedding, Add, Concatenate, Activation, BatchNormalization, LayerNormalization, Conv1D, MaxPooling1D,
} from '../../dist/index.js';

const STEPS = 100_000;
const [kernels = 'simd', mode = 'steps'] = process.argv.slice(2);
await ready({ kernels });

const float = new Sequential({
  layers: [
    new Conv1D({ filters: 12, kernelSize: 3, dilationRate: 2, padding: 'causal', seed: 10, inputShape: [null, 16] }),
    new Activation('gelu'),
    // A window on the time axis: what follows runs every other frame, behind a gate.
    new MaxPooling1D({ poolSize: 3, strides: 2 }),
    new LSTM({ units: 32, returnSequences: true, seed: 1 }),
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
// Two inputs, two outputs, through the per-frame layers: step takes and returns lists.
const signal = Input({ shape: [null, 6], name: 'signal' });
const tokens = Input({ shape: [null], name: 'tokens' });
const branch = new LayerNormalization().apply(new LSTM({ units: 8, returnSequences: true, seed: 6 }).apply(signal));
const embedded = new BatchNormalization().apply(new Embedding({ inputDim: 20, outputDim: 8, seed: 7 }).apply(tokens));
const joined = new Activation('relu').apply(new Add().apply([branch, embedded]));
const multi = new Model({
  inputs: [signal, tokens],
  outputs: [new Dense({ units: 3, seed: 8 }).apply(joined), new GRU({ units: 4, seed: 9 }).apply(new Concatenate().apply([joined, branch]))],
});
const multiStream = multi.stream();
const multiFrames = [new Float32Array(6), new Int32Array(1)];
// The same frames by input name, as predict takes a dict: the stream fills a list it keeps.
const namedFrames = { signal: multiFrames[0], tokens: multiFrames[1] };
const multiOut = [new Float32Array(3), new Float32Array(4)];
const floatStream = float.stream({ batchSize: 2 });
const idStream = ids.stream();
const frame = new Float32Array(32);
const idFrame = new Int32Array(1);
const out = new Float32Array(16);
// A mask reaches the recurrent layers of the two-input model (its Add keeps the signal's mask);
// the Conv1D and Embedding models put their own in its place, so their steps take none.
const mask = new Float32Array([0]);
// The first calls may allocate (views, optimisation); the loop must not. The loop itself keeps
// to small integers: unoptimised code boxes every other number it computes, which would show up
// as scavenges that are not the stream's.
for (let i = 0; i < 20_000; i++) {
  floatStream.step(frame, i % 2 ? out : null);
  idStream.step(idFrame);
  multiStream.step(i % 4 ? multiFrames : namedFrames, i % 2 ? multiOut : null, i % 3 ? mask : null);
}
const control = mode === 'control';
let result = out;
let idResult = out;
// An empty young generation at the start, so that a scavenge inside the loop means the loop
// allocated a nursery's worth (about 1 MiB), not that warm-up left it nearly full.
globalThis.gc();
console.log('LOOP START');
for (let i = 0; i < STEPS; i++) {
  frame[i & 31] = i % 7;
  idFrame[0] = i % 50;
  result = floatStream.step(frame, i % 2 ? out : null);
  idResult = idStream.step(idFrame);
  multiFrames[0][i & 3] = i % 5;
  multiFrames[1][0] = i % 20;
  multiStream.step(i % 4 ? multiFrames : namedFrames, i % 2 ? multiOut : null, i % 3 ? mask : null);
  // The control run: copying the states out allocates, and must show up as scavenges.
  if (control) floatStream.states();
}
console.log('LOOP END');
const checksum = result[0] + result[15] + idResult[0];
console.log(`CHECKSUM ${Number.isFinite(checksum) ? 'finite' : 'not finite'}`);
