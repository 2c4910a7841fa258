// TensorFlow's padding rules (used by Keras on every backend) and the kernel geometry of a
// convolution or pooling call over channels_last inputs of 1 to 3 spatial axes.
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import type { ConvGeometry, Extents3 } from '../kernels/conv.js';
import type { ConvPadding } from './conv.js';
import type { Shape } from './layer.js';
import { checkOptionsObject } from './options.js';

export type { ConvPadding };

/** One spatial axis: output length and the padding before it; `span` = d*(k-1) + 1. */
export function axisGeometry(n: number, k: number, s: number, d: number, padding: ConvPadding): { out: number; before: number } {
  const span = d * (k - 1) + 1;
  if (padding === 'same') {
    const out = Math.ceil(n / s);
    const total = Math.max((out - 1) * s + span - n, 0);
    return { out, before: Math.floor(total / 2) };
  }
  const before = padding === 'causal' ? span - 1 : 0;
  const padded = n + before;
  return { out: padded < span ? 0 : Math.floor((padded - span) / s) + 1, before };
}

/** The spatial axes of a (batch, ...spatial, channels) shape, checked to have `rank` of them. */
export function spatialAxes(shape: Shape, rank: number, layerName: string): Shape {
  if (shape.length !== rank + 2) {
    const axes = rank === 1 ? 'steps' : rank === 2 ? 'rows, cols' : 'dim1, dim2, dim3';
    throw new ShapeError(`${layerName}: input must have rank ${rank + 2} (batch, ${axes}, channels), received shape ${formatShape(shape)}`);
  }
  return shape.slice(1, -1);
}

export interface WindowSpec {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padding: ConvPadding;
}

/** Output extents of each spatial axis (null stays null); a window larger than its input is a ShapeError. */
export function outputExtents(spatial: Shape, spec: WindowSpec, layerName: string, inputShape: Shape): Shape {
  return spatial.map((n, i) => {
    if (n === null) return null;
    const { out } = axisGeometry(n, spec.kernel[i], spec.strides[i], spec.dilations[i], spec.padding);
    if (out <= 0) {
      const span = spec.dilations[i] * (spec.kernel[i] - 1) + 1;
      throw new ShapeError(`${layerName}: input of shape ${formatShape(inputShape)} is too short on spatial axis ${i + 1} (${n}) for a window of ${span} with padding '${spec.padding}'`);
    }
    return out;
  });
}

/** Lifts per-axis values of a 1-, 2- or 3-D layer to the kernel's three axes (D, H, W). */
function lift(values: readonly number[], fill: number): Extents3 {
  const padded = [...Array(3 - values.length).fill(fill), ...values];
  return [padded[0], padded[1], padded[2]];
}

/** The kernel geometry of a call on x of shape (batch, ...spatial, channels). */
export function callGeometry(shape: readonly number[], spec: WindowSpec, filters: number, groups: number): ConvGeometry {
  const spatial = shape.slice(1, -1);
  const axes = spatial.map((n, i) => axisGeometry(n, spec.kernel[i], spec.strides[i], spec.dilations[i], spec.padding));
  return {
    samples: shape[0],
    input: lift(spatial, 1),
    channels: shape[shape.length - 1],
    output: lift(axes.map((a) => a.out), 1),
    filters,
    groups,
    kernel: lift(spec.kernel, 1),
    strides: lift(spec.strides, 1),
    dilations: lift(spec.dilations, 1),
    padBefore: lift(axes.map((a) => a.before), 0),
  };
}

/**
 * The widest window span, d*(k-1) + 1, a layer takes: the kernels index in 32-bit integers, and
 * an input length (under 2^30 floats in 4 GiB of memory) plus a padding of up to span - 1 must fit.
 */
const MAX_WINDOW_SPAN = 2 ** 30 - 1;

/** A ConfigError when a window (kernel or pool size, with its dilation) spans more than the kernels index. */
export function checkWindowSpans(kernel: readonly number[], dilations: readonly number[], layerName: string, sizeKey: string): void {
  kernel.forEach((k, i) => {
    const span = dilations[i] * (k - 1) + 1;
    if (span > MAX_WINDOW_SPAN) {
      const dilated = dilations[i] === 1 ? '' : ` with dilationRate ${dilations[i]}`;
      throw new ConfigError(`${layerName}: option '${sizeKey}' ${k}${dilated} spans ${span} steps on spatial axis ${i + 1}; at most ${MAX_WINDOW_SPAN} fit`);
    }
  });
}

/** Keras' normalize_tuple: an integer or a list of `rank` positive integers (or non-negative when `allowZero`). */
export function tupleOption(value: unknown, rank: number, key: string, layerName: string, fallback?: readonly number[]): number[] {
  if (value === undefined || value === null) {
    if (fallback) return [...fallback];
    throw new ConfigError(`${layerName}: option '${key}' is required: a positive integer or a list of ${rank}`);
  }
  const list = typeof value === 'number' ? Array(rank).fill(value) : value;
  if (!Array.isArray(list) || list.length !== rank || !list.every((v) => Number.isSafeInteger(v) && v > 0)) {
    throw new ConfigError(`${layerName}: option '${key}' must be a positive integer or a list of ${rank} positive integers, received ${quoted(value)}`);
  }
  // The kernels take each as a 32-bit integer.
  if (list.some((v) => v > MAX_WINDOW_SPAN)) {
    throw new ConfigError(`${layerName}: option '${key}' must be at most ${MAX_WINDOW_SPAN}, received ${quoted(value)}`);
  }
  return list as number[];
}

/** Keras' padding option, case-insensitive as Keras reads it; 'causal' only where `allowCausal`. */
export function paddingOption(value: unknown, allowCausal: boolean, layerName: string): ConvPadding {
  const allowed: ConvPadding[] = allowCausal ? ['valid', 'same', 'causal'] : ['valid', 'same'];
  const padding = value === undefined ? 'valid' : typeof value === 'string' ? value.toLowerCase() : value;
  if (!allowed.includes(padding as ConvPadding)) {
    throw new ConfigError(`${layerName}: option 'padding' must be ${allowed.map((p) => `'${p}'`).join(' or ')}, received ${quoted(value)}`);
  }
  return padding as ConvPadding;
}

/** Only channels_last is supported (Keras' default); channels_first is refused with the reason. */
export function dataFormatOption(value: unknown, layerName: string): 'channels_last' {
  if (value === undefined || value === null || value === 'channels_last') return 'channels_last';
  if (value === 'channels_first') {
    throw new ConfigError(`${layerName}: option 'dataFormat' 'channels_first' is not supported; expected 'channels_last' (channels on the last axis)`);
  }
  throw new ConfigError(`${layerName}: option 'dataFormat' must be 'channels_last', received ${quoted(value)}`);
}

/**
 * Keras' positional (filters, kernel_size, options) or one options object, for the convolution
 * layers and ConvLSTM; `example` shows an options object in the message for a wrong one.
 */
export function filtersKernelOptions<O extends { filters: number; kernelSize: number | readonly number[] }>(
  args: readonly unknown[], className: string, example: string,
): O {
  const [first, second, third] = args;
  if (typeof first !== 'number') {
    if (args.length > 1) throw new ConfigError(`${className}: expected (options) or (filters, kernelSize, options), received ${args.length} arguments with a first one that is not a number`);
    checkOptionsObject(first, className, '{ filters: 16, kernelSize: 3 }');
    return first as O;
  }
  if (args.length > 3) throw new ConfigError(`${className}: expected (filters, kernelSize, options), received ${args.length} arguments`);
  if (third === undefined) return { filters: first, kernelSize: second as number } as O;
  checkOptionsObject(third, `${className}: options after filters and kernelSize`, example);
  for (const key of ['filters', 'kernelSize']) {
    if (key in (third as object)) throw new ConfigError(`${className}: '${key}' is given twice, as an argument and in the options`);
  }
  return { ...(third as object), filters: first, kernelSize: second as number } as O;
}
