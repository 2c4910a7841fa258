// Numeric ids shared with assembly/: the kernels take enums as i32.
// The module exports the same ids as globals (ACT_*, MERGE_*); test/kernels-abi.test.ts compares them.
// Cell ids live in the cell table, src/kernels/cells.ts.

export const ActivationId = {
  linear: 0,
  tanh: 1,
  sigmoid: 2,
  hardSigmoidKeras3: 3,
  hardSigmoidKeras2: 4,
  relu: 5,
  relu6: 6,
  elu: 7,
  selu: 8,
  softsign: 9,
  exponential: 10,
  silu: 11,
} as const;
export type ActivationId = (typeof ActivationId)[keyof typeof ActivationId];

export const MergeId = {
  sum: 0,
  mul: 1,
  ave: 2,
} as const;
export type MergeId = (typeof MergeId)[keyof typeof MergeId];
