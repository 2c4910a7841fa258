// Host side of assembly/stream.ts: allocates a stream's buffers once, packs its own
// copy of every weight, and writes the per-frame program that one stream_step call
// runs. Everything here is built when a stream opens; nothing runs per frame.
import { RuntimeError } from '../errors.js';
import type { CellSpec } from './cells.js';
import { packDenseWeights, releaseDenseWeights, type DenseOutput } from './dense.js';
import type { ActivationId } from './ids.js';
import type { KernelInstance } from './instance.js';
import { checkAddressSpace, packRecurrentWeights, paddedUnits, releasePackedWeights } from './recurrent.js';
import { FLAG, runDescriptorWords, writeRunDescriptor } from './run-descriptor.js';

/** The host's copy of the opcodes (test/kernels-abi.test.ts checks them against the module). */
export const STREAM_OP = {
  RECURRENT: 1, DENSE: 2, GATHER: 3, MASKING: 4, COPY_ROWS: 5, MASK_ANY: 6,
  MERGE: 7, AFFINE: 8, LAYER_NORM: 9, ACTIVATION: 10, MASK_ALL: 11, TIME_POOL: 12, SOFTMAX: 13,
  CONV: 14, POOL: 15, PERMUTE: 16, CONV_LSTM: 17, TICK: 18, GATE: 19, HEADER_WORDS: 2,
} as const;

/** Bit 0 of a packed matrix pointer: interleaved for one-row products (assembly/gemm.ts; test/kernels-abi.test.ts checks it). */
export const PACKED_INTERLEAVED = 1;

/** The host's copy of assembly/frame_ops.ts' merge kinds (test/streaming-layers.test.ts runs each against predict). */
export const FRAME_MERGE = {
  ADD: 0, SUBTRACT: 1, MULTIPLY: 2, AVERAGE: 3, MAXIMUM: 4, MINIMUM: 5, INPUT_WORDS: 3,
} as const;
export type FrameMergeKind = Exclude<keyof typeof FRAME_MERGE, 'INPUT_WORDS'>;

/** A value of a streamed model: B rows of `width` floats (or i32 ids), back to back at `ptr`. */
export interface StreamValue {
  readonly ptr: number;
  readonly width: number;
}

/** A per-row mask (B floats, nonzero = valid), or 0 for every row valid. */
export type StreamMask = number;

/** A recurrent layer as one step of a stream: its cell, options and Keras weights. */
export interface RecurrentStreamSpec {
  cell: CellSpec;
  inputDim: number;
  units: number;
  activation: ActivationId;
  recurrentActivation: ActivationId;
  returnSequences: boolean;
  zeroOutputForMask: boolean;
  /** kernel (D, G*H), recurrent kernel (H, G*H), bias in Keras layout or null. */
  weights: readonly [Float32Array, Float32Array, Float32Array | null];
}

/** A persistent state buffer: (B, H) floats. */
export interface StreamStateBuffer {
  readonly ptr: number;
  readonly floats: number;
}

/** Everything a stream holds in WebAssembly memory, released together. */
export interface StreamMemory {
  readonly instance: KernelInstance;
  readonly blocks: number[];
  readonly release: (() => void)[];
}

export function releaseStreamMemory(memory: StreamMemory): void {
  for (const release of memory.release.splice(0).reverse()) release();
  for (const ptr of memory.blocks.splice(0).reverse()) memory.instance.heap.release(ptr);
}

const MAX_WORDS_IN_OP = 64;

/**
 * When a value of a stream changes: at the frames `first`, first + period, first + 2 period, ...
 * (counted from 1 since the last reset). Every value is on EVERY_FRAME until a time window with
 * strides (or 'valid' padding) thins its output; what is downstream of it runs only on those frames.
 */
export interface StreamClock {
  readonly first: number;
  readonly period: number;
}

export const EVERY_FRAME: StreamClock = { first: 1, period: 1 };

/**
 * Refuses, before a builder allocates its first buffer, a stream whose buffers cannot fit: the
 * builder allocates buffer by buffer and WebAssembly memory never shrinks, so a stream refused at
 * its tenth buffer would have grown it for the first nine. `rowFloats` is a floor of the floats it
 * keeps per batch row (frames, outputs, states), beside each recurrent layer's step scratch.
 */
export function checkStreamFits(instance: KernelInstance, owner: string, batch: number, rowFloats: number, recurrent: readonly RecurrentStreamSpec[]): void {
  const scratch = recurrent.map((spec) => recurrentStreamScratchBytes(instance, spec, batch));
  checkAddressSpace([batch * 4 * rowFloats, ...scratch], () => `${owner}: a stream of batchSize ${batch}, whose frames, outputs and states hold at least ${rowFloats} floats per row beside its step's scratch`, instance);
}

/**
 * The scratch bytes a recurrent layer's stream step takes at `batch` rows, computed in JS from the
 * kernel's counts at 1 and 2 rows (it grows by rows; the kernel's own i32 count would wrap for a
 * batch too large, which is what this is asked about).
 */
function recurrentStreamScratchBytes(instance: KernelInstance, spec: RecurrentStreamSpec, batch: number): number {
  const { cell, inputDim: D, units: H } = spec;
  const bytes = (rows: number) => instance.exports.recurrent_scratch_bytes(cell.id, rows, D, H, paddedUnits(H), 1);
  const one = bytes(1);
  return one + (batch - 1) * (bytes(2) - one);
}

export function sameClock(a: StreamClock, b: StreamClock): boolean {
  return a.first === b.first && a.period === b.period;
}

interface StreamOp {
  readonly clock: StreamClock;
  readonly words: readonly number[];
}

export class StreamProgramBuilder {
  readonly instance: KernelInstance;
  readonly batch: number;
  readonly memory: StreamMemory;
  /** Every state buffer in the order the recurrent ops were added, [h] or [h, c] each. */
  readonly states: StreamStateBuffer[] = [];
  /** Seen flags of every recurrent op (B bytes each), cleared with the states. */
  readonly seenFlags: number[] = [];
  /** What a new sequence starts from zero besides the states: convolution windows, pooling sums. */
  readonly histories: StreamStateBuffer[] = [];
  /** The per-frame mask the stream's inputs share, and the masks computed from it alone. */
  private readonly frameMasks = new Set<number>();
  /** A word the stream sets once step() is given a mask (0 until an op needs it). */
  maskGiven = 0;
  /** A layer that cannot keep a masked row's states (a ConvLSTM), which step() then refuses a mask for. */
  unmaskable: string | null = null;
  /** Why step()'s mask would not hold a row still: a layer before a recurrent one replaced it (null: it reaches them all). */
  maskUnreached: string | null = null;
  /** The clock of the ops added now (the graph sets it per layer; a time window changes it). */
  clock: StreamClock = EVERY_FRAME;
  /** The frame counter (i64) that gates read, allocated with the first gated op; 0 while none is. */
  private counter = 0;
  private readonly ops: StreamOp[] = [];

  constructor(instance: KernelInstance, batch: number) {
    this.instance = instance;
    this.batch = batch;
    this.memory = { instance, blocks: [], release: [] };
  }

  /** `bytes` of zeroed memory owned by the stream. */
  alloc(bytes: number): number {
    checkAddressSpace([bytes], () => `a stream buffer of ${bytes} bytes`, this.instance);
    const ptr = this.instance.heap.alloc(bytes);
    this.memory.blocks.push(ptr);
    new Uint8Array(this.instance.heap.buffer, ptr, bytes).fill(0);
    return ptr;
  }

  /**
   * A value's buffer. One written under a gate keeps its last output between the frames it runs on,
   * so a new sequence zeroes it (zero, too, before its first output).
   */
  value(width: number): StreamValue {
    const floats = this.batch * width;
    const ptr = this.alloc(floats * 4);
    if (!sameClock(this.clock, EVERY_FRAME)) this.histories.push({ ptr, floats });
    return { ptr, width };
  }

  /** An op on the current clock (the words after its header: opcode, then operands). */
  push(words: readonly number[]): void {
    if (!sameClock(this.clock, EVERY_FRAME) && this.counter === 0) {
      this.counter = this.alloc(8);
      // The counter is two zero floats' worth of bytes: reset() zeroes it with the histories.
      this.histories.push({ ptr: this.counter, floats: 2 });
    }
    this.ops.push({ clock: this.clock, words });
  }

  mask(): number {
    return this.alloc(this.batch * 4);
  }

  /** The per-frame mask buffer step() fills; predict sees no mask until step() is given one. */
  frameMask(): number {
    const mask = this.mask();
    this.frameMasks.add(mask);
    return mask;
  }

  /**
   * GlobalMaxPooling1D or GlobalAveragePooling1D over the frames so far: a running maximum, or
   * running sums and counts (float32 as predict's pooling kernel, float64 as its masked mean).
   */
  timePool(x: StreamValue, mask: StreamMask, average: boolean): StreamValue {
    const B = this.batch;
    const values = B * x.width;
    const floats = 2 * values + 2 * B + values + 1;
    const state = this.alloc(floats * 4);
    this.histories.push({ ptr: state, floats });
    let given = 0;
    if (mask !== 0 && this.frameMasks.has(mask)) {
      if (this.maskGiven === 0) this.maskGiven = this.alloc(4);
      given = this.maskGiven;
    }
    const output = this.value(x.width);
    this.push([STREAM_OP.TIME_POOL, x.ptr, B, x.width, mask, given, state, output.ptr, average ? 1 : 0]);
    return output;
  }

  /** One step of a recurrent layer on x; returns its output and its state buffers. */
  recurrent(spec: RecurrentStreamSpec, x: StreamValue, mask: StreamMask): { output: StreamValue; states: StreamValue[] } {
    const { instance, batch: B } = this;
    const { cell, inputDim: D, units: H } = spec;
    if (x.width !== D) throw new RuntimeError(`stream: a ${cell.kerasClass} of ${D} input features was given ${x.width}`);
    const Hp = paddedUnits(H);
    const [kernel, recurrentKernel, bias] = spec.weights;
    const packed = packRecurrentWeights(instance, cell, D, H, kernel, recurrentKernel, bias);
    this.memory.release.push(() => releasePackedWeights(packed));
    const G = cell.gates.length;
    const matrices: [number, number, number][] = [[packed.kernel, D, G * Hp]];
    let at = packed.recurrent;
    for (const [from, to] of cell.recurrentBlocks) {
      matrices.push([at, H, (to - from) * Hp]);
      at += instance.exports.f32_packed_size(H, (to - from) * Hp) * 4;
    }
    const tag = this.interleave(matrices);
    const descriptor = this.alloc(runDescriptorWords(1) * 4);
    const scratch = this.alloc(instance.exports.recurrent_scratch_bytes(cell.id, B, D, H, Hp, 1));
    const seen = this.alloc(B);
    this.seenFlags.push(seen);
    const states = cell.states.map(() => this.value(H));
    for (const state of states) this.states.push({ ptr: state.ptr, floats: B * H });
    const output = this.value(H);
    let flags = 0;
    if (spec.returnSequences) flags |= FLAG.RETURN_SEQUENCES;
    if (spec.zeroOutputForMask) flags |= FLAG.ZERO_OUTPUT_FOR_MASK;
    const [h, c] = states;
    writeRunDescriptor(new Int32Array(instance.heap.buffer, descriptor, runDescriptorWords(1)), {
      merge: -1, mergeFloats: 0, B, T: 1, D, x: x.ptr, mask, chunk: 1, scratch, state: seen,
    }, [{
      cell: cell.id, H, Hp, act: spec.activation, ract: spec.recurrentActivation, flags,
      kernel: packed.kernel + tag, recurrent: packed.recurrent + tag,
      // The run copies the starting states into its scratch first and the final ones out last.
      h0: h.ptr, c0: c ? c.ptr : 0, hOut: h.ptr, cOut: c ? c.ptr : 0,
      out: output.ptr, outBatchStride: H, outStepStride: H,
    }]);
    this.push([STREAM_OP.RECURRENT, descriptor]);
    return { output, states };
  }

  /**
   * For a product of one row (a stream of one row, one position per frame): interleaves packed
   * (K, N) matrices in place for f32_gemm's one-row product, which streams them fastest, and
   * returns the pointer tag that says so (PACKED_INTERLEAVED); 0 (the panels as packed) for more rows.
   */
  private interleave(matrices: readonly (readonly [ptr: number, K: number, N: number])[], rows = this.batch): number {
    if (rows !== 1) return 0;
    const { exports, heap } = this.instance;
    const scratch = heap.alloc((Math.max(...matrices.map(([, K]) => K)) + 1) * 128);
    try {
      for (const [ptr, K, N] of matrices) exports.f32_gemm_interleave_panels(ptr, K, N, scratch);
    } finally {
      heap.release(scratch);
    }
    return PACKED_INTERLEAVED;
  }

  /** Dense (or TimeDistributed(Dense)) on one frame's rows: each row's `positions` vectors of inputDim features (a Dense on the last axis). */
  dense(inputDim: number, units: number, kernel: Float32Array, bias: Float32Array | null, activation: DenseOutput, x: StreamValue, positions = 1): StreamValue {
    const { instance } = this;
    if (x.width !== inputDim * positions) throw new RuntimeError(`stream: a Dense of ${inputDim} input features at ${positions} positions was given ${x.width}`);
    const rows = this.batch * positions;
    const packed = packDenseWeights(instance, inputDim, units, kernel, bias);
    this.memory.release.push(() => releaseDenseWeights(packed));
    const Np = packed.paddedUnits;
    const tag = this.interleave([[packed.packed, inputDim, Np]], rows);
    const output = this.value(units * positions);
    const wide = Np === units ? output.ptr : this.alloc(rows * Np * 4);
    const packA = this.alloc(instance.exports.f32_gemm_pack_bytes(rows, inputDim));
    const act = activation === 'softmax' ? -1 : activation.elementwise;
    this.push([STREAM_OP.DENSE, x.ptr, rows, inputDim, packed.packed + tag, Np, units, output.ptr, act, packA, wide]);
    return output;
  }

  /** out value i of each row = x value index[i] of that row (Permute within a frame). */
  permute(x: StreamValue, index: readonly number[]): StreamValue {
    const table = this.alloc(index.length * 4);
    new Int32Array(this.instance.heap.buffer, table, index.length).set(index);
    const output = this.value(x.width);
    this.push([STREAM_OP.PERMUTE, x.ptr, this.batch, x.width, table, output.ptr]);
    return output;
  }

  /** Embedding rows for one frame of ids; the mask of id 0 with maskZero. */
  gather(table: Float32Array, width: number, ids: StreamValue, maskZero: boolean): { output: StreamValue; mask: StreamMask } {
    const tablePtr = this.alloc(table.byteLength);
    new Float32Array(this.instance.heap.buffer, tablePtr, table.length).set(table);
    const output = this.value(ids.width * width);
    const mask = maskZero ? this.mask() : 0;
    this.push([STREAM_OP.GATHER, ids.ptr, this.batch * ids.width, tablePtr, width, output.ptr, mask]);
    return { output, mask };
  }

  masking(x: StreamValue, maskValue: number): { output: StreamValue; mask: StreamMask } {
    const output = this.value(x.width);
    const mask = this.mask();
    const bits = new DataView(new ArrayBuffer(8));
    bits.setFloat64(0, maskValue, true);
    this.push([STREAM_OP.MASKING, x.ptr, this.batch, x.width, bits.getInt32(0, true), bits.getInt32(4, true), output.ptr, mask]);
    return { output, mask };
  }

  /** The values side by side: each row is `blocks` blocks (positions of a frame), every value's block in turn. */
  concat(values: readonly StreamValue[], blocks = 1): StreamValue {
    const width = values.reduce((sum, v) => sum + v.width, 0);
    const output = this.value(width);
    const rows = this.batch * blocks;
    let column = 0;
    for (const v of values) {
      const part = v.width / blocks;
      this.push([STREAM_OP.COPY_ROWS, output.ptr + column * 4, width / blocks, v.ptr, part, rows, part]);
      column += part;
    }
    return output;
  }

  /** any() of the masks per row: valid where any is (an absent mask counts as valid everywhere). */
  maskAny(masks: readonly StreamMask[]): StreamMask {
    if (masks.every((m) => m === 0)) return 0;
    const mask = this.mask();
    this.push([STREAM_OP.MASK_ANY, mask, this.batch, masks.length, ...masks]);
    this.derive(mask, masks);
    return mask;
  }

  /** all() of the masks given per row (tf.keras 2's merge rule); 0 when none is given. */
  maskAll(masks: readonly StreamMask[]): StreamMask {
    const given = masks.filter((m) => m !== 0);
    if (given.length === 0) return 0;
    const mask = this.mask();
    this.push([STREAM_OP.MASK_ALL, mask, this.batch, given.length, ...given]);
    this.derive(mask, given);
    return mask;
  }

  /** An element-wise merge of values of `width` features (or 1, broadcast), with their masks. */
  merge(kind: FrameMergeKind, maskAware: boolean, width: number, inputs: readonly { value: StreamValue; mask: StreamMask }[]): StreamValue {
    const output = this.value(width);
    this.push([
      STREAM_OP.MERGE, output.ptr, this.batch, width, FRAME_MERGE[kind], maskAware ? 1 : 0, inputs.length,
      ...inputs.flatMap((input) => [input.value.ptr, input.value.width, input.mask]),
    ]);
    return output;
  }

  /** out = x * scale + shift per feature, in float64 (BatchNormalization at inference). */
  affine(x: StreamValue, scale: Float64Array, shift: Float64Array): StreamValue {
    const C = scale.length;
    const params = this.alloc(2 * C * 8);
    const view = new Float64Array(this.instance.heap.buffer, params, 2 * C);
    view.set(scale, 0);
    view.set(shift, C);
    const output = this.value(x.width);
    // Each row's frame is x.width / C positions of C features.
    this.push([STREAM_OP.AFFINE, x.ptr, this.batch * (x.width / C), C, params, params + C * 8, output.ptr]);
    return output;
  }

  /** LayerNormalization over each `features` values of a row (the last axis); gamma and beta may be absent. */
  layerNorm(x: StreamValue, gamma: Float32Array | null, beta: Float32Array | null, epsilon: number, rmsScaling: boolean, features = x.width): StreamValue {
    const copy = (data: Float32Array | null) => {
      if (!data) return 0;
      const ptr = this.alloc(data.byteLength);
      new Float32Array(this.instance.heap.buffer, ptr, data.length).set(data);
      return ptr;
    };
    const output = this.value(x.width);
    const bits = new DataView(new ArrayBuffer(8));
    bits.setFloat64(0, epsilon, true);
    this.push([
      STREAM_OP.LAYER_NORM, x.ptr, this.batch * (x.width / features), features, copy(gamma), copy(beta),
      bits.getInt32(0, true), bits.getInt32(4, true), rmsScaling ? 1 : 0, output.ptr,
    ]);
    return output;
  }

  /**
   * A Keras activation (kerasActivationKind, or a PARAMETER_ACTIVATION kind with its `params`) on
   * every value, as predict applies it; softmaxes (and PReLU's alphas) over each row of `lastAxis`.
   */
  activation(x: StreamValue, kind: number, lastAxis = x.width, params: Float32Array | null = null): StreamValue {
    const output = this.value(x.width);
    let at = 0;
    if (params) {
      at = this.alloc(params.byteLength);
      new Float32Array(this.instance.heap.buffer, at, params.length).set(params);
    }
    this.push([STREAM_OP.ACTIVATION, x.ptr, this.batch * x.width, kind, output.ptr, lastAxis, at]);
    return output;
  }

  /** Whether `mask` is the stream's per-frame mask (or made from it alone), not a Keras mask of a layer. */
  isFrameMask(mask: StreamMask): boolean {
    return this.frameMasks.has(mask);
  }

  /** A mask combined from per-frame masks alone is one too. */
  private derive(mask: number, from: readonly StreamMask[]): void {
    if (from.every((m) => m === 0 || this.frameMasks.has(m))) this.frameMasks.add(mask);
  }

  /**
   * Writes the program into the stream's memory; returns its address. Each run of ops on one clock
   * other than EVERY_FRAME follows a gate that skips the run on the frames its clock does not fire,
   * after a tick that counts the frame; a program without them has neither.
   */
  finish(): number {
    const words = [0];
    let count = 0;
    const emit = (code: number, operands: readonly number[]) => {
      if (operands.length + STREAM_OP.HEADER_WORDS > MAX_WORDS_IN_OP) throw new RuntimeError('stream: an op has too many operands');
      words.push(code, operands.length + STREAM_OP.HEADER_WORDS, ...operands);
      count++;
    };
    if (this.counter !== 0) emit(STREAM_OP.TICK, [this.counter]);
    for (let i = 0; i < this.ops.length;) {
      const { clock } = this.ops[i];
      let end = i;
      while (end < this.ops.length && sameClock(this.ops[end].clock, clock)) end++;
      const gated = !sameClock(clock, EVERY_FRAME);
      const gate = words.length;
      if (gated) emit(STREAM_OP.GATE, [this.counter, clock.first, clock.period, end - i, 0]);
      const start = words.length;
      for (; i < end; i++) {
        const [code, ...operands] = this.ops[i].words;
        emit(code, operands);
      }
      if (gated) words[gate + STREAM_OP.HEADER_WORDS + 4] = words.length - start;
    }
    words[0] = count;
    const program = this.alloc(words.length * 4);
    new Int32Array(this.instance.heap.buffer, program, words.length).set(words);
    return program;
  }
}
