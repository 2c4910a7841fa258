import { CELLS, type CellSpec } from '../kernels/cells.js';
import { ActivationId } from '../kernels/ids.js';
import { RecurrentLayer, type ExactArgs, type OptionFlag, type RecurrentArgs, type RecurrentLayerOptions } from './recurrent.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';

export type SimpleRNNOptions = RecurrentLayerOptions;

/** What `new SimpleRNN(...)` takes: `(options)` or `(units, options?)`. */
export type SimpleRNNArgs = RecurrentArgs<SimpleRNNOptions>;

/** Keras SimpleRNN: h = act(x·W + b + h_prev·U). `A` is the constructor's arguments, which type `apply`'s result. */
export class SimpleRNN<A extends SimpleRNNArgs = SimpleRNNArgs> extends RecurrentLayer<OptionFlag<A, 'returnState'>> {
  constructor(...args: A & ExactArgs<A, SimpleRNNArgs>) {
    super(args, 'SimpleRNN', 'simple_rnn', [], CELLS.simple_rnn.defaults);
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): SimpleRNN {
    const kerasVersion = configKerasVersion(options, 'SimpleRNN.fromConfig');
    return new this({ ...kerasOptions('SimpleRNN', config, 'SimpleRNN.fromConfig'), kerasVersion } as unknown as SimpleRNNOptions);
  }

  get className(): string {
    return 'SimpleRNN';
  }

  override get stateNames(): readonly ['h'] {
    return CELLS.simple_rnn.states;
  }

  /** @internal */
  protected get cellSpec(): CellSpec {
    return CELLS.simple_rnn;
  }

  /** @internal */
  protected get recurrentActivationId(): ActivationId {
    return ActivationId.linear;
  }

  /** @internal */
  protected cellConfig(): Record<string, unknown> {
    return {};
  }
}
