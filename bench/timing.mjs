// Adaptive, interleaved timing. Peers are timed in rounds (a short burst of runs of each
// peer per round) rather than one after the other, so a load change on the machine (a
// 2-core box shared with other work) hits every peer of a grid point alike and the
// ratios stay fair. Each peer gets enough runs and enough time for a stable median,
// and fewer runs when it takes seconds per run.

export function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const DEFAULT_TIMING = {
  /**
   * Warm-up after the first run: at least warmupRuns runs and warmupMs. tfjs needs the
   * most: its per-op JavaScript keeps getting faster for ~20 runs (~0.6 s) at B=1.
   */
  warmupMs: 1000,
  warmupRuns: 3,
  /**
   * A peer is done when it has minRuns samples and targetMs of timed runs, or maxRuns samples.
   * maxRuns is high enough that a sub-millisecond point still spans about ten interleaved
   * rounds: at 200 it ended after two, so one load change could swing its ratios.
   */
  minRuns: 5,
  targetMs: 750,
  maxRuns: 1000,
  /** Runs of one peer back to back within a round: about burstMs, at least one. */
  burstMs: 25,
  /**
   * A peer whose first run took longer than slowRunMs gets no warm-up beyond that first
   * run and only slowMinRuns timed runs. The cold first run is never a sample: tfjs' is
   * up to twice as slow as its later runs even at hundreds of ms.
   */
  slowRunMs: 1000,
  slowMinRuns: 3,
  /** A peer whose first run took longer than budgetMs is skipped on that cell. */
  budgetMs: 20000,
};

const errorMessage = (error) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

async function timeOnce(run, x) {
  const start = performance.now();
  const output = await run(x);
  return { ms: performance.now() - start, output };
}

/**
 * Times each `{ id, run }` on input x. Returns a Map from id to the first run's output
 * (for the agreement check, taken before any timed run) and either { skipped: reason }
 * or the median, min and max milliseconds over `runs` timed runs.
 */
export async function measureInterleaved(runners, x, options = {}) {
  const o = { ...DEFAULT_TIMING, ...options };
  const results = new Map();
  const active = [];
  for (const { id, run } of runners) {
    let first;
    try {
      first = await timeOnce(run, x);
    } catch (error) {
      results.set(id, { error: errorMessage(error) });
      continue;
    }
    if (first.ms > o.budgetMs) {
      const skipped = `one run took ${(first.ms / 1000).toFixed(1)} s, over the ${(o.budgetMs / 1000).toFixed(0)} s budget`;
      results.set(id, { output: first.output, firstMs: first.ms, skipped });
      continue;
    }
    const slow = first.ms > o.slowRunMs;
    active.push({ id, run, first, slow, samples: [], timedMs: 0, minRuns: slow ? o.slowMinRuns : o.minRuns });
  }

  // Warm-up needs no interleaving: it is not measured.
  for (const peer of active.filter((p) => !p.slow)) {
    const warmupEnd = performance.now() + o.warmupMs;
    let runs = 0;
    let last = 0;
    try {
      while (runs < o.warmupRuns || performance.now() < warmupEnd) {
        last = (await timeOnce(peer.run, x)).ms;
        runs++;
      }
    } catch (error) {
      peer.error = errorMessage(error);
    }
    peer.burst = Math.max(1, Math.round(o.burstMs / Math.max(last, 1e-3)));
  }
  for (const peer of active.filter((p) => p.slow)) peer.burst = 1;

  const done = (peer) => peer.error || peer.samples.length >= o.maxRuns || (peer.samples.length >= peer.minRuns && (peer.slow || peer.timedMs >= o.targetMs));
  while (active.some((peer) => !done(peer))) {
    for (const peer of active) {
      for (let i = 0; i < peer.burst && !done(peer); i++) {
        try {
          const { ms } = await timeOnce(peer.run, x);
          peer.samples.push(ms);
          peer.timedMs += ms;
        } catch (error) {
          peer.error = errorMessage(error);
        }
      }
    }
  }

  for (const peer of active) {
    if (peer.error) {
      results.set(peer.id, { output: peer.first.output, firstMs: peer.first.ms, error: peer.error });
      continue;
    }
    results.set(peer.id, {
      output: peer.first.output,
      firstMs: peer.first.ms,
      medianMs: median(peer.samples),
      minMs: Math.min(...peer.samples),
      maxMs: Math.max(...peer.samples),
      runs: peer.samples.length,
    });
  }
  return results;
}
