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

export interface ReferenceOptions {
  /** `[B, T]`; non-zero marks a valid step. */
  mask?: ReferenceTensor;
  /** `[h0]` or `[h0, c0]` for LSTM (forward then backward for Bidirectional), each `[B, H]`. */
  initialState?: ReferenceTensor[];
}
