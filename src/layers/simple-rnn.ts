import { ActivationId, CellId } from '../kernels/ids.js';
import { RecurrentLayer, type RecurrentLayerOptions } from './recurrent.js';

export type SimpleRNNOptions = RecurrentLayerOptions;

/** Keras SimpleRNN: h = act(x·W + b + h_prev·U). */
export class SimpleRNN extends RecurrentLayer {
  constructor(options: SimpleRNNOptions) {
    super(options, 'simple_rnn', [], { recurrentInitializer: 'orthogonal' });
  }

  get className(): string {
    return 'SimpleRNN';
  }

  get stateNames(): readonly string[] {
    return ['h'];
  }

  protected get cellId(): CellId {
    return CellId.simpleRnn;
  }

  protected get gateCount(): number {
    return 1;
  }

  protected get recurrentActivationId(): ActivationId {
    return ActivationId.linear;
  }

  protected cellConfig(): Record<string, unknown> {
    return {};
  }
}
