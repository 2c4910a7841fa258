// Measures every peer on one grid point: same weights, same input; checks each peer's
// output against ours before any timed run; times the peers interleaved (tfjs-cpu alone).
import { flopsPerRun } from './cells.mjs';
import { CREATE_RUNNER, OURS, SOLO_PEERS, createVariantReferenceRunner } from './peers/index.mjs';
import { measureInterleaved } from './timing.mjs';
import { createInput, createKerasWeights } from './weights.mjs';

function maxAbsDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i] - b[i]);
    if (!(diff <= max)) max = Number.isNaN(diff) ? Infinity : diff;
  }
  return max;
}

const errorMessage = (error) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/**
 * A peer's expected time on this point, extrapolated in proportion to FLOPs from its
 * largest measured H at the same cell and B (cost grows with H at fixed B, and speed
 * usually with it, so this mostly overestimates). Undefined with nothing to go on.
 */
function predictRunMs(history, id, point) {
  const smaller = history
    .filter((p) => p.cell === point.cell && p.B === point.B && p.H < point.H)
    .map((p) => ({ p, ms: p.peers[id]?.medianMs ?? p.peers[id]?.firstMs ?? p.peers[id]?.predictedMs }))
    .filter(({ ms }) => ms !== undefined)
    .sort((a, b) => b.p.H - a.p.H)[0];
  return smaller && (smaller.ms * point.flops) / smaller.p.flops;
}

/** Why a peer is not run on this point, or undefined if it is. */
function reasonToSkip(id, point, { notInQuick, history, timing }) {
  if (notInQuick.includes(id)) return { skipped: 'not run with --quick at this size' };
  if (id === OURS) return undefined;
  const predictedMs = predictRunMs(history, id, point);
  if (!(predictedMs > timing.budgetMs)) return undefined;
  return {
    skipped: `one run would take about ${(predictedMs / 1000).toFixed(0)} s (extrapolated from a smaller H), over the ${(timing.budgetMs / 1000).toFixed(0)} s budget`,
    predictedMs,
  };
}

/** Creates, times and disposes one group of peers; fills `results` (id -> result with output). */
async function measureGroup(ids, point, weights, x, timing, results) {
  const shape = { B: point.B, T: point.T, D: point.D, H: point.H };
  const runners = [];
  for (const id of ids) {
    try {
      runners.push({ id, runner: await CREATE_RUNNER[id](point.cell, weights, shape) });
    } catch (error) {
      results.set(id, { error: errorMessage(error) });
    }
  }
  try {
    const measured = await measureInterleaved(runners.map(({ id, runner }) => ({ id, run: (input) => runner.run(input) })), x, timing);
    for (const { id, runner } of runners) results.set(id, { ...measured.get(id), ...(runner.variant ? { variant: runner.variant } : {}) });
  } finally {
    for (const { runner } of runners) await runner.dispose();
    globalThis.gc?.();
  }
}

/**
 * Returns the grid point with per-peer results: { medianMs, minMs, maxMs, runs, firstMs,
 * maxAbsDiff, disagrees, variant? } or { skipped } or { error }.
 */
export async function measurePoint({ cell, B, T, D, H, notInQuick = [] }, peerIds, { timing, history, tolerance, seed, onGroupStart = () => {} }) {
  const point = { cell, B, T, D, H, flops: flopsPerRun(cell, { B, T, D, H }), peers: {} };
  const weights = createKerasWeights(cell, { D, H }, seed);
  const x = createInput({ B, T, D }, seed + 1);

  const results = new Map();
  const toRun = [];
  for (const id of peerIds) {
    const skip = reasonToSkip(id, point, { notInQuick, history, timing });
    if (skip) results.set(id, skip);
    else toRun.push(id);
  }
  const interleaved = toRun.filter((id) => !SOLO_PEERS.includes(id));
  onGroupStart(interleaved);
  await measureGroup(interleaved, point, weights, x, timing, results);
  for (const id of toRun.filter((id) => SOLO_PEERS.includes(id))) {
    onGroupStart([id]);
    await measureGroup([id], point, weights, x, timing, results);
  }

  // Agreement with our output on the same input; a variant peer against our same variant.
  const references = new Map([[undefined, results.get(OURS)?.output]]);
  for (const id of peerIds) {
    const { output, ...result } = results.get(id);
    if (id !== OURS && output) {
      if (!references.has(result.variant)) {
        const runner = await createVariantReferenceRunner(cell, weights, { B, T, D, H }, result.variant);
        references.set(result.variant, Float32Array.from(await runner.run(x)));
        await runner.dispose();
      }
      const expected = references.get(result.variant);
      if (expected) {
        result.maxAbsDiff = maxAbsDiff(output, expected);
        result.disagrees = !(result.maxAbsDiff < tolerance);
      }
    }
    point.peers[id] = result;
  }
  return point;
}
