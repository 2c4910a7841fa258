// Streaming A/B: two builds of the whole library (two `dist` folders, each with its own
// .wasm) in one process, stream.step timed burst by burst, interleaved, on the streaming
// bench's points; checks that both builds step to bit-identical outputs.
//
//   cp -r dist /tmp/a     # before a change (after npm run build)
//   cp -r dist /tmp/b     # after it
//   node bench/stream-ab.mjs /tmp/a /tmp/b [simd|relaxed-simd]
//   AB_CELLS=1 node bench/stream-ab.mjs ...   # also the reset_before GRU and SimpleRNN
//   AB_ONLY='H=256' AB_FRAMES=10 AB_BURSTS=2001 node bench/stream-ab.mjs ...   # points whose label
//     contains AB_ONLY, in shorter bursts (more of them escape the other processes on a busy host)
//
// Reports the 10th percentile of ~50-frame bursts (what a step costs when the shared host
// leaves the core alone) and the median.
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { createInput, createKerasWeights, resetBeforeGruWeights } from './weights.mjs';

const [dirA, dirB, kernels = 'simd'] = process.argv.slice(2);
if (!dirA || !dirB) {
  console.error('usage: node bench/stream-ab.mjs <distA> <distB> [simd|relaxed-simd]');
  process.exit(2);
}
if (kernels !== 'simd') setFlagsFromString('--experimental-wasm-relaxed-simd');
const BURSTS = Number(process.env.AB_BURSTS ?? 401);
const FRAMES_PER_BURST = Number(process.env.AB_FRAMES ?? 50);
const POINTS = [
  ...['LSTM', 'GRU'].flatMap((cell) => [64, 128, 256].map((H) => ({ label: `${cell} D=64 H=${H}`, cell, D: 64, H, head: false }))),
  { label: 'Silero-like D=258', cell: 'LSTM', D: 258, H: 64, head: true },
  ...(process.env.AB_CELLS ? ['GRU-RB', 'SimpleRNN'].flatMap((cell) => [64, 128, 256].map((H) => ({ label: `${cell} D=64 H=${H}`, cell, D: 64, H, head: false }))) : []),
].filter((point) => point.label.includes(process.env.AB_ONLY ?? ''));

const libraries = [];
for (const dir of [dirA, dirB]) {
  const library = await import(pathToFileURL(`${dir}/node/index.js`).href);
  await library.ready({ kernels });
  libraries.push(library);
}

function openStream(L, point, weights) {
  const options = { units: point.H, inputShape: [null, point.D] };
  const recurrent = point.cell === 'LSTM' ? new L.LSTM(options)
    : point.cell === 'SimpleRNN' ? new L.SimpleRNN(options)
      : new L.GRU({ ...options, resetAfter: point.cell === 'GRU' });
  recurrent.build([1, 1, point.D]);
  recurrent.setWeights(weights.map((w) => new L.Tensor(w.data, w.shape)));
  let model = recurrent;
  if (point.head) {
    const head = new L.Dense({ units: 1, activation: 'sigmoid' });
    model = new L.Sequential({ layers: [recurrent, head] });
    head.setWeights([new L.Tensor(createInput({ B: 1, T: point.H, D: 1 }, 7), [point.H, 1]), new L.Tensor(new Float32Array([0.05]), [1])]);
  }
  return { stream: model.stream({ batchSize: 1 }), model };
}

const at = (list, q) => [...list].sort((x, y) => x - y)[Math.floor(q * (list.length - 1))];
for (const [index, point] of POINTS.entries()) {
  const keras = createKerasWeights(point.cell === 'GRU-RB' ? 'GRU' : point.cell, point, 3000 + 10 * index);
  const weights = point.cell === 'GRU-RB' ? resetBeforeGruWeights(keras) : keras;
  const frames = Array.from({ length: FRAMES_PER_BURST }, (_, t) => createInput({ B: 1, T: 1, D: point.D }, 100 + t));
  const runs = libraries.map((L) => openStream(L, point, weights));
  const outputs = runs.map(({ stream }) => {
    let out = null;
    for (const frame of frames) out = stream.step(frame).slice();
    return out;
  });
  const same = outputs[0].every((v, i) => Object.is(v, outputs[1][i]));
  const times = runs.map(() => []);
  for (let b = 0; b < BURSTS; b++) {
    runs.forEach(({ stream }, i) => {
      const start = performance.now();
      for (const frame of frames) stream.step(frame);
      times[i].push(((performance.now() - start) * 1000) / FRAMES_PER_BURST);
    });
  }
  const [p10A, p10B] = times.map((t) => at(t, 0.1));
  const [medA, medB] = times.map((t) => at(t, 0.5));
  console.log(`${point.label.padEnd(18)} A ${p10A.toFixed(2)} µs (median ${medA.toFixed(2)})  B ${p10B.toFixed(2)} µs (median ${medB.toFixed(2)})  ` +
    `B/A ${(p10B / p10A).toFixed(3)} (median ${(medB / medA).toFixed(3)})  ${same ? 'bit-identical' : 'OUTPUTS DIFFER'}`);
  runs.forEach(({ stream, model }) => {
    stream.dispose();
    model.dispose();
  });
}
