import { CELLS, type CellSpec } from '../kernels/cells.js';
import { ActivationId } from '../kernels/ids.js';
import { RecurrentLayer, type OptionFlag, type RecurrentArgs, type RecurrentLayerOptions } from './recurrent.js';

export type SimpleRNNOptions = RecurrentLayerOptions;

/** What `new SimpleRNN(...)` takes: `(options)` or `(units, options?)`. */
export type SimpleRNNArgs = RecurrentArgs<SimpleRNNOptions>;

/** Keras SimpleRNN: h = act(x·W + b + h_prev·U). `A` is the constructor's arguments, which type `apply`'s result. */
export class SimpleRNN<A extends SimpleRNNArgs = SimpleRNNArgs> extends RecurrentLayer<OptionFlag<A, 'returnState'>> {
  constructor(...args: A) {
    super(args, 'SimpleRNN', 'simple_rnn', [], CELLS.simple_rnn.defaults);
  }

  get className(): string {
    return 'SimpleRNN';
  }

  override get stateNames(): readonly ['h'] {
    return CELLS.simple_rnn.states;
  }

  protected get cell(): CellSpec {
    return CELLS.simple_rnn;
  }

  protected get recurrentActivationId(): ActivationId {
    return ActivationId.linear;
  }

  protected cellConfig(): Record<string, unknown> {
    return {};
  }
}
