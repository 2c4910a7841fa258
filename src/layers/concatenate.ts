// Keras Concatenate along one axis, with Keras 3's mask rule.
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import type { SymbolicTensor } from '../symbolic.js';
import { Tensor, shapeSize, type TensorLike } from '../tensor.js';
import { LAYER_OPTION_KEYS, type LayerCallResult, type LayerOptions, type Shape } from './layer.js';
import { applyList } from './unary.js';
import { WeightlessLayer } from './weightless.js';
import { checkKnownKeys, optionalPositionalOptions } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import type { InferenceOptions } from './call-options.js';

export interface ConcatenateOptions extends LayerOptions {
  /** Default -1 (the feature axis). */
  axis?: number;
}

export class Concatenate extends WeightlessLayer {
  readonly axis: number;

  /** `new Concatenate({ axis: -1 })`, or the axis first as in Keras: `new Concatenate(1)`. */
  constructor(options?: ConcatenateOptions);
  constructor(axis: number, options?: Omit<ConcatenateOptions, 'axis'>);
  constructor(...args: [ConcatenateOptions?] | [number, Omit<ConcatenateOptions, 'axis'>?]) {
    const options = optionalPositionalOptions(args, 'axis', 'Concatenate') as ConcatenateOptions;
    super(options, 'concatenate');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'axis'], this.name);
    const axis = options.axis ?? -1;
    if (!Number.isInteger(axis)) throw new ConfigError(`${this.name}: option 'axis' must be an integer, received ${quoted(axis)}`);
    this.axis = axis;
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Concatenate {
    configKerasVersion(options, 'Concatenate.fromConfig');
    return new this(kerasOptions('Concatenate', config, 'Concatenate.fromConfig') as unknown as ConcatenateOptions);
  }

  get className(): string {
    return 'Concatenate';
  }

  /** Takes the list of input shapes, as Keras does. */
  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return this.outputShapes(inputShape as Shape[])[0];
  }

  override outputShapes(inputShapes: Shape[]): Shape[] {
    if (inputShapes.length < 2) {
      throw new ShapeError(`${this.name}: expects a list of at least 2 inputs, received ${inputShapes.length}`);
    }
    const rank = inputShapes[0].length;
    const axis = this.resolveAxis(rank);
    const out: (number | null)[] = [...inputShapes[0]];
    for (const shape of inputShapes.slice(1)) {
      const fits = shape.length === rank && shape.every((d, i) => i === axis || d === null || out[i] === null || d === out[i]);
      if (!fits) {
        throw new ShapeError(`${this.name}: inputs must match on every axis except ${this.axis}, received ${inputShapes.map((s) => formatShape(s)).join(' and ')}`);
      }
      out[axis] = out[axis] === null || shape[axis] === null ? null : (out[axis] as number) + (shape[axis] as number);
    }
    return [out];
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), axis: this.axis };
  }

  override apply(inputs: SymbolicTensor[], options?: InferenceOptions): SymbolicTensor;
  override apply(inputs: TensorLike[], options?: InferenceOptions): Tensor;
  override apply(inputs: TensorLike[] | SymbolicTensor[], options?: InferenceOptions): Tensor | SymbolicTensor {
    return applyList(this, inputs, options);
  }

  /** @internal Runs the layer inside a model (see Layer.computeOutputs). */
  computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[]): LayerCallResult {
    const shape = this.outputShapes(inputs.map((t) => t.shape))[0] as number[];
    const axis = this.resolveAxis(shape.length);
    return { outputs: [concatenate(inputs, axis, shape)], masks: [this.combineMasks(inputs, masks, axis)] };
  }

  private resolveAxis(rank: number): number {
    const axis = this.axis < 0 ? rank + this.axis : this.axis;
    if (axis < 0 || axis >= rank) {
      throw new ShapeError(`${this.name}: axis ${this.axis} is out of range for inputs of rank ${rank}`);
    }
    return axis;
  }

  /** Keras 3: unmasked inputs count as all-valid, masks are concatenated along the axis, then any() over the last axis. */
  private combineMasks(inputs: Tensor[], masks: (Tensor | undefined)[], axis: number): Tensor | undefined {
    if (masks.every((m) => m === undefined)) return undefined;
    const expanded = inputs.map((input, i) => {
      const mask = masks[i];
      const full = new Float32Array(input.size);
      if (!mask) full.fill(1);
      else if (mask.rank < input.rank) {
        const inner = input.shape[input.rank - 1];
        mask.data.forEach((v, s) => full.fill(v ? 1 : 0, s * inner, (s + 1) * inner));
      } else full.set(mask.data);
      return new Tensor(full, input.shape);
    });
    const joined = concatenate(expanded, axis, this.outputShapes(inputs.map((t) => t.shape))[0] as number[]);
    const last = joined.shape[joined.rank - 1];
    const out = new Float32Array(joined.size / last);
    for (let s = 0; s < out.length; s++) {
      out[s] = joined.data.subarray(s * last, (s + 1) * last).some((v) => v !== 0) ? 1 : 0;
    }
    return new Tensor(out, joined.shape.slice(0, -1));
  }
}

function concatenate(inputs: Tensor[], axis: number, outShape: number[]): Tensor {
  const outer = shapeSize(outShape.slice(0, axis));
  const out = new Float32Array(shapeSize(outShape));
  let offset = 0;
  for (let o = 0; o < outer; o++) {
    for (const t of inputs) {
      const block = shapeSize(t.shape.slice(axis));
      out.set(t.data.subarray(o * block, (o + 1) * block), offset);
      offset += block;
    }
  }
  return new Tensor(out, outShape);
}
