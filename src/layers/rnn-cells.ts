// Keras' RNN cells (SimpleRNNCell, LSTMCell, GRUCell): the options and weights of one recurrent
// step. RNN(cell) runs them through the same layer machinery and kernels as SimpleRNN, LSTM and
// GRU. Each cell keeps an engine layer of its class: it checks the options as the layer does
// and, while the cell is in no RNN, holds the weights and runs `cell.call` as a one-step sequence.
import { ConfigError, ShapeError, formatShape } from '../errors.js';
import type { CellSpec } from '../kernels/cells.js';
import type { ActivationId } from '../kernels/ids.js';
import { runRecurrent } from '../kernels/recurrent.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { GRU, type GRUOptions } from './gru.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { uniqueLayerName, type Shape } from './layer.js';
import { LSTM, type LSTMOptions } from './lstm.js';
import { checkKnownKeys, positionalOptions } from './options.js';
import type { RecurrentLayer, RecurrentLayerOptions, StateList } from './recurrent.js';
import { SimpleRNN, type SimpleRNNOptions } from './simple-rnn.js';
import { checkInitialState, checkSequenceInput } from './validate.js';

/** The options that belong to the RNN layer, not to its cell. */
type LayerOnlyKeys =
  | 'returnSequences' | 'returnState' | 'goBackwards' | 'zeroOutputForMask' | 'stateful' | 'unroll'
  | 'inputShape' | 'batchInputShape' | 'batchSize' | 'inputDim' | 'inputLength';

/** @internal The option keys RNN takes and its cell does not. */
export const RNN_LAYER_KEYS: readonly string[] = [
  'returnSequences', 'returnState', 'goBackwards', 'zeroOutputForMask', 'stateful', 'unroll',
  'inputShape', 'batchInputShape', 'batchSize', 'inputDim', 'inputLength',
];
/** The config keys RNN writes itself and a cell's config leaves out. */
const RNN_CONFIG_KEYS = ['return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'zero_output_for_mask', 'batch_input_shape'];
const CELL_KEYS = ['name', 'trainable', 'dtype', 'units', 'activation', 'useBias', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer', 'seed', 'kerasVersion', 'dropout', 'recurrentDropout'];

export type SimpleRNNCellOptions = Omit<SimpleRNNOptions, LayerOnlyKeys>;
export type LSTMCellOptions = Omit<LSTMOptions, LayerOnlyKeys>;
export type GRUCellOptions = Omit<GRUOptions, LayerOnlyKeys>;

/** What a cell's constructor takes: `(options)` or `(units, options?)`, as Keras' `LSTMCell(64)`. */
export type CellArgs<O extends { units: number }> = [options: O] | [units: number, options?: Omit<O, 'units'>];

/** The engine's cell hooks (protected on the layer classes), which RNN(cell) runs with. @internal */
export interface CellHooks {
  readonly cellSpec: CellSpec;
  readonly recurrentActivationId: ActivationId;
  adjustInitialBias(bias: Float32Array): Float32Array;
}

/** A Keras RNN cell: `new RNN(cell)` runs it over a sequence; `cell.call(x, states)` runs one step. */
export abstract class RNNCell {
  readonly name: string;
  readonly units: number;
  /** @internal The options RNN(cell) passes to the recurrent layer machinery (camelCase). */
  readonly layerOptions: Readonly<Record<string, unknown>>;
  private readonly engine: RecurrentLayer;
  private host: RecurrentLayer | null = null;

  protected constructor(args: readonly unknown[], className: string, namePrefix: string, extraKeys: readonly string[], engine: (options: RecurrentLayerOptions) => RecurrentLayer) {
    const options = positionalOptions(args, 'units', className);
    const where = typeof options.name === 'string' && options.name !== '' ? options.name : className;
    checkKnownKeys(options, [...CELL_KEYS, ...extraKeys], where, `${className}.fromConfig`);
    this.name = options.name === undefined ? uniqueLayerName(namePrefix) : (options.name as string);
    this.engine = engine({ ...(options as unknown as RecurrentLayerOptions), name: this.name });
    this.units = this.engine.units;
    const { name: _name, ...rest } = options;
    this.layerOptions = Object.freeze(rest);
  }

  abstract get className(): string;

  /** Keras' state_size: one H per state, [H, H] for LSTMCell. */
  get stateSize(): number[] {
    return this.stateNames.map(() => this.units);
  }

  /** Keras' output_size: H. */
  get outputSize(): number {
    return this.units;
  }

  /** State names in Keras order: ['h'] or ['h', 'c']. */
  get stateNames(): readonly string[] {
    return this.engine.stateNames;
  }

  get built(): boolean {
    return this.runner().built;
  }

  /** Creates the weights for a step input of shape (batch, features). */
  build(inputShape: Shape): void {
    if (inputShape.length !== 2) {
      throw new ShapeError(`${this.name}: build expects a step input shape (batch, features), received ${formatShape(inputShape)}`);
    }
    this.runner().build([inputShape[0], null, inputShape[1]]);
  }

  /** The weights in Keras' order: kernel, recurrent_kernel, bias (the RNN's, once the cell is in one). */
  getWeights(): Tensor[] {
    return this.runner().getWeights();
  }

  setWeights(weights: readonly TensorLike[]): void {
    this.runner().setWeights(weights);
  }

  countParams(): number {
    return this.runner().countParams();
  }

  /**
   * Keras' `cell(inputs, states)`: one step on x (B, D) from `states` ([h] or [h, c], each (B, H)),
   * returning [output, newStates]. Builds the weights on first use when the cell has none.
   */
  call(x: TensorLike, states: readonly TensorLike[]): [output: Tensor, states: StateList<Tensor, this['stateNames']>] {
    const layer = this.runner();
    const step = toTensor(x, `${this.name}: inputs`);
    if (step.rank !== 2) {
      throw new ShapeError(`${this.name}: inputs must have rank 2 (batch, features), received shape ${formatShape(step.shape)}`);
    }
    const [batch, features] = step.shape;
    const input = checkSequenceInput(new Tensor(step.data, [batch, 1, features]), this.name, layer.expectedInputShape());
    if (states === undefined || states === null) {
      throw new ConfigError(`${this.name}: call needs the states [${this.stateNames.join(', ')}], each (batch, ${this.units}), as Keras' cell(inputs, states) does`);
    }
    const initialState = checkInitialState(states, this.name, this.stateNames, batch, this.units);
    if (!layer.built) layer.build(input.shape);
    const { outputs, finalStates } = runRecurrent({
      x: input.data, batch, timesteps: 1, mask: null, merge: 'none', layerName: this.name,
      directions: [{ ...layer.direction(initialState, false, false, true), returnSequences: false }],
    });
    const next = finalStates[0].map((state) => new Tensor(state, [batch, this.units]));
    return [new Tensor(outputs[0], [batch, this.units]), next as StateList<Tensor, this['stateNames']>];
  }

  /** Keras' get_config() of the cell (snake_case keys). */
  getConfig(): Record<string, unknown> {
    const config = this.engine.getConfig();
    for (const key of RNN_CONFIG_KEYS) delete config[key];
    return config;
  }

  /** Frees the engine's weights; a cell inside an RNN is freed with it. */
  dispose(): void {
    this.engine.dispose();
  }

  /** @internal The engine's hooks: what RNN(cell) runs with. */
  get hooks(): CellHooks {
    return this.engine as unknown as CellHooks;
  }

  /** @internal Keras' defaults of the cell's options (its table row's). */
  get defaults(): CellSpec['defaults'] {
    return this.hooks.cellSpec.defaults;
  }

  /** @internal RNN(cell) takes the cell: from here on its weights are the RNN's, which starts from the cell's own if it has them. */
  attach(host: RecurrentLayer): void {
    if (this.host !== null) {
      throw new ConfigError(`${this.name}: the cell is already in RNN layer ${this.host.name}; give each RNN a cell of its own (Keras would share the weights, which this package does not)`);
    }
    this.host = host;
    if (this.engine.built) {
      host.setWeights(this.engine.getWeights());
      this.engine.releaseWeights();
    }
  }

  /** @internal A new cell of the same class and options, with `overrides` applied (Bidirectional's copies). */
  cloneWith(overrides: Record<string, unknown>): RNNCell {
    const Ctor = this.constructor as new (options: Record<string, unknown>) => RNNCell;
    return new Ctor({ ...this.layerOptions, ...overrides });
  }

  /** The layer that runs the cell: its RNN, or its engine while it is in none. */
  private runner(): RecurrentLayer {
    return this.host ?? this.engine;
  }
}

/** What `new SimpleRNNCell(...)` takes. */
export type SimpleRNNCellArgs = CellArgs<SimpleRNNCellOptions>;
/** What `new LSTMCell(...)` takes. */
export type LSTMCellArgs = CellArgs<LSTMCellOptions>;
/** What `new GRUCell(...)` takes. */
export type GRUCellArgs = CellArgs<GRUCellOptions>;

/** Keras' SimpleRNNCell: h = act(x·W + b + h_prev·U); the cell of `RNN(new SimpleRNNCell(units))`. */
export class SimpleRNNCell extends RNNCell {
  constructor(...args: SimpleRNNCellArgs) {
    super(args, 'SimpleRNNCell', 'simple_rnn_cell', [], (options) => new SimpleRNN(options));
  }

  /** Keras' from_config: the cell that `getConfig()` (or Keras' get_config()) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): SimpleRNNCell {
    return new this(cellOptions('SimpleRNN', config, options, 'SimpleRNNCell.fromConfig') as unknown as SimpleRNNCellOptions);
  }

  get className(): string {
    return 'SimpleRNNCell';
  }

  override get stateNames(): readonly ['h'] {
    return ['h'];
  }
}

/** Keras' LSTMCell, gates i, f, c, o; states [h, c]. */
export class LSTMCell extends RNNCell {
  constructor(...args: LSTMCellArgs) {
    super(args, 'LSTMCell', 'lstm_cell', ['recurrentActivation', 'unitForgetBias', 'implementation'], (options) => new LSTM(options));
  }

  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): LSTMCell {
    return new this(cellOptions('LSTM', config, options, 'LSTMCell.fromConfig') as unknown as LSTMCellOptions);
  }

  get className(): string {
    return 'LSTMCell';
  }

  override get stateNames(): readonly ['h', 'c'] {
    return ['h', 'c'];
  }
}

/** Keras' GRUCell, gates z, r, h; resetAfter true (default) and false. */
export class GRUCell extends RNNCell {
  constructor(...args: GRUCellArgs) {
    super(args, 'GRUCell', 'gru_cell', ['recurrentActivation', 'resetAfter', 'implementation'], (options) => new GRU(options));
  }

  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): GRUCell {
    const kerasVersion = configKerasVersion(options, 'GRUCell.fromConfig');
    // As GRU.fromConfig: Keras 2 configs before 2.1.5 had no reset_after and ran the reset-before GRU.
    return new this({ resetAfter: kerasVersion !== 2, ...cellOptions('GRU', config, options, 'GRUCell.fromConfig') } as unknown as GRUCellOptions);
  }

  get className(): string {
    return 'GRUCell';
  }

  override get stateNames(): readonly ['h'] {
    return ['h'];
  }
}

/** The cell classes a Keras config can name. @internal */
export const CELL_CLASSES: Readonly<Record<string, { fromConfig(config: Record<string, unknown>, options?: LayerFromConfigOptions): RNNCell }>> = {
  SimpleRNNCell, LSTMCell, GRUCell,
};

function cellOptions(layerClass: string, config: Record<string, unknown>, options: LayerFromConfigOptions, where: string): Record<string, unknown> {
  const kerasVersion = configKerasVersion(options, where);
  const read = kerasOptions(layerClass, config, where);
  for (const key of RNN_LAYER_KEYS) delete read[key];
  return { ...read, kerasVersion };
}
