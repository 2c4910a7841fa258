// Dense float32 tensors: a shape and a row-major Float32Array.
import { ConfigError, InputError, ShapeError, formatShape, quoted } from './errors.js';
import { formatTensor } from './tensor-format.js';

/** Nested number arrays of any depth, as Keras users write inputs. */
export type NestedArray = number | boolean | readonly NestedArray[];
export type TypedArray =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array
  | Uint8Array | Uint8ClampedArray | Uint16Array | Uint32Array;
/** Lists of typed arrays, as numpy's array([frame, frame]) stacks them: [Float32Array, ...] is (T, D). */
export type NestedTypedArrays = TypedArray | readonly NestedTypedArrays[];
export type TensorLike = Tensor | NestedArray | TypedArray | NestedTypedArrays;

export class Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;

  /**
   * A tensor of `shape` over `data`, whose length must be the shape's size. A Float32Array is
   * wrapped, not copied; a flat array of numbers (booleans count as 1/0) or another numeric typed
   * array is copied into a new Float32Array, as tf.tensor(values, shape) would. Anything else is an
   * InputError; use `tensor()` for nested arrays.
   */
  constructor(data: Float32Array | readonly (number | boolean)[] | TypedArray, shape: readonly number[]) {
    checkShape(shape, 'shape');
    const values = flatFloat32(data);
    const size = shapeSize(shape);
    if (values.length !== size) {
      throw new ShapeError(`tensor: data has ${values.length} values but shape ${formatShape(shape)} needs ${size}`);
    }
    this.data = values;
    this.shape = Object.freeze([...shape]);
  }

  /** Always 'float32', the kernels' type (as tf.Tensor.dtype and numpy's dtype name). */
  get dtype(): 'float32' {
    return 'float32';
  }

  get rank(): number {
    return this.shape.length;
  }

  /** numpy's and Keras' name for the rank (x.ndim). */
  get ndim(): number {
    return this.rank;
  }

  get size(): number {
    return this.data.length;
  }

  /** Nested plain arrays in the tensor's shape (a number for rank 0). */
  toArray(): NestedArray {
    if (this.shape.length === 0) return this.data[0];
    return nest(this.data, this.shape, 0, 0);
  }

  /**
   * What JSON.stringify(tensor) writes: toArray()'s nested arrays, as numpy's tolist() gives them
   * (NaN and ±Infinity become null, as JSON has no such numbers).
   */
  toJSON(): NestedArray {
    return this.toArray();
  }

  /** The values as numpy prints them, shortened around '...' above 1000 values: `Tensor([[0.1, 0.2], ...], shape=(2, 2))`. */
  toString(): string {
    return formatTensor(this.data, this.shape);
  }

  /** What console.log shows in Node (util.inspect's hook, found by its registered symbol). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * Builds a tensor from nested arrays, a flat number array or a typed array.
 * Without `shape`, nested arrays give their own shape and flat ones are 1-D. One entry of `shape`
 * may be -1, as in numpy's reshape: it is what the values' count leaves for it. `dtype`, tfjs'
 * third argument, can only be 'float32': another would promise a conversion (tfjs' 'int32'
 * truncates 1.5 to 1) that a float32 tensor does not make.
 */
export function tensor(values: TensorLike, shape?: readonly number[], dtype?: 'float32'): Tensor {
  if (dtype !== undefined && dtype !== 'float32') {
    throw new ConfigError(`tensor: dtype must be 'float32' (tensors hold float32; integer ids and booleans are kept as their float32 values, so leave dtype out), received ${quoted(dtype)}`);
  }
  const inferAxis = Array.isArray(shape) ? shape.indexOf(-1) : -1;
  if (Array.isArray(shape) && shape.lastIndexOf(-1) !== inferAxis) throw new ShapeError(`tensor: shape may hold one -1 (an axis the values' count gives), received [${shape.join(', ')}]`);
  if (shape !== undefined) checkShape(inferAxis < 0 ? shape : shape.filter((_, axis) => axis !== inferAxis), 'shape');
  let data: Float32Array;
  let inferred: number[];
  if (values instanceof Tensor) {
    data = new Float32Array(values.data);
    inferred = [...values.shape];
  } else if (values instanceof BigInt64Array || values instanceof BigUint64Array || values instanceof DataView) {
    throw new InputError(`tensor: values must be a number, nested number arrays or a number typed array, received ${describe(values)}`);
  } else if (ArrayBuffer.isView(values)) {
    data = Float32Array.from(values as ArrayLike<number>);
    inferred = [data.length];
  } else if (typeof values === 'number') {
    data = Float32Array.of(values);
    inferred = [];
  } else if (Array.isArray(values)) {
    inferred = inferNestedShape(values as readonly NestedArray[]);
    // numpy's limit too: reading the values walks one level per axis.
    if (inferred.length > MAX_RANK) throw new InputError(`tensor: values nest ${inferred.length} arrays deep; at most ${MAX_RANK} axes fit, as in numpy`);
    data = new Float32Array(shapeSize(inferred));
    flattenInto(values as NestedArray, inferred, 0, data, 0);
  } else {
    throw new InputError(`tensor: values must be a number, nested number arrays or a typed array, received ${describe(values)}`);
  }
  if (shape === undefined) return new Tensor(data, inferred);
  if (inferAxis >= 0) shape = withInferredAxis(shape, inferAxis, data.length, inferred);
  if (shapeSize(shape) !== data.length) {
    throw new ShapeError(
      `tensor: ${data.length} values (shape ${formatShape(inferred)}) do not fit shape ${formatShape(shape)} (${shapeSize(shape)} values)`,
    );
  }
  return new Tensor(data, shape);
}

/** Accepts a Tensor as is and converts anything else with `tensor()`; names the argument on failure. @internal */
export function toTensor(value: unknown, argumentName: string): Tensor {
  if (value instanceof Tensor) {
    // A Tensor's fields are plain properties: one reassigned (or an object made from the prototype) must not reach the kernels.
    if (!isWellFormed(value)) {
      throw new InputError(`${argumentName}: the Tensor's data is not a Float32Array of its shape's size (was it modified after construction?)`);
    }
    return value;
  }
  if (value === null || value === undefined || (typeof value !== 'number' && !Array.isArray(value) && !ArrayBuffer.isView(value))) {
    throw new InputError(`${argumentName}: expected a Tensor or nested number arrays, received ${describe(value)}`);
  }
  try {
    return tensor(value as TensorLike);
  } catch (error) {
    if (error instanceof ShapeError) throw new ShapeError(`${argumentName}: ${error.message}`, { cause: error });
    if (error instanceof InputError) throw new InputError(`${argumentName}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** @internal */
export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** The constructor's data as a Float32Array: wrapped when it is one, else validated and copied. */
function flatFloat32(data: unknown): Float32Array {
  if (data instanceof Float32Array) return data;
  if (ArrayBuffer.isView(data) && !(data instanceof DataView) && !(data instanceof BigInt64Array) && !(data instanceof BigUint64Array)) {
    return Float32Array.from(data as unknown as ArrayLike<number>);
  }
  if (Array.isArray(data)) {
    if (data.some((entry) => Array.isArray(entry))) {
      throw new InputError('tensor: new Tensor(data, shape) takes flat data (a Float32Array or a flat number array), received a nested array; tensor(nested) reads nested arrays, as tensor([[1, 2, 3]]) or tensor(nested, shape)');
    }
    const values = new Float32Array(data.length);
    flattenInto(data, [data.length], 0, values, 0);
    return values;
  }
  throw new InputError(`tensor: data must be a Float32Array or a flat number array, received ${describe(data)}`);
}

function isWellFormed(t: Tensor): boolean {
  const { data, shape } = t as { data: unknown; shape: unknown };
  return data instanceof Float32Array && Array.isArray(shape)
    && shape.every((d) => Number.isSafeInteger(d) && d >= 0) && shapeSize(shape as number[]) === data.length;
}

/** numpy's reshape rule for a -1 entry: the other entries' product must divide the count. */
function withInferredAxis(shape: readonly number[], axis: number, count: number, inferred: readonly number[]): number[] {
  const known = shapeSize(shape.filter((_, i) => i !== axis));
  if (known === 0 || count % known !== 0) {
    const shown = `[${shape.join(', ')}]`;
    throw new ShapeError(`tensor: ${count} values (shape ${formatShape(inferred)}) do not fit shape ${shown}: the other axes hold ${known} values each, so -1 has no whole size`);
  }
  return shape.map((d, i) => (i === axis ? count / known : d));
}

function checkShape(shape: readonly number[], argumentName: string): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    const shown = Array.isArray(shape) ? quoted(shape) : describe(shape);
    throw new ShapeError(`tensor: ${argumentName} must be an array of non-negative integers, received ${shown}`);
  }
}

const MAX_RANK = 64;

/** A typed array inside nested arrays counts as one more level (numpy stacks arrays of arrays). */
function isNumberView(value: unknown): value is ArrayLike<number> {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array);
}

function inferNestedShape(values: readonly NestedArray[]): number[] {
  const shape: number[] = [];
  let level: unknown = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = (level as readonly unknown[])[0];
  }
  if (isNumberView(level)) shape.push(level.length);
  return shape;
}

function flattenInto(values: NestedArray, shape: readonly number[], depth: number, out: Float32Array, offset: number): number {
  if (depth === shape.length) {
    if (Array.isArray(values)) {
      throw new ShapeError(`tensor: ragged nesting: expected a number at depth ${depth} (shape ${formatShape(shape)}), received ${describe(values)}`);
    }
    if (typeof values === 'boolean') {
      // Keras masks are boolean; true/false become 1/0.
      out[offset] = values ? 1 : 0;
      return offset + 1;
    }
    if (typeof values !== 'number') {
      throw new InputError(`tensor: expected a number at depth ${depth}, received ${describe(values)}`);
    }
    out[offset] = values;
    return offset + 1;
  }
  if (depth === shape.length - 1 && isNumberView(values) && values.length === shape[depth]) {
    for (let i = 0; i < values.length; i++) out[offset + i] = values[i];
    return offset + values.length;
  }
  if (!Array.isArray(values) || values.length !== shape[depth]) {
    throw new ShapeError(
      `tensor: ragged nesting: expected an array of length ${shape[depth]} at depth ${depth} (shape ${formatShape(shape)}), received ${describe(values)}`,
    );
  }
  for (const item of values as readonly NestedArray[]) offset = flattenInto(item, shape, depth + 1, out, offset);
  return offset;
}

function nest(data: Float32Array, shape: readonly number[], depth: number, offset: number): NestedArray[] {
  const length = shape[depth];
  const out: NestedArray[] = new Array(length);
  if (depth === shape.length - 1) {
    for (let i = 0; i < length; i++) out[i] = data[offset + i];
    return out;
  }
  const stride = shapeSize(shape.slice(depth + 1));
  for (let i = 0; i < length; i++) out[i] = nest(data, shape, depth + 1, offset + i * stride);
  return out;
}

/** @internal */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (value instanceof Tensor) return `a tensor of shape ${formatShape(value.shape)}`;
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return `${typeof value} ${String(value)}`;
}
