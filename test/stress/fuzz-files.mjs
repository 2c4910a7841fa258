// The long fuzz run: `npm run fuzz -- --cases 2000 --seed 7` (defaults 800 cases,
// a seed from the clock, printed so a failure can be rerun). It runs the same
// structure-aware suite as npm test (test/io/fuzz-files.test.ts) with more cases;
// each case is time-boxed (--case-ms, default 3000) and every failure names its
// kind, index and seed. Run `npm run build` first (`npm run fuzz` does).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const value = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const text = args[at + 1];
  if (text === undefined || !/^\d+$/.test(text)) {
    console.error(`fuzz-files: --${name} needs a non-negative integer, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return Number(text);
};
const unknown = args.filter((a, i) => a.startsWith('--') && !['--cases', '--seed', '--case-ms'].includes(a) && !/^\d+$/.test(a) && i >= 0);
if (unknown.length > 0 || args.includes('--help')) {
  console.error('usage: node test/stress/fuzz-files.mjs [--cases N] [--seed S] [--case-ms MS]');
  process.exit(unknown.length > 0 ? 2 : 0);
}
const cases = value('cases', 800);
const seed = value('seed', Date.now() % 1_000_000_007);
const caseMs = value('case-ms', 3000);
console.log(`fuzz-files: ${cases} cases, seed ${seed}, ${caseMs} ms per case`);
const started = Date.now();
const repo = fileURLToPath(new URL('../../', import.meta.url));
const result = spawnSync('npx', ['vitest', 'run', 'test/io/fuzz-files.test.ts'], {
  cwd: repo,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_CASES: String(cases), FUZZ_SEED: String(seed), FUZZ_CASE_MS: String(caseMs), FUZZ_VERBOSE: '1' },
});
console.log(`fuzz-files: ${result.status === 0 ? 'all cases passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${seed}; rerun with --cases ${cases} --seed ${seed})`);
process.exit(result.status ?? 1);
