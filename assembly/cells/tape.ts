// The training tape, as every cell's forward step leaves it and its backward
// step reads it. One row per (batch entry, time step), in blocks of Hp floats:
//   [pre: G blocks] [work: the cell's work blocks] [h before the step] [c before the step (LSTM)]
// pre and work hold what the forward step left in them (see each cell file).
// Gradients of the step are rows of G blocks too: dPre (input side: x·W and its
// bias) and dRec (recurrent side: h·U and its bias; the same buffer as dPre
// except for the reset_after GRU, whose reset gate scales h·U_h alone).

/** Backward steps read and write row b of a strided buffer at base + b*stride floats. */
// @ts-ignore: decorator
@inline export function strided_row(base: usize, stride: i32, b: i32): usize {
  return base + ((<usize>b * stride) << 2);
}

/** Byte offset of tape block `block` inside a tape row. */
// @ts-ignore: decorator
@inline export function tape_block(block: i32, Hp: i32): usize {
  return <usize>(block * Hp) << 2;
}
