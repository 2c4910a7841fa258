// Keras' data helpers that notebooks call before fit: pad_sequences and to_categorical, with
// Keras' defaults and rules (int32 values by default, 'pre' padding and truncation, a trailing
// axis of 1 squeezed by to_categorical), returning float32 tensors as every input here is.
import { ConfigError, InputError, RuntimeError, ShapeError, formatShape, quoted } from './errors.js';
import { checkKnownKeys, checkOptionsObject } from './option-keys.js';
import { Tensor, describe, toTensor, type TensorLike } from './tensor.js';

export interface PadSequencesOptions {
  /** The length of every row; default the longest sequence. */
  maxlen?: number;
  /** 'int32' (Keras' default: values truncated toward zero, as numpy's int32 cast) or 'float32'. */
  dtype?: 'int32' | 'float32';
  /** Where the padding goes: 'pre' (default) or 'post'. */
  padding?: 'pre' | 'post';
  /** Which end of a longer sequence is cut: 'pre' (default, keeps the last maxlen) or 'post'. */
  truncating?: 'pre' | 'post';
  /** The padding value; default 0. */
  value?: number;
}

const PAD_KEYS = ['maxlen', 'dtype', 'padding', 'truncating', 'value'];
type Step = number | readonly number[];

/**
 * Keras' pad_sequences: a list of sequences (of ids, or of frames of the same size) to one
 * tensor of shape (N, maxlen) or (N, maxlen, D), padded and truncated as Keras does.
 */
export function padSequences(sequences: readonly (readonly Step[] | ArrayLike<number>)[], options: PadSequencesOptions = {}): Tensor {
  const where = 'padSequences';
  checkOptionsObject(options, where, "{ maxlen: 100, padding: 'post' }");
  checkKnownKeys(options, PAD_KEYS, where);
  const { padding = 'pre', truncating = 'pre', dtype = 'int32', value = 0 } = options;
  if (padding !== 'pre' && padding !== 'post') throw new ConfigError(`${where}: option 'padding' must be 'pre' or 'post', received ${quoted(padding)}`);
  if (truncating !== 'pre' && truncating !== 'post') throw new ConfigError(`${where}: option 'truncating' must be 'pre' or 'post', received ${quoted(truncating)}`);
  if (dtype !== 'int32' && dtype !== 'float32') throw new ConfigError(`${where}: option 'dtype' must be 'int32' or 'float32' (tensors hold float32; 'int32' truncates values as Keras' default does), received ${quoted(dtype)}`);
  if (typeof value !== 'number' || Number.isNaN(value)) throw new ConfigError(`${where}: option 'value' must be a number, received ${quoted(value)}`);
  if (!Array.isArray(sequences)) throw new InputError(`${where}: sequences must be a list of sequences, received ${describe(sequences)}`);
  const rows = sequences.map((sequence, i): ArrayLike<Step> => {
    if (!Array.isArray(sequence) && !ArrayBuffer.isView(sequence)) throw new InputError(`${where}: sequences[${i}] must be a list of ids or frames, received ${describe(sequence)}`);
    return sequence as ArrayLike<Step>;
  });
  const { maxlen = rows.reduce((longest, row) => Math.max(longest, row.length), 0) } = options;
  if (!Number.isSafeInteger(maxlen) || maxlen < 1) throw new ConfigError(`${where}: option 'maxlen' must be a positive integer, received ${quoted(options.maxlen)}`);
  // Frames: the size of the first step of the first non-empty sequence, as Keras reads sample_shape.
  const firstStep = rows.find((row) => row.length > 0)?.[0];
  const frame = Array.isArray(firstStep) ? firstStep.length : 0;
  const width = Math.max(frame, 1);
  const cast = dtype === 'int32' ? Math.trunc : (v: number) => v;
  const out = new Float32Array(checkedCount([rows.length, maxlen, width], `${where}: the padded sequences`)).fill(cast(value));
  rows.forEach((row, i) => {
    const kept = Math.min(row.length, maxlen);
    const from = truncating === 'pre' ? row.length - kept : 0;
    const to = padding === 'pre' ? maxlen - kept : 0;
    for (let t = 0; t < kept; t++) {
      const step = row[from + t];
      const at = (i * maxlen + to + t) * width;
      const values = frame === 0 ? [step] : step;
      if (!Array.isArray(values) || values.length !== width || (frame === 0 && Array.isArray(step))) {
        throw new ShapeError(`${where}: sequences[${i}][${from + t}] must be ${frame === 0 ? 'a number' : `a frame of ${frame} numbers`} like the first step, received ${describe(step)}`);
      }
      values.forEach((v: unknown, k: number) => {
        if (typeof v !== 'number' || Number.isNaN(v)) throw new InputError(`${where}: sequences[${i}][${from + t}] holds ${describe(v)}, expected numbers`);
        out[at + k] = cast(v);
      });
    }
  });
  return new Tensor(out, frame === 0 ? [rows.length, maxlen] : [rows.length, maxlen, frame]);
}

/**
 * Keras' to_categorical: integer class labels to one-hot rows. Labels of shape (N,) or (N, 1)
 * give (N, numClasses); any other shape gains a last axis of numClasses (a last axis of 1 is
 * dropped first). numClasses defaults to the largest label + 1.
 */
export function toCategorical(labels: TensorLike, numClasses?: number): Tensor {
  const where = 'toCategorical';
  const y = toTensor(labels, `${where}: labels`);
  let shape = [...y.shape];
  if (shape.length > 1 && shape[shape.length - 1] === 1) shape = shape.slice(0, -1);
  // numpy's int64 cast truncates toward zero.
  const ids = Array.from(y.data, Math.trunc);
  const notIndex = y.data.findIndex((v) => !Number.isFinite(v));
  if (notIndex >= 0) throw new InputError(`${where}: label ${y.data[notIndex]} at index ${notIndex} is not a class index`);
  if (ids.length === 0 && numClasses === undefined) throw new InputError(`${where}: labels are empty, so numClasses cannot come from the largest label; give numClasses`);
  const classes = numClasses ?? ids.reduce((largest, id) => Math.max(largest, id + 1), 0);
  if (!Number.isSafeInteger(classes) || classes < 1) throw new ConfigError(`${where}: numClasses must be a positive integer, received ${quoted(numClasses)}`);
  const out = new Float32Array(checkedCount([ids.length, classes], `${where}: the one-hot rows`));
  ids.forEach((id, i) => {
    if (!(id >= 0 && id < classes)) throw new InputError(`${where}: label ${y.data[i]} at index ${i} is outside [0, ${classes})`);
    out[i * classes + id] = 1;
  });
  return new Tensor(out, [...shape, classes]);
}

/** Float32 values of a result, checked before allocating: no tensor past the 4 GiB of WebAssembly memory can be used. */
function checkedCount(dims: readonly number[], what: string): number {
  const count = dims.reduce((p, d) => p * d, 1);
  if (count * 4 > 2 ** 32) throw new RuntimeError(`${what}: ${formatShape(dims)} float32 values need ${count * 4} bytes, more than the 4 GiB WebAssembly memory holds`);
  return count;
}
