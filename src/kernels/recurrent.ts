// Host side of the recurrent kernels: packing weights once into the
// microkernel layout, and running a whole sequence with one call.
import { CellId, type ActivationId } from './ids.js';
import { kernelRuntime } from './module.js';
import type { KernelSession } from './session.js';

/**
 * Floats of input projection kept per time chunk (1 MiB): memory does not grow with T, and each
 * chunk gives the projection GEMM enough rows per batch entry (at least MIN_CHUNK_STEPS) to use
 * its 4-row kernel.
 */
const PROJECTION_CHUNK_FLOATS = 1 << 18;
const MIN_CHUNK_STEPS = 8;

export function gateCount(cell: CellId): number {
  return cell === CellId.lstm ? 4 : cell === CellId.simpleRnn ? 1 : 3;
}

/** H rounded up to whole f32x4 vectors: every gate block starts on a vector. */
export function paddedUnits(units: number): number {
  return Math.ceil(units / 4) * 4;
}

/** Packed weights living in the module's memory for the lifetime of a layer. */
export interface PackedRecurrentWeights {
  readonly cell: CellId;
  readonly inputDim: number;
  readonly units: number;
  readonly kernel: number;
  readonly recurrent: number;
  /** reset_before GRU: U_h packed apart, because it multiplies r*h, not h. */
  readonly recurrentCandidate: number;
}

/**
 * kernel (D, G*H), recurrentKernel (H, G*H) and bias in Keras layout:
 * (G*H), or (2, G*H) for a reset_after GRU (input row, then recurrent row), or null.
 */
export function packRecurrentWeights(
  cell: CellId, inputDim: number, units: number,
  kernel: Float32Array, recurrentKernel: Float32Array, bias: Float32Array | null,
): PackedRecurrentWeights {
  const { exports, heap } = kernelRuntime();
  const G = gateCount(cell);
  const H = units;
  const Hp = paddedUnits(H);
  const packedBytes = (rows: number, cols: number) => exports.f32_packed_size(rows, cols) * 4;
  const owned: number[] = [];
  const take = (bytes: number) => {
    const ptr = heap.alloc(bytes);
    owned.push(ptr);
    return ptr;
  };
  try {
    // Packed buffers first, staging last, so releasing staging returns it to the top of the heap.
    const packedKernel = take(packedBytes(inputDim, G * Hp));
    const resetBefore = cell === CellId.gruResetBefore;
    const packedRecurrent = take(packedBytes(H, (resetBefore ? 2 : G) * Hp));
    const packedCandidate = resetBefore ? take(packedBytes(H, Hp)) : 0;
    const staging = heap.alloc(kernel.byteLength + recurrentKernel.byteLength + (bias?.byteLength ?? 0));
    try {
      heap.f32(staging, kernel.length).set(kernel);
      const recurrentSrc = staging + kernel.byteLength;
      heap.f32(recurrentSrc, recurrentKernel.length).set(recurrentKernel);
      const biasSrc = bias ? recurrentSrc + recurrentKernel.byteLength : 0;
      if (bias) heap.f32(biasSrc, bias.length).set(bias);

      exports.f32_pack_gate_panels(packedKernel, staging, G * H, biasSrc, inputDim, G, H, Hp);
      if (resetBefore) {
        exports.f32_pack_gate_panels(packedRecurrent, recurrentSrc, G * H, 0, H, 2, H, Hp);
        exports.f32_pack_gate_panels(packedCandidate, recurrentSrc + 2 * H * 4, G * H, 0, H, 1, H, Hp);
      } else {
        const recurrentBias = cell === CellId.gruResetAfter && bias ? biasSrc + G * H * 4 : 0;
        exports.f32_pack_gate_panels(packedRecurrent, recurrentSrc, G * H, recurrentBias, H, G, H, Hp);
      }
    } finally {
      heap.release(staging);
    }
    return { cell, inputDim, units, kernel: packedKernel, recurrent: packedRecurrent, recurrentCandidate: packedCandidate };
  } catch (error) {
    for (const ptr of owned) heap.release(ptr);
    throw error;
  }
}

export function releasePackedWeights(weights: PackedRecurrentWeights): void {
  const { heap } = kernelRuntime();
  heap.release(weights.kernel);
  heap.release(weights.recurrent);
  if (weights.recurrentCandidate) heap.release(weights.recurrentCandidate);
}

/** Where one direction writes its outputs inside a shared buffer (all in floats). */
export interface OutputPlacement {
  ptr: number;
  batchStride: number;
  stepStride: number;
  /** Write processing step s at time slot T-1-s (Bidirectional's backward copy). */
  reversed: boolean;
}

export interface SequenceRun {
  weights: PackedRecurrentWeights;
  activation: ActivationId;
  recurrentActivation: ActivationId;
  batch: number;
  timesteps: number;
  x: number;
  mask: number;
  initialH: number;
  initialC: number;
  output: OutputPlacement;
  finalH: number;
  finalC: number;
  returnSequences: boolean;
  goBackwards: boolean;
  zeroOutputForMask: boolean;
}

/** One WebAssembly call for the whole sequence; scratch comes from `session`. */
export function runRecurrentSequence(session: KernelSession, run: SequenceRun): void {
  const { exports } = session;
  const { weights } = run;
  const Hp = paddedUnits(weights.units);
  const rowFloats = run.batch * gateCount(weights.cell) * Hp;
  const chunk = Math.min(run.timesteps, Math.max(MIN_CHUNK_STEPS, Math.floor(PROJECTION_CHUNK_FLOATS / rowFloats)));
  const scratch = session.alloc(exports.recurrent_scratch_bytes(weights.cell, run.batch, Hp, chunk));
  exports.recurrent_sequence(
    weights.cell,
    run.output.ptr, run.output.batchStride, run.output.stepStride, run.output.reversed ? 1 : 0,
    run.finalH, run.finalC,
    run.x, run.mask, run.initialH, run.initialC,
    weights.kernel, weights.recurrent, weights.recurrentCandidate,
    run.batch, run.timesteps, weights.inputDim, weights.units, Hp, chunk,
    run.activation, run.recurrentActivation,
    run.returnSequences ? 1 : 0, run.goBackwards ? 1 : 0, run.zeroOutputForMask ? 1 : 0,
    scratch,
  );
}
