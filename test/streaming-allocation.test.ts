// stream.step makes no JavaScript allocation after its first calls: 100,000 frames
// under `node --trace-gc` show no scavenge inside the loop. A control run that
// allocates per frame shows that the check sees scavenges when there are some.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testKernelVariant } from './kernel-variant.js';

const CHILD = fileURLToPath(new URL('./streaming/gc-child.mjs', import.meta.url));

/** The --trace-gc lines printed between the child's loop markers. */
function collectionsInLoop(mode: 'steps' | 'control'): string[] {
  const flags = ['--trace-gc', '--expose-gc', ...(testKernelVariant() === 'relaxed-simd' ? ['--experimental-wasm-relaxed-simd'] : [])];
  const stdout = execFileSync(process.execPath, [...flags, CHILD, testKernelVariant(), mode], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const lines = stdout.split('\n');
  const start = lines.indexOf('LOOP START');
  const end = lines.indexOf('LOOP END');
  expect(start, stdout.slice(0, 2000)).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  expect(lines).toContain('CHECKSUM finite');
  return lines.slice(start + 1, end).filter((line) => /Scavenge|Mark-Compact|Minor/.test(line));
}

describe(`stream.step allocation (${testKernelVariant()} build)`, () => {
  it('100,000 steps (float and Int32Array frames, own and caller buffers, masks) cause no scavenge', () => {
    expect(collectionsInLoop('steps')).toEqual([]);
  }, 60_000);

  it('the check sees the scavenges of a loop that allocates', () => {
    expect(collectionsInLoop('control').some((line) => line.includes('Scavenge'))).toBe(true);
  }, 60_000);
});
