// The public TypeScript surface is deliberate: the .d.ts files reachable from
// the entry points equal the committed snapshot, and show no internals.
// After an intended API change: node scripts/public-surface.mjs --update
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('public surface', () => {
  const surface = execFileSync(process.execPath, ['scripts/public-surface.mjs'], { encoding: 'utf8' });

  it('matches test/surface/public-surface.txt (run scripts/public-surface.mjs --update after a deliberate change)', () => {
    expect(surface).toBe(readFileSync(new URL('surface/public-surface.txt', import.meta.url), 'utf8'));
  });

  it('reaches no kernel internals: of src/kernels only ready() and initSync() are public', () => {
    const files = surface.split('\n').filter((line) => line.startsWith('## ')).map((line) => line.slice(3));
    const internal = files.filter((file) => file.startsWith('dist/kernels/') && !['dist/kernels/module.d.ts', 'dist/kernels/init-sync.d.ts'].includes(file));
    expect(internal).toEqual([]);
  });

  it('names no internal member', () => {
    for (const name of ['runSequence', 'uploadSequence', 'checkStatefulBatch', 'cloneWith', 'KernelSession', 'CellId', 'KernelInstance', 'WasmHeap', 'keepFinalStates', '@internal']) {
      expect(surface.includes(name), name).toBe(false);
    }
  });
});
