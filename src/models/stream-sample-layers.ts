// The layers a stream runs on each row's frame as one sample: convolutions and pooling over a
// frame's own axes (a per-frame CNN under TimeDistributed, or a window of one step on the time
// axis), global pooling within a frame, Flatten, Reshape and Permute within it, and ConvLSTM
// one step at a time. Each runs predict's own kernel (conv_forward, pool_forward,
// conv_lstm_run) on B samples where predict runs B*T, so a frame is bit-identical to predict.
// Called without a builder, the checks alone run.
import { ConfigError, quoted } from '../errors.js';
import { PoolMode } from '../kernels/conv.js';
import { paddedUnits } from '../kernels/recurrent.js';
import { streamConv, streamConvLstm, streamPool } from '../kernels/stream-conv.js';
import type { StreamProgramBuilder } from '../kernels/stream-program.js';
import { activationId } from '../layers/activations.js';
import { Conv, isFusedActivation } from '../layers/conv.js';
import type { DenseOutput } from '../kernels/dense.js';
import { kerasActivationKind } from '../kernels/keras-activation.js';
import { callGeometry } from '../layers/conv-geometry.js';
import { ConvLSTM } from '../layers/conv-lstm.js';
import { Flatten } from '../layers/flatten.js';
import { GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalPooling } from '../layers/global-pooling.js';
import type { Layer } from '../layers/layer.js';
import { Permute } from '../layers/permute.js';
import { MaxPooling1D, MaxPooling2D, MaxPooling3D, Pooling } from '../layers/pooling.js';
import { Reshape } from '../layers/reshape.js';
import { transpose } from '../layers/tensor-ops.js';
import type { FrameValue } from './stream-frame-layers.js';

export const SAMPLE_LAYER_NAMES = 'the convolutions, pooling, Flatten, Reshape, Permute';

export function isSampleLayer(layer: Layer): boolean {
  return layer instanceof Conv || layer instanceof Pooling || layer instanceof GlobalPooling || layer instanceof Flatten
    || layer instanceof Reshape || layer instanceof Permute || layer instanceof ConvLSTM;
}

const product = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/**
 * One sample layer on x. `frame` is x's shape per row (no batch, no time); `outFrame` the output's,
 * from the model's symbolic shapes. A layer on a sequence (x.sequence) sees (batch, time, ...frame):
 * it runs per frame only when its window on the time axis is one step of stride 1.
 */
export function sampleLayerOps(
  builder: StreamProgramBuilder | null, layer: Layer, x: FrameValue, outFrame: readonly number[],
  states?: { label: (state: string, shape: readonly number[]) => void },
): FrameValue[] {
  const { frame, sequence } = x;
  const samples = sequence ? [1, 1, ...frame] : [1, ...frame];
  // Flatten, Reshape and Permute do not carry a mask on (predict drops it), nor do convolutions or pooling.
  const same = (value = x.value): FrameValue[] => [{ ...x, value, frame: outFrame, mask: 0 }];
  if (layer instanceof ConvLSTM) {
    if (!sequence) throw new ConfigError(`${layer.name}: a ${layer.className} inside a frame has no time axis to step along; it streams on the model's sequence`);
    if (layer.goBackwards) throw new ConfigError(`${layer.name}: a layer with goBackwards: true reads the sequence from its end, so it cannot stream one frame at a time`);
    if (!builder) return [];
    if (x.mask !== 0 && !builder.isFrameMask(x.mask)) {
      throw new ConfigError(`${layer.name}: ${layer.className} does not take a mask (its predict refuses one), so it cannot stream after a masking layer`);
    }
    const spec = { kernel: layer.kernelSize, strides: layer.strides, dilations: layer.dilationRate, padding: layer.padding };
    const geometry = callGeometry([1, ...frame], spec, 4 * paddedUnits(layer.filters), 1);
    const [kernel, recurrent, bias] = layer.getWeights();
    if (!kernel) throw new ConfigError(`${layer.name}: the layer has no weights; build the model or set its weights first`);
    const { output, states: buffers } = streamConvLstm(
      builder, x.value, geometry, layer.filters, [kernel.data, recurrent.data, bias ? bias.data : null],
      activationId(layer.activation, layer.kerasVersion, `${layer.name}: activation`),
      activationId(layer.recurrentActivation, layer.kerasVersion, `${layer.name}: recurrentActivation`),
    );
    builder.unmaskable ??= layer.name;
    // Each state is (...positions, filters): the frame of the output.
    for (const state of layer.stateNames) states?.label(state, outFrame);
    return [
      { value: output, mask: 0, sequence: layer.returnSequences, frame: outFrame },
      ...buffers.map((value) => ({ value, mask: 0, sequence: false, frame: outFrame })),
    ];
  }
  if (layer instanceof Conv) {
    const span = (i: number) => (layer.kernelSize[i] - 1) * layer.dilationRate[i] + 1;
    if (sequence && (span(0) !== 1 || layer.strides[0] !== 1)) {
      throw timeWindow(layer, `a kernel of ${span(0)} steps${layer.strides[0] !== 1 ? ` and strides ${layer.strides[0]}` : ''}`);
    }
    checkRank(layer, samples.length, layer.rank + 2);
    if (!builder) return [];
    const [kernel, bias] = layer.getWeights();
    if (!kernel) throw new ConfigError(`${layer.name}: the layer has no weights; build the model or set its weights first`);
    const spec = { kernel: layer.kernelSize, strides: layer.strides, dilations: layer.dilationRate, padding: layer.padding };
    const { fused, after } = convActivation(layer);
    const geometry = callGeometry(samples, spec, layer.filters, layer.groups);
    const value = streamConv(builder, x.value, geometry, kernel.data, bias ? bias.data : null, fused);
    // Keras' convolutions do not carry a mask on.
    return [{ value: after === null ? value : builder.activation(value, after, layer.filters), mask: 0, sequence, frame: outFrame }];
  }
  if (layer instanceof Pooling) {
    if (sequence && (layer.poolSize[0] !== 1 || layer.strides[0] !== 1)) {
      throw timeWindow(layer, `a window of ${layer.poolSize[0]} steps${layer.strides[0] !== 1 ? ` and strides ${layer.strides[0]}` : ''}`);
    }
    checkRank(layer, samples.length, layer.rank + 2);
    if (!builder) return [];
    const spec = { kernel: layer.poolSize, strides: layer.strides, dilations: layer.poolSize.map(() => 1), padding: layer.padding };
    const geometry = callGeometry(samples, spec, frame[frame.length - 1], 1);
    // A window of one value with stride 1 is the identity.
    if (layer.poolSize.every((p) => p === 1) && layer.strides.every((s) => s === 1)) return [{ ...x, mask: 0, frame: outFrame }];
    const max = layer instanceof MaxPooling1D || layer instanceof MaxPooling2D || layer instanceof MaxPooling3D;
    return [{ value: streamPool(builder, x.value, geometry, max ? PoolMode.max : PoolMode.average), mask: 0, sequence, frame: outFrame }];
  }
  if (layer instanceof GlobalPooling) {
    // Over the time axis (GlobalPooling1D on a sequence) the caller pools the frames so far.
    if (sequence) throw timeWindow(layer, 'a window over every step');
    checkRank(layer, samples.length, layer.rank + 2);
    if (!builder) return [];
    const spatial = frame.slice(0, -1);
    const ones = spatial.map(() => 1);
    const geometry = callGeometry(samples, { kernel: spatial, strides: ones, dilations: ones, padding: 'valid' }, frame[frame.length - 1], 1);
    const max = layer instanceof GlobalMaxPooling1D || layer instanceof GlobalMaxPooling2D;
    return [{ value: streamPool(builder, x.value, geometry, max ? PoolMode.max : PoolMode.average), mask: 0, sequence: false, frame: outFrame }];
  }
  if (layer instanceof Flatten) {
    if (sequence) throw new ConfigError(`${layer.name}: Flatten over a sequence joins its time steps into one vector, which needs the whole sequence; it cannot stream (TimeDistributed(Flatten) flattens each frame and can)`);
    if (!builder) return [];
    if (layer.dataFormat === 'channels_first' && frame.length > 1) {
      // Keras moves the channel axis (the first) last before flattening.
      return same(builder.permute(x.value, permutation(frame, [...frame.slice(1).map((_, i) => i + 1), 0])));
    }
    return same();
  }
  if (layer instanceof Reshape) {
    // The time axis stays where it is and each frame is reshaped alone.
    if (sequence && (outFrame.some((d) => !(d > 0)) || product(outFrame) !== product(frame))) {
      throw new ConfigError(`${layer.name}: Reshape to ${quoted(layer.targetShape)} moves values between time steps; a stream reshapes within a frame only (a target of [-1, ...frame] or [timesteps, ...frame] keeps the time axis)`);
    }
    return builder ? same() : [];
  }
  if (layer instanceof Permute) {
    if (sequence && layer.dims[0] !== 1) {
      throw new ConfigError(`${layer.name}: Permute ${quoted(layer.dims)} moves the time axis; a stream permutes within a frame only (dims starting with 1)`);
    }
    if (!builder) return [];
    const axes = (sequence ? layer.dims.slice(1) : layer.dims).map((d) => d - (sequence ? 2 : 1));
    return axes.every((a, i) => a === i) ? same() : same(builder.permute(x.value, permutation(frame, axes)));
  }
  throw new ConfigError(`${layer.name}: ${layer.className} cannot run one frame at a time in a stream`);
}

/** A convolution's activation as predict runs it: fused into the kernel's output, or the linear product and then the Keras activation. */
export function convActivation(layer: Conv): { fused: DenseOutput; after: number | null } {
  if (layer.activation === 'softmax') return { fused: 'softmax', after: null };
  const fused = isFusedActivation(layer.activation);
  return {
    fused: { elementwise: activationId(fused ? layer.activation : 'linear', layer.kerasVersion, `${layer.name}: activation`) },
    after: fused ? null : kerasActivationKind(layer.activation, layer.kerasVersion),
  };
}

function timeWindow(layer: Layer, what: string): ConfigError {
  return new ConfigError(`${layer.name}: ${layer.className} with ${what} on the time axis reads several frames per output, so it cannot stream; a window of one step with strides 1 on the time axis (or the layer under TimeDistributed) can, as can Conv1D, MaxPooling1D and AveragePooling1D with any window`);
}

function checkRank(layer: Layer, rank: number, expected: number): void {
  if (rank !== expected) throw new ConfigError(`${layer.name}: ${layer.className} takes inputs of rank ${expected}, but a stream gives it rank ${rank}`);
}

/** For each output value of a frame of `shape` permuted by `axes`, the input value it reads. */
function permutation(shape: readonly number[], axes: readonly number[]): number[] {
  const index = Float32Array.from({ length: product(shape) }, (_, i) => i);
  return Array.from(transpose(index, shape, axes));
}
