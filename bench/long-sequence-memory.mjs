// Peak WebAssembly memory of one long LSTM run (returnSequences false). Run as its own
// process by run.mjs: WebAssembly memory never shrinks, so only a fresh instance shows
// what this one run needs. Prints one JSON object on stdout.
import { LSTM, Tensor, memoryBytes, ready } from '../dist/index.js';
import { createInput, createKerasWeights } from './weights.mjs';
import { readyOptions } from './kernels.mjs';

const shape = { B: 1, T: 100_000, D: 64, H: 256 };
const { B, T, D, H } = shape;

await ready(readyOptions());
const afterReady = memoryBytes();
const layer = new LSTM({ units: H, returnSequences: false, kernelInitializer: 'zeros', recurrentInitializer: 'zeros' });
layer.build([B, T, D]);
layer.setWeights(createKerasWeights('LSTM', shape).map((w) => new Tensor(w.data, w.shape)));
const afterWeights = memoryBytes();
const x = createInput(shape);
const start = performance.now();
const y = layer.apply(new Tensor(x, [B, T, D]));
const ms = performance.now() - start;
const finite = y.data.every(Number.isFinite);

process.stdout.write(`${JSON.stringify({
  cell: 'LSTM', ...shape, returnSequences: false,
  memoryBytesAfterReady: afterReady,
  memoryBytesAfterWeights: afterWeights,
  // Memory only grows, so its size after the run is the run's peak.
  peakMemoryBytes: memoryBytes(),
  inputBytes: x.byteLength,
  ms,
  outputFinite: finite,
})}\n`);
