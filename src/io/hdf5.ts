// A guarded view of an HDF5 file through jsfive: every call into the library
// is wrapped (it throws plain strings, TypeErrors and RangeErrors on damaged
// input), members are looked up one path component at a time, and a
// dataset's shape and type are checked before its values are read.
import { Dataset, File, Group } from 'jsfive';
import { ModelFileError, describeThrown } from './errors.js';
import { checkObjectTrees } from './hdf5-trees.js';
import { quoted } from '../errors.js';

/** Where an HDF5 file sits, for error messages. */
export interface Hdf5Location {
  /** The file the caller gave (e.g. 'gru_model.keras'). */
  file?: string;
  /** The HDF5 file inside it, when it is an archive member (e.g. 'model.weights.h5'). */
  member?: string;
}

/** A float tensor read from a dataset. */
export interface StoredTensor {
  shape: number[];
  data: Float32Array;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const MAX_RANK = 8;
/** Groups one walk may visit: Keras weight files hold a few per layer. */
const MAX_WALK_OBJECTS = 100_000;

/** @internal */
export function hasHdf5Signature(bytes: Uint8Array): boolean {
  return bytes.length >= HDF5_SIGNATURE.length && HDF5_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** @internal */
export class Hdf5Reader {
  private readonly root: Group;
  private readonly nodes = new Map<string, Group | Dataset | null>();
  /** One jsfive object per object header: hard links to an object already read share it. */
  private readonly byAddress = new Map<number, Group | Dataset>();
  private readonly attrCache = new Map<string, Record<string, unknown>>();
  readonly byteLength: number;

  private constructor(root: Group, private readonly bytes: Uint8Array, private readonly location: Hdf5Location) {
    this.root = root;
    this.byteLength = bytes.byteLength;
  }

  static open(bytes: Uint8Array, location: Hdf5Location): Hdf5Reader {
    if (!hasHdf5Signature(bytes)) {
      throw new ModelFileError('is not an HDF5 file (no \\x89HDF signature at the start)', { file: location.file, part: location.member });
    }
    const declared = declaredLength(bytes);
    if (declared !== undefined && declared > bytes.length) {
      throw new ModelFileError(`is truncated: its HDF5 superblock says the file is ${declared} bytes, but ${bytes.length} are given`, {
        file: location.file, part: location.member,
      });
    }
    // jsfive reads (never writes) an ArrayBuffer holding exactly the file.
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
    const buffer = whole ? (bytes.buffer as ArrayBuffer) : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    let root: Group;
    try {
      const rootAddress = rootObjectAddress(bytes);
      if (rootAddress !== undefined) checkObjectTrees(bytes, rootAddress);
      root = new File(buffer, location.member ?? location.file ?? '');
    } catch (error) {
      throw new ModelFileError(`cannot be read as HDF5, the file is truncated or corrupted (${describeThrown(error)})`, {
        file: location.file, part: location.member, cause: error,
      });
    }
    return new Hdf5Reader(root, bytes, location);
  }

  /** 'model.weights.h5: layers/gru/vars/0', or just the path for a top-level .h5 file. */
  partName(path: string): string {
    const clean = path.replace(/^\/+/, '') || '/';
    return this.location.member ? `${this.location.member}: ${clean}` : clean;
  }

  error(path: string, message: string, layer?: string, cause?: unknown): ModelFileError {
    return new ModelFileError(message, { file: this.location.file, part: this.partName(path), layer, cause });
  }

  /** The group or dataset at `path` ('' is the root), or undefined when some component is missing. */
  private node(path: string, layer?: string): Group | Dataset | undefined {
    const parts = splitPath(path);
    let current: Group | Dataset = this.root;
    let walked = '';
    for (const part of parts) {
      const next = walked ? `${walked}/${part}` : part;
      let cached = this.nodes.get(next);
      if (cached === undefined) {
        if (!(current instanceof Group)) return undefined;
        const group: Group = current;
        const keys = this.guard(walked, layer, () => group.keys);
        if (!Array.isArray(keys) || !keys.includes(part)) return undefined;
        const target = linkTarget(group, part);
        // Keras writes hard links only; a soft or external link could lead anywhere, or in circles.
        if (target === undefined) throw this.error(next, 'is a soft or external link, which Keras weight files do not use', layer);
        this.guard(next, layer, () => checkObjectTrees(this.bytes, target));
        cached = this.guard(next, layer, () => group.get(part));
        if (cached !== null && !(cached instanceof Group) && !(cached instanceof Dataset)) {
          throw this.error(next, 'is neither a group nor a dataset', layer);
        }
        if (cached !== null) {
          const address = objectAddress(cached);
          const known = address === undefined ? undefined : this.byAddress.get(address);
          if (known) cached = known;
          else if (address !== undefined) this.byAddress.set(address, cached);
        }
        this.nodes.set(next, cached);
      }
      if (cached === null) return undefined;
      current = cached;
      walked = next;
    }
    return current;
  }

  /** The object header address of the group or dataset at `path`, which identifies it across hard links. */
  address(path: string, layer?: string): number | undefined {
    const node = this.node(path, layer);
    return node ? objectAddress(node) : undefined;
  }

  /**
   * Whether the tree under `path` holds any dataset. Each object is visited once, by its address,
   * so hard links back up the tree (or to itself) cost nothing; at most `MAX_WALK_OBJECTS` objects.
   */
  holdsDatasets(path: string): boolean {
    const seen = new Set<number>();
    const queue = [path];
    for (let next = 0; next < queue.length; next++) {
      const current = queue[next];
      const node = this.node(current);
      if (node instanceof Dataset) return true;
      if (!(node instanceof Group)) continue;
      const address = objectAddress(node);
      if (address === undefined) throw this.error(current, 'has no readable object address');
      if (seen.has(address)) continue;
      seen.add(address);
      if (seen.size > MAX_WALK_OBJECTS) throw this.error(path, `holds more than ${MAX_WALK_OBJECTS} groups`);
      for (const key of this.keys(current) ?? []) queue.push(`${current}/${key}`);
    }
    return false;
  }

  isGroup(path: string): boolean {
    return this.node(path) instanceof Group;
  }

  /** Member names of the group at `path` (storage order), or undefined if it is not a group. */
  keys(path: string, layer?: string): string[] | undefined {
    const node = this.node(path, layer);
    if (!(node instanceof Group)) return undefined;
    const keys = this.guard(path, layer, () => node.keys);
    if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw this.error(path, 'has an unreadable member list', layer);
    return keys;
  }

  attrs(path: string, layer?: string): Record<string, unknown> {
    const cached = this.attrCache.get(path);
    if (cached) return cached;
    const node = this.node(path, layer);
    if (!node) throw this.error(path, 'is missing', layer);
    const attrs = this.guard(path, layer, () => node.attrs);
    if (typeof attrs !== 'object' || attrs === null) throw this.error(path, 'has unreadable attributes', layer);
    this.attrCache.set(path, attrs);
    return attrs;
  }

  /** A string attribute (variable- or fixed-length, NUL padding removed), or undefined when absent. */
  stringAttr(path: string, name: string, layer?: string): string | undefined {
    const attrs = this.attrs(path, layer);
    if (!(name in attrs)) return undefined;
    const value = attrs[name];
    const text = decodeString(Array.isArray(value) && value.length === 1 ? value[0] : value);
    if (text === undefined) throw this.error(path, `attribute '${name}' is not a string`, layer);
    return text;
  }

  /**
   * A list-of-strings attribute such as `layer_names` or `weight_names`; Keras splits large ones into
   * numbered chunks (`layer_names0`, `layer_names1`, ...). Undefined when neither form is present.
   */
  stringListAttr(path: string, name: string, layer?: string): string[] | undefined {
    const attrs = this.attrs(path, layer);
    const chunks: unknown[] = [];
    if (name in attrs) {
      chunks.push(attrs[name]);
    } else {
      for (let i = 0; `${name}${i}` in attrs; i++) chunks.push(attrs[`${name}${i}`]);
      if (chunks.length === 0) return undefined;
    }
    const list: string[] = [];
    for (const chunk of chunks) {
      const items = Array.isArray(chunk) ? chunk : chunk === null || chunk === undefined ? [] : [chunk];
      for (const item of items) {
        const text = decodeString(item);
        if (text === undefined) throw this.error(path, `attribute '${name}' is not a list of strings`, layer);
        list.push(text);
      }
    }
    return list;
  }

  /**
   * Reads a float dataset. With `expectedShape` the stored shape must equal it, checked before any
   * value is read; without it, the size must fit in the file. Values must be finite.
   */
  readTensor(path: string, expectedShape: readonly number[] | null, layer?: string): StoredTensor {
    const node = this.node(path, layer);
    if (!node) throw this.error(path, 'is missing', layer);
    if (!(node instanceof Dataset)) throw this.error(path, 'is a group, expected a weight dataset', layer);
    const rawShape = this.guard(path, layer, () => node.shape);
    const dtype = this.guard(path, layer, () => node.dtype);
    if (!Array.isArray(rawShape) || rawShape.length > MAX_RANK || !rawShape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw this.error(path, `has an invalid shape ${quoted(rawShape)}`, layer);
    }
    const shape = rawShape as number[];
    // Integers are weights too: Normalization's count is Keras' int64.
    const itemSize = floatItemSize(dtype) || integerItemSize(dtype);
    if (itemSize === 0) {
      throw this.error(path, `has data type ${quoted(dtype)}; expected float32 (or float16/float64, or an integer type)`, layer);
    }
    if (expectedShape && !sameShape(shape, expectedShape)) {
      throw this.error(path, `has shape ${formatDims(shape)} but the model config needs ${formatDims(expectedShape)}`, layer);
    }
    const size = shape.reduce((a, b) => a * b, 1);
    // Guard before jsfive allocates: stored data cannot be larger than the file (Keras does not compress weights).
    if (size * itemSize > this.byteLength) {
      throw this.error(path, `claims ${size} values (${size * itemSize} bytes), more than the ${this.byteLength}-byte file holds`, layer);
    }
    const values = this.guard(path, layer, () => node.value);
    if (!Array.isArray(values) || values.length !== size) {
      throw this.error(path, `holds ${Array.isArray(values) ? values.length : 'no readable'} values, expected ${size}`, layer);
    }
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const value: unknown = values[i];
      data[i] = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : NaN;
      if (!Number.isFinite(data[i])) throw this.error(path, `value ${i} is ${String(value)}; weights must be finite numbers`, layer);
    }
    return { shape, data };
  }

  /** The shape of the dataset at `path`. */
  datasetShape(path: string): number[] {
    const node = this.node(path);
    if (!(node instanceof Dataset)) throw this.error(path, node ? 'is a group, expected a dataset' : 'is missing');
    const shape = this.guard(path, undefined, () => node.shape);
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw this.error(path, `has an invalid shape ${quoted(shape)}`);
    return shape as number[];
  }

  /** Whether the dataset at `path` holds integers ('<i8', Keras' iteration counter). */
  isIntegerDataset(path: string): boolean {
    const node = this.node(path);
    return node instanceof Dataset && /^[<>=|!]?[iu][1248]$/.test(String(this.guard(path, undefined, () => node.dtype)));
  }

  /** The one value of a scalar integer dataset. */
  readInteger(path: string): number {
    const node = this.node(path);
    if (!(node instanceof Dataset) || this.datasetShape(path).reduce((a, b) => a * b, 1) !== 1) throw this.error(path, 'must be a scalar integer dataset');
    const values = this.guard(path, undefined, () => node.value);
    const value: unknown = Array.isArray(values) ? values[0] : undefined;
    const number = typeof value === 'bigint' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw this.error(path, `holds ${String(value)}, expected an integer`);
    return number;
  }

  /** Runs a jsfive call, turning whatever it throws into a ModelFileError naming the path. */
  private guard<T>(path: string, layer: string | undefined, read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (error instanceof ModelFileError) throw error;
      throw this.error(path, `cannot be read, the file is truncated or corrupted (${describeThrown(error)})`, layer, error);
    }
  }
}

/**
 * The file length the superblock records (base address + end-of-file address), so a truncated
 * file is refused even when the cut only removed data the model does not read. Undefined for
 * superblock layouts this check does not know.
 */
function declaredLength(bytes: Uint8Array): number | undefined {
  const version = bytes[8];
  let offsetSize: number;
  let base: number;
  let eof: number;
  if (version === 0 || version === 1) {
    offsetSize = bytes[13];
    base = 24 + (version === 1 ? 4 : 0);
    eof = base + 2 * offsetSize;
  } else if (version === 2 || version === 3) {
    offsetSize = bytes[9];
    base = 12;
    eof = base + 2 * offsetSize;
  } else {
    return undefined;
  }
  if (offsetSize !== 8 || bytes.length < eof + 8) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = (at: number) => view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
  return read(base) + read(eof);
}

/** The object header address a hard link in `group` points to (jsfive keeps links in `_links`); undefined for other links. */
function linkTarget(group: Group, name: string): number | undefined {
  const links = (group as unknown as { _links?: Record<string, unknown> })._links;
  const target = links !== undefined && Object.hasOwn(links, name) ? links[name] : undefined;
  return typeof target === 'number' && Number.isSafeInteger(target) ? target : undefined;
}

/** The root group's object header address from the superblock (8-byte offsets), when this check knows the layout. */
function rootObjectAddress(bytes: Uint8Array): number | undefined {
  const version = bytes[8];
  const at = version === 0 ? 64 : version === 1 ? 68 : version === 2 || version === 3 ? 36 : -1;
  const offsetSize = version === 0 || version === 1 ? bytes[13] : bytes[9];
  if (at < 0 || offsetSize !== 8 || bytes.length < at + 8) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const address = view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
  return Number.isSafeInteger(address) ? address : undefined;
}

/** jsfive keeps an object's header address in its (untyped) DataObjects. */
function objectAddress(node: Group | Dataset): number | undefined {
  const offset = (node as unknown as { _dataobjects?: { offset?: unknown } })._dataobjects?.offset;
  return typeof offset === 'number' && Number.isSafeInteger(offset) ? offset : undefined;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

/** Bytes per value of an integer type string such as '<i8'; 0 for anything else. */
function integerItemSize(dtype: unknown): number {
  if (typeof dtype !== 'string') return 0;
  const match = /^[<>=|!]?[iu]([1248])$/.exec(dtype);
  return match ? Number(match[1]) : 0;
}

/** Bytes per value of a float type string such as '<f4'; 0 for anything else. */
function floatItemSize(dtype: unknown): number {
  if (typeof dtype !== 'string') return 0;
  const match = /^[<>=|!]?f([248])$/.exec(dtype);
  return match ? Number(match[1]) : 0;
}

function decodeString(value: unknown): string | undefined {
  let text: string | undefined;
  if (typeof value === 'string') text = value;
  else if (value instanceof Uint8Array) text = new TextDecoder().decode(value);
  if (text === undefined) return undefined;
  // Fixed-length HDF5 strings are NUL padded.
  const nul = text.indexOf('\0');
  return nul === -1 ? text : text.slice(0, nul);
}

/** @internal */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** @internal */
export function formatDims(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
