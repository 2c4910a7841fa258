// `npm run bench -- --training`: one train step (trainOnBatch with mse and Adam) of a
// SimpleRNN, LSTM or GRU layer, B in {1, 32}, H in {64, 256}, T=100, D=64, for wasm-rnn,
// tfjs-layers on its wasm and cpu backends and PyTorch CPU (one thread, its own process),
// all on the same weights and data. Each peer's first two losses are checked against ours
// before anything is timed; wasm-rnn, tfjs-wasm and PyTorch are timed interleaved in rounds
// (tfjs-cpu on its own: tfjs has one active backend), medians and ratios per point.
// wasm-rnn's forward pass on the same model is timed with them, for the train step's
// GFLOP/s against the forward pass's. Writes bench/results/training.json and .svg.
import { flopsPerRun } from '../cells.mjs';
import { geometricMeans, pointRatios } from '../report.mjs';
import { median, DEFAULT_TIMING } from '../timing.mjs';
import { createInput, createKerasWeights, resetBeforeGruWeights } from '../weights.mjs';
import { createOursTrainer, createTfjsTrainer } from './js-peers.mjs';
import { TorchPeer } from './torch-peer.mjs';

export const OURS = 'wasm-rnn';
const FORWARD = 'wasm-rnn-forward';
export const TRAINING_PEER_IDS = [OURS, 'tfjs-cpu', 'tfjs-wasm', 'torch'];
export const TRAINING_PEER_LABELS = {
  [OURS]: 'wasm-rnn trainOnBatch (this package)',
  'tfjs-cpu': 'tfjs-layers cpu backend',
  'tfjs-wasm': 'tfjs-layers wasm backend (SIMD, 1 thread)',
  torch: 'PyTorch CPU (1 thread, own process)',
};
const T = 100;
const D = 64;
const CELLS = ['SimpleRNN', 'LSTM', 'GRU'];
const FULL_GRID = CELLS.flatMap((cell) => [1, 32].flatMap((B) => [64, 256].map((H) => ({ cell, B, H }))));
const QUICK_GRID = [{ cell: 'LSTM', B: 1, H: 64 }, { cell: 'LSTM', B: 32, H: 64 }];
/** Relative difference of a peer's losses from ours beyond which it is reported as disagreeing. */
export const LOSS_TOLERANCE = 1e-4;
/** A train step's FLOPs: the forward products, then two products of the same size each in backward (dX, dh and dW, dU). */
export const trainFlops = (cell, shape) => 3 * flopsPerRun(cell, shape);

/**
 * Keras' Adam adds epsilon to sqrt(v) before the bias correction, tfjs and torch after it: their
 * first step equals Keras' with epsilon / sqrt(1 - beta2). The peers get that epsilon, so the loss
 * after one step checks their gradients against ours; a step's cost does not depend on it.
 */
const PEER_EPSILON = 1e-7 / Math.sqrt(1 - 0.999);

const errorMessage = (error) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

function uniform(size, seed) {
  let state = seed >>> 0;
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state / 2 ** 32 - 0.5;
  }
  return data;
}

const relativeDiff = (a, b) => Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.max(1e-6, Math.abs(b[i]))));

/**
 * A peer that runs `n` steps and returns their ms: in process, timed here. The returned array also
 * carries each step's CPU time (`cpuMs`: this process's user + system time over the step): on a
 * loaded host, a step longer than the scheduler's time slice waits for other processes inside its
 * wall time, so a long train step's wall median is inflated more than a short forward pass's.
 */
function localPeer(id, step) {
  return {
    id,
    async run(n) {
      const ms = [];
      ms.cpuMs = [];
      for (let i = 0; i < n; i++) {
        const cpu = process.cpuUsage();
        const start = performance.now();
        await step();
        ms.push(performance.now() - start);
        const used = process.cpuUsage(cpu);
        ms.cpuMs.push((used.user + used.system) / 1000);
      }
      return ms;
    },
  };
}

/**
 * Interleaved rounds: each peer's warm-up, then bursts of about burstMs per peer per round
 * until every peer has minRuns samples and targetMs timed (slow peers: slowMinRuns).
 */
async function timeInterleaved(peers, timing) {
  const state = [];
  for (const peer of peers) {
    try {
      const [first] = await peer.run(1);
      const slow = first > timing.slowRunMs;
      if (first > timing.budgetMs) {
        state.push({ peer, skipped: `one step took ${(first / 1000).toFixed(1)} s, over the ${timing.budgetMs / 1000} s budget` });
        continue;
      }
      let last = first;
      if (!slow) {
        const end = performance.now() + timing.warmupMs;
        for (let runs = 0; runs < timing.warmupRuns || performance.now() < end; runs++) [last] = await peer.run(1);
      }
      state.push({ peer, slow, samples: [], cpuSamples: [], timed: 0, burst: slow ? 1 : Math.max(1, Math.round(timing.burstMs / last)), minRuns: slow ? timing.slowMinRuns : timing.minRuns });
    } catch (error) {
      state.push({ peer, error: errorMessage(error) });
    }
  }
  const active = state.filter((s) => s.samples);
  const done = (s) => s.error || s.samples.length >= timing.maxRuns || (s.samples.length >= s.minRuns && (s.slow || s.timed >= timing.targetMs));
  while (active.some((s) => !done(s))) {
    for (const s of active) {
      if (done(s)) continue;
      try {
        const ms = await s.peer.run(Math.min(s.burst, timing.maxRuns - s.samples.length));
        s.samples.push(...ms);
        if (ms.cpuMs) s.cpuSamples.push(...ms.cpuMs);
        s.timed += ms.reduce((a, b) => a + b, 0);
      } catch (error) {
        s.error = errorMessage(error);
      }
    }
  }
  return new Map(state.map((s) => [s.peer.id, s.error ? { error: s.error } : s.skipped ? { skipped: s.skipped } : {
    medianMs: median(s.samples), minMs: Math.min(...s.samples), maxMs: Math.max(...s.samples), runs: s.samples.length,
    ...(s.cpuSamples.length ? { cpuMedianMs: median(s.cpuSamples) } : {}),
  }]));
}

/** A tfjs-cpu step at this point would take longer than the budget, extrapolated by FLOPs from a smaller H. */
function predictedOverBudget(history, id, point, timing) {
  const smaller = history.filter((p) => p.cell === point.cell && p.B === point.B && p.H < point.H && p.peers[id]?.medianMs);
  if (!smaller.length) return null;
  const base = smaller[smaller.length - 1];
  const ms = (base.peers[id].medianMs * point.flops) / base.flops;
  return ms > timing.budgetMs ? `one step would take about ${(ms / 1000).toFixed(0)} s (extrapolated from H=${base.H}), over the ${timing.budgetMs / 1000} s budget` : null;
}

async function measureTrainingPoint({ cell, B, H }, seed, torch, timing, history, log) {
  const shape = { B, T, D, H };
  const point = { cell, B, T, D, H, flops: trainFlops(cell, shape), forwardFlops: flopsPerRun(cell, shape), peers: {} };
  const weights = createKerasWeights(cell, { D, H }, seed);
  const xData = createInput({ B, T, D }, seed + 1);
  const yData = uniform(B * H, seed + 2);
  const checks = {};

  const ours = await createOursTrainer(cell, weights, shape);
  const [x, y] = ours.tensors(xData, yData);
  checks[OURS] = [ours.trainStep(x, y), ours.trainStep(x, y)];
  let reference = null;
  const referenceLosses = async (variant) => {
    if (!variant) return checks[OURS];
    if (!reference) {
      const own = await createOursTrainer(cell, resetBeforeGruWeights(weights), shape, { resetAfter: false });
      const [rx, ry] = own.tensors(xData, yData);
      reference = [own.trainStep(rx, ry), own.trainStep(rx, ry)];
      own.dispose();
    }
    return reference;
  };

  const peers = [localPeer(OURS, () => ours.trainStep(x, y)), localPeer(FORWARD, () => ours.forward(x))];
  const variants = {};
  let tfjsWasm = null;
  try {
    tfjsWasm = await createTfjsTrainer(cell, weights, shape, 'wasm', PEER_EPSILON);
    const [tx, ty] = tfjsWasm.tensors(xData, yData);
    checks['tfjs-wasm'] = [await tfjsWasm.trainStep(tx, ty), await tfjsWasm.trainStep(tx, ty)];
    variants['tfjs-wasm'] = tfjsWasm.variant;
    peers.push(localPeer('tfjs-wasm', () => tfjsWasm.trainStep(tx, ty)));
  } catch (error) {
    point.peers['tfjs-wasm'] = { error: errorMessage(error) };
  }
  try {
    checks.torch = await torch.setup(cell, weights, xData, yData, shape, PEER_EPSILON);
    peers.push({ id: 'torch', run: (n) => torch.time(n) });
  } catch (error) {
    point.peers.torch = { error: errorMessage(error) };
  }
  log(`  ${cell} B=${B} H=${H}: timing ${peers.map((p) => p.id).join(', ')} (interleaved)`);
  const timed = await timeInterleaved(peers, timing);
  tfjsWasm?.dispose();

  const cpuSkip = predictedOverBudget(history, 'tfjs-cpu', point, timing);
  if (cpuSkip) point.peers['tfjs-cpu'] = { skipped: cpuSkip };
  else {
    try {
      const tfjsCpu = await createTfjsTrainer(cell, weights, shape, 'cpu', PEER_EPSILON);
      const [cx, cy] = tfjsCpu.tensors(xData, yData);
      checks['tfjs-cpu'] = [await tfjsCpu.trainStep(cx, cy), await tfjsCpu.trainStep(cx, cy)];
      variants['tfjs-cpu'] = tfjsCpu.variant;
      log(`  ${cell} B=${B} H=${H}: timing tfjs-cpu (alone)`);
      for (const [id, r] of await timeInterleaved([localPeer('tfjs-cpu', () => tfjsCpu.trainStep(cx, cy))], timing)) timed.set(id, r);
      tfjsCpu.dispose();
    } catch (error) {
      point.peers['tfjs-cpu'] = { error: errorMessage(error) };
    }
  }
  ours.dispose();
  globalThis.gc?.();

  for (const id of TRAINING_PEER_IDS) {
    if (point.peers[id]) continue;
    const result = { ...timed.get(id) };
    if (checks[id]) {
      result.losses = checks[id];
      if (id !== OURS) {
        if (variants[id]) result.variant = variants[id];
        result.lossRelDiff = relativeDiff(checks[id], await referenceLosses(variants[id]));
        result.disagrees = !(result.lossRelDiff <= LOSS_TOLERANCE);
      }
    }
    point.peers[id] = result;
  }
  const forward = timed.get(FORWARD);
  point.forwardMs = forward?.medianMs ?? null;
  const oursMs = point.peers[OURS].medianMs;
  point.oursGflops = oursMs ? point.flops / (oursMs * 1e6) : null;
  point.forwardGflops = point.forwardMs ? point.forwardFlops / (point.forwardMs * 1e6) : null;
  point.trainOverForwardGflops = point.oursGflops && point.forwardGflops ? point.oursGflops / point.forwardGflops : null;
  // The same ratio from CPU time, which leaves out the time other processes ran (see localPeer).
  const oursCpuMs = point.peers[OURS].cpuMedianMs;
  point.forwardCpuMs = forward?.cpuMedianMs ?? null;
  point.trainOverForwardCpuGflops = oursCpuMs && point.forwardCpuMs ? (point.flops / oursCpuMs) / (point.forwardFlops / point.forwardCpuMs) : null;
  point.ratios = pointRatios(point);
  return point;
}

export async function runTrainingBench({ quick = false, cells, batches, units, log }) {
  const grid = (quick ? QUICK_GRID : FULL_GRID).filter((p) => (!cells || cells.includes(p.cell)) && (!batches || batches.includes(p.B)) && (!units || units.includes(p.H)));
  // tfjs takes tens of seconds per step at B=32 H=256: a generous budget, and two timed steps for such peers.
  const timing = { ...DEFAULT_TIMING, warmupMs: quick ? 200 : 500, targetMs: quick ? 300 : 750, budgetMs: 90_000, slowMinRuns: 2 };
  const torch = new TorchPeer();
  const points = [];
  let torchInfo;
  try {
    torchInfo = await torch.info().catch((error) => ({ error: errorMessage(error) }));
    for (const [index, p] of grid.entries()) {
      log(`[${index + 1}/${grid.length}] ${p.cell} B=${p.B} H=${p.H}`);
      const seed = 5000 + 10 * FULL_GRID.findIndex((g) => g.cell === p.cell && g.B === p.B && g.H === p.H);
      const point = await measureTrainingPoint(p, seed, torch, timing, points, log);
      for (const id of TRAINING_PEER_IDS) {
        const r = point.peers[id];
        const check = r.lossRelDiff === undefined ? '' : `  losses rel diff ${r.lossRelDiff.toExponential(1)}${r.variant ? ` (vs our ${r.variant} GRU)` : ''}`;
        log(`    ${id.padEnd(9)} ${r.medianMs ? `${r.medianMs.toFixed(2).padStart(9)} ms median of ${r.runs}` : r.skipped ? `skipped: ${r.skipped}` : `error: ${r.error}`}${check}`);
      }
      points.push(point);
    }
  } finally {
    await torch.close();
  }
  const warnings = points.flatMap((p) => Object.entries(p.peers).flatMap(([id, r]) => [
    ...(r.disagrees ? [`WARNING ${p.cell} B=${p.B} H=${p.H} ${id}: losses differ from ours by ${r.lossRelDiff.toExponential(2)} (relative, tolerance ${LOSS_TOLERANCE})`] : []),
    ...(r.error ? [`${p.cell} B=${p.B} H=${p.H} ${id}: error: ${r.error}`] : []),
  ]));
  return {
    quick, torch: torchInfo, timing, lossTolerance: LOSS_TOLERANCE, grid: { T, D, points: points.length },
    peerIds: TRAINING_PEER_IDS, peerLabels: TRAINING_PEER_LABELS, points, geomeans: geometricMeans(points, TRAINING_PEER_IDS), warnings,
  };
}

const formatMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const formatRatio = (r) => (r ? `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}x` : '-');

/** The printed table (also the README's): ms per train step, ratios, GFLOP/s. */
export function formatTrainingReport(results) {
  const others = TRAINING_PEER_IDS.filter((id) => id !== OURS);
  const cell = (r) => (!r ? '-' : r.error ? 'error' : r.skipped ? 'skipped' : `${formatMs(r.medianMs)}${r.variant ? '*' : ''}${r.disagrees ? '!' : ''}`);
  const header = ['cell', 'B', 'H', ...TRAINING_PEER_IDS.map((id) => `${id} ms`), ...others.map((id) => `${id}/ours`), 'train GFLOP/s', 'forward GFLOP/s', 'train/forward', 'train/forward (CPU time)'];
  const rows = results.points.map((p) => [
    p.cell, String(p.B), String(p.H), ...TRAINING_PEER_IDS.map((id) => cell(p.peers[id])), ...others.map((id) => formatRatio(p.ratios[id])),
    p.oursGflops?.toFixed(2) ?? '-', p.forwardGflops?.toFixed(2) ?? '-', p.trainOverForwardGflops ? `${(100 * p.trainOverForwardGflops).toFixed(0)}%` : '-',
    p.trainOverForwardCpuGflops ? `${(100 * p.trainOverForwardCpuGflops).toFixed(0)}%` : '-',
  ]);
  const m = results.machine;
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i < 3 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `Geometric means (peer ms / ours): ${others.map((id) => `${id} ${formatRatio(results.geomeans[id].all)} over ${results.geomeans[id].cells} points`).join('; ')}.`,
    `${m.cpuModel}, ${m.cores} cores, Node ${m.node}, ${results.torch?.torch ? `torch ${results.torch.torch} (${results.torch.threads} thread)` : 'no torch'}; wasm-rnn kernels ${results.build?.kernelVariant}; load average ${m.loadAverageAtStart[0]} at start, ${m.loadAverageAtEnd?.[0] ?? '?'} at end; ${results.durationSeconds ?? '?'} s.`,
    `T=${results.grid.T}, D=${results.grid.D}; one train step = trainOnBatch (mse, Adam); train FLOPs = 3 x the forward products 2*T*B*G*H*(D+H).`,
    'train/forward: the two GFLOP/s from wall-clock medians; (CPU time): from medians of this process\'s CPU time per run, which leave out the time the scheduler gave other processes.',
  ];
  if (results.points.some((p) => Object.values(p.peers).some((r) => r.variant))) lines.push('* tfjs-layers has no reset_after GRU: it trained the reset_before GRU, checked against our reset_before GRU.');
  if (results.warnings.length) lines.push('', ...results.warnings);
  return lines.join('\n');
}
