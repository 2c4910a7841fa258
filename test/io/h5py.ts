// Reading files this package writes with h5py (Debian's python3-h5py, libhdf5 underneath):
// test/python/h5_dump.py prints every group, dataset and attribute as JSON. Without h5py the
// tests that need it are skipped with the reason printed, except under CI, where they fail.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../python/h5_dump.py', import.meta.url));

export interface H5Attribute {
  shape: number[];
  kind: string;
  cset?: 'utf8' | 'ascii';
  value: (string | number)[];
}

export interface H5Node {
  attrs: Record<string, H5Attribute>;
  members?: string[];
  dtype?: string;
  shape?: number[];
  values?: number[];
}

function findMissing(): string | null {
  try {
    execFileSync(PYTHON, ['-c', 'import h5py, numpy'], { stdio: 'ignore' });
    return null;
  } catch {
    return `${PYTHON} cannot import h5py (apt-get install -y python3-h5py)`;
  }
}

/** Why h5py cannot be used here, or null when it can; throws under CI, where it must be there. */
export const h5pyMissing: string | null = (() => {
  const missing = findMissing();
  if (missing !== null && process.env.CI) throw new Error(`CI is set but ${missing}`);
  if (missing !== null) console.warn(`[h5py] skipped: ${missing}`);
  return missing;
})();

/** Every object of the HDF5 file `bytes` by path ('/' for the root), as h5py reads it. */
export function h5pyDump(bytes: Uint8Array): Record<string, H5Node> {
  return h5pyDumpAll([bytes])[0];
}

/** h5pyDump of several files with one Python process. */
export function h5pyDumpAll(files: readonly Uint8Array[]): Record<string, H5Node>[] {
  const dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-h5py-'));
  try {
    const paths = files.map((bytes, i) => {
      const path = join(dir, `file${i}.h5`);
      writeFileSync(path, bytes);
      return path;
    });
    return JSON.parse(execFileSync(PYTHON, [SCRIPT, ...paths], { encoding: 'utf8', maxBuffer: 1 << 28 })) as Record<string, H5Node>[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
