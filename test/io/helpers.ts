// Shared by the loader tests: the real Keras files in ../shared/models (and ../shared/models2),
// their expected outputs, the pass rule, and a seeded random generator.
import { readFileSync, readdirSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Tensor } from '../../dist/io/keras.js';

export const MODELS_DIR = new URL('../../../shared/models/', import.meta.url);
/**
 * Real files with the layers around the RNNs (Conv1D, pooling, CuDNNLSTM, Keras 1, ...).
 * MODELS2_DIR=<folder> runs the same tests on a twin folder laid out the same way (the held-back set).
 */
export const MODELS2_DIR = process.env.MODELS2_DIR
  ? pathToFileURL(process.env.MODELS2_DIR.replace(/\/?$/, '/'))
  : new URL('../../../shared/models2/', import.meta.url);

export interface TensorJson {
  name: string;
  shape: number[];
  dtype?: 'float32' | 'int32';
  data: number[];
}

export interface Expected {
  /** The folder of model folders this came from (MODELS_DIR, MODELS2_DIR or a held-back twin). */
  root: URL;
  folder: string;
  /** The expected*.json file name. */
  name: string;
  file: string;
  format: 'keras-zip' | 'keras-h5';
  keras_version: string;
  summary: {
    layers: { name: string; class_name: string; output_shape: (number | null)[]; params: number }[];
    total_params: number;
    /** In ../shared/models2: they differ when BatchNormalization's moving statistics count. */
    trainable_params?: number;
    non_trainable_params?: number;
  };
  inputs: TensorJson[];
  outputs: TensorJson[];
  tolerance: { abs: number; rel: number };
}

/** Every expected*.json beside the model files under `root`, sorted for a stable test order. */
export function loadExpected(root: URL = MODELS_DIR): Expected[] {
  const list: Expected[] = [];
  for (const folder of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const name of readdirSync(new URL(`${folder}/`, root)).filter((n) => /^expected.*\.json$/.test(n)).sort()) {
      const json = JSON.parse(readFileSync(new URL(`${folder}/${name}`, root), 'utf8')) as Omit<Expected, 'root' | 'folder' | 'name'>;
      list.push({ ...json, root, folder, name });
    }
  }
  return list;
}

export function modelUrl(expected: Pick<Expected, 'folder' | 'file'> & { root?: URL }): URL {
  return new URL(`${expected.folder}/${expected.file}`, expected.root ?? MODELS_DIR);
}

export function modelPath(expected: Pick<Expected, 'folder' | 'file'> & { root?: URL }): string {
  return fileURLToPath(modelUrl(expected));
}

export function modelBytes(expected: Pick<Expected, 'folder' | 'file'> & { root?: URL }): Uint8Array {
  return new Uint8Array(readFileSync(modelUrl(expected)));
}

/** The largest |a - e| / (abs + rel |e|); NaN counts as Infinity. At most 1 passes. */
export function worstViolation(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: { abs: number; rel: number }): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const ratio = Math.abs(actual[i] - expected[i]) / (tol.abs + tol.rel * Math.abs(expected[i]));
    if (Number.isNaN(ratio)) return Infinity;
    worst = Math.max(worst, ratio);
  }
  return worst;
}

export function checkOutputs(outputs: readonly Tensor[], expected: Expected): { shapes: number[][]; worst: number[] } {
  return {
    shapes: outputs.map((o) => [...o.shape]),
    worst: expected.outputs.map((e, i) => (outputs[i] ? worstViolation(outputs[i].data, e.data, expected.tolerance) : Infinity)),
  };
}

export { seededRandom } from '../random.js';

/** Replaces the first occurrence of `from` with `to` (same length) in a copy of the bytes. */
export function patchBytes(bytes: Uint8Array, from: string, to: string): Uint8Array {
  if (from.length !== to.length) throw new Error('patchBytes keeps the length');
  const needle = new TextEncoder().encode(from);
  const at = indexOf(bytes, needle);
  if (at < 0) throw new Error(`patchBytes: ${JSON.stringify(from)} not found`);
  const copy = bytes.slice();
  copy.set(new TextEncoder().encode(to), at);
  return copy;
}

export function indexOf(bytes: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i <= bytes.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** A copy of a .keras archive whose config.json text is edited; the edit must change it. */
export function withKerasConfig(expected: Pick<Expected, 'folder' | 'file'>, edit: (config: string) => string): Uint8Array {
  const members = unzipSync(modelBytes(expected));
  const config = new TextDecoder().decode(members['config.json']);
  const edited = edit(config);
  if (edited === config) throw new Error('withKerasConfig: the edit changed nothing');
  return zipSync({ ...members, 'config.json': new TextEncoder().encode(edited) });
}
