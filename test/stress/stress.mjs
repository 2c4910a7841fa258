// Stress run (not part of npm test): `npm run stress`, or `node --expose-gc test/stress/stress.mjs`
// after `npm run build`. Prints figures for issue 12's claims: WebAssembly memory stays flat over
// many mixed-shape calls and build/dispose cycles, many live layers keep their weights, and worker
// threads running in parallel compute exactly what the main thread computes.
// Options: --calls N (100000), --cycles N (10000), --live N (2000), --workers N (8), --per-worker N (2000).
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import * as wasmRnn from '../../dist/index.js';

const { ready, memoryBytes, tensor, LSTM, GRU, SimpleRNN, Bidirectional, Dense, Sequential } = wasmRnn;

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

/** Deterministic values in [-scale, scale) from a seed (a small LCG), so every thread draws the same. */
function seeded(count, seed, scale = 1) {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const rss = () => process.memoryUsage().rss;
const collect = () => globalThis.gc?.();

/** The layer and inputs every worker rebuilds from the same seeds. */
const WORKER_UNITS = 24;
const WORKER_FEATURES = 5;
const WORKER_INPUTS = 16;

function workerLayer() {
  const layer = new LSTM({ units: WORKER_UNITS, returnSequences: true, returnState: true });
  const G = 4 * WORKER_UNITS;
  layer.setWeights([
    tensor(seeded(WORKER_FEATURES * G, 1, 0.5), [WORKER_FEATURES, G]),
    tensor(seeded(WORKER_UNITS * G, 2, 0.5), [WORKER_UNITS, G]),
    tensor(seeded(G, 3, 0.1), [G]),
  ]);
  return layer;
}

function workerInput(i) {
  const batch = 1 + (i % 4);
  const steps = 1 + ((i * 7) % 13);
  return tensor(seeded(batch * steps * WORKER_FEATURES, 100 + i, 2), [batch, steps, WORKER_FEATURES]);
}

function workerOutputs(layer, i) {
  return layer.apply(workerInput(i)).map((t) => t.data);
}

if (!isMainThread) {
  await ready();
  const { expected, calls } = workerData;
  const layer = workerLayer();
  let wrong = 0;
  const start = performance.now();
  for (let c = 0; c < calls; c++) {
    const i = c % WORKER_INPUTS;
    const outputs = workerOutputs(layer, i);
    const same = outputs.length === expected[i].length
      && outputs.every((data, k) => data.length === expected[i][k].length && data.every((v, j) => Object.is(v, expected[i][k][j])));
    if (!same) wrong += 1;
  }
  parentPort.postMessage({ wrong, ms: performance.now() - start, memory: memoryBytes() });
} else {
  await ready();
  console.log(`wasm-rnn stress on Node ${process.version}, kernels ${wasmRnn.kernelVariant()}${globalThis.gc ? '' : ' (run with --expose-gc for steadier RSS figures)'}`);
  await mixedCalls(option('calls', 100_000));
  buildDisposeCycles(option('cycles', 10_000));
  manyLiveLayers(option('live', 2000));
  await parallelWorkers(option('workers', 8), option('per-worker', 2000));
}

async function mixedCalls(calls) {
  const layers = [
    { layer: new LSTM({ units: 32, returnSequences: true, seed: 1 }), features: 8 },
    { layer: new GRU({ units: 17, returnState: true, seed: 2 }), features: 3 },
    { layer: new SimpleRNN({ units: 9, goBackwards: true, seed: 3 }), features: 1 },
    { layer: new Bidirectional(new LSTM({ units: 12, returnSequences: true, seed: 4 }), { mergeMode: 'ave' }), features: 6 },
    { layer: new Dense({ units: 10, activation: 'softmax', seed: 5 }), features: 7 },
  ];
  const model = new Sequential({ layers: [new GRU({ units: 16, returnSequences: true, inputShape: [null, 4], seed: 6 }), new Dense({ units: 3, seed: 7 })] });
  const shapes = [];
  for (const batch of [1, 2, 3, 8]) for (const steps of [1, 5, 12, 40]) shapes.push([batch, steps]);
  const inputs = new Map();
  const input = (features, batch, steps) => {
    const key = `${features}:${batch}:${steps}`;
    if (!inputs.has(key)) inputs.set(key, tensor(seeded(batch * steps * features, batch * 1000 + steps, 1), [batch, steps, features]));
    return inputs.get(key);
  };
  const run = (c) => {
    const [batch, steps] = shapes[c % shapes.length];
    const pick = c % (layers.length + 1);
    if (pick === layers.length) return model.predict(input(4, batch, steps));
    const { layer, features } = layers[pick];
    return layer.apply(input(features, batch, steps));
  };
  // Warm up every shape once, so the free list has seen each size.
  for (let c = 0; c < shapes.length * (layers.length + 1); c++) run(c);
  const first = run(0);
  collect();
  const memoryBefore = memoryBytes();
  const rssBefore = rss();
  const start = performance.now();
  for (let c = 0; c < calls; c++) run(c);
  const ms = performance.now() - start;
  const again = run(0);
  const same = first.data.every((v, i) => Object.is(v, again.data[i]));
  collect();
  console.log(`\n${calls} mixed-shape calls (5 layers + a model, ${shapes.length} batch x time shapes): ${(ms / 1000).toFixed(1)} s, ${(1000 * ms / calls).toFixed(1)} us per call`);
  console.log(`  WebAssembly memory ${mib(memoryBefore)} -> ${mib(memoryBytes())}; RSS ${mib(rssBefore)} -> ${mib(rss())}; first call repeated bit for bit: ${same}`);
  for (const { layer } of layers) layer.dispose();
  model.dispose();
}

function buildDisposeCycles(cycles) {
  const x = tensor(seeded(2 * 6 * 5, 9), [2, 6, 5]);
  const cycle = (i) => {
    const layer = i % 3 === 0 ? new LSTM({ units: 20, seed: i }) : i % 3 === 1 ? new GRU({ units: 20, seed: i }) : new Bidirectional(new SimpleRNN({ units: 20, seed: i }));
    layer.apply(x);
    layer.dispose();
  };
  for (let i = 0; i < 30; i++) cycle(i);
  collect();
  const memoryBefore = memoryBytes();
  const rssBefore = rss();
  const start = performance.now();
  for (let i = 0; i < cycles; i++) cycle(i);
  const ms = performance.now() - start;
  collect();
  console.log(`\n${cycles} build/apply/dispose cycles (LSTM, GRU, Bidirectional(SimpleRNN), 20 units): ${(ms / 1000).toFixed(1)} s`);
  console.log(`  WebAssembly memory ${mib(memoryBefore)} -> ${mib(memoryBytes())}; RSS ${mib(rssBefore)} -> ${mib(rss())}`);
}

function manyLiveLayers(count) {
  const x = tensor(seeded(1 * 4 * 8, 11), [1, 4, 8]);
  const memoryBefore = memoryBytes();
  const layers = [];
  const firstOutputs = [];
  for (let i = 0; i < count; i++) {
    const layer = new LSTM({ units: 32, seed: i });
    firstOutputs.push(layer.apply(x).data);
    layers.push(layer);
  }
  const memoryLive = memoryBytes();
  let changed = 0;
  layers.forEach((layer, i) => {
    if (!layer.apply(x).data.every((v, j) => Object.is(v, firstOutputs[i][j]))) changed += 1;
  });
  for (const layer of layers) layer.dispose();
  const reuse = [];
  for (let i = 0; i < count; i++) {
    const layer = new LSTM({ units: 32, seed: i });
    layer.apply(x);
    reuse.push(layer);
  }
  const memoryReused = memoryBytes();
  for (const layer of reuse) layer.dispose();
  console.log(`\n${count} live LSTM(32) layers: WebAssembly memory ${mib(memoryBefore)} -> ${mib(memoryLive)} while live; outputs changed after all were built: ${changed}`);
  console.log(`  disposed and rebuilt ${count} more: memory ${mib(memoryReused)} (the freed blocks reused)`);
}

async function parallelWorkers(workers, calls) {
  const layer = workerLayer();
  const expected = Array.from({ length: WORKER_INPUTS }, (_, i) => workerOutputs(layer, i));
  layer.dispose();
  const start = performance.now();
  const results = await Promise.all(Array.from({ length: workers }, () => new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { expected, calls } });
    worker.once('message', resolve);
    worker.once('error', reject);
  })));
  const ms = performance.now() - start;
  const wrong = results.reduce((sum, r) => sum + r.wrong, 0);
  console.log(`\n${workers} worker threads x ${calls} calls (LSTM(${WORKER_UNITS}), ${WORKER_INPUTS} input shapes) in parallel: ${(ms / 1000).toFixed(1)} s wall`);
  console.log(`  calls differing from the main thread's result: ${wrong} of ${workers * calls}; per-worker WebAssembly memory ${[...new Set(results.map((r) => mib(r.memory)))].join(', ')}`);
  if (wrong > 0) process.exitCode = 1;
}
