// Keras' element-wise merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum. Inputs of
// lower rank get size-1 axes after the batch axis, then numpy broadcasting. Masks as Keras 3 (an
// output mask only when every input has one: their OR; Multiply, Maximum and Minimum keep masked
// positions out of the result) or tf.keras 2 (the AND of the masks given; values ignore masks).
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import type { SymbolicTensor } from '../symbolic.js';
import { Tensor, shapeSize, type TensorLike } from '../tensor.js';
import type { KerasVersion } from './activations.js';
import { LAYER_OPTION_KEYS, type LayerCallResult, type LayerOptions, type Shape } from './layer.js';
import { checkKnownKeys } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { broadcastIndex, broadcastShapes } from './tensor-ops.js';
import { applyList } from './unary.js';
import { WeightlessLayer } from './weightless.js';
import type { InferenceOptions } from './call-options.js';

export interface MergeOptions extends LayerOptions {
  /** Keras major version whose mask rule applies (see the module note). Default 3. */
  kerasVersion?: KerasVersion;
}

type MergeKind = 'add' | 'subtract' | 'multiply' | 'average' | 'maximum' | 'minimum';

export abstract class Merge extends WeightlessLayer {
  readonly kerasVersion: KerasVersion;
  private readonly kind: MergeKind;

  protected constructor(options: MergeOptions, namePrefix: string, kind: MergeKind) {
    super(options, namePrefix);
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'kerasVersion'], this.name);
    const version = options.kerasVersion ?? 3;
    if (version !== 2 && version !== 3) throw new ConfigError(`${this.name}: option 'kerasVersion' must be 2 or 3, received ${quoted(version)}`);
    this.kerasVersion = version;
    this.kind = kind;
  }

  /** Takes the list of input shapes, as Keras does. */
  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return this.outputShapes(inputShape as Shape[])[0];
  }

  override outputShapes(inputShapes: Shape[]): Shape[] {
    if (!Array.isArray(inputShapes) || inputShapes.length < 1 || !inputShapes.every(Array.isArray) || inputShapes.some((s) => s.length < 1)) {
      throw new ShapeError(`${this.name}: expects a list of input shapes with a batch axis each, received ${quoted(inputShapes)}`);
    }
    if (this.kind === 'subtract' && inputShapes.length !== 2) {
      throw new ShapeError(`${this.name}: Subtract takes exactly 2 inputs, received ${inputShapes.length}`);
    }
    const batches = new Set(inputShapes.map((s) => s[0]).filter((d) => d !== null));
    if (batches.size > 1) {
      throw new ShapeError(`${this.name}: cannot merge tensors with different batch sizes, received ${inputShapes.map((s) => formatShape(s)).join(' and ')}`);
    }
    let rest: Shape = inputShapes[0].slice(1);
    for (const shape of inputShapes.slice(1)) rest = broadcastShapes(rest, shape.slice(1), this.name);
    return [[batches.size === 1 ? [...batches][0] : null, ...rest]];
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig() };
  }

  override apply(inputs: SymbolicTensor[], options?: InferenceOptions): SymbolicTensor;
  override apply(inputs: TensorLike[], options?: InferenceOptions): Tensor;
  override apply(inputs: TensorLike[] | SymbolicTensor[], options?: InferenceOptions): Tensor | SymbolicTensor {
    return applyList(this, inputs, options);
  }

  /** @internal Runs the layer inside a model (see Layer.computeOutputs). */
  computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[]): LayerCallResult {
    this.checkNotDisposed('run');
    const outShape = this.outputShapes(inputs.map((t) => t.shape))[0] as number[];
    const rank = outShape.length;
    const values = inputs.map((x) => broadcastTo(x.data, padAfterBatch(x.shape, rank), outShape));
    const maskAware = this.kerasVersion === 3 && (this.kind === 'multiply' || this.kind === 'maximum' || this.kind === 'minimum');
    const elementMasks = maskAware ? inputs.map((x, i) => elementMask(masks[i], x, outShape, this.name)) : [];
    const out = this.kind === 'multiply' ? multiply(values, elementMasks) : this.kind === 'maximum' || this.kind === 'minimum'
      ? extremum(values, elementMasks, this.kind === 'maximum' ? Math.max : Math.min)
      : sumLike(values, this.kind);
    return { outputs: [new Tensor(out, outShape)], masks: [this.outputMask(masks)] };
  }

  /**
   * @internal d loss / d each input from d loss / d the output, through the forward pass's own rule
   * (masked positions, and TensorFlow's maximum / minimum gradient: a tie goes to the running
   * result), summed over the axes an input was broadcast along.
   */
  inputGradients(inputs: Tensor[], masks: (Tensor | undefined)[], dY: Float32Array): Float32Array[] {
    const outShape = this.outputShapes(inputs.map((t) => t.shape))[0] as number[];
    const rank = outShape.length;
    const values = inputs.map((x) => broadcastTo(x.data, padAfterBatch(x.shape, rank), outShape));
    const maskAware = this.kerasVersion === 3 && (this.kind === 'multiply' || this.kind === 'maximum' || this.kind === 'minimum');
    const elementMasks = maskAware ? inputs.map((x, i) => elementMask(masks[i], x, outShape, this.name)) : inputs.map(() => null);
    const spread = this.kind === 'multiply' ? multiplyGradients(values, elementMasks, dY)
      : this.kind === 'maximum' || this.kind === 'minimum' ? extremumGradients(values, elementMasks, dY, this.kind === 'maximum')
        : values.map((_, k) => dY.map((g) => (this.kind === 'subtract' && k === 1 ? -g : this.kind === 'average' ? g / values.length : g)));
    return inputs.map((x, k) => {
      const index = broadcastIndex(padAfterBatch(x.shape, rank), outShape);
      if (!index) return spread[k];
      const dX = new Float32Array(x.size);
      for (let i = 0; i < index.length; i++) dX[index[i]] += spread[k][i];
      return dX;
    });
  }

  private outputMask(masks: (Tensor | undefined)[]): Tensor | undefined {
    const given = masks.filter((m): m is Tensor => m !== undefined);
    if (given.length === 0 || (this.kerasVersion === 3 && given.length < masks.length)) return undefined;
    let shape = given[0].shape as Shape;
    for (const m of given.slice(1)) shape = broadcastShapes(shape, m.shape, this.name);
    const full = shape as number[];
    const spread = given.map((m) => broadcastTo(m.data, m.shape, full));
    const out = new Float32Array(shapeSize(full));
    const any = this.kerasVersion === 3;
    for (let i = 0; i < out.length; i++) {
      let on = !any;
      for (const m of spread) on = any ? on || m[i] !== 0 : on && m[i] !== 0;
      out[i] = on ? 1 : 0;
    }
    return new Tensor(out, full);
  }
}

/** Keras' rank alignment: size-1 axes inserted after the batch axis up to `rank`. */
function padAfterBatch(shape: readonly number[], rank: number): number[] {
  return [shape[0], ...new Array<number>(rank - shape.length).fill(1), ...shape.slice(1)];
}

function broadcastTo(data: Float32Array, shape: readonly number[], outShape: readonly number[]): Float32Array {
  const index = broadcastIndex(shape, outShape);
  if (!index) return data;
  const out = new Float32Array(index.length);
  for (let i = 0; i < out.length; i++) out[i] = data[index[i]];
  return out;
}

/** A (B, T) mask of x (B, T, D) as one 0/1 per element of the broadcast output; null without a mask. */
function elementMask(mask: Tensor | undefined, x: Tensor, outShape: number[], layerName: string): Float32Array | null {
  if (!mask) return null;
  const inner = x.shape.slice(0, -1);
  if (mask.rank !== inner.length || mask.shape.some((d, i) => d !== inner[i])) {
    throw new ShapeError(`${layerName}: a mask of shape ${formatShape(mask.shape)} does not fit an input of shape ${formatShape(x.shape)}`);
  }
  const features = x.shape[x.rank - 1];
  const perElement = new Float32Array(x.size);
  for (let s = 0; s < mask.size; s++) perElement.fill(mask.data[s] !== 0 ? 1 : 0, s * features, (s + 1) * features);
  return broadcastTo(perElement, padAfterBatch(x.shape, outShape.length), outShape);
}

function sumLike(values: Float32Array[], kind: MergeKind): Float32Array {
  const out = new Float32Array(values[0]);
  for (const v of values.slice(1)) {
    for (let i = 0; i < out.length; i++) out[i] = kind === 'subtract' ? out[i] - v[i] : out[i] + v[i];
  }
  if (kind === 'average') for (let i = 0; i < out.length; i++) out[i] /= values.length;
  return out;
}

/** Keras 3 Multiply: masked positions count as 1, and where no input is valid the result is 0. */
function multiply(values: Float32Array[], masks: (Float32Array | null)[]): Float32Array {
  const out = new Float32Array(values[0].length).fill(1);
  const allMasked = masks.length === values.length && masks.every((m) => m !== null);
  values.forEach((v, k) => {
    const m = masks[k];
    for (let i = 0; i < out.length; i++) out[i] *= m && m[i] === 0 ? 1 : v[i];
  });
  if (allMasked) {
    for (let i = 0; i < out.length; i++) if (masks.every((m) => (m as Float32Array)[i] === 0)) out[i] = 0;
  }
  return out;
}

/** Keras 3 Maximum / Minimum: a masked input takes the running result's value, and vice versa. */
function extremum(values: Float32Array[], masks: (Float32Array | null)[], op: (a: number, b: number) => number): Float32Array {
  const out = new Float32Array(values[0]);
  let outMask: Float32Array | null = masks[0] ?? null;
  values.slice(1).forEach((v, j) => {
    const m = masks[j + 1] ?? null;
    const x = new Float32Array(v);
    for (let i = 0; i < out.length; i++) {
      if (m && m[i] === 0) x[i] = out[i];
      if (outMask && outMask[i] === 0) out[i] = x[i];
    }
    const nextMask: Float32Array | null = m && outMask ? new Float32Array(out.length) : null;
    for (let i = 0; i < out.length; i++) {
      out[i] = op(out[i], x[i]);
      if (nextMask) nextMask[i] = (m as Float32Array)[i] !== 0 || (outMask as Float32Array)[i] !== 0 ? 1 : 0;
    }
    outMask = nextMask;
  });
  return out;
}

/** d / d each factor of multiply(): the product of the other factors (masked ones count as 1); 0 where it is masked or every input is. */
function multiplyGradients(values: Float32Array[], masks: (Float32Array | null)[], dY: Float32Array): Float32Array[] {
  const factor = (k: number, i: number) => (masks[k] && (masks[k] as Float32Array)[i] === 0 ? 1 : values[k][i]);
  const allMasked = masks.every((m) => m !== null);
  return values.map((_, k) => Float32Array.from(dY, (g, i) => {
    if (masks[k] && (masks[k] as Float32Array)[i] === 0) return 0;
    if (allMasked && masks.every((m) => (m as Float32Array)[i] === 0)) return 0;
    let others = 1;
    for (let j = 0; j < values.length; j++) if (j !== k) others *= factor(j, i);
    return g * others;
  }));
}

/** Which input each element of extremum() came from, followed through its steps; that input gets the gradient. */
function extremumGradients(values: Float32Array[], masks: (Float32Array | null)[], dY: Float32Array, maximum: boolean): Float32Array[] {
  const n = dY.length;
  const out = new Float32Array(values[0]);
  const source = new Int32Array(n);
  let outMask: Float32Array | null = masks[0] ?? null;
  values.slice(1).forEach((v, j) => {
    const m = masks[j + 1] ?? null;
    for (let i = 0; i < n; i++) {
      let x = v[i];
      let from = j + 1;
      if (m && m[i] === 0) { x = out[i]; from = source[i]; }
      if (outMask && outMask[i] === 0) { out[i] = x; source[i] = from; }
      // tf.maximum's gradient goes to its first argument where x >= y (minimum: x <= y).
      const keep = maximum ? out[i] >= x : out[i] <= x;
      if (!keep) { out[i] = x; source[i] = from; }
    }
    outMask = m && outMask ? Float32Array.from(m, (mv, i) => (mv !== 0 || (outMask as Float32Array)[i] !== 0 ? 1 : 0)) : null;
  });
  const grads = values.map(() => new Float32Array(n));
  for (let i = 0; i < n; i++) grads[source[i]][i] = dY[i];
  return grads;
}

function mergeFromConfig<T>(className: string, config: Record<string, unknown>, options: LayerFromConfigOptions, make: (o: MergeOptions) => T): T {
  const kerasVersion = configKerasVersion(options, `${className}.fromConfig`);
  return make({ ...kerasOptions(className, config, `${className}.fromConfig`), kerasVersion } as MergeOptions);
}

/** Keras Add: the element-wise sum of the inputs. */
export class Add extends Merge {
  constructor(options: MergeOptions = {}) {
    super(options, 'add', 'add');
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Add {
    return mergeFromConfig('Add', config, options, (o) => new this(o));
  }

  get className(): string {
    return 'Add';
  }
}

/** Keras Subtract: inputs[0] - inputs[1]. */
export class Subtract extends Merge {
  constructor(options: MergeOptions = {}) {
    super(options, 'subtract', 'subtract');
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Subtract {
    return mergeFromConfig('Subtract', config, options, (o) => new this(o));
  }

  get className(): string {
    return 'Subtract';
  }
}

/** Keras Multiply: the element-wise product of the inputs. */
export class Multiply extends Merge {
  constructor(options: MergeOptions = {}) {
    super(options, 'multiply', 'multiply');
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Multiply {
    return mergeFromConfig('Multiply', config, options, (o) => new this(o));
  }

  get className(): string {
    return 'Multiply';
  }
}

/** Keras Average: the element-wise mean of the inputs. */
export class Average extends Merge {
  constructor(options: MergeOptions = {}) {
    super(options, 'average', 'average');
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Average {
    return mergeFromConfig('Average', config, options, (o) => new this(o));
  }

  get className(): string {
    return 'Average';
  }
}

/** Keras Maximum: the element-wise maximum of the inputs. */
export class Maximum extends Merge {
  constructor(options: MergeOptions = {}) {
    super(options, 'maximum', 'maximum');
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Maximum {
    return mergeFromConfig('Maximum', config, options, (o) => new this(o));
  }

  get className(): string {
    return 'Maximum';
  }
}

/** Keras Minimum: the element-wise minimum of the inputs. */
export class Minimum extends Merge {
  constructor(options: MergeOptions = {}) {
    super(options, 'minimum', 'minimum');
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Minimum {
    return mergeFromConfig('Minimum', config, options, (o) => new this(o));
  }

  get className(): string {
    return 'Minimum';
  }
}
