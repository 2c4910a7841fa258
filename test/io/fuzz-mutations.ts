// Structure-aware mutations of real model files for the fuzz suite: HDF5 dataset
// dimensions, data addresses and sizes, links (cycles included) and attribute
// fields; zip sizes, offsets and CRCs; huge or malformed sizes in configs; TF.js
// shard manifests. Case `index` of seed `seed` is always the same file.
import { unzipSync, zipSync } from 'fflate';
import type { LoadModelOptions } from '../../dist/io/keras.js';
import { datasetDims, datasetLayout, findLink, groupLinks, objectAddress, objectMessages, readU64, relink, rootAddress, writeU64 } from './hdf5-bytes.js';
import { loadExpected, modelBytes, seededRandom, type Expected } from './helpers.js';
import { gruTfjs, type TfjsArtifacts } from './tfjs-artifacts.js';
import { CENTRAL, LOCAL, setU32, zipFields } from './zip-bytes.js';

export interface FuzzCase {
  /** What was mutated, to reproduce and explain a failure. */
  name: string;
  source: Uint8Array | Record<string, unknown>;
  options?: LoadModelOptions;
  /** The unmutated file's expectations (inputs to predict with). */
  expected: Expected;
}

export const MUTATION_KINDS = ['hdf5-dims', 'hdf5-layout', 'hdf5-link', 'hdf5-address', 'hdf5-attribute', 'zip-field', 'config-size', 'tfjs-manifest'] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

interface Hdf5Base {
  expected: Expected;
  /** The HDF5 bytes (the whole .h5, or model.weights.h5 of a .keras). */
  h5: Uint8Array;
  /** Puts mutated HDF5 bytes back into a loadable file. */
  wrap: (h5: Uint8Array) => Uint8Array;
  datasets: string[];
  groups: string[];
}

interface Bases {
  hdf5: Hdf5Base[];
  keras: { expected: Expected; bytes: Uint8Array; members: Record<string, Uint8Array> };
  tfjs: TfjsArtifacts & { expected: Expected };
}

let bases: Promise<Bases> | undefined;

/** Every group and dataset path, each object once (by address). */
function walk(h5: Uint8Array): { datasets: string[]; groups: string[] } {
  const datasets: string[] = [];
  const groups: string[] = [];
  const seen = new Set<number>();
  const queue: [string, number][] = [['', rootAddress(h5)]];
  while (queue.length > 0) {
    const [path, address] = queue.shift() as [string, number];
    if (seen.has(address)) continue;
    seen.add(address);
    const isGroup = objectMessages(h5, address).some((m) => m.type === 0x11);
    if (!isGroup) {
      datasets.push(path);
      continue;
    }
    groups.push(path);
    for (const link of groupLinks(h5, address)) queue.push([path ? `${path}/${link.name}` : link.name, link.address]);
  }
  return { datasets, groups };
}

export function fuzzBases(): Promise<Bases> {
  bases ??= (async () => {
    const all = loadExpected();
    const pick = (file: string) => all.find((e) => e.file === file) as Expected;
    const keras = pick('gru_model.keras');
    const kerasBytes = modelBytes(keras);
    const members = unzipSync(kerasBytes);
    const h5Bases: Hdf5Base[] = [];
    for (const expected of [pick('gru_model.h5'), pick('simple_rnn_model.h5')]) {
      const h5 = modelBytes(expected);
      h5Bases.push({ expected, h5, wrap: (b) => b, ...walk(h5) });
    }
    const inner = members['model.weights.h5'];
    h5Bases.push({ expected: keras, h5: inner, wrap: (b) => zipSync({ ...members, 'model.weights.h5': b }), ...walk(inner) });
    const tfjs = await gruTfjs();
    return { hdf5: h5Bases, keras: { expected: keras, bytes: kerasBytes, members }, tfjs: { ...tfjs, expected: pick('gru_model.h5') } };
  })();
  return bases;
}

type Random = () => number;
const pickOf = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)];

/** Mostly the weights the model reads (optimizer state is skipped unread), sometimes anything. */
function pickPath(random: Random, paths: readonly string[]): string {
  const read = paths.filter((p) => !/optimizer/.test(p));
  return pickOf(random, random() < 0.8 && read.length > 0 ? read : paths);
}

/** Sizes and offsets that break readers: zero, off by one, 32-bit edges, past the file, huge. */
function hostileNumber(random: Random, near: number, fileLength: number): number {
  return pickOf(random, [
    0, 1, near + 1, Math.max(0, near - 1), near * 2, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32 + 1,
    fileLength, fileLength - 1, fileLength + 4096, 2 ** 40, 2 ** 53 - 1, Math.floor(random() * fileLength),
  ]);
}

export async function fuzzCase(seed: number, index: number, kind: MutationKind = MUTATION_KINDS[index % MUTATION_KINDS.length]): Promise<FuzzCase> {
  const random = seededRandom(seed * 1_000_003 + index * 7919 + 17);
  const { hdf5, keras, tfjs } = await fuzzBases();
  const base = pickOf(random, hdf5);
  const label = `${kind} #${index} (seed ${seed})`;
  switch (kind) {
    case 'hdf5-dims': {
      const path = pickPath(random, base.datasets.filter((d) => datasetDims(base.h5, d).dims.length > 0));
      const h5 = base.h5.slice();
      const { dims, offsets } = datasetDims(h5, path);
      const axis = Math.floor(random() * dims.length);
      const value = hostileNumber(random, dims[axis] ?? 1, h5.length);
      writeU64(h5, offsets[axis], value);
      return { name: `${label}: ${base.expected.file} ${path} dim ${axis} ${dims[axis]} -> ${value}`, source: base.wrap(h5), expected: base.expected };
    }
    case 'hdf5-layout': {
      const path = pickPath(random, base.datasets);
      const h5 = base.h5.slice();
      let field = 'unpatched';
      try {
        const { addressOffset, sizeOffset } = datasetLayout(h5, path);
        const which = random() < 0.5 ? addressOffset : sizeOffset;
        const value = hostileNumber(random, readU64(h5, which), h5.length);
        writeU64(h5, which, value);
        field = `${which === addressOffset ? 'address' : 'size'} -> ${value}`;
      } catch {
        // a scalar or compact dataset: no contiguous layout to patch
      }
      return { name: `${label}: ${base.expected.file} ${path} layout ${field}`, source: base.wrap(h5), expected: base.expected };
    }
    case 'hdf5-link': {
      // Point a link at any group (its own, an ancestor: a cycle) or dataset.
      const from = pickPath(random, [...base.datasets, ...base.groups.filter((g) => g !== '')]);
      const to = pickOf(random, [...base.groups, ...base.datasets]);
      let h5 = relink(base.h5, from, to);
      // Sometimes a second link, so cycles can span two groups.
      if (random() < 0.4) {
        const again = pickOf(random, base.groups.filter((g) => g !== '' && !g.startsWith(from)));
        const target = pickOf(random, base.groups);
        try {
          if (again) h5 = relink(h5, again, target);
        } catch {
          // the first link already led this path elsewhere
        }
      }
      return { name: `${label}: ${base.expected.file} ${from} -> ${to}`, source: base.wrap(h5), expected: base.expected };
    }
    case 'hdf5-address': {
      const path = pickPath(random, [...base.datasets, ...base.groups.filter((g) => g !== '')]);
      const h5 = base.h5.slice();
      const link = findLink(h5, path);
      const value = hostileNumber(random, link.address, h5.length);
      writeU64(h5, link.entryOffset + 8, value);
      return { name: `${label}: ${base.expected.file} ${path} address ${link.address} -> ${value}`, source: base.wrap(h5), expected: base.expected };
    }
    case 'hdf5-attribute': {
      // A 32- or 64-bit field inside an attribute message of the root or a group: string lengths,
      // datatype sizes, dataspace dimensions, global heap addresses.
      const group = pickPath(random, base.groups);
      const h5 = base.h5.slice();
      const attributes = objectMessages(h5, objectAddress(h5, group)).filter((m) => m.type === 0x0c);
      if (attributes.length === 0) return { name: `${label}: ${group} has no attributes`, source: base.wrap(h5), expected: base.expected };
      const attribute = pickOf(random, attributes);
      const at = attribute.dataOffset + Math.floor(random() * Math.max(1, attribute.size - 8));
      const value = hostileNumber(random, 16, h5.length);
      if (random() < 0.5) setU32(h5, at, value % 2 ** 32);
      else writeU64(h5, at, value);
      return { name: `${label}: ${base.expected.file} attribute of '${group}' at +${at - attribute.dataOffset} -> ${value}`, source: base.wrap(h5), expected: base.expected };
    }
    case 'zip-field': {
      const copy = keras.bytes.slice();
      const name = pickOf(random, Object.keys(keras.members));
      const { central, local } = zipFields(copy, name);
      const field = pickOf(random, ['crc', 'compressedSize', 'size', 'localOffset'] as const);
      const both = random() < 0.5;
      const view = new DataView(copy.buffer);
      const value = field === 'crc' ? (view.getUint32(central + CENTRAL.crc, true) ^ (1 << Math.floor(random() * 32))) >>> 0 : hostileNumber(random, view.getUint32(central + CENTRAL[field], true), copy.length) % 2 ** 32;
      setU32(copy, central + CENTRAL[field], value);
      if (both && field !== 'localOffset') setU32(copy, local + LOCAL[field], value);
      return { name: `${label}: ${name} ${field} -> ${value}${both ? ' (local header too)' : ''}`, source: copy, expected: keras.expected };
    }
    case 'config-size': {
      const text = new TextDecoder().decode(keras.members['config.json']);
      const keys = [...text.matchAll(/"(units|batch_shape|build_input_shape|input_shape)": (\[[^\]]*\]|\d+)/g)];
      const match = pickOf(random, keys);
      const huge = pickOf(random, [2 ** 30, 2 ** 27, 1e12, 2 ** 53, -1, 1.5, 0, 2 ** 31, 65_536, '"x"', 'null', '1e400']);
      const replacement = match[2].startsWith('[') ? match[2].replace(/(\d+)(?!.*\d)/, String(huge)) : String(huge);
      const edited = text.slice(0, match.index) + `"${match[1]}": ${replacement}` + text.slice((match.index ?? 0) + match[0].length);
      return {
        name: `${label}: config ${match[1]} ${match[2]} -> ${replacement}`,
        source: zipSync({ ...keras.members, 'config.json': new TextEncoder().encode(edited) }),
        expected: keras.expected,
      };
    }
    case 'tfjs-manifest': {
      const json = JSON.parse(JSON.stringify(tfjs.modelJson)) as TfjsArtifacts['modelJson'];
      const group = json.weightsManifest[0];
      const weight = pickOf(random, group.weights) as Record<string, unknown> & { shape: number[] };
      let shard = tfjs.bytes;
      const mutation = pickOf(random, ['shape', 'dtype', 'quantization', 'path', 'drop', 'duplicate', 'shard-size', 'huge-shape'] as const);
      let what: string = mutation;
      if (mutation === 'shape') {
        const axis = Math.floor(random() * Math.max(1, weight.shape.length));
        weight.shape[axis] = hostileNumber(random, weight.shape[axis] ?? 1, shard.length);
        what = `shape -> ${JSON.stringify(weight.shape)}`;
      } else if (mutation === 'huge-shape') {
        weight.shape = [2 ** 26, 2 ** 26, 2 ** 26];
      } else if (mutation === 'dtype') {
        weight.dtype = pickOf(random, ['int32', 'float16', 'uint8', 'bool', 'string', 'complex64', 'float64', 7, null]);
        what = `dtype -> ${JSON.stringify(weight.dtype)}`;
      } else if (mutation === 'quantization') {
        weight.quantization = pickOf(random, [
          { dtype: 'uint8', scale: Number.NaN, min: 0 }, { dtype: 'uint8', scale: 1e38, min: 1e38 }, { dtype: 'uint16' },
          { dtype: 'float16' }, { dtype: 'int4', scale: 1, min: 0 }, { dtype: 'uint8', scale: 'x', min: 0 }, 'uint8',
        ]);
        what = `quantization -> ${JSON.stringify(weight.quantization)}`;
      } else if (mutation === 'path') {
        group.paths = [pickOf(random, ['../weights.bin', '%2e%2e/weights.bin', '/etc/passwd', '__proto__', 'constructor', '', 'missing.bin', 'http://127.0.0.1:9/w.bin'])];
        what = `paths -> ${JSON.stringify(group.paths)}`;
      } else if (mutation === 'drop') {
        group.weights.splice(group.weights.indexOf(weight as never), 1);
      } else if (mutation === 'duplicate') {
        group.weights.push({ ...weight } as (typeof group.weights)[number]);
      } else {
        const cut = hostileNumber(random, shard.length, shard.length) % (2 * shard.length + 8);
        shard = cut <= shard.length ? shard.slice(0, cut) : new Uint8Array([...shard, ...new Uint8Array(cut - shard.length)]);
        what = `shard -> ${shard.length} bytes`;
      }
      return { name: `${label}: ${what}`, source: json as unknown as Record<string, unknown>, options: { weightFiles: { 'weights.bin': shard } }, expected: tfjs.expected };
    }
  }
}
