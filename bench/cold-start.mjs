// Start-up cost of the package in a fresh Node process, against an empty `node -e 0`.
//
//   npm run build && node bench/cold-start.mjs [runs=10]
//
// Each round starts `node -e 0`, then a process that only imports an empty module (the floor of
// Node 20's ESM loader, which any `import` pays before it reaches this package), then a process
// that imports the package by its name (the `exports` map, as a user gets it), awaits ready(),
// builds LSTM({ units: 64 }) and applies it to one [1, 100, 64] input. Rounds interleave them so
// a load change on the (shared) machine hits all alike. Prints the median wall time of each,
// the differences, and the median of each stage as the script itself measures it.
//
// The scripts report with one fs.writeSync to fd 1: the first use of process.stdout builds
// Node's stream machinery (about 15 ms on this VM), a cost of printing, not of the package.
// They also report the process's CPU time (user + system, all threads, process.cpuUsage()), and
// each round runs a fourth process that only reports its own: on a loaded machine wall time
// mostly measures the wait for a core, CPU time far less.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { median } from './timing.mjs';

const runs = Number(process.argv[2] ?? 10);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be a positive integer, received ${process.argv[2]}`);
const repo = fileURLToPath(new URL('..', import.meta.url));
const REPORT = "process.getBuiltinModule('node:fs').writeSync(1, JSON.stringify";
const cpuMs = '(({ user, system }) => (user + system) / 1000)(process.cpuUsage())';

const SCRIPT = `
const t0 = performance.now();
const { ready, LSTM, tensor } = await import('wasm-rnn');
const t1 = performance.now();
await ready();
const t2 = performance.now();
const layer = new LSTM({ units: 64 });
layer.build([1, 100, 64]);
const t3 = performance.now();
const y = layer.apply(tensor(new Float32Array(100 * 64), [1, 100, 64]));
const t4 = performance.now();
if (y.shape.join() !== '1,64') throw new Error('unexpected output shape ' + y.shape);
${REPORT}({ import: t1 - t0, ready: t2 - t1, build: t3 - t2, apply: t4 - t3, cpu: ${cpuMs} }));
`;
const CPU_BASELINE = `${REPORT}({ cpu: ${cpuMs} }))`;
// An absolute file: URL, as the package's own chunk is loaded; the module is empty.
const ESM_FLOOR = `await import(${JSON.stringify(new URL('./cold-start-empty.mjs', import.meta.url).href)});\n${CPU_BASELINE};`;

/** Wall time of one fresh process, in ms, and what it printed. */
function timeProcess(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed:\n${result.stderr}`);
  return { ms, stdout: result.stdout };
}

const empty = [];
const esmFloor = [];
const esmFloorCpu = [];
const full = [];
const stages = { import: [], ready: [], build: [], apply: [], cpu: [] };
const baselineCpu = [];
const loadBefore = loadavg()[0];
timeProcess(['--input-type=module', '-e', ESM_FLOOR]); // file-system caches warm, not timed
timeProcess(['--input-type=module', '-e', SCRIPT]);
for (let round = 0; round < runs; round++) {
  empty.push(timeProcess(['-e', '0']).ms);
  const floor = timeProcess(['--input-type=module', '-e', ESM_FLOOR]);
  esmFloor.push(floor.ms);
  esmFloorCpu.push(JSON.parse(floor.stdout).cpu);
  const run = timeProcess(['--input-type=module', '-e', SCRIPT]);
  full.push(run.ms);
  for (const [stage, ms] of Object.entries(JSON.parse(run.stdout))) stages[stage].push(ms);
  baselineCpu.push(JSON.parse(timeProcess(['-e', CPU_BASELINE]).stdout).cpu);
}

const format = (ms) => `${ms.toFixed(1)} ms`;
const signed = (ms) => `${ms >= 0 ? '+' : ''}${ms.toFixed(1)} ms`;
const { cpu, ...timed } = stages;
const [emptyMs, floorMs, fullMs] = [median(empty), median(esmFloor), median(full)];
console.log(`node ${process.version}, ${runs} interleaved runs, medians (load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after):`);
console.log(`  node -e 0                                   ${format(emptyMs)}`);
console.log(`  ESM floor: import of an empty module        ${format(floorMs)}  (${signed(floorMs - emptyMs)}, Node's loader)`);
console.log(`  import, ready(), LSTM(64) build, one apply  ${format(fullMs)}`);
console.log(`  difference to node -e 0                     ${signed(fullMs - emptyMs)}  (target +20 ms)`);
console.log(`  difference to the ESM floor                 ${signed(fullMs - floorMs)}`);
console.log(`  stages inside the script: ${Object.entries(timed).map(([stage, ms]) => `${stage} ${format(median(ms))}`).join(', ')}`);
console.log(`  CPU time: script ${format(median(cpu))}, ESM floor ${format(median(esmFloorCpu))}, empty process ${format(median(baselineCpu))}; ` +
  `script ${signed(median(cpu) - median(baselineCpu))} over the empty process, ${signed(median(cpu) - median(esmFloorCpu))} over the ESM floor`);
