// The held-back style newcomer check of issue 13: scripts written the way a Keras user writes them
// (test/newcomer-scripts), run as an app runs them: each in its own Node process, importing the
// built package by its name through package.json's exports map (requiring it, for a .cjs script). A script asserts real outputs
// (Keras' fixtures, formulas, error classes and messages) and exits non-zero on a failure. The
// strict TypeScript ones are type-checked by `npm run typecheck` against the package's .d.ts
// (test/newcomer-scripts/tsconfig.json: strict, noUncheckedIndexedAccess, a Node lib without DOM),
// and here stripped of types by esbuild and run.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { transformSync } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../', import.meta.url));
const scripts = join(repo, 'test/newcomer-scripts');
const out = join(scripts, '.out');

const javascript = readdirSync(scripts).filter((f) => /\.[mc]js$/.test(f) && f !== 'check.mjs').sort();
const typescript = readdirSync(scripts).filter((f) => f.endsWith('.ts')).sort();

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function node(file: string): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [file], { cwd: repo, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
  }
}

/** Two at a time: the host has two cores, and each script is one short process. */
async function runAll(files: readonly string[]): Promise<Map<string, Outcome>> {
  const results = new Map<string, Outcome>();
  const queue = [...files];
  await Promise.all([0, 1].map(async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) results.set(file, await node(file));
  }));
  return results;
}

let outcomes: Map<string, Outcome>;

beforeAll(async () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const file of typescript) {
    const { code } = transformSync(readFileSync(join(scripts, file), 'utf8'), { loader: 'ts', format: 'esm', target: 'node20' });
    writeFileSync(join(out, file.replace(/\.ts$/, '.mjs')), code);
  }
  outcomes = await runAll([...javascript.map((f) => join(scripts, f)), ...typescript.map((f) => join(out, f.replace(/\.ts$/, '.mjs')))]);
}, 120_000);

describe('newcomer scripts, run against the built package as an app imports it', () => {
  it('there are at least 20 of them, plain JavaScript and strict TypeScript', () => {
    expect(javascript.length + typescript.length).toBeGreaterThanOrEqual(20);
    expect(typescript.length).toBeGreaterThanOrEqual(2);
  });

  for (const file of [...javascript, ...typescript]) {
    it(file, () => {
      const path = file.endsWith('.ts') ? join(out, file.replace(/\.ts$/, '.mjs')) : join(scripts, file);
      const outcome = outcomes.get(path);
      expect(outcome?.stderr).toBe('');
      expect(outcome?.stdout).toBe('');
      expect(outcome?.code).toBe(0);
    });
  }
});
