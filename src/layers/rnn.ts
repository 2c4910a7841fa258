// Keras' generic RNN layer over a built-in cell: RNN(LSTMCell(64)) is the LSTM layer machinery
// (the same weights, kernels, training, streaming) run with the cell's options, under Keras'
// class name, config ({ cell: { class_name: 'LSTMCell', ... } }) and weight scopes.
import { ConfigError, quoted } from '../errors.js';
import type { CellSpec } from '../kernels/cells.js';
import type { ActivationId } from '../kernels/ids.js';
import { configKerasVersion, kerasOptions, readSpec, type LayerFromConfigOptions } from './keras-options.js';
import { LAYER_OPTION_KEYS, type LayerOptions } from './layer.js';
import { checkKnownKeys, checkOptionsObject } from './options.js';
import { RecurrentLayer, type OptionFlag, type RecurrentLayerOptions } from './recurrent.js';
import { CELL_CLASSES, RNNCell } from './rnn-cells.js';

/** The RNN layer's own options, as the recurrent layers take them; the cell has the rest. */
export interface RNNLayerOptions
  extends LayerOptions, Pick<RecurrentLayerOptions, 'returnSequences' | 'returnState' | 'goBackwards' | 'zeroOutputForMask' | 'stateful' | 'unroll'> {}

export interface RNNOptions extends RNNLayerOptions {
  /** The cell run at each step: a SimpleRNNCell, LSTMCell or GRUCell. */
  cell: RNNCell;
}

/** What `new RNN(...)` takes: `(cell, options?)` as Keras' `RNN(LSTMCell(64), return_sequences=True)`, or `({ cell, ... })`. */
export type RNNArgs = [options: RNNOptions] | [cell: RNNCell, options?: RNNLayerOptions];

/** Whether the arguments turn returnState on, as far as the call says. */
type RNNFlag<A> = A extends [RNNCell] ? false : A extends [RNNCell, infer O] ? OptionFlag<[O], 'returnState'> : A extends [infer O] ? OptionFlag<[O], 'returnState'> : boolean;

/** The cell class the arguments give, for typing the states. */
type CellOf<A> = A extends [infer C extends RNNCell, ...unknown[]] ? C : A extends [{ cell: infer C extends RNNCell }] ? C : RNNCell;

const RNN_CONFIG_KEYS = ['name', 'trainable', 'dtype', 'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'zero_output_for_mask', 'batch_input_shape'];
const RNN_OPTION_KEYS: readonly string[] = [...LAYER_OPTION_KEYS, 'cell', 'returnSequences', 'returnState', 'goBackwards', 'zeroOutputForMask', 'stateful', 'unroll'];
/** The key under which the cell rides in the options the recurrent layer keeps. */
const CELL_KEY = 'rnnCell';

/** Keras' RNN layer: `new RNN(new LSTMCell(64), { returnSequences: true })` runs as `new LSTM(64, { returnSequences: true })`. */
export class RNN<A extends RNNArgs = RNNArgs> extends RecurrentLayer<RNNFlag<A>> {
  /** The cell this layer runs at each step; its weights are this layer's. */
  readonly cell: CellOf<A>;

  constructor(...args: A) {
    const { cell, options } = rnnArguments(args);
    super(
      [{ ...cell.layerOptions, ...options, [CELL_KEY]: cell }], 'RNN', 'rnn',
      [CELL_KEY, 'recurrentActivation', 'unitForgetBias', 'resetAfter', 'implementation'], cell.defaults,
    );
    this.cell = cell as CellOf<A>;
    cell.attach(this);
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): RNN {
    const where = 'RNN.fromConfig';
    const kerasVersion = configKerasVersion(options, where);
    const cell = cellFromConfig(config.cell, `${where}: config.cell`, kerasVersion);
    const layerOptions = kerasOptions('RNN', config, where);
    return new this(cell, layerOptions as RNNLayerOptions);
  }

  get className(): string {
    return 'RNN';
  }

  override getConfig(): Record<string, unknown> {
    // The recurrent layer's config without the cell's keys, which Keras 3 nests under `cell`.
    const base = super.getConfig();
    const config: Record<string, unknown> = {};
    for (const key of RNN_CONFIG_KEYS) if (key in base) config[key] = base[key];
    config.cell = { module: 'keras.layers', class_name: this.cell.className, config: this.cell.getConfig(), registered_name: null };
    return config;
  }

  /** @internal A new, unbuilt RNN with a new cell of the same options, `overrides` applied to the one they belong to. */
  override cloneWith(overrides: Partial<RecurrentLayerOptions>): RNN {
    const layerOverrides: Record<string, unknown> = {};
    const cellOverrides: Record<string, unknown> = { name: this.cell.name };
    for (const [key, value] of Object.entries(overrides)) {
      (RNN_OPTION_KEYS.includes(key) ? layerOverrides : cellOverrides)[key] = value;
    }
    const own: Record<string, unknown> = {};
    for (const key of RNN_OPTION_KEYS) if (key in this.options && key !== 'cell') own[key] = (this.options as Record<string, unknown>)[key];
    return new RNN(this.cell.cloneWith(cellOverrides), { ...own, ...layerOverrides } as RNNLayerOptions);
  }

  override get stateNames(): CellOf<A>['stateNames'] {
    return this.rnnCell().stateNames as CellOf<A>['stateNames'];
  }

  /** @internal */
  protected get cellSpec(): CellSpec {
    return this.rnnCell().hooks.cellSpec;
  }

  /** @internal */
  protected get recurrentActivationId(): ActivationId {
    return this.rnnCell().hooks.recurrentActivationId;
  }

  /** @internal */
  protected override adjustInitialBias(bias: Float32Array): Float32Array {
    return this.rnnCell().hooks.adjustInitialBias(bias);
  }

  /** @internal getConfig writes the cell's config itself. */
  protected cellConfig(): Record<string, unknown> {
    return {};
  }

  /** The cell from the options: the recurrent layer's constructor asks for the cell table row before `this.cell` is set. */
  private rnnCell(): RNNCell {
    return (this.options as unknown as Record<string, RNNCell>)[CELL_KEY];
  }
}

/** The cell and the layer's own options from `(cell, options?)` or `({ cell, ...options })`. */
function rnnArguments(args: readonly unknown[]): { cell: RNNCell; options: Record<string, unknown> } {
  const [first, second] = args;
  if (args.length > 2) throw new ConfigError(`RNN: expected (cell, options) or ({ cell, ...options }), received ${args.length} arguments`);
  let cell: unknown;
  let options: Record<string, unknown>;
  if (first instanceof RNNCell || Array.isArray(first)) {
    cell = first;
    if (second !== undefined) checkOptionsObject(second, 'RNN: options after cell', '{ returnSequences: true }');
    options = { ...(second as Record<string, unknown> | undefined) };
    if ('cell' in options) throw new ConfigError(`RNN: 'cell' is given twice, as the first argument and in the options`);
  } else {
    if (args.length > 1) throw new ConfigError('RNN: expected (cell, options) or ({ cell, ...options }), received 2 arguments with a first one that is not a cell');
    checkOptionsObject(first, 'RNN', '{ cell: new LSTMCell(64) }');
    ({ cell, ...options } = first as Record<string, unknown>);
  }
  const name = typeof options.name === 'string' ? options.name : 'RNN';
  checkKnownKeys(options, RNN_OPTION_KEYS.filter((key) => key !== 'cell'), name, 'RNN.fromConfig');
  if (Array.isArray(cell)) throw stackedCellsError(name, 'a list of cells');
  if (!(cell instanceof RNNCell)) {
    throw new ConfigError(`${name}: option 'cell' must be a SimpleRNNCell, LSTMCell or GRUCell (a custom Python cell's step cannot run here), received ${describe(cell)}`);
  }
  return { cell, options };
}

/** Stacked cells in one RNN do not run here; stacked layers compute the same per-step composition. */
function stackedCellsError(where: string, what: string): ConfigError {
  return new ConfigError(`${where}: ${what} (stacked cells in one RNN) cannot run here; stack one RNN layer per cell instead, each but the last with returnSequences: true, which computes the same outputs, masks and states`);
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return (value as object).constructor?.name ?? 'an object';
  return quoted(value) ?? String(value);
}

/** @internal A cell from its Keras spec { class_name, config }. */
export function cellFromConfig(spec: unknown, where: string, kerasVersion: 2 | 3): RNNCell {
  const { className, config } = readSpec(spec, where);
  const Class = CELL_CLASSES[className];
  if (className === 'StackedRNNCells') throw stackedCellsError(where, 'StackedRNNCells');
  if (!Class) {
    throw new ConfigError(`${where}.class_name must be one of ${Object.keys(CELL_CLASSES).join(', ')} (a custom cell's step cannot run here), received ${quoted(className)}`);
  }
  return Class.fromConfig(config, { kerasVersion });
}

