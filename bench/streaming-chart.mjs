// The streaming results as a standalone SVG: per point, horizontal bars of µs per frame
// (log scale) for wasm-rnn's stream.step, onnxruntime-web, and wasm-rnn's per-step time
// inside a T=1000 apply (the arithmetic a step cannot go below by much).
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const SERIES = [
  { key: 'oursUs', label: 'wasm-rnn stream.step', color: '#d1495b' },
  { key: 'ortWebUs', label: 'onnxruntime-web (state in/out)', color: '#00798c' },
  { key: 'streamedThousandUs', label: '1000 frames streamed, per frame', color: '#8e5572' },
  { key: 'applyStepUs', label: 'T=1000 apply, per step', color: '#edae49' },
];
const BAR = 14;
const GROUP_GAP = 18;
const LABEL_WIDTH = 330;
const PLOT_WIDTH = 600;
const TOP = 70;

const escapeXml = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

export function writeStreamingChart(directory, name, results) {
  const values = results.points.flatMap((p) => SERIES.map((s) => p[s.key]));
  const low = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const x = (us) => LABEL_WIDTH + (Math.log10(us / low) / Math.log10(high / low)) * PLOT_WIDTH;
  const groupHeight = SERIES.length * BAR + GROUP_GAP;
  const height = TOP + results.points.length * groupHeight + 40;
  const width = Math.max(LABEL_WIDTH + PLOT_WIDTH + 170, 12 + SERIES.length * 240);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="12" y="22" font-size="15" font-weight="bold">Per-frame time, B=1, states carried (µs, log scale; lower is faster)</text>`,
    `<text x="12" y="40" fill="#555">wasm-rnn ${escapeXml(results.kernelVariant)} build vs onnxruntime-web ${escapeXml(results.onnxruntimeWeb ?? '')} (one thread), interleaved in one process</text>`,
  ];
  SERIES.forEach((s, i) => {
    parts.push(`<rect x="${12 + i * 240}" y="50" width="10" height="10" fill="${s.color}"/><text x="${26 + i * 240}" y="59">${escapeXml(s.label)}</text>`);
  });
  for (let tick = low; tick <= high; tick *= 10) {
    parts.push(`<line x1="${x(tick)}" x2="${x(tick)}" y1="${TOP - 4}" y2="${height - 36}" stroke="#ddd"/><text x="${x(tick)}" y="${height - 22}" text-anchor="middle" fill="#555">${tick} µs</text>`);
  }
  results.points.forEach((point, g) => {
    const top = TOP + g * groupHeight;
    parts.push(`<text x="${LABEL_WIDTH - 8}" y="${top + (SERIES.length * BAR) / 2 + 4}" text-anchor="end">${escapeXml(point.label)}</text>`);
    SERIES.forEach((s, i) => {
      const y = top + i * BAR;
      const us = point[s.key];
      parts.push(`<rect x="${LABEL_WIDTH}" y="${y}" width="${Math.max(1, x(us) - LABEL_WIDTH)}" height="${BAR - 2}" fill="${s.color}"/>`);
      const note = s.key === 'ortWebUs' ? ` (${point.ratioVsOrtWeb.toFixed(1)}x ours)` : s.key === 'applyStepUs' ? ` (stream ${point.streamOverApplyStep.toFixed(2)}x)` : '';
      parts.push(`<text x="${x(us) + 4}" y="${y + BAR - 4}" fill="#333">${us.toFixed(1)}${note}</text>`);
    });
  });
  parts.push('</svg>');
  const file = path.join(directory, `${name}.svg`);
  writeFileSync(file, `${parts.join('\n')}\n`);
  return file;
}
