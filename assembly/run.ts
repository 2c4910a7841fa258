// The run descriptor: what one recurrent_run (or recurrent_backward) call does, as i32 words
// in the module's memory: a header, one block per direction, and for recurrent_backward one
// backward block per direction after them. Pointers are byte addresses; strides and sizes
// count floats. src/kernels/run-descriptor.ts writes it; test/kernels-abi.test.ts checks the two
// sides agree through the RUN_*, DIR_* and BWD_* globals of assembly/run-words.ts.
//
// The readers see the descriptor through the views below: a view is the descriptor's memory
// under field names (changetype<Run>(pointer)), so nothing is copied and every word has one
// name, documented once here. The word offsets the host writes follow from the fields
// (assembly/run-words.ts).

/** The header, words 0 .. RUN_HEADER_WORDS-1. */
@final @unmanaged export class Run {
  /** 1, or 2 for Bidirectional (direction 0 forward, 1 backward). */
  directions: i32;
  /** MERGE_* applied as out0 = merge(out0, out1) after both ran, or -1. */
  merge: i32;
  /** Floats of each direction's output the merge covers. */
  mergeFloats: i32;
  /** Batch, time steps, input features. */
  B: i32;
  T: i32;
  D: i32;
  /** x (B, T, D). */
  x: usize;
  /** Mask (B, T) f32, nonzero = valid step, or 0 for none. */
  mask: usize;
  /** Time steps of input projection computed per GEMM (scratch holds one chunk). */
  chunk: i32;
  /** recurrent_scratch_bytes(...) bytes, 16-byte aligned. */
  scratch: usize;
  /**
   * The training tape, or 0 for inference: direction d records its steps at
   * tape + d * recurrent_tape_bytes(...) (assembly/cells/tape.ts has the row layout).
   */
  tape: usize;
  /**
   * B bytes of persistent `seen` flags (a row has had a valid step), carried across calls by a
   * stream (assembly/stream.ts) for Keras' masked-output rule; 0: every run starts unseen.
   * Streams run one direction only.
   */
  state: usize;
  /**
   * The input of direction 1 when it differs from x (a Bidirectional whose copies draw their own
   * dropout masks), same shape; 0: both read x.
   */
  xBackward: usize;

  /** The input direction d reads. */
  @inline input(d: i32): usize {
    return d == 1 && this.xBackward != 0 ? this.xBackward : this.x;
  }

  /** The block of direction d. */
  @inline direction(d: i32): Direction {
    return changetype<Direction>(changetype<usize>(this) + (<usize>(RUN_HEADER_WORDS + d * DIR_WORDS) << 2));
  }

  /** The backward block of direction d (recurrent_backward only). */
  @inline backward(d: i32): Backward {
    return changetype<Backward>(changetype<usize>(this) + (<usize>(RUN_HEADER_WORDS + this.directions * DIR_WORDS + d * BWD_WORDS) << 2));
  }
}

/** Direction d, words RUN_HEADER_WORDS + d*DIR_WORDS .. */
@final @unmanaged export class Direction {
  /** Cell id (src/kernels/cells.ts). */
  cell: i32;
  /** Units, and units padded to a multiple of 4. */
  H: i32;
  Hp: i32;
  /** Activation ids. */
  act: i32;
  ract: i32;
  /** FLAG_* bits, read through the getters below. */
  flags: i32;
  /** Packed (D, G*Hp), bias in its panels. */
  kernel: usize;
  /** Packed recurrent blocks (the cell's recipe). */
  recurrent: usize;
  /** Initial states (B, H), or 0 for zeros. */
  h0: usize;
  c0: usize;
  /**
   * Outputs: (b, step) at out + b*outBatchStride + slot*outStepStride floats, slot = step, or
   * T-1-step with FLAG_OUT_REVERSED; one slot without FLAG_RETURN_SEQUENCES.
   */
  out: usize;
  outBatchStride: i32;
  outStepStride: i32;
  /** Final states (B, H), or 0. */
  hOut: usize;
  cOut: usize;
  /**
   * Training with recurrent_dropout: the block of per-gate masks and scratch that
   * assembly/cells/recurrent_dropout.ts lays out, with `recurrent` (and the backward block's
   * recurrentT) packed one gate at a time; 0 for none.
   */
  dropout: usize;

  @inline get returnSequences(): bool { return (this.flags & FLAG_RETURN_SEQUENCES) != 0; }
  @inline get goBackwards(): bool { return (this.flags & FLAG_GO_BACKWARDS) != 0; }
  @inline get zeroOutputForMask(): bool { return (this.flags & FLAG_ZERO_OUTPUT_FOR_MASK) != 0; }
  @inline get outReversed(): bool { return (this.flags & FLAG_OUT_REVERSED) != 0; }
}

/** Backward block of direction d, words RUN_HEADER_WORDS + directions*DIR_WORDS + d*BWD_WORDS .. */
@final @unmanaged export class Backward {
  /** d loss / d outputs, laid out as the direction's out with its strides and FLAG_OUT_REVERSED. */
  dOut: usize;
  /** d loss / d final states (B, H), or 0. */
  dHOut: usize;
  dCOut: usize;
  /** Wᵀ packed (G*Hp, Dp) by f32_gemm_pack_transposed. */
  kernelT: usize;
  /** Uᵀ packed the same way, per block of the cell's recurrent recipe, back to back. */
  recurrentT: usize;
  /** d loss / d x (B*T, Dp), written, or added to with BWD_FLAG_ACCUMULATE_DX; 0 when not needed. */
  dX: usize;
  /** D padded to a multiple of 4. */
  Dp: i32;
  /** d loss / d W (D, G*Hp). */
  dKernel: usize;
  /** d loss / d U (H, G*Hp). */
  dRecurrent: usize;
  /** (2, G*Hp): input bias, then recurrent bias (the reset_after GRU's second row). */
  dBias: usize;
  /** d loss / d initial states (B, H), or 0. */
  dH0: usize;
  dC0: usize;
  /** recurrent_backward_scratch_bytes(...) bytes, 16-byte aligned. */
  scratch: usize;
  /** BWD_FLAG_* bits. */
  flags: i32;

  @inline get accumulateDx(): bool { return (this.flags & BWD_FLAG_ACCUMULATE_DX) != 0; }
}

/** Words of the header, the reserved ones included. */
export const RUN_HEADER_WORDS: i32 = 16;
/** Words of a direction block, the reserved ones included. */
export const DIR_WORDS: i32 = 16;
/** Words of a backward block, the reserved ones included. */
export const BWD_WORDS: i32 = 16;

/** Direction flags. */
export const FLAG_RETURN_SEQUENCES: i32 = 1;
export const FLAG_GO_BACKWARDS: i32 = 2;
export const FLAG_ZERO_OUTPUT_FOR_MASK: i32 = 4;
export const FLAG_OUT_REVERSED: i32 = 8;

/** Backward flags. */
export const BWD_FLAG_ACCUMULATE_DX: i32 = 1;
