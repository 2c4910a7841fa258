// Turning what the caller passed into bytes (or parsed JSON), plus a way to
// read files that sit beside it (TF.js weight shards). Node's file system is
// reached only through a dynamic import that bundlers neither follow nor keep.
import { ModelFileError, describeThrown } from './errors.js';
import { absoluteUrl, isNode, readNodeFile } from '../platform.js';

/**
 * What `loadModel` reads: the file's bytes (`Uint8Array`, `ArrayBuffer`, any typed array),
 * a file path (Node), a URL or URL string (fetched; `file:` URLs are read in Node), a `Response`,
 * a `Blob`, the text of a Keras `model.to_json()` / TF.js `model.json`, or that JSON already parsed.
 */
export type ModelSource = ArrayBuffer | ArrayBufferView | string | URL | Response | Blob | ModelJson;

/** A parsed Keras `model.to_json()` or TF.js `model.json` object. */
export interface ModelJson {
  [key: string]: unknown;
}

export interface ReadSource {
  /** The file's bytes, unless the source was JSON given as text or an object. */
  bytes?: Uint8Array;
  /** Parsed JSON when the source was JSON text or an object. */
  json?: unknown;
  /** The file's name for messages: the last path or URL segment, else a description. */
  label: string;
  /** Reads a file beside the source by a relative name; undefined when the source has no location. */
  sibling?: (name: string) => Promise<Uint8Array>;
}

export async function readSource(source: ModelSource): Promise<ReadSource> {
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), label: 'model bytes' };
  if (ArrayBuffer.isView(source)) {
    return { bytes: new Uint8Array(source.buffer, source.byteOffset, source.byteLength), label: 'model bytes' };
  }
  if (isResponse(source)) return readResponse(source, source.url || 'the given Response');
  if (typeof Blob === 'function' && source instanceof Blob) {
    const blobName = (source as unknown as { name?: unknown }).name;
    const name = typeof blobName === 'string' && blobName !== '' ? blobName : 'the given Blob';
    return { bytes: new Uint8Array(await source.arrayBuffer()), label: name };
  }
  if (source instanceof URL) return readLocation(source);
  if (typeof source === 'string') {
    if (/^\s*{/.test(source)) return { json: parseJsonText(source, 'model JSON text'), label: 'model JSON text' };
    return readLocation(source);
  }
  if (typeof source === 'object' && source !== null && !Array.isArray(source)) return { json: source, label: 'model JSON object' };
  throw new ModelFileError(`loadModel expects bytes, a path, a URL, a Response, a Blob or model JSON, received ${describeValue(source)}`);
}

export function parseJsonText(text: string, label: string, part?: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ModelFileError(`is not valid JSON (${describeThrown(error)})`, { file: label, part, cause: error });
  }
}

async function readLocation(location: URL | string): Promise<ReadSource> {
  const url = location instanceof URL ? location : absoluteUrl(location);
  const label = lastSegment(url ? url.pathname : typeof location === 'string' ? location : location.pathname);
  // Node (or a runtime with its API): paths and file: URLs are files. The label lets a browser
  // bundle drop this block (esbuild --drop-labels=NODE_ONLY), and with it every trace of node:fs.
  NODE_ONLY: if (isNode()) {
    if (url !== undefined && url.protocol !== 'file:') break NODE_ONLY;
    const target = url ?? location;
    return {
      bytes: await readModelFile(target, label),
      label,
      sibling: (name) => readModelFile(siblingLocation(target, name, label), name),
    };
  }
  // In browsers a relative string resolves against the document, as fetch resolves it.
  const base = url ?? (typeof location === 'string' ? resolveAgainstDocument(location) : undefined);
  let response: Response;
  try {
    response = await fetch(base ?? location);
  } catch (error) {
    throw new ModelFileError(`cannot be fetched (${describeThrown(error)})`, { file: String(location), cause: error });
  }
  return readResponse(response, label, base);
}

async function readResponse(response: Response, label: string, fallbackBase?: URL): Promise<ReadSource> {
  const name = response.url ? lastSegment(new URL(response.url).pathname) : label;
  if (!response.ok) {
    throw new ModelFileError(`cannot be loaded: the server answered ${response.status} ${response.statusText}`.trimEnd(), { file: response.url || label });
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw new ModelFileError(`cannot be read (${describeThrown(error)})`, { file: name, cause: error });
  }
  const base = response.url ? new URL(response.url) : fallbackBase;
  return { bytes, label: name, ...(base ? { sibling: (file: string) => fetchBytes(new URL(file, base)) } : {}) };
}

async function fetchBytes(url: URL): Promise<Uint8Array> {
  const label = lastSegment(url.pathname);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new ModelFileError(`cannot be fetched from ${url.href} (${describeThrown(error)})`, { file: label, cause: error });
  }
  if (!response.ok) throw new ModelFileError(`cannot be loaded from ${url.href}: the server answered ${response.status}`, { file: label });
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * A shard beside the model file. Names come from the file itself, so they may not climb out of its
 * folder or name absolute paths.
 */
function siblingLocation(target: URL | string, name: string, label: string): URL | string {
  if (name === '' || /^[\\/]|^[a-z]:[\\/]|^[a-z][a-z\d+.-]*:/i.test(name) || name.split(/[\\/]/).includes('..')) {
    throw new ModelFileError(`names a weight file outside its folder: ${JSON.stringify(name)}`, { file: label, part: 'weightsManifest' });
  }
  if (target instanceof URL) return new URL(name, target);
  const slash = Math.max(target.lastIndexOf('/'), target.lastIndexOf('\\'));
  return slash === -1 ? name : target.slice(0, slash + 1) + name;
}

/** Reads a file in Node, as a ModelFileError naming the file when it cannot. */
async function readModelFile(file: URL | string, label: string): Promise<Uint8Array> {
  try {
    return await readNodeFile(file);
  } catch (error) {
    throw new ModelFileError(`cannot be read (${describeThrown(error)})`, { file: label, cause: error });
  }
}


function resolveAgainstDocument(location: string): URL | undefined {
  const href = (globalThis as { location?: { href?: unknown } }).location?.href;
  if (typeof href !== 'string') return undefined;
  try {
    return new URL(location, href);
  } catch {
    return undefined;
  }
}

function lastSegment(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p !== '');
  let name = parts[parts.length - 1] ?? path;
  try {
    name = decodeURIComponent(name);
  } catch {
    // keep the raw segment
  }
  return name || path;
}

function isResponse(value: unknown): value is Response {
  return typeof Response === 'function' && value instanceof Response;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'an object';
}
