// Files of ../shared/models2 that do not load yet, by `<folder>/<file>`, with every layer class the
// loader must still name as unsupported. test/models2.test.ts (and its Chromium leg) asserts that
// each of these fails with a ModelFileError naming exactly these classes, and that every other file
// loads and matches. When a layer lands, delete it here: the test then says which files now load.
export const PENDING: Readonly<Record<string, readonly string[]>> = {
};

/** The classes a loader error names as unsupported: every `"Class" (layer, ...)` in its message. */
export function namedUnsupportedClasses(message: string): string[] {
  const listed = /does not support/.test(message) ? message.split('; supported layers:')[0] : '';
  return [...listed.matchAll(/"([A-Za-z_][\w.]*)" \(/g)].map((m) => m[1]).sort();
}
