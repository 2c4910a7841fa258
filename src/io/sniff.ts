// Which loader a file needs, from its first bytes.
import { hasHdf5Signature } from './hdf5.js';
import { hasZipSignature } from './zip.js';

export type FileFormat = 'keras-zip' | 'hdf5' | 'json' | 'unknown';

export function sniffFormat(bytes: Uint8Array): FileFormat {
  if (hasZipSignature(bytes)) return 'keras-zip';
  if (hasHdf5Signature(bytes)) return 'hdf5';
  // JSON text: '{' after optional whitespace and a UTF-8 byte order mark.
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && i < 4096 && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x7b ? 'json' : 'unknown';
}

/** The first bytes as printable text, for an error message about an unknown file. */
export function describeMagic(bytes: Uint8Array): string {
  const head = Array.from(bytes.subarray(0, 8), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`));
  return bytes.length === 0 ? 'an empty file' : `first bytes "${head.join('')}"`;
}
