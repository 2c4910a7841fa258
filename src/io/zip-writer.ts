// Zip archives as Keras' saving library writes them: one local header per
// member, a central directory, no zip64 (a .keras archive past 4 GiB is refused).
// Members are stored, or deflated with fflate (already the reader's inflater).
import { deflateSync } from 'fflate';
import { crc32 } from './crc32.js';

export interface ZipMember {
  name: string;
  bytes: Uint8Array;
}

const MAX_ZIP32 = 0xffffffff;

/** A zip of `members` in order; `deflate` compresses each member that gets smaller. */
export function writeZip(members: readonly ZipMember[], date: Date, deflate: boolean): Uint8Array {
  const time = ((date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1)) & 0xffff;
  const day = (((Math.max(1980, date.getFullYear()) - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate()) & 0xffff;
  const encoder = new TextEncoder();
  const entries = members.map(({ name, bytes }) => {
    const packed = deflate ? deflateSync(bytes, { level: 6 }) : bytes;
    const deflated = deflate && packed.length < bytes.length;
    const nameBytes = encoder.encode(name);
    // bit 11: the name is UTF-8
    const flags = nameBytes.length !== name.length ? 0x0800 : 0;
    return { nameBytes, flags, method: deflated ? 8 : 0, crc: crc32(bytes), size: bytes.length, data: deflated ? packed : bytes, offset: 0 };
  });
  const localBytes = entries.reduce((sum, e) => sum + 30 + e.nameBytes.length + e.data.length, 0);
  const centralBytes = entries.reduce((sum, e) => sum + 46 + e.nameBytes.length, 0);
  const total = localBytes + centralBytes + 22;
  if (total > MAX_ZIP32 || entries.length > 0xffff) throw new RangeError(`the archive would be ${total} bytes with ${entries.length} members, past the zip format's 4 GiB limit`);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  const common = (e: (typeof entries)[number], p: number) => {
    view.setUint16(p, 20, true); // version needed: 2.0
    view.setUint16(p + 2, e.flags, true);
    view.setUint16(p + 4, e.method, true);
    view.setUint16(p + 6, time, true);
    view.setUint16(p + 8, day, true);
    view.setUint32(p + 10, e.crc, true);
    view.setUint32(p + 14, e.data.length, true);
    view.setUint32(p + 18, e.size, true);
    view.setUint16(p + 22, e.nameBytes.length, true);
  };
  for (const e of entries) {
    e.offset = at;
    view.setUint32(at, 0x04034b50, true);
    common(e, at + 4);
    out.set(e.nameBytes, at + 30);
    out.set(e.data, at + 30 + e.nameBytes.length);
    at += 30 + e.nameBytes.length + e.data.length;
  }
  const central = at;
  for (const e of entries) {
    view.setUint32(at, 0x02014b50, true);
    view.setUint16(at + 4, 20, true); // made by: 2.0
    common(e, at + 6);
    view.setUint32(at + 42, e.offset, true);
    out.set(e.nameBytes, at + 46);
    at += 46 + e.nameBytes.length;
  }
  view.setUint32(at, 0x06054b50, true);
  view.setUint16(at + 8, entries.length, true);
  view.setUint16(at + 10, entries.length, true);
  view.setUint32(at + 12, at - central, true);
  view.setUint32(at + 16, central, true);
  return out;
}
