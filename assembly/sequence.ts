// The whole recurrent sequence in one call: time-chunked input projection,
// per-step recurrent product, fused gates, Keras masking, output writes.
// Dimension names: B batch, T time, D input features, H units, Hp = H padded
// to a multiple of 4, G gates (1 SimpleRNN, 4 LSTM, 3 GRU).
import { f32_gemm } from "./gemm";
import { lstm_gates } from "./lstm";
import { gru_gates_reset_after, gru_gates_reset_before_zr, gru_gates_reset_before_update } from "./gru";
import { simple_rnn_gates } from "./simple_rnn";

// Cell ids; src/kernels/ids.ts mirrors this table.
export const CELL_SIMPLE_RNN: i32 = 0;
export const CELL_LSTM: i32 = 1;
export const CELL_GRU_RESET_AFTER: i32 = 2;
export const CELL_GRU_RESET_BEFORE: i32 = 3;

export function cell_gate_count(cell: i32): i32 {
  if (cell == CELL_LSTM) return 4;
  if (cell == CELL_SIMPLE_RNN) return 1;
  return 3;
}

// @ts-ignore: decorator
@inline function align16(bytes: usize): usize {
  return (bytes + 15) & ~(<usize>15);
}

/** Bytes of scratch `recurrent_sequence` needs; independent of T beyond `chunk`. */
export function recurrent_scratch_bytes(cell: i32, B: i32, Hp: i32, chunk: i32): usize {
  const G = <usize>cell_gate_count(cell);
  const rows = <usize>B;
  return align16(<usize>chunk * rows * G * <usize>Hp * 4) // projection of one time chunk
    + 2 * align16(rows * <usize>Hp * 4)                    // h, c
    + align16(rows * G * <usize>Hp * 4)                     // recurrent product (GRU)
    + align16(rows * <usize>Hp * 4)                         // r*h (GRU reset_before)
    + 2 * align16(rows);                                    // valid, seen flags
}

/** Copies `rows` rows of `cols` floats between buffers with different row strides (floats). */
export function f32_copy_rows(dst: usize, dstStride: i32, src: usize, srcStride: i32, rows: i32, cols: i32): void {
  const bytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    memory.copy(dst + ((<usize>r * dstStride) << 2), src + ((<usize>r * srcStride) << 2), bytes);
  }
}

/**
 * out: (B,T,H) when returnSequences else (B,H), element (b, step) at
 *   out + b*outBatchStride + slot*outStepStride floats, slot = step or T-1-step (outReversed).
 * hOut, cOut (B,H) final states or 0. x (B,T,D). mask (B,T) f32, nonzero = valid, or 0.
 * h0, c0 (B,H) or 0 for zeros. kernel packed (D, G*Hp); recurrent packed (H, G*Hp), or for
 * reset_before GRU (H, 2*Hp) with recurrentCandidate packed (H, Hp).
 */
export function recurrent_sequence(
  cell: i32,
  out: usize, outBatchStride: i32, outStepStride: i32, outReversed: bool,
  hOut: usize, cOut: usize,
  x: usize, mask: usize, h0: usize, c0: usize,
  kernel: usize, recurrent: usize, recurrentCandidate: usize,
  B: i32, T: i32, D: i32, H: i32, Hp: i32, chunk: i32,
  act: i32, ract: i32,
  returnSequences: bool, goBackwards: bool, zeroOutputForMask: bool,
  scratch: usize,
): void {
  const G = cell_gate_count(cell);
  const GHp = G * Hp;
  const rows = <usize>B;
  const stateBytes = align16(rows * <usize>Hp * 4);
  const proj = scratch;
  const h = proj + align16(<usize>chunk * rows * <usize>GHp * 4);
  const c = h + stateBytes;
  const rec = c + stateBytes;
  const rh = rec + align16(rows * <usize>GHp * 4);
  const valid = rh + stateBytes;
  const seen = valid + align16(rows);

  memory.fill(h, 0, 2 * stateBytes);
  if (h0 != 0) f32_copy_rows(h, Hp, h0, H, B, H);
  if (c0 != 0 && cell == CELL_LSTM) f32_copy_rows(c, Hp, c0, H, B, H);
  memory.fill(seen, 0, rows);

  for (let s0 = 0; s0 < T; s0 += chunk) {
    const steps = min(chunk, T - s0);
    // Input times of this chunk form one contiguous range [tLow, tLow + steps).
    const tLow = goBackwards ? T - s0 - steps : s0;
    // proj layout (steps, B, G*Hp): the rows of one step are contiguous for h·U.
    for (let b = 0; b < B; b++) {
      f32_gemm(
        proj + (<usize>b * GHp << 2), B * GHp,
        x + ((<usize>b * T + tLow) * D << 2), D,
        kernel, steps, GHp, D, false,
      );
    }
    for (let k = 0; k < steps; k++) {
      const step = s0 + k;
      const t = goBackwards ? T - 1 - step : step;
      const pre = proj + ((<usize>(t - tLow) * rows * GHp) << 2);
      let rowValid: usize = 0;
      if (mask != 0) {
        rowValid = valid;
        for (let b = 0; b < B; b++) {
          store<u8>(valid + b, load<f32>(mask + ((<usize>b * T + t) << 2)) != 0 ? 1 : 0);
        }
      }
      cell_step(cell, pre, h, c, rec, rh, rowValid, recurrent, recurrentCandidate, B, H, Hp, act, ract);
      if (returnSequences) {
        const slot = outReversed ? T - 1 - step : step;
        emit_rows(out + ((<usize>slot * outStepStride) << 2), outBatchStride, h, Hp, rowValid, seen, B, H, zeroOutputForMask);
      }
      if (mask != 0) {
        for (let b = 0; b < B; b++) store<u8>(seen + b, load<u8>(seen + b) | load<u8>(valid + b));
      }
    }
  }

  if (!returnSequences) {
    // The last emitted output: h when the final processed step was valid, else Keras' masked emission.
    let rowValid: usize = 0;
    if (mask != 0) {
      rowValid = valid;
      const tLast = goBackwards ? 0 : T - 1;
      for (let b = 0; b < B; b++) {
        store<u8>(valid + b, load<f32>(mask + ((<usize>b * T + tLast) << 2)) != 0 ? 1 : 0);
      }
    }
    emit_rows(out, outBatchStride, h, Hp, rowValid, seen, B, H, zeroOutputForMask);
  }
  if (hOut != 0) f32_copy_rows(hOut, H, h, Hp, B, H);
  if (cOut != 0) f32_copy_rows(cOut, H, c, Hp, B, H);
}

/**
 * Writes one output row per batch entry: h for a valid step; for a masked step
 * zeros (zeroOutputForMask, or no valid step yet) else the previous output,
 * which is h because a masked step leaves the state alone.
 */
// @ts-ignore: decorator
@inline function emit_rows(dst: usize, batchStride: i32, h: usize, Hp: i32, valid: usize, seen: usize, B: i32, H: i32, zeroOutputForMask: bool): void {
  const bytes = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const to = dst + ((<usize>b * batchStride) << 2);
    const useState = valid == 0 || load<u8>(valid + b) != 0 || (!zeroOutputForMask && load<u8>(seen + b) != 0);
    if (useState) memory.copy(to, h + ((<usize>b * Hp) << 2), bytes);
    else memory.fill(to, 0, bytes);
  }
}

// @ts-ignore: decorator
@inline function row_is_valid(valid: usize, b: usize): bool {
  return valid == 0 || load<u8>(valid + b) != 0;
}

/** One time step for all B rows; rows whose valid flag is 0 keep their state. */
// @ts-ignore: decorator
@inline function cell_step(
  cell: i32, pre: usize, h: usize, c: usize, rec: usize, rh: usize, valid: usize,
  recurrent: usize, recurrentCandidate: usize, B: i32, H: i32, Hp: i32, act: i32, ract: i32,
): void {
  const G = cell_gate_count(cell);
  const GHp = G * Hp;
  const preRow = <usize>GHp << 2;
  const stateRow = <usize>Hp << 2;
  const rows = <usize>B;
  if (cell == CELL_LSTM) {
    f32_gemm(pre, GHp, h, Hp, recurrent, B, GHp, H, true);
    for (let b: usize = 0; b < rows; b++) {
      if (row_is_valid(valid, b)) lstm_gates(h + b * stateRow, c + b * stateRow, pre + b * preRow, Hp, act, ract);
    }
  } else if (cell == CELL_GRU_RESET_AFTER) {
    f32_gemm(rec, GHp, h, Hp, recurrent, B, GHp, H, false);
    for (let b: usize = 0; b < rows; b++) {
      if (row_is_valid(valid, b)) gru_gates_reset_after(h + b * stateRow, pre + b * preRow, rec + b * preRow, Hp, act, ract);
    }
  } else if (cell == CELL_GRU_RESET_BEFORE) {
    const zrRow = <usize>(2 * Hp) << 2;
    f32_gemm(rec, 2 * Hp, h, Hp, recurrent, B, 2 * Hp, H, false);
    for (let b: usize = 0; b < rows; b++) {
      gru_gates_reset_before_zr(rh + b * stateRow, rec + b * zrRow, h + b * stateRow, pre + b * preRow, Hp, ract);
    }
    const preCandidate = pre + (<usize>(2 * Hp) << 2);
    f32_gemm(preCandidate, GHp, rh, Hp, recurrentCandidate, B, Hp, H, true);
    for (let b: usize = 0; b < rows; b++) {
      if (row_is_valid(valid, b)) gru_gates_reset_before_update(h + b * stateRow, preCandidate + b * preRow, rec + b * zrRow, Hp, act);
    }
  } else {
    f32_gemm(pre, GHp, h, Hp, recurrent, B, GHp, H, true);
    for (let b: usize = 0; b < rows; b++) {
      if (row_is_valid(valid, b)) simple_rnn_gates(h + b * stateRow, pre + b * preRow, Hp, act);
    }
  }
}
