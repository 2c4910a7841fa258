// Host side of training a recurrent run: the forward pass in training mode
// records a tape in WebAssembly memory, then one recurrent_backward call per
// run backpropagates through time for every direction. The tape (and every
// buffer of the step) belongs to one session, released by `release()`, so
// repeated training steps of the same shapes reuse the same bytes.
import { RuntimeError, formatShape } from '../errors.js';
import { gateCount } from './cells.js';
import { checkAddressSpace, paddedUnits, startRecurrentRun, type RecurrentRun, type RecurrentRunResult, type StartedRecurrentRun } from './recurrent.js';
import { trainingDescriptorWords, writeBackwardBlocks, type BackwardDirection } from './run-descriptor.js';
import { KernelSession } from './session.js';

export interface RecurrentOutputGradients {
  /** d loss / d each of the run's outputs, shaped as they are. */
  readonly outputs: readonly Float32Array[];
  /** Per direction, d loss / d its final states in Keras order ((B, H) each), or null for none. */
  readonly finalStates?: readonly (readonly (Float32Array | null)[] | null)[];
  /** False when nothing uses d loss / d x (x is a model input): dX = dPre·Wᵀ is then not computed. Default true. */
  readonly inputGradient?: boolean;
}

export interface RecurrentDirectionGradients {
  /** (D, G*H) */
  readonly kernel: Float32Array;
  /** (H, G*H) */
  readonly recurrentKernel: Float32Array;
  /** (G*H), or (2, G*H) for a cell with a recurrent bias row; meaningless for a layer without bias. */
  readonly bias: Float32Array;
  /** d loss / d initial states in Keras order, (B, H) each. */
  readonly initialState: Float32Array[];
}

export interface RecurrentGradients {
  /** d loss / d x, (B, T, D), summed over the directions (with xBackward: direction 0's alone); null when not asked for. */
  readonly x: Float32Array | null;
  /** With the run's xBackward (and x asked for): d loss / d xBackward; else null. */
  readonly xBackward: Float32Array | null;
  readonly directions: RecurrentDirectionGradients[];
}

/** A forward pass in training mode: its results, and the tape its backward pass reads. */
export interface RecurrentTape {
  readonly result: RecurrentRunResult;
  /** Backpropagates `gradients` through the recorded run, with the weights it ran on; callable once. */
  backward(gradients: RecurrentOutputGradients): RecurrentGradients;
  /** Returns every buffer of the step to the heap. */
  release(): void;
}

type ElementwiseMerge = 'sum' | 'mul' | 'ave';

/**
 * Runs `run` recording the tape. A merge other than concat is computed on the host (in float32,
 * as f32_merge does) so that both directions' outputs stay available for its gradient.
 */
export function runRecurrentTraining(run: RecurrentRun): RecurrentTape {
  const [first] = run.directions;
  const { instance, cell, units: H, inputDim: D } = first.weights;
  const { exports } = instance;
  const { batch: B, timesteps: T } = run;
  const Hp = paddedUnits(H);
  const Dp = paddedUnits(D);
  const directions = run.directions.length;
  const elementwise: ElementwiseMerge | null = directions === 2 && run.merge !== 'concat' && run.merge !== 'none' ? run.merge : null;

  const tapeBytes = exports.recurrent_tape_bytes(cell.id, B, T, Hp);
  const backwardBytes = backwardBufferBytes(run, Dp);
  checkAddressSpace([tapeBytes * directions, backwardBytes],
    () => `${cell.kerasClass} training on input ${formatShape([B, T, D])} with ${H} units (a tape of ${tapeBytes * directions} bytes and ${backwardBytes} bytes of backward buffers)`, instance);

  const session = new KernelSession(instance);
  try {
    const tape = session.alloc(tapeBytes * directions);
    const started = startRecurrentRun(session, elementwise ? { ...run, merge: 'none' } : run, tape,
      trainingDescriptorWords(directions), tapeBytes * directions + backwardBytes);
    const raw = started.finish();
    const result = elementwise ? { ...raw, outputs: [mergeOnHost(raw.outputs[0], raw.outputs[1], elementwise)] } : raw;
    let used = false;
    return {
      result,
      backward: (gradients) => {
        if (used) throw new RuntimeError('a recurrent training tape is backpropagated once; run the forward pass again');
        used = true;
        return backward(session, run, started, raw.outputs, elementwise, gradients);
      },
      release: () => session.close(),
    };
  } catch (error) {
    session.close();
    throw error;
  }
}

/** Bytes the backward pass allocates beyond the tape (exact up to 16-byte rounding per buffer). */
function backwardBufferBytes(run: RecurrentRun, Dp: number): number {
  const [first] = run.directions;
  const { instance, cell, units: H, inputDim: D } = first.weights;
  const { exports } = instance;
  const { batch: B, timesteps: T } = run;
  const Hp = paddedUnits(H);
  const GHp = gateCount(cell) * Hp;
  const directions = run.directions.length;
  const outputFloats = B * (first.returnSequences ? T : 1) * H * directions;
  const perDirection = exports.f32_packed_size(GHp, Dp) + exports.recurrent_transposed_floats(cell.id, Hp)
    + (D + H + 2) * GHp + 2 * B * H + 2 * B * H;
  // A direction with recurrent dropout transposes its U one gate at a time (a little more padding).
  const gateTransposes = run.directions.filter((d) => d.recurrentDropout).length * gateCount(cell) * exports.f32_packed_size(Hp, Hp);
  return exports.recurrent_backward_scratch_bytes(cell.id, B, T, Hp) + 4 * (B * T * Dp * (run.xBackward ? 2 : 1) + outputFloats + directions * perDirection + gateTransposes) + 64 * 16;
}

function mergeOnHost(a: Float32Array, b: Float32Array, mode: ElementwiseMerge): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    if (mode === 'sum') out[i] = a[i] + b[i];
    else if (mode === 'mul') out[i] = a[i] * b[i];
    else out[i] = Math.fround(a[i] + b[i]) / 2;
  }
  return out;
}

/** d loss / d each direction's own output, from the gradient of the merged output. */
function splitMergeGradient(gradient: Float32Array, outputs: readonly Float32Array[], mode: ElementwiseMerge): Float32Array[] {
  if (mode === 'sum') return [gradient, gradient];
  if (mode === 'ave') {
    const half = gradient.map((g) => g / 2);
    return [half, half];
  }
  return [gradient.map((g, i) => g * outputs[1][i]), gradient.map((g, i) => g * outputs[0][i])];
}

function backward(
  session: KernelSession, run: RecurrentRun, started: StartedRecurrentRun, rawOutputs: readonly Float32Array[],
  elementwise: ElementwiseMerge | null, gradients: RecurrentOutputGradients,
): RecurrentGradients {
  const [first] = run.directions;
  const { instance, cell, units: H, inputDim: D } = first.weights;
  const { exports, heap } = instance;
  const { batch: B, timesteps: T } = run;
  const Hp = paddedUnits(H);
  const Dp = paddedUnits(D);
  const G = gateCount(cell);
  const GHp = G * Hp;
  const directions = run.directions.length;

  const outputGradients = elementwise ? splitMergeGradient(gradients.outputs[0], rawOutputs, elementwise) : gradients.outputs;
  // One gradient buffer per output buffer of the forward run (concat: one for both directions).
  const dOutBuffers = outputGradients.map((g) => session.upload(g, g.length));
  const inputGradient = gradients.inputGradient !== false;
  const dX = inputGradient ? session.alloc(B * T * Dp * 4) : 0;
  const dXBackward = inputGradient && run.xBackward ? session.alloc(B * T * Dp * 4) : 0;
  const scratch = session.alloc(exports.recurrent_backward_scratch_bytes(cell.id, B, T, Hp));
  const blocks: BackwardDirection[] = [];
  const results: { dKernel: number; dRecurrent: number; dBias: number; dH0: number; dC0: number }[] = [];
  run.directions.forEach((direction, d) => {
    // The transposes of the weights the forward pass ran on, from their packed copies.
    const packed = direction.weights;
    const kernelT = session.alloc(exports.f32_packed_size(GHp, Dp) * 4);
    exports.f32_packed_transpose(kernelT, packed.kernel, D, GHp);
    // With recurrent dropout the forward pass ran on U packed one gate at a time.
    const recurrentBlocks = direction.recurrentDropout ? Array.from({ length: G }, (_, g) => [g, g + 1] as const) : cell.recurrentBlocks;
    const recurrentT = session.alloc(recurrentBlocks.reduce((sum, [first, last]) => sum + exports.f32_packed_size((last - first) * Hp, Hp), 0) * 4);
    let at = recurrentT;
    let from = started.directions[d].recurrent;
    for (const [first, last] of recurrentBlocks) {
      exports.f32_packed_transpose(at, from, H, (last - first) * Hp);
      at += exports.f32_packed_size((last - first) * Hp, Hp) * 4;
      from += exports.f32_packed_size(H, (last - first) * Hp) * 4;
    }
    const finals = gradients.finalStates?.[d] ?? null;
    const concatShared = dOutBuffers.length === 1 && directions === 2 && !elementwise;
    const dOut = concatShared ? dOutBuffers[0] + d * H * 4 : dOutBuffers[d];
    const r = {
      dKernel: session.alloc(D * GHp * 4),
      dRecurrent: session.alloc(H * GHp * 4),
      dBias: session.alloc(2 * GHp * 4),
      dH0: session.alloc(B * H * 4),
      dC0: cell.states.length > 1 ? session.alloc(B * H * 4) : 0,
    };
    results.push(r);
    blocks.push({
      dOut,
      dHOut: finals?.[0] ? session.upload(finals[0], finals[0].length) : 0,
      dCOut: finals?.[1] ? session.upload(finals[1], finals[1].length) : 0,
      kernelT, recurrentT, dX: d === 1 && dXBackward ? dXBackward : dX, Dp, ...r, scratch, accumulateDx: d > 0 && !dXBackward,
    });
  });
  const words = trainingDescriptorWords(directions);
  writeBackwardBlocks(new Int32Array(heap.buffer, started.descriptor, words), blocks);
  exports.recurrent_backward(started.descriptor);

  const unpad = (ptr: number, rows: number, blocksPerRow: number) => {
    const padded = session.download(ptr, rows * blocksPerRow * Hp);
    if (Hp === H) return padded;
    const out = new Float32Array(rows * blocksPerRow * H);
    for (let r = 0; r < rows; r++) {
      for (let g = 0; g < blocksPerRow; g++) {
        out.set(padded.subarray((r * blocksPerRow + g) * Hp, (r * blocksPerRow + g) * Hp + H), (r * blocksPerRow + g) * H);
      }
    }
    return out;
  };
  const unpadInput = (ptr: number) => {
    const padded = session.download(ptr, B * T * Dp);
    if (Dp === D) return padded;
    const out = new Float32Array(B * T * D);
    for (let r = 0; r < B * T; r++) out.set(padded.subarray(r * Dp, r * Dp + D), r * D);
    return out;
  };
  return {
    x: dX ? unpadInput(dX) : null,
    xBackward: dXBackward ? unpadInput(dXBackward) : null,
    directions: results.map((r) => ({
      kernel: unpad(r.dKernel, D, G),
      recurrentKernel: unpad(r.dRecurrent, H, G),
      bias: unpad(r.dBias, cell.recurrentBiasRow === null ? 1 : 2, G),
      initialState: [session.download(r.dH0, B * H), ...(r.dC0 ? [session.download(r.dC0, B * H)] : [])],
    })),
  };
}
