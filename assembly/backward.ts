// Backpropagation through time for the directions of one run descriptor (assembly/run.ts),
// after recurrent_run recorded their training tape. Per direction, one call does: the output
// gradients fed in at each step, the fused gate derivatives and the recurrent dh·Uᵀ per step
// (the cell's backward step), then over all steps at once dW = Xᵀ·dPre, dU = Hᵀ·dRec, the bias
// sums and dX = dPre·Wᵀ.
import { f32_gemm, f32_gemm_pack_bytes, f32_packed_size } from "./gemm";
import { f32_add_rows, f32_column_sums, f32_gemm_tn, f32_gemm_tn_scratch_bytes } from "./gemm_backward";
import { cell_gate_count, cell_step_backward, cell_work_blocks, CELL_GRU_RESET_AFTER, CELL_GRU_RESET_BEFORE, CELL_LSTM } from "./cells/index";
import { recurrent_dropout_begin, recurrent_dropout_mask, recurrent_dropout_scratch } from "./cells/recurrent_dropout";
import { Backward, Direction, Run } from "./run";
import { align16, cell_tape_row_floats, f32_copy_rows, recurrent_tape_bytes, tape_row } from "./sequence";

/** Bytes of scratch one direction's backward pass needs (directions run one after the other and share it). Exact, f64. */
export function recurrent_backward_scratch_bytes(cell: i32, B: i32, T: i32, Hp: i32): f64 {
  const rows = <f64>B * <f64>T;
  const GHp = <f64>cell_gate_count(cell) * <f64>Hp;
  const state = align16(<f64>B * <f64>Hp * 4);
  const gradients = align16(rows * GHp * 4);
  return gradients * (cell == CELL_GRU_RESET_AFTER ? 2 : 1) // dPre (and dRec)
    + 3 * state                                             // dh, dc, work
    + align16(<f64>B) + align16(<f64>B * 4)                 // valid flags, first valid step
    + Math.max(f32_gemm_pack_bytes(rows, GHp),              // A rows packed by f32_gemm (at most 64 KiB),
      <f64>f32_gemm_tn_scratch_bytes());                    // or the strips f32_gemm_tn packs
}

/** Floats of the packed transposed recurrent weights (BWD_RECURRENT_T) of a cell. */
export function recurrent_transposed_floats(cell: i32, Hp: i32): i32 {
  if (cell == CELL_GRU_RESET_BEFORE) return f32_packed_size(2 * Hp, Hp) + f32_packed_size(Hp, Hp);
  return f32_packed_size(cell_gate_count(cell) * Hp, Hp);
}

export function recurrent_backward(pointer: usize): void {
  const run = changetype<Run>(pointer);
  for (let d = 0; d < run.directions; d++) {
    const dir = run.direction(d);
    backward_direction(run, dir, run.backward(d), run.input(d), run.tape + <usize>d * <usize>recurrent_tape_bytes(dir.cell, run.B, run.T, dir.Hp));
  }
}

function backward_direction(run: Run, dir: Direction, bwd: Backward, x: usize, tape: usize): void {
  const B = run.B;
  const T = run.T;
  const mask = run.mask;
  const cell = dir.cell;
  const H = dir.H;
  const Hp = dir.Hp;
  const goBackwards = dir.goBackwards;
  const dPre = bwd.scratch;

  // Scratch as recurrent_backward_scratch_bytes lays it out.
  const G = cell_gate_count(cell);
  const GHp = G * Hp;
  const rows = B * T;
  const gradientBytes = (<usize>rows * <usize>GHp * 4 + 15) & ~(<usize>15);
  const stateBytes = (<usize>B * <usize>Hp * 4 + 15) & ~(<usize>15);
  const dRec = cell == CELL_GRU_RESET_AFTER ? dPre + gradientBytes : dPre;
  const dh = dPre + gradientBytes * (cell == CELL_GRU_RESET_AFTER ? 2 : 1);
  const dc = dh + stateBytes;
  const work = dc + stateBytes;
  const valid = work + stateBytes;
  const firstValid = valid + ((<usize>B + 15) & ~(<usize>15));
  const pack = firstValid + ((<usize>B * 4 + 15) & ~(<usize>15));

  recurrent_dropout_begin(dir.dropout, G, B);
  memory.fill(dh, 0, 3 * stateBytes);
  if (bwd.dHOut != 0) f32_copy_rows(dh, Hp, bwd.dHOut, H, B, H);
  if (bwd.dCOut != 0 && cell == CELL_LSTM) f32_copy_rows(dc, Hp, bwd.dCOut, H, B, H);
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
    if (dir.returnSequences || s == T - 1) {
      const slot = dir.returnSequences ? (dir.outReversed ? T - 1 - s : s) : 0;
      for (let b = 0; b < B; b++) {
        let fromState = true;
        if (mask != 0 && load<u8>(valid + b) == 0) {
          const first = load<i32>(firstValid + (<usize>b << 2));
          fromState = !dir.zeroOutputForMask && (dir.returnSequences ? s > first : first < T);
        }
        if (fromState) {
          f32_add_rows(dh + ((<usize>b * Hp) << 2), Hp, bwd.dOut + ((<usize>b * dir.outBatchStride + <usize>slot * dir.outStepStride) << 2), dir.outStepStride, 1, H);
        }
      }
    }
    cell_step_backward(
      cell, dPre + ((<usize>t * GHp) << 2), dRec + ((<usize>t * GHp) << 2), T * GHp,
      tape_row(tape, t, cell, Hp), T * rowFloats, dh, dc, work, rowValid, bwd.recurrentT, B, H, Hp, dir.act, dir.ract, pack,
    );
  }
  if (bwd.dH0 != 0) f32_copy_rows(bwd.dH0, H, dh, Hp, B, H);
  if (bwd.dC0 != 0 && cell == CELL_LSTM) f32_copy_rows(bwd.dC0, H, dc, Hp, B, H);

  // Over all steps at once: rows (b, t) of x, of the tape and of the gradients line up.
  f32_gemm_tn(bwd.dKernel, GHp, x, run.D, dPre, GHp, run.D, GHp, rows, false, pack);
  const hPrev = tape + ((<usize>(G + cell_work_blocks(cell)) * Hp) << 2);
  if (dir.dropout != 0) {
    // dU_g = (h * mask_g)ᵀ·dRec_g; the reset_before GRU's candidate block took the masked r*h (taped).
    const masked = recurrent_dropout_scratch(Hp);
    const maskedGates = cell == CELL_GRU_RESET_BEFORE ? 2 : G;
    for (let g = 0; g < maskedGates; g++) {
      const mask = recurrent_dropout_mask(g, Hp);
      for (let r = 0; r < rows; r++) {
        const from = hPrev + ((<usize>r * rowFloats) << 2);
        const to = masked + ((<usize>r * Hp) << 2);
        const m = mask + ((<usize>(r / T) * Hp) << 2);
        for (let j = 0; j < Hp; j += 4) {
          const off = <usize>j << 2;
          v128.store(to + off, f32x4.mul(v128.load(from + off), v128.load(m + off)));
        }
      }
      f32_gemm_tn(bwd.dRecurrent + (<usize>(g * Hp) << 2), GHp, masked, Hp, dRec + (<usize>(g * Hp) << 2), GHp, H, Hp, rows, false, pack);
    }
    if (cell == CELL_GRU_RESET_BEFORE) {
      const resetHidden = tape + ((<usize>(G + 2) * Hp) << 2);
      f32_gemm_tn(bwd.dRecurrent + (<usize>(2 * Hp) << 2), GHp, resetHidden, rowFloats, dPre + (<usize>(2 * Hp) << 2), GHp, H, Hp, rows, false, pack);
    }
  } else if (cell == CELL_GRU_RESET_BEFORE) {
    const zrHp = 2 * Hp;
    f32_gemm_tn(bwd.dRecurrent, GHp, hPrev, rowFloats, dPre, GHp, H, zrHp, rows, false, pack);
    const resetHidden = tape + ((<usize>(G + 2) * Hp) << 2);
    f32_gemm_tn(bwd.dRecurrent + (<usize>zrHp << 2), GHp, resetHidden, rowFloats, dPre + (<usize>zrHp << 2), GHp, H, Hp, rows, false, pack);
  } else {
    f32_gemm_tn(bwd.dRecurrent, GHp, hPrev, rowFloats, dRec, GHp, H, GHp, rows, false, pack);
  }
  f32_column_sums(bwd.dBias, dPre, GHp, rows, GHp, false);
  // Only the reset_after GRU has a recurrent side of its own; elsewhere both rows are the same sums.
  if (dRec == dPre) memory.copy(bwd.dBias + (<usize>GHp << 2), bwd.dBias, <usize>GHp << 2);
  else f32_column_sums(bwd.dBias + (<usize>GHp << 2), dRec, GHp, rows, GHp, false);
  if (bwd.dX != 0) f32_gemm(bwd.dX, bwd.Dp, dPre, GHp, bwd.kernelT, rows, bwd.Dp, GHp, bwd.accumulateDx, pack);
  recurrent_dropout_begin(0, 0, 0);
}
