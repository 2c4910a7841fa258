/** Base class of every error this package throws on purpose. */
export class WasmRnnError extends Error {
  // Spelled out, not taken from the constructor: minifiers rename classes.
  override name = 'WasmRnnError';
}

/** A tensor, mask, state or weight has the wrong shape, rank, size or nesting. */
export class ShapeError extends WasmRnnError {
  override name = 'ShapeError';
}

/** A layer option, initializer, activation or Keras config is invalid or unsupported. */
export class ConfigError extends WasmRnnError {
  override name = 'ConfigError';
}

/** A value has the wrong type (not an array, not a number, not a tensor). */
export class InputError extends WasmRnnError {
  override name = 'InputError';
}

/**
 * The WebAssembly module is not ready or cannot be loaded on this platform, or a weight or a call
 * needs more memory than WebAssembly can address (4 GiB).
 */
export class RuntimeError extends WasmRnnError {
  override name = 'RuntimeError';
}

/** A layer or model was used after `dispose()` freed it. */
export class DisposedError extends RuntimeError {
  override name = 'DisposedError';
}

/** Formats a shape the way error messages print it: `[2, 5, 3]`. @internal */
export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}]`;
}

const NON_FINITE = '~wasm-rnn-number~';
const NON_FINITE_QUOTED = new RegExp(`"${NON_FINITE}(NaN|-?Infinity)${NON_FINITE}"`, 'g');

/**
 * A received value as error messages print it: its JSON, with NaN and ±Infinity as themselves
 * (JSON writes null), a BigInt as `3n`, a function as 'a function', and a value JSON cannot write
 * (a cycle) by its type. JSON.stringify alone throws a raw TypeError on a BigInt or a cycle, which
 * would replace the error being written. @internal
 */
export function quoted(value: unknown): string {
  if (typeof value === 'number') return String(value);
  try {
    const text = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? `${item}n` : typeof item === 'number' && !Number.isFinite(item) ? `${NON_FINITE}${item}${NON_FINITE}` : item));
    if (text !== undefined) return text.replace(NON_FINITE_QUOTED, '$1');
  } catch {
    return typeof value === 'object' && value !== null ? `an object (${value.constructor?.name ?? 'Object'})` : String(value);
  }
  return typeof value === 'function' ? 'a function' : String(value);
}
