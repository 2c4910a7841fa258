// The layers whose window on the time axis spans several frames or strides over them: Conv1D
// ('valid', or 'causal' with any strides) and MaxPooling1D / AveragePooling1D ('valid'). Output i
// of such a layer covers its input frames i*strides .. i*strides+span-1 (after the causal padding),
// so on a prefix predict has one more output only at some frames: the layer's clock. What is
// downstream of it runs on that clock alone, which is predict on the prefix, whose downstream
// sequence did not grow on the other frames; until the first output its values are zero.
import { ConfigError, quoted } from '../errors.js';
import { PoolMode } from '../kernels/conv.js';
import { EVERY_FRAME, sameClock, STREAM_OP, type StreamClock, type StreamProgramBuilder } from '../kernels/stream-program.js';
import { streamPool, windowConv1d, windowHistory } from '../kernels/stream-conv.js';
import { callGeometry } from '../layers/conv-geometry.js';
import { Conv1D } from '../layers/conv.js';
import type { Layer } from '../layers/layer.js';
import { AveragePooling1D, MaxPooling1D } from '../layers/pooling.js';
import type { FrameValue } from './stream-frame-layers.js';
import { convActivation } from './stream-sample-layers.js';

type TimeWindowLayer = Conv1D | MaxPooling1D | AveragePooling1D;

function windowOf(layer: TimeWindowLayer): { span: number; strides: number } {
  if (layer instanceof Conv1D) return { span: (layer.kernelSize[0] - 1) * layer.dilationRate[0] + 1, strides: layer.strides[0] };
  return { span: layer.poolSize[0], strides: layer.strides[0] };
}

/** Whether `layer` on x reads a window of several frames on the time axis, or strides over it (one step of stride 1 runs per frame). */
export function isTimeWindow(layer: Layer, x: FrameValue): layer is TimeWindowLayer {
  if (!x.sequence || !(layer instanceof Conv1D || layer instanceof MaxPooling1D || layer instanceof AveragePooling1D)) return false;
  const { span, strides } = windowOf(layer);
  return span !== 1 || strides !== 1;
}

/** The ops of a time window on x: its history on x's clock, then its output on the window's clock (left as the builder's clock). */
export function timeWindowOps(builder: StreamProgramBuilder, layer: TimeWindowLayer, x: FrameValue): FrameValue[] {
  const { span, strides } = windowOf(layer);
  if (layer.padding === 'same' && span > 1) {
    throw new ConfigError(`${layer.name}: ${layer.className} with padding 'same' and a window of ${span} steps on the time axis pads the end of the sequence, where frames are still to come, so each output depends on the future; it cannot stream (padding 'valid'${layer instanceof Conv1D ? " or 'causal'" : ''} can, with any window and strides)`);
  }
  if (x.frame.length !== 1) {
    throw new ConfigError(`${layer.name}: ${layer.className} takes inputs of rank 3, but a stream gives it frames of shape ${quoted(x.frame)}`);
  }
  const C = x.frame[0];
  // A window of one step with 'same' padding pads nothing, as 'valid'.
  const lead = layer.padding === 'causal' ? span - 1 : 0;
  const history = windowHistory(builder, x.value, span, strides, lead);
  // Keras' convolutions and pooling do not carry a mask on.
  const out = (value: FrameValue['value'], channels: number): FrameValue[] => [{ value, mask: 0, sequence: true, frame: [channels] }];
  if (layer instanceof Conv1D) {
    const [kernel, bias] = layer.getWeights();
    if (!kernel) throw new ConfigError(`${layer.name}: the layer has no weights; build the model or set its weights first`);
    const { fused, after } = convActivation(layer);
    const value = windowConv1d(builder, history, C, layer.kernelSize[0], layer.dilationRate[0], layer.groups, layer.filters, kernel.data, bias?.data ?? null, fused);
    return out(after === null ? value : builder.activation(value, after, layer.filters), layer.filters);
  }
  if (span === 1) {
    // The history changes on every frame of x; the output only when the window fires.
    const copy = builder.value(C);
    builder.push([STREAM_OP.COPY_ROWS, copy.ptr, C, history.ptr, C, builder.batch, C]);
    return out(copy, C);
  }
  const geometry = callGeometry([1, span, C], { kernel: [span], strides: [1], dilations: [1], padding: 'valid' }, C, 1);
  return out(streamPool(builder, history, geometry, layer instanceof MaxPooling1D ? PoolMode.max : PoolMode.average), C);
}

/**
 * The clock of a layer's output from its inputs' clocks. Sequences on different clocks have
 * different lengths on most prefixes (predict refuses to join them there), so they are refused; values
 * with no time axis keep their last output, and a join of them runs from the frame all of them
 * have one, on every frame where any of them changes.
 */
export function joinClocks(layer: Layer, args: readonly FrameValue[], clocks: readonly StreamClock[]): StreamClock {
  if (clocks.length === 0) return EVERY_FRAME;
  if (clocks.every((c) => sameClock(c, clocks[0]))) return clocks[0];
  if (args.some((a) => a.sequence)) {
    const rates = clocks.map((c) => (c.period === 1 && c.first === 1 ? 'every frame' : `one step every ${c.period} frame${c.period > 1 ? 's' : ''} from frame ${c.first}`));
    throw new ConfigError(`${layer.name}: ${layer.className} joins sequences that grow at different rates (${rates.join(' and ')}), after time windows of different spans or strides, so their lengths differ on most prefixes; it cannot stream (branches with the same windows and strides can)`);
  }
  const first = Math.max(...clocks.map((c) => c.first));
  const period = clocks.reduce((g, c) => gcd(gcd(g, c.period), first - c.first), 0);
  return { first, period };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
