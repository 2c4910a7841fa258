// Where a zip member's fields sit in an archive (local header and central
// directory), so tests can patch sizes, offsets and CRCs in a copy.

export interface ZipFields {
  /** Offset of the member's central directory entry. */
  central: number;
  /** Offset of its local header. */
  local: number;
  /** Offset of its data. */
  data: number;
}

function u32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at, true);
}

function u16(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint16(at, true);
}

export function setU32(bytes: Uint8Array, at: number, value: number): void {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(at, value >>> 0, true);
}

export function zipFields(bytes: Uint8Array, name: string): ZipFields {
  const target = new TextEncoder().encode(name);
  for (let at = bytes.length - 46; at >= 0; at--) {
    if (u32(bytes, at) !== 0x02014b50 || u16(bytes, at + 28) !== target.length) continue;
    if (!target.every((b, i) => bytes[at + 46 + i] === b)) continue;
    const local = u32(bytes, at + 42);
    return { central: at, local, data: local + 30 + u16(bytes, local + 26) + u16(bytes, local + 28) };
  }
  throw new Error(`zip-bytes: ${name} not in the directory`);
}

/** Field offsets inside a header: CRC-32, compressed size, uncompressed size. */
export const CENTRAL = { crc: 16, compressedSize: 20, size: 24, localOffset: 42 } as const;
export const LOCAL = { crc: 14, compressedSize: 18, size: 22 } as const;

/** Sets a field in both the central directory entry and the local header. */
export function patchZipField(bytes: Uint8Array, name: string, field: 'crc' | 'compressedSize' | 'size', value: number): Uint8Array {
  const copy = bytes.slice();
  const { central, local } = zipFields(copy, name);
  setU32(copy, central + CENTRAL[field], value);
  setU32(copy, local + LOCAL[field], value);
  return copy;
}
