// Prints the package's public TypeScript surface: every declaration the entry
// points' .d.ts files export, and every .d.ts file they reach, as normalised
// declaration text. test/public-surface.test.ts compares it with the committed
// snapshot, so a change to the public API is a deliberate one.
//   node scripts/public-surface.mjs            prints it
//   node scripts/public-surface.mjs --update   rewrites test/surface/public-surface.txt
//   node scripts/public-surface.mjs --leaks    lists exported values no entry point exports (JSON)
//   node scripts/public-surface.mjs --dist D   reads the .d.ts files of another build folder
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../', import.meta.url));
const distArg = process.argv.indexOf('--dist');
const DIST = distArg > 0 ? process.argv[distArg + 1] : 'dist';
const ENTRY_POINTS = [`${DIST}/index.d.ts`, `${DIST}/io/keras.d.ts`];
export const SNAPSHOT = join(root, 'test/surface/public-surface.txt');

/** The .d.ts files reachable from the entry points through import and export specifiers. */
function reachableFiles() {
  const seen = new Set();
  const queue = ENTRY_POINTS.map((entry) => join(root, entry));
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    source.forEachChild((node) => {
      const specifier = (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) ? node.moduleSpecifier : undefined;
      if (specifier && ts.isStringLiteral(specifier) && specifier.text.startsWith('.')) {
        queue.push(join(dirname(file), specifier.text.replace(/\.js$/, '.d.ts')));
      }
    });
  }
  return [...seen].sort();
}

function normalise(text) {
  return text.replace(/\/\*\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '').replace(/\s+/g, ' ').trim();
}

export function publicSurface() {
  const lines = [];
  for (const file of reachableFiles()) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    lines.push(`## ${relative(root, file)}`);
    source.forEachChild((node) => {
      if (ts.isImportDeclaration(node)) return;
      const text = normalise(node.getText(source));
      if (text !== '' && text !== 'export {};') lines.push(text);
    });
  }
  return `${lines.join('\n')}\n`;
}

/** Names the entry points export (their own names inside the modules, before any `as`). */
function entryNames() {
  const names = new Set();
  for (const entry of ENTRY_POINTS) {
    const file = join(root, entry);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    source.forEachChild((node) => {
      if (!ts.isExportDeclaration(node) || !node.exportClause || !ts.isNamedExports(node.exportClause)) return;
      for (const element of node.exportClause.elements) names.add((element.propertyName ?? element.name).text);
    });
  }
  return names;
}

function isExported(node) {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/**
 * Values (functions, constants, classes) that a reachable .d.ts exports but no entry point does:
 * helpers that leaked into the declarations. Types may be reachable without being exported
 * (an option bag named in a signature); a value there is code a user could not import anyway.
 */
export function unexportedValues() {
  const exported = entryNames();
  const entries = new Set(ENTRY_POINTS.map((entry) => join(root, entry)));
  const leaks = [];
  for (const file of reachableFiles()) {
    if (entries.has(file)) continue;
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    source.forEachChild((node) => {
      if (!isExported(node)) return;
      const names = ts.isVariableStatement(node)
        ? node.declarationList.declarations.map((d) => d.name.getText(source))
        : (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isEnumDeclaration(node)) && node.name ? [node.name.text] : [];
      for (const name of names) if (!exported.has(name)) leaks.push(`${relative(root, file)}: ${name}`);
    });
  }
  return leaks;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const surface = publicSurface();
  if (process.argv.includes('--leaks')) process.stdout.write(`${JSON.stringify(unexportedValues())}\n`);
  else if (process.argv.includes('--update')) writeFileSync(SNAPSHOT, surface);
  else process.stdout.write(surface);
}
