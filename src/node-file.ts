// Reading a file in Node without letting a bundler see Node's file system.
// The module name is assembled at run time and the import carries both ignore
// hints, so no bundler resolves it, folds it back into a static import, or
// leaves a `node:` specifier in a browser bundle. Browsers never call this.

/** Whether this is Node (or a runtime with Node's API), where paths and file: URLs are read from disk. */
export function isNode(): boolean {
  return typeof process === 'object' && process !== null && typeof process.versions?.node === 'string';
}

export async function readNodeFile(file: URL | string): Promise<Uint8Array> {
  const fsModule = ['node', 'fs/promises'].join(':');
  const fs = (await import(/* webpackIgnore: true */ /* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
  const data = await fs.readFile(file);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
