import { CELLS, type CellSpec } from '../kernels/cells.js';
import type { ActivationId } from '../kernels/ids.js';
import { checkActivation, type ActivationName } from './activations.js';
import { booleanOption } from './options.js';
import { RecurrentLayer, checkUseCudnn, type ExactArgs, type OptionFlag, type RecurrentArgs, type RecurrentLayerOptions } from './recurrent.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';

export interface GRUOptions extends RecurrentLayerOptions {
  /** Gate activation; default 'sigmoid'. */
  recurrentActivation?: ActivationName | null;
  /** Apply the reset gate after the recurrent product (Keras 2.x+ default true, the cuDNN form). */
  resetAfter?: boolean;
  /** Keras 2 option with no effect on inference. */
  implementation?: number;
  /** Keras 3's choice of a cuDNN kernel ('auto', true or false): one implementation runs here, with the same numbers either way. */
  useCudnn?: 'auto' | boolean;
}

/** What `new GRU(...)` takes: `(options)` or `(units, options?)`. */
export type GRUArgs = RecurrentArgs<GRUOptions>;

/** Keras GRU, gates z, r, h; reset_after true and false. `A` is the constructor's arguments, which type `apply`'s result. */
export class GRU<A extends GRUArgs = GRUArgs> extends RecurrentLayer<OptionFlag<A, 'returnState'>> {
  readonly recurrentActivation: ActivationName;
  readonly resetAfter: boolean;
  private readonly ractId: ActivationId;

  constructor(...args: A & ExactArgs<A, GRUArgs>) {
    super(args, 'GRU', 'gru', ['recurrentActivation', 'resetAfter', 'implementation', 'useCudnn'], CELLS.gru_reset_after.defaults);
    const options = this.options as GRUOptions;
    this.recurrentActivation = checkActivation(options.recurrentActivation === undefined ? CELLS.gru_reset_after.defaults.recurrentActivation : options.recurrentActivation, `${this.name}: option 'recurrentActivation'`);
    this.resetAfter = booleanOption(options.resetAfter, true, 'resetAfter', this.name);
    this.ractId = this.resolveActivation(this.recurrentActivation);
    checkUseCudnn(options.useCudnn, this.name);
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): GRU {
    const kerasVersion = configKerasVersion(options, 'GRU.fromConfig');
    // Keras before 2.1.5 had no reset_after and ran the reset-before GRU; later versions always write the key.
    return new this({ resetAfter: kerasVersion !== 2, ...kerasOptions('GRU', config, 'GRU.fromConfig'), kerasVersion } as unknown as GRUOptions);
  }

  get className(): string {
    return 'GRU';
  }

  override get stateNames(): readonly ['h'] {
    return CELLS.gru_reset_after.states;
  }

  /** @internal */
  protected get cellSpec(): CellSpec {
    return this.resetAfter ? CELLS.gru_reset_after : CELLS.gru_reset_before;
  }

  /** @internal */
  protected get recurrentActivationId(): ActivationId {
    return this.ractId;
  }

  /** @internal */
  protected cellConfig(): Record<string, unknown> {
    return { recurrent_activation: this.recurrentActivation, reset_after: this.resetAfter };
  }
}
