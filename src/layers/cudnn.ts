// Keras 2's CuDNNLSTM and CuDNNGRU, the GPU-only layers of files trained on NVIDIA cards (Keras
// 2.0.9 to 2.x). The maths is LSTM and reset_after GRU with sigmoid gates and tanh, but the stored
// kernels are in cuDNN's layout: getWeights() keeps them as the file has them, and the cell kernels
// get the plain-Keras arrays that Keras 2's own converter (_convert_rnn_weights) would produce.
import { ConfigError } from '../errors.js';
import { CELLS, type CellSpec } from '../kernels/cells.js';
import type { ActivationId } from '../kernels/ids.js';
import type { InitializerSpec } from '../initializers/index.js';
import { LAYER_OPTION_KEYS, type LayerOptions } from './layer.js';
import { booleanOption } from './options.js';
import { RecurrentLayer, type ExactArgs, type OptionFlag } from './recurrent.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { weightRuleKeys, type WeightRuleOptions } from './weight-rules.js';

/** The regularizers and constraints act on the stored weights in training, as Keras 2 keeps them on its variables. */
export interface CuDNNRecurrentOptions extends LayerOptions, WeightRuleOptions<'kernel' | 'recurrent' | 'bias'> {
  /** Positive number of units, H. */
  units: number;
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  /** Keep the final states of each call as the initial states of the next (Keras' stateful RNN). */
  stateful?: boolean;
  kernelInitializer?: InitializerSpec;
  recurrentInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  /** Seeds every random initializer that has no seed of its own. */
  seed?: number;
}

export interface CuDNNLSTMOptions extends CuDNNRecurrentOptions {
  /** Initial forget-gate bias 1 (in the recurrent half of the bias, as Keras 2 sets it); default true. */
  unitForgetBias?: boolean;
}

export type CuDNNGRUOptions = CuDNNRecurrentOptions;

/** `(options)` or `(units, options?)`, as for LSTM and GRU. */
export type CuDNNLSTMArgs = [options: CuDNNLSTMOptions] | [units: number, options?: Omit<CuDNNLSTMOptions, 'units'>];
export type CuDNNGRUArgs = [options: CuDNNGRUOptions] | [units: number, options?: Omit<CuDNNGRUOptions, 'units'>];

const CUDNN_OPTION_KEYS: readonly string[] = [
  ...LAYER_OPTION_KEYS, 'units', 'returnSequences', 'returnState', 'goBackwards', 'stateful',
  'kernelInitializer', 'recurrentInitializer', 'biasInitializer', 'seed', ...weightRuleKeys(['kernel', 'recurrent', 'bias']),
];

/** Keras 2's get_config() keys of the CuDNN layers (besides the input shape). */
const CUDNN_CONFIG_KEYS = [
  'name', 'trainable', 'dtype', 'return_sequences', 'return_state', 'go_backwards', 'stateful', 'units',
  'kernel_initializer', 'recurrent_initializer', 'bias_initializer',
  'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint',
];

/**
 * The constructor arguments, after refusing options the CuDNN layers do not have: cuDNN fixes the
 * activations, always has a bias and no dropout, so those are LSTM / GRU options only.
 */
function cudnnArgs(args: readonly unknown[], className: string, extraKeys: readonly string[]): unknown[] {
  const options = typeof args[0] === 'number' ? args[1] : args[0];
  if (typeof options === 'object' && options !== null) {
    const allowed = [...CUDNN_OPTION_KEYS, ...extraKeys];
    const unknown = Object.keys(options).find((key) => !allowed.includes(key));
    if (unknown !== undefined) {
      throw new ConfigError(`${className}: unknown option '${unknown}'; a ${className} has fixed sigmoid/tanh activations, a bias and no dropout (the plain ${className.slice(5)} layer has '${unknown}' if it is a ${className.slice(5)} option); known options: ${allowed.join(', ')}`);
    }
  }
  return [...args];
}

/**
 * @internal Per gate block of the stored (D, G·H) kernel: the block flattened row-major, read as a row-major
 * (H, D) matrix and transposed (cuDNN's W for W·x). Keras 2: `k.T.reshape(k.shape, order='F')`.
 */
export function cudnnKernelToKeras(stored: Float32Array, inputDim: number, units: number, gates: number): Float32Array {
  const D = inputDim;
  const H = units;
  const width = gates * H;
  const out = new Float32Array(D * width);
  for (let g = 0; g < gates; g++) {
    for (let d = 0; d < D; d++) {
      for (let h = 0; h < H; h++) {
        // Element (d, h) of the Keras block is element (h, d) of the (H, D) reading: flat index h·D + d.
        const flat = h * D + d;
        out[d * width + g * H + h] = stored[Math.floor(flat / H) * width + g * H + (flat % H)];
      }
    }
  }
  return out;
}

/** @internal Per gate block of the stored (H, G·H) recurrent kernel: its transpose. */
export function cudnnRecurrentKernelToKeras(stored: Float32Array, units: number, gates: number): Float32Array {
  const H = units;
  const width = gates * H;
  const out = new Float32Array(H * width);
  for (let g = 0; g < gates; g++) {
    for (let a = 0; a < H; a++) {
      for (let b = 0; b < H; b++) out[a * width + g * H + b] = stored[b * width + g * H + a];
    }
  }
  return out;
}

/**
 * d loss / d the stored weight of a conversion that only moves values (the kernels'): each
 * gradient goes back to where its value came from, found by converting the indices themselves.
 */
function permutedBack(gradient: Float32Array, convert: (stored: Float32Array) => Float32Array): Float32Array {
  const from = convert(Float32Array.from({ length: gradient.length }, (_, i) => i));
  const out = new Float32Array(gradient.length);
  for (let i = 0; i < gradient.length; i++) out[from[i]] = gradient[i];
  return out;
}

/** The stored kernels' gradients from the cell's (the kernels only move values). */
function cudnnKernelGradients([kernel, recurrentKernel]: Float32Array[], inputDim: number, units: number, gates: number): Float32Array[] {
  return [
    permutedBack(kernel, (k) => cudnnKernelToKeras(k, inputDim, units, gates)),
    permutedBack(recurrentKernel, (r) => cudnnRecurrentKernelToKeras(r, units, gates)),
  ];
}

function checkNotMasked(className: string, where: string): never {
  throw new ConfigError(`${where}: ${className} does not support masking (Keras raises too); use ${className.slice(5)} for masked sequences`);
}

/** Keras 2's CuDNNLSTM: LSTM(sigmoid, tanh) with cuDNN-layout kernels and bias (8H,) = input half then recurrent half. */
export class CuDNNLSTM<A extends CuDNNLSTMArgs = CuDNNLSTMArgs> extends RecurrentLayer<OptionFlag<A, 'returnState'>> {
  readonly unitForgetBias: boolean;
  private readonly sigmoidId: ActivationId;

  constructor(...args: A & ExactArgs<A, CuDNNLSTMArgs>) {
    super(cudnnArgs(args, 'CuDNNLSTM', ['unitForgetBias']), 'CuDNNLSTM', 'cu_dnnlstm', ['unitForgetBias'], CELLS.lstm.defaults);
    this.unitForgetBias = booleanOption((this.options as CuDNNLSTMOptions).unitForgetBias, true, 'unitForgetBias', this.name);
    this.sigmoidId = this.resolveActivation('sigmoid');
  }

  /** Keras' from_config: the layer a Keras 2 CuDNNLSTM config (snake_case keys) or `getConfig()` describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): CuDNNLSTM {
    configKerasVersion(options, 'CuDNNLSTM.fromConfig');
    return new this(kerasOptions('CuDNNLSTM', config, 'CuDNNLSTM.fromConfig') as unknown as CuDNNLSTMOptions);
  }

  get className(): string {
    return 'CuDNNLSTM';
  }

  override get stateNames(): readonly ['h', 'c'] {
    return CELLS.lstm.states;
  }

  /** kernel (D, 4H), recurrent_kernel (H, 4H), bias (8H,): Keras 2's CuDNNLSTM weights. */
  override weightShapes(inputDim: number): number[][] {
    return [[inputDim, 4 * this.units], [this.units, 4 * this.units], [8 * this.units]];
  }

  override getConfig(): Record<string, unknown> {
    return cudnnConfig(super.getConfig(), ['unit_forget_bias']);
  }

  /** @internal */
  override checkMaskSupported(where: string): void {
    checkNotMasked(this.className, where);
  }

  /** @internal */
  protected get cellSpec(): CellSpec {
    return CELLS.lstm;
  }

  /** @internal */
  protected get recurrentActivationId(): ActivationId {
    return this.sigmoidId;
  }

  /** @internal */
  protected cellConfig(): Record<string, unknown> {
    return { unit_forget_bias: this.unitForgetBias };
  }

  /** @internal Keras 2 puts the forget gate's 1 in the recurrent half: bias[5H, 6H). */
  protected override adjustInitialBias(bias: Float32Array): Float32Array {
    if (this.unitForgetBias) bias.fill(1, 5 * this.units, 6 * this.units);
    return bias;
  }

  /** @internal */
  protected override kernelWeights(stored: Float32Array[], inputDim: number): Float32Array[] {
    const H = this.units;
    const [kernel, recurrentKernel, bias] = stored;
    const summed = new Float32Array(4 * H);
    for (let i = 0; i < 4 * H; i++) summed[i] = bias[i] + bias[4 * H + i];
    return [cudnnKernelToKeras(kernel, inputDim, H, 4), cudnnRecurrentKernelToKeras(recurrentKernel, H, 4), summed];
  }

  /** @internal Both bias halves enter the cell's bias as their sum, so each takes its gradient. */
  override weightGradients(cellGradients: Float32Array[], inputDim: number): Float32Array[] {
    const bias = new Float32Array(8 * this.units);
    bias.set(cellGradients[2]);
    bias.set(cellGradients[2], 4 * this.units);
    return [...cudnnKernelGradients(cellGradients, inputDim, this.units, 4), bias];
  }

  /** @internal */
  protected override storesCellLayout(): boolean {
    return false;
  }
}

/** Keras 2's CuDNNGRU: GRU(reset_after=True, sigmoid, tanh) with cuDNN-layout kernels and bias (6H,) = input row then recurrent row. */
export class CuDNNGRU<A extends CuDNNGRUArgs = CuDNNGRUArgs> extends RecurrentLayer<OptionFlag<A, 'returnState'>> {
  private readonly sigmoidId: ActivationId;

  constructor(...args: A & ExactArgs<A, CuDNNGRUArgs>) {
    super(cudnnArgs(args, 'CuDNNGRU', []), 'CuDNNGRU', 'cu_dnngru', [], CELLS.gru_reset_after.defaults);
    this.sigmoidId = this.resolveActivation('sigmoid');
  }

  /** Keras' from_config: the layer a Keras 2 CuDNNGRU config (snake_case keys) or `getConfig()` describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): CuDNNGRU {
    configKerasVersion(options, 'CuDNNGRU.fromConfig');
    return new this(kerasOptions('CuDNNGRU', config, 'CuDNNGRU.fromConfig') as unknown as CuDNNGRUOptions);
  }

  get className(): string {
    return 'CuDNNGRU';
  }

  override get stateNames(): readonly ['h'] {
    return CELLS.gru_reset_after.states;
  }

  /** kernel (D, 3H), recurrent_kernel (H, 3H), bias (6H,): Keras 2's CuDNNGRU weights. */
  override weightShapes(inputDim: number): number[][] {
    return [[inputDim, 3 * this.units], [this.units, 3 * this.units], [6 * this.units]];
  }

  override getConfig(): Record<string, unknown> {
    return cudnnConfig(super.getConfig(), []);
  }

  /** @internal */
  override checkMaskSupported(where: string): void {
    checkNotMasked(this.className, where);
  }

  /** @internal */
  protected get cellSpec(): CellSpec {
    return CELLS.gru_reset_after;
  }

  /** @internal */
  protected get recurrentActivationId(): ActivationId {
    return this.sigmoidId;
  }

  /** @internal */
  protected cellConfig(): Record<string, unknown> {
    return {};
  }

  /** @internal The bias (6H,) is already the reset_after GRU's (2, 3H) rows, input then recurrent. */
  protected override kernelWeights(stored: Float32Array[], inputDim: number): Float32Array[] {
    const [kernel, recurrentKernel, bias] = stored;
    return [cudnnKernelToKeras(kernel, inputDim, this.units, 3), cudnnRecurrentKernelToKeras(recurrentKernel, this.units, 3), bias];
  }

  /** @internal */
  override weightGradients(cellGradients: Float32Array[], inputDim: number): Float32Array[] {
    return [...cudnnKernelGradients(cellGradients, inputDim, this.units, 3), cellGradients[2]];
  }

  /** @internal */
  protected override storesCellLayout(): boolean {
    return false;
  }
}

function cudnnConfig(full: Record<string, unknown>, extraKeys: readonly string[]): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const key of [...CUDNN_CONFIG_KEYS, ...extraKeys, 'seed', 'batch_input_shape']) if (key in full) config[key] = full[key];
  if (config.seed === null) delete config.seed;
  return config;
}

