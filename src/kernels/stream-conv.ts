// The convolutions, pooling and ConvLSTM steps of a stream program (src/kernels/stream-program.ts):
// per-frame convolutions on predict's kernels, and windows on the time axis, whose last `span`
// frames wait in a history and whose strides put what follows them on a clock of their own.
import { RuntimeError } from '../errors.js';
import { CONV, convScratchBytes, fillGeometry, outputRows, packConvWeights, releaseConvWeights, type ConvGeometry } from './conv.js';
import { CONV_LSTM_WORDS, convLstmGeometries, convLstmRunWords, packConvLstmWeights, releaseConvLstmWeights } from './conv-lstm.js';
import type { DenseOutput } from './dense.js';
import { ActivationId } from './ids.js';
import { paddedUnits } from './recurrent.js';
import { STREAM_OP, type StreamClock, type StreamProgramBuilder, type StreamValue } from './stream-program.js';

/** A geometry block of the stream's own. */
function geometryBlock(builder: StreamProgramBuilder, g: ConvGeometry): number {
  const ptr = builder.alloc(CONV.WORDS * 4);
  fillGeometry(new Int32Array(builder.instance.heap.buffer, ptr, CONV.WORDS), g);
  return ptr;
}

/**
 * A convolution of each row's frame (one sample per row; `g` for one sample): predict's
 * conv_forward and activation, on the stream's own packing of the Keras kernel and bias.
 */
export function streamConv(builder: StreamProgramBuilder, x: StreamValue, g: ConvGeometry, kernel: Float32Array, bias: Float32Array | null, activation: DenseOutput): StreamValue {
  const geometry: ConvGeometry = { ...g, samples: builder.batch };
  const perRow = (e: readonly number[]) => e[0] * e[1] * e[2];
  if (x.width !== perRow(g.input) * g.channels) throw new RuntimeError(`stream: a convolution of ${perRow(g.input) * g.channels} values per frame was given ${x.width}`);
  const what = () => `stream: a convolution of ${g.channels} channels and ${g.filters} filters`;
  const packed = packConvWeights(builder.instance, geometry, kernel, bias, what);
  builder.memory.release.push(() => releaseConvWeights(packed));
  const output = builder.value(perRow(g.output) * g.filters);
  const scratch = builder.alloc(convScratchBytes(geometry, what));
  const act = activation === 'softmax' ? -1 : activation.elementwise;
  builder.push([STREAM_OP.CONV, geometryBlock(builder, geometry), x.ptr, packed.packed, output.ptr, g.filters, scratch, act]);
  return output;
}

/** Max or average pooling (assembly/conv.ts POOL_*) of each row's frame; `g` for one sample. */
export function streamPool(builder: StreamProgramBuilder, x: StreamValue, g: ConvGeometry, mode: number): StreamValue {
  const geometry: ConvGeometry = { ...g, samples: builder.batch };
  const output = builder.value(outputRows({ ...g, samples: 1 }) * g.channels);
  builder.push([STREAM_OP.POOL, geometryBlock(builder, geometry), x.ptr, output.ptr, mode]);
  return output;
}

/**
 * One step of a ConvLSTM on each row's frame: conv_lstm_run with T = 1 from and into the
 * stream's states h and c (B*P, F each). `frame` is the input convolution of one frame.
 */
export function streamConvLstm(
  builder: StreamProgramBuilder, x: StreamValue, frame: ConvGeometry, filters: number,
  weights: readonly [Float32Array, Float32Array, Float32Array | null], activation: number, recurrentActivation: number,
): { output: StreamValue; states: StreamValue[] } {
  const B = builder.batch;
  const F = filters;
  const Fp = paddedUnits(F);
  const what = () => `stream: a ConvLSTM of ${frame.channels} channels and ${F} filters`;
  const packed = packConvLstmWeights(builder.instance, frame.kernel, frame.channels, F, weights[0], weights[1], weights[2], what);
  builder.memory.release.push(() => releaseConvLstmWeights(packed));
  const { input, recurrent } = convLstmGeometries(frame, B, 1, F);
  const P = outputRows({ ...frame, samples: 1 });
  const h = builder.value(P * F);
  const c = builder.value(P * F);
  for (const state of [h, c]) builder.states.push({ ptr: state.ptr, floats: B * P * F });
  const output = builder.value(P * F);
  const descriptor = builder.alloc(CONV_LSTM_WORDS * 4);
  const words = convLstmRunWords({
    B, T: 1, F, Fp, act: activation, ract: recurrentActivation, flags: 0, x: x.ptr,
    inputGeometry: geometryBlock(builder, input), kernel: packed.input.packed, recurrentGeometry: geometryBlock(builder, recurrent), recurrent: packed.recurrent.packed,
    // The run copies the starting states into its scratch first and the final ones out last.
    h0: h.ptr, c0: c.ptr, out: output.ptr, hOut: h.ptr, cOut: c.ptr,
    pre: builder.alloc(B * P * 4 * Fp * 4), step: builder.alloc(B * P * 4 * Fp * 4), h: builder.alloc(B * P * Fp * 4), c: builder.alloc(B * P * Fp * 4),
    convScratch: builder.alloc(Math.max(convScratchBytes(input, what), convScratchBytes(recurrent, what))),
  });
  new Int32Array(builder.instance.heap.buffer, descriptor, CONV_LSTM_WORDS).set(words);
  builder.push([STREAM_OP.CONV_LSTM, descriptor]);
  return { output, states: [h, c] };
}

/**
 * A window of `span` frames on the time axis, `strides` apart, after `lead` frames of zero padding
 * (span - 1 for 'causal', 0 for 'valid'). Output i covers padded frames i*strides .. i*strides+span-1,
 * so on the input's clock (f, p) it fires at its input count m = span - lead, then every `strides`:
 * at the frames f + (span - lead - 1) p, then every strides * p.
 */
export function windowClock(input: StreamClock, span: number, strides: number, lead: number): StreamClock {
  const first = input.first + (span - lead - 1) * input.period;
  const period = strides * input.period;
  if (!(first <= 0x7fffffff && period <= 0x7fffffff)) {
    throw new RuntimeError(`stream: a window fires first at frame ${first} and then every ${period} frames, beyond a stream's 2^31 - 1`);
  }
  return { first, period };
}

/**
 * The last `span` frames of x (B rows of span * C floats, oldest first), shifted in on x's clock:
 * zero before frames arrive (a causal padding, or what a 'valid' window never reads). Then the
 * builder's clock moves to the window's (windowClock), for the ops on the window.
 */
export function windowHistory(builder: StreamProgramBuilder, x: StreamValue, span: number, strides: number, lead: number): StreamValue {
  const B = builder.batch;
  const C = x.width;
  const clock = windowClock(builder.clock, span, strides, lead);
  const width = span * C;
  const history = { ptr: builder.alloc(B * width * 4), width };
  builder.histories.push({ ptr: history.ptr, floats: B * width });
  if (span > 1) builder.push([STREAM_OP.COPY_ROWS, history.ptr, width, history.ptr + C * 4, width, B, (span - 1) * C]);
  builder.push([STREAM_OP.COPY_ROWS, history.ptr + (span - 1) * C * 4, width, x.ptr, C, B, C]);
  builder.clock = clock;
  return history;
}

/**
 * A Conv1D of a window history (B rows of span = (kernelSize - 1) * dilation + 1 frames of C
 * channels): each group's window, gathered from it as predict's im2col row, goes through the
 * group's columns of the Keras kernel (kernelSize, C / groups, filters) as a Dense: the GEMM and
 * packing conv_forward runs.
 */
export function windowConv1d(
  builder: StreamProgramBuilder, history: StreamValue, C: number, kernelSize: number, dilation: number, groups: number, filters: number,
  kernel: Float32Array, bias: Float32Array | null, activation: DenseOutput,
): StreamValue {
  const B = builder.batch;
  const span = (kernelSize - 1) * dilation + 1;
  if (history.width !== span * C) throw new RuntimeError(`stream: a Conv1D window of ${span} frames of ${C} channels was given ${history.width} values`);
  const Cg = C / groups;
  const Fg = filters / groups;
  const K = kernelSize * Cg;
  if (groups === 1 && dilation === 1) return builder.dense(K, filters, kernel, bias, activation, history);
  // predict's softmax runs over all filters of a row, every group's together, after the product.
  const grouped = groups > 1 && activation === 'softmax';
  const groupActivation: DenseOutput = grouped ? { elementwise: ActivationId.linear } : activation;
  const outputs: StreamValue[] = [];
  for (let g = 0; g < groups; g++) {
    const window = builder.value(K);
    for (let k = 0; k < kernelSize; k++) {
      builder.push([STREAM_OP.COPY_ROWS, window.ptr + k * Cg * 4, K, history.ptr + (k * dilation * C + g * Cg) * 4, span * C, B, Cg]);
    }
    const groupKernel = groups === 1 ? kernel : new Float32Array(K * Fg).map((_, i) => kernel[Math.floor(i / Fg) * filters + g * Fg + (i % Fg)]);
    const groupBias = bias && groups > 1 ? bias.subarray(g * Fg, (g + 1) * Fg) : bias;
    outputs.push(builder.dense(K, Fg, groupKernel, groupBias, groupActivation, window));
  }
  if (groups === 1) return outputs[0];
  const joined = builder.concat(outputs);
  if (grouped) builder.push([STREAM_OP.SOFTMAX, joined.ptr, B, filters]);
  return joined;
}
