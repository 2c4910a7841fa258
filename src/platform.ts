// Where the code runs and how it reaches a location: Node files without letting
// a bundler see Node's file system, and absolute URLs told apart from paths.

/** Whether this is Node (or a runtime with Node's API), where paths and file: URLs are read from disk. */
export function isNode(): boolean {
  return typeof process === 'object' && process !== null && typeof process.versions?.node === 'string';
}

/**
 * Reads a file in Node. Where the runtime has process.getBuiltinModule (Node 20.16+), node:fs is
 * taken from it: fs is loaded at Node's start-up, where a first import of node:fs/promises
 * compiles more of Node's own modules, a few milliseconds of every cold start. Elsewhere the
 * module name is assembled at run time and the import carries both ignore hints, so no bundler
 * resolves it, folds it back into a static import, or leaves a `node:` specifier in a browser
 * bundle. Browsers never call this.
 */
export async function readNodeFile(file: URL | string): Promise<Uint8Array> {
  const bytes = readNodeFileSync(file);
  if (bytes !== undefined) return bytes;
  const fs = await nodeFsPromises();
  const data = await fs.readFile(file);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** node:fs/promises: from process.getBuiltinModule where it exists, else by the import readNodeFile describes. */
async function nodeFsPromises(): Promise<typeof import('node:fs/promises')> {
  const builtin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof builtin === 'function') return (builtin('fs') as typeof import('node:fs')).promises;
  const fsModule = ['node', 'fs/promises'].join(':');
  return (await import(/* webpackIgnore: true */ /* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
}

/**
 * Reads a file in Node synchronously where process.getBuiltinModule exists (Node 20.16+), so that
 * ready() can compile the kernels without a round trip through the event loop; undefined where it
 * does not (the caller then takes readNodeFile's asynchronous way). Throws the file system's error.
 */
export function readNodeFileSync(file: URL | string): Uint8Array | undefined {
  const builtin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof builtin !== 'function') return undefined;
  const data = (builtin('fs') as typeof import('node:fs')).readFileSync(file);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * A string that is an absolute URL, as a URL; undefined for relative references and file paths
 * (a Windows path such as C:\x.wasm is not a URL with scheme "c:").
 */
export function absoluteUrl(location: string): URL | undefined {
  if (/^[a-z]:[\\/]/i.test(location) || !/^[a-z][a-z\d+.-]*:/i.test(location)) return undefined;
  try {
    return new URL(location);
  } catch {
    return undefined;
  }
}

/**
 * Writes (or with `append`, appends) a text file in Node, with node:fs reached as readNodeFile
 * reaches it. Callers check isNode() first; browsers never call this.
 */
export async function writeNodeTextFile(file: URL | string, text: string, append = false): Promise<void> {
  const builtin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof builtin === 'function') {
    const fs = builtin('fs') as typeof import('node:fs');
    if (append) fs.appendFileSync(file, text);
    else fs.writeFileSync(file, text);
    return;
  }
  const fs = await nodeFsPromises();
  await (append ? fs.appendFile(file, text) : fs.writeFile(file, text));
}

/** Creates a folder and any missing parents in Node, as Python's os.makedirs; an existing folder is fine. */
export async function makeNodeDirectory(path: string): Promise<void> {
  await (await nodeFsPromises()).mkdir(path, { recursive: true });
}

/** A text file's contents in Node, or undefined when the file does not exist. */
export async function readNodeTextFile(file: URL | string): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await readNodeFile(file));
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
}
