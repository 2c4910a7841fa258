import { ConfigError, quoted } from '../errors.js';
import { CELLS, type CellSpec } from '../kernels/cells.js';
import type { ActivationId } from '../kernels/ids.js';
import { checkActivation, type ActivationName } from './activations.js';
import { booleanOption } from './options.js';
import { RecurrentLayer, checkUseCudnn, type ExactArgs, type OptionFlag, type RecurrentArgs, type RecurrentLayerOptions } from './recurrent.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';

export interface LSTMOptions extends RecurrentLayerOptions {
  /** Gate activation; default 'sigmoid'. */
  recurrentActivation?: ActivationName | null;
  /** Sets the forget-gate bias to 1 after the bias initializer (Keras default true). */
  unitForgetBias?: boolean;
  /** Keras 2 option with no effect on inference. */
  implementation?: number;
  /** Keras 3's choice of a cuDNN kernel ('auto', true or false): one implementation runs here, with the same numbers either way. */
  useCudnn?: 'auto' | boolean;
}

/** What `new LSTM(...)` takes: `(options)` or `(units, options?)`. */
export type LSTMArgs = RecurrentArgs<LSTMOptions>;

/** Keras LSTM, gates i, f, c, o. `A` is the constructor's arguments, which type `apply`'s result. */
export class LSTM<A extends LSTMArgs = LSTMArgs> extends RecurrentLayer<OptionFlag<A, 'returnState'>> {
  readonly recurrentActivation: ActivationName;
  readonly unitForgetBias: boolean;
  private readonly ractId: ActivationId;

  constructor(...args: A & ExactArgs<A, LSTMArgs>) {
    super(args, 'LSTM', 'lstm', ['recurrentActivation', 'unitForgetBias', 'implementation', 'useCudnn'], CELLS.lstm.defaults);
    const options = this.options as LSTMOptions;
    this.recurrentActivation = checkActivation(options.recurrentActivation === undefined ? CELLS.lstm.defaults.recurrentActivation : options.recurrentActivation, `${this.name}: option 'recurrentActivation'`);
    this.unitForgetBias = booleanOption(options.unitForgetBias, true, 'unitForgetBias', this.name);
    this.ractId = this.resolveActivation(this.recurrentActivation);
    if (options.implementation !== undefined && options.implementation !== 1 && options.implementation !== 2) {
      throw new ConfigError(`${this.name}: option 'implementation' must be 1 or 2, received ${quoted(options.implementation)}`);
    }
    checkUseCudnn(options.useCudnn, this.name);
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): LSTM {
    const kerasVersion = configKerasVersion(options, 'LSTM.fromConfig');
    return new this({ ...kerasOptions('LSTM', config, 'LSTM.fromConfig'), kerasVersion } as unknown as LSTMOptions);
  }

  get className(): string {
    return 'LSTM';
  }

  override get stateNames(): readonly ['h', 'c'] {
    return CELLS.lstm.states;
  }

  /** @internal */
  protected get cellSpec(): CellSpec {
    return CELLS.lstm;
  }

  /** @internal */
  protected get recurrentActivationId(): ActivationId {
    return this.ractId;
  }

  /** @internal */
  protected override adjustInitialBias(bias: Float32Array): Float32Array {
    if (this.unitForgetBias) bias.fill(1, this.units, 2 * this.units);
    return bias;
  }

  /** @internal */
  protected cellConfig(): Record<string, unknown> {
    return { recurrent_activation: this.recurrentActivation, unit_forget_bias: this.unitForgetBias };
  }
}
