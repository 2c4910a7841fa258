// Issue 12 item 8: a zip member whose directory understates or overstates its size,
// or whose CRC-32 does not match, is a ModelFileError; inflation stops at the declared
// size, so a lying entry never allocates more than it declares.
import { unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError, loadModel, ready } from '../../dist/io/keras.js';
import { loadExpected, modelBytes, type Expected } from './helpers.js';
import { CENTRAL, patchZipField, setU32, zipFields } from './zip-bytes.js';

const keras = loadExpected().find((e) => e.file === 'gru_model.keras') as Expected;
let members: Record<string, Uint8Array>;

beforeAll(async () => {
  await ready();
  members = unzipSync(modelBytes(keras));
});

async function refused(bytes: Uint8Array, part?: string): Promise<ModelFileError> {
  const error = await loadModel(bytes).catch((e: unknown) => e);
  if (!(error instanceof ModelFileError)) throw new Error(`expected ModelFileError, got ${String(error)}`);
  if (part !== undefined) expect(error.part).toBe(part);
  return error;
}

/** The archive with each member deflated (level 6) or stored (level 0). */
function archive(level: 0 | 6, extra: Record<string, Uint8Array> = {}): Uint8Array {
  const entries = Object.fromEntries(Object.entries({ ...members, ...extra }).map(([name, data]) => [name, [data, { level }]]));
  return zipSync(entries as never);
}

describe('zip members whose directory lies', () => {
  it('the unpatched archives load, stored and deflated', async () => {
    for (const level of [0, 6] as const) expect((await loadModel(archive(level))).countParams()).toBe(keras.summary.total_params);
  });

  it('an understated size (real content longer than declared) is refused, not cut', async () => {
    // config.json followed by trailing text: cut at the declared size it would still parse and load.
    const config = members['config.json'];
    const padded = new Uint8Array([...config, ...new TextEncoder().encode(' '.repeat(5000))]);
    for (const level of [0, 6] as const) {
      const bytes = patchZipField(archive(level, { 'config.json': padded }), 'config.json', 'size', config.length);
      const patched = level === 0 ? patchZipField(bytes, 'config.json', 'compressedSize', config.length) : bytes;
      const error = await refused(patched, 'config.json');
      expect(error.message).toMatch(level === 0 ? /CRC-32/ : /more than the \d+ bytes/);
    }
  });

  it('an overstated size is refused', async () => {
    const bytes = archive(6);
    const { central } = zipFields(bytes, 'model.weights.h5');
    const size = new DataView(bytes.buffer).getUint32(central + CENTRAL.size, true);
    const error = await refused(patchZipField(bytes, 'model.weights.h5', 'size', size + 100), 'model.weights.h5');
    expect(error.message).toMatch(/inflates to \d+ bytes, but the zip directory declares/);
  });

  it('a CRC-32 mismatch is refused, stored or deflated', async () => {
    for (const level of [0, 6] as const) {
      for (const name of ['config.json', 'model.weights.h5', 'metadata.json']) {
        const bytes = archive(level);
        const { central } = zipFields(bytes, name);
        const crc = new DataView(bytes.buffer).getUint32(central + CENTRAL.crc, true);
        const error = await refused(patchZipField(bytes, name, 'crc', crc ^ 0x10), name);
        expect(error.message).toMatch(/CRC-32/);
      }
    }
  });

  it('a flipped byte in stored member data (which no inflater would notice) is refused by the CRC', async () => {
    const bytes = archive(0);
    const { data } = zipFields(bytes, 'model.weights.h5');
    const copy = bytes.slice();
    copy[data + 20_000] ^= 0x40;
    await refused(copy, 'model.weights.h5');
  });

  it('a small deflated member that inflates to 16 MiB but declares 1 KiB stops at once', async () => {
    const bomb = new Uint8Array(16 * 1024 * 1024);
    const bytes = patchZipField(archive(6, { 'metadata.json': bomb }), 'metadata.json', 'size', 1024);
    const error = await refused(bytes, 'metadata.json');
    expect(error.message).toMatch(/more than the 1024 bytes/);
  });

  it('a local header offset pointing elsewhere is refused', async () => {
    const bytes = archive(6);
    const { central } = zipFields(bytes, 'config.json');
    const copy = bytes.slice();
    setU32(copy, central + CENTRAL.localOffset, 7);
    await refused(copy, 'config.json');
  });

  it('two members with the same name are refused', async () => {
    // A second config.json, renamed in place from 'config.jsoX' in its local header and the directory.
    const other = new TextEncoder().encode('{"class_name": "Sequential", "config": {"layers": []}}');
    const bytes = archive(0, { 'config.jsoX': other });
    const { central, local } = zipFields(bytes, 'config.jsoX');
    const copy = bytes.slice();
    const x = 'config.jso'.length;
    copy[central + 46 + x] = copy[local + 30 + x] = 'n'.charCodeAt(0);
    const error = await refused(copy, 'config.json');
    expect(error.message).toMatch(/twice/);
  });
});
