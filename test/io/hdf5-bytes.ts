// A reader of the HDF5 structures h5py writes by default (superblock 0, version 1
// object headers, symbol-table groups), enough to find a link, a dataset's shape
// and its data address in a real file and patch them in a copy. Written for the
// tests from the HDF5 file format specification; the loader never uses it.

export interface Hdf5Link {
  /** The link's name in its group. */
  name: string;
  /** Byte offset of the 40-byte symbol table entry that holds the link. */
  entryOffset: number;
  /** The object header address the link points to. */
  address: number;
}

export interface Hdf5Message {
  type: number;
  /** Byte offset of the message data. */
  dataOffset: number;
  size: number;
}

const SUPERBLOCK_ROOT_ENTRY = 56;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function readU64(bytes: Uint8Array, at: number): number {
  const v = view(bytes);
  return v.getUint32(at, true) + v.getUint32(at + 4, true) * 2 ** 32;
}

export function writeU64(bytes: Uint8Array, at: number, value: number): void {
  const v = view(bytes);
  v.setUint32(at, value % 2 ** 32, true);
  v.setUint32(at + 4, Math.floor(value / 2 ** 32), true);
}

function signature(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}

export function rootAddress(bytes: Uint8Array): number {
  if (bytes[8] !== 0 || bytes[13] !== 8 || bytes[14] !== 8) throw new Error('hdf5-bytes reads superblock 0 with 8-byte offsets only');
  return readU64(bytes, SUPERBLOCK_ROOT_ENTRY + 8);
}

/** The messages of a version 1 object header, following continuation blocks. */
export function objectMessages(bytes: Uint8Array, address: number): Hdf5Message[] {
  const v = view(bytes);
  if (bytes[address] !== 1) throw new Error(`no version 1 object header at ${address}`);
  const blocks: [number, number][] = [[address + 16, v.getUint32(address + 8, true)]];
  const messages: Hdf5Message[] = [];
  for (let b = 0; b < blocks.length; b++) {
    const [start, length] = blocks[b];
    for (let at = start; at + 8 <= start + length;) {
      const type = v.getUint16(at, true);
      const size = v.getUint16(at + 2, true);
      messages.push({ type, dataOffset: at + 8, size });
      if (type === 0x10) blocks.push([readU64(bytes, at + 8), readU64(bytes, at + 16)]);
      at += 8 + size;
    }
  }
  return messages;
}

export function message(bytes: Uint8Array, address: number, type: number): Hdf5Message {
  const found = objectMessages(bytes, address).find((m) => m.type === type);
  if (!found) throw new Error(`object ${address} has no message of type ${type}`);
  return found;
}

/** The links of the symbol-table group whose object header is at `address`. */
export function groupLinks(bytes: Uint8Array, address: number): Hdf5Link[] {
  const table = message(bytes, address, 0x11);
  const btree = readU64(bytes, table.dataOffset);
  const heap = readU64(bytes, table.dataOffset + 8);
  if (signature(bytes, heap) !== 'HEAP') throw new Error('no local heap');
  const heapData = readU64(bytes, heap + 24);
  const links: Hdf5Link[] = [];
  const visitNode = (node: number) => {
    if (signature(bytes, node) !== 'TREE') throw new Error('no group B-tree node');
    const level = bytes[node + 5];
    const used = view(bytes).getUint16(node + 6, true);
    for (let i = 0; i < used; i++) {
      const child = readU64(bytes, node + 24 + 8 + 16 * i);
      if (level > 0) {
        visitNode(child);
        continue;
      }
      if (signature(bytes, child) !== 'SNOD') throw new Error('no symbol table node');
      const count = view(bytes).getUint16(child + 6, true);
      for (let e = 0; e < count; e++) {
        const entryOffset = child + 8 + 40 * e;
        const nameAt = heapData + readU64(bytes, entryOffset);
        const end = bytes.indexOf(0, nameAt);
        links.push({ name: new TextDecoder().decode(bytes.subarray(nameAt, end)), entryOffset, address: readU64(bytes, entryOffset + 8) });
      }
    }
  };
  visitNode(btree);
  return links;
}

/** The link at a '/'-separated path from the root. */
export function findLink(bytes: Uint8Array, path: string): Hdf5Link {
  let address = rootAddress(bytes);
  let link: Hdf5Link | undefined;
  for (const part of path.split('/').filter(Boolean)) {
    link = groupLinks(bytes, address).find((l) => l.name === part);
    if (!link) throw new Error(`hdf5-bytes: ${path} not found at ${part}`);
    address = link.address;
  }
  if (!link) throw new Error('hdf5-bytes: empty path');
  return link;
}

/** The object header address of a path ('' is the root). */
export function objectAddress(bytes: Uint8Array, path: string): number {
  return path.split('/').filter(Boolean).length === 0 ? rootAddress(bytes) : findLink(bytes, path).address;
}

/**
 * A copy in which the link at `path` points to the object at `target` (a hard link: same
 * object header). The entry's cached group scratch is copied from the target's own entry.
 */
export function relink(bytes: Uint8Array, path: string, target: string): Uint8Array {
  const copy = bytes.slice();
  const link = findLink(copy, path);
  const targetEntry = target.split('/').filter(Boolean).length === 0 ? SUPERBLOCK_ROOT_ENTRY : findLink(copy, target).entryOffset;
  // Object header address, cache type and scratch: everything after the name offset.
  copy.set(bytes.subarray(targetEntry + 8, targetEntry + 40), link.entryOffset + 8);
  return copy;
}

/** The dataspace dimensions of a dataset, and where each is stored. */
export function datasetDims(bytes: Uint8Array, path: string): { dims: number[]; offsets: number[] } {
  const space = message(bytes, findLink(bytes, path).address, 0x01);
  const version = bytes[space.dataOffset];
  const rank = bytes[space.dataOffset + 1];
  const first = space.dataOffset + (version === 1 ? 8 : 4);
  const offsets = Array.from({ length: rank }, (_, i) => first + 8 * i);
  return { dims: offsets.map((at) => readU64(bytes, at)), offsets };
}

/** Where a contiguous dataset's data address and size are stored (data layout message, version 3). */
export function datasetLayout(bytes: Uint8Array, path: string): { addressOffset: number; sizeOffset: number } {
  const layout = message(bytes, findLink(bytes, path).address, 0x08);
  if (bytes[layout.dataOffset] !== 3 || bytes[layout.dataOffset + 1] !== 1) throw new Error('hdf5-bytes: not a version 3 contiguous layout');
  return { addressOffset: layout.dataOffset + 2, sizeOffset: layout.dataOffset + 10 };
}

/**
 * A copy with a chain of `depth` B-tree nodes appended after the end of the file, each listing
 * the next node twice, as the root of the group at `path`: a reader that does not remember nodes
 * visits 2^depth leaves. The leaf is a copy of the group's own (level 0) root node.
 */
export function exponentialGroupTree(bytes: Uint8Array, path: string, depth: number): Uint8Array {
  const table = message(bytes, objectAddress(bytes, path), 0x11);
  const root = readU64(bytes, table.dataOffset);
  if (signature(bytes, root) !== 'TREE' || bytes[root + 5] !== 0) throw new Error('hdf5-bytes: the group B-tree is not a single leaf');
  const used = view(bytes).getUint16(root + 6, true);
  const leafSize = 24 + used * 16 + 8;
  const nodeSize = 24 + 2 * 16 + 8;
  const out = new Uint8Array(bytes.length + leafSize + depth * nodeSize);
  out.set(bytes);
  out.set(bytes.subarray(root, root + leafSize), bytes.length);
  let previous = bytes.length;
  for (let level = 1; level <= depth; level++) {
    const at = bytes.length + leafSize + (level - 1) * nodeSize;
    out.set([0x54, 0x52, 0x45, 0x45, 0, level, 2, 0], at); // 'TREE', group node, level, 2 entries
    out.fill(0xff, at + 8, at + 24); // no siblings: the undefined address
    for (let i = 0; i < 2; i++) {
      writeU64(out, at + 24 + 16 * i, 0); // key
      writeU64(out, at + 32 + 16 * i, previous); // child
    }
    writeU64(out, at + 56, 0);
    previous = at;
  }
  writeU64(out, table.dataOffset, previous);
  return out;
}
