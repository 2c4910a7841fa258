// Host side of ConvLSTM (assembly/conv_lstm.ts): the kernels are packed once per layer with every
// gate block padded to Fp columns, then a whole sequence is one conv_lstm_run call. Every byte
// count is worked out here, before anything is allocated.
import { CONV, convScratchBytes, outputRows, packConvWeights, releaseConvWeights, writeGeometry, type ConvGeometry, type Extents3, type PackedConvWeights } from './conv.js';
import type { ActivationId } from './ids.js';
import type { KernelInstance } from './instance.js';
import { checkAddressSpace, paddedUnits } from './recurrent.js';
import { withKernelSession } from './session.js';
import { floatBytes, type Describe } from './sizes.js';

/** assembly/conv_lstm.ts CONV_LSTM_* flags. */
export const ConvLstmFlag = { returnSequences: 1, goBackwards: 2 } as const;

/** The run descriptor's words: the fields of assembly/conv_lstm.ts ConvLstmRun, in order (test/kernels-abi.test.ts checks the count). */
const RUN_FIELDS = [
  'B', 'T', 'F', 'Fp', 'act', 'ract', 'flags', 'x', 'inputGeometry', 'kernel', 'recurrentGeometry', 'recurrent',
  'h0', 'c0', 'out', 'hOut', 'cOut', 'pre', 'step', 'h', 'c', 'convScratch',
] as const;
export const CONV_LSTM_WORDS = RUN_FIELDS.length;
export type ConvLstmRunFields = Record<(typeof RUN_FIELDS)[number], number>;

export interface PackedConvLstmWeights {
  readonly input: PackedConvWeights;
  readonly recurrent: PackedConvWeights;
  readonly filters: number;
}

/** Spreads the 4 gate blocks of F columns (Keras' i, f, c, o) of a (rows, 4F) matrix to blocks of Fp columns; rows past `rows` stay zero. */
function padGates(matrix: Float32Array, rows: number, F: number, paddedRows: number): Float32Array {
  const Fp = paddedUnits(F);
  const out = new Float32Array(paddedRows * 4 * Fp);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < 4; g++) out.set(matrix.subarray(r * 4 * F + g * F, r * 4 * F + (g + 1) * F), r * 4 * Fp + g * Fp);
  }
  return out;
}

/**
 * Packs a Keras ConvLSTM kernel (...k, C, 4F), recurrent kernel (...k, F, 4F) and bias (4F) or null.
 * The recurrent kernel gets Fp input channels; the padding channels' rows are zero.
 */
export function packConvLstmWeights(
  instance: KernelInstance, kernelExtents: Extents3, channels: number, filters: number,
  kernel: Float32Array, recurrentKernel: Float32Array, bias: Float32Array | null, what: Describe,
): PackedConvLstmWeights {
  const taps = kernelExtents[0] * kernelExtents[1] * kernelExtents[2];
  const Fp = paddedUnits(filters);
  const F = filters;
  // Staged copies: the input kernel's rows are (tap, channel), the recurrent kernel's (tap, channel < Fp).
  floatBytes([taps, Math.max(channels, Fp), 4 * Fp], what);
  const recurrentRows = new Float32Array(taps * Fp * 4 * F);
  for (let tap = 0; tap < taps; tap++) recurrentRows.set(recurrentKernel.subarray(tap * F * 4 * F, (tap + 1) * F * 4 * F), tap * Fp * 4 * F);
  const input = packConvWeights(
    instance, { kernel: kernelExtents, channels, filters: 4 * Fp, groups: 1 },
    padGates(kernel, taps * channels, F, taps * channels), bias ? padGates(bias, 1, F, 1) : null, what,
  );
  try {
    const recurrent = packConvWeights(
      instance, { kernel: kernelExtents, channels: Fp, filters: 4 * Fp, groups: 1 },
      padGates(recurrentRows, taps * Fp, F, taps * Fp), null, what,
    );
    return { input, recurrent, filters };
  } catch (error) {
    releaseConvWeights(input);
    throw error;
  }
}

export function releaseConvLstmWeights(weights: PackedConvLstmWeights): void {
  releaseConvWeights(weights.input);
  releaseConvWeights(weights.recurrent);
}

export interface ConvLstmCall {
  readonly batch: number;
  readonly steps: number;
  /** The input convolution of one frame (samples ignored: the call covers batch * steps frames). */
  readonly frame: ConvGeometry;
  readonly activation: ActivationId;
  readonly recurrentActivation: ActivationId;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
  /** Initial states (batch, ...spatial', F) each, or null for zeros. */
  readonly initialState: readonly [Float32Array, Float32Array] | null;
}

export interface ConvLstmResult {
  output: Float32Array;
  h: Float32Array;
  c: Float32Array;
}

/** The input convolution over the B*T frames and the recurrent one over the B states ('same', stride 1), 4*Fp filters each. */
export function convLstmGeometries(frame: ConvGeometry, B: number, T: number, F: number): { input: ConvGeometry; recurrent: ConvGeometry } {
  const Fp = paddedUnits(F);
  return {
    input: { ...frame, samples: B * T, filters: 4 * Fp, groups: 1 },
    recurrent: {
      samples: B, input: frame.output, channels: Fp, output: frame.output, filters: 4 * Fp, groups: 1,
      kernel: frame.kernel, strides: [1, 1, 1], dilations: [1, 1, 1],
      // TensorFlow's 'same' at stride 1: (k - 1) / 2 before, the rest after.
      padBefore: frame.kernel.map((k) => Math.floor((k - 1) / 2)) as unknown as Extents3,
    },
  };
}

/** The run descriptor's words from its fields. */
export function convLstmRunWords(fields: ConvLstmRunFields): number[] {
  return RUN_FIELDS.map((field) => fields[field]);
}

/** Runs the whole sequence x (batch, steps, ...spatial, C) through one conv_lstm_run call. */
export function runConvLstm(weights: PackedConvLstmWeights, x: Float32Array, call: ConvLstmCall, what: Describe): ConvLstmResult {
  const { instance } = weights.input;
  const B = call.batch;
  const T = call.steps;
  const F = weights.filters;
  const Fp = paddedUnits(F);
  const { input, recurrent } = convLstmGeometries(call.frame, B, T, F);
  const P = outputRows(recurrent) / Math.max(B, 1);
  const xFloats = floatBytes([B * T, ...call.frame.input, call.frame.channels], what) / 4;
  const outputFloats = floatBytes([B, call.returnSequences ? T : 1, P, F], what) / 4;
  const stateFloats = floatBytes([B, P, F], what) / 4;
  const buffers = [
    xFloats * 4, outputFloats * 4, 2 * stateFloats * 4, 2 * stateFloats * 4,
    floatBytes([B * T, P, 4 * Fp], what), floatBytes([B, P, 4 * Fp], what), floatBytes([B, P, Fp], what), floatBytes([B, P, Fp], what),
    Math.max(convScratchBytes(input, what), convScratchBytes(recurrent, what)), 2 * CONV.WORDS * 4, CONV_LSTM_WORDS * 4,
  ];
  checkAddressSpace(buffers, what, instance);
  return withKernelSession(instance, (session) => {
    const { exports } = session;
    const fields: ConvLstmRunFields = {
      B, T, F, Fp, act: call.activation, ract: call.recurrentActivation,
      flags: (call.returnSequences ? ConvLstmFlag.returnSequences : 0) | (call.goBackwards ? ConvLstmFlag.goBackwards : 0),
      x: session.upload(x, xFloats),
      inputGeometry: writeGeometry(session, input),
      kernel: weights.input.packed,
      recurrentGeometry: writeGeometry(session, recurrent),
      recurrent: weights.recurrent.packed,
      h0: call.initialState ? session.upload(call.initialState[0], stateFloats) : 0,
      c0: call.initialState ? session.upload(call.initialState[1], stateFloats) : 0,
      out: session.alloc(outputFloats * 4),
      hOut: session.alloc(stateFloats * 4),
      cOut: session.alloc(stateFloats * 4),
      pre: session.alloc(buffers[4]),
      step: session.alloc(buffers[5]),
      h: session.alloc(buffers[6]),
      c: session.alloc(buffers[7]),
      convScratch: session.alloc(buffers[8]),
    };
    const descriptor = session.alloc(CONV_LSTM_WORDS * 4);
    new Int32Array(exports.memory.buffer, descriptor, CONV_LSTM_WORDS).set(convLstmRunWords(fields));
    exports.conv_lstm_run(descriptor);
    return {
      output: session.download(fields.out, outputFloats),
      h: session.download(fields.hOut, stateFloats),
      c: session.download(fields.cOut, stateFloats),
    };
  });
}
