// Keras' Softmax layer: softmax over `axis` (an axis or a list of axes, as one normalised group),
// with Keras' mask argument: masked positions take a large negative logit (Keras 3: -1e9 in
// their place, then a zero output; tf.keras 2: -1e9 added). The arithmetic is the Activation
// layer's softmax (assembly/keras_activations.ts), on rows gathered along the axes.
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import { kerasActivationKind } from '../kernels/keras-activation.js';
import { isSymbolic, type SymbolicTensor } from '../symbolic.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import type { KerasVersion } from './activations.js';
import { applyActivation } from './activation-functions.js';
import { axisOption } from './batch-normalization.js';
import { LAYER_OPTION_KEYS, type LayerCallResult, type LayerOptions, type Shape } from './layer.js';
import { checkKnownKeys, checkOptionsObject, isAxisValue, leadingValueOptions } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { resolveAxis } from './tensor-ops.js';
import { WeightlessLayer } from './weightless.js';
import { checkTrainingFlag, type InferenceOptions } from './call-options.js';

export interface SoftmaxOptions extends LayerOptions {
  /** The axis, or the axes normalised together. Default -1. */
  axis?: number | readonly number[];
  /** Keras major version whose mask rule is meant (2: -1e9 added to masked logits; 3: put in their place, masked outputs 0). Default 3. */
  kerasVersion?: KerasVersion;
}

export interface SoftmaxCallOptions extends InferenceOptions {
  /** Keras' mask argument: broadcast to the input as numpy broadcasts (aligned on the last axes); nonzero (> 0.5) keeps a position. */
  mask?: TensorLike | null;
}

/** Keras' large negative logit for float32 (softmax.py's _large_negative_number). */
const LARGE_NEGATIVE = -1e9;

/** @internal Where each value of the groups softmax normalises sits: group g's values are order[g * width ..]. */
export interface SoftmaxRows {
  width: number;
  /** null: the axes are the last ones, so the groups are the rows as they are. */
  order: Int32Array | null;
}

export class Softmax extends WeightlessLayer {
  readonly axis: number | readonly number[];
  readonly kerasVersion: KerasVersion;

  /** `new Softmax()`, `new Softmax({ axis: 1 })`, or the axis first as in Keras: `new Softmax(1)`, `new Softmax([1, 2])`. */
  constructor(options?: SoftmaxOptions);
  constructor(axis: number | readonly number[], options?: Omit<SoftmaxOptions, 'axis'>);
  constructor(...args: [SoftmaxOptions?] | [number | readonly number[], Omit<SoftmaxOptions, 'axis'>?]) {
    const options = (args.every((a) => a === undefined) ? {} : leadingValueOptions(args[0], args[1], 'axis', 'Softmax', isAxisValue)) as SoftmaxOptions;
    super(options, 'softmax');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'axis', 'kerasVersion'], this.name, 'Softmax.fromConfig');
    this.axis = axisOption(options.axis, -1, this.name);
    const version = options.kerasVersion ?? 3;
    if (version !== 2 && version !== 3) throw new ConfigError(`${this.name}: option 'kerasVersion' must be 2 or 3, received ${quoted(version)}`);
    this.kerasVersion = version;
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Softmax {
    const kerasVersion = configKerasVersion(options, 'Softmax.fromConfig');
    return new this({ ...kerasOptions('Softmax', config, 'Softmax.fromConfig'), kerasVersion } as SoftmaxOptions);
  }

  get className(): string {
    return 'Softmax';
  }

  /** @internal The normalised axes of inputs of this rank, sorted. */
  axesFor(rank: number): number[] {
    const list = typeof this.axis === 'number' ? [this.axis] : this.axis;
    const axes = list.map((a) => resolveAxis(a, rank, this.name)).sort((a, b) => a - b);
    if (new Set(axes).size !== axes.length) throw new ShapeError(`${this.name}: axis ${quoted(this.axis)} repeats an axis`);
    return axes;
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (!Array.isArray(inputShape) || inputShape.length < 1) {
      throw new ShapeError(`${this.name}: input must have at least one axis, received shape ${formatShape(inputShape ?? [])}`);
    }
    this.axesFor(inputShape.length);
    return inputShape;
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), axis: typeof this.axis === 'number' ? this.axis : [...this.axis] };
  }

  /** On data, `{ mask }` is Keras' call(inputs, mask); in a model the input's own mask is, as Keras passes it. */
  override apply(x: SymbolicTensor): SymbolicTensor;
  override apply(x: TensorLike, options?: SoftmaxCallOptions): Tensor;
  override apply(x: TensorLike | SymbolicTensor, options: SoftmaxCallOptions = {}): Tensor | SymbolicTensor {
    this.checkNotDisposed('run');
    checkOptionsObject(options, `${this.name}: apply`, '{ mask }');
    checkKnownKeys(options, ['mask', 'training'], `${this.name}: apply`);
    checkTrainingFlag(options, this.name);
    if (isSymbolic(x)) {
      if (options.mask !== undefined) throw new ConfigError(`${this.name}: a call on symbolic tensors takes the input's own mask (from Masking or Embedding), not a 'mask' option`);
      return this.callSymbolic([x])[0];
    }
    const input = toTensor(x, `${this.name}: input x`);
    const mask = options.mask === undefined || options.mask === null ? undefined : toTensor(options.mask, `${this.name}: mask`);
    return this.computeOutputs([input], [mask]).outputs[0];
  }

  /** @internal Runs the layer inside a model (see Layer.computeOutputs); the mask passes on. */
  computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[]): LayerCallResult {
    this.checkNotDisposed('run');
    const x = inputs[0];
    this.computeOutputShape(x.shape);
    const keep = masks[0] ? this.keptPositions(x.shape, masks[0]) : null;
    const logits = new Float32Array(x.data);
    if (keep) {
      for (let i = 0; i < logits.length; i++) {
        if (this.kerasVersion === 3) {
          if (!keep[i]) logits[i] = LARGE_NEGATIVE;
        } else {
          // tf.keras 2: inputs += (1 - mask) * -1e9, in float32.
          logits[i] = logits[i] + Math.fround((1 - keep[i]) * LARGE_NEGATIVE);
        }
      }
    }
    const rows = this.rowsFor(x.shape);
    const out = gatherRows(logits, rows);
    applyActivation('softmax', this.kerasVersion, out, rows.width);
    const output = scatterRows(out, rows);
    // Keras 3 zeroes masked positions (a wholly masked group would be uniform).
    if (keep && this.kerasVersion === 3) for (let i = 0; i < output.length; i++) if (!keep[i]) output[i] = 0;
    return { outputs: [new Tensor(output, x.shape)], masks: [masks[0]] };
  }

  /** @internal The groups softmax normalises for inputs of this shape. */
  rowsFor(shape: readonly number[]): SoftmaxRows {
    const axes = this.axesFor(shape.length);
    const width = axes.reduce((p, a) => p * shape[a], 1);
    const trailing = axes.every((a, i) => a === shape.length - axes.length + i);
    if (trailing) return { width, order: null };
    const others = [...shape.keys()].filter((a) => !axes.includes(a));
    const strides = shape.map((_, a) => shape.slice(a + 1).reduce((p, d) => p * d, 1));
    const size = shape.reduce((p, d) => p * d, 1);
    const order = new Int32Array(size);
    const offsetOf = (index: number, along: readonly number[]) => {
      let offset = 0;
      for (let k = along.length - 1; k >= 0; k--) {
        const a = along[k];
        offset += (index % shape[a]) * strides[a];
        index = Math.floor(index / shape[a]);
      }
      return offset;
    };
    const groups = width === 0 ? 0 : size / width;
    for (let g = 0; g < groups; g++) {
      const base = offsetOf(g, others);
      for (let j = 0; j < width; j++) order[g * width + j] = base + offsetOf(j, axes);
    }
    return { width, order };
  }

  /**
   * @internal 1 where Keras keeps a value, 0 where the mask masks it: the mask broadcast to the
   * input as Keras' Softmax checks it (no more axes than the input; each, aligned on the last
   * axes, of size 1 or the input's).
   */
  keptPositions(shape: readonly number[], mask: Tensor): Uint8Array {
    const rank = shape.length;
    const fits = mask.rank <= rank && mask.shape.every((d, i) => d === 1 || d === shape[rank - mask.rank + i]);
    if (!fits) {
      throw new ShapeError(`${this.name}: the mask must broadcast to the input (aligned on the last axes, each of size 1 or the input's, as Keras' Softmax requires), received mask shape ${formatShape(mask.shape)} for input shape ${formatShape(shape)}`);
    }
    const strides = new Array<number>(rank).fill(0);
    let stride = 1;
    for (let i = mask.rank - 1; i >= 0; i--) {
      if (mask.shape[i] !== 1) strides[rank - mask.rank + i] = stride;
      stride *= mask.shape[i];
    }
    const size = shape.reduce((p, d) => p * d, 1);
    const keep = new Uint8Array(size);
    for (let flat = 0; flat < size; flat++) {
      let rest = flat;
      let at = 0;
      for (let a = rank - 1; a >= 0; a--) {
        at += (rest % shape[a]) * strides[a];
        rest = Math.floor(rest / shape[a]);
      }
      keep[flat] = mask.data[at] > 0.5 ? 1 : 0;
    }
    return keep;
  }
}

/** @internal The values in group order. */
export function gatherRows(data: Float32Array, rows: SoftmaxRows): Float32Array {
  if (!rows.order) return data;
  const order = rows.order;
  return Float32Array.from(order, (i) => data[i]);
}

/** @internal Group-ordered values back in place. */
export function scatterRows(grouped: Float32Array, rows: SoftmaxRows): Float32Array {
  if (!rows.order) return grouped;
  const out = new Float32Array(grouped.length);
  rows.order.forEach((i, k) => { out[i] = grouped[k]; });
  return out;
}

/** @internal The kernel's kind for Softmax (the Activation layer's softmax). */
export const SOFTMAX_KIND = kerasActivationKind('softmax', 3) as number;
