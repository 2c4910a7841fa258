// Host side of the recurrent kernels: packing a cell's weights once by the
// cell table's recipe, and running one or two directions of a sequence (a
// layer, or both copies of a Bidirectional and their merge) in one call.
import { formatShape } from '../errors.js';
import { gateCount, type CellSpec } from './cells.js';
import { MergeId, type ActivationId } from './ids.js';
import type { KernelInstance } from './instance.js';
import { unpackOrthonormalRows } from './orthonormal.js';
import { FLAG, runDescriptorWords, writeRunDescriptor, type RunDirection } from './run-descriptor.js';
import { recurrentDropoutBuffers, recurrentDropoutBytes, type RecurrentDropout } from './recurrent-dropout.js';
import { KernelSession, trapsAsErrors } from './session.js';
import { blockBytes, checkFits, checkedPackedBytes, type Describe } from './sizes.js';

/**
 * Floats of input projection kept per time chunk (1 MiB): memory does not grow with T, and each
 * chunk gives the projection GEMM enough rows per batch entry (at least MIN_CHUNK_STEPS) to use
 * its 4-row kernel.
 */
const PROJECTION_CHUNK_FLOATS = 1 << 18;
const MIN_CHUNK_STEPS = 8;

/** H rounded up to whole f32x4 vectors: every gate block starts on a vector. */
export function paddedUnits(units: number): number {
  return Math.ceil(units / 4) * 4;
}

/** Packed weights living in an instance's memory for the lifetime of a layer. */
export interface PackedRecurrentWeights {
  readonly instance: KernelInstance;
  readonly cell: CellSpec;
  readonly inputDim: number;
  readonly units: number;
  /** (D, G*Hp) with the input bias in its panels. */
  readonly kernel: number;
  /** The cell's recurrent blocks back to back, the recurrent bias (if any) in the first. */
  readonly recurrent: number;
}

/**
 * Whether a recurrent kernel packed as one plain (H, G*H) matrix (kernelOrthonormalPackedRows)
 * is the cell's packed recurrent kernel as it is: one recurrent block and no padding columns.
 */
export function takesPackedRecurrentKernel(cell: CellSpec, units: number): boolean {
  return cell.recurrentBlocks.length === 1 && units % 8 === 0;
}

/**
 * The recurrent kernel (H, G*H) in Keras layout, read back from weights whose packed recurrent
 * kernel came prepacked (takesPackedRecurrentKernel), its bias slots skipped.
 */
export function unpackRecurrentKernel(weights: PackedRecurrentWeights): Float32Array {
  return unpackOrthonormalRows(weights.instance, weights.recurrent, weights.units, gateCount(weights.cell) * weights.units);
}

/**
 * kernel (D, G*H), recurrentKernel (H, G*H) and bias in Keras layout ((G*H), (2, G*H), or null),
 * packed by the cell's recipe in the cell table. `recurrentKernel` is a heap block instead when
 * it comes packed already (kernelOrthonormalPackedRows; only for a cell and units that
 * takesPackedRecurrentKernel): this call owns it from here on and keeps it as the packed
 * recurrent kernel.
 */
export function packRecurrentWeights(
  instance: KernelInstance, cell: CellSpec, inputDim: number, units: number,
  kernel: Float32Array, recurrentKernel: Float32Array | number, bias: Float32Array | null,
): PackedRecurrentWeights {
  const { exports, heap } = instance;
  const G = gateCount(cell);
  const H = units;
  const Hp = paddedUnits(H);
  const what = () => `${cell.kerasClass} weights for ${inputDim} input features and ${units} units`;
  const packedFloats = (rows: number, blocks: number) => checkedPackedBytes(exports, rows, blocks * Hp, what) / 4;
  // The packed rows hold the recurrent kernel's (H, G*H) with H a multiple of 8 (so Hp = H):
  // what a cell of one recurrent block packs, all gates side by side.
  const adopted = typeof recurrentKernel === 'number' ? recurrentKernel : 0;
  let packedKernel = 0;
  let packedRecurrent = adopted;
  try {
    checkRecurrentWeightsFit(instance, cell, inputDim, units, bias?.length ?? 0, what);
    const recurrentFloats = cell.recurrentBlocks.reduce((sum, [from, to]) => sum + packedFloats(H, to - from), 0);
    // Packed buffers first, staging last, so releasing staging returns it to the top of the heap.
    packedKernel = heap.alloc(packedFloats(inputDim, G) * 4);
    if (!adopted) packedRecurrent = heap.alloc(recurrentFloats * 4);
    const stagedRecurrent = typeof recurrentKernel === 'number' ? 0 : recurrentKernel.byteLength;
    const staging = heap.alloc(kernel.byteLength + stagedRecurrent + (bias?.byteLength ?? 0));
    try {
      heap.f32(staging, kernel.length).set(kernel);
      const recurrentSrc = staging + kernel.byteLength;
      if (typeof recurrentKernel !== 'number') heap.f32(recurrentSrc, recurrentKernel.length).set(recurrentKernel);
      const biasSrc = bias ? recurrentSrc + stagedRecurrent : 0;
      if (bias) heap.f32(biasSrc, bias.length).set(bias);
      const recurrentBias = bias && cell.recurrentBiasRow !== null ? biasSrc + cell.recurrentBiasRow * G * H * 4 : 0;
      trapsAsErrors(() => {
        exports.f32_gemm_pack_weights(packedKernel, staging, G * H, biasSrc, inputDim, G, H, Hp);
        if (adopted) {
          // Only the bias row of each panel is left to fill (the block holds zeros there).
          if (bias && cell.recurrentBiasRow !== null) {
            const row = bias.subarray(cell.recurrentBiasRow * G * H, (cell.recurrentBiasRow + 1) * G * H);
            for (let p = 0; p < (G * H) / 8; p++) heap.f32(packedRecurrent + p * (H + 1) * 32, 8).set(row.subarray(8 * p, 8 * p + 8));
          }
          return;
        }
        let at = packedRecurrent;
        cell.recurrentBlocks.forEach(([from, to], i) => {
          const blockBias = i === 0 ? recurrentBias : 0;
          exports.f32_gemm_pack_weights(at, recurrentSrc + from * H * 4, G * H, blockBias, H, to - from, H, Hp);
          at += packedFloats(H, to - from) * 4;
        });
      });
    } finally {
      heap.release(staging);
    }
  } catch (error) {
    if (packedRecurrent) heap.release(packedRecurrent);
    if (packedKernel) heap.release(packedKernel);
    throw error;
  }
  return { instance, cell, inputDim, units, kernel: packedKernel, recurrent: packedRecurrent };
}

/**
 * Throws a RuntimeError naming `what` unless packing a cell's weights fits beside what the heap
 * holds: the packed kernel and recurrent blocks, and the staged Keras weights, all at once.
 * Layers call it before any initializer runs.
 */
export function checkRecurrentWeightsFit(
  instance: KernelInstance, cell: CellSpec, inputDim: number, units: number, biasFloats: number, what: Describe,
): void {
  const G = gateCount(cell);
  const Hp = paddedUnits(units);
  const packed = (rows: number, blocks: number) => checkedPackedBytes(instance.exports, rows, blocks * Hp, what);
  checkAddressSpace([
    packed(inputDim, G),
    ...cell.recurrentBlocks.map(([from, to]) => packed(units, to - from)),
    blockBytes([inputDim * G * units * 4, units * G * units * 4, biasFloats * 4], what),
  ], what, instance);
}

export function releasePackedWeights(weights: PackedRecurrentWeights): void {
  weights.instance.heap.release(weights.kernel);
  weights.instance.heap.release(weights.recurrent);
}

/** One direction of a run: a layer, or one copy of a Bidirectional. */
export interface RecurrentDirection {
  weights: PackedRecurrentWeights;
  activation: ActivationId;
  recurrentActivation: ActivationId;
  returnSequences: boolean;
  goBackwards: boolean;
  zeroOutputForMask: boolean;
  /** [h] or [h, c], each (B, H); null for zeros. */
  initialState: readonly Float32Array[] | null;
  /** Return the final states (they are computed anyway). */
  finalStates: boolean;
  /** Training only: Keras' recurrent_dropout masks of this direction. */
  recurrentDropout?: RecurrentDropout | null;
}

/** How two directions combine: written side by side ('concat'), merged in place, or both kept ('none'). */
export type DirectionMerge = 'concat' | 'sum' | 'mul' | 'ave' | 'none';

export interface RecurrentRun {
  /** x (B, T, D). */
  x: Float32Array;
  /** Training a Bidirectional whose copies drop their own inputs: the backward direction's x, same shape. */
  xBackward?: Float32Array;
  batch: number;
  timesteps: number;
  /** (B, T), nonzero = valid; null for none. */
  mask: Float32Array | null;
  /** One direction, or forward then backward (same cell, units and returnSequences). */
  directions: readonly RecurrentDirection[];
  merge: DirectionMerge;
  /** The calling layer's name, for messages. */
  layerName?: string;
}

export interface RecurrentRunResult {
  /** (B, T, W) with returnSequences else (B, W): one output, or two with merge 'none'. */
  outputs: Float32Array[];
  /** Per direction, its final states in Keras order, when asked for. */
  finalStates: Float32Array[][];
}

/** Runs every direction of `run` with one WebAssembly call; every buffer is released after. */
export function runRecurrent(run: RecurrentRun): RecurrentRunResult {
  const session = new KernelSession(run.directions[0].weights.instance);
  try {
    return startRecurrentRun(session, run, 0).finish();
  } finally {
    session.close();
  }
}

/** A run whose descriptor and buffers are written into a session and already computed. */
export interface StartedRecurrentRun {
  /** The descriptor's address (recurrent_backward reads it again). */
  readonly descriptor: number;
  readonly x: number;
  readonly mask: number;
  /** Per direction: its output pointer, batch and step strides (floats), and flags, as written. */
  readonly directions: readonly RunDirection[];
  /** Copies the results out. */
  finish(): RecurrentRunResult;
}

/**
 * Writes `run` into `session` and runs it; `tape` (recurrent_tape_bytes per direction, or 0)
 * records every step for the backward pass. `extraBytes` more are checked against the address
 * space with the run's own buffers (a caller's tape and backward buffers).
 */
export function startRecurrentRun(session: KernelSession, run: RecurrentRun, tape: number, descriptorWords = runDescriptorWords(run.directions.length), extraBytes = 0): StartedRecurrentRun {
  const [first] = run.directions;
  const instance = first.weights.instance;
  const { batch: B, timesteps: T } = run;
  const { cell, units: H, inputDim: D } = first.weights;
  const Hp = paddedUnits(H);
  const G = gateCount(cell);
  const twoSided = run.directions.length === 2;
  const concat = twoSided && run.merge === 'concat';
  const perStep = first.returnSequences ? T : 1;
  const directionFloats = B * perStep * H;
  const chunk = Math.max(1, Math.min(T, Math.max(MIN_CHUNK_STEPS, Math.floor(PROJECTION_CHUNK_FLOATS / (B * G * Hp)))));
  const scratchBytes = instance.exports.recurrent_scratch_bytes(cell.id, B, D, H, Hp, chunk);
  const stateBytes = B * H * 4;
  const stateCount = cell.states.length;
  const outputBytes = (concat ? 2 : run.directions.length) * directionFloats * 4;
  const dropoutBytes = run.directions.map((d) => (d.recurrentDropout ? recurrentDropoutBytes(instance.exports, G, B, T, H, Hp) : 0));
  checkAddressSpace(
    [run.x.length * 4, run.xBackward ? run.x.length * 4 : 0, run.mask ? run.mask.length * 4 : 0, scratchBytes, outputBytes, ...dropoutBytes,
      ...new Array<number>(run.directions.length * stateCount * 2).fill(stateBytes), descriptorWords * 4, extraBytes],
    () => `${run.layerName ? `${run.layerName}: ` : ''}${cell.kerasClass} on input ${formatShape([B, T, D])} with ${H} units${extraBytes ? ` (${extraBytes} bytes of them for training)` : ''}`,
    instance,
  );

  {
    const descriptor = session.alloc(descriptorWords * 4);
    const x = session.upload(run.x, B * T * D);
    const xBackward = run.xBackward ? session.upload(run.xBackward, B * T * D) : 0;
    const mask = run.mask ? session.upload(run.mask, B * T) : 0;
    const scratch = session.alloc(scratchBytes);
    const outputs = concat ? [session.alloc(outputBytes)] : run.directions.map(() => session.alloc(directionFloats * 4));
    const blocks: RunDirection[] = [];
    const finals: number[][] = [];
    run.directions.forEach((direction, d) => {
      const { weights } = direction;
      const start = direction.initialState;
      const final = direction.finalStates ? cell.states.map(() => session.alloc(stateBytes)) : [];
      finals.push(final);
      const reversed = twoSided && d === 1 && direction.returnSequences;
      let flags = 0;
      if (direction.returnSequences) flags |= FLAG.RETURN_SEQUENCES;
      if (direction.goBackwards) flags |= FLAG.GO_BACKWARDS;
      if (direction.zeroOutputForMask) flags |= FLAG.ZERO_OUTPUT_FOR_MASK;
      if (reversed) flags |= FLAG.OUT_REVERSED;
      const width = concat ? 2 * H : H;
      const dropout = direction.recurrentDropout ? recurrentDropoutBuffers(session, direction.recurrentDropout, B, T, H, Hp) : null;
      blocks.push({
        cell: weights.cell.id, H, Hp,
        act: direction.activation, ract: direction.recurrentActivation, flags,
        kernel: weights.kernel, recurrent: dropout?.recurrent ?? weights.recurrent, dropout: dropout?.block ?? 0,
        h0: start ? session.upload(start[0], B * H) : 0,
        c0: start && start.length > 1 ? session.upload(start[1], B * H) : 0,
        // Concat: both directions write straight into their half of each output row.
        out: concat ? outputs[0] + d * H * 4 : outputs[d],
        outBatchStride: perStep * width,
        outStepStride: width,
        hOut: final[0] ?? 0,
        cOut: final[1] ?? 0,
      });
    });
    const mergeId = twoSided && run.merge in MergeId ? MergeId[run.merge as keyof typeof MergeId] : -1;
    writeRunDescriptor(new Int32Array(instance.heap.buffer, descriptor, runDescriptorWords(blocks.length)), {
      merge: mergeId, mergeFloats: directionFloats, B, T, D, x, xBackward, mask, chunk, scratch, tape,
    }, blocks);
    trapsAsErrors(() => instance.exports.recurrent_run(descriptor));
    const kept = mergeId >= 0 ? outputs.slice(0, 1) : outputs;
    return {
      descriptor, x, mask, directions: blocks,
      finish: () => ({
        outputs: kept.map((ptr) => session.download(ptr, concat ? 2 * directionFloats : directionFloats)),
        finalStates: finals.map((ptrs) => ptrs.map((ptr) => session.download(ptr, B * H))),
      }),
    };
  }
}

/**
 * Refuses, before anything is allocated, buffers that cannot fit WebAssembly's 4 GiB address space
 * together beside what the instance's heap already holds; every count must be an exact size.
 */
export function checkAddressSpace(byteCounts: readonly number[], what: Describe, instance: KernelInstance): void {
  checkFits(blockBytes(byteCounts, what), instance.heap.allocatedBytes, what);
}
