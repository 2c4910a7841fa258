// The TensorFlow.js layers format: model.json with `modelTopology` (a Keras
// model config) and `weightsManifest` (groups of weights stored back to back
// in shard files), as written by tfjs model.save() or tensorflowjs_converter.
import type { Layer } from '../layers/layer.js';
import type { ModelBase } from '../models/model.js';
import { ModelFileError } from './errors.js';
import { formatDims, sameShape, type StoredTensor } from './hdf5.js';
import { isObject } from './model-config.js';
import type { WeightFiles } from './load-options.js';
import type { ReadLimits } from './read-limits.js';
import { namedWeights } from './weight-layout.js';
import { orderedWeightSource, type WeightEntry, type WeightSource } from './weights.js';
import { quoted } from '../errors.js';

export interface TfjsContents {
  config: unknown;
  kerasVersion: string | undefined;
  weightBytes: number;
  weights(model: ModelBase, order: readonly string[]): WeightSource;
}

interface WeightSpec {
  name: string;
  shape: number[];
  /** Bytes per stored value. */
  itemSize: number;
  decode: (bytes: Uint8Array, count: number) => Float32Array;
}

const MANIFEST = 'weightsManifest';

/** @internal */
export function isTfjsModelJson(json: Record<string, unknown>): boolean {
  return 'modelTopology' in json || 'weightsManifest' in json;
}

/** @internal */
export async function readTfjsModel(
  json: Record<string, unknown>, file: string, files: WeightFiles | undefined, sibling: ((name: string) => Promise<Uint8Array>) | undefined,
  limits: ReadLimits,
): Promise<TfjsContents> {
  if (json.format === 'graph-model' || (isObject(json.modelTopology) && 'node' in json.modelTopology)) {
    throw new ModelFileError('is a TensorFlow.js graph model; only layers models (format "layers-model") hold a Keras config', { file, part: 'format' });
  }
  const topology = json.modelTopology;
  if (!isObject(topology)) throw new ModelFileError('is missing or not an object', { file, part: 'modelTopology' });
  const config = isObject(topology.model_config) ? topology.model_config : topology;
  const version = topology.keras_version ?? (isObject(config) ? config.keras_version : undefined);
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) throw new ModelFileError('is missing: a TF.js layers model lists its weight files there', { file, part: MANIFEST });

  const entries: { spec: WeightSpec; bytes: Uint8Array; part: string }[] = [];
  let total = 0;
  for (let g = 0; g < manifest.length; g++) {
    const group = manifest[g];
    const where = `${MANIFEST}[${g}]`;
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights) || !group.paths.every((p) => typeof p === 'string')) {
      throw new ModelFileError('must be { paths: [...], weights: [...] }', { file, part: where });
    }
    const specs = group.weights.map((w, i) => readSpec(w, file, `${where}.weights[${i}]`));
    const needed = specs.reduce((sum, s) => sum + s.itemSize * s.shape.reduce((a, b) => a * b, 1), 0);
    // Refused before any shard is read: the manifest alone says the weights cannot fit.
    if (!Number.isSafeInteger(needed) || needed > limits.remaining) {
      throw new ModelFileError(`declares weights of ${needed} bytes, more than loadModel may read (option maxBytes is ${limits.maxBytes})`, { file, part: where });
    }
    const shards: Uint8Array[] = [];
    for (const path of group.paths as string[]) {
      const shard = await shardBytes(path, files, sibling, file, limits);
      shards.push(shard);
      const sum = shards.reduce((n, b) => n + b.length, 0);
      if (sum > needed) break;
    }
    const data = concat(shards);
    if (data.length !== needed || shards.length !== group.paths.length) {
      throw new ModelFileError(`the weights need ${needed} bytes but the shard files (${group.paths.join(', ')}) hold ${data.length}`, { file, part: where });
    }
    let offset = 0;
    for (const spec of specs) {
      const length = spec.itemSize * spec.shape.reduce((a, b) => a * b, 1);
      entries.push({ spec, bytes: data.subarray(offset, offset + length), part: `${MANIFEST}: ${spec.name}` });
      offset += length;
    }
    total += data.length;
  }
  return {
    config,
    kerasVersion: typeof version === 'string' ? version : undefined,
    weightBytes: total,
    weights: (model) => weightSourceFor(model, entries, file),
  };
}

/**
 * Weights belong to the layer named by the first component of their name that is a layer name
 * ('bidirectional_4/forward_lstm_4/lstm_cell_25/kernel', or 'sequential/gru/gru_cell/kernel' from a
 * converted Keras 3 file), in manifest order. If some name fits no layer, the list is taken in order.
 */
function weightSourceFor(model: ModelBase, stored: { spec: WeightSpec; bytes: Uint8Array; part: string }[], file: string): WeightSource {
  const toEntry = ({ spec, bytes, part }: (typeof stored)[number]): WeightEntry => ({
    part,
    read: (expected, layer) => decodeEntry(spec, bytes, expected, { file, part, layer }),
  });
  const names = new Set(model.layers.map((layer) => layer.name));
  const owners = stored.map(({ spec }) => spec.name.split('/').find((component) => names.has(component)));
  if (owners.some((owner) => owner === undefined)) {
    return orderedWeightSource(file, stored.map(toEntry), (layer) => `${MANIFEST} (weights of ${layer.name})`);
  }
  const byLayer = new Map<string, (typeof stored)[number][]>();
  stored.forEach((entry, i) => {
    const owner = owners[i] as string;
    byLayer.set(owner, [...(byLayer.get(owner) ?? []), entry]);
  });
  const taken = new Set<string>();
  return {
    file,
    forLayer(layer: Layer) {
      taken.add(layer.name);
      const entries = byLayer.get(layer.name);
      return entries && byWeightName(layer, entries).map(toEntry);
    },
    layerPart: (layer) => `${MANIFEST}: ${layer.name}/*`,
    unused: () => [...byLayer].filter(([name]) => !taken.has(name)).flatMap(([, list]) => list.map((e) => e.part)),
  };
}

/**
 * A layer's stored weights in its getWeights() order, matched by name as tfjs-layers matches them:
 * by the variable's own name ('kernel', 'moving_mean') and, in a Bidirectional, its direction;
 * cell scopes differ between converters ('lstm_cell_25'), so they are not compared. Where the
 * names do not give each weight once (another converter's names, a nested model's repeated
 * ones), the manifest's order stands.
 */
function byWeightName<T extends { spec: WeightSpec }>(layer: Layer, entries: readonly T[]): readonly T[] {
  const key = (path: readonly string[]) => {
    const direction = path.find((part) => part.startsWith('forward') || part.startsWith('backward'))?.replace(/_.*/, '') ?? '';
    return `${direction}/${path[path.length - 1]}`;
  };
  const afterLayer = (name: string) => {
    const parts = name.split('/');
    return parts.slice(parts.indexOf(layer.name) + 1);
  };
  let expected: string[];
  try {
    expected = namedWeights(layer).map((w) => key(afterLayer(w.name)));
  } catch {
    return entries;
  }
  const storedKeys = entries.map((entry) => key(afterLayer(entry.spec.name)));
  const unique = (keys: readonly string[]) => new Set(keys).size === keys.length;
  if (expected.length !== entries.length || !unique(expected) || !unique(storedKeys) || !expected.every((k) => storedKeys.includes(k))) return entries;
  return expected.map((k) => entries[storedKeys.indexOf(k)]);
}

function decodeEntry(spec: WeightSpec, bytes: Uint8Array, expected: readonly number[] | null, where: { file: string; part: string; layer: string }): StoredTensor {
  if (expected && !sameShape(spec.shape, expected)) {
    throw new ModelFileError(`has shape ${formatDims(spec.shape)} but the model config needs ${formatDims(expected)}`, where);
  }
  const count = spec.shape.reduce((a, b) => a * b, 1);
  const data = spec.decode(bytes, count);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new ModelFileError(`value ${i} is ${data[i]}; weights must be finite`, where);
  }
  return { shape: [...spec.shape], data };
}

function readSpec(value: unknown, file: string, part: string): WeightSpec {
  if (!isObject(value) || typeof value.name !== 'string' || !Array.isArray(value.shape)
    || !value.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0) || value.shape.length > 8) {
    throw new ModelFileError('must be { name, shape, dtype } with a list of non-negative integer dimensions', { file, part });
  }
  const { name, dtype, quantization } = value;
  const shape = value.shape as number[];
  if (isObject(quantization)) {
    const { dtype: qtype, scale, min } = quantization;
    if (qtype === 'float16') return { name, shape, itemSize: 2, decode: decodeFloat16 };
    if ((qtype === 'uint8' || qtype === 'uint16') && typeof scale === 'number' && typeof min === 'number') {
      const itemSize = qtype === 'uint8' ? 1 : 2;
      return { name, shape, itemSize, decode: (bytes, count) => decodeAffine(bytes, count, itemSize, scale, min) };
    }
    throw new ModelFileError(`has an unsupported quantization ${quoted(quantization)}`, { file, part });
  }
  if (dtype !== 'float32' && dtype !== undefined) {
    throw new ModelFileError(`has dtype ${quoted(dtype)}; layer weights must be float32`, { file, part });
  }
  return { name, shape, itemSize: 4, decode: decodeFloat32 };
}

async function shardBytes(
  path: string, files: WeightFiles | undefined, sibling: ((name: string) => Promise<Uint8Array>) | undefined, file: string, limits: ReadLimits,
): Promise<Uint8Array> {
  const own = (name: string) => (files !== undefined && Object.hasOwn(files, name) ? files[name] : undefined);
  const given = own(path) ?? own(path.split('/').pop() ?? path);
  if (given instanceof Uint8Array || given instanceof ArrayBuffer) {
    limits.take(given.byteLength, { file: path });
    return given instanceof Uint8Array ? given : new Uint8Array(given);
  }
  if (given !== undefined) throw new ModelFileError('must be a Uint8Array or ArrayBuffer in options.weightFiles', { file, part: path });
  if (!sibling) {
    throw new ModelFileError(`names weight file ${quoted(path)}; pass it in options.weightFiles (the model.json was given without a location to read it from)`, { file, part: MANIFEST });
  }
  return sibling(path);
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function decodeFloat32(bytes: Uint8Array, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

function decodeAffine(bytes: Uint8Array, count: number, itemSize: number, scale: number, min: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (itemSize === 1 ? view.getUint8(i) : view.getUint16(2 * i, true)) * scale + min;
  return out;
}

function decodeFloat16(bytes: Uint8Array, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const h = view.getUint16(2 * i, true);
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) out[i] = sign * 2 ** -14 * (fraction / 1024);
    else if (exponent === 31) out[i] = fraction ? NaN : sign * Infinity;
    else out[i] = sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return out;
}
