// The weightless and normalisation layers a stream runs per frame: Activation, BatchNormalization
// (inference), LayerNormalization over a frame's last axes, the element-wise merges, and the noise layers
// (the identity at inference). Each op repeats predict's arithmetic (assembly/frame_ops.ts), so a
// frame is bit-identical to predict on the prefix. Called without a builder, it only checks.
import { ConfigError, formatShape, quoted } from '../errors.js';
import { PARAMETER_ACTIVATION, kerasActivationKind } from '../kernels/keras-activation.js';
import { type FrameMergeKind, type StreamMask, type StreamProgramBuilder, type StreamValue } from '../kernels/stream-program.js';
import { Activation } from '../layers/activation.js';
import { BatchNormalization, parameterIndex } from '../layers/batch-normalization.js';
import { Normalization } from '../layers/normalization.js';
import { Rescaling } from '../layers/rescaling.js';
import { LayerNormalization } from '../layers/layer-normalization.js';
import type { Layer } from '../layers/layer.js';
import { Add, Average, Maximum, Merge, Minimum, Multiply, Subtract } from '../layers/merge.js';
import {
  ActivityRegularization, AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D,
} from '../layers/noise.js';
import { resolveAxis } from '../layers/tensor-ops.js';
import { PReLU } from '../layers/prelu.js';
import { ParameterActivationLayer } from '../layers/relu-layers.js';
import { SOFTMAX_KIND, Softmax } from '../layers/softmax.js';
import { Cropping1D, UpSampling1D, ZeroPadding1D } from '../layers/time-axis.js';

/** A value per frame: its buffer, its Keras mask, and whether it still has a time axis in the model. */
export interface FrameValue {
  value: StreamValue;
  mask: StreamMask;
  sequence: boolean;
  /** The shape of each row's values: no batch axis, and no time axis where `sequence` is true. */
  frame: readonly number[];
  /** The frame's integer ids, which only an Embedding reads. */
  ids?: boolean;
}

const IDENTITY_AT_INFERENCE = [GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, ActivityRegularization];
const MERGES: readonly [new (...args: never[]) => Merge, FrameMergeKind][] = [
  [Add, 'ADD'], [Subtract, 'SUBTRACT'], [Multiply, 'MULTIPLY'], [Average, 'AVERAGE'], [Maximum, 'MAXIMUM'], [Minimum, 'MINIMUM'],
];

export const FRAME_LAYER_NAMES = 'Activation, ReLU, LeakyReLU, ELU, PReLU, Softmax (over features), the normalisations (Normalization too), Rescaling, the merges and the noise layers';

/** A frame layer of one input (every one but the merges), which TimeDistributed may wrap. */
export function isSingleFrameLayer(layer: Layer): boolean {
  return isFrameLayer(layer) && !(layer instanceof Merge);
}

export function isFrameLayer(layer: Layer): boolean {
  return layer instanceof Activation || layer instanceof BatchNormalization || layer instanceof LayerNormalization || layer instanceof Normalization || layer instanceof Rescaling
    || layer instanceof ParameterActivationLayer || layer instanceof PReLU || layer instanceof Softmax
    || layer instanceof Merge || IDENTITY_AT_INFERENCE.some((type) => layer instanceof type);
}

/** Why a layer that moves the time axis cannot stream, or null for every other layer. */
export function timeAxisRefusal(layer: Layer): string | null {
  const why = layer instanceof ZeroPadding1D
    ? (layer.dataFormat === 'channels_first'
      ? 'with channels_first pads the last axis of (batch, features, steps), which a stream of (batch, steps, features) frames does not have'
      : `adds ${layer.padding[0]} zero steps before the first frame and ${layer.padding[1]} after the last, so predict's step t is not frame t`)
    : layer instanceof Cropping1D
      ? `drops the first ${layer.cropping[0]} and the last ${layer.cropping[1]} steps, and which steps are last is known only at the end of the sequence`
      : layer instanceof UpSampling1D
        ? `gives ${layer.size} steps for every frame, where a stream gives one output per frame`
        : null;
  return why === null ? null : `${layer.name}: ${layer.className} ${why}; it cannot run one frame at a time in a stream`;
}

/** The ops of one frame layer on values of `rank` in the model ((batch, time, features): 3); with no builder, only the checks. */
export function frameLayerOps(builder: StreamProgramBuilder | null, layer: Layer, args: readonly FrameValue[], rank: number): FrameValue[] {
  const [x] = args;
  if (layer instanceof Activation) {
    const kind = kerasActivationKind(layer.activation, layer.kerasVersion);
    if (!builder || kind === null) return builder ? [x] : [];
    return [{ ...x, value: builder.activation(x.value, kind, x.frame[x.frame.length - 1]) }];
  }
  if (layer instanceof ParameterActivationLayer) {
    return builder ? [{ ...x, value: builder.activation(x.value, layer.activationKind, x.value.width, layer.activationParams) }] : [];
  }
  if (layer instanceof PReLU) return builder ? [{ ...x, value: preluOp(builder, layer, x) }] : [];
  if (layer instanceof Softmax) return softmaxOps(builder, layer, x, rank);
  if (layer instanceof BatchNormalization) {
    const axes = statisticsFrameAxes(layer, layer.axis, rank, x);
    if (!builder) return [];
    return [{ ...x, value: frameAffine(builder, x, axes, layer.inferenceAffine(builtWeights(layer))) }];
  }
  if (layer instanceof Rescaling) {
    if (x && layer.variesAcrossFrames(x.frame.length)) {
      throw new ConfigError(`${layer.name}: Rescaling's scale or offset differs between time steps; a stream runs each frame alone, so they must be the same for every frame`);
    }
    if (!builder) return [];
    const { scale, offset } = layer.perValue([1, ...(x.sequence ? [1] : []), ...x.frame]);
    return [{ ...x, value: builder.affine(x.value, Float64Array.from(scale), Float64Array.from(offset)) }];
  }
  if (layer instanceof Normalization) {
    // One mean and variance for everything, or one per value of the kept axes: the same affine on every frame.
    const axes = statisticsFrameAxes(layer, layer.axis, rank, x);
    if (!builder) return [];
    return [{ ...x, value: frameAffine(builder, x, axes, layer.inferenceAffine([1, ...(x.sequence ? [1] : []), ...x.frame])) }];
  }
  if (layer instanceof LayerNormalization) {
    const group = layerNormGroup(layer, rank, x);
    if (!builder) return [];
    const weights = builtWeights(layer, layer.scale || layer.rmsScaling || (layer.center && !layer.rmsScaling));
    const gamma = layer.scale || layer.rmsScaling ? weights[0] : null;
    const beta = layer.center && !layer.rmsScaling ? weights[gamma ? 1 : 0] : null;
    return [{ ...x, value: builder.layerNorm(x.value, gamma, beta, layer.epsilon, layer.rmsScaling, group) }];
  }
  if (layer instanceof Merge) return builder ? [merge(builder, layer, args)] : [];
  return builder ? [x] : [];
}

/** PReLU on a frame: its alphas for one frame, from an alpha shared across time steps. */
function preluOp(builder: StreamProgramBuilder, layer: PReLU, x: FrameValue): StreamValue {
  builtWeights(layer);
  const shape = layer.getWeights()[0].shape;
  if (x.sequence && shape[0] !== 1) {
    throw new ConfigError(`${layer.name}: PReLU with alpha of shape ${formatShape(shape)} has an alpha for each of ${shape[0]} time steps; a stream needs one shared across time (sharedAxes: [1])`);
  }
  const alphas = layer.sampleAlphas(x.sequence ? [1, 1, ...x.frame] : [1, ...x.frame]);
  return builder.activation(x.value, PARAMETER_ACTIVATION.prelu, alphas.length, alphas);
}

/**
 * Softmax on each frame: over axes of the frame that end at its last (the features), so that a
 * group never reaches across time steps. An input with a Keras mask cannot stream (Keras
 * broadcasts the (batch, steps) mask against the values' last axes); step() then takes no mask.
 */
function softmaxOps(builder: StreamProgramBuilder | null, layer: Softmax, x: FrameValue | undefined, rank: number): FrameValue[] {
  const axes = layer.axesFor(rank);
  const trailing = axes.every((a, i) => a === rank - axes.length + i);
  const firstFrameAxis = x && !x.sequence ? 1 : 2;
  if (axes[0] < (builder ? firstFrameAxis : 1)) {
    throw new ConfigError(`${layer.name}: Softmax over axis ${quoted(layer.axis)} of rank-${rank} inputs reaches across ${axes[0] === 0 ? 'samples' : 'time steps'}; a stream normalises within each frame (axis -1, or the frame's last axes)`);
  }
  // Before a build the time axis is not known; the build's own check names it.
  if (!trailing && builder) {
    throw new ConfigError(`${layer.name}: Softmax over axis ${quoted(layer.axis)} of rank-${rank} inputs normalises over axes that do not end at the last one; a stream normalises over the frame's last axes (axis -1, or such as [-2, -1])`);
  }
  if (!builder || !x) return [];
  if (x.mask !== 0) {
    if (!builder.isFrameMask(x.mask)) {
      throw new ConfigError(`${layer.name}: Softmax of an input with a Keras mask (from Masking or Embedding) broadcasts the (batch, steps) mask against the values as Keras does, which a stream of frames cannot repeat`);
    }
    builder.unmaskable ??= layer.name;
  }
  const frameAxes = axes.map((a) => a - (x.sequence ? 2 : 1));
  const width = frameAxes.reduce((p, a) => p * x.frame[a], 1);
  return [{ ...x, value: builder.activation(x.value, SOFTMAX_KIND, width) }];
}

/** `axis` of values of `rank`, counted from 0, sorted, each once. */
function resolvedAxes(layer: Layer, axis: number | readonly number[], rank: number): number[] {
  return [...new Set((typeof axis === 'number' ? [axis] : [...axis]).map((a) => resolveAxis(a, rank, layer.name)))].sort((a, b) => a - b);
}

/**
 * The first axis of a frame in the model's values: 2 for a sequence (batch, time, ...), 1 after
 * the time axis is gone. Before a build (no value yet) only the batch axis is known to be outside.
 */
function firstFrameAxis(x: FrameValue | undefined): number {
  return x === undefined ? 1 : x.sequence ? 2 : 1;
}

/**
 * The kept axes of a BatchNormalization or Normalization (one statistic per value along them),
 * counted within the frame: a statistic per sample or per time step cannot apply to a frame alone.
 */
function statisticsFrameAxes(layer: Layer, axis: number | readonly number[], rank: number, x: FrameValue | undefined): number[] {
  const axes = resolvedAxes(layer, axis, rank);
  const first = firstFrameAxis(x);
  const outside = axes.find((a) => a < first);
  if (outside !== undefined) {
    throw new ConfigError(`${layer.name}: ${layer.className} on axis ${quoted(axis)} of rank-${rank} inputs keeps a statistic for each ${outside === 0 ? 'sample' : 'time step'}; a stream runs each frame alone, so its axes must lie within a frame (such as axis -1)`);
  }
  return axes.map((a) => a - first);
}

/**
 * y = x * scale + shift on each frame, from one scale and shift per value of the kept frame axes
 * (row-major over them): as given when that is the last axis alone (the op repeats them over the
 * frame), else spread over every value of the frame.
 */
function frameAffine(builder: StreamProgramBuilder, x: FrameValue, axes: readonly number[], { scale, shift }: { scale: Float64Array; shift: Float64Array }): StreamValue {
  const last = x.frame.length - 1;
  if (axes.length === 1 && axes[0] === last) return builder.affine(x.value, scale, shift);
  if (axes.length === 0) return builder.affine(x.value, Float64Array.of(scale[0]), Float64Array.of(shift[0]));
  const index = parameterIndex(x.frame, axes);
  return builder.affine(x.value, Float64Array.from({ length: x.value.width }, (_, i) => scale[index(i)]), Float64Array.from({ length: x.value.width }, (_, i) => shift[index(i)]));
}

/**
 * The values a LayerNormalization normalises together in each frame: its axes must be the
 * frame's last ones, so that each group is a run of the frame's values (axis -1, or [-2, -1]).
 */
function layerNormGroup(layer: LayerNormalization, rank: number, x: FrameValue | undefined): number {
  const axes = resolvedAxes(layer, layer.axis, rank);
  const first = firstFrameAxis(x);
  if (axes[0] < first) {
    throw new ConfigError(`${layer.name}: LayerNormalization on axis ${quoted(layer.axis)} of rank-${rank} inputs normalises across ${axes[0] === 0 ? 'samples' : 'time steps'}; a stream runs each frame alone, so it normalises within a frame (axis -1, or the frame's last axes)`);
  }
  // Before a build the time axis is not known; the build's own check names it.
  if (x !== undefined && axes.some((a, i) => a !== rank - axes.length + i)) {
    throw new ConfigError(`${layer.name}: LayerNormalization on axis ${quoted(layer.axis)} of rank-${rank} inputs normalises over axes that do not end at the last one; a stream normalises over the frame's last axes (axis -1, or such as [-2, -1])`);
  }
  return x === undefined ? 0 : axes.reduce((size, a) => size * x.frame[a - first], 1);
}

function builtWeights(layer: Layer, needed = true): Float32Array[] {
  const weights = layer.getWeights();
  if (needed && weights.length === 0) throw new ConfigError(`${layer.name}: the layer has no weights; build the model or set its weights first`);
  return weights.map((w) => w.data);
}

function merge(builder: StreamProgramBuilder, layer: Merge, args: readonly FrameValue[]): FrameValue {
  const kind = (MERGES.find(([type]) => layer instanceof type) as (typeof MERGES)[number])[1];
  if (args.some((a) => a.sequence !== args[0].sequence)) {
    throw new ConfigError(`${layer.name}: ${layer.className} of a sequence and a value with no time axis (broadcast over every step) cannot stream`);
  }
  const shaped = args.find((a) => a.frame.length > 1);
  if (shaped && args.some((a) => a.frame.length !== shaped.frame.length || a.frame.some((d, i) => d !== shaped.frame[i]))) {
    throw new ConfigError(`${layer.name}: ${layer.className} of frames of shapes ${args.map((a) => quoted(a.frame)).join(' and ')} broadcasts within a frame; a stream merges frames of one shape, or of features with 1 feature broadcast`);
  }
  const width = Math.max(...args.map((a) => a.value.width));
  const misfit = args.find((a) => a.value.width !== width && a.value.width !== 1);
  if (misfit) {
    throw new ConfigError(`${layer.name}: ${layer.className} of ${args.map((a) => a.value.width).join(' and ')} features per frame does not broadcast; each input needs ${width} features or 1`);
  }
  const maskAware = layer.kerasVersion === 3 && (kind === 'MULTIPLY' || kind === 'MAXIMUM' || kind === 'MINIMUM');
  const value = builder.merge(kind, maskAware, width, args);
  const masks = args.map((a) => a.mask);
  // Keras 3: a mask only when every input has one (their OR); tf.keras 2: the AND of those given.
  const mask = layer.kerasVersion === 3 ? (masks.every((m) => m !== 0) ? builder.maskAny(masks) : 0) : builder.maskAll(masks);
  return { value, mask, sequence: args[0].sequence, frame: shaped ? shaped.frame : [width] };
}
