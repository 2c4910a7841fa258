/**
 * Plain float64 references for the non-recurrent layers models are built from (Dense, Embedding,
 * Masking, Concatenate), written from Keras' definitions, and the recurrent spec with Keras' defaults.
 * Like the recurrent reference they favour being obviously correct over being fast.
 */
import type { CellKind, ReferenceRecurrentSpec, ReferenceTensor } from './types.js';

/** The number of elements of a tensor of `shape`. */
export function size(shape: readonly number[]): number {
  return shape.reduce((product, d) => product * d, 1);
}

/** A recurrent layer's spec with Keras' defaults; overrides for the flags under test. */
export function recurrentSpec(cell: CellKind, units: number, overrides: Partial<ReferenceRecurrentSpec> = {}): ReferenceRecurrentSpec {
  return {
    cell,
    units,
    activation: 'tanh',
    recurrentActivation: 'sigmoid',
    useBias: true,
    resetAfter: cell === 'GRU',
    returnSequences: false,
    returnState: false,
    goBackwards: false,
    zeroOutputForMask: false,
    hardSigmoidVariant: 'keras3',
    ...overrides,
  };
}

/** The element-wise activations Dense is tested with (softmax is in denseRef). */
export const ACTIVATIONS: Record<string, (v: number) => number> = {
  linear: (v) => v,
  relu: (v) => Math.max(0, v),
  tanh: (v) => Math.tanh(v),
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
};

/** Keras Dense: activation(x · kernel + bias) on the last axis; softmax over the last axis with its max subtracted. */
export function denseRef(x: ReferenceTensor, kernel: ReferenceTensor, bias: ReferenceTensor | null, activation: string): ReferenceTensor {
  const [inputDim, units] = kernel.shape;
  const rows = x.data.length / inputDim;
  const out = new Float64Array(rows * units);
  for (let r = 0; r < rows; r++) {
    const z = new Float64Array(units);
    for (let j = 0; j < units; j++) {
      let sum = bias ? bias.data[j] : 0;
      for (let k = 0; k < inputDim; k++) sum += x.data[r * inputDim + k] * kernel.data[k * units + j];
      z[j] = sum;
    }
    if (activation === 'softmax') {
      const max = Math.max(...z);
      const e = z.map((v) => Math.exp(v - max));
      const total = e.reduce((a, b) => a + b, 0);
      e.forEach((v, j) => (out[r * units + j] = v / total));
    } else {
      z.forEach((v, j) => (out[r * units + j] = ACTIVATIONS[activation](v)));
    }
  }
  return { shape: [...x.shape.slice(0, -1), units], data: out };
}

/** Keras Embedding: each id replaced by its row of the table. */
export function embeddingRef(ids: number[][], table: ReferenceTensor): ReferenceTensor {
  const outputDim = table.shape[1];
  const flat = ids.flat();
  const out = new Float64Array(flat.length * outputDim);
  flat.forEach((id, i) => out.set(table.data.subarray(id * outputDim, (id + 1) * outputDim), i * outputDim));
  return { shape: [ids.length, ids[0].length, outputDim], data: out };
}

/** Keras Masking: a step is kept when any feature differs from maskValue; kept steps pass, the others become zeros. */
export function maskingRef(x: ReferenceTensor, maskValue: number): { output: ReferenceTensor; mask: ReferenceTensor } {
  const features = x.shape[x.shape.length - 1];
  const steps = x.data.length / features;
  const output = new Float64Array(x.data.length);
  const mask = new Float64Array(steps);
  for (let s = 0; s < steps; s++) {
    const row = x.data.subarray(s * features, (s + 1) * features);
    mask[s] = row.some((v) => v !== maskValue) ? 1 : 0;
    if (mask[s]) output.set(row, s * features);
  }
  return { output: { shape: x.shape.slice(), data: output }, mask: { shape: x.shape.slice(0, -1), data: mask } };
}

/** Keras Concatenate along `axis` (negative counts from the end). */
export function concatRef(parts: ReferenceTensor[], axis: number): ReferenceTensor {
  const rank = parts[0].shape.length;
  const a = axis < 0 ? rank + axis : axis;
  const outer = size(parts[0].shape.slice(0, a));
  const blocks = parts.map((p) => size(p.shape.slice(a)));
  const out = new Float64Array(outer * blocks.reduce((x, y) => x + y, 0));
  let offset = 0;
  for (let o = 0; o < outer; o++) {
    parts.forEach((p, i) => {
      out.set(p.data.subarray(o * blocks[i], (o + 1) * blocks[i]), offset);
      offset += blocks[i];
    });
  }
  const shape = parts[0].shape.slice();
  shape[a] = parts.reduce((sum, p) => sum + p.shape[a], 0);
  return { shape, data: out };
}

/** Concatenation of same-rank tensors along the last axis (Keras' default). */
export function concatLastAxis(parts: ReferenceTensor[]): ReferenceTensor {
  return concatRef(parts, -1);
}
