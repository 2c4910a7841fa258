// Compares the float64 optimizer reference (test/reference/optimizers.ts) with torch.optim where
// the two rules are the same: Adadelta, and Adamax with epsilon 0. Prints the largest difference.
//   node test/python/check-optimizers-torch.mjs      (needs torch in /usr/bin/python3, or PYTHON=...)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-torch-'));
try {
  const bundle = join(dir, 'optimizers.mjs');
  execFileSync(join(here, '../../node_modules/.bin/esbuild'), [join(here, '../reference/optimizers.ts'), '--format=esm', `--outfile=${bundle}`, '--log-level=warning']);
  const { ReferenceOptimizer } = await import(bundle);
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const configs = [
    { name: 'adamax', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 0 },
    { name: 'adamax', learningRate: 0.05, beta1: 0.7, beta2: 0.9, epsilon: 0 },
    { name: 'adadelta', learningRate: 1.0, rho: 0.95, epsilon: 1e-7 },
    { name: 'adadelta', learningRate: 0.3, rho: 0.8, epsilon: 1e-3 },
  ];
  const cases = configs.map((config) => ({
    config,
    weights: [Array.from({ length: 5 }, random), Array.from({ length: 3 }, random)],
    gradients: Array.from({ length: 8 }, () => [Array.from({ length: 5 }, random), Array.from({ length: 3 }, random)]),
  }));
  const torch = JSON.parse(execFileSync(process.env.PYTHON ?? '/usr/bin/python3', [join(here, 'torch_optimizers.py')], { input: JSON.stringify(cases), encoding: 'utf8' }));
  let worst = 0;
  cases.forEach((c, k) => {
    const reference = new ReferenceOptimizer(c.config);
    const weights = c.weights.map((w) => Float64Array.from(w));
    c.gradients.forEach((g, step) => {
      reference.apply(weights, g);
      weights.forEach((w, i) => w.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - torch[k][step][i][j])); }));
    });
  });
  console.log(`${cases.length} configurations x 8 steps, reference vs torch.optim: max |difference| ${worst.toExponential(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
