// Build time of LSTM layers with the default initializers (glorot_uniform kernel, orthogonal
// recurrent kernel), each size in a fresh Node process, as a user's first model.add() meets it.
//
//   npm run build && node bench/build-time.mjs [runs=5] [units...=64 128 256 512 1024]
//
// A run imports the package, awaits ready(), then times new LSTM({ units }).build([1, 10, 8])
// (the inputShape [10, 8]). Prints the median wall time over the runs per size, the
// median CPU time of the build (all of the process's threads: V8 compiles in the background),
// which a loaded machine inflates far less, and the median count of minor page faults (each
// fresh page of memory costs system time); sizes are interleaved round by round so a load change
// on the shared machine hits them alike.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './timing.mjs';

const [runsArgument, ...unitArguments] = process.argv.slice(2);
const runs = Number(runsArgument ?? 5);
const sizes = unitArguments.length > 0 ? unitArguments.map(Number) : [64, 128, 256, 512, 1024];
if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be a positive integer, received ${runsArgument}`);
if (!sizes.every((units) => Number.isInteger(units) && units > 0)) throw new Error(`units must be positive integers, received ${unitArguments}`);
const repo = fileURLToPath(new URL('..', import.meta.url));

const script = (units) => `
const { ready, LSTM } = await import('wasm-rnn');
await ready();
const before = process.resourceUsage();
const start = performance.now();
new LSTM({ units: ${units} }).build([1, 10, 8]);
const wall = performance.now() - start;
const after = process.resourceUsage();
const cpu = (after.userCPUTime + after.systemCPUTime - before.userCPUTime - before.systemCPUTime) / 1000;
process.stdout.write(JSON.stringify({ wall, cpu, faults: after.minorPageFault - before.minorPageFault }));
`;

const samples = new Map(sizes.map((units) => [units, { wall: [], cpu: [], faults: [] }]));
for (let round = 0; round < runs; round++) {
  for (const units of sizes) {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script(units)], { cwd: repo, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`LSTM(${units}) failed:\n${result.stderr}`);
    const { wall, cpu, faults } = JSON.parse(result.stdout);
    samples.get(units).wall.push(wall);
    samples.get(units).cpu.push(cpu);
    samples.get(units).faults.push(faults);
  }
}

console.log(`node ${process.version}, median of ${runs} fresh processes per size:`);
for (const [units, { wall, cpu, faults }] of samples) {
  console.log(`  LSTM(${String(units).padEnd(4)}) build  ${median(wall).toFixed(1).padStart(7)} ms  (CPU ${median(cpu).toFixed(1)} ms, ${median(faults)} page faults)`);
}
