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

/** The WebAssembly module is not ready or cannot be loaded on this platform. */
export class RuntimeError extends WasmRnnError {
  override name = 'RuntimeError';
}

/** Formats a shape the way error messages print it: `[2, 5, 3]`. */
export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}]`;
}
