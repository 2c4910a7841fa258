// A small HDF5 writer for what Keras and h5py write into model files: groups,
// contiguous little-endian datasets, and attributes (numbers, fixed-length and
// variable-length strings, lists of them). It writes the classic layout every
// HDF5 reader since 1.0 understands (h5py's libver='earliest'): superblock
// version 0, version 1 object headers, groups as symbol tables (a version 1
// B-tree over symbol nodes, names in a local heap), variable-length strings in
// global heap collections.

import { ConfigError, quoted } from '../errors.js';

/** Values a dataset or a numeric attribute holds, with their HDF5 element type. */
export type Hdf5Numbers = Float32Array | Float64Array | Int32Array | BigInt64Array;

/** A string attribute as h5py stores it: variable-length (Python str / object arrays) or fixed-length (numpy bytes). */
export interface Hdf5StringValue {
  strings: readonly string[];
  /** Whether the attribute is one string (scalar dataspace) rather than a 1-D list. */
  scalar: boolean;
  cset: 'ascii' | 'utf8';
  /** Fixed-length, null-padded (numpy 'S<n>'), instead of variable-length. */
  fixed?: boolean;
}

export interface Hdf5NumericValue {
  values: Hdf5Numbers;
  shape: readonly number[];
}

export type Hdf5AttributeValue = Hdf5StringValue | Hdf5NumericValue;

/** A variable-length string or list (h5py's default for str). */
export function vlenStrings(value: string | readonly string[], cset: 'ascii' | 'utf8' = 'utf8'): Hdf5StringValue {
  return typeof value === 'string' ? { strings: [value], scalar: true, cset } : { strings: value, scalar: false, cset };
}

/** A fixed-length null-padded byte string or list (h5py's storage for numpy bytes). */
export function fixedStrings(value: string | readonly string[]): Hdf5StringValue {
  return { ...vlenStrings(value, 'ascii'), fixed: true };
}

interface DatasetNode {
  kind: 'dataset';
  shape: readonly number[];
  values: Hdf5Numbers;
  attributes: Map<string, Hdf5AttributeValue>;
}

export class Hdf5Group {
  readonly kind = 'group';
  readonly members = new Map<string, Hdf5Group | DatasetNode>();
  readonly attributes = new Map<string, Hdf5AttributeValue>();

  /** The group at `path` below this one ('a/b'), created with any missing parents. */
  group(path: string): Hdf5Group {
    let current: Hdf5Group = this;
    for (const name of splitPath(path)) {
      const existing = current.members.get(name);
      if (existing === undefined) {
        const created = new Hdf5Group();
        current.members.set(name, created);
        current = created;
      } else if (existing.kind === 'group') {
        current = existing;
      } else {
        throw new Error(`HDF5 path ${quoted(path)}: ${quoted(name)} is a dataset, not a group`);
      }
    }
    return current;
  }

  /** A contiguous dataset at `path` (parents created as h5py's create_dataset does). */
  dataset(path: string, shape: readonly number[], values: Hdf5Numbers): void {
    const parts = splitPath(path);
    const name = parts.pop();
    if (name === undefined) throw new Error('HDF5 dataset path is empty');
    const parent = this.group(parts.join('/'));
    // Reachable from a model whose weights would share a path (Keras' h5py raises alike), so a library error.
    if (parent.members.has(name)) {
      throw new ConfigError(`HDF5 path ${quoted(path)} already exists: two weights of the model would be written at the same path; give every layer (those of nested models included) its own name`);
    }
    const count = shape.reduce((a, b) => a * b, 1);
    if (count !== values.length) throw new Error(`HDF5 dataset ${quoted(path)}: shape [${shape.join(', ')}] needs ${count} values, received ${values.length}`);
    parent.members.set(name, { kind: 'dataset', shape: [...shape], values, attributes: new Map() });
  }

  attr(name: string, value: Hdf5AttributeValue): this {
    this.attributes.set(name, value);
    return this;
  }
}

function splitPath(path: string): string[] {
  const parts = path.split('/').filter((part) => part !== '');
  for (const part of parts) if (part === '.') throw new Error(`HDF5 path ${quoted(path)} has a '.' component`);
  return parts;
}

const UNDEFINED_ADDRESS = 0xffffffffffffffffn;
const LEAF_K = 4;
const MIN_INTERNAL_K = 16;
const SUPERBLOCK_BYTES = 96;
const SYMBOL_ENTRY_BYTES = 40;
const GLOBAL_HEAP_MIN_BYTES = 4096;
const MAX_HEAP_OBJECTS = 0xffff;
const MAX_MESSAGE_BYTES = 0xffff;

const utf8 = new TextEncoder();
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const align8 = (n: number): number => (n + 7) & ~7;

/** A growing little-endian byte buffer addressed from the start of the file. */
class FileBytes {
  private buffer = new Uint8Array(1 << 16);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  /** Reserves `size` zero bytes (8-byte aligned) and returns their address. */
  allocate(size: number): number {
    const at = align8(this.length);
    const end = at + size;
    if (end > this.buffer.length) {
      let capacity = this.buffer.length;
      while (capacity < end) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length = end;
    return at;
  }

  write(at: number, bytes: Uint8Array): void {
    this.buffer.set(bytes, at);
  }

  u8(at: number, v: number): void { this.view.setUint8(at, v); }
  u16(at: number, v: number): void { this.view.setUint16(at, v, true); }
  u32(at: number, v: number): void { this.view.setUint32(at, v, true); }
  u64(at: number, v: number | bigint): void { this.view.setBigUint64(at, BigInt(v), true); }

  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** Bytes built field by field, for messages whose size is known only at the end. */
class Chunk {
  private readonly parts: number[] = [];
  u8(v: number): this { this.parts.push(v & 0xff); return this; }
  u16(v: number): this { return this.u8(v).u8(v >>> 8); }
  u32(v: number): this { return this.u16(v & 0xffff).u16(v >>> 16); }
  u64(v: number | bigint): this {
    const big = BigInt.asUintN(64, BigInt(v));
    return this.u32(Number(big & 0xffffffffn)).u32(Number(big >> 32n));
  }
  raw(bytes: Uint8Array): this { for (const b of bytes) this.parts.push(b); return this; }
  pad8(): this { while (this.parts.length % 8 !== 0) this.parts.push(0); return this; }
  get length(): number { return this.parts.length; }
  bytes(): Uint8Array { return Uint8Array.from(this.parts); }
}

/** Where each variable-length string sits in the global heap. */
interface HeapId {
  collection: number;
  index: number;
}

/** Serialises `root` as an HDF5 file. */
export function writeHdf5(root: Hdf5Group): Uint8Array {
  const out = new FileBytes();
  out.allocate(SUPERBLOCK_BYTES);
  const internalK = Math.max(MIN_INTERNAL_K, Math.ceil(maxSymbolNodes(root) / 2));
  const heapIds = writeGlobalHeaps(out, root);
  const rootGroup = writeGroup(out, root, internalK, heapIds);
  writeSuperblock(out, internalK, rootGroup);
  return out.bytes();
}

function maxSymbolNodes(group: Hdf5Group): number {
  let most = Math.ceil(group.members.size / (2 * LEAF_K));
  for (const member of group.members.values()) if (member.kind === 'group') most = Math.max(most, maxSymbolNodes(member));
  return most;
}

function writeSuperblock(out: FileBytes, internalK: number, root: WrittenGroup): void {
  out.write(0, Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]));
  // versions 0 (superblock, free space, root symbol table, shared header), offsets and lengths of 8 bytes
  out.write(8, Uint8Array.from([0, 0, 0, 0, 0, 8, 8, 0]));
  out.u16(16, LEAF_K);
  out.u16(18, internalK);
  out.u32(20, 0);
  out.u64(24, 0); // base address
  out.u64(32, UNDEFINED_ADDRESS); // free-space info
  out.u64(40, out.length); // end of file
  out.u64(48, UNDEFINED_ADDRESS); // driver info
  writeSymbolEntry(out, 56, 0, root);
}

interface WrittenGroup {
  header: number;
  btree: number;
  heap: number;
}

function writeSymbolEntry(out: FileBytes, at: number, nameOffset: number, target: WrittenGroup | number): void {
  out.u64(at, nameOffset);
  if (typeof target === 'number') {
    out.u64(at + 8, target);
    out.u32(at + 16, 0);
  } else {
    // cache type 1: the group's B-tree and heap addresses in the scratch pad, as the library writes them
    out.u64(at + 8, target.header);
    out.u32(at + 16, 1);
    out.u64(at + 24, target.btree);
    out.u64(at + 32, target.heap);
  }
}

/** Every variable-length string of the file in global heap collections, before anything refers to them. */
function writeGlobalHeaps(out: FileBytes, root: Hdf5Group): Map<string, HeapId> {
  const strings = new Set<string>();
  const collect = (attributes: Map<string, Hdf5AttributeValue>) => {
    for (const value of attributes.values()) if ('strings' in value && !value.fixed) for (const s of value.strings) strings.add(s);
  };
  const visit = (group: Hdf5Group) => {
    collect(group.attributes);
    for (const member of group.members.values()) {
      if (member.kind === 'group') visit(member);
      else collect(member.attributes);
    }
  };
  visit(root);
  const ids = new Map<string, HeapId>();
  let pending: Uint8Array[] = [];
  const pendingStrings: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const objects = pending.reduce((sum, b) => sum + 16 + align8(b.length), 0);
    const size = Math.max(GLOBAL_HEAP_MIN_BYTES, 16 + objects + 16);
    const at = out.allocate(size);
    out.write(at, utf8.encode('GCOL'));
    out.u8(at + 4, 1);
    out.u64(at + 8, size);
    let p = at + 16;
    pending.forEach((bytes, i) => {
      out.u16(p, i + 1);
      out.u64(p + 8, bytes.length);
      out.write(p + 16, bytes);
      ids.set(pendingStrings[i], { collection: at, index: i + 1 });
      p += 16 + align8(bytes.length);
    });
    // object 0: the free space left, its size counting its own header
    out.u64(p + 8, at + size - p);
    pending = [];
    pendingStrings.length = 0;
  };
  for (const s of strings) {
    if (pending.length === MAX_HEAP_OBJECTS) flush();
    pending.push(utf8.encode(s));
    pendingStrings.push(s);
  }
  flush();
  return ids;
}

function writeGroup(out: FileBytes, group: Hdf5Group, internalK: number, heapIds: Map<string, HeapId>): WrittenGroup {
  // Names sorted as the library compares them (bytes, strcmp): lookups bisect the symbol nodes.
  const names = [...group.members.keys()].map((name) => ({ name, bytes: utf8.encode(name) })).sort((a, b) => compareBytes(a.bytes, b.bytes));
  const targets = names.map(({ name }) => {
    const member = group.members.get(name) as Hdf5Group | DatasetNode;
    return member.kind === 'group' ? writeGroup(out, member, internalK, heapIds) : writeDataset(out, member, heapIds);
  });

  // Local heap: the empty name at offset 0, then every member name, each null-terminated and 8-aligned.
  const offsets: number[] = [];
  let heapData = 8;
  for (const { bytes } of names) {
    offsets.push(heapData);
    heapData += align8(bytes.length + 1);
  }
  const heap = out.allocate(32);
  const heapDataAt = out.allocate(heapData);
  out.write(heap, utf8.encode('HEAP'));
  out.u64(heap + 8, heapData);
  out.u64(heap + 16, 1); // no free block (the library's H5HL_FREE_NULL)
  out.u64(heap + 24, heapDataAt);
  names.forEach(({ bytes }, i) => out.write(heapDataAt + offsets[i], bytes));

  // Symbol nodes of up to 2K entries, one B-tree leaf over them.
  const perNode = 2 * LEAF_K;
  const nodes: number[] = [];
  const lastName: number[] = [];
  for (let start = 0; start < names.length; start += perNode) {
    const node = out.allocate(8 + perNode * SYMBOL_ENTRY_BYTES);
    const count = Math.min(perNode, names.length - start);
    out.write(node, utf8.encode('SNOD'));
    out.u8(node + 4, 1);
    out.u16(node + 6, count);
    for (let i = 0; i < count; i++) writeSymbolEntry(out, node + 8 + i * SYMBOL_ENTRY_BYTES, offsets[start + i], targets[start + i]);
    nodes.push(node);
    lastName.push(offsets[start + count - 1]);
  }
  const btree = out.allocate(24 + 2 * internalK * 8 + (2 * internalK + 1) * 8);
  out.write(btree, utf8.encode('TREE'));
  out.u8(btree + 4, 0); // group node
  out.u8(btree + 5, 0); // leaf level
  out.u16(btree + 6, nodes.length);
  out.u64(btree + 8, UNDEFINED_ADDRESS);
  out.u64(btree + 16, UNDEFINED_ADDRESS);
  out.u64(btree + 24, 0);
  nodes.forEach((node, i) => {
    out.u64(btree + 32 + 16 * i, node);
    out.u64(btree + 40 + 16 * i, lastName[i]);
  });

  const symbolTable = new Chunk().u64(btree).u64(heap);
  const header = writeObjectHeader(out, [{ type: 0x11, flags: 0, data: symbolTable.bytes() }, ...attributeMessages(group.attributes, heapIds)]);
  return { header, btree, heap };
}

function writeDataset(out: FileBytes, dataset: DatasetNode, heapIds: Map<string, HeapId>): number {
  const raw = numberBytes(dataset.values);
  const dataAt = raw.length > 0 ? out.allocate(raw.length) : undefined;
  if (dataAt !== undefined) out.write(dataAt, raw);
  const layout = new Chunk().u8(3).u8(1).u64(dataAt ?? UNDEFINED_ADDRESS).u64(raw.length);
  return writeObjectHeader(out, [
    { type: 0x01, flags: 0, data: dataspace(dataset.shape) },
    { type: 0x03, flags: 1, data: numberType(dataset.values) },
    // fill value version 2: allocated late, written if set, default value (as h5py writes it)
    { type: 0x05, flags: 1, data: Uint8Array.from([2, 2, 2, 1, 0, 0, 0, 0]) },
    { type: 0x08, flags: 0, data: layout.bytes() },
    ...attributeMessages(dataset.attributes, heapIds),
  ]);
}

interface Message {
  type: number;
  flags: number;
  data: Uint8Array;
}

function writeObjectHeader(out: FileBytes, messages: Message[]): number {
  const body = new Chunk();
  for (const message of messages) {
    const size = align8(message.data.length);
    if (size > MAX_MESSAGE_BYTES) throw new Error(`an HDF5 object header message of ${size} bytes exceeds the format's 64 KiB limit`);
    body.u16(message.type).u16(size).u8(message.flags).u8(0).u8(0).u8(0).raw(message.data).pad8();
  }
  const at = out.allocate(16 + body.length);
  out.u8(at, 1);
  out.u16(at + 2, messages.length);
  out.u32(at + 4, 1); // reference count
  out.u32(at + 8, body.length);
  out.write(at + 16, body.bytes());
  return at;
}

function attributeMessages(attributes: Map<string, Hdf5AttributeValue>, heapIds: Map<string, HeapId>): Message[] {
  return [...attributes].map(([name, value]) => {
    const nameBytes = utf8.encode(name);
    let type: Uint8Array;
    let space: Uint8Array;
    let data: Uint8Array;
    if ('strings' in value) {
      const encoded = value.strings.map((s) => utf8.encode(s));
      space = dataspace(value.scalar ? [] : [value.strings.length]);
      const cset = value.cset === 'utf8' ? 1 : 0;
      if (value.fixed) {
        const width = Math.max(1, ...encoded.map((b) => b.length));
        // class 3 string, null-padded
        type = new Chunk().u8(0x13).u8(1 | (cset << 4)).u8(0).u8(0).u32(width).bytes();
        const chunk = new Chunk();
        for (const bytes of encoded) chunk.raw(bytes).raw(new Uint8Array(width - bytes.length));
        data = chunk.bytes();
      } else {
        // class 9 variable-length string over 1-byte unsigned characters, null-terminated
        type = new Chunk().u8(0x19).u8(0x01).u8(cset).u8(0).u32(16)
          .u8(0x10).u8(0).u8(0).u8(0).u32(1).u16(0).u16(8).bytes();
        const chunk = new Chunk();
        value.strings.forEach((s, i) => {
          const id = heapIds.get(s) as HeapId;
          chunk.u32(encoded[i].length).u64(id.collection).u32(id.index);
        });
        data = chunk.bytes();
      }
    } else {
      type = numberType(value.values);
      space = dataspace(value.shape);
      data = numberBytes(value.values);
    }
    const message = new Chunk().u8(1).u8(0).u16(nameBytes.length + 1).u16(type.length).u16(space.length)
      .raw(nameBytes).u8(0).pad8().raw(type).pad8().raw(space).pad8().raw(data);
    return { type: 0x0c, flags: 0, data: message.bytes() };
  });
}

/** Dataspace message version 1: rank 0 is a scalar. */
function dataspace(shape: readonly number[]): Uint8Array {
  const chunk = new Chunk().u8(1).u8(shape.length).u8(0).u8(0).u32(0);
  for (const dim of shape) chunk.u64(dim);
  return chunk.bytes();
}

function numberType(values: Hdf5Numbers): Uint8Array {
  if (values instanceof Float32Array) return new Chunk().u8(0x11).u8(0x20).u8(31).u8(0).u32(4).u16(0).u16(32).u8(23).u8(8).u8(0).u8(23).u32(127).bytes();
  if (values instanceof Float64Array) return new Chunk().u8(0x11).u8(0x20).u8(63).u8(0).u32(8).u16(0).u16(64).u8(52).u8(11).u8(0).u8(52).u32(1023).bytes();
  // class 0 fixed-point, signed, little-endian
  const size = values instanceof Int32Array ? 4 : 8;
  return new Chunk().u8(0x10).u8(0x08).u8(0).u8(0).u32(size).u16(0).u16(8 * size).bytes();
}

function numberBytes(values: Hdf5Numbers): Uint8Array {
  const own = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (LITTLE_ENDIAN) return own;
  const bytes = new Uint8Array(values.byteLength);
  const size = values.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.length; i += size) for (let j = 0; j < size; j++) bytes[i + j] = own[i + size - 1 - j];
  return bytes;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
