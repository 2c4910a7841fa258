// Checks, before jsfive reads a group or a dataset's chunks, that the version 1
// B-tree under it is a tree: every node inside the file, reached once, one level
// below its parent. jsfive walks these trees level by level without remembering
// nodes, so a node listed twice (or a chain of nodes each listing the next many
// times) would have it read exponentially many nodes. Object headers are parsed
// here only as far as finding those trees, and each dataspace's dimensions.

const DATASPACE = 0x01;
const SYMBOL_TABLE = 0x11;
const DATA_LAYOUT = 0x08;
const CONTINUATION = 0x10;
const GROUP_NODE = 0;
const CHUNK_NODE = 1;
const NODE_HEADER = 24;
const MAX_HEADER_BLOCKS = 1024;

interface Message {
  type: number;
  data: number;
  size: number;
}

/** Throws an Error (to be wrapped by the caller) when the object at `address` has a B-tree that is not a tree. */
export function checkObjectTrees(bytes: Uint8Array, address: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const message of headerMessages(view, address)) {
    if (message.type === DATASPACE) {
      checkDimensions(view, message);
    } else if (message.type === SYMBOL_TABLE && message.size >= 16) {
      checkTree(view, u64(view, message.data), GROUP_NODE, 8);
    } else if (message.type === DATA_LAYOUT && message.size >= 12) {
      const version = view.getUint8(message.data);
      if (version === 3 && view.getUint8(message.data + 1) === 2) {
        const dimensionality = view.getUint8(message.data + 2);
        checkTree(view, u64(view, message.data + 3), CHUNK_NODE, 8 + 8 * dimensionality);
      } else if ((version === 1 || version === 2) && view.getUint8(message.data + 2) === 2) {
        const dimensionality = view.getUint8(message.data + 1);
        checkTree(view, u64(view, message.data + 8), CHUNK_NODE, 8 + 8 * dimensionality);
      }
    }
  }
}

/**
 * A dataspace's dimensions (8-byte lengths, as every file h5py writes has) must be under 2^32:
 * jsfive reads each as a 32-bit number, so a larger one would come back as its remainder, a
 * smaller shape than the file declares.
 */
function checkDimensions(view: DataView, message: Message): void {
  const version = message.size >= 2 ? view.getUint8(message.data) : 0;
  const rank = message.size >= 2 ? view.getUint8(message.data + 1) : 0;
  const first = version === 1 ? message.data + 8 : message.data + 4;
  if ((version !== 1 && version !== 2) || first + 8 * rank > message.data + message.size) return;
  for (let i = 0; i < rank; i++) {
    if (view.getUint32(first + 8 * i + 4, true) !== 0) {
      throw new Error(`a dataset declares dimension ${i} as ${u64(view, first + 8 * i)}, past the 2^32 - 1 this reader (and any weight) can hold`);
    }
  }
}

function u64(view: DataView, at: number): number {
  if (at < 0 || at + 8 > view.byteLength) throw new Error(`address field at ${at} is outside the file`);
  return view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
}

function inside(view: DataView, at: number, length: number): boolean {
  return Number.isSafeInteger(at) && at >= 0 && at + length <= view.byteLength;
}

/** The messages of a version 1 or 2 object header, each continuation block read once. */
function headerMessages(view: DataView, address: number): Message[] {
  if (!inside(view, address, 16)) throw new Error(`object header at ${address} is outside the file`);
  const messages: Message[] = [];
  const seen = new Set<number>();
  const v2 = view.getUint32(address, true) === 0x5244484f; // 'OHDR'
  if (!v2 && view.getUint8(address) !== 1) return messages; // not a layout this check knows: jsfive decides
  let blocks: [number, number][];
  let creationOrder = 0;
  if (v2) {
    const flags = view.getUint8(address + 5);
    creationOrder = flags & 0x04 ? 2 : 0;
    let at = address + 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
    const width = 1 << (flags & 3);
    if (!inside(view, at, width)) throw new Error(`object header at ${address} is truncated`);
    const size = width === 1 ? view.getUint8(at) : width === 2 ? view.getUint16(at, true) : width === 4 ? view.getUint32(at, true) : u64(view, at);
    at += width;
    blocks = [[at, size]];
  } else {
    blocks = [[address + 16, view.getUint32(address + 8, true)]];
  }
  for (let b = 0; b < blocks.length; b++) {
    if (b >= MAX_HEADER_BLOCKS) throw new Error(`object header at ${address} has more than ${MAX_HEADER_BLOCKS} continuation blocks`);
    const [start, length] = blocks[b];
    if (!inside(view, start, length)) throw new Error(`object header block at ${start} runs past the end of the file`);
    const prefix = v2 ? 4 + creationOrder : 8;
    for (let at = start; at + prefix <= start + length;) {
      const type = v2 ? view.getUint8(at) : view.getUint16(at, true);
      const size = v2 ? view.getUint16(at + 1, true) : view.getUint16(at + 2, true);
      const data = at + prefix;
      if (data + size > start + length) break;
      messages.push({ type, data, size });
      if (type === CONTINUATION && size >= 16) {
        // A version 2 continuation block starts with 'OCHK' and ends with a checksum.
        const next = u64(view, data) + (v2 ? 4 : 0);
        const nextLength = u64(view, data + 8) - (v2 ? 8 : 0);
        if (!seen.has(next)) {
          seen.add(next);
          blocks.push([next, nextLength]);
        }
      }
      at = data + size;
    }
  }
  return messages;
}

function checkTree(view: DataView, root: number, nodeType: number, keySize: number): void {
  if (root >= 2 ** 53) return; // the undefined address: no tree (an empty chunked dataset)
  const seen = new Set<number>();
  const stack: [number, number | undefined][] = [[root, undefined]];
  while (stack.length > 0) {
    const [at, level] = stack.pop() as [number, number | undefined];
    if (!inside(view, at, NODE_HEADER) || view.getUint32(at, true) !== 0x45455254) throw new Error(`B-tree node at ${at} is missing or damaged`);
    if (seen.has(at)) throw new Error(`B-tree node at ${at} is reached twice; the tree has a cycle or a shared node`);
    seen.add(at);
    const type = view.getUint8(at + 4);
    const nodeLevel = view.getUint8(at + 5);
    const used = view.getUint16(at + 6, true);
    if (type !== nodeType) throw new Error(`B-tree node at ${at} has type ${type}, expected ${nodeType}`);
    if (level !== undefined && nodeLevel !== level) throw new Error(`B-tree node at ${at} is at level ${nodeLevel}, expected ${level}`);
    if (!inside(view, at + NODE_HEADER, used * (keySize + 8) + keySize)) throw new Error(`B-tree node at ${at} runs past the end of the file`);
    if (nodeLevel === 0) continue;
    for (let i = 0; i < used; i++) stack.push([u64(view, at + NODE_HEADER + keySize + i * (keySize + 8)), nodeLevel - 1]);
  }
}
