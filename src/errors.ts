/** Base class of every error this package throws on purpose. */
export class WasmRnnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A tensor, mask, state or weight has the wrong shape, rank, size or nesting. */
export class ShapeError extends WasmRnnError {}

/** A layer option, initializer, activation or Keras config is invalid or unsupported. */
export class ConfigError extends WasmRnnError {}

/** A value has the wrong type (not an array, not a number, not a tensor). */
export class InputError extends WasmRnnError {}

/** The WebAssembly module is not ready or cannot be loaded on this platform. */
export class RuntimeError extends WasmRnnError {}

/** Formats a shape the way error messages print it: `[2, 5, 3]`. */
export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}]`;
}
