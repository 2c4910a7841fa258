// Imports run one way: kernels <- layers <- training <- models <- io (CONTRIBUTING.md). A module
// may import its own folder, the package's root modules (errors, tensor, ...) and lower folders.
// Type-only imports are exempt: a layer and the symbolic tensor it returns name each other.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../src/', import.meta.url).pathname;
const RANK: Record<string, number> = {
  '.': 0, kernels: 1, streaming: 2, initializers: 2, layers: 3, training: 4, models: 5, io: 6, 'web-demo': 7,
};
/** Entry points gather every folder on purpose. */
const ENTRIES = new Set(['index.ts', 'demo.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function folderOf(file: string): string {
  const parts = relative(SRC, file).split('/');
  return parts.length === 1 ? '.' : parts[0];
}

describe('import direction', () => {
  it('has a rank for every folder of src/', () => {
    const folders = new Set(sourceFiles(SRC).map(folderOf));
    expect([...folders].filter((folder) => !(folder in RANK))).toEqual([]);
  });

  it('imports no value from a higher folder', () => {
    const upward: string[] = [];
    for (const file of sourceFiles(SRC)) {
      if (ENTRIES.has(relative(SRC, file))) continue;
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'(\.[^']+)'/gms)) {
        if (match[1]) continue;
        const target = join(file, '..', match[2]);
        const from = folderOf(file);
        const to = folderOf(target);
        if (RANK[to] > RANK[from]) upward.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });
});
