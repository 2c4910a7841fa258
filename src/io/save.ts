// saveModel: a model to a Keras 3 `.keras` archive, a legacy `.h5` file or a
// TF.js layers model.json with its shards, as bytes anywhere or as files in
// Node. Everything is serialised before any file is touched, and files are
// written under temporary names and renamed, so a failed save leaves nothing.
import { ConfigError, quoted } from '../errors.js';
import { checkKnownKeys, checkOptionsObject } from '../option-keys.js';
import type { ModelBase } from '../models/model.js';
import type { SaveFormat, SaveModelOptions } from '../models/model-saver.js';
import { isNode } from '../platform.js';
import { writeFilesAtomically, toFileUrl } from './node-file.js';
import { legacyH5Bytes } from './save-h5.js';
import { kerasArchiveBytes, savingLibWeightsFile } from './save-keras.js';
import { modelInfo } from './save-model-info.js';
import { DEFAULT_SHARD_BYTES, tfjsFiles } from './save-tfjs.js';

export type { SaveFormat, SaveModelOptions } from '../models/model-saver.js';

const FORMATS: readonly SaveFormat[] = ['keras', 'h5', 'tfjs'];
const OPTION_KEYS = ['format', 'compress', 'shardBytes', 'date'];
const MIME: Record<SaveFormat, string> = { keras: 'application/zip', h5: 'application/x-hdf5', tfjs: 'application/json' };

/**
 * Saves `model`. With a path (Node), writes the file (for 'tfjs', model.json and its shards beside
 * it) and resolves when it is in place; with options only, resolves to the file's bytes.
 */
export async function saveModel(model: ModelBase, options: SaveModelOptions & { format: Exclude<SaveFormat, 'tfjs'> }): Promise<Uint8Array>;
export async function saveModel(model: ModelBase, path: string | URL, options?: SaveModelOptions): Promise<void>;
export async function saveModel(model: ModelBase, target: string | URL | SaveModelOptions, options: SaveModelOptions = {}): Promise<Uint8Array | void> {
  if (typeof target === 'string' || target instanceof URL) return saveModelToPath(model, target, options);
  const checked = checkSaveOptions(target, 'saveModel');
  if (checked.format === undefined) throw new ConfigError("saveModel: without a path, option 'format' must say 'keras' or 'h5' (saveModelFiles writes 'tfjs')");
  if (checked.format === 'tfjs') throw new ConfigError("saveModel: format 'tfjs' is several files (model.json and weight shards); use saveModelFiles, or saveModel with a path in Node");
  return serialize(model, checked.format, checked, 'model')[0][1];
}

/** Every file of the saved model by name: one for 'keras' and 'h5', model.json and its shards for 'tfjs'. */
export function saveModelFiles(model: ModelBase, options: SaveModelOptions & { format: SaveFormat }): Record<string, Uint8Array> {
  const checked = checkSaveOptions(options, 'saveModelFiles');
  if (checked.format === undefined) throw new ConfigError("saveModelFiles: option 'format' must be 'keras', 'h5' or 'tfjs'");
  const names: Record<SaveFormat, string> = { keras: 'model.keras', h5: 'model.h5', tfjs: 'model.json' };
  return Object.fromEntries(serialize(model, checked.format, checked, names[checked.format]));
}

/** The saved model as a Blob to download in a browser (format 'keras' or 'h5'). */
export async function saveModelBlob(model: ModelBase, options: SaveModelOptions & { format: Exclude<SaveFormat, 'tfjs'> }): Promise<Blob> {
  const bytes = await saveModel(model, options);
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: MIME[options.format] });
}

function serialize(model: ModelBase, format: SaveFormat, options: SaveModelOptions, fileName: string): [string, Uint8Array][] {
  const info = modelInfo(model, 'saveModel');
  if (format === 'keras') return [[fileName, kerasArchiveBytes(info, { date: options.date ?? new Date(), deflate: options.compress ?? false })]];
  if (format === 'h5') return [[fileName, legacyH5Bytes(info)]];
  return tfjsFiles(info, fileName, options.shardBytes ?? DEFAULT_SHARD_BYTES);
}

async function saveModelToPath(model: ModelBase, path: string | URL, options: SaveModelOptions): Promise<void> {
  const checked = checkSaveOptions(options, 'saveModel');
  if (!isNode()) throw new ConfigError('saveModel: a path can be written only in Node; in browsers pass { format } for the bytes (or use saveModelBlob)');
  if (typeof path === 'string' && path === '') throw new ConfigError('saveModel: path must be a non-empty file path');
  const location = await toFileUrl(path);
  if (location.protocol !== 'file:') throw new ConfigError(`saveModel: path must be a local file, received ${location.href}`);
  const fileName = decodeURIComponent(location.pathname.split('/').pop() ?? '');
  const format = checked.format ?? formatFromName(fileName);
  const files = serialize(model, format, checked, fileName).map(([name, bytes]): [URL, Uint8Array] => [new URL(encodeURIComponent(name), location), bytes]);
  // model.json (first) is put in place last, once its shards are.
  await writeFilesAtomically([...files.slice(1), files[0]]);
}

/**
 * Keras 3's model.save_weights(path) in Node: the weights alone, in the `.weights.h5` layout Keras 3
 * writes (the saving library's layers/<class>/vars/<i>), which Keras' load_weights and loadWeights read.
 */
export async function saveWeights(model: ModelBase, path: string | URL): Promise<void> {
  if (!isNode()) throw new ConfigError('saveWeights: a path can be written only in Node');
  if (typeof path !== 'string' && !(path instanceof URL)) throw new ConfigError(`saveWeights: path must be a file path or file: URL, received ${quoted(path)}`);
  const location = await toFileUrl(path);
  if (location.protocol !== 'file:') throw new ConfigError(`saveWeights: path must be a local file, received ${location.href}`);
  // Keras 3: "The filename must end in `.weights.h5`".
  if (!location.pathname.endsWith('.weights.h5')) throw new ConfigError(`saveWeights: the filename must end in .weights.h5 (Keras 3's rule), received ${quoted(String(path))}`);
  const info = modelInfo(model, 'saveWeights');
  await writeFilesAtomically([[location, savingLibWeightsFile(info, model.layers.map((layer) => layer.name))]]);
}

function formatFromName(name: string): SaveFormat {
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (extension === 'keras') return 'keras';
  if (extension === 'h5' || extension === 'hdf5') return 'h5';
  if (extension === 'json') return 'tfjs';
  throw new ConfigError(`saveModel: cannot tell the format from ${quoted(name)}; name it .keras, .h5 or .json, or pass { format: 'keras' | 'h5' | 'tfjs' }`);
}

function checkSaveOptions(options: unknown, where: string): SaveModelOptions {
  checkOptionsObject(options, where, "{ format: 'keras' }");
  checkKnownKeys(options as Record<string, unknown>, OPTION_KEYS, where);
  const { format, compress, shardBytes, date } = options as SaveModelOptions;
  if (format !== undefined && !FORMATS.includes(format)) throw new ConfigError(`${where}: option 'format' must be 'keras', 'h5' or 'tfjs', received ${quoted(format)}`);
  if (compress !== undefined && typeof compress !== 'boolean') throw new ConfigError(`${where}: option 'compress' must be a boolean, received ${quoted(compress)}`);
  if (shardBytes !== undefined && (!Number.isSafeInteger(shardBytes) || shardBytes < 4 || shardBytes % 4 !== 0)) {
    throw new ConfigError(`${where}: option 'shardBytes' must be a positive multiple of 4, received ${quoted(shardBytes)}`);
  }
  if (date !== undefined && (!(date instanceof Date) || Number.isNaN(date.getTime()))) throw new ConfigError(`${where}: option 'date' must be a valid Date, received ${String(date)}`);
  return options as SaveModelOptions;
}
