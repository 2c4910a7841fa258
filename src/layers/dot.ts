// Keras Dot: a batched dot product of two inputs over one axis each (Keras' batch_dot), optionally
// of L2-normalised inputs (cosine similarity); the products run as WebAssembly GEMMs.
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import { batchedMatmul } from '../kernels/batched-matmul.js';
import { defaultInstance } from '../kernels/default-instance.js';
import { isSymbolicList, type SymbolicTensor } from '../symbolic.js';
import { Tensor, shapeSize, toTensor, type TensorLike } from '../tensor.js';
import { LAYER_OPTION_KEYS, type LayerCallResult, type LayerOptions, type Shape } from './layer.js';
import { booleanOption, checkKnownKeys, isAxisValue, leadingValueOptions } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { transpose } from './tensor-ops.js';
import { WeightlessLayer } from './weightless.js';
import { checkApplyOptions, type InferenceOptions } from './call-options.js';

export interface DotOptions extends LayerOptions {
  /** The axis of each input summed over: one for both, or [axis of inputs[0], axis of inputs[1]]; never 0 (the batch). */
  axes: number | readonly [number, number];
  /** L2-normalise both inputs along their axes first (the result is then the cosine similarity). Default false. */
  normalize?: boolean;
}

export class Dot extends WeightlessLayer {
  readonly axes: number | readonly [number, number];
  readonly normalize: boolean;

  /** `new Dot({ axes: 1 })`, or the axes first as in Keras: `new Dot(1)`, `new Dot([2, 2], { normalize: true })`. */
  constructor(options: DotOptions);
  constructor(axes: DotOptions['axes'], options?: Omit<DotOptions, 'axes'>);
  constructor(...args: [DotOptions] | [DotOptions['axes'], Omit<DotOptions, 'axes'>?]) {
    const options = leadingValueOptions(args[0], args[1], 'axes', 'Dot', isAxisValue) as unknown as DotOptions;
    super(options, 'dot');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'axes', 'normalize'], this.name, 'Dot.fromConfig');
    const { axes } = options;
    const valid = Number.isInteger(axes) || (Array.isArray(axes) && axes.length === 2 && axes.every((a) => Number.isInteger(a)));
    if (!valid) throw new ConfigError(`${this.name}: option 'axes' must be an integer or a list of two integers, received ${quoted(axes)}`);
    this.axes = Array.isArray(axes) ? Object.freeze([axes[0], axes[1]] as const) : axes as number;
    this.normalize = booleanOption(options.normalize, false, 'normalize', this.name);
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Dot {
    configKerasVersion(options, 'Dot.fromConfig');
    return new this(kerasOptions('Dot', config, 'Dot.fromConfig') as unknown as DotOptions);
  }

  get className(): string {
    return 'Dot';
  }

  /** Keras' axis resolution: a negative axis counts from the end of its own input. */
  private resolvedAxes(ranks: [number, number]): [number, number] {
    const pair = typeof this.axes === 'number' ? [this.axes, this.axes] : this.axes;
    const resolved = pair.map((a, i) => (a < 0 ? ((a % ranks[i]) + ranks[i]) % ranks[i] : a)) as [number, number];
    resolved.forEach((a, i) => {
      if (a === 0 || a >= ranks[i]) {
        throw new ShapeError(`${this.name}: axes ${quoted(this.axes)} must name a non-batch axis of each input; input ${i} has rank ${ranks[i]}`);
      }
    });
    return resolved;
  }

  /** Takes the list of the two input shapes, as Keras does. */
  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return this.outputShapes(inputShape as Shape[])[0];
  }

  override outputShapes(inputShapes: Shape[]): Shape[] {
    if (!Array.isArray(inputShapes) || inputShapes.length !== 2 || !inputShapes.every(Array.isArray)) {
      throw new ShapeError(`${this.name}: expects a list of 2 inputs, received ${Array.isArray(inputShapes) ? inputShapes.length : typeof inputShapes}`);
    }
    const [a, b] = inputShapes;
    if (a.length < 2 || b.length < 2) {
      throw new ShapeError(`${this.name}: inputs must have rank >= 2, received ${formatShape(a)} and ${formatShape(b)}`);
    }
    const [a0, a1] = this.resolvedAxes([a.length, b.length]);
    if ((a[0] !== null && b[0] !== null && a[0] !== b[0]) || (a[a0] !== null && b[a1] !== null && a[a0] !== b[a1])) {
      throw new ShapeError(`${this.name}: inputs of shapes ${formatShape(a)} and ${formatShape(b)} do not fit axes ${quoted(this.axes)} (the batch sizes and the summed axes must match)`);
    }
    const out = [a[0] ?? b[0], ...a.slice(1).filter((_, i) => i + 1 !== a0), ...b.slice(1).filter((_, i) => i + 1 !== a1)];
    return [out.length === 1 ? [out[0], 1] : out];
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), axes: typeof this.axes === 'number' ? this.axes : [...this.axes], normalize: this.normalize };
  }

  override apply(inputs: SymbolicTensor[], options?: InferenceOptions): SymbolicTensor;
  override apply(inputs: TensorLike[], options?: InferenceOptions): Tensor;
  override apply(inputs: TensorLike[] | SymbolicTensor[], options?: InferenceOptions): Tensor | SymbolicTensor {
    checkApplyOptions(options, this.name);
    this.checkNotDisposed('run');
    if (isSymbolicList(inputs)) return this.callSymbolic(inputs)[0];
    if (!Array.isArray(inputs)) throw new ShapeError(`${this.name}: expects a list of 2 tensors, received ${typeof inputs}`);
    const tensors = (inputs as TensorLike[]).map((t, i) => toTensor(t, `${this.name}: inputs[${i}]`));
    return this.computeOutputs(tensors).outputs[0];
  }

  /** @internal Runs the layer inside a model (see Layer.computeOutputs); Keras' Dot gives no mask. */
  computeOutputs(inputs: Tensor[]): LayerCallResult {
    this.checkNotDisposed('run');
    const outShape = this.outputShapes(inputs.map((t) => t.shape))[0] as number[];
    const { x, y, batch, M, K, N, left, right } = this.operands(inputs);
    const out = batchedMatmul(defaultInstance(), left, right, batch, M, K, N, () => `${this.name}: Dot of ${formatShape(x.shape)} and ${formatShape(y.shape)}`);
    return { outputs: [new Tensor(out, outShape)], masks: [undefined] };
  }

  /**
   * @internal d loss / d each input from d loss / d the output (training's backward pass): the
   * product's two gradients (dOut right^T, left^T dOut) moved back to each input's layout, then
   * through the normalisation.
   */
  inputGradients(inputs: Tensor[], _masks: readonly (Tensor | undefined)[], dOut: Float32Array): [Float32Array, Float32Array] {
    const { x, y, a0, a1, batch, M, K, N, xPerm, yPerm, left, right, xData, yData } = this.operands(inputs);
    const dLeft = new Float32Array(batch * M * K);
    const dRight = new Float32Array(batch * K * N);
    for (let b = 0; b < batch; b++) {
      for (let m = 0; m < M; m++) {
        for (let n = 0; n < N; n++) {
          const g = dOut[(b * M + m) * N + n];
          if (g === 0) continue;
          for (let k = 0; k < K; k++) {
            dLeft[(b * M + m) * K + k] += g * right[(b * K + k) * N + n];
            dRight[(b * K + k) * N + n] += g * left[(b * M + m) * K + k];
          }
        }
      }
    }
    const back = (d: Float32Array, t: Tensor, perm: number[], moved: boolean) => (moved ? transpose(d, perm.map((a) => t.shape[a]), inversePermutation(perm)) : d);
    const dX = back(dLeft, x, xPerm, a0 !== x.rank - 1);
    const dY = back(dRight, y, yPerm, a1 !== 1);
    if (!this.normalize) return [dX, dY];
    return [l2NormalizeBackward(x, a0, xData, dX), l2NormalizeBackward(y, a1, yData, dY)];
  }

  /** Both inputs as the batched product reads them: x as (B, M, K) with its axis last, y as (B, K, N) with its axis first after the batch. */
  private operands(inputs: Tensor[]) {
    const [x, y] = inputs;
    const [a0, a1] = this.resolvedAxes([x.rank, y.rank]);
    const batch = x.shape[0];
    const K = x.shape[a0];
    const M = shapeSize(x.shape) / Math.max(batch * K, 1);
    const N = shapeSize(y.shape) / Math.max(batch * K, 1);
    const xData = this.normalize ? l2Normalize(x, a0) : x.data;
    const yData = this.normalize ? l2Normalize(y, a1) : y.data;
    const xPerm = [...x.shape.keys()].filter((a) => a !== a0).concat(a0);
    const yPerm = [0, a1, ...[...y.shape.keys()].filter((a) => a !== 0 && a !== a1)];
    const left = a0 === x.rank - 1 ? xData : transpose(xData, x.shape, xPerm);
    const right = a1 === 1 ? yData : transpose(yData, y.shape, yPerm);
    return { x, y, a0, a1, batch, M, K, N, xPerm, yPerm, xData, yData, left, right };
  }
}

function inversePermutation(perm: readonly number[]): number[] {
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => { inverse[p] = i; });
  return inverse;
}

/** Visits each vector along `axis` of `shape` with its stride and the index of its first value. */
function forEachVector(shape: readonly number[], axis: number, visit: (start: number, stride: number, size: number) => void): void {
  const size = shape[axis];
  const inner = shapeSize(shape.slice(axis + 1));
  const outer = shapeSize(shape) / Math.max(size * inner, 1);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) visit(o * size * inner + i, inner, size);
}

/** x * rsqrt(max(sum(x^2), 1e-12)) along `axis`, as tf.keras' l2_normalize (Keras 3 clamps at 1e-14: only near-zero vectors differ). */
function l2Normalize(x: Tensor, axis: number): Float32Array {
  const out = new Float32Array(x.size);
  forEachVector(x.shape, axis, (start, stride, size) => {
    let sum = 0;
    for (let k = 0; k < size; k++) sum += x.data[start + k * stride] ** 2;
    const scale = 1 / Math.sqrt(Math.max(sum, 1e-12));
    for (let k = 0; k < size; k++) out[start + k * stride] = x.data[start + k * stride] * scale;
  });
  return out;
}

/** d / dx of n = x / |x| from d / dn: (dn - n (n . dn)) / |x|, or dn / 1e-6 where the clamp holds the norm. */
function l2NormalizeBackward(x: Tensor, axis: number, normalized: Float32Array, dN: Float32Array): Float32Array {
  const dX = new Float32Array(x.size);
  forEachVector(x.shape, axis, (start, stride, size) => {
    let sum = 0;
    let dot = 0;
    for (let k = 0; k < size; k++) {
      const i = start + k * stride;
      sum += x.data[i] ** 2;
      dot += normalized[i] * dN[i];
    }
    const scale = 1 / Math.sqrt(Math.max(sum, 1e-12));
    const along = sum > 1e-12 ? dot : 0;
    for (let k = 0; k < size; k++) {
      const i = start + k * stride;
      dX[i] = scale * (dN[i] - normalized[i] * along);
    }
  });
  return dX;
}
