// A value computed on first use. The module tables below are built from other tables (name
// lookups, alias maps, the lists error messages quote); building them when the package is
// imported costs every cold start, though most programs never look a name up in most of them.

/** `make()` on the first call, the same value on every later one. @internal */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}
