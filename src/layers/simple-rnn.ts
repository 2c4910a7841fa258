import { CELLS, type CellSpec } from '../kernels/cells.js';
import { ActivationId } from '../kernels/ids.js';
import { RecurrentLayer, type RecurrentLayerOptions } from './recurrent.js';

export type SimpleRNNOptions = RecurrentLayerOptions;

/** Keras SimpleRNN: h = act(x·W + b + h_prev·U). */
export class SimpleRNN extends RecurrentLayer {
  constructor(options: SimpleRNNOptions) {
    super(options, 'simple_rnn', [], CELLS.simple_rnn.defaults);
  }

  get className(): string {
    return 'SimpleRNN';
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
