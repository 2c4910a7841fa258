// Writes a CommonJS twin (.d.cts) beside each declaration file tsc wrote, with its relative
// imports pointing at the twins (./x.js -> ./x.cjs, which TypeScript reads as ./x.d.cts).
// A TypeScript project compiled as CommonJS (module node16 / nodenext without "type": "module")
// resolves require('wasm-rnn') through the `types.require` condition to dist/index.d.cts; the
// package's own .d.ts files are ES module declarations (the package is "type": "module"), which
// such a project may not import (TS1479), and a .d.cts re-exporting them is refused the same way.
//
//   node scripts/build-cjs-types.mjs   (after build:ts; `npm run build` runs it)
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
// Relative specifiers of imports, re-exports and import() types, as tsc writes them: './x.js'.
const relativeJsSpecifier = /(?<=(?:\bfrom\s*|\bimport\s*\(\s*)(["']))(\.{1,2}\/[^"']*?)\.js(?=\1)/g;

let written = 0;
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const file = join(entry.parentPath, entry.name);
  const text = readFileSync(file, 'utf8');
  writeFileSync(file.replace(/\.d\.ts$/, '.d.cts'), text.replace(relativeJsSpecifier, '$2.cjs'));
  written++;
}
if (written === 0) throw new Error('build-cjs-types: no .d.ts under dist/; run build:ts first');
