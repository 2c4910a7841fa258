// Build time of recurrent layers with the default initializers (glorot_uniform kernel, orthogonal
// recurrent kernel), each size in a fresh Node process, as a user's first model.add() meets it.
//
//   npm run build && node bench/build-time.mjs [runs=5] [layer...=64 128 256 512 1024] [--against <checkout>]
//
// A layer is a number of units (an LSTM) or Class:units, as SimpleRNN:1024 or GRU:1000. A run
// imports the package, awaits ready(), then times new Class({ units }).build([1, 10, 8]) (the
// issue's inputShape [10, 8]). Prints the median wall time over the runs per layer, the median
// CPU time of the build (all of the process's threads: V8 compiles in the background), which a
// loaded machine inflates far less, and the median count of minor page faults (each fresh page
// of memory costs system time); layers are interleaved round by round so a load change on the
// shared machine hits them alike.
//
// --against <checkout> also builds every layer, in every round, in another built checkout of the
// package (say main's: `git worktree add ../base main`, copy node_modules, `npm run build`
// there; or a directory holding its package.json and dist/), the two taking turns going first,
// and prints its medians beside these and the ratio of the medians: a change measured in one
// interleaved run rather than in two runs at two loads.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './timing.mjs';

const CLASSES = ['LSTM', 'GRU', 'SimpleRNN'];
const args = process.argv.slice(2);
const againstAt = args.indexOf('--against');
const against = againstAt < 0 ? null : resolve(args.splice(againstAt, 2)[1] ?? '');
if (against !== null && !existsSync(join(against, 'dist/node/index.js'))) {
  throw new Error(`--against expects a built checkout of the package, received ${against} (no dist/node/index.js: npm run build there)`);
}
const [runsArgument, ...layerArguments] = args;
const runs = Number(runsArgument ?? 5);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be a positive integer, received ${runsArgument}`);
const layers = (layerArguments.length > 0 ? layerArguments : ['64', '128', '256', '512', '1024']).map((argument) => {
  const [className, unitText] = argument.includes(':') ? argument.split(':') : ['LSTM', argument];
  const units = Number(unitText);
  if (!CLASSES.includes(className) || !Number.isInteger(units) || units <= 0) {
    throw new Error(`a layer is a positive number of units or Class:units with Class one of ${CLASSES.join(', ')}, received ${argument}`);
  }
  return { className, units, label: `${className}(${units})` };
});
const repo = fileURLToPath(new URL('..', import.meta.url));

const script = ({ className, units }) => `
const { ready, ${className} } = await import('wasm-rnn');
await ready();
const before = process.resourceUsage();
const start = performance.now();
new ${className}({ units: ${units} }).build([1, 10, 8]);
const wall = performance.now() - start;
const after = process.resourceUsage();
const cpu = (after.userCPUTime + after.systemCPUTime - before.userCPUTime - before.systemCPUTime) / 1000;
process.stdout.write(JSON.stringify({ wall, cpu, faults: after.minorPageFault - before.minorPageFault }));
`;

/** One fresh process building `layer` in the checkout at `cwd` (whose package 'wasm-rnn' names). */
function buildOnce(layer, cwd) {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script(layer)], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${layer.label} in ${cwd} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

const checkouts = against === null ? [repo] : [repo, against];
const samples = new Map(checkouts.map((cwd) => [cwd, new Map(layers.map(({ label }) => [label, { wall: [], cpu: [], faults: [] }]))]));
const loadBefore = loadavg()[0];
for (let round = 0; round < runs; round++) {
  for (const layer of layers) {
    const order = round % 2 === 1 ? [...checkouts].reverse() : checkouts;
    for (const cwd of order) {
      const { wall, cpu, faults } = buildOnce(layer, cwd);
      const entry = samples.get(cwd).get(layer.label);
      entry.wall.push(wall);
      entry.cpu.push(cpu);
      entry.faults.push(faults);
    }
  }
}

const line = ({ wall, cpu, faults }) => `${median(wall).toFixed(1).padStart(7)} ms  (CPU ${median(cpu).toFixed(1)} ms, ${median(faults)} page faults)`;
const width = Math.max(...layers.map(({ label }) => label.length));
console.log(`node ${process.version}, median of ${runs} fresh processes per layer (load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after):`);
for (const { label } of layers) {
  const mine = samples.get(repo).get(label);
  console.log(`  ${label.padEnd(width)} build  ${line(mine)}`);
  if (against === null) continue;
  const other = samples.get(against).get(label);
  const ratio = median(mine.wall) / median(other.wall);
  const cpuRatio = median(mine.cpu) / median(other.cpu);
  console.log(`  ${''.padEnd(width)} against ${line(other)}  this/against ${ratio.toFixed(2)} wall, ${cpuRatio.toFixed(2)} CPU`);
}
if (against !== null) console.log(`against: ${against}`);
