// Backpropagation through time for the directions of one run descriptor (assembly/run.ts),
// after recurrent_run recorded their training tape. Per direction, one call does: the output
// gradients fed in at each step, the fused gate derivatives and the recurrent dh·Uᵀ per step
// (the cell's backward step), then over all steps at once dW = Xᵀ·dPre, dU = Hᵀ·dRec, the bias
// sums and dX = dPre·Wᵀ.
import { f32_gemm, f32_gemm_pack_bytes, f32_packed_size } from "./gemm";
import { f32_add_rows, f32_column_sums, f32_gemm_tn } from "./gemm_backward";
import { cell_gate_count, cell_step_backward, cell_work_blocks, CELL_GRU_RESET_AFTER, CELL_GRU_RESET_BEFORE, CELL_LSTM } from "./cells/index";
import {
  RUN_DIRECTIONS, RUN_B, RUN_T, RUN_D, RUN_X, RUN_MASK, RUN_TAPE, RUN_HEADER_WORDS,
  DIR_CELL, DIR_H, DIR_HP, DIR_ACT, DIR_RACT, DIR_FLAGS, DIR_OUT_BATCH_STRIDE, DIR_OUT_STEP_STRIDE, DIR_WORDS,
  FLAG_RETURN_SEQUENCES, FLAG_GO_BACKWARDS, FLAG_ZERO_OUTPUT_FOR_MASK, FLAG_OUT_REVERSED,
  BWD_D_OUT, BWD_D_H_OUT, BWD_D_C_OUT, BWD_KERNEL_T, BWD_RECURRENT_T, BWD_D_X, BWD_DP, BWD_D_KERNEL,
  BWD_D_RECURRENT, BWD_D_BIAS, BWD_D_H0, BWD_D_C0, BWD_SCRATCH, BWD_FLAGS, BWD_WORDS, BWD_FLAG_ACCUMULATE_DX,
} from "./run";
import { address, align16, cell_tape_row_floats, direction_block, f32_copy_rows, recurrent_tape_bytes, tape_row, word } from "./sequence";

/** The backward block of direction d. */
// @ts-ignore: decorator
@inline function backward_block(run: usize, d: i32): usize {
  return run + (<usize>(RUN_HEADER_WORDS + word(run, RUN_DIRECTIONS) * DIR_WORDS + d * BWD_WORDS) << 2);
}

/** Bytes of scratch one direction's backward pass needs (directions run one after the other and share it). Exact, f64. */
export function recurrent_backward_scratch_bytes(cell: i32, B: i32, T: i32, Hp: i32): f64 {
  const rows = <f64>B * <f64>T;
  const GHp = <f64>cell_gate_count(cell) * <f64>Hp;
  const state = align16(<f64>B * <f64>Hp * 4);
  const gradients = align16(rows * GHp * 4);
  return gradients * (cell == CELL_GRU_RESET_AFTER ? 2 : 1) // dPre (and dRec)
    + 3 * state                                             // dh, dc, work
    + align16(<f64>B) + align16(<f64>B * 4)                 // valid flags, first valid step
    + f32_gemm_pack_bytes(rows, GHp);                       // A rows packed by f32_gemm (at most 64 KiB)
}

/** Floats of the packed transposed recurrent weights (BWD_RECURRENT_T) of a cell. */
export function recurrent_transposed_floats(cell: i32, Hp: i32): i32 {
  if (cell == CELL_GRU_RESET_BEFORE) return f32_packed_size(2 * Hp, Hp) + f32_packed_size(Hp, Hp);
  return f32_packed_size(cell_gate_count(cell) * Hp, Hp);
}

export function recurrent_backward(run: usize): void {
  const directions = word(run, RUN_DIRECTIONS);
  const tape = address(run, RUN_TAPE);
  for (let d = 0; d < directions; d++) {
    const dir = direction_block(run, d);
    const tapeBytes = <usize>recurrent_tape_bytes(word(dir, DIR_CELL), word(run, RUN_B), word(run, RUN_T), word(dir, DIR_HP));
    backward_direction(run, dir, backward_block(run, d), tape + <usize>d * tapeBytes);
  }
}

function backward_direction(run: usize, dir: usize, bwd: usize, tape: usize): void {
  const B = word(run, RUN_B);
  const T = word(run, RUN_T);
  const D = word(run, RUN_D);
  const x = address(run, RUN_X);
  const mask = address(run, RUN_MASK);
  const cell = word(dir, DIR_CELL);
  const H = word(dir, DIR_H);
  const Hp = word(dir, DIR_HP);
  const act = word(dir, DIR_ACT);
  const ract = word(dir, DIR_RACT);
  const flags = word(dir, DIR_FLAGS);
  const returnSequences = (flags & FLAG_RETURN_SEQUENCES) != 0;
  const goBackwards = (flags & FLAG_GO_BACKWARDS) != 0;
  const zeroOutputForMask = (flags & FLAG_ZERO_OUTPUT_FOR_MASK) != 0;
  const outReversed = (flags & FLAG_OUT_REVERSED) != 0;
  const outBatchStride = word(dir, DIR_OUT_BATCH_STRIDE);
  const outStepStride = word(dir, DIR_OUT_STEP_STRIDE);
  const dOut = address(bwd, BWD_D_OUT);
  const dHOut = address(bwd, BWD_D_H_OUT);
  const dCOut = address(bwd, BWD_D_C_OUT);
  const kernelT = address(bwd, BWD_KERNEL_T);
  const recurrentT = address(bwd, BWD_RECURRENT_T);
  const dX = address(bwd, BWD_D_X);
  const Dp = word(bwd, BWD_DP);
  const dKernel = address(bwd, BWD_D_KERNEL);
  const dRecurrent = address(bwd, BWD_D_RECURRENT);
  const dBias = address(bwd, BWD_D_BIAS);
  const dH0 = address(bwd, BWD_D_H0);
  const dC0 = address(bwd, BWD_D_C0);
  const accumulateDx = (word(bwd, BWD_FLAGS) & BWD_FLAG_ACCUMULATE_DX) != 0;

  // Scratch as recurrent_backward_scratch_bytes lays it out.
  const G = cell_gate_count(cell);
  const GHp = G * Hp;
  const rows = B * T;
  const gradientBytes = (<usize>rows * <usize>GHp * 4 + 15) & ~(<usize>15);
  const stateBytes = (<usize>B * <usize>Hp * 4 + 15) & ~(<usize>15);
  const dPre = address(bwd, BWD_SCRATCH);
  const dRec = cell == CELL_GRU_RESET_AFTER ? dPre + gradientBytes : dPre;
  const dh = dPre + gradientBytes * (cell == CELL_GRU_RESET_AFTER ? 2 : 1);
  const dc = dh + stateBytes;
  const work = dc + stateBytes;
  const valid = work + stateBytes;
  const firstValid = valid + ((<usize>B + 15) & ~(<usize>15));
  const pack = firstValid + ((<usize>B * 4 + 15) & ~(<usize>15));

  memory.fill(dh, 0, 3 * stateBytes);
  if (dHOut != 0) f32_copy_rows(dh, Hp, dHOut, H, B, H);
  if (dCOut != 0 && cell == CELL_LSTM) f32_copy_rows(dc, Hp, dCOut, H, B, H);
  if (mask != 0) {
    for (let b = 0; b < B; b++) {
      let first = T;
      for (let s = T - 1; s >= 0; s--) {
        const t = goBackwards ? T - 1 - s : s;
        if (load<f32>(mask + ((<usize>b * T + t) << 2)) != 0) first = s;
      }
      store<i32>(firstValid + (<usize>b << 2), first);
    }
  }

  const rowFloats = cell_tape_row_floats(cell, Hp);
  for (let s = T - 1; s >= 0; s--) {
    const t = goBackwards ? T - 1 - s : s;
    let rowValid: usize = 0;
    if (mask != 0) {
      rowValid = valid;
      for (let b = 0; b < B; b++) store<u8>(valid + b, load<f32>(mask + ((<usize>b * T + t) << 2)) != 0 ? 1 : 0);
    }
    // The output emitted at this step came from the state after it (h), or was zeros.
    if (returnSequences || s == T - 1) {
      const slot = returnSequences ? (outReversed ? T - 1 - s : s) : 0;
      for (let b = 0; b < B; b++) {
        let fromState = true;
        if (mask != 0 && load<u8>(valid + b) == 0) {
          const first = load<i32>(firstValid + (<usize>b << 2));
          fromState = !zeroOutputForMask && (returnSequences ? s > first : first < T);
        }
        if (fromState) {
          f32_add_rows(dh + ((<usize>b * Hp) << 2), Hp, dOut + ((<usize>b * outBatchStride + <usize>slot * outStepStride) << 2), outStepStride, 1, H);
        }
      }
    }
    cell_step_backward(
      cell, dPre + ((<usize>t * GHp) << 2), dRec + ((<usize>t * GHp) << 2), T * GHp,
      tape_row(tape, t, cell, Hp), T * rowFloats, dh, dc, work, rowValid, recurrentT, B, H, Hp, act, ract, pack,
    );
  }
  if (dH0 != 0) f32_copy_rows(dH0, H, dh, Hp, B, H);
  if (dC0 != 0 && cell == CELL_LSTM) f32_copy_rows(dC0, H, dc, Hp, B, H);

  // Over all steps at once: rows (b, t) of x, of the tape and of the gradients line up.
  f32_gemm_tn(dKernel, GHp, x, D, dPre, GHp, D, GHp, rows, false);
  const hPrev = tape + ((<usize>(G + cell_work_blocks(cell)) * Hp) << 2);
  if (cell == CELL_GRU_RESET_BEFORE) {
    const zrHp = 2 * Hp;
    f32_gemm_tn(dRecurrent, GHp, hPrev, rowFloats, dPre, GHp, H, zrHp, rows, false);
    const resetHidden = tape + ((<usize>(G + 2) * Hp) << 2);
    f32_gemm_tn(dRecurrent + (<usize>zrHp << 2), GHp, resetHidden, rowFloats, dPre + (<usize>zrHp << 2), GHp, H, Hp, rows, false);
  } else {
    f32_gemm_tn(dRecurrent, GHp, hPrev, rowFloats, dRec, GHp, H, GHp, rows, false);
  }
  f32_column_sums(dBias, dPre, GHp, rows, GHp, false);
  f32_column_sums(dBias + (<usize>GHp << 2), dRec, GHp, rows, GHp, false);
  f32_gemm(dX, Dp, dPre, GHp, kernelT, rows, Dp, GHp, accumulateDx, pack);
}
