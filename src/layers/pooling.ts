// Keras MaxPooling1D/2D/3D and AveragePooling1D/2D/3D (channels_last) through assembly/conv.ts
// pool_forward: strides default to the pool size; with 'same', padded positions never win a
// max and are not counted in a mean.
import { formatShape } from '../errors.js';
import { PoolMode, runPool } from '../kernels/conv.js';
import { defaultInstance } from '../kernels/default-instance.js';
import { type SymbolicTensor } from '../symbolic.js';
import { Tensor, shapeSize, type TensorLike } from '../tensor.js';
import { callGeometry, dataFormatOption, outputExtents, paddingOption, spatialAxes, tupleOption, type WindowSpec } from './conv-geometry.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { LAYER_OPTION_KEYS, type LayerCallResult, type LayerOptions, type Shape } from './layer.js';
import { checkKnownKeys, positionalOptions } from './options.js';
import { checkBuildShape } from './validate.js';
import { WeightlessLayer } from './weightless.js';
import { applyOne } from './unary.js';
import type { InferenceOptions } from './call-options.js';

export interface PoolingOptions extends LayerOptions {
  /** An integer (the same on every spatial axis) or one per axis; default 2. */
  poolSize?: number | readonly number[];
  /** Default (and null): the pool size. */
  strides?: number | readonly number[] | null;
  /** Default 'valid'. */
  padding?: 'valid' | 'same';
  /** Only 'channels_last' (Keras' default). */
  dataFormat?: 'channels_last';
}

const POOLING_OPTION_KEYS = [...LAYER_OPTION_KEYS, 'poolSize', 'strides', 'padding', 'dataFormat'];

export type PoolingArgs = [PoolingOptions?] | [number, Omit<PoolingOptions, 'poolSize'>?];

export abstract class Pooling extends WeightlessLayer {
  /** Spatial axes: 1, 2 or 3. */
  readonly rank: number;
  readonly poolSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: 'valid' | 'same';
  readonly dataFormat: 'channels_last';
  private readonly mode: 'max' | 'average';

  protected constructor(rank: number, mode: 'max' | 'average', args: readonly unknown[], className: string, namePrefix: string) {
    const options = (args.length === 0 || args[0] === undefined ? {} : positionalOptions(args, 'poolSize', className)) as PoolingOptions;
    super(options, namePrefix);
    checkKnownKeys(options, POOLING_OPTION_KEYS, this.name, `${className}.fromConfig`);
    this.rank = rank;
    this.mode = mode;
    this.poolSize = tupleOption(options.poolSize, rank, 'poolSize', this.name, Array(rank).fill(2));
    this.strides = tupleOption(options.strides, rank, 'strides', this.name, this.poolSize);
    this.padding = paddingOption(options.padding, false, this.name) as 'valid' | 'same';
    this.dataFormat = dataFormatOption(options.dataFormat, this.name);
  }

  private windowSpec(): WindowSpec {
    return { kernel: this.poolSize, strides: this.strides, dilations: Array(this.rank).fill(1), padding: this.padding };
  }

  computeOutputShape(inputShape: Shape): Shape {
    const spatial = spatialAxes(checkBuildShape(inputShape, this.name), this.rank, this.name);
    return [inputShape[0], ...outputExtents(spatial, this.windowSpec(), this.name, inputShape), inputShape[inputShape.length - 1]];
  }

  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      ...this.baseConfig(), pool_size: [...this.poolSize], padding: this.padding,
      strides: [...this.strides], data_format: this.dataFormat,
    };
    if (this.batchInputShape) config.batch_input_shape = [...this.batchInputShape];
    return config;
  }

  override apply(x: SymbolicTensor, options?: InferenceOptions): SymbolicTensor;
  override apply(x: TensorLike, options?: InferenceOptions): Tensor;
  override apply(x: TensorLike | SymbolicTensor, options?: InferenceOptions): Tensor | SymbolicTensor {
    return applyOne(this, x, options);
  }

  /** @internal Runs the layer inside a model; Keras' pooling layers do not carry a mask on. */
  computeOutputs(inputs: Tensor[]): LayerCallResult {
    return { outputs: [this.call(inputs[0])], masks: [undefined] };
  }

  private call(x: Tensor): Tensor {
    this.checkNotDisposed('run');
    const outputShape = this.computeOutputShape(x.shape) as number[];
    if (shapeSize(outputShape) === 0 || x.size === 0) return new Tensor(new Float32Array(shapeSize(outputShape)), outputShape);
    const geometry = callGeometry(x.shape, this.windowSpec(), x.shape[x.shape.length - 1], 1);
    const data = runPool(defaultInstance(), x.data, geometry, PoolMode[this.mode], () => `${this.name}: ${this.className} on input of shape ${formatShape(x.shape)}`);
    return new Tensor(data, outputShape);
  }
}

function poolingOptions(className: string, config: Record<string, unknown>, options: LayerFromConfigOptions): PoolingOptions {
  const where = `${className}.fromConfig`;
  configKerasVersion(options, where);
  return kerasOptions(className, config, where) as PoolingOptions;
}

/** Keras MaxPooling1D over (batch, steps, channels). */
export class MaxPooling1D extends Pooling {
  /** `new MaxPooling1D({ poolSize: 2 })`, or as in Keras: `new MaxPooling1D(2)`. */
  constructor(...args: PoolingArgs) {
    super(1, 'max', args, 'MaxPooling1D', 'max_pooling1d');
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): MaxPooling1D {
    return new this(poolingOptions('MaxPooling1D', config, options));
  }

  get className(): string {
    return 'MaxPooling1D';
  }
}

/** Keras MaxPooling2D over (batch, rows, cols, channels). */
export class MaxPooling2D extends Pooling {
  constructor(...args: PoolingArgs) {
    super(2, 'max', args, 'MaxPooling2D', 'max_pooling2d');
  }

  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): MaxPooling2D {
    return new this(poolingOptions('MaxPooling2D', config, options));
  }

  get className(): string {
    return 'MaxPooling2D';
  }
}

/** Keras MaxPooling3D over (batch, dim1, dim2, dim3, channels). */
export class MaxPooling3D extends Pooling {
  constructor(...args: PoolingArgs) {
    super(3, 'max', args, 'MaxPooling3D', 'max_pooling3d');
  }

  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): MaxPooling3D {
    return new this(poolingOptions('MaxPooling3D', config, options));
  }

  get className(): string {
    return 'MaxPooling3D';
  }
}

/** Keras AveragePooling1D over (batch, steps, channels). */
export class AveragePooling1D extends Pooling {
  constructor(...args: PoolingArgs) {
    super(1, 'average', args, 'AveragePooling1D', 'average_pooling1d');
  }

  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): AveragePooling1D {
    return new this(poolingOptions('AveragePooling1D', config, options));
  }

  get className(): string {
    return 'AveragePooling1D';
  }
}

/** Keras AveragePooling2D over (batch, rows, cols, channels). */
export class AveragePooling2D extends Pooling {
  constructor(...args: PoolingArgs) {
    super(2, 'average', args, 'AveragePooling2D', 'average_pooling2d');
  }

  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): AveragePooling2D {
    return new this(poolingOptions('AveragePooling2D', config, options));
  }

  get className(): string {
    return 'AveragePooling2D';
  }
}

/** Keras AveragePooling3D over (batch, dim1, dim2, dim3, channels). */
export class AveragePooling3D extends Pooling {
  constructor(...args: PoolingArgs) {
    super(3, 'average', args, 'AveragePooling3D', 'average_pooling3d');
  }

  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): AveragePooling3D {
    return new this(poolingOptions('AveragePooling3D', config, options));
  }

  get className(): string {
    return 'AveragePooling3D';
  }
}
