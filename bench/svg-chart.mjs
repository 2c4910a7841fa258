// Draws the results as a standalone SVG bar chart: one group per grid point, one bar
// per peer, ms on a log scale (the peers span three orders of magnitude).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PEER_LABELS } from './peers/ids.mjs';

const COLORS = {
  'wasm-rnn': '#d1495b',
  torch: '#6a4c93',
  'tfjs-cpu': '#a0a0a0',
  'tfjs-wasm': '#edae49',
  'ort-web': '#00798c',
  'ort-node': '#30638e',
};

const BAR_WIDTH = 11;
const GROUP_GAP = 32;
const PLOT_HEIGHT = 380;
const MARGIN = { left: 72, right: 24, top: 96, bottom: 48 };
const MIN_WIDTH = 1000;
const FOOTNOTE_LINE = 15;
const LEGEND_ROW = 18;
/** Rough width of one character at 12px, to lay out the legend without measuring text. */
const CHAR_WIDTH = 6.6;

const escapeXml = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const round = (v) => Math.round(v * 10) / 10;

function decadeTicks(minMs, maxMs) {
  const ticks = [];
  for (let e = Math.floor(Math.log10(minMs)); e <= Math.ceil(Math.log10(maxMs)); e++) ticks.push(10 ** e);
  return ticks;
}

const tickLabel = (ms) => (ms >= 1000 ? `${ms / 1000} s` : ms >= 1 ? `${ms} ms` : `${ms * 1000} µs`);

/** Legend items placed left to right, wrapping onto a new row at the chart's right edge. */
function layoutLegend(peerIds, width, labels) {
  const items = [];
  let x = MARGIN.left;
  let row = 0;
  for (const id of peerIds) {
    const label = labels[id] ?? id;
    const itemWidth = 30 + CHAR_WIDTH * label.length;
    if (x + itemWidth > width - MARGIN.right && x > MARGIN.left) {
      x = MARGIN.left;
      row++;
    }
    items.push({ id, label, x, y: 58 + row * LEGEND_ROW });
    x += itemWidth;
  }
  return { items, rows: row + 1 };
}

/** `chart.title` and `chart.labels` (peer id to legend text) default to the inference bench's. */
export function renderSvgChart(results, chart = {}) {
  const { points, peerIds, machine, grid } = results;
  const labels = chart.labels ?? PEER_LABELS;
  const title = chart.title ?? `wasm-rnn vs peers: ms per forward pass, T=${grid.T}, D=${grid.D} (log scale, lower is better)`;
  const footnotes = [];
  if (points.some((p) => Object.values(p.peers).some((r) => r.variant))) footnotes.push('* tfjs GRU bars run the reset_before GRU (tfjs-layers has no reset_after; same FLOPs, different function).');
  if (points.some((p) => Object.values(p.peers).some((r) => r.disagrees))) footnotes.push('! output differs from wasm-rnn beyond the tolerance.');
  if (points.some((p) => peerIds.some((id) => !p.peers[id]?.medianMs))) footnotes.push('× no bar: peer skipped (over the time budget, or left out by --quick) or failed; see the JSON.');

  // Few grid points (--quick) get wider slots rather than a chart too narrow for its title.
  const barsWidth = peerIds.length * BAR_WIDTH;
  const width = Math.max(MIN_WIDTH, MARGIN.left + points.length * (barsWidth + GROUP_GAP) + MARGIN.right);
  const slotWidth = (width - MARGIN.left - MARGIN.right) / points.length;
  const legend = layoutLegend(peerIds, width, labels);
  const plotTop = MARGIN.top + (legend.rows - 1) * LEGEND_ROW;
  const baseline = plotTop + PLOT_HEIGHT;
  const height = baseline + MARGIN.bottom + footnotes.length * FOOTNOTE_LINE;

  const timed = points.flatMap((p) => peerIds.map((id) => p.peers[id]?.medianMs).filter(Boolean));
  const ticks = decadeTicks(Math.min(...timed), Math.max(...timed));
  const [low, high] = [Math.log10(ticks[0]), Math.log10(ticks[ticks.length - 1])];
  const y = (ms) => plotTop + PLOT_HEIGHT * (1 - (Math.log10(ms) - low) / (high - low));

  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${MARGIN.left}" y="24" font-size="17" font-weight="600">${escapeXml(title)}</text>`);
  out.push(`<text x="${MARGIN.left}" y="44" fill="#555">${escapeXml(`${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; every peer single-threaded; ${results.generatedAt.slice(0, 10)}`)}</text>`);
  for (const item of legend.items) {
    out.push(`<rect x="${item.x}" y="${item.y}" width="12" height="12" fill="${COLORS[item.id]}"/>`);
    out.push(`<text x="${item.x + 17}" y="${item.y + 11}">${escapeXml(item.label)}</text>`);
  }

  // Decade grid lines and their labels.
  for (const tick of ticks) {
    out.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${round(y(tick))}" y2="${round(y(tick))}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${MARGIN.left - 8}" y="${round(y(tick)) + 4}" text-anchor="end" fill="#555">${tickLabel(tick)}</text>`);
  }
  out.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${baseline}" y2="${baseline}" stroke="#888"/>`);

  points.forEach((point, g) => {
    const groupX = MARGIN.left + g * slotWidth + (slotWidth - barsWidth) / 2;
    peerIds.forEach((id, k) => {
      const x = groupX + k * BAR_WIDTH;
      const result = point.peers[id];
      if (!result?.medianMs) {
        // No bar: mark the gap so a missing peer is not read as "too fast to see".
        const why = result?.skipped ? 'skipped' : result?.error ? 'error' : 'not run';
        out.push(`<text x="${x + BAR_WIDTH / 2}" y="${baseline - 4}" text-anchor="middle" font-size="10" fill="${COLORS[id]}"><title>${escapeXml(`${id}: ${why}`)}</title>×</text>`);
        return;
      }
      const top = y(result.medianMs);
      const note = [result.variant ? `runs the ${result.variant} GRU` : '', result.disagrees ? `output differs by ${result.maxAbsDiff?.toExponential(1)}` : ''].filter(Boolean).join('; ');
      out.push(`<rect x="${x}" y="${round(top)}" width="${BAR_WIDTH - 1}" height="${round(baseline - top)}" fill="${COLORS[id]}"><title>${escapeXml(`${point.cell} B=${point.B} H=${point.H} ${id}: ${result.medianMs.toFixed(2)} ms${note ? ` (${note})` : ''}`)}</title></rect>`);
      if (result.variant || result.disagrees) {
        out.push(`<text x="${x + BAR_WIDTH / 2}" y="${round(top) - 3}" text-anchor="middle" font-size="10">${result.disagrees ? '!' : '*'}</text>`);
      }
    });
    const centerX = groupX + barsWidth / 2;
    out.push(`<text x="${centerX}" y="${baseline + 17}" text-anchor="middle" font-size="11" font-weight="600">${escapeXml(point.cell)}</text>`);
    out.push(`<text x="${centerX}" y="${baseline + 31}" text-anchor="middle" font-size="11" fill="#555">B=${point.B} H=${point.H}</text>`);
    // A rule between cells (LSTM | GRU | SimpleRNN) so each family reads as one block.
    if (g > 0 && points[g - 1].cell !== point.cell) {
      const ruleX = round(MARGIN.left + g * slotWidth);
      out.push(`<line x1="${ruleX}" x2="${ruleX}" y1="${plotTop}" y2="${baseline + 34}" stroke="#bbb" stroke-dasharray="3 3"/>`);
    }
  });

  footnotes.forEach((note, i) => {
    out.push(`<text x="${MARGIN.left}" y="${baseline + MARGIN.bottom + i * FOOTNOTE_LINE}" fill="#555" font-size="11">${escapeXml(note)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

export function writeSvgChart(directory, name, results, chart = {}) {
  const file = path.join(directory, `${name}.svg`);
  writeFileSync(file, renderSvgChart(results, chart));
  return file;
}
