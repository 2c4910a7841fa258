// The whole recurrent sequence in one call: time-chunked input projection,
// per-step recurrent product, fused gates, Keras masking, output writes, for
// one direction or both of a Bidirectional, then its merge.
// Dimension names: B batch, T time, D input features, H units, Hp = H padded
// to a multiple of 4, G gates (the cell table, src/kernels/cells.ts).
import { f32_gemm, f32_gemm_pack_bytes } from "./gemm";
import { cell_gate_count, cell_state_count, cell_step, cell_work_blocks, CELL_LSTM } from "./cells/index";
import { recurrent_dropout_begin } from "./cells/recurrent_dropout";
import { f32_merge } from "./merge";
import { Direction, Run } from "./run";

// @ts-ignore: decorator
@inline export function align16(bytes: f64): f64 {
  return Math.ceil(bytes / 16) * 16;
}

/**
 * Bytes of scratch one recurrent_run needs for a cell (the directions of a run share it).
 * In f64, so that the host sees sizes past 4 GiB as they are and refuses them.
 */
export function recurrent_scratch_bytes(cell: i32, B: i32, D: i32, H: i32, Hp: i32, chunk: i32): f64 {
  const G = <f64>cell_gate_count(cell);
  const rows = <f64>B;
  const state = align16(rows * <f64>Hp * 4);
  return align16(<f64>chunk * rows * G * <f64>Hp * 4)      // projection of one time chunk
    + 2 * state                                             // h, c
    + align16(rows * <f64>cell_work_blocks(cell) * <f64>Hp * 4) // the cell's step work
    + 2 * align16(rows)                                     // valid, seen flags
    + f32_gemm_pack_bytes(Math.max(Math.max(<f64>chunk, rows) * <f64>D, rows * <f64>H), 1); // rows of A packed by f32_gemm
}

/** Floats of one training-tape row (assembly/cells/tape.ts): pre, work, and the states before the step. */
export function cell_tape_row_floats(cell: i32, Hp: i32): i32 {
  return (cell_gate_count(cell) + cell_work_blocks(cell) + cell_state_count(cell)) * Hp;
}

/** Bytes of one direction's training tape: a row per (batch entry, time step). Exact, in f64. */
export function recurrent_tape_bytes(cell: i32, B: i32, T: i32, Hp: i32): f64 {
  return align16(<f64>B * <f64>T * <f64>cell_tape_row_floats(cell, Hp) * 4);
}

/** Copies `rows` rows of `cols` floats between buffers with different row strides (floats). */
export function f32_copy_rows(dst: usize, dstStride: i32, src: usize, srcStride: i32, rows: i32, cols: i32): void {
  const bytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    memory.copy(dst + ((<usize>r * dstStride) << 2), src + ((<usize>r * srcStride) << 2), bytes);
  }
}

/** Runs the directions the descriptor at `pointer` describes (assembly/run.ts), then their merge. */
export function recurrent_run(pointer: usize): void {
  const run = changetype<Run>(pointer);
  for (let d = 0; d < run.directions; d++) {
    const dir = run.direction(d);
    run_direction(run, dir, run.input(d), run.tape == 0 ? 0 : run.tape + <usize>d * <usize>recurrent_tape_bytes(dir.cell, run.B, run.T, dir.Hp));
  }
  if (run.merge >= 0) {
    const out0 = run.direction(0).out;
    f32_merge(out0, out0, run.direction(1).out, run.mergeFloats, run.merge);
  }
}

function run_direction(run: Run, dir: Direction, x: usize, tape: usize): void {
  // Sizes and switches read in the step loop are kept in locals: the loop stores to memory,
  // so loads from the descriptor could not be hoisted out of it.
  const B = run.B;
  const T = run.T;
  const D = run.D;
  const mask = run.mask;
  const chunk = run.chunk;
  const cell = dir.cell;
  const H = dir.H;
  const Hp = dir.Hp;
  const returnSequences = dir.returnSequences;
  const goBackwards = dir.goBackwards;

  // Scratch as recurrent_scratch_bytes lays it out.
  const G = cell_gate_count(cell);
  const GHp = G * Hp;
  const rows = <usize>B;
  const stateBytes = (rows * <usize>Hp * 4 + 15) & ~(<usize>15);
  const proj = run.scratch;
  const scratchH = proj + ((<usize>chunk * rows * <usize>GHp * 4 + 15) & ~(<usize>15));
  const work = scratchH + 2 * stateBytes;
  const valid = work + ((rows * <usize>cell_work_blocks(cell) * <usize>Hp * 4 + 15) & ~(<usize>15));
  const scratchSeen = valid + ((rows + 15) & ~(<usize>15));
  const pack = scratchSeen + ((rows + 15) & ~(<usize>15));
  // A stream carries its seen flags from step to step; a whole-sequence run starts unseen.
  const seen = run.state != 0 ? run.state : scratchSeen;

  // A stream's states (h0 = hOut, and c0 = cOut) already have the scratch's layout when H = Hp:
  // the run updates them in place rather than copying them in and out on every frame.
  const inPlace = H == Hp && dir.h0 != 0 && dir.h0 == dir.hOut && (cell != CELL_LSTM || (dir.c0 != 0 && dir.c0 == dir.cOut));
  const h = inPlace ? dir.hOut : scratchH;
  const c = inPlace && cell == CELL_LSTM ? dir.cOut : scratchH + stateBytes;
  if (!inPlace) {
    memory.fill(scratchH, 0, 2 * stateBytes);
    if (dir.h0 != 0) f32_copy_rows(h, Hp, dir.h0, H, B, H);
    if (dir.c0 != 0 && cell == CELL_LSTM) f32_copy_rows(c, Hp, dir.c0, H, B, H);
  }
  if (run.state == 0) memory.fill(seen, 0, rows);
  recurrent_dropout_begin(dir.dropout, G, B);

  for (let s0 = 0; s0 < T; s0 += chunk) {
    const steps = min(chunk, T - s0);
    // Input times of this chunk form one contiguous range [tLow, tLow + steps).
    const tLow = goBackwards ? T - s0 - steps : s0;
    // proj layout (steps, B, G*Hp): the rows of one step are contiguous for h·U.
    if (steps == 1) {
      // One step (a stream's frame): the B rows in one product, which reads W once.
      f32_gemm(proj, GHp, x + (<usize>tLow * D << 2), T * D, dir.kernel, B, GHp, D, false, pack);
    } else {
      for (let b = 0; b < B; b++) {
        f32_gemm(
          proj + (<usize>b * GHp << 2), B * GHp,
          x + ((<usize>b * T + tLow) * D << 2), D,
          dir.kernel, steps, GHp, D, false, pack,
        );
      }
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
      if (tape != 0) record_before_step(tape, t, cell, h, c, B, T, Hp);
      cell_step(cell, pre, h, c, work, rowValid, dir.recurrent, B, H, Hp, dir.act, dir.ract, pack);
      if (tape != 0) record_after_step(tape, t, cell, pre, work, B, T, Hp);
      if (returnSequences) {
        const slot = dir.outReversed ? T - 1 - step : step;
        emit_rows(dir.out + ((<usize>slot * dir.outStepStride) << 2), dir.outBatchStride, h, Hp, rowValid, seen, B, H, dir.zeroOutputForMask);
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
    emit_rows(dir.out, dir.outBatchStride, h, Hp, rowValid, seen, B, H, dir.zeroOutputForMask);
  }
  if (!inPlace) {
    if (dir.hOut != 0) f32_copy_rows(dir.hOut, H, h, Hp, B, H);
    if (dir.cOut != 0) f32_copy_rows(dir.cOut, H, c, Hp, B, H);
  }
  recurrent_dropout_begin(0, 0, 0);
}

/** The tape row of (batch entry 0, time t); entry b is b * T rows further. */
// @ts-ignore: decorator
@inline export function tape_row(tape: usize, t: i32, cell: i32, Hp: i32): usize {
  return tape + ((<usize>t * cell_tape_row_floats(cell, Hp)) << 2);
}

/** Records the states before the step at input time t. */
function record_before_step(tape: usize, t: i32, cell: i32, h: usize, c: usize, B: i32, T: i32, Hp: i32): void {
  const rowFloats = cell_tape_row_floats(cell, Hp);
  const states = tape_row(tape, t, cell, Hp) + ((<usize>(cell_gate_count(cell) + cell_work_blocks(cell)) * Hp) << 2);
  f32_copy_rows(states, T * rowFloats, h, Hp, B, Hp);
  if (cell == CELL_LSTM) f32_copy_rows(states + (<usize>Hp << 2), T * rowFloats, c, Hp, B, Hp);
}

/** Records what the step left in pre (B, G*Hp) and work (B, work blocks * Hp). */
function record_after_step(tape: usize, t: i32, cell: i32, pre: usize, work: usize, B: i32, T: i32, Hp: i32): void {
  const rowFloats = cell_tape_row_floats(cell, Hp);
  const GHp = cell_gate_count(cell) * Hp;
  const row = tape_row(tape, t, cell, Hp);
  f32_copy_rows(row, T * rowFloats, pre, GHp, B, GHp);
  const workFloats = cell_work_blocks(cell) * Hp;
  if (workFloats > 0) f32_copy_rows(row + (<usize>GHp << 2), T * rowFloats, work, workFloats, B, workFloats);
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
