/** A dense row-major float64 tensor. */
export interface ReferenceTensor {
  shape: number[];
  data: Float64Array;
}

export type HardSigmoidVariant = 'keras2' | 'keras3';

export type CellKind = 'SimpleRNN' | 'LSTM' | 'GRU';

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;

/** A recurrent layer's configuration, camelCase, with every Keras default already resolved. */
export interface ReferenceRecurrentSpec {
  cell: CellKind;
  units: number;
  activation: string;
  /** Unused by SimpleRNN, which has no gates. */
  recurrentActivation: string;
  useBias: boolean;
  /** GRU only. */
  resetAfter: boolean;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  zeroOutputForMask: boolean;
  hardSigmoidVariant: HardSigmoidVariant;
}

/**
 * Keras' dropout masks of a recurrent layer in training, fixed for the whole sequence: one per
 * gate in Keras' gate order (repeat the one mask for a cell using a single mask for all gates).
 */
export interface ReferenceDropout {
  /** G masks `[B, D]` multiplying the input before each gate's share of x·W, or null. */
  input: ReferenceTensor[] | null;
  /** G masks `[B, H]` multiplying h before each gate's share of h·U, or null. */
  recurrent: ReferenceTensor[] | null;
}

export interface ReferenceOptions {
  /** `[B, T]`; non-zero marks a valid step. */
  mask?: ReferenceTensor;
  /** Training-mode dropout masks (one direction). */
  dropout?: ReferenceDropout;
  /** `[h0]` or `[h0, c0]` for LSTM (forward then backward for Bidirectional), each `[B, H]`. */
  initialState?: ReferenceTensor[];
}
