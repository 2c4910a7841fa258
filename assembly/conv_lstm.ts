// ConvLSTM1D/2D: the whole sequence in one call. The input convolution of every frame is one
// conv_forward over the B*T frames before the loop (im2col + the packed GEMM); each step then adds
// the recurrent convolution of h (stride 1, 'same', conv_forward accumulating into the step's
// pre-activations) and runs the LSTM gate math (lstm_gates, Keras order i, f, c, o) on every
// position. Dimension names: B batch, T time, P output positions of a frame, F filters, Fp = F
// padded to a multiple of 4: every gate block is Fp wide, and h, c are (B*P, Fp), so the
// recurrent convolution reads h as (B, ...spatial', Fp) frames whose padding channels meet zero
// weight rows.
import { conv_forward, CONV_OUT } from "./conv";
import { lstm_gates } from "./cells/lstm";
import { f32_copy_rows } from "./sequence";

/** ConvLSTM flags. */
export const CONV_LSTM_RETURN_SEQUENCES: i32 = 1;
export const CONV_LSTM_GO_BACKWARDS: i32 = 2;

/**
 * The run descriptor, read as a view (changetype<ConvLstmRun>(pointer)), as assembly/run.ts
 * reads a recurrent run. src/kernels/conv-lstm.ts writes it, field by field in this order.
 */
@final @unmanaged export class ConvLstmRun {
  B: i32;
  T: i32;
  /** Filters, and filters padded to a multiple of 4. */
  F: i32;
  Fp: i32;
  /** Activation ids. */
  act: i32;
  ract: i32;
  /** CONV_LSTM_* bits. */
  flags: i32;
  /** x (B, T, ...spatial, C). */
  x: usize;
  /** assembly/conv.ts geometry of the input convolution over the B*T frames, 4*Fp filters. */
  inputGeometry: usize;
  /** conv_pack_weights of the gate-padded kernel (...k, C, 4*Fp) with the bias. */
  kernel: usize;
  /** Geometry of the recurrent convolution: B frames of (...spatial', Fp), 4*Fp filters, stride 1, 'same'. */
  recurrentGeometry: usize;
  /** conv_pack_weights of the gate-padded recurrent kernel (...k, Fp, 4*Fp), no bias. */
  recurrent: usize;
  /** Initial states (B*P, F), or 0 for zeros. */
  h0: usize;
  c0: usize;
  /** Outputs (B, T, P, F) with CONV_LSTM_RETURN_SEQUENCES (in processing order), else (B, P, F). */
  out: usize;
  /** Final states (B*P, F), or 0. */
  hOut: usize;
  cOut: usize;
  /** Scratch, each 16-byte aligned: pre-activations (B*T*P, 4*Fp), the step's (B*P, 4*Fp), h and c (B*P, Fp). */
  pre: usize;
  step: usize;
  h: usize;
  c: usize;
  /** conv_scratch_bytes of the larger of the two geometries. */
  convScratch: usize;
}

export const CONV_LSTM_WORDS: i32 = offsetof<ConvLstmRun>() >> 2;

export function conv_lstm_run(pointer: usize): void {
  const run = changetype<ConvLstmRun>(pointer);
  const B = run.B;
  const T = run.T;
  const F = run.F;
  const Fp = run.Fp;
  const geometry = run.inputGeometry;
  const P = load<i32>(geometry + (<usize>CONV_OUT << 2)) * load<i32>(geometry + (<usize>(CONV_OUT + 1) << 2)) * load<i32>(geometry + (<usize>(CONV_OUT + 2) << 2));
  const rows = B * P;
  const GFp = 4 * Fp;
  const frameBytes = <usize>P * <usize>GFp << 2;
  const stateRow = <usize>Fp << 2;
  const returnSequences = (run.flags & CONV_LSTM_RETURN_SEQUENCES) != 0;
  const goBackwards = (run.flags & CONV_LSTM_GO_BACKWARDS) != 0;

  conv_forward(geometry, run.x, run.kernel, run.pre, GFp, false, run.convScratch);
  memory.fill(run.h, 0, <usize>rows * stateRow);
  memory.fill(run.c, 0, <usize>rows * stateRow);
  if (run.h0 != 0) f32_copy_rows(run.h, Fp, run.h0, F, rows, F);
  if (run.c0 != 0) f32_copy_rows(run.c, Fp, run.c0, F, rows, F);

  for (let s = 0; s < T; s++) {
    const t = goBackwards ? T - 1 - s : s;
    // The step's rows are frame (b, t) of every batch entry: P rows each, T frames apart in pre.
    for (let b = 0; b < B; b++) {
      memory.copy(run.step + <usize>b * frameBytes, run.pre + (<usize>b * T + t) * frameBytes, frameBytes);
    }
    conv_forward(run.recurrentGeometry, run.h, run.recurrent, run.step, GFp, true, run.convScratch);
    for (let r = 0; r < rows; r++) {
      lstm_gates(run.h + <usize>r * stateRow, run.c + <usize>r * stateRow, run.step + ((<usize>r * GFp) << 2), Fp, run.act, run.ract);
    }
    if (returnSequences) {
      for (let b = 0; b < B; b++) {
        f32_copy_rows(run.out + ((<usize>(b * T + s) * P * F) << 2), F, run.h + <usize>b * P * stateRow, Fp, P, F);
      }
    }
  }
  if (!returnSequences) f32_copy_rows(run.out, F, run.h, Fp, rows, F);
  if (run.hOut != 0) f32_copy_rows(run.hOut, F, run.h, Fp, rows, F);
  if (run.cOut != 0) f32_copy_rows(run.cOut, F, run.c, Fp, rows, F);
}
