// One frame of a streamed model: the host writes the frame (and its mask) into the
// stream's buffers, then one stream_step call runs a program of ops over them.
// Every buffer is the stream's own, allocated once (src/kernels/stream-program.ts
// writes the program; test/kernels-abi.test.ts checks the STREAM_* globals).
//
// Program: i32 words. Word 0: op count. Then each op: [opcode, words of the op including
// these two, operands...]; operands are byte addresses unless said otherwise. Every value
// is B rows of `width` floats, rows back to back.
//   OP_RECURRENT  run: a run descriptor (assembly/run.ts) with T = 1, h0 = hOut and
//                 c0 = cOut (the stream's state buffers), RUN_STATE its seen flags
//   OP_DENSE      x, rows, D, packed, Np, N, out, act (ACT_*, or -1 for softmax), packA, wide:
//                 out (rows, N) = act(x (rows, D) · packed + b), through wide (rows, Np)
//   OP_GATHER     ids (i32), count, table, width, out, mask (or 0): out row i = table row ids[i];
//                 mask[i] = 1 where ids[i] != 0 (Embedding with mask_zero)
//   OP_MASKING    x, rows, width, mask value (f64, low word first), out, mask: a row equal to the
//                 mask value everywhere is zeroed and masked (Keras' Masking)
//   OP_COPY_ROWS  dst, dst stride, src, src stride, rows, cols (strides in floats)
//   OP_MASK_ANY   dst, rows, count, then count sources (0 = every row valid): dst = any(sources)
//   OP_MASK_ALL   the same operands: dst = all(sources), absent sources skipped
//   OP_SOFTMAX    x, rows, cols: softmax over each row of x in place (a grouped Conv1D's
//                 groups side by side, as predict softmaxes its output rows)
//   OP_MERGE, OP_AFFINE, OP_LAYER_NORM, OP_ACTIVATION, OP_TIME_POOL: see assembly/frame_ops.ts
//   OP_CONV       geom, x, packed, out, filters, scratch, act (ACT_*, or -1 for softmax): one
//                 conv_forward over the B samples of the frame (assembly/conv.ts), then act
//   OP_POOL       geom, x, out, mode (POOL_*): pool_forward over the B samples of the frame
//   OP_PERMUTE    x, rows, width, index (i32 per output value), out: out row r, value i =
//                 x row r, value index[i] (Permute within a frame)
//   OP_CONV_LSTM  run: a ConvLSTM run descriptor (assembly/conv_lstm.ts) with T = 1, h0 = hOut
//                 and c0 = cOut (the stream's state buffers)
//   OP_TICK       counter: counter (i64, the frames since the last reset) += 1; first in a program
//                 with a gate, absent otherwise
//   OP_GATE       counter, first, period, ops, words: unless counter >= first and
//                 (counter - first) % period == 0 (a layer downstream of a window with strides
//                 produces an output this frame), skips the next `ops` ops (`words` words)
import { f32_gemm } from "./gemm";
import { f32_softmax_rows, f32_vactivate } from "./activations";
import { f32_copy_rows, recurrent_run } from "./sequence";
import { frame_activation, frame_affine, frame_layer_norm, frame_merge, frame_time_pool } from "./frame_ops";
import { conv_forward, pool_forward, CONV_OUT } from "./conv";
import { conv_lstm_run } from "./conv_lstm";

export const STREAM_OP_RECURRENT: i32 = 1;
export const STREAM_OP_DENSE: i32 = 2;
export const STREAM_OP_GATHER: i32 = 3;
export const STREAM_OP_MASKING: i32 = 4;
export const STREAM_OP_COPY_ROWS: i32 = 5;
export const STREAM_OP_MASK_ANY: i32 = 6;
export const STREAM_OP_MERGE: i32 = 7;
export const STREAM_OP_AFFINE: i32 = 8;
export const STREAM_OP_LAYER_NORM: i32 = 9;
export const STREAM_OP_ACTIVATION: i32 = 10;
export const STREAM_OP_MASK_ALL: i32 = 11;
export const STREAM_OP_TIME_POOL: i32 = 12;
export const STREAM_OP_SOFTMAX: i32 = 13;
export const STREAM_OP_CONV: i32 = 14;
export const STREAM_OP_POOL: i32 = 15;
export const STREAM_OP_PERMUTE: i32 = 16;
export const STREAM_OP_CONV_LSTM: i32 = 17;
export const STREAM_OP_TICK: i32 = 18;
export const STREAM_OP_GATE: i32 = 19;
/** Words before an op's operands: opcode, op length. */
export const STREAM_OP_HEADER_WORDS: i32 = 2;

// @ts-ignore: decorator
@inline function operand(op: usize, i: i32): i32 {
  return load<i32>(op + (<usize>(STREAM_OP_HEADER_WORDS + i) << 2));
}

// @ts-ignore: decorator
@inline function pointer(op: usize, i: i32): usize {
  return <usize>load<u32>(op + (<usize>(STREAM_OP_HEADER_WORDS + i) << 2));
}

/** Runs the program at `program` once: one frame through the whole model. */
export function stream_step(program: usize): void {
  const count = load<i32>(program);
  let op = program + 4;
  for (let i = 0; i < count; i++) {
    const code = load<i32>(op);
    let next = op + (<usize>load<i32>(op + 4) << 2);
    switch (code) {
      case STREAM_OP_RECURRENT: recurrent_run(pointer(op, 0)); break;
      case STREAM_OP_DENSE: dense(op); break;
      case STREAM_OP_GATHER: gather(op); break;
      case STREAM_OP_MASKING: masking(op); break;
      case STREAM_OP_COPY_ROWS:
        f32_copy_rows(pointer(op, 0), operand(op, 1), pointer(op, 2), operand(op, 3), operand(op, 4), operand(op, 5));
        break;
      case STREAM_OP_MASK_ANY: mask_combine(op, false); break;
      case STREAM_OP_MASK_ALL: mask_combine(op, true); break;
      case STREAM_OP_MERGE: frame_merge(op, STREAM_OP_HEADER_WORDS); break;
      case STREAM_OP_AFFINE: frame_affine(op, STREAM_OP_HEADER_WORDS); break;
      case STREAM_OP_LAYER_NORM: frame_layer_norm(op, STREAM_OP_HEADER_WORDS); break;
      case STREAM_OP_ACTIVATION: frame_activation(op, STREAM_OP_HEADER_WORDS); break;
      case STREAM_OP_TIME_POOL: frame_time_pool(op, STREAM_OP_HEADER_WORDS); break;
      case STREAM_OP_SOFTMAX: f32_softmax_rows(pointer(op, 0), operand(op, 1), operand(op, 2), operand(op, 2)); break;
      case STREAM_OP_CONV: conv(op); break;
      case STREAM_OP_POOL: pool_forward(pointer(op, 0), pointer(op, 1), pointer(op, 2), operand(op, 3)); break;
      case STREAM_OP_PERMUTE: permute(op); break;
      case STREAM_OP_CONV_LSTM: conv_lstm_run(pointer(op, 0)); break;
      case STREAM_OP_TICK: store<i64>(pointer(op, 0), load<i64>(pointer(op, 0)) + 1); break;
      case STREAM_OP_GATE:
        if (!fires(op)) {
          i += operand(op, 3);
          next += <usize>operand(op, 4) << 2;
        }
        break;
    }
    op = next;
  }
}

// @ts-ignore: decorator
@inline function fires(op: usize): bool {
  const count = load<i64>(pointer(op, 0));
  const first = <i64>operand(op, 1);
  return count >= first && (count - first) % <i64>operand(op, 2) == 0;
}

// The same product, activation and compaction as src/kernels/dense.ts runDense.
function dense(op: usize): void {
  const x = pointer(op, 0);
  const rows = operand(op, 1);
  const D = operand(op, 2);
  const packed = pointer(op, 3);
  const Np = operand(op, 4);
  const N = operand(op, 5);
  const out = pointer(op, 6);
  const act = operand(op, 7);
  const packA = pointer(op, 8);
  const wide = pointer(op, 9);
  f32_gemm(wide, Np, x, D, packed, rows, Np, D, false, packA);
  if (act < 0) f32_softmax_rows(wide, rows, N, Np);
  else f32_vactivate(wide, wide, rows * Np, act);
  if (wide != out) f32_copy_rows(out, N, wide, Np, rows, N);
}

// The same convolution and activation as src/kernels/conv.ts runConv.
function conv(op: usize): void {
  const geom = pointer(op, 0);
  const out = pointer(op, 3);
  const F = operand(op, 4);
  const act = operand(op, 6);
  conv_forward(geom, pointer(op, 1), pointer(op, 2), out, F, false, pointer(op, 5));
  const rows = load<i32>(geom) * load<i32>(geom + (<usize>CONV_OUT << 2)) * load<i32>(geom + (<usize>(CONV_OUT + 1) << 2)) * load<i32>(geom + (<usize>(CONV_OUT + 2) << 2));
  if (act < 0) f32_softmax_rows(out, rows, F, F);
  else f32_vactivate(out, out, rows * F, act);
}

function permute(op: usize): void {
  const x = pointer(op, 0);
  const rows = operand(op, 1);
  const width = operand(op, 2);
  const index = pointer(op, 3);
  const out = pointer(op, 4);
  const rowBytes = <usize>width << 2;
  for (let r = 0; r < rows; r++) {
    const from = x + <usize>r * rowBytes;
    const to = out + <usize>r * rowBytes;
    for (let i = 0; i < width; i++) {
      store<f32>(to + (<usize>i << 2), load<f32>(from + (<usize>load<i32>(index + (<usize>i << 2)) << 2)));
    }
  }
}

function gather(op: usize): void {
  const ids = pointer(op, 0);
  const count = operand(op, 1);
  const table = pointer(op, 2);
  const width = operand(op, 3);
  const out = pointer(op, 4);
  const mask = pointer(op, 5);
  const bytes = <usize>width << 2;
  for (let i = 0; i < count; i++) {
    const id = load<i32>(ids + (<usize>i << 2));
    memory.copy(out + <usize>i * bytes, table + <usize>id * bytes, bytes);
    if (mask != 0) store<f32>(mask + (<usize>i << 2), id != 0 ? 1 : 0);
  }
}

function masking(op: usize): void {
  const x = pointer(op, 0);
  const rows = operand(op, 1);
  const width = operand(op, 2);
  // Compared in f64, as the host compares float32 data with a JavaScript number.
  const value = load<f64>(op + (<usize>(STREAM_OP_HEADER_WORDS + 3) << 2));
  const out = pointer(op, 5);
  const mask = pointer(op, 6);
  const bytes = <usize>width << 2;
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * bytes;
    let valid = false;
    for (let f = 0; f < width; f++) {
      if (<f64>load<f32>(row + (<usize>f << 2)) != value) {
        valid = true;
        break;
      }
    }
    store<f32>(mask + (<usize>r << 2), valid ? 1 : 0);
    const to = out + <usize>r * bytes;
    if (valid) {
      if (to != row) memory.copy(to, row, bytes);
    } else memory.fill(to, 0, bytes);
  }
}

// any: a row is valid where some source is (an absent source counts as valid everywhere);
// all: where every present source is.
function mask_combine(op: usize, all: bool): void {
  const dst = pointer(op, 0);
  const rows = operand(op, 1);
  const count = operand(op, 2);
  for (let r = 0; r < rows; r++) {
    let valid = all;
    for (let s = 0; s < count; s++) {
      const src = pointer(op, 3 + s);
      if (all) {
        if (src != 0 && load<f32>(src + (<usize>r << 2)) == 0) {
          valid = false;
          break;
        }
      } else if (src == 0 || load<f32>(src + (<usize>r << 2)) != 0) {
        valid = true;
        break;
      }
    }
    store<f32>(dst + (<usize>r << 2), valid ? 1 : 0);
  }
}
