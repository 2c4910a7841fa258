// Turning what the caller passed into bytes (or parsed JSON), plus a way to
// read the files a model file names (TF.js weight shards), all under the
// load's ReadLimits. Node's file system is reached only through node-file.ts,
// from blocks a browser bundle drops.
import { ModelFileError, describeThrown } from './errors.js';
import { absoluteUrl, isNode } from '../platform.js';
import { checkJsonDepth } from './json-limits.js';
import { readLocalFile, toFileUrl } from './node-file.js';
import type { ModelSource } from './load-options.js';
import type { ReadLimits } from './read-limits.js';
import { isHttpUrl, resolveSibling } from './sibling.js';

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

/** @internal */
export async function readSource(source: ModelSource, limits: ReadLimits): Promise<ReadSource> {
  if (source instanceof ArrayBuffer) return inMemory(new Uint8Array(source), limits);
  if (ArrayBuffer.isView(source)) return inMemory(new Uint8Array(source.buffer, source.byteOffset, source.byteLength), limits);
  if (isResponse(source)) {
    const base = source.url ? new URL(source.url) : undefined;
    return fromResponse(source, source.url ? lastSegment(base?.pathname ?? '') : 'the given Response', base, limits);
  }
  if (typeof Blob === 'function' && source instanceof Blob) {
    const blobName = (source as unknown as { name?: unknown }).name;
    const label = typeof blobName === 'string' && blobName !== '' ? blobName : 'the given Blob';
    limits.take(source.size, { file: label });
    try {
      return { bytes: new Uint8Array(await limits.race(source.arrayBuffer())), label };
    } catch (error) {
      if (limits.signal.aborted || error instanceof ModelFileError) throw error;
      throw new ModelFileError(`cannot be read (${describeThrown(error)})`, { file: label, cause: error });
    }
  }
  if (source instanceof URL) return readLocation(source, limits);
  if (typeof source === 'string') {
    if (/^\s*{/.test(source)) {
      limits.take(source.length, { file: 'model JSON text' });
      return { json: parseJsonText(source, 'model JSON text'), label: 'model JSON text' };
    }
    return readLocation(source, limits);
  }
  if (typeof source === 'object' && source !== null && !Array.isArray(source)) {
    checkJsonDepth(source, { file: 'model JSON object' });
    return { json: source, label: 'model JSON object' };
  }
  throw new ModelFileError(`loadModel expects bytes, a path, a URL, a Response, a Blob or model JSON, received ${describeValue(source)}`);
}

/** @internal */
export function parseJsonText(text: string, label: string, part?: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ModelFileError(`is not valid JSON (${describeThrown(error)})`, { file: label, part, cause: error });
  }
  checkJsonDepth(json, { file: label, part });
  return json;
}

function inMemory(bytes: Uint8Array, limits: ReadLimits): ReadSource {
  limits.take(bytes.length, { file: 'model bytes' });
  return { bytes, label: 'model bytes' };
}

async function readLocation(location: URL | string, limits: ReadLimits): Promise<ReadSource> {
  const url = location instanceof URL ? location : absoluteUrl(location);
  const label = lastSegment(url ? url.pathname : typeof location === 'string' ? location : location.pathname);
  // Node (or a runtime with its API): paths and file: URLs are files. The label lets a browser
  // bundle drop this block (esbuild --drop-labels=NODE_ONLY), and with it every trace of node:fs.
  NODE_ONLY: if (isNode()) {
    if (url !== undefined && url.protocol !== 'file:') break NODE_ONLY;
    const fileUrl = await toFileUrl(url ?? location);
    return { bytes: await readLocalFile(fileUrl, label, limits), label, sibling: siblingReader(fileUrl, label, limits) };
  }
  // In browsers a relative string resolves against the document, as fetch resolves it.
  const target = url ?? (typeof location === 'string' ? resolveAgainstDocument(location) : undefined);
  const response = await fetchWithin(target ?? String(location), label, limits);
  return fromResponse(response, label, target, limits);
}

async function fromResponse(response: Response, label: string, fallbackBase: URL | undefined, limits: ReadLimits): Promise<ReadSource> {
  const base = response.url ? new URL(response.url) : fallbackBase;
  const name = response.url ? lastSegment(new URL(response.url).pathname) : label;
  const bytes = await readBody(response, name, limits);
  return { bytes, label: name, ...(base ? { sibling: siblingReader(base, name, limits) } : {}) };
}

/** Reads the files a model file at `base` names, after checking each stays in its folder or origin. */
function siblingReader(base: URL, label: string, limits: ReadLimits): (name: string) => Promise<Uint8Array> {
  return async (name: string) => {
    const url = resolveSibling(name, base, { file: label, allowCrossOrigin: limits.allowCrossOrigin });
    const shardLabel = lastSegment(url.pathname);
    NODE_ONLY: if (isNode()) {
      if (url.protocol !== 'file:') break NODE_ONLY;
      return readLocalFile(url, shardLabel, limits);
    }
    const response = await fetchWithin(url, shardLabel, limits);
    // A redirect is followed, but only to where the manifest itself could have pointed.
    if (response.url && !limits.allowCrossOrigin && isHttpUrl(base) && new URL(response.url).origin !== base.origin) {
      await response.body?.cancel().catch(() => undefined);
      throw new ModelFileError('redirects to another origin; pass allowCrossOrigin: true to allow it', { file: shardLabel, part: 'weightsManifest' });
    }
    return readBody(response, shardLabel, limits);
  };
}

async function fetchWithin(target: URL | string, label: string, limits: ReadLimits): Promise<Response> {
  let response: Response;
  try {
    response = await limits.race(fetch(target, { signal: limits.signal }));
  } catch (error) {
    if (limits.signal.aborted) throw limits.abortReason();
    throw new ModelFileError(`cannot be fetched (${describeThrown(error)})`, { file: label, cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new ModelFileError(`cannot be loaded: the server answered ${response.status} ${response.statusText}`.trimEnd(), { file: label });
  }
  return response;
}

/**
 * A response body, streamed under the byte budget and the deadline: a body past maxBytes (by its
 * Content-Length or by what arrives) is cancelled, and what was read is dropped.
 */
async function readBody(response: Response, label: string, limits: ReadLimits): Promise<Uint8Array> {
  const where = { file: label };
  if (!response.ok) {
    throw new ModelFileError(`cannot be loaded: the server answered ${response.status} ${response.statusText}`.trimEnd(), where);
  }
  const declared = response.headers.get('content-length');
  const body = response.body;
  try {
    if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limits.remaining) limits.take(Number(declared), where);
    if (body === null) {
      const bytes = new Uint8Array(await limits.race(response.arrayBuffer()));
      limits.take(bytes.length, where);
      return bytes;
    }
  } catch (error) {
    await body?.cancel().catch(() => undefined);
    throw error instanceof ModelFileError || limits.signal.aborted ? error : new ModelFileError(`cannot be read (${describeThrown(error)})`, { ...where, cause: error });
  }
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = body.getReader();
  } catch (error) {
    // A Response whose body was already read or locked.
    throw new ModelFileError(`cannot be read (${describeThrown(error)})`, { ...where, cause: error });
  }
  let chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await limits.race(reader.read());
      if (done) break;
      total += value.byteLength;
      if (total > limits.remaining) limits.take(total, where);
      chunks.push(value);
    }
  } catch (error) {
    chunks = [];
    reader.cancel().catch(() => undefined);
    if (limits.signal.aborted) throw limits.abortReason();
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(`cannot be read (${describeThrown(error)})`, { ...where, cause: error });
  }
  limits.take(total, where);
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
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

/** @internal */
export function lastSegment(path: string): string {
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
