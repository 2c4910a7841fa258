// Keras GlobalMaxPooling1D/2D and GlobalAveragePooling1D/2D (channels_last): the max or mean
// over every spatial axis, one window covering the whole input in assembly/conv.ts
// pool_forward. GlobalAveragePooling1D with a time mask averages only the unmasked steps (as
// Keras does); GlobalMaxPooling1D ignores the mask, as Keras 3 does.
import { ShapeError, formatShape } from '../errors.js';
import { PoolMode, runPool } from '../kernels/conv.js';
import { defaultInstance } from '../kernels/default-instance.js';
import { isSymbolic, type SymbolicTensor } from '../symbolic.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { callGeometry, dataFormatOption, spatialAxes } from './conv-geometry.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { LAYER_OPTION_KEYS, type LayerCallResult, type LayerOptions, type Shape } from './layer.js';
import { booleanOption, checkKnownKeys, checkOptionsObject } from './options.js';
import { checkBuildShape, checkMask } from './validate.js';
import { WeightlessLayer } from './weightless.js';
import { checkTrainingFlag, type InferenceOptions } from './call-options.js';

export interface GlobalPoolingOptions extends LayerOptions {
  /** Only 'channels_last' (Keras' default). */
  dataFormat?: 'channels_last';
  /** Keep the pooled axes as size 1 (Keras 2.6+); default false. */
  keepdims?: boolean;
}

/** The options of a call: a (batch, steps) mask, for the 1-D layers. */
export interface GlobalPoolingCallOptions extends InferenceOptions {
  mask?: TensorLike;
}

const GLOBAL_POOLING_OPTION_KEYS = [...LAYER_OPTION_KEYS, 'dataFormat', 'keepdims'];

export abstract class GlobalPooling extends WeightlessLayer {
  /** Spatial axes pooled: 1 or 2. */
  readonly rank: number;
  readonly keepdims: boolean;
  readonly dataFormat: 'channels_last';
  private readonly mode: 'max' | 'average';

  protected constructor(rank: number, mode: 'max' | 'average', options: GlobalPoolingOptions, className: string, namePrefix: string) {
    checkOptionsObject(options, className, '{ keepdims: true }');
    super(options, namePrefix);
    checkKnownKeys(options, GLOBAL_POOLING_OPTION_KEYS, this.name, `${className}.fromConfig`);
    this.rank = rank;
    this.mode = mode;
    this.keepdims = booleanOption(options.keepdims, false, 'keepdims', this.name);
    this.dataFormat = dataFormatOption(options.dataFormat, this.name);
  }

  computeOutputShape(inputShape: Shape): Shape {
    spatialAxes(checkBuildShape(inputShape, this.name), this.rank, this.name);
    const channels = inputShape[inputShape.length - 1];
    return this.keepdims ? [inputShape[0], ...Array<number>(this.rank).fill(1), channels] : [inputShape[0], channels];
  }

  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { ...this.baseConfig(), data_format: this.dataFormat, keepdims: this.keepdims };
    if (this.batchInputShape) config.batch_input_shape = [...this.batchInputShape];
    return config;
  }

  override apply(x: SymbolicTensor): SymbolicTensor;
  override apply(x: TensorLike, options?: GlobalPoolingCallOptions): Tensor;
  override apply(x: TensorLike | SymbolicTensor, options: GlobalPoolingCallOptions = {}): Tensor | SymbolicTensor {
    this.checkNotDisposed('run');
    if (isSymbolic(x)) return this.callSymbolic([x])[0];
    checkOptionsObject(options, `${this.name}: apply`, '{ mask }');
    checkKnownKeys(options, this.rank === 1 ? ['mask', 'training'] : ['training'], `${this.name}: apply`);
    checkTrainingFlag(options, this.name);
    const input = toTensor(x, `${this.name}: input x`);
    return this.call(input, this.readMask(input, options.mask));
  }

  /** @internal Runs the layer inside a model; the pooled output carries no mask. */
  computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[]): LayerCallResult {
    return { outputs: [this.call(inputs[0], this.rank === 1 ? this.readMask(inputs[0], masks[0]) : undefined)], masks: [undefined] };
  }

  private readMask(x: Tensor, mask: unknown): Tensor | undefined {
    if (mask === undefined || mask === null) return undefined;
    spatialAxes(x.shape, this.rank, this.name);
    return checkMask(mask, this.name, x.shape[0], x.shape[1]);
  }

  private call(x: Tensor, mask: Tensor | undefined): Tensor {
    this.checkNotDisposed('run');
    const outputShape = this.computeOutputShape(x.shape) as number[];
    const spatial = x.shape.slice(1, -1);
    if (x.size === 0 || spatial.some((n) => n === 0)) {
      throw new ShapeError(`${this.name}: cannot pool an input of shape ${formatShape(x.shape)} with an empty axis`);
    }
    if (mask && this.mode === 'average') return new Tensor(maskedMean(x, mask), outputShape);
    const ones = spatial.map(() => 1);
    const geometry = callGeometry(x.shape, { kernel: spatial, strides: ones, dilations: ones, padding: 'valid' }, x.shape[x.shape.length - 1], 1);
    const data = runPool(defaultInstance(), x.data, geometry, PoolMode[this.mode], () => `${this.name}: ${this.className} on input of shape ${formatShape(x.shape)}`);
    return new Tensor(data, outputShape);
  }
}

/** Keras' masked GlobalAveragePooling1D: sum(x * mask) / sum(mask) over the steps (NaN where every step is masked). */
function maskedMean(x: Tensor, mask: Tensor): Float32Array {
  const [batch, steps, channels] = x.shape;
  const out = new Float32Array(batch * channels);
  for (let b = 0; b < batch; b++) {
    const sums = new Float64Array(channels);
    let count = 0;
    for (let t = 0; t < steps; t++) {
      const weight = mask.data[b * steps + t] ? 1 : 0;
      if (weight === 0) continue;
      count += 1;
      const row = (b * steps + t) * channels;
      for (let c = 0; c < channels; c++) sums[c] += x.data[row + c];
    }
    for (let c = 0; c < channels; c++) out[b * channels + c] = sums[c] / count;
  }
  return out;
}

function globalOptions(className: string, config: Record<string, unknown>, options: LayerFromConfigOptions): GlobalPoolingOptions {
  const where = `${className}.fromConfig`;
  configKerasVersion(options, where);
  return kerasOptions(className, config, where) as GlobalPoolingOptions;
}

/** Keras GlobalMaxPooling1D: (batch, steps, channels) -> (batch, channels). */
export class GlobalMaxPooling1D extends GlobalPooling {
  constructor(options: GlobalPoolingOptions = {}) {
    super(1, 'max', options, 'GlobalMaxPooling1D', 'global_max_pooling1d');
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): GlobalMaxPooling1D {
    return new this(globalOptions('GlobalMaxPooling1D', config, options));
  }

  get className(): string {
    return 'GlobalMaxPooling1D';
  }
}

/** Keras GlobalAveragePooling1D: (batch, steps, channels) -> (batch, channels), honouring a time mask. */
export class GlobalAveragePooling1D extends GlobalPooling {
  constructor(options: GlobalPoolingOptions = {}) {
    super(1, 'average', options, 'GlobalAveragePooling1D', 'global_average_pooling1d');
  }

  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): GlobalAveragePooling1D {
    return new this(globalOptions('GlobalAveragePooling1D', config, options));
  }

  get className(): string {
    return 'GlobalAveragePooling1D';
  }
}

/** Keras GlobalMaxPooling2D: (batch, rows, cols, channels) -> (batch, channels). */
export class GlobalMaxPooling2D extends GlobalPooling {
  constructor(options: GlobalPoolingOptions = {}) {
    super(2, 'max', options, 'GlobalMaxPooling2D', 'global_max_pooling2d');
  }

  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): GlobalMaxPooling2D {
    return new this(globalOptions('GlobalMaxPooling2D', config, options));
  }

  get className(): string {
    return 'GlobalMaxPooling2D';
  }
}

/** Keras GlobalAveragePooling2D: (batch, rows, cols, channels) -> (batch, channels). */
export class GlobalAveragePooling2D extends GlobalPooling {
  constructor(options: GlobalPoolingOptions = {}) {
    super(2, 'average', options, 'GlobalAveragePooling2D', 'global_average_pooling2d');
  }

  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): GlobalAveragePooling2D {
    return new this(globalOptions('GlobalAveragePooling2D', config, options));
  }

  get className(): string {
    return 'GlobalAveragePooling2D';
  }
}
