// The word offsets of the run descriptor (assembly/run.ts) that the host writes, derived from
// the views' fields, with the flag bits and block sizes: the module exports them as globals,
// and test/kernels-abi.test.ts checks src/kernels/run-descriptor.ts against them.
import { Backward, Direction, Run } from "./run";
export {
  RUN_HEADER_WORDS, DIR_WORDS, FLAG_RETURN_SEQUENCES, FLAG_GO_BACKWARDS, FLAG_ZERO_OUTPUT_FOR_MASK, FLAG_OUT_REVERSED, BWD_WORDS, BWD_FLAG_ACCUMULATE_DX,
} from "./run";

export const RUN_DIRECTIONS: i32 = offsetof<Run>("directions") >> 2;
export const RUN_MERGE: i32 = offsetof<Run>("merge") >> 2;
export const RUN_MERGE_FLOATS: i32 = offsetof<Run>("mergeFloats") >> 2;
export const RUN_B: i32 = offsetof<Run>("B") >> 2;
export const RUN_T: i32 = offsetof<Run>("T") >> 2;
export const RUN_D: i32 = offsetof<Run>("D") >> 2;
export const RUN_X: i32 = offsetof<Run>("x") >> 2;
export const RUN_MASK: i32 = offsetof<Run>("mask") >> 2;
export const RUN_CHUNK: i32 = offsetof<Run>("chunk") >> 2;
export const RUN_SCRATCH: i32 = offsetof<Run>("scratch") >> 2;
export const RUN_TAPE: i32 = offsetof<Run>("tape") >> 2;
export const RUN_STATE: i32 = offsetof<Run>("state") >> 2;
export const RUN_X_BACKWARD: i32 = offsetof<Run>("xBackward") >> 2;

export const DIR_CELL: i32 = offsetof<Direction>("cell") >> 2;
export const DIR_H: i32 = offsetof<Direction>("H") >> 2;
export const DIR_HP: i32 = offsetof<Direction>("Hp") >> 2;
export const DIR_ACT: i32 = offsetof<Direction>("act") >> 2;
export const DIR_RACT: i32 = offsetof<Direction>("ract") >> 2;
export const DIR_FLAGS: i32 = offsetof<Direction>("flags") >> 2;
export const DIR_KERNEL: i32 = offsetof<Direction>("kernel") >> 2;
export const DIR_RECURRENT: i32 = offsetof<Direction>("recurrent") >> 2;
export const DIR_H0: i32 = offsetof<Direction>("h0") >> 2;
export const DIR_C0: i32 = offsetof<Direction>("c0") >> 2;
export const DIR_OUT: i32 = offsetof<Direction>("out") >> 2;
export const DIR_OUT_BATCH_STRIDE: i32 = offsetof<Direction>("outBatchStride") >> 2;
export const DIR_OUT_STEP_STRIDE: i32 = offsetof<Direction>("outStepStride") >> 2;
export const DIR_H_OUT: i32 = offsetof<Direction>("hOut") >> 2;
export const DIR_C_OUT: i32 = offsetof<Direction>("cOut") >> 2;
export const DIR_DROPOUT: i32 = offsetof<Direction>("dropout") >> 2;

export const BWD_D_OUT: i32 = offsetof<Backward>("dOut") >> 2;
export const BWD_D_H_OUT: i32 = offsetof<Backward>("dHOut") >> 2;
export const BWD_D_C_OUT: i32 = offsetof<Backward>("dCOut") >> 2;
export const BWD_KERNEL_T: i32 = offsetof<Backward>("kernelT") >> 2;
export const BWD_RECURRENT_T: i32 = offsetof<Backward>("recurrentT") >> 2;
export const BWD_D_X: i32 = offsetof<Backward>("dX") >> 2;
export const BWD_DP: i32 = offsetof<Backward>("Dp") >> 2;
export const BWD_D_KERNEL: i32 = offsetof<Backward>("dKernel") >> 2;
export const BWD_D_RECURRENT: i32 = offsetof<Backward>("dRecurrent") >> 2;
export const BWD_D_BIAS: i32 = offsetof<Backward>("dBias") >> 2;
export const BWD_D_H0: i32 = offsetof<Backward>("dH0") >> 2;
export const BWD_D_C0: i32 = offsetof<Backward>("dC0") >> 2;
export const BWD_SCRATCH: i32 = offsetof<Backward>("scratch") >> 2;
export const BWD_FLAGS: i32 = offsetof<Backward>("flags") >> 2;
