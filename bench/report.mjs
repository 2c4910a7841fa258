// Turns measured grid points into the printed table, the geometric-mean summary and
// the results JSON. Ratios are peer ms / wasm-rnn ms: above 1 means wasm-rnn is faster.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OURS } from './peers/ids.mjs';

/** Peer time over ours for every peer that has a median on this point. */
export function pointRatios(point) {
  const ours = point.peers[OURS]?.medianMs;
  const ratios = {};
  if (!ours) return ratios;
  for (const [peer, result] of Object.entries(point.peers)) {
    if (peer !== OURS && result.medianMs) ratios[peer] = result.medianMs / ours;
  }
  return ratios;
}

function geometricMean(values) {
  if (values.length === 0) return null;
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

/** Per peer: geometric mean of the ratios over all points, over B=1 and over B=32 (with counts). */
export function geometricMeans(points, peerIds) {
  const batches = [...new Set(points.map((p) => p.B))].sort((a, b) => a - b);
  const summary = {};
  for (const peer of peerIds.filter((id) => id !== OURS)) {
    const ratiosWhere = (keep) => points.filter(keep).map((p) => p.ratios[peer]).filter((r) => r !== undefined);
    const all = ratiosWhere(() => true);
    summary[peer] = { all: geometricMean(all), cells: all.length, byBatch: {} };
    for (const B of batches) {
      const some = ratiosWhere((p) => p.B === B);
      summary[peer].byBatch[B] = { ratio: geometricMean(some), cells: some.length };
    }
  }
  return summary;
}

const formatMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const formatRatio = (r) => (r === null || r === undefined ? '-' : `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}x`);

/** The text of one peer's time cell: ms, or why there is none; '*' variant, '!' disagreement. */
function timeCell(result) {
  if (!result) return '-';
  if (result.error) return 'error';
  if (result.skipped) return 'skipped';
  return `${formatMs(result.medianMs)}${result.variant ? '*' : ''}${result.disagrees ? '!' : ''}`;
}

function renderTable(header, rows, rightAlignedFrom) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i >= rightAlignedFrom ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The full printed report: the per-point table, footnotes and the geometric means. */
export function formatReport(results) {
  const { points, peerIds, geomeans } = results;
  const others = peerIds.filter((id) => id !== OURS);
  const header = ['cell', 'B', 'H', ...peerIds.map((id) => `${id} ms`), 'ours GFLOP/s', ...others.map((id) => `${id}/ours`)];
  const rows = points.map((p) => [
    p.cell, String(p.B), String(p.H),
    ...peerIds.map((id) => timeCell(p.peers[id])),
    p.oursGflops ? p.oursGflops.toFixed(2) : '-',
    ...others.map((id) => `${formatRatio(p.ratios[id])}${p.ratios[id] && p.peers[id].variant ? '*' : ''}`),
  ]);
  const m = results.machine;
  const lines = [
    `${m.cpuModel}, ${m.cores} cores, Node ${m.node}; wasm-rnn kernels: ${results.build?.kernelVariant ?? '?'}; load average ${m.loadAverageAtStart[0]} at start, ${m.loadAverageAtEnd?.[0] ?? '?'} at end; ${results.durationSeconds ?? '?'} s.`,
    `T=${results.grid.T}, D=${results.grid.D}; ms = median per forward pass (upload, run, download); GFLOP/s = 2·T·B·G·H·(D+H) / our time.`,
    renderTable(header, rows, 1),
  ];
  if (points.some((p) => Object.values(p.peers).some((r) => r.variant))) {
    lines.push('* tfjs-layers has no reset_after GRU: it ran the reset_before GRU (same FLOPs, different function) and was checked against our reset_before GRU; its ratio compares that to our reset_after GRU.');
  }
  if (points.some((p) => Object.values(p.peers).some((r) => r.disagrees))) {
    lines.push(`! output differs from ours by more than ${results.tolerance} (max abs) on the same input: see the warnings.`);
  }

  const batches = Object.keys(Object.values(geomeans)[0]?.byBatch ?? {});
  const summaryHeader = ['peer / wasm-rnn (geometric mean)', 'all cells', ...batches.map((B) => `B=${B}`)];
  const summaryRows = others.map((id) => [
    id + (points.some((p) => p.peers[id]?.variant) ? ' (GRU cells: *)' : ''),
    `${formatRatio(geomeans[id].all)} (${geomeans[id].cells})`,
    ...batches.map((B) => `${formatRatio(geomeans[id].byBatch[B].ratio)} (${geomeans[id].byBatch[B].cells})`),
  ]);
  lines.push('', 'Geometric means of peer time / our time (>1: wasm-rnn is faster; number of cells in parentheses):', renderTable(summaryHeader, summaryRows, 1));
  const headline = [];
  if (geomeans['ort-web']) headline.push(`vs onnxruntime-web: ${formatRatio(geomeans['ort-web'].all)}`);
  if (geomeans['tfjs-wasm']) headline.push(`vs tfjs-wasm: ${formatRatio(geomeans['tfjs-wasm'].all)}`);
  if (geomeans['ort-node']?.byBatch[1]) headline.push(`vs onnxruntime-node at B=1: ${formatRatio(geomeans['ort-node'].byBatch[1].ratio)}`);
  if (headline.length) lines.push(`Headline: ${headline.join('; ')}`);

  if (results.streamingStep) {
    const s = results.streamingStep;
    lines.push('', `Streaming step (LSTM B=1 T=1 D=${s.D} H=${s.H}, apply with initialState/returnState): ${s.medianUs.toFixed(1)} µs median (min ${s.minUs.toFixed(1)} µs)`);
  }
  const memory = results.longSequenceMemory;
  if (memory?.error) lines.push(`Long-sequence memory run failed: ${memory.error}`);
  else if (memory) {
    const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
    lines.push(`Long sequence (LSTM B=1 T=${memory.T} D=${memory.D} H=${memory.H}, returnSequences false): peak WebAssembly memory ${mib(memory.peakMemoryBytes)} ` +
      `(input alone ${mib(memory.inputBytes)}; ${mib(memory.memoryBytesAfterWeights)} after setWeights), ${(memory.ms / 1000).toFixed(2)} s`);
  }
  if (results.warnings.length) lines.push('', 'Warnings:', ...results.warnings.map((w) => `  ${w}`));
  return lines.join('\n');
}

/** Writes `<name>.json` into directory; returns its path. */
export function writeResultsJson(directory, name, results) {
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}
