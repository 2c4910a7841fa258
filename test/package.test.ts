// What `npm pack` publishes: package.json's entry points, the files they import (followed
// through the import graph, so this holds however dist/ is split or bundled), the README and
// the LICENSE, and nothing else: no demo, no test file, no module that no entry point reaches.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../', import.meta.url));
const run = promisify(execFile);

interface PackageJson {
  license?: string;
  main?: string;
  types?: string;
  exports?: unknown;
  scripts?: Record<string, string>;
}

/** Every file path an `exports` value names, with the condition it sits under. */
function exportTargets(value: unknown, condition = 'default'): { condition: string; file: string }[] {
  if (typeof value === 'string') return [{ condition, file: value }];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => exportTargets(inner, key.startsWith('.') ? condition : key));
}

const packagePath = (file: string) => posix.normalize(file.replace(/^\.\//, ''));

/** What a source map that `npm pack` may ship holds: the files it maps to, and no copy of their text. */
interface SourceMap {
  sources: string[];
  sourcesContent?: unknown;
}

/** The source map a bundle names in its last line, relative to the bundle, if any. */
const sourceMapUrl = (text: string) => /\n\/\/# sourceMappingURL=([^\s'"]+)\s*$/.exec(text)?.[1];

/** Files a module names as `new URL('<relative path>', import.meta.url)`: the .wasm, and the bundle the Node entry runs. */
const urlReferences = (text: string) => [...text.matchAll(/new URL\(\s*["'](\.{1,2}\/[^"']+)["']\s*,\s*import\.meta\.url\s*\)/g)].map((match) => match[1]!);

/**
 * Relative files a file refers to: the modules a JS or .d.ts file imports, re-exports or
 * dynamically imports with a literal, the files it names by URL, and the source map a bundle
 * names; the files a source map maps to.
 */
function relativeImports(file: string, text: string): string[] {
  const names = file.endsWith('.map')
    ? (JSON.parse(text) as SourceMap).sources
    : [
      ...ts.preProcessFile(text, true, true).importedFiles.map((ref) => ref.fileName),
      ...(file.endsWith('.d.ts') ? [] : urlReferences(text)),
      ...(sourceMapUrl(text) === undefined ? [] : [`./${sourceMapUrl(text)}`]),
    ];
  return names
    .filter((name) => name.startsWith('./') || name.startsWith('../'))
    .map((name) => posix.join(posix.dirname(file), name));
}

/** The declaration that describes a module specifier as TypeScript reads it (./x.js -> ./x.d.ts, ./x.cjs -> ./x.d.cts). */
const declarationOf = (file: string) => file.replace(/\.([mc]?)js$/, '.d.$1ts');

/** Files reachable from the roots by following relative imports; `map` turns an import into the file it loads. */
async function reachable(roots: readonly string[], map: (file: string) => string): Promise<{ files: Set<string>; missing: string[] }> {
  const files = new Set<string>();
  const missing: string[] = [];
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    let text: string;
    try {
      text = await readFile(posix.join(repo, file), 'utf8');
    } catch {
      missing.push(file);
      continue;
    }
    for (const target of relativeImports(file, text)) queue.push(map(target));
  }
  return { files, missing };
}

describe('the published tarball (npm pack --dry-run)', () => {
  let pkg: PackageJson;
  let packed: string[];

  beforeAll(async () => {
    pkg = JSON.parse(await readFile(posix.join(repo, 'package.json'), 'utf8')) as PackageJson;
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repo, maxBuffer: 16 << 20 });
    const [result] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    packed = result.files.map((f) => f.path).sort();
  }, 60_000);

  const entryFiles = () => {
    const targets = exportTargets(pkg.exports).map(({ condition, file }) => ({ condition, file: packagePath(file) }));
    if (pkg.main) targets.push({ condition: 'main', file: packagePath(pkg.main) });
    if (pkg.types) targets.push({ condition: 'types', file: packagePath(pkg.types) });
    return targets;
  };

  it('holds the MIT LICENSE that package.json declares, and the README', async () => {
    expect(pkg.license).toBe('MIT');
    expect(packed).toContain('LICENSE');
    expect(packed).toContain('README.md');
    const license = await readFile(posix.join(repo, 'LICENSE'), 'utf8');
    expect(license.split('\n')[0]).toBe('MIT License');
    expect(license).toContain('Copyright (c) 2026 wasm-rnn contributors');
  });

  it('holds every file that exports, main and types name', () => {
    const entries = entryFiles();
    expect(entries.length).toBeGreaterThan(0);
    for (const { condition, file } of entries) expect(packed, `${condition}: ${file}`).toContain(file);
  });

  it('holds the modules the entry points import, and only those: every shipped .js and .wasm is reached from package.json, every .d.ts from types or its module', async () => {
    const entries = entryFiles();
    const jsRoots = entries.filter((e) => e.condition !== 'types' && /\.[mc]?js$/.test(e.file)).map((e) => e.file);
    const typeRoots = entries.filter((e) => /\.d\.[mc]?ts$/.test(e.file)).map((e) => e.file);
    const js = await reachable(jsRoots, (file) => file);
    const types = await reachable(typeRoots, declarationOf);
    expect(js.missing, 'imported modules missing from the repo build').toEqual([]);
    expect(types.missing, 'imported declarations missing from the repo build').toEqual([]);
    const wasm = new Set(entries.filter((e) => e.file.endsWith('.wasm')).map((e) => e.file));

    // tsc writes one .d.ts per module (and scripts/build-cjs-types.mjs its .d.cts twin): those of
    // shipped modules stay even when no public type names them.
    const ownDeclarations = [...js.files].map(declarationOf).flatMap((file) => [file, file.replace(/\.d\.ts$/, '.d.cts')]).filter((file) => packed.includes(file));
    const referenced = new Set(['package.json', 'README.md', 'LICENSE', ...js.files, ...types.files, ...ownDeclarations, ...wasm]);
    expect(packed.filter((file) => !referenced.has(file)), 'packed but reached from no entry point').toEqual([]);
    expect([...js.files, ...types.files].filter((file) => !packed.includes(file)), 'reached but not packed').toEqual([]);
  });

  it('holds no demo, test, bench or source file', () => {
    const unwanted = /(^|\/)(demo|web-demo|test|tests|__tests__|bench|src|assembly)(\/|\.|$)|\.(test|spec)\.|\.ts$(?<!\.d\.ts$)/;
    expect(packed.filter((file) => unwanted.test(file))).toEqual([]);
  });

  // The Node bundle is minified (V8 parses it on every start without a code cache); its maps let `node
  // --enable-source-maps` point stack traces at the shipped dist/ modules it was bundled from.
  it('holds a source map only beside the bundle that names it, mapping to shipped modules only, without their text', async () => {
    const maps = packed.filter((file) => file.endsWith('.map'));
    expect(maps).toContain('dist/node/core.script.cjs.map');
    for (const map of maps) {
      const bundle = map.replace(/\.map$/, '');
      expect(packed, map).toContain(bundle);
      expect(sourceMapUrl(await readFile(posix.join(repo, bundle), 'utf8')), bundle).toBe(posix.basename(map));
      const { sources, sourcesContent } = JSON.parse(await readFile(posix.join(repo, map), 'utf8')) as SourceMap;
      expect(sourcesContent, map).toBeUndefined();
      expect(sources.length, map).toBeGreaterThan(0);
      const files = sources.map((source) => posix.join(posix.dirname(map), source));
      expect(files.filter((file) => !packed.includes(file) || !file.endsWith('.js')), map).toEqual([]);
    }
  });

  it('the demo still runs from the repo (npm run demo), from a file the tarball leaves out', async () => {
    const demo = /node (\S+)/.exec(pkg.scripts?.demo ?? '')?.[1];
    expect(demo).toBe('dist/demo.js');
    expect(packed).not.toContain(demo);
    const { stdout } = await run(process.execPath, [demo as string], { cwd: repo });
    expect(stdout).toContain('shape [1, 6]: 0.630314, 0.630314, 0.630314, 0.703873, 0.703873, 0.703873');
  });
});
