/**
 * Plain float64 ConvLSTM1D / ConvLSTM2D / ConvLSTM3D, written from
 * ../../../shared/models2/LAYERS.md ("ConvLSTM1D / ConvLSTM2D"): per step
 * z = conv(x_t, kernel, strides, padding, dilation) + bias + conv(h, recurrent_kernel, stride 1, 'same'),
 * gate blocks i, f, c, o on the last axis; c = f*c + i*act(z_c), h = o*act(c). The two
 * convolutions are convRef's, one output element at a time.
 */
import { referenceActivation } from './activations.js';
import { convRef, type ReferencePadding } from './conv.js';
import type { HardSigmoidVariant, ReferenceTensor } from './types.js';

export interface ReferenceConvLstmSpec {
  filters: number;
  strides: number[];
  dilations: number[];
  padding: Extract<ReferencePadding, 'valid' | 'same'>;
  activation: string;
  recurrentActivation: string;
  returnSequences: boolean;
  goBackwards: boolean;
  hardSigmoidVariant: HardSigmoidVariant;
}

export interface ReferenceConvLstmResult {
  /** (B, T, ...spatial', F) with returnSequences, else (B, ...spatial', F). */
  output: ReferenceTensor;
  /** The final states, (B, ...spatial', F) each. */
  h: ReferenceTensor;
  c: ReferenceTensor;
}

/** Frame t of x (B, T, ...spatial, C): (B, ...spatial, C). */
function frame(x: ReferenceTensor, t: number): ReferenceTensor {
  const [B, T] = x.shape;
  const size = x.shape.slice(2).reduce((a, b) => a * b, 1);
  const data = new Float64Array(B * size);
  for (let b = 0; b < B; b++) data.set(x.data.subarray((b * T + t) * size, (b * T + t + 1) * size), b * size);
  return { shape: [B, ...x.shape.slice(2)], data };
}

/**
 * x (B, T, ...spatial, C); kernel (...k, C, 4F); recurrentKernel (...k, F, 4F); bias (4F) or null;
 * initial states (B, ...spatial', F) each, or zeros.
 */
export function convLstmRef(
  x: ReferenceTensor, kernel: ReferenceTensor, recurrentKernel: ReferenceTensor, bias: ReferenceTensor | null,
  spec: ReferenceConvLstmSpec, initial?: { h: ReferenceTensor; c: ReferenceTensor },
): ReferenceConvLstmResult {
  const [B, T] = x.shape;
  const F = spec.filters;
  const rank = x.shape.length - 3;
  const act = referenceActivation(spec.activation, spec.hardSigmoidVariant);
  const ract = referenceActivation(spec.recurrentActivation, spec.hardSigmoidVariant);
  const inputWindow = { strides: spec.strides, dilations: spec.dilations, padding: spec.padding };
  const recurrentWindow = { strides: Array(rank).fill(1), dilations: Array(rank).fill(1), padding: 'same' as const };

  let h: ReferenceTensor | null = initial ? initial.h : null;
  let c: Float64Array | null = initial ? initial.c.data.slice() : null;
  const outputs: ReferenceTensor[] = [];
  for (let step = 0; step < T; step++) {
    const t = spec.goBackwards ? T - 1 - step : step;
    const z = convRef(frame(x, t), kernel, bias, inputWindow, 1);
    if (h === null) {
      const stateShape = [...z.shape.slice(0, -1), F];
      h = { shape: stateShape, data: new Float64Array(z.data.length / 4) };
      c = new Float64Array(z.data.length / 4);
    }
    const recurrent = convRef(h, recurrentKernel, null, recurrentWindow, 1);
    const positions = z.data.length / (4 * F);
    const hNext = new Float64Array(positions * F);
    const state = c as Float64Array;
    for (let p = 0; p < positions; p++) {
      for (let j = 0; j < F; j++) {
        const gate = (block: number): number => z.data[p * 4 * F + block * F + j] + recurrent.data[p * 4 * F + block * F + j];
        const i = ract(gate(0));
        const f = ract(gate(1));
        const g = act(gate(2));
        const o = ract(gate(3));
        state[p * F + j] = f * state[p * F + j] + i * g;
        hNext[p * F + j] = o * act(state[p * F + j]);
      }
    }
    h = { shape: h.shape, data: hNext };
    outputs.push(h);
  }
  const last = h as ReferenceTensor;
  const finalC = { shape: last.shape, data: c as Float64Array };
  if (!spec.returnSequences) return { output: last, h: last, c: finalC };
  const frameSize = last.data.length / B;
  const sequence = new Float64Array(B * T * frameSize);
  outputs.forEach((out, step) => {
    for (let b = 0; b < B; b++) sequence.set(out.data.subarray(b * frameSize, (b + 1) * frameSize), (b * T + step) * frameSize);
  });
  return { output: { shape: [B, T, ...last.shape.slice(1)], data: sequence }, h: last, c: finalC };
}
