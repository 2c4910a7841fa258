// `npm run bench [-- --quick]`: times wasm-rnn against TensorFlow.js (cpu, wasm) and
// ONNX Runtime (web, node) on the same weights and inputs, checks that all agree,
// prints a table and writes bench/results/<name>.json and .svg.
//
// Options:
//   --quick            LSTM and GRU at B=1 H=64 and B=32 H=256 only, shorter timing (under a minute)
//   --cells LSTM,GRU   only these cells          --batches 1,32   only these B
//   --units 64,256     only these H              --peers tfjs-wasm,ort-web   only these peers (wasm-rnn always runs)
//   --target-ms 750    timed ms per peer and point   --budget-ms 20000   skip a peer on a point if one run takes longer
//   --no-extras        skip the streaming-step and long-sequence memory measurements
//   --out NAME         results file name (default: latest, or quick with --quick)
//   --kernels K        wasm-rnn build: auto (default: relaxed SIMD where the engine has it), simd, relaxed-simd
//   --streaming        only the streaming bench (bench/streaming.mjs): stream.step per frame against
//                      onnxruntime-web and a T=1000 apply; writes results/streaming.json and .svg
//   --training         only the training bench (bench/training/bench.mjs): trainOnBatch (mse, Adam)
//                      against tfjs-layers cpu/wasm and PyTorch CPU (1 thread); results/training.json
//                      and .svg (with --quick: LSTM B=1 and B=32 at H=64; --cells/--batches/--units filter)
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { CELL_NAMES, cellLabel } from './cells.mjs';
import { buildInfo, loadAverage, machineInfo } from './machine.mjs';
import { OURS, PEER_IDS, PEER_LABELS } from './peers/ids.mjs';
import { formatReport, geometricMeans, pointRatios, writeResultsJson } from './report.mjs';
import { writeSvgChart } from './svg-chart.mjs';
import { DEFAULT_TIMING } from './timing.mjs';
import { KERNEL_CHOICES } from './kernels.mjs';

const T = 100;
const D = 64;
/** Max abs difference from our output beyond which a peer's output is reported as disagreeing. */
const TOLERANCE = 1e-4;
const RESULTS_DIRECTORY = fileURLToPath(new URL('./results/', import.meta.url));

const FULL_GRID = CELL_NAMES.flatMap((cell) => [1, 32].flatMap((B) => [64, 256, 512].map((H) => ({ cell, B, H }))));
// tfjs-cpu takes 6-18 s per run at B=32 H=256 (tfjs' cpu slice is slow): --quick leaves it out there.
const QUICK_GRID = ['LSTM', 'GRU'].flatMap((cell) => [
  { cell, B: 1, H: 64 },
  { cell, B: 32, H: 256, notInQuick: ['tfjs-cpu'] },
]);
const QUICK_TIMING = { warmupMs: 300, targetMs: 300, slowMinRuns: 2, budgetMs: 10000 };

const log = (line) => process.stderr.write(`${line}\n`);
const listOption = (value, parse = String) => (value === undefined ? undefined : value.split(',').map((s) => parse(s.trim())));

function parseOptions() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      cells: { type: 'string' },
      batches: { type: 'string' },
      units: { type: 'string' },
      peers: { type: 'string' },
      'target-ms': { type: 'string' },
      'budget-ms': { type: 'string' },
      'no-extras': { type: 'boolean', default: false },
      out: { type: 'string' },
      kernels: { type: 'string', default: 'auto' },
      streaming: { type: 'boolean', default: false },
      training: { type: 'boolean', default: false },
    },
  });
  const cells = listOption(values.cells);
  const batches = listOption(values.batches, Number);
  const units = listOption(values.units, Number);
  const grid = (values.quick ? QUICK_GRID : FULL_GRID).filter(
    (p) => (!cells || cells.includes(p.cell)) && (!batches || batches.includes(p.B)) && (!units || units.includes(p.H)),
  );
  const timing = { ...DEFAULT_TIMING, ...(values.quick ? QUICK_TIMING : {}) };
  if (values['target-ms']) timing.targetMs = Number(values['target-ms']);
  if (values['budget-ms']) timing.budgetMs = Number(values['budget-ms']);
  if (!KERNEL_CHOICES.includes(values.kernels)) throw new Error(`--kernels must be one of ${KERNEL_CHOICES.join(', ')}`);
  // Read by every place that loads wasm-rnn, the long-sequence child process included.
  process.env.WASM_RNN_BENCH_KERNELS = values.kernels;
  const peerFilter = listOption(values.peers);
  return {
    quick: values.quick,
    grid,
    peerIds: PEER_IDS.filter((id) => id === OURS || !peerFilter || peerFilter.includes(id)),
    timing,
    extras: !values['no-extras'],
    streaming: values.streaming,
    training: values.training,
    filters: { cells, batches, units },
    name: values.out ?? (values.training ? (values.quick ? 'training-quick' : 'training') : values.streaming ? 'streaming' : values.quick ? 'quick' : 'latest'),
  };
}

function progressLine(index, total, point, id, result) {
  const head = `[${String(index).padStart(2)}/${total}] ${cellLabel(point.cell, point).padEnd(16)} ${id.padEnd(9)}`;
  if (result.error) return `${head} error: ${result.error}`;
  if (result.skipped) return `${head} skipped: ${result.skipped}`;
  const check = id === OURS ? 'reference' : result.maxAbsDiff === undefined ? 'not checked' : `max|diff| ${result.maxAbsDiff.toExponential(1)}${result.variant ? ` vs our ${result.variant} GRU` : ''}`;
  return `${head} ${result.medianMs.toFixed(2).padStart(9)} ms  median of ${String(result.runs).padStart(3)}  ${check}`;
}

/** Warnings worth reading next to the table: disagreements, failures, budget skips. */
function pointWarnings(point, notInQuick) {
  const warnings = [];
  for (const [id, result] of Object.entries(point.peers)) {
    const where = `${cellLabel(point.cell, point)} ${id}`;
    if (result.disagrees) warnings.push(`WARNING ${where}: output differs from ours by ${result.maxAbsDiff.toExponential(2)} (max abs, tolerance ${TOLERANCE})`);
    if (result.error) warnings.push(`${where}: error: ${result.error}`);
    if (result.skipped && !notInQuick.includes(id)) warnings.push(`${where}: skipped: ${result.skipped}`);
  }
  return warnings;
}

/** WebAssembly memory never shrinks, so the long run gets a fresh process of its own. */
async function measureLongSequenceMemory() {
  const script = fileURLToPath(new URL('./long-sequence-memory.mjs', import.meta.url));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [script], { maxBuffer: 1 << 20 });
    return JSON.parse(stdout);
  } catch (error) {
    return { error: String(error.message ?? error).split('\n')[0] };
  }
}

async function main() {
  const startedAt = performance.now();
  if (!existsSync(new URL('../dist/index.js', import.meta.url))) {
    log('dist/ is missing: run `npm run build` first (`npm run bench` does).');
    process.exit(1);
  }
  const options = parseOptions();
  if (options.streaming) {
    await streamingOnly(options, startedAt);
    return;
  }
  if (options.training) {
    await trainingOnly(options, startedAt);
    return;
  }
  // Loaded after the dist check (they import the built package), all up front: a rebuild
  // of dist/ while the bench runs must not break it halfway.
  const { measurePoint } = await import('./measure-point.mjs');
  const { tfjsBackendInfo, wasmRnnKernelVariant } = await import('./peers/index.mjs');
  const { measureStreamingStep } = await import('./streaming-step.mjs');
  const { peerIds } = options;
  const results = {
    generatedAt: new Date().toISOString(),
    command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    quick: options.quick,
    machine: machineInfo(),
    build: { kernelVariant: await wasmRnnKernelVariant(), wasmFiles: buildInfo() },
    tfjsBackends: {},
    timing: options.timing,
    tolerance: TOLERANCE,
    grid: { T, D, points: options.grid.length },
    peerIds,
    peerLabels: Object.fromEntries(peerIds.map((id) => [id, PEER_LABELS[id]])),
    points: [],
    warnings: [],
  };
  for (const backend of ['cpu', 'wasm']) {
    if (peerIds.includes(`tfjs-${backend}`)) results.tfjsBackends[backend] = await tfjsBackendInfo(backend);
  }
  log(`wasm-rnn bench: ${options.grid.length} grid points x ${peerIds.length} peers on ${results.machine.cpuModel} (${results.machine.cores} cores), Node ${results.machine.node}; wasm-rnn kernels: ${results.build.kernelVariant}`);

  for (const [index, { cell, B, H, notInQuick = [] }] of options.grid.entries()) {
    const point = await measurePoint({ cell, B, T, D, H, notInQuick }, peerIds, {
      timing: options.timing,
      history: results.points,
      tolerance: TOLERANCE,
      // One seed per grid point: the same weights and input on every run of the bench.
      seed: 1000 + 10 * FULL_GRID.findIndex((p) => p.cell === cell && p.B === B && p.H === H),
      onGroupStart: (ids) => log(`[${String(index + 1).padStart(2)}/${options.grid.length}] ${cellLabel(cell, { B, H }).padEnd(16)} timing ${ids.join(', ')}${ids.length > 1 ? ' (interleaved)' : ''}...`),
    });
    for (const id of peerIds) log(progressLine(index + 1, options.grid.length, point, id, point.peers[id]));
    const warnings = pointWarnings(point, notInQuick);
    for (const warning of warnings.filter((w) => w.startsWith('WARNING'))) log(warning);
    results.warnings.push(...warnings);
    const oursMs = point.peers[OURS].medianMs;
    point.oursGflops = oursMs ? point.flops / (oursMs * 1e6) : null;
    point.ratios = pointRatios(point);
    results.points.push(point);
  }
  results.geomeans = geometricMeans(results.points, peerIds);

  if (options.extras) {
    results.streamingStep = await measureStreamingStep();
    log(`streaming step: ${results.streamingStep.medianUs.toFixed(1)} µs`);
    log('long sequence (T=100000) memory run in a fresh process...');
    results.longSequenceMemory = await measureLongSequenceMemory();
  }

  results.machine.loadAverageAtEnd = loadAverage();
  results.durationSeconds = Math.round((performance.now() - startedAt) / 1000);
  process.stdout.write(`\n${formatReport(results)}\n\n`);
  const jsonFile = writeResultsJson(RESULTS_DIRECTORY, options.name, results);
  const svgFile = writeSvgChart(RESULTS_DIRECTORY, options.name, results);
  log(`wrote ${jsonFile} and ${svgFile}`);
}

async function streamingOnly(options, startedAt) {
  const { runStreamingBench, formatStreamingReport } = await import('./streaming.mjs');
  const { writeStreamingChart } = await import('./streaming-chart.mjs');
  const results = {
    generatedAt: new Date().toISOString(),
    command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    machine: machineInfo(),
    build: { wasmFiles: buildInfo() },
    ...(await runStreamingBench({ quick: options.quick, log })),
  };
  results.machine.loadAverageAtEnd = loadAverage();
  results.durationSeconds = Math.round((performance.now() - startedAt) / 1000);
  process.stdout.write(`\n${formatStreamingReport(results)}\n\n`);
  for (const point of results.points.filter((p) => p.disagrees)) {
    log(`WARNING ${point.label}: onnxruntime-web differs from ours by ${point.maxAbsDiff.toExponential(2)} (max abs, tolerance ${results.tolerance})`);
  }
  const jsonFile = writeResultsJson(RESULTS_DIRECTORY, options.name, results);
  const svgFile = writeStreamingChart(RESULTS_DIRECTORY, options.name, results);
  log(`wrote ${jsonFile} and ${svgFile}`);
}

async function trainingOnly(options, startedAt) {
  const { runTrainingBench, formatTrainingReport, TRAINING_PEER_LABELS } = await import('./training/bench.mjs');
  const { wasmRnnKernelVariant } = await import('./peers/index.mjs');
  const results = {
    generatedAt: new Date().toISOString(),
    command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    machine: machineInfo(),
    build: { kernelVariant: await wasmRnnKernelVariant(), wasmFiles: buildInfo() },
    ...(await runTrainingBench({ quick: options.quick, ...options.filters, log })),
  };
  results.machine.loadAverageAtEnd = loadAverage();
  results.durationSeconds = Math.round((performance.now() - startedAt) / 1000);
  process.stdout.write(`\n${formatTrainingReport(results)}\n\n`);
  const jsonFile = writeResultsJson(RESULTS_DIRECTORY, options.name, results);
  const svgFile = writeSvgChart(RESULTS_DIRECTORY, options.name, results, {
    title: `wasm-rnn vs peers: ms per train step (trainOnBatch, mse, Adam), T=${results.grid.T}, D=${results.grid.D} (log scale, lower is better)`,
    labels: TRAINING_PEER_LABELS,
  });
  log(`wrote ${jsonFile} and ${svgFile}`);
}

await main();
