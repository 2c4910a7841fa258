// `npm run bench -- --streaming`: the per-frame cost of a live stream (B=1, one time step per
// call, states carried) for wasm-rnn's stream.step against onnxruntime-web with state inputs
// and outputs (its usual streaming pattern), interleaved in one process on the same weights
// and frames, outputs cross-checked; and the streamed step against the per-step time of the
// same model running a T=1000 sequence in one apply (how close a step is to the arithmetic).
// Writes bench/results/streaming.json and streaming.svg.
import { Dense, GRU, LSTM, Sequential, Tensor, kernelVariant, ready } from '../dist/index.js';
import { readyOptions } from './kernels.mjs';
import { median } from './timing.mjs';
import { createInput, createKerasWeights } from './weights.mjs';
import { buildOnnxStreamingModel } from './onnx-model.mjs';

const POINTS = [
  ...['LSTM', 'GRU'].flatMap((cell) => [64, 128, 256].map((H) => ({ label: `${cell} D=64 H=${H}`, cell, D: 64, H, head: false }))),
  { label: 'Silero-like LSTM(64) -> Dense(1, sigmoid), D=258', cell: 'LSTM', D: 258, H: 64, head: true },
];
const FRAMES = 512;
const CHECK_FRAMES = 100;
const APPLY_T = 1000;
/** Max abs difference beyond which onnxruntime-web's output is reported as disagreeing. */
const TOLERANCE = 1e-4;

/** Runs the async `step` `steps` times, awaiting each; returns per-step µs. */
async function timeBurst(step, steps) {
  const start = performance.now();
  for (let i = 0; i < steps; i++) await step(i);
  return ((performance.now() - start) * 1000) / steps;
}

/**
 * The same for a synchronous `step`, called as an AudioWorklet calls it: an `await` per call
 * would add a microtask turn and a promise allocation to every frame that stream.step never makes.
 */
function timeBurstSync(step, steps) {
  const start = performance.now();
  for (let i = 0; i < steps; i++) step(i);
  return ((performance.now() - start) * 1000) / steps;
}

function stepsForMs(usPerStep, ms) {
  return Math.max(1, Math.round((ms * 1000) / usPerStep));
}

async function oursRunner(point, weights, headWeights) {
  const { cell, D, H } = point;
  const Layer = cell === 'LSTM' ? LSTM : GRU;
  const recurrent = new Layer({ units: H, inputShape: [null, D] });
  recurrent.build([1, 1, D]);
  recurrent.setWeights(weights.map((w) => new Tensor(w.data, w.shape)));
  let model = null;
  if (point.head) {
    const head = new Dense({ units: 1, activation: 'sigmoid' });
    model = new Sequential({ layers: [recurrent, head] });
    head.setWeights(headWeights.map((w) => new Tensor(w.data, w.shape)));
  }
  const stream = (model ?? recurrent).stream({ batchSize: 1 });
  return {
    stream,
    apply: (x) => (model ? model.predict(x) : recurrent.apply(x)),
    dispose() {
      stream.dispose();
      (model ?? recurrent).dispose();
    },
  };
}

async function ortRunner(ort, point, weights, headWeights) {
  const { cell, D, H } = point;
  const dense = point.head ? { kernel: headWeights[0], bias: headWeights[1], activation: 'sigmoid' } : null;
  const session = await ort.InferenceSession.create(buildOnnxStreamingModel(cell, weights, { B: 1, D, H }, dense), {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  const frame = new Float32Array(D);
  const x = new ort.Tensor('float32', frame, [1, 1, D]);
  const zeros = () => new ort.Tensor('float32', new Float32Array(H), [1, 1, H]);
  let h = zeros();
  let c = zeros();
  return {
    reset() {
      h = zeros();
      c = zeros();
    },
    async step(values) {
      frame.set(values);
      const feeds = cell === 'LSTM' ? { X: x, H_in: h, C_in: c } : { X: x, H_in: h };
      const out = await session.run(feeds);
      h = out.H_out;
      if (cell === 'LSTM') c = out.C_out;
      return (out.OUT ?? out.H_out).data;
    },
    dispose: () => session.release(),
  };
}

async function measurePoint(ort, point, seed, { rounds, burstMs }) {
  const { D, H } = point;
  const weights = createKerasWeights(point.cell, { D, H }, seed);
  const headWeights = [
    { shape: [H, 1], data: createInput({ B: 1, T: H, D: 1 }, seed + 3).map((v) => v * 0.3) },
    { shape: [1], data: new Float32Array([0.05]) },
  ];
  const frames = createInput({ B: 1, T: FRAMES, D }, seed + 1);
  // Views made once: a subarray per call would allocate in the timed loop.
  const frameViews = Array.from({ length: FRAMES }, (_, i) => frames.subarray(i * D, (i + 1) * D));
  const frameAt = (i) => frameViews[i % FRAMES];
  const ours = await oursRunner(point, weights, headWeights);
  const peer = await ortRunner(ort, point, weights, headWeights);

  // Agreement: the same CHECK_FRAMES frames through both from zero states, every output compared.
  let maxAbsDiff = 0;
  for (let i = 0; i < CHECK_FRAMES; i++) {
    const mine = ours.stream.step(frameAt(i));
    const theirs = await peer.step(frameAt(i));
    for (let j = 0; j < mine.length; j++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(mine[j] - theirs[j]));
  }

  const oursStep = (i) => ours.stream.step(frameAt(i));
  const peerStep = (i) => peer.step(frameAt(i));
  const x = new Tensor(createInput({ B: 1, T: APPLY_T, D }, seed + 2), [1, APPLY_T, D]);
  const applyStep = () => ours.apply(x);
  // Warm-up, and burst sizes of about burstMs each.
  const oursWarm = timeBurstSync(oursStep, 2000);
  const peerWarm = await timeBurst(peerStep, 200);
  ours.apply(x);
  timeBurstSync(applyStep, 3);
  const samples = { ours: [], ortWeb: [], apply: [], oursThousand: [] };
  for (let round = 0; round < rounds; round++) {
    samples.ours.push(timeBurstSync(oursStep, stepsForMs(oursWarm, burstMs)));
    samples.ortWeb.push(await timeBurst(peerStep, stepsForMs(peerWarm, burstMs)));
    // The same work both ways, back to back: APPLY_T streamed frames, and one APPLY_T-step apply.
    if (round % 4 === 0) {
      samples.oursThousand.push(timeBurstSync(oursStep, APPLY_T));
      samples.apply.push(timeBurstSync(applyStep, 1) / APPLY_T);
    }
  }
  ours.dispose();
  await peer.dispose();
  const oursUs = median(samples.ours);
  const ortWebUs = median(samples.ortWeb);
  const applyStepUs = median(samples.apply);
  const streamedThousandUs = median(samples.oursThousand);
  // Ratios per round, of bursts run back to back: a load change on the shared machine between
  // rounds moves both sides of a ratio alike.
  const perRound = (a, b) => median(a.map((v, r) => v / b[r]));
  return {
    label: point.label, cell: point.cell, D, H, head: point.head, B: 1,
    oursUs, ortWebUs, streamedThousandUs, applyStepUs,
    // The fastest burst of each: what the step costs when the shared machine leaves the core alone.
    minUs: { ours: Math.min(...samples.ours), ortWeb: Math.min(...samples.ortWeb), applyStep: Math.min(...samples.apply), oursThousand: Math.min(...samples.oursThousand) },
    ratioVsOrtWeb: perRound(samples.ortWeb, samples.ours),
    streamOverApplyStep: perRound(samples.oursThousand, samples.apply),
    maxAbsDiff, disagrees: !(maxAbsDiff <= TOLERANCE),
    rounds,
  };
}

export async function runStreamingBench({ quick = false, log = () => {} } = {}) {
  await ready(readyOptions());
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  const timing = quick ? { rounds: 9, burstMs: 5 } : { rounds: 121, burstMs: 5 };
  const points = [];
  for (const [index, point] of POINTS.entries()) {
    log(`[${index + 1}/${POINTS.length}] ${point.label}: timing stream.step, onnxruntime-web and a T=${APPLY_T} apply (interleaved)...`);
    const result = await measurePoint(ort, point, 3000 + 10 * index, timing);
    log(`    ours ${result.oursUs.toFixed(2)} µs  ort-web ${result.ortWebUs.toFixed(2)} µs  (${result.ratioVsOrtWeb.toFixed(1)}x)  ` +
      `apply step ${result.applyStepUs.toFixed(2)} µs (stream ${result.streamOverApplyStep.toFixed(2)}x)  max|diff| ${result.maxAbsDiff.toExponential(1)}`);
    points.push(result);
  }
  return { kernelVariant: kernelVariant(), onnxruntimeWeb: ort.env.versions?.web ?? null, frames: FRAMES, checkFrames: CHECK_FRAMES, applyT: APPLY_T, tolerance: TOLERANCE, timing, points };
}

export function formatStreamingReport(results) {
  const us = (v) => `${v.toFixed(1)} µs`;
  const rows = results.points.map((p) => `| ${p.label} | ${us(p.oursUs)} (${us(p.minUs.ours)}) | ${us(p.ortWebUs)} (${us(p.minUs.ortWeb)}) | ` +
    `${p.ratioVsOrtWeb.toFixed(1)}x (${(p.minUs.ortWeb / p.minUs.ours).toFixed(1)}x) | ${us(p.streamedThousandUs)} (${us(p.minUs.oursThousand)}) | ${us(p.applyStepUs)} (${us(p.minUs.applyStep)}) | ` +
    `${p.streamOverApplyStep.toFixed(2)}x (${(p.minUs.oursThousand / p.minUs.applyStep).toFixed(2)}x) | ${p.maxAbsDiff.toExponential(1)} |`);
  return [
    `Streaming (B=1, one frame per call, states carried; wasm-rnn ${results.kernelVariant} build, onnxruntime-web ${results.onnxruntimeWeb ?? ''} one thread):`,
    `times: median of ${results.timing.rounds} interleaved bursts (fastest burst in parentheses); ratios: median over rounds of back-to-back bursts (ratio of the fastest bursts in parentheses)`,
    '',
    '| step | wasm-rnn stream.step | onnxruntime-web | ratio | 1000 frames streamed, per frame | T=1000 apply, per step | stream / apply | max abs diff |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}
