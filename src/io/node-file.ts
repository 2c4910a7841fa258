// Model files on disk (Node): regular files only, read in chunks under the
// load's byte budget and deadline. Node's modules are reached through dynamic
// imports whose names are assembled at run time, so no bundler follows them;
// browsers never call these functions (their callers sit in NODE_ONLY blocks).
import { ModelFileError, describeThrown } from './errors.js';
import type { ReadLimits } from './read-limits.js';

const CHUNK_BYTES = 16 * 1024 * 1024;

async function nodeModule<T>(name: string): Promise<T> {
  const specifier = ['node', name].join(':');
  return (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as T;
}

/** A path (relative to the working directory) or file: URL as an absolute file: URL. */
export async function toFileUrl(location: URL | string): Promise<URL> {
  if (location instanceof URL) return location;
  const url = await nodeModule<typeof import('node:url')>('url');
  return url.pathToFileURL(location);
}

/** Reads the file at a file: URL, refusing devices, FIFOs and directories, and files past the budget. */
export async function readLocalFile(location: URL, label: string, limits: ReadLimits): Promise<Uint8Array> {
  const where = { file: label };
  let path: string;
  try {
    path = (await nodeModule<typeof import('node:url')>('url')).fileURLToPath(location);
  } catch (error) {
    throw new ModelFileError(`is not a readable file location (${describeThrown(error)})`, { ...where, cause: error });
  }
  const fs = await nodeModule<typeof import('node:fs/promises')>('fs/promises');
  let handle: Awaited<ReturnType<typeof fs.open>> | undefined;
  try {
    // Non-blocking where there is such a flag: opening a FIFO for reading otherwise waits for a
    // writer, holding one of libuv's four file threads for good. Regular files read as ever.
    const { O_RDONLY, O_NONBLOCK } = fs.constants;
    handle = await limits.race(fs.open(path, O_NONBLOCK === undefined ? 'r' : O_RDONLY | O_NONBLOCK));
    const stat = await limits.race(handle.stat());
    if (!stat.isFile()) throw new ModelFileError('is not a regular file (loadModel reads files, not devices, pipes or folders)', where);
    limits.take(stat.size, where);
    const bytes = new Uint8Array(stat.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await limits.race(handle.read(bytes, filled, Math.min(CHUNK_BYTES, bytes.length - filled), filled));
      if (bytesRead === 0) throw new ModelFileError(`ended after ${filled} of its ${bytes.length} bytes while being read`, where);
      filled += bytesRead;
    }
    return bytes;
  } catch (error) {
    if (limits.signal.aborted) throw limits.abortReason();
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(`cannot be read (${describeThrown(error)})`, { ...where, cause: error });
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Writes every file or none: each goes to a temporary name beside its target first, and only when
 * all are written are they renamed into place, in order (so a TF.js model.json, given last, appears
 * only after its shards). On any failure the temporary files, and files already renamed, are removed.
 */
export async function writeFilesAtomically(files: readonly [URL, Uint8Array][]): Promise<void> {
  const fs = await nodeModule<typeof import('node:fs/promises')>('fs/promises');
  const url = await nodeModule<typeof import('node:url')>('url');
  const suffix = `.${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`;
  const targets = files.map(([location, bytes]) => {
    const path = url.fileURLToPath(location);
    return { path, temp: `${path}${suffix}`, bytes };
  });
  const temps: string[] = [];
  const placed: string[] = [];
  let failed = targets[0]?.path ?? '';
  try {
    for (const file of targets) {
      failed = file.path;
      temps.push(file.temp);
      await fs.writeFile(file.temp, file.bytes, { flag: 'wx' });
    }
    for (const file of targets) {
      failed = file.path;
      await fs.rename(file.temp, file.path);
      temps.splice(temps.indexOf(file.temp), 1);
      placed.push(file.path);
    }
  } catch (error) {
    await Promise.all([...temps, ...placed].map((path) => fs.rm(path, { force: true }).catch(() => undefined)));
    // ENOENT on a write names a temporary file; what the user needs to know is that the folder is missing.
    const folder = failed.slice(0, Math.max(failed.lastIndexOf('/'), failed.lastIndexOf('\\')));
    const missing = (error as { code?: unknown }).code === 'ENOENT' && folder !== '' && !(await fs.stat(folder).then(() => true, () => false));
    const reason = missing ? `its folder ${folder} does not exist; create it first (saving writes files, not folders)` : describeThrown(error);
    throw new ModelFileError(`cannot be written (${reason}); no file of this save was left behind`, { file: failed, cause: error });
  }
}
