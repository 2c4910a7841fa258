// Host side of convolution and pooling (assembly/conv.ts): the geometry block,
// weights packed once per layer, then one kernel call per run. Every byte count
// is worked out here, before anything is allocated.
import { RuntimeError } from '../errors.js';
import type { DenseOutput } from './dense.js';
import type { KernelInstance } from './instance.js';
import { checkAddressSpace, paddedUnits } from './recurrent.js';
import { withKernelSession, type KernelSession } from './session.js';
import { blockBytes, checkFits, floatBytes, packedMatrixBytes, type Describe } from './sizes.js';

/** Three spatial extents, D, H, W; a 1-D layer is [1, 1, W], a 2-D one [1, H, W]. */
export type Extents3 = readonly [number, number, number];

/** What assembly/conv.ts reads from its geometry block (CONV_* words). */
export interface ConvGeometry {
  /** Samples of the call (the batch, times the time steps under TimeDistributed). */
  readonly samples: number;
  readonly input: Extents3;
  readonly channels: number;
  readonly output: Extents3;
  /** Output channels; for pooling the input channels. */
  readonly filters: number;
  readonly groups: number;
  /** Kernel or pool window extents. */
  readonly kernel: Extents3;
  readonly strides: Extents3;
  readonly dilations: Extents3;
  /** Padding before each axis (front, top, left), by TensorFlow's rules. */
  readonly padBefore: Extents3;
}

/** Word offsets of the geometry block (assembly/conv.ts CONV_*); test/kernels-abi.test.ts compares them. */
export const CONV = {
  N: 0, IN: 1, CHANNELS: 4, OUT: 5, FILTERS: 8, GROUPS: 9, KERNEL: 10, STRIDES: 13, DILATIONS: 16, PAD: 19, WORDS: 22,
} as const;

/** assembly/conv.ts POOL_*. */
export const PoolMode = { max: 0, average: 1 } as const;
export type PoolMode = (typeof PoolMode)[keyof typeof PoolMode];

/** Most floats of im2col rows the kernel builds at once (assembly/conv.ts CONV_COLS_FLOATS). */
const CONV_COLS_FLOATS = 65536;
/** Most floats of A the GEMM packs at once (assembly/gemm.ts PACKED_A_FLOATS). */
const PACKED_A_FLOATS = 16384;
/** Least packing buffer the GEMM takes (assembly/gemm.ts PACK_MIN_BYTES). */
const PACK_MIN_BYTES = 128;

const product3 = (e: Extents3): number => e[0] * e[1] * e[2];

/** Rows of one group's im2col matrix: kD*kH*kW*(C/groups). */
function depth(g: ConvGeometry): number {
  return product3(g.kernel) * (g.channels / g.groups);
}

/** Output rows of a call: samples times output positions. */
export function outputRows(g: ConvGeometry): number {
  return g.samples * product3(g.output);
}

/** assembly/conv.ts is_direct_1d: a Conv1D product without dilation or groups reads the padded sample in place. */
function isDirect1d(g: ConvGeometry): boolean {
  return g.input[0] === 1 && g.input[1] === 1 && g.kernel[0] === 1 && g.kernel[1] === 1 && g.dilations[2] === 1 && g.groups === 1;
}

/** Bytes of scratch conv_forward needs (assembly/conv.ts conv_scratch_bytes, checked against it in the tests). */
export function convScratchBytes(g: ConvGeometry, what: Describe): number {
  const K = depth(g);
  const chunk = Math.min(outputRows(g), Math.max(4, Math.floor(CONV_COLS_FLOATS / Math.max(K, 1)) & ~3));
  const Fgp = paddedUnits(g.filters / g.groups);
  const paddedWidth = Math.max(g.input[2] + g.padBefore[2], (g.output[2] - 1) * g.strides[2] + g.kernel[2]);
  const padded = isDirect1d(g) ? floatBytes([paddedWidth, g.channels], what) : 0;
  return blockBytes([floatBytes([chunk, K], what), floatBytes([chunk, Fgp], what), Math.max(PACK_MIN_BYTES, Math.min(PACKED_A_FLOATS, chunk * K) * 4), padded], what);
}

/** Bytes of a layer's packed weights: one packed (K, round4(F/groups)) matrix per group. */
export function convPackedBytes(g: Pick<ConvGeometry, 'kernel' | 'channels' | 'filters' | 'groups'>, what: Describe): number {
  const one = packedMatrixBytes(product3(g.kernel) * (g.channels / g.groups), paddedUnits(g.filters / g.groups), what);
  return floatBytes([g.groups, one / 4], what);
}

/** What packing a layer's weights holds at once: the packed matrices and the staged kernel and bias. */
export function convWeightBytes(g: Pick<ConvGeometry, 'kernel' | 'channels' | 'filters' | 'groups'>, what: Describe): number {
  const kernel = floatBytes([...g.kernel, g.channels / g.groups, g.filters], what);
  return blockBytes([convPackedBytes(g, what), kernel + g.filters * 4, CONV.WORDS * 4], what);
}

export interface PackedConvWeights {
  readonly instance: KernelInstance;
  readonly kernel: Extents3;
  readonly channels: number;
  readonly filters: number;
  readonly groups: number;
  readonly packed: number;
}

/** Packs a Keras kernel (kD, kH, kW, C/groups, F) row-major and bias (F) or null. */
export function packConvWeights(
  instance: KernelInstance, shape: Pick<ConvGeometry, 'kernel' | 'channels' | 'filters' | 'groups'>, kernel: Float32Array, bias: Float32Array | null, what: Describe,
): PackedConvWeights {
  const { exports, heap } = instance;
  checkFits(convWeightBytes(shape, what), heap.allocatedBytes, what);
  const geometry: ConvGeometry = {
    samples: 0, input: [1, 1, 1], channels: shape.channels, output: [1, 1, 1], filters: shape.filters, groups: shape.groups,
    kernel: shape.kernel, strides: [1, 1, 1], dilations: [1, 1, 1], padBefore: [0, 0, 0],
  };
  const bytes = convPackedBytes(shape, what);
  const packed = heap.alloc(bytes);
  try {
    withKernelSession(instance, (session) => {
      const geom = writeGeometry(session, geometry);
      if (exports.conv_packed_floats(geom) * 4 !== bytes) {
        throw new RuntimeError(`wasm-rnn: the kernel counts ${exports.conv_packed_floats(geom) * 4} packed convolution bytes, src/kernels ${bytes}`);
      }
      const kernelPtr = session.upload(kernel, kernel.length);
      const biasPtr = bias ? session.upload(bias, shape.filters) : 0;
      exports.conv_pack_weights(packed, kernelPtr, biasPtr, geom);
    });
  } catch (error) {
    heap.release(packed);
    throw error;
  }
  return { instance, kernel: shape.kernel, channels: shape.channels, filters: shape.filters, groups: shape.groups, packed };
}

export function releaseConvWeights(weights: PackedConvWeights): void {
  weights.instance.heap.release(weights.packed);
}

/** Writes the geometry block into a session buffer and returns its address. */
export function writeGeometry(session: KernelSession, g: ConvGeometry): number {
  const ptr = session.alloc(CONV.WORDS * 4);
  fillGeometry(new Int32Array(session.exports.memory.buffer, ptr, CONV.WORDS), g);
  return ptr;
}

/** The geometry block's CONV.WORDS words (a stream keeps its own copy). */
export function fillGeometry(words: Int32Array, g: ConvGeometry): void {
  words[CONV.N] = g.samples;
  words.set(g.input, CONV.IN);
  words[CONV.CHANNELS] = g.channels;
  words.set(g.output, CONV.OUT);
  words[CONV.FILTERS] = g.filters;
  words[CONV.GROUPS] = g.groups;
  words.set(g.kernel, CONV.KERNEL);
  words.set(g.strides, CONV.STRIDES);
  words.set(g.dilations, CONV.DILATIONS);
  words.set(g.padBefore, CONV.PAD);
}

/** out (samples, ...output, F) = act(x ⋆ kernel + bias); x (samples, ...input, C) row-major. */
export function runConv(weights: PackedConvWeights, x: Float32Array, g: ConvGeometry, output: DenseOutput, what: Describe): Float32Array {
  const { instance } = weights;
  const inputBytes = floatBytes([g.samples, product3(g.input), g.channels], what);
  const outputBytes = floatBytes([outputRows(g), g.filters], what);
  const scratch = convScratchBytes(g, what);
  checkAddressSpace([inputBytes, outputBytes, scratch, CONV.WORDS * 4], what, instance);
  const rows = outputRows(g);
  return withKernelSession(instance, (session) => {
    const { exports } = session;
    const input = session.upload(x, inputBytes / 4);
    const out = session.alloc(outputBytes);
    const work = session.alloc(scratch);
    const geom = writeGeometry(session, g);
    exports.conv_forward(geom, input, weights.packed, out, g.filters, 0, work);
    if (output === 'softmax') exports.f32_softmax_rows(out, rows, g.filters, g.filters);
    else exports.f32_vactivate(out, out, rows * g.filters, output.elementwise);
    return session.download(out, rows * g.filters);
  });
}

/** out (samples, ...output, C) = the max or mean over each window of x (samples, ...input, C). */
export function runPool(instance: KernelInstance, x: Float32Array, g: ConvGeometry, mode: PoolMode, what: Describe): Float32Array {
  const inputBytes = floatBytes([g.samples, product3(g.input), g.channels], what);
  const outputBytes = floatBytes([outputRows(g), g.channels], what);
  checkAddressSpace([inputBytes, outputBytes, CONV.WORDS * 4], what, instance);
  return withKernelSession(instance, (session) => {
    const input = session.upload(x, inputBytes / 4);
    const out = session.alloc(outputBytes);
    const geom = writeGeometry(session, g);
    session.exports.pool_forward(geom, input, out, mode);
    return session.download(out, outputBytes / 4);
  });
}

/** The kernel's own scratch count for a geometry, for tests that hold convScratchBytes to it. */
export function kernelConvScratchBytes(instance: KernelInstance, g: ConvGeometry): number {
  return withKernelSession(instance, (session) => session.exports.conv_scratch_bytes(writeGeometry(session, g)));
}
