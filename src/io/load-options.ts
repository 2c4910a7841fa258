// loadModel's options, checked before anything is read: wrong options are the
// caller's mistake, not the file's, so they are a ConfigError, as everywhere in
// the package. Keras users write snake_case; the message names the camelCase key.
// The types a caller passes to loadModel live here too, so that the public
// declarations reach no parsing module.
import { ConfigError, quoted } from '../errors.js';
import { checkKnownKeys } from '../option-keys.js';
import type { KerasVersion } from '../layers/activations.js';
import type { LayerFactory } from '../layers/registry.js';
import type { WasmSource } from '../kernels/module.js';
import type { TensorLike } from '../tensor.js';

/**
 * What `loadModel` reads: the file's bytes (`Uint8Array`, `ArrayBuffer`, any typed array),
 * a file path (Node), a URL or URL string (fetched; `file:` URLs are read in Node), a `Response`,
 * a `Blob`, the text of a Keras `model.to_json()` / TF.js `model.json`, or that JSON already parsed.
 */
export type ModelSource = ArrayBuffer | ArrayBufferView | string | URL | Response | Blob | ModelJson;

/** A parsed Keras `model.to_json()` or TF.js `model.json` object. */
export interface ModelJson {
  [key: string]: unknown;
}

/** Shard files by the names used in the manifest's `paths`. */
export type WeightFiles = Readonly<Record<string, Uint8Array | ArrayBuffer>>;

export interface LoadModelOptions {
  /**
   * The weights for a Keras `model.to_json()` source, in `model.get_weights()` order
   * (every layer's weights, layers in the order of the config's layers list). Required for such
   * a source, unused otherwise.
   */
  weights?: readonly TensorLike[];
  /** TF.js weight shard files by the names in model.json's `weightsManifest` paths. */
  weightFiles?: WeightFiles;
  /**
   * Which Keras major version defines `hard_sigmoid` (and the GRU `reset_after` default when the
   * config omits it). Default: from the file's keras_version (TF.js files count as 2).
   */
  kerasVersion?: KerasVersion;
  /** Where the kernel module comes from; passed to `ready()`. */
  wasm?: WasmSource;
  /** Aborts the load: it rejects with the signal's reason (an `AbortError` unless given another). */
  signal?: AbortSignal;
  /**
   * Milliseconds all reads of this load (the model file and its weight shards, from disk or
   * network) may take together; then it rejects with a ModelFileError. Default 300000 (5 minutes);
   * `Infinity` for none.
   */
  timeoutMs?: number;
  /**
   * Most bytes this load may read and inflate in total (the file, its shards, the archive members
   * it unpacks); beyond that it rejects with a ModelFileError. Default 2 GiB (2147483648).
   */
  maxBytes?: number;
  /**
   * TF.js shards are read only from the model.json's own folder, or for a model.json fetched
   * over http(s), from its origin. `true` also lets the manifest name http(s) URLs of other origins.
   * Shard paths outside the folder of a model.json on disk are always refused.
   */
  allowCrossOrigin?: boolean;
  /**
   * Layers written in user code, by the class_name the file gives them (Keras' custom_objects):
   * `{ AttentionLayer: (config) => new AttentionLayer(config) }`. They take precedence over
   * registerLayer's, for this load only.
   */
  customLayers?: Readonly<Record<string, LayerFactory>>;
  /**
   * Keras' load_model(compile=True): a model saved compiled (a .keras compile_config, an .h5
   * training_config) comes back compiled with the same optimizer settings, loss and metrics
   * and, when the file holds it in Keras 3's layout, the optimizer's state (iterations, slots), so fit
   * resumes where the saved model stopped. Default true; false leaves it uncompiled.
   */
  compile?: boolean;
}

// A record over every key, so that a new LoadModelOptions key cannot be forgotten here.
const LOAD_MODEL_KEYS: Record<keyof LoadModelOptions, true> = {
  weights: true, weightFiles: true, kerasVersion: true, wasm: true, signal: true, timeoutMs: true, maxBytes: true, allowCrossOrigin: true, customLayers: true, compile: true,
};

/** @internal */
export function checkLoadOptions(options: unknown): LoadModelOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`loadModel: options must be an object, received ${describe(options)}`);
  }
  const record = options as Record<string, unknown>;
  // load_model's own keywords that are not spelt as their camelCase forms here.
  if ('custom_objects' in record || 'customObjects' in record) {
    throw new ConfigError(`loadModel: unknown option '${'custom_objects' in record ? 'custom_objects' : 'customObjects'}'; Keras' custom_objects is 'customLayers' here, { ClassName: (config) => layer }`);
  }
  if ('safe_mode' in record || 'safeMode' in record) {
    throw new ConfigError(`loadModel: unknown option '${'safe_mode' in record ? 'safe_mode' : 'safeMode'}': a file's code (Lambda layers) is never run here, so there is no unsafe mode to turn off`);
  }
  checkKnownKeys(record, Object.keys(LOAD_MODEL_KEYS), 'loadModel');
  const { kerasVersion, signal, timeoutMs, maxBytes, allowCrossOrigin, customLayers, compile } = record;
  if (customLayers !== undefined) {
    const entries = typeof customLayers === 'object' && customLayers !== null && !Array.isArray(customLayers) ? Object.entries(customLayers) : null;
    const bad = entries?.find(([, factory]) => typeof factory !== 'function');
    if (!entries || bad) {
      throw new ConfigError(`loadModel: option 'customLayers' must map class names to factories (config) => layer, received ${bad ? `${bad[0]}: ${describe(bad[1])}` : describe(customLayers)}`);
    }
  }
  if (kerasVersion !== undefined && kerasVersion !== 2 && kerasVersion !== 3) {
    throw new ConfigError(`loadModel: option 'kerasVersion' must be 2 or 3, received ${describe(kerasVersion)}`);
  }
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new ConfigError(`loadModel: option 'signal' must be an AbortSignal, received ${describe(signal)}`);
  }
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0 && !Number.isNaN(timeoutMs))) {
    throw new ConfigError(`loadModel: option 'timeoutMs' must be a positive number of milliseconds (or Infinity), received ${describe(timeoutMs)}`);
  }
  if (maxBytes !== undefined && !(typeof maxBytes === 'number' && maxBytes > 0 && (Number.isSafeInteger(maxBytes) || maxBytes === Infinity))) {
    throw new ConfigError(`loadModel: option 'maxBytes' must be a positive integer (or Infinity), received ${describe(maxBytes)}`);
  }
  if (compile !== undefined && typeof compile !== 'boolean') {
    throw new ConfigError(`loadModel: option 'compile' must be true or false, received ${describe(compile)}`);
  }
  if (allowCrossOrigin !== undefined && typeof allowCrossOrigin !== 'boolean') {
    throw new ConfigError(`loadModel: option 'allowCrossOrigin' must be true or false, received ${describe(allowCrossOrigin)}`);
  }
  return record as LoadModelOptions;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof AbortSignal === 'function' && value instanceof AbortSignal) return true;
  // Another realm's (or a polyfill's) signal.
  const candidate = value as { aborted?: unknown; addEventListener?: unknown; removeEventListener?: unknown } | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.aborted === 'boolean'
    && typeof candidate.addEventListener === 'function' && typeof candidate.removeEventListener === 'function';
}

function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (typeof value === 'string') return quoted(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  return (value as object).constructor?.name ?? 'an object';
}
