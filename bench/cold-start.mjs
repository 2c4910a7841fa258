// Start-up cost of the package in a fresh Node process, against an empty `node -e 0`.
//
//   npm run build && node bench/cold-start.mjs [runs=10] [--against <checkout>]
//
// Each round starts `node -e 0`, then a process that only imports an empty module (the floor of
// Node 20's ESM loader, which any `import` pays before it reaches this package), then one that
// imports an empty package by its name through an `exports` map, as the script imports this one
// (the floor of any package: Node's resolver reads package.json and walks the export conditions
// before it reads a byte of the package's code), then a process
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
//
// The package's Node entry writes V8's code cache (dist/node/*.cache) at the first process's exit,
// holding the functions that process compiled; the bench removes the caches of both checkouts
// first, so that its untimed first run writes one for this script, as an application's first
// run writes one for itself, and the timed runs are the runs after it.
//
// --against <checkout> also runs the script, in every round, in another built checkout of the
// package (say main's, in a scratch worktree: `git worktree add ../base main`, copy
// node_modules, `npm run build` there), and prints its medians and the difference: a change
// measured in one interleaved run rather than in two runs at two loads.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median } from './timing.mjs';

const args = process.argv.slice(2);
const againstAt = args.indexOf('--against');
const against = againstAt < 0 ? null : resolve(args.splice(againstAt, 2)[1] ?? '');
if (against !== null && !existsSync(join(against, 'dist/node/index.js'))) {
  throw new Error(`--against expects a built checkout of the package, received ${against} (no dist/node/index.js: npm run build there)`);
}
const runs = Number(args[0] ?? 10);
if (!Number.isInteger(runs) || runs < 1 || args.length > 1) throw new Error(`usage: node bench/cold-start.mjs [runs=10] [--against <checkout>], received ${process.argv.slice(2).join(' ')}`);
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
// An empty package imported by its name from its own folder, as the script imports wasm-rnn
// (a package's self-reference: the same resolver, package.json and conditions).
const emptyPackage = mkdtempSync(join(tmpdir(), 'wasm-rnn-cold-start-'));
writeFileSync(join(emptyPackage, 'package.json'), JSON.stringify({
  name: 'cold-start-empty', type: 'module', exports: { '.': { types: './index.d.ts', node: './index.js', import: './index.js', default: './index.js' } },
}));
writeFileSync(join(emptyPackage, 'index.js'), 'export {};\n');
const PACKAGE_FLOOR = `await import('cold-start-empty');\n${CPU_BASELINE};`;
process.on('exit', () => rmSync(emptyPackage, { recursive: true, force: true }));

/** Wall time of one fresh process, in ms, and what it printed; `cwd` is the checkout whose package 'wasm-rnn' names. */
function timeProcess(args, cwd = repo) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed:\n${result.stderr}`);
  return { ms, stdout: result.stdout };
}

const empty = [];
const esmFloor = [];
const esmFloorCpu = [];
const packageFloor = [];
const packageFloorCpu = [];
const full = [];
const newStages = () => ({ import: [], ready: [], build: [], apply: [], cpu: [] });
const stages = newStages();
const other = { full: [], stages: newStages() };
const baselineCpu = [];
const loadBefore = loadavg()[0];
for (const checkout of [repo, against]) {
  if (checkout === null) continue;
  const node = join(checkout, 'dist/node');
  for (const file of readdirSync(node).filter((name) => name.endsWith('.cache'))) rmSync(join(node, file));
}
timeProcess(['--input-type=module', '-e', ESM_FLOOR]); // file-system caches warm, not timed
timeProcess(['--input-type=module', '-e', PACKAGE_FLOOR], emptyPackage);
timeProcess(['--input-type=module', '-e', SCRIPT]);
if (against !== null) timeProcess(['--input-type=module', '-e', SCRIPT], against);
for (let round = 0; round < runs; round++) {
  empty.push(timeProcess(['-e', '0']).ms);
  const floor = timeProcess(['--input-type=module', '-e', ESM_FLOOR]);
  esmFloor.push(floor.ms);
  esmFloorCpu.push(JSON.parse(floor.stdout).cpu);
  const packaged = timeProcess(['--input-type=module', '-e', PACKAGE_FLOOR], emptyPackage);
  packageFloor.push(packaged.ms);
  packageFloorCpu.push(JSON.parse(packaged.stdout).cpu);
  // With --against, the two checkouts take turns going first.
  const otherFirst = against !== null && round % 2 === 1;
  const otherRun = otherFirst ? timeProcess(['--input-type=module', '-e', SCRIPT], against) : null;
  const run = timeProcess(['--input-type=module', '-e', SCRIPT]);
  full.push(run.ms);
  for (const [stage, ms] of Object.entries(JSON.parse(run.stdout))) stages[stage].push(ms);
  if (against !== null) {
    const { ms, stdout } = otherRun ?? timeProcess(['--input-type=module', '-e', SCRIPT], against);
    other.full.push(ms);
    for (const [stage, stageMs] of Object.entries(JSON.parse(stdout))) other.stages[stage].push(stageMs);
  }
  baselineCpu.push(JSON.parse(timeProcess(['-e', CPU_BASELINE]).stdout).cpu);
}

const format = (ms) => `${ms.toFixed(1)} ms`;
const signed = (ms) => `${ms >= 0 ? '+' : ''}${ms.toFixed(1)} ms`;
const stageMedians = ({ cpu: _cpu, ...timed }) => Object.entries(timed).map(([stage, ms]) => `${stage} ${format(median(ms))}`).join(', ');
const { cpu } = stages;
const [emptyMs, floorMs, packageMs, fullMs] = [median(empty), median(esmFloor), median(packageFloor), median(full)];
console.log(`node ${process.version}, ${runs} interleaved runs, medians (load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after):`);
console.log(`  node -e 0                                   ${format(emptyMs)}`);
console.log(`  ESM floor: import of an empty module        ${format(floorMs)}  (${signed(floorMs - emptyMs)}, Node's loader)`);
console.log(`  package floor: an empty package by name     ${format(packageMs)}  (${signed(packageMs - emptyMs)}, Node's loader and resolver)`);
console.log(`  import, ready(), LSTM(64) build, one apply  ${format(fullMs)}`);
console.log(`  difference to node -e 0                     ${signed(fullMs - emptyMs)}  (target +20 ms)`);
console.log(`  difference to the ESM floor                 ${signed(fullMs - floorMs)}`);
console.log(`  difference to the package floor             ${signed(fullMs - packageMs)}`);
console.log(`  stages inside the script: ${stageMedians(stages)}`);
console.log(`  CPU time: script ${format(median(cpu))}, ESM floor ${format(median(esmFloorCpu))}, package floor ${format(median(packageFloorCpu))}, empty process ${format(median(baselineCpu))}; ` +
  `script ${signed(median(cpu) - median(baselineCpu))} over the empty process, ${signed(median(cpu) - median(esmFloorCpu))} over the ESM floor, ${signed(median(cpu) - median(packageFloorCpu))} over the package floor`);
if (against !== null) {
  const otherMs = median(other.full);
  console.log(`against ${against}, in the same rounds:`);
  const pairedMs = median(full.map((ms, round) => ms - other.full[round]));
  console.log(`  import, ready(), LSTM(64) build, one apply  ${format(otherMs)}  (${signed(otherMs - emptyMs)} over node -e 0)`);
  console.log(`  this checkout against it                    ${signed(fullMs - otherMs)} (difference of the medians), ${signed(pairedMs)} (median of the rounds' differences)`);
  console.log(`  stages inside the script: ${stageMedians(other.stages)}`);
  console.log(`  CPU time: script ${format(median(other.stages.cpu))}, ${signed(median(other.stages.cpu) - median(baselineCpu))} over the empty process; this checkout ${signed(median(cpu) - median(other.stages.cpu))} against it`);
}
