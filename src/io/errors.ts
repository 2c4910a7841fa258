// The one error class the model-file loaders throw: it names the file, the
// part of the file (an archive entry, an HDF5 path, a JSON key) and the layer.
import { WasmRnnError } from '../errors.js';

export interface ModelFileErrorDetails {
  /** The file as the caller named it: a path's or URL's last segment, or e.g. 'model bytes'. */
  file?: string;
  /** Where in the file: 'config.json', 'model.weights.h5: layers/gru/cell/vars/1', 'model_config', ... */
  part?: string;
  /** The layer the problem belongs to, by its name in the file. */
  layer?: string;
  /** The underlying error, when another error (or a library's thrown string) caused this one. */
  cause?: unknown;
}

/**
 * A model file (or model JSON with its weights) cannot be loaded: it is truncated, corrupted,
 * not a Keras model, uses a layer wasm-rnn does not support, or its weights do not fit its config.
 */
export class ModelFileError extends WasmRnnError {
  override name = 'ModelFileError';
  readonly file: string | undefined;
  readonly part: string | undefined;
  readonly layer: string | undefined;

  constructor(message: string, details: ModelFileErrorDetails = {}) {
    super(composeMessage(message, details));
    this.file = details.file;
    this.part = details.part;
    this.layer = details.layer;
    if (details.cause !== undefined) this.cause = details.cause;
  }
}

function composeMessage(message: string, { file, part, layer }: ModelFileErrorDetails): string {
  const where = [file, part].filter((s): s is string => typeof s === 'string' && s !== '').join(': ');
  const subject = layer !== undefined ? `${where}${where ? ' ' : ''}(layer ${layer})` : where;
  return subject ? `${subject}: ${message}` : message;
}

/** A short description of anything thrown (jsfive throws plain strings). @internal */
export function describeThrown(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return String(error);
  } catch {
    return 'unknown error';
  }
}
