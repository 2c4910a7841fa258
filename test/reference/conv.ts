/**
 * Plain float64 convolution and pooling over channels_last tensors with any number of spatial
 * axes, written from ../../../shared/models2/LAYERS.md (TensorFlow padding rules,
 * cross-correlation, groups, Keras' 'same' average excluding padding). Slow and obvious on
 * purpose: one output element at a time, every tap bounds-checked.
 */
import type { ReferenceTensor } from './types.js';
import { ACTIVATIONS } from './layers.js';

export type ReferencePadding = 'valid' | 'same' | 'causal';

export interface ReferenceWindow {
  kernel: number[];
  strides: number[];
  dilations: number[];
  padding: ReferencePadding;
}

/** Output length and left padding of one axis, as LAYERS.md states TensorFlow's rules. */
export function referenceAxis(n: number, k: number, s: number, d: number, padding: ReferencePadding): { out: number; left: number } {
  const effective = d * (k - 1) + 1;
  if (padding === 'valid') return { out: Math.floor((n - effective) / s) + 1, left: 0 };
  if (padding === 'causal') return { out: Math.floor((n + d * (k - 1) - effective) / s) + 1, left: d * (k - 1) };
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + effective - n, 0);
  return { out, left: Math.floor(total / 2) };
}

/** Every multi-index of `extents` in row-major order. */
function* positions(extents: number[]): Generator<number[]> {
  const index = extents.map(() => 0);
  if (extents.some((e) => e <= 0)) return;
  for (;;) {
    yield [...index];
    let axis = extents.length - 1;
    while (axis >= 0) {
      index[axis] += 1;
      if (index[axis] < extents[axis]) break;
      index[axis] = 0;
      axis -= 1;
    }
    if (axis < 0) return;
  }
}

function flat(index: number[], extents: number[]): number {
  return index.reduce((acc, i, axis) => acc * extents[axis] + i, 0);
}

/** Keras ConvND: x (N, ...spatial, C), kernel (...k, C/groups, F), bias (F) or null. */
export function convRef(
  x: ReferenceTensor, kernel: ReferenceTensor, bias: ReferenceTensor | null, window: Omit<ReferenceWindow, 'kernel'>, groups: number, activation = 'linear',
): ReferenceTensor {
  const rank = x.shape.length - 2;
  const [samples] = x.shape;
  const spatial = x.shape.slice(1, -1);
  const C = x.shape[x.shape.length - 1];
  const k = kernel.shape.slice(0, rank);
  const Cg = kernel.shape[rank];
  const F = kernel.shape[rank + 1];
  if (Cg * groups !== C) throw new Error('reference: kernel channels times groups must be the input channels');
  const Fg = F / groups;
  const axes = spatial.map((n, i) => referenceAxis(n, k[i], window.strides[i], window.dilations[i], window.padding));
  const outExtents = axes.map((a) => a.out);
  const outSize = outExtents.reduce((a, b) => a * b, 1);
  const out = new Float64Array(samples * outSize * F);
  const act = ACTIVATIONS[activation];
  for (let n = 0; n < samples; n++) {
    for (const o of positions(outExtents)) {
      for (let f = 0; f < F; f++) {
        const g = Math.floor(f / Fg);
        let sum = bias ? bias.data[f] : 0;
        for (const tap of positions(k)) {
          const at = tap.map((j, i) => o[i] * window.strides[i] - axes[i].left + j * window.dilations[i]);
          if (at.some((p, i) => p < 0 || p >= spatial[i])) continue;
          const xBase = (n * spatial.reduce((a, b) => a * b, 1) + flat(at, spatial)) * C;
          const kBase = flat(tap, k) * Cg;
          for (let c = 0; c < Cg; c++) sum += x.data[xBase + g * Cg + c] * kernel.data[(kBase + c) * F + f];
        }
        out[(n * outSize + flat(o, outExtents)) * F + f] = act(sum);
      }
    }
  }
  return { shape: [samples, ...outExtents, F], data: out };
}

/** Keras MaxPoolingND / AveragePoolingND: padded taps never win a max and are not counted in a mean. */
export function poolRef(x: ReferenceTensor, window: Omit<ReferenceWindow, 'dilations'>, mode: 'max' | 'average'): ReferenceTensor {
  const [samples] = x.shape;
  const spatial = x.shape.slice(1, -1);
  const C = x.shape[x.shape.length - 1];
  const axes = spatial.map((n, i) => referenceAxis(n, window.kernel[i], window.strides[i], 1, window.padding));
  const outExtents = axes.map((a) => a.out);
  const outSize = outExtents.reduce((a, b) => a * b, 1);
  const inSize = spatial.reduce((a, b) => a * b, 1);
  const out = new Float64Array(samples * outSize * C);
  for (let n = 0; n < samples; n++) {
    for (const o of positions(outExtents)) {
      for (let c = 0; c < C; c++) {
        let best = -Infinity;
        let sum = 0;
        let count = 0;
        for (const tap of positions(window.kernel)) {
          const at = tap.map((j, i) => o[i] * window.strides[i] - axes[i].left + j);
          if (at.some((p, i) => p < 0 || p >= spatial[i])) continue;
          const v = x.data[(n * inSize + flat(at, spatial)) * C + c];
          best = Math.max(best, v);
          sum += v;
          count += 1;
        }
        out[(n * outSize + flat(o, outExtents)) * C + c] = mode === 'max' ? best : sum / count;
      }
    }
  }
  return { shape: [samples, ...outExtents, C], data: out };
}

/** GlobalMax/AveragePoolingND over every spatial axis; a (N, T) mask restricts the 1-D mean to its unmasked steps. */
export function globalPoolRef(x: ReferenceTensor, mode: 'max' | 'average', mask?: ReferenceTensor): ReferenceTensor {
  const [samples] = x.shape;
  const C = x.shape[x.shape.length - 1];
  const inSize = x.shape.slice(1, -1).reduce((a, b) => a * b, 1);
  const out = new Float64Array(samples * C);
  for (let n = 0; n < samples; n++) {
    for (let c = 0; c < C; c++) {
      let best = -Infinity;
      let sum = 0;
      let count = 0;
      for (let p = 0; p < inSize; p++) {
        const v = x.data[(n * inSize + p) * C + c];
        best = Math.max(best, v);
        if (mask && mode === 'average' && !mask.data[n * inSize + p]) continue;
        sum += v;
        count += 1;
      }
      out[n * C + c] = mode === 'max' ? best : sum / count;
    }
  }
  return { shape: [samples, C], data: out };
}
