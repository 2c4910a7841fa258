// Reading named members of a zip archive. The directory is parsed here, with
// every size and offset checked against the archive; a member is inflated into
// a buffer of exactly the size the directory declares, stopped as soon as it
// would produce more, and its CRC-32 must match.
import { Inflate } from 'fflate';
import { crc32 } from './crc32.js';
import { ModelFileError, describeThrown } from './errors.js';
import type { ReadLimits } from './read-limits.js';
import { quoted } from '../errors.js';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06];
/** Deflate cannot expand data by more than about 1032:1. */
const MAX_DEFLATE_RATIO = 1032;
const MIN_CENTRAL_ENTRY = 46;
const MAX_COMMENT = 65_535;
/** Compressed bytes handed to the inflater at a time: its output per step stays near 1032 times this. */
const INFLATE_STEP = 16 * 1024;

export function hasZipSignature(bytes: Uint8Array): boolean {
  const starts = (magic: number[]) => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
  return starts(ZIP_MAGIC) || starts(EMPTY_ZIP_MAGIC);
}

interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** The archive's members whose names satisfy `wanted`, decompressed; other members are skipped unread. */
export function readZipMembers(bytes: Uint8Array, wanted: (name: string) => boolean, file: string | undefined, limits: ReadLimits): Map<string, Uint8Array> {
  const entries = readDirectory(bytes, file);
  const members = new Map<string, Uint8Array>();
  for (const entry of entries) {
    if (!wanted(entry.name)) continue;
    if (members.has(entry.name)) throw new ModelFileError('appears twice in the zip directory', { file, part: entry.name });
    members.set(entry.name, readMember(bytes, entry, file, limits));
  }
  return members;
}

function readDirectory(bytes: Uint8Array, file: string | undefined): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (message: string) => new ModelFileError(`is not a readable zip archive, the file is truncated or corrupted (${message})`, { file });
  let end = -1;
  for (let at = bytes.length - 22; at >= 0 && at >= bytes.length - 22 - MAX_COMMENT; at--) {
    if (view.getUint32(at, true) === END_OF_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) throw fail('no end of central directory record');
  let count = view.getUint16(end + 10, true);
  let directorySize = view.getUint32(end + 12, true);
  let directoryOffset = view.getUint32(end + 16, true);
  if (end >= 20 && view.getUint32(end - 20, true) === ZIP64_LOCATOR) {
    const at = readUint64(view, end - 12);
    if (at === undefined || at + 56 > bytes.length || view.getUint32(at, true) !== ZIP64_END) throw fail('a broken zip64 directory record');
    const count64 = readUint64(view, at + 32);
    const size64 = readUint64(view, at + 40);
    const offset64 = readUint64(view, at + 48);
    if (count64 === undefined || size64 === undefined || offset64 === undefined) throw fail('impossible zip64 sizes');
    [count, directorySize, directoryOffset] = [count64, size64, offset64];
  }
  if (directoryOffset + directorySize > bytes.length || count * MIN_CENTRAL_ENTRY > directorySize) {
    throw new ModelFileError(`the zip directory claims ${count} entries in ${directorySize} bytes at offset ${directoryOffset} of a ${bytes.length}-byte file`, { file });
  }
  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  const directoryEnd = directoryOffset + directorySize;
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (at + MIN_CENTRAL_ENTRY > directoryEnd || view.getUint32(at, true) !== CENTRAL_HEADER) throw fail(`zip directory entry ${i} is damaged`);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const next = at + MIN_CENTRAL_ENTRY + nameLength + extraLength + commentLength;
    if (next > directoryEnd) throw fail(`zip directory entry ${i} runs past the directory`);
    const name = decoder.decode(bytes.subarray(at + MIN_CENTRAL_ENTRY, at + MIN_CENTRAL_ENTRY + nameLength));
    const entry: ZipEntry = {
      name,
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
    };
    applyZip64Extra(entry, view, at + MIN_CENTRAL_ENTRY + nameLength, extraLength, file);
    entries.push(entry);
    at = next;
  }
  return entries;
}

/** Sizes and the offset saturated at 0xffffffff are in the zip64 extra field, in this order. */
function applyZip64Extra(entry: ZipEntry, view: DataView, start: number, length: number, file: string | undefined): void {
  const saturated = (n: number) => n === 0xffffffff;
  if (!saturated(entry.size) && !saturated(entry.compressedSize) && !saturated(entry.localOffset)) return;
  for (let at = start; at + 4 <= start + length;) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === 0x0001) {
      let field = at + 4;
      const take = (): number => {
        const value = field + 8 <= at + 4 + size ? readUint64(view, field) : undefined;
        if (value === undefined) throw new ModelFileError('has a damaged zip64 extra field', { file, part: entry.name });
        field += 8;
        return value;
      };
      if (saturated(entry.size)) entry.size = take();
      if (saturated(entry.compressedSize)) entry.compressedSize = take();
      if (saturated(entry.localOffset)) entry.localOffset = take();
      return;
    }
    at += 4 + size;
  }
}

function readMember(bytes: Uint8Array, entry: ZipEntry, file: string | undefined, limits: ReadLimits): Uint8Array {
  const where = { file, part: entry.name };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { method, compressedSize, size, localOffset } = entry;
  if (entry.flags & 1) throw new ModelFileError('is encrypted, which loadModel cannot read', where);
  if (method !== 0 && method !== 8) {
    throw new ModelFileError(`uses zip compression method ${method}; only stored (0) and deflate (8) are supported`, where);
  }
  if (method === 0 && compressedSize !== size) {
    throw new ModelFileError(`is stored uncompressed but the zip directory gives ${compressedSize} and ${size} bytes`, where);
  }
  if (method === 8 && size > compressedSize * MAX_DEFLATE_RATIO + 1024) {
    throw new ModelFileError(`the zip directory claims ${size} bytes from ${compressedSize} compressed, more than deflate can produce`, where);
  }
  if (localOffset + 30 > bytes.length || view.getUint32(localOffset, true) !== LOCAL_HEADER) {
    throw new ModelFileError('has no local zip header where the directory points; the archive is truncated or corrupted', where);
  }
  const nameLength = view.getUint16(localOffset + 26, true);
  const extraLength = view.getUint16(localOffset + 28, true);
  const dataStart = localOffset + 30 + nameLength + extraLength;
  if (dataStart + compressedSize > bytes.length) {
    throw new ModelFileError(`its ${compressedSize} compressed bytes run past the end of the archive; it is truncated or corrupted`, where);
  }
  const localName = new TextDecoder().decode(bytes.subarray(localOffset + 30, localOffset + 30 + nameLength));
  if (localName !== entry.name) throw new ModelFileError(`is named ${quoted(localName)} in its local zip header`, where);
  limits.take(size, where);
  const data = bytes.subarray(dataStart, dataStart + compressedSize);
  const out = method === 0 ? data.slice() : inflateExactly(data, size, where);
  if (crc32(out) !== entry.crc) {
    throw new ModelFileError('fails its CRC-32 check (the zip directory records another checksum); the archive is corrupted', where);
  }
  return out;
}

/** Inflates into exactly `size` bytes: more output, or less, is a ModelFileError. */
function inflateExactly(data: Uint8Array, size: number, where: { file?: string; part: string }): Uint8Array {
  const out = new Uint8Array(size);
  let filled = 0;
  let finished = false;
  const tooLong = () => new ModelFileError(`inflates to more than the ${size} bytes the zip directory declares; the archive is corrupted`, where);
  const inflater = new Inflate((chunk, final) => {
    if (filled + chunk.length > size) throw tooLong();
    out.set(chunk, filled);
    filled += chunk.length;
    if (final) finished = true;
  });
  try {
    for (let at = 0; at < data.length; at += INFLATE_STEP) {
      const last = at + INFLATE_STEP >= data.length;
      inflater.push(data.subarray(at, Math.min(at + INFLATE_STEP, data.length)), last);
    }
    if (data.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(`cannot be inflated, the archive is truncated or corrupted (${describeThrown(error)})`, { ...where, cause: error });
  }
  if (!finished || filled !== size) {
    throw new ModelFileError(`inflates to ${filled} bytes, but the zip directory declares ${size}; the archive is truncated or corrupted`, where);
  }
  return out;
}

/** A little-endian 64-bit value, when it is a safe integer. */
function readUint64(view: DataView, at: number): number | undefined {
  if (at < 0 || at + 8 > view.byteLength) return undefined;
  const value = view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
  return Number.isSafeInteger(value) ? value : undefined;
}
