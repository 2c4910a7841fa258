// Reading named members of a zip archive with fflate, with the sizes the
// central directory claims checked before anything is inflated.
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { ModelFileError, describeThrown } from './errors.js';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06];
/** Deflate cannot expand data by more than about 1032:1. */
const MAX_DEFLATE_RATIO = 1032;
/** A central directory entry takes at least 46 bytes. */
const MIN_CENTRAL_ENTRY = 46;

export function hasZipSignature(bytes: Uint8Array): boolean {
  const starts = (magic: number[]) => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
  return starts(ZIP_MAGIC) || starts(EMPTY_ZIP_MAGIC);
}

/** The archive's members whose names satisfy `wanted`, decompressed; other members are skipped unread. */
export function readZipMembers(bytes: Uint8Array, wanted: (name: string) => boolean, file: string | undefined): Map<string, Uint8Array> {
  const claimed = new Map<string, UnzipFileInfo>();
  let seen = 0;
  const maxEntries = Math.floor(bytes.length / MIN_CENTRAL_ENTRY) + 1;
  let unzipped: Record<string, Uint8Array>;
  try {
    unzipped = unzipSync(bytes, {
      filter: (info) => {
        // A damaged entry count would otherwise walk garbage for billions of entries.
        if (++seen > maxEntries) throw new ModelFileError(`the zip directory lists more entries than the ${bytes.length}-byte file can hold`, { file });
        if (!wanted(info.name)) return false;
        checkClaimedSize(info, bytes.length, file);
        claimed.set(info.name, info);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(`is not a readable zip archive, the file is truncated or corrupted (${describeThrown(error)})`, { file, cause: error });
  }
  const members = new Map<string, Uint8Array>();
  for (const [name, info] of claimed) {
    const data = unzipped[name];
    // fflate returns a short slice for a stored member cut off by truncation: compare with the directory.
    if (!(data instanceof Uint8Array) || data.length !== info.originalSize) {
      throw new ModelFileError(`holds ${data instanceof Uint8Array ? data.length : 0} bytes, but the zip directory says ${info.originalSize}; the archive is truncated or corrupted`, { file, part: name });
    }
    members.set(name, data);
  }
  return members;
}

function checkClaimedSize(info: UnzipFileInfo, archiveBytes: number, file: string | undefined): void {
  const { name, size, originalSize, compression } = info;
  const valid = (n: number) => Number.isSafeInteger(n) && n >= 0;
  if (!valid(size) || !valid(originalSize) || size > archiveBytes) {
    throw new ModelFileError(`the zip directory gives impossible sizes (${size} compressed, ${originalSize} original) in a ${archiveBytes}-byte archive`, { file, part: name });
  }
  if (compression === 0 && size !== originalSize) {
    throw new ModelFileError(`is stored uncompressed but the zip directory gives ${size} and ${originalSize} bytes`, { file, part: name });
  }
  if (compression === 8 && originalSize > size * MAX_DEFLATE_RATIO + 1024) {
    throw new ModelFileError(`the zip directory claims ${originalSize} bytes from ${size} compressed, more than deflate can produce`, { file, part: name });
  }
  if (compression !== 0 && compression !== 8) {
    throw new ModelFileError(`uses zip compression method ${compression}; only stored (0) and deflate (8) are supported`, { file, part: name });
  }
}
