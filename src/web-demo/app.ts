// The demo page's script (`npm run demo:web`). It loads the package the way a plain
// <script type="module"> would: a self-contained minified browser bundle (the package's
// dist/browser/wasm-rnn.min.js plus its Keras saving, see api.ts), which fetches and compiles
// dist/wasm-rnn.wasm.
import type * as WasmRnn from './api.js';
import { setupTraining } from './training.js';

type Api = typeof WasmRnn;
type Cell = 'LSTM' | 'GRU';

const SEED_EXAMPLE = '0.1, 4.2, 1.5, 1.1, 2.8\n1.0, 3.1, 2.5, 0.7, 1.1\n0.3, 2.1, 1.5, 2.1, 0.1\n2.2, 1.4, 0.5, 0.9, 1.1';
/** Timing: batches of at least MIN_BATCH_MS, at least MIN_BATCHES of them, for about TIMING_BUDGET_MS. */
const MIN_BATCH_MS = 4;
const MIN_BATCHES = 5;
const TIMING_BUDGET_MS = 150;

/** What the page last computed; the screenshot test reads it. */
export interface DemoState {
  cell: Cell;
  units: number;
  seed: number;
  input: number[][];
  /** h over time, [T][H]. */
  sequence: number[][];
  /** Final states: h (and c for an LSTM). */
  states: Record<string, number[]>;
  medianMs: number;
  runs: number;
  /** 'apply': the whole sequence in one call; 'live': one stream.step per step as it arrived. */
  mode: 'apply' | 'live';
}

declare global {
  interface Window {
    demoState?: DemoState;
  }
}

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the demo page has no #${id}`);
  return element as T;
};

const ui = {
  sequence: byId<HTMLTextAreaElement>('sequence'),
  draw: byId<HTMLCanvasElement>('draw'),
  drawSteps: byId<HTMLInputElement>('draw-steps'),
  drawStepsLabel: byId<HTMLSpanElement>('draw-steps-label'),
  example: byId<HTMLButtonElement>('example'),
  cell: byId<HTMLSelectElement>('cell'),
  units: byId<HTMLInputElement>('units'),
  seed: byId<HTMLInputElement>('seed'),
  run: byId<HTMLButtonElement>('run'),
  live: byId<HTMLInputElement>('live'),
  error: byId<HTMLParagraphElement>('error'),
  heatmap: byId<HTMLCanvasElement>('heatmap'),
  scale: byId<HTMLSelectElement>('scale'),
  scaleLow: byId<HTMLElement>('scale-low'),
  scaleHigh: byId<HTMLElement>('scale-high'),
  time: byId<HTMLElement>('time'),
  runs: byId<HTMLElement>('runs'),
  shape: byId<HTMLElement>('shape'),
  params: byId<HTMLElement>('params'),
  outputs: byId<HTMLTableElement>('outputs'),
};

/** Parses the textarea: one step per line, numbers separated by commas, semicolons or spaces. */
export function parseSequence(text: string): number[][] {
  const rows = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (rows.length === 0) throw new Error('type at least one time step (one line of numbers)');
  const steps = rows.map((line, i) =>
    line.split(/[\s,;]+/).filter(Boolean).map((token) => {
      const value = Number(token);
      if (!Number.isFinite(value)) throw new Error(`line ${i + 1}: "${token}" is not a number`);
      return value;
    }),
  );
  const width = steps[0].length;
  const ragged = steps.findIndex((step) => step.length !== width);
  if (ragged >= 0) throw new Error(`line ${ragged + 1} has ${steps[ragged].length} numbers, line 1 has ${width}: every step needs the same number of features`);
  return steps;
}

// ---- drawing a sequence -------------------------------------------------------------------

let stroke: { x: number; y: number }[] = [];

function drawPoint(event: PointerEvent): { x: number; y: number } {
  const box = ui.draw.getBoundingClientRect();
  return {
    x: Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)),
    y: Math.min(1, Math.max(0, (event.clientY - box.top) / box.height)),
  };
}

/** Samples the stroke at `steps` evenly spaced x positions: height mapped to [-1, 1]. */
export function sampleStroke(points: readonly { x: number; y: number }[], steps: number): number[] {
  const sorted = [...points].sort((a, b) => a.x - b.x);
  return Array.from({ length: steps }, (_, i) => {
    const x = steps === 1 ? 0.5 : i / (steps - 1);
    const after = sorted.findIndex((p) => p.x >= x);
    let y: number;
    if (after === -1) y = sorted[sorted.length - 1].y;
    else if (after === 0) y = sorted[0].y;
    else {
      const a = sorted[after - 1];
      const b = sorted[after];
      y = b.x === a.x ? b.y : a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x);
    }
    return Math.round((1 - 2 * y) * 1000) / 1000;
  });
}

function paintDrawing(samples: number[] = []): void {
  const ctx = ui.draw.getContext('2d')!;
  const { width, height } = ui.draw;
  ctx.clearRect(0, 0, width, height);
  ctx.strokeStyle = '#e3e6ec';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, height / 2);
  ctx.lineTo(width, height / 2);
  ctx.stroke();
  if (stroke.length === 0) {
    ctx.fillStyle = '#9aa3b2';
    ctx.font = '32px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.fillText('draw here', width / 2, height / 2 - 12);
    return;
  }
  ctx.strokeStyle = '#2f6fdf';
  ctx.lineWidth = 4;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  stroke.forEach((p, i) => (i === 0 ? ctx.moveTo(p.x * width, p.y * height) : ctx.lineTo(p.x * width, p.y * height)));
  ctx.stroke();
  ctx.fillStyle = '#b2182b';
  samples.forEach((v, i) => {
    const x = samples.length === 1 ? width / 2 : (i / (samples.length - 1)) * width;
    ctx.beginPath();
    ctx.arc(x, ((1 - v) / 2) * height, 4, 0, 2 * Math.PI);
    ctx.fill();
  });
}

function drawSteps(): number {
  const steps = Math.round(Number(ui.drawSteps.value));
  return Number.isFinite(steps) ? Math.min(256, Math.max(2, steps)) : 32;
}

// ---- the heatmap --------------------------------------------------------------------------

/** Diverging blue–white–red for [-scale, scale] (ColorBrewer RdBu ends). */
export function colorFor(value: number, scale = 1): [number, number, number] {
  const v = Math.max(-1, Math.min(1, value / scale));
  const white = [247, 247, 247];
  const end = v < 0 ? [33, 102, 172] : [178, 24, 43];
  const t = Math.abs(v);
  return [0, 1, 2].map((k) => Math.round(white[k] + (end[k] - white[k]) * t)) as [number, number, number];
}

/** Paints h over time: one column per step, one row per unit, coloured on a symmetric scale. */
function paintHeatmap(sequence: number[][], scale: number): void {
  const steps = sequence.length;
  const units = sequence[0]?.length ?? 0;
  const margin = { left: 44, top: 8, right: 8, bottom: 30 };
  // Fill the width the page gives the canvas; scroll sideways only for very long sequences.
  const available = (ui.heatmap.parentElement?.clientWidth ?? 720) - margin.left - margin.right;
  const cellW = Math.max(3, Math.min(48, Math.floor(available / Math.max(steps, 1))));
  const cellH = Math.max(4, Math.min(28, Math.floor(300 / Math.max(units, 1))));
  const canvas = ui.heatmap;
  const cssWidth = margin.left + steps * cellW + margin.right;
  const cssHeight = margin.top + units * cellH + margin.bottom;
  // Draw at the screen's pixel density so labels stay sharp.
  const dpr = Math.max(1, Math.round(window.devicePixelRatio || 1));
  canvas.width = cssWidth * dpr;
  canvas.height = cssHeight * dpr;
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.scale(dpr, dpr);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, cssWidth, cssHeight);
  for (let t = 0; t < steps; t++) {
    for (let u = 0; u < units; u++) {
      const [r, g, b] = colorFor(sequence[t][u], scale);
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.fillRect(margin.left + t * cellW, margin.top + u * cellH, cellW, cellH);
    }
  }
  ctx.fillStyle = '#5d6677';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const unitEvery = Math.ceil(12 / cellH);
  for (let u = 0; u < units; u += unitEvery) ctx.fillText(`h${u}`, margin.left - 6, margin.top + (u + 0.5) * cellH);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const stepEvery = Math.ceil(24 / cellW);
  for (let t = 0; t < steps; t += stepEvery) ctx.fillText(`t${t}`, margin.left + (t + 0.5) * cellW, margin.top + units * cellH + 6);
}

// ---- running the layer ----------------------------------------------------------------------

/** The final states as a table: one row per unit, one column per state (h, and c for an LSTM). */
function showOutputs(states: Record<string, number[]>): void {
  const names = Object.keys(states);
  const units = states[names[0]]?.length ?? 0;
  const head = `<tr><th>unit</th>${names.map((name) => `<th>${name}<sub>T</sub></th>`).join('')}</tr>`;
  const rows = Array.from(
    { length: units },
    (_, u) => `<tr><th>${u}</th>${names.map((name) => `<td data-output="${name}">${states[name][u].toFixed(6)}</td>`).join('')}</tr>`,
  ).join('');
  ui.outputs.innerHTML = head + rows;
}

/**
 * Milliseconds per call, as the median over batches. Browsers coarsen `performance.now()` (to 0.1 ms
 * in a page that is not cross-origin isolated), so calls are timed in batches long enough to
 * measure: the batch size doubles until a batch takes MIN_BATCH_MS, and again if the batches
 * then turn out shorter than that (the first ones can be slow while the engine warms up).
 */
function timeInference(call: () => void): { medianMs: number; runs: number } {
  let runs = 0;
  const timeBatch = (size: number): number => {
    const t0 = performance.now();
    for (let i = 0; i < size; i++) call();
    runs += size;
    return performance.now() - t0;
  };
  const MAX_BATCH = 1 << 16;
  let batch = 1;
  while (batch < MAX_BATCH && timeBatch(batch) < MIN_BATCH_MS) batch *= 2;
  for (;;) {
    const samples: number[] = [];
    const started = performance.now();
    while (samples.length < MIN_BATCHES || (performance.now() - started < TIMING_BUDGET_MS && samples.length < 50)) {
      samples.push(timeBatch(batch));
    }
    samples.sort((a, b) => a - b);
    const median = samples[Math.floor(samples.length / 2)];
    if (median >= MIN_BATCH_MS / 2 || batch >= MAX_BATCH) return { medianMs: median / batch, runs };
    batch *= 2;
  }
}

function formatMs(ms: number): string {
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 0.1) return `${ms.toFixed(3)} ms`;
  return `${(ms * 1000).toFixed(1)} µs`;
}

function runDemo(api: Api): void {
  ui.error.textContent = '';
  let layer: WasmRnn.LSTM | WasmRnn.GRU | undefined;
  try {
    const input = parseSequence(ui.sequence.value);
    const cell = ui.cell.value as Cell;
    const units = Number(ui.units.value);
    const seed = Number(ui.seed.value);
    const options = { units, seed, returnSequences: true, returnState: true };
    layer = cell === 'LSTM' ? new api.LSTM(options) : new api.GRU(options);
    const x = api.tensor([input]);

    // The first call builds the layer (weights drawn and packed); time only the calls after it.
    let outputs = layer.apply(x) as WasmRnn.Tensor[];
    const timing = timeInference(() => (outputs = layer!.apply(x) as WasmRnn.Tensor[]));
    const medianMs = timing.medianMs;

    const [seq, ...finalStates] = outputs;
    const sequence = seq.toArray() as number[][][];
    const states: Record<string, number[]> = {};
    (cell === 'LSTM' ? ['h', 'c'] : ['h']).forEach((name, i) => (states[name] = Array.from(finalStates[i].data)));

    // The colour scale: fixed at tanh's [-1, 1], or stretched to the largest |h| so small states show.
    const largest = Math.max(...sequence[0].flat().map(Math.abs), 1e-6);
    const scale = ui.scale.value === 'fixed' ? 1 : largest;
    paintHeatmap(sequence[0], scale);
    ui.scaleLow.textContent = (-scale).toFixed(scale < 0.1 ? 3 : 2);
    ui.scaleHigh.textContent = `+${scale.toFixed(scale < 0.1 ? 3 : 2)}`;
    showOutputs(states);
    ui.time.textContent = formatMs(medianMs);
    ui.runs.textContent = String(timing.runs);
    ui.shape.textContent = `[${x.shape.join(', ')}]`;
    ui.params.textContent = String(layer.countParams());
    window.demoState = { cell, units, seed, input, sequence: sequence[0], states, medianMs, runs: timing.runs, mode: 'apply' };
    document.body.dataset.runs = String(Number(document.body.dataset.runs ?? 0) + 1);
  } catch (error) {
    ui.error.textContent = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    document.body.dataset.error = ui.error.textContent;
  } finally {
    layer?.dispose();
  }
}

// ---- live mode: a stream, stepped as the sequence grows ------------------------------------

interface LiveRun {
  key: string;
  layer: WasmRnn.LSTM | WasmRnn.GRU;
  stream: WasmRnn.Stream;
  input: number[][];
  sequence: number[][];
  stepMs: number[];
}
let live: LiveRun | null = null;

function stopLive(): void {
  live?.stream.dispose();
  live?.layer.dispose();
  live = null;
}

/**
 * Steps the stream over the rows the sequence gained since the last call; a sequence that changed
 * otherwise (or another cell, size or seed) starts a new stream. Each step's h joins the heatmap.
 */
function runLive(api: Api): void {
  ui.error.textContent = '';
  try {
    const input = parseSequence(ui.sequence.value);
    const cell = ui.cell.value as Cell;
    const units = Number(ui.units.value);
    const seed = Number(ui.seed.value);
    const features = input[0].length;
    const key = `${cell}/${units}/${seed}/${features}`;
    const extends_ = live !== null && live.key === key && live.input.length <= input.length
      && live.input.every((row, t) => row.length === input[t].length && row.every((v, f) => v === input[t][f]));
    if (!extends_) {
      stopLive();
      const options = { units, seed, returnSequences: true };
      const layer = cell === 'LSTM' ? new api.LSTM(options) : new api.GRU(options);
      layer.build([1, 1, features]);
      live = { key, layer, stream: layer.stream(), input: [], sequence: [], stepMs: [] };
    }
    const run = live as LiveRun;
    for (let t = run.input.length; t < input.length; t++) {
      const frame = Float32Array.from(input[t]);
      const t0 = performance.now();
      const h = run.stream.step(frame);
      run.stepMs.push(performance.now() - t0);
      run.input.push(input[t]);
      run.sequence.push(Array.from(h));
    }
    const names = cell === 'LSTM' ? ['h', 'c'] : ['h'];
    const states: Record<string, number[]> = Object.fromEntries(run.stream.states().map((s, i) => [names[i], Array.from(s.data)]));
    const largest = Math.max(...run.sequence.flat().map(Math.abs), 1e-6);
    const scale = ui.scale.value === 'fixed' ? 1 : largest;
    paintHeatmap(run.sequence, scale);
    ui.scaleLow.textContent = (-scale).toFixed(scale < 0.1 ? 3 : 2);
    ui.scaleHigh.textContent = `+${scale.toFixed(scale < 0.1 ? 3 : 2)}`;
    showOutputs(states);
    const sorted = [...run.stepMs].sort((a, b) => a - b);
    const medianMs = sorted[Math.floor(sorted.length / 2)] ?? 0;
    ui.time.textContent = `${formatMs(medianMs)} / step`;
    ui.runs.textContent = String(run.stepMs.length);
    ui.shape.textContent = `[1, ${features}] per step`;
    ui.params.textContent = String(run.layer.countParams());
    window.demoState = { cell, units, seed, input: run.input.map((row) => [...row]), sequence: run.sequence, states, medianMs, runs: run.stepMs.length, mode: 'live' };
    document.body.dataset.runs = String(Number(document.body.dataset.runs ?? 0) + 1);
  } catch (error) {
    stopLive();
    ui.error.textContent = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    document.body.dataset.error = ui.error.textContent;
  }
}

async function main(): Promise<void> {
  ui.sequence.value = SEED_EXAMPLE;
  paintDrawing();
  let api: Api;
  try {
    api = (await import(new URL('./wasm-rnn-demo.min.js', import.meta.url).href)) as Api;
    await api.ready();
  } catch (error) {
    ui.error.textContent = `could not load wasm-rnn: ${error instanceof Error ? error.message : String(error)}`;
    return;
  }
  const rerun = () => {
    if (ui.live.checked) runLive(api);
    else {
      stopLive();
      runDemo(api);
    }
  };

  setupTraining(api, { task: byId('task'), train: byId('train'), download: byId('download'), curve: byId('loss-curve'), status: byId('train-status') });
  ui.run.addEventListener('click', rerun);
  for (const control of [ui.cell, ui.units, ui.seed, ui.scale, ui.live]) control.addEventListener('change', rerun);
  ui.sequence.addEventListener('input', rerun);
  ui.example.addEventListener('click', () => {
    stroke = [];
    paintDrawing();
    ui.sequence.value = SEED_EXAMPLE;
    rerun();
  });
  ui.drawSteps.addEventListener('change', () => {
    ui.drawStepsLabel.textContent = String(drawSteps());
    if (stroke.length > 1) finishStroke();
  });

  const finishStroke = () => {
    const samples = sampleStroke(stroke, drawSteps());
    paintDrawing(samples);
    ui.sequence.value = samples.map((v) => String(v)).join('\n');
    rerun();
  };
  // Live: every point drawn is one more step (its height in [-1, 1]), stepped as it arrives.
  const liveValue = (point: { y: number }) => String(Math.round((1 - 2 * point.y) * 1000) / 1000);
  ui.draw.addEventListener('pointerdown', (event) => {
    ui.draw.setPointerCapture(event.pointerId);
    stroke = [drawPoint(event)];
    paintDrawing();
    if (ui.live.checked) {
      ui.sequence.value = liveValue(stroke[0]);
      rerun();
    }
  });
  ui.draw.addEventListener('pointermove', (event) => {
    if (!ui.draw.hasPointerCapture(event.pointerId)) return;
    stroke.push(drawPoint(event));
    paintDrawing();
    if (ui.live.checked) {
      ui.sequence.value += `\n${liveValue(stroke[stroke.length - 1])}`;
      rerun();
    }
  });
  ui.draw.addEventListener('pointerup', (event) => {
    ui.draw.releasePointerCapture(event.pointerId);
    if (stroke.length > 1 && !ui.live.checked) finishStroke();
  });

  rerun();
}

void main();
