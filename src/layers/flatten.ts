// Keras Flatten: each sample as one row-major vector, channels varying fastest.
import { ConfigError, quoted } from '../errors.js';
import { Tensor } from '../tensor.js';
import { LAYER_OPTION_KEYS, type LayerOptions, type Shape } from './layer.js';
import { checkKnownKeys } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { transpose } from './tensor-ops.js';
import { UnaryLayer, sampleDims } from './unary.js';

export type DataFormat = 'channels_last' | 'channels_first';

export interface FlattenOptions extends LayerOptions {
  /** Default 'channels_last'. With 'channels_first' the channel axis (1) is moved last before flattening, as Keras does. */
  dataFormat?: DataFormat;
}

export class Flatten extends UnaryLayer {
  readonly dataFormat: DataFormat;

  constructor(options: FlattenOptions = {}) {
    super(options, 'flatten');
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'dataFormat'], this.name, 'Flatten.fromConfig');
    this.dataFormat = dataFormatOption(options.dataFormat, this.name);
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Flatten {
    configKerasVersion(options, 'Flatten.fromConfig');
    return new this(kerasOptions('Flatten', config, 'Flatten.fromConfig') as FlattenOptions);
  }

  get className(): string {
    return 'Flatten';
  }

  protected get passesMask(): boolean {
    return false;
  }

  computeOutputShape(inputShape: Shape): Shape {
    const { batch, rest, known } = sampleDims(inputShape, this.name);
    return [batch, known ? rest.reduce((p: number, d) => p * (d as number), 1) : null];
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), data_format: this.dataFormat };
  }

  protected transform(x: Tensor): Tensor {
    const [batch] = x.shape;
    const features = batch === 0 ? 0 : x.size / batch;
    const data = this.dataFormat === 'channels_first' && x.rank > 2
      ? transpose(x.data, x.shape, [0, ...x.shape.slice(2).map((_, i) => i + 2), 1])
      : x.data;
    return new Tensor(data, [batch, x.rank === 1 ? 1 : features]);
  }
}

/** @internal The dataFormat option, checked. */
export function dataFormatOption(value: unknown, layerName: string): DataFormat {
  if (value === undefined || value === null) return 'channels_last';
  if (value !== 'channels_last' && value !== 'channels_first') {
    throw new ConfigError(`${layerName}: option 'dataFormat' must be 'channels_last' or 'channels_first', received ${quoted(value)}`);
  }
  return value;
}
