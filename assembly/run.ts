// The run descriptor: what one recurrent_run call does, as i32 words in the
// module's memory (pointers are byte addresses, strides and sizes are floats).
// src/kernels/run-descriptor.ts writes it; test/kernels-abi.test.ts checks the
// two sides agree through the RUN_* and DIR_* globals this module exports.
//
// Header, words 0 .. RUN_HEADER_WORDS-1:
//   RUN_DIRECTIONS   1, or 2 for Bidirectional (direction 0 forward, 1 backward)
//   RUN_MERGE        MERGE_* applied as out0 = merge(out0, out1) after both ran, or -1
//   RUN_MERGE_FLOATS floats of each direction's output the merge covers
//   RUN_B, RUN_T, RUN_D  batch, time steps, input features
//   RUN_X            x (B, T, D)
//   RUN_MASK         mask (B, T) f32, nonzero = valid step, or 0 for none
//   RUN_CHUNK        time steps of input projection computed per GEMM (scratch holds one chunk)
//   RUN_SCRATCH      recurrent_scratch_bytes(...) bytes, 16-byte aligned
//   RUN_TAPE         the training tape, or 0 for inference: direction d records its steps at
//                    RUN_TAPE + d * recurrent_tape_bytes(...) (assembly/cells/tape.ts has the row layout)
//   RUN_STATE        B bytes of persistent `seen` flags (a row has had a valid step), carried across
//                    calls by a stream (assembly/stream.ts) for Keras' masked-output rule; 0: every run
//                    starts unseen. Streams run one direction only.
// Direction d, words RUN_HEADER_WORDS + d*DIR_WORDS ..:
//   DIR_CELL         cell id (src/kernels/cells.ts)
//   DIR_H, DIR_HP    units, and units padded to a multiple of 4
//   DIR_ACT, DIR_RACT  activation ids
//   DIR_FLAGS        FLAG_* bits
//   DIR_KERNEL       packed (D, G*Hp), bias in its panels
//   DIR_RECURRENT    packed recurrent blocks (the cell's recipe)
//   DIR_H0, DIR_C0   initial states (B, H), or 0 for zeros
//   DIR_OUT          outputs: (b, step) at out + b*DIR_OUT_BATCH_STRIDE + slot*DIR_OUT_STEP_STRIDE floats,
//                    slot = step, or T-1-step with FLAG_OUT_REVERSED; one slot without FLAG_RETURN_SEQUENCES
//   DIR_H_OUT, DIR_C_OUT  final states (B, H), or 0
// Backward (recurrent_backward only), direction d, words RUN_HEADER_WORDS + directions*DIR_WORDS + d*BWD_WORDS ..:
//   BWD_D_OUT        d loss / d outputs, laid out as DIR_OUT with its strides and FLAG_OUT_REVERSED
//   BWD_D_H_OUT, BWD_D_C_OUT  d loss / d final states (B, H), or 0
//   BWD_KERNEL_T     Wᵀ packed (G*Hp, Dp) by f32_gemm_pack_transposed
//   BWD_RECURRENT_T  Uᵀ packed the same way, per block of the cell's recurrent recipe, back to back
//   BWD_D_X          d loss / d x (B*T, Dp), written, or added to with BWD_FLAG_ACCUMULATE_DX
//   BWD_DP           Dp, D padded to a multiple of 4
//   BWD_D_KERNEL     d loss / d W (D, G*Hp)
//   BWD_D_RECURRENT  d loss / d U (H, G*Hp)
//   BWD_D_BIAS       (2, G*Hp): input bias, then recurrent bias (the reset_after GRU's second row)
//   BWD_D_H0, BWD_D_C0  d loss / d initial states (B, H), or 0
//   BWD_SCRATCH      recurrent_backward_scratch_bytes(...) bytes, 16-byte aligned
//   BWD_FLAGS        BWD_FLAG_* bits

export const RUN_DIRECTIONS: i32 = 0;
export const RUN_MERGE: i32 = 1;
export const RUN_MERGE_FLOATS: i32 = 2;
export const RUN_B: i32 = 3;
export const RUN_T: i32 = 4;
export const RUN_D: i32 = 5;
export const RUN_X: i32 = 6;
export const RUN_MASK: i32 = 7;
export const RUN_CHUNK: i32 = 8;
export const RUN_SCRATCH: i32 = 9;
export const RUN_TAPE: i32 = 10;
export const RUN_STATE: i32 = 11;
export const RUN_HEADER_WORDS: i32 = 16;

export const DIR_CELL: i32 = 0;
export const DIR_H: i32 = 1;
export const DIR_HP: i32 = 2;
export const DIR_ACT: i32 = 3;
export const DIR_RACT: i32 = 4;
export const DIR_FLAGS: i32 = 5;
export const DIR_KERNEL: i32 = 6;
export const DIR_RECURRENT: i32 = 7;
export const DIR_H0: i32 = 8;
export const DIR_C0: i32 = 9;
export const DIR_OUT: i32 = 10;
export const DIR_OUT_BATCH_STRIDE: i32 = 11;
export const DIR_OUT_STEP_STRIDE: i32 = 12;
export const DIR_H_OUT: i32 = 13;
export const DIR_C_OUT: i32 = 14;
export const DIR_WORDS: i32 = 16;

export const FLAG_RETURN_SEQUENCES: i32 = 1;
export const FLAG_GO_BACKWARDS: i32 = 2;
export const FLAG_ZERO_OUTPUT_FOR_MASK: i32 = 4;
export const FLAG_OUT_REVERSED: i32 = 8;

export const BWD_D_OUT: i32 = 0;
export const BWD_D_H_OUT: i32 = 1;
export const BWD_D_C_OUT: i32 = 2;
export const BWD_KERNEL_T: i32 = 3;
export const BWD_RECURRENT_T: i32 = 4;
export const BWD_D_X: i32 = 5;
export const BWD_DP: i32 = 6;
export const BWD_D_KERNEL: i32 = 7;
export const BWD_D_RECURRENT: i32 = 8;
export const BWD_D_BIAS: i32 = 9;
export const BWD_D_H0: i32 = 10;
export const BWD_D_C0: i32 = 11;
export const BWD_SCRATCH: i32 = 12;
export const BWD_FLAGS: i32 = 13;
export const BWD_WORDS: i32 = 16;

export const BWD_FLAG_ACCUMULATE_DX: i32 = 1;
