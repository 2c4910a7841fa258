// Keras InputLayer and Input(): the entry points of a functional graph.
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import { LayerNode, SymbolicTensor, isSymbolic, isSymbolicList } from '../symbolic.js';
import { toTensor, type Tensor, type TensorLike } from '../tensor.js';
import type { LayerCallResult, Shape } from './layer.js';
import { WeightlessLayer } from './weightless.js';
import { checkKnownKeys, checkOptionsObject } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { checkApplyOptions, type InferenceOptions } from './call-options.js';

export interface InputOptions {
  /** Shape without the batch axis, e.g. [5, 1]; null for unknown sizes. */
  shape?: Shape;
  /** Shape with the batch axis (Keras 3 `batch_shape`, Keras 2 `batch_input_shape`). */
  batchShape?: Shape;
  batchSize?: number;
  name?: string;
  /**
   * 'float32' (default), an integer dtype ('int32', 'int64', ... for an Embedding's ids) or 'bool'
   * (a mask input, `apply(x, { mask })`, its values true/false or 1/0);
   * recorded, not enforced: tensors hold float32. ConfigError for other Keras dtypes (the kernels
   * compute in float32) and for names Keras does not know.
   */
  dtype?: string;
  /** Keras 3 writes it; has no effect here. */
  sparse?: boolean;
  /** tf.keras 2's spelling of `shape` (Keras 3 still reads input_shape). */
  inputShape?: Shape;
  /** tf.keras 2's spelling of `batchShape`. */
  batchInputShape?: Shape;
}

/** `inputShape` / `batchInputShape`, tf.keras 2's InputLayer names, read as `shape` / `batchShape`. */
function kerasTwoShapes(options: InputOptions): InputOptions {
  const { inputShape, batchInputShape, ...rest } = options;
  for (const [legacy, key, value] of [['inputShape', 'shape', inputShape], ['batchInputShape', 'batchShape', batchInputShape]] as const) {
    if (value === undefined) continue;
    if (rest[key] !== undefined) throw new ConfigError(`Input: give '${key}' or '${legacy}' (its tf.keras 2 name), not both`);
    rest[key] = value;
  }
  return rest;
}

export class InputLayer extends WeightlessLayer {
  private readonly declaredDtype: string;

  /** The dtype Input() declared ('int32' for an Embedding's ids); the tensors are float32 either way. */
  override get dtype(): string {
    return this.declaredDtype;
  }
  private readonly tensor: SymbolicTensor;
  /** @internal Whether the name is Keras 3's own (input_layer, input_layer_1, ...), not one given. */
  readonly generatedName: boolean;

  constructor(inputOptions: InputOptions) {
    checkOptionsObject(inputOptions, 'Input', '{ shape: [5, 1] }');
    checkKnownKeys(inputOptions, ['shape', 'batchShape', 'batchSize', 'name', 'dtype', 'sparse', 'inputShape', 'batchInputShape'], 'Input');
    const options = kerasTwoShapes(inputOptions);
    const { shape: inner, batchShape, batchSize } = options;
    if (inner === undefined && batchShape === undefined) {
      throw new ConfigError("Input: give 'shape' (without the batch axis), e.g. Input({ shape: [5, 1] }), or 'batchShape'");
    }
    checkShapeOption(inner, 'shape');
    checkShapeOption(batchShape, 'batchShape');
    if (batchSize !== undefined && batchSize !== null && (!Number.isInteger(batchSize) || batchSize <= 0)) {
      throw new ConfigError(`Input: option 'batchSize' must be a positive integer, received ${quoted(batchSize)}`);
    }
    const shape = batchShape ?? [batchSize ?? null, ...(inner as Shape)];
    const dtype = inputDtype(options.dtype);
    super({ ...(options.name ? { name: options.name } : {}), batchInputShape: shape }, 'input_layer');
    this.generatedName = !options.name;
    this.declaredDtype = dtype;
    const node = new LayerNode(this, []);
    node.outputs = [new SymbolicTensor(this.batchInputShape as Shape, node, 0)];
    this.inboundNodes.push(node);
    this.tensor = node.outputs[0];
  }

  /** The tensor this layer stands for in a graph. */
  override get output(): SymbolicTensor {
    return this.tensor;
  }

  /** An input layer's input is the tensor it stands for, as in tf.keras 2 (Keras 3 gives an empty list). */
  override get input(): SymbolicTensor {
    return this.tensor;
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): InputLayer {
    configKerasVersion(options, 'InputLayer.fromConfig');
    return new this({
      batchShape: (config.batch_shape ?? config.batch_input_shape) as Shape | undefined,
      ...(typeof config.name === 'string' ? { name: config.name } : {}),
      // Like the layers' configs, a Keras float type the kernels do not compute in is read as float32.
      ...(typeof config.dtype === 'string' ? { dtype: readsAsFloat32(config.dtype) ? 'float32' : config.dtype } : {}),
    });
  }

  get className(): string {
    return 'InputLayer';
  }

  computeOutputShape(): Shape {
    return this.batchInputShape as Shape;
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: this.dtype, batch_shape: [...(this.batchInputShape as Shape)], sparse: false };
  }

  /**
   * On data, the tensor itself once it fits the declared shape (tf.keras 2's Layer.call), so that
   * a loop over `model.layers` can run a functional model by hand. On symbolic tensors a
   * ConfigError: an InputLayer starts a graph and is never called inside one.
   */
  override apply(x: SymbolicTensor | readonly SymbolicTensor[], options?: InferenceOptions): never;
  override apply(x: TensorLike, options?: InferenceOptions): Tensor;
  override apply(x: TensorLike | SymbolicTensor | readonly SymbolicTensor[], options?: InferenceOptions): Tensor {
    checkApplyOptions(options, this.name);
    if (isSymbolic(x) || isSymbolicList(x)) {
      throw new ConfigError(`${this.name}: an InputLayer starts a graph and cannot be called on symbolic tensors; use its output (what Input() returns) instead`);
    }
    this.checkNotDisposed('run');
    const tensor = toTensor(x as TensorLike, `${this.name}: input x`);
    const declared = this.batchInputShape as Shape;
    const fits = declared.length === tensor.shape.length && declared.every((d, i) => d === null || d === tensor.shape[i]);
    if (!fits) throw new ShapeError(`${this.name}: input x must have shape ${formatShape(declared)}, received ${formatShape(tensor.shape)}`);
    return tensor;
  }

  /** @internal Runs the layer inside a model (see Layer.computeOutputs). */
  computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[]): LayerCallResult {
    return { outputs: inputs, masks };
  }

  override toString(): string {
    return `InputLayer(name=${this.name}, shape=${formatShape(this.batchInputShape as Shape)})`;
  }
}

/** Keras' `Input(shape=...)`: a symbolic tensor to call layers on. */
export function Input(options: InputOptions): SymbolicTensor;
/** Keras' positional shape: `Input([5, 1])` as `keras.Input((5, 1))`. */
export function Input(shape: Shape, options?: Omit<InputOptions, 'shape'>): SymbolicTensor;
export function Input(first: InputOptions | Shape, options?: Omit<InputOptions, 'shape'>): SymbolicTensor {
  if (!Array.isArray(first)) {
    if (options !== undefined) throw new ConfigError('Input: a second argument (options) only follows a shape, as in Input([5, 1], { name })');
    return new InputLayer(first as InputOptions).output;
  }
  if (options === undefined) return new InputLayer({ shape: first }).output;
  checkOptionsObject(options, 'Input: options after the shape', "{ name: 'tokens' }");
  if ('shape' in options) throw new ConfigError("Input: 'shape' is given twice, as the first argument and in the options");
  return new InputLayer({ ...options, shape: first }).output;
}

/** Keras' dtypes.ALLOWED_DTYPES: the names standardize_dtype accepts. */
const KERAS_DTYPES: readonly string[] = [
  'float16', 'float32', 'float64', 'uint8', 'uint16', 'uint32', 'uint64', 'int8', 'int16', 'int32', 'int64',
  'bfloat16', 'bool', 'string', 'float8_e4m3fn', 'float8_e5m2', 'complex64', 'complex128',
];

/** The dtypes an input can declare: float32, integers (ids) and bool (a mask input, as 0 and 1), which float32 tensors carry. */
const INPUT_DTYPES: readonly string[] = ['float32', 'uint8', 'uint16', 'uint32', 'uint64', 'int8', 'int16', 'int32', 'int64', 'bool'];

/** standardize_dtype's PYTHON_DTYPES_MAP for names: 'int' is int64 as with Keras' TensorFlow backend, 'float' float32. */
function kerasDtype(name: string): string {
  return ({ int: 'int64', float: 'float32' } as Record<string, string>)[name] ?? name;
}

function readsAsFloat32(dtype: string): boolean {
  const name = kerasDtype(dtype);
  return KERAS_DTYPES.includes(name) && !INPUT_DTYPES.includes(name);
}

function inputDtype(dtype: unknown): string {
  if (dtype === undefined) return 'float32';
  const name = typeof dtype === 'string' ? kerasDtype(dtype) : undefined;
  const expected = `'float32', an integer dtype such as 'int32' for an Embedding's ids, or 'bool' for a mask input (tensors hold float32; the kernels compute in float32)`;
  if (name === undefined || !KERAS_DTYPES.includes(name)) {
    throw new ConfigError(`Input: option 'dtype' must be a Keras dtype name, ${expected}, received ${quoted(dtype)} (Keras: Invalid dtype)`);
  }
  if (!INPUT_DTYPES.includes(name)) throw new ConfigError(`Input: option 'dtype' must be ${expected}, received ${quoted(dtype)}`);
  return name;
}

function checkShapeOption(shape: unknown, key: 'shape' | 'batchShape'): void {
  if (shape === undefined) return;
  if (!Array.isArray(shape) || shape.some((d) => d !== null && (!Number.isInteger(d) || d <= 0))) {
    const example = typeof shape === 'number' ? ` such as [${shape}]` : '';
    const meaning = key === 'shape' ? 'without the batch axis' : 'with the batch axis first';
    throw new ConfigError(`Input: option '${key}' must be a list of positive integers or null (${meaning})${example}, received ${Array.isArray(shape) ? formatShape(shape as (number | null)[]) : quoted(shape)}`);
  }
}
