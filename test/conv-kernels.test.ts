// assembly/conv.ts through its host wrapper (src/kernels/conv.ts) against the float64 reference,
// table-driven over odd shapes, strides, dilations, groups and paddings: both the direct 1-D
// product and the im2col path, chunks smaller than the output, filter counts that are not a
// multiple of 4, and the scratch size the host computes held to the kernel's own count.
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryBytes, ready } from '../dist/index.js';
import {
  convScratchBytes, kernelConvScratchBytes, packConvWeights, PoolMode, releaseConvWeights, runConv, runPool, type Extents3,
} from '../dist/kernels/conv.js';
import { defaultInstance } from '../dist/kernels/default-instance.js';
import { ActivationId } from '../dist/kernels/ids.js';
import { callGeometry, type ConvPadding } from '../dist/layers/conv-geometry.js';
import { convRef, poolRef } from './reference/conv.js';
import type { ReferenceTensor } from './reference/types.js';
import { expectClose } from './expect-close.js';
import { testKernelVariant } from './kernel-variant.js';
import { randomFloats, seededRandom } from './random.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

interface ConvCase {
  label: string;
  samples: number;
  spatial: number[];
  channels: number;
  filters: number;
  kernel: number[];
  strides?: number[];
  dilations?: number[];
  padding: ConvPadding;
  groups?: number;
}

const CONV_CASES: ConvCase[] = [
  { label: '1-D as the CNN-LSTM files (7 steps, k 3, 64 filters)', samples: 4, spatial: [7], channels: 1, filters: 64, kernel: [3], padding: 'valid' },
  { label: '1-D same, stride 2, odd filters', samples: 3, spatial: [13], channels: 5, filters: 7, kernel: [3], strides: [2], padding: 'same' },
  { label: '1-D causal, dilation 2', samples: 2, spatial: [10], channels: 3, filters: 5, kernel: [4], dilations: [2], padding: 'causal' },
  { label: '1-D same, dilation 3, 3 groups', samples: 2, spatial: [9], channels: 6, filters: 9, kernel: [2], dilations: [3], padding: 'same', groups: 3 },
  { label: '1-D causal, 2 groups of 6 filters (not a multiple of 4)', samples: 3, spatial: [11], channels: 4, filters: 12, kernel: [3], padding: 'causal', groups: 2 },
  { label: '1-D single step, single filter', samples: 1, spatial: [1], channels: 1, filters: 1, kernel: [1], padding: 'valid' },
  { label: '1-D stride 3, wide input', samples: 2, spatial: [17], channels: 33, filters: 17, kernel: [5], strides: [3], padding: 'valid' },
  { label: '1-D kernel as long as the input, same', samples: 2, spatial: [5], channels: 2, filters: 3, kernel: [5], padding: 'same' },
  { label: '1-D stride above the kernel', samples: 2, spatial: [12], channels: 3, filters: 4, kernel: [2], strides: [5], padding: 'same' },
  { label: '1-D chunks shorter than the output (K = 873)', samples: 2, spatial: [150], channels: 97, filters: 5, kernel: [9], padding: 'same' },
  { label: '1-D the bench point (T 200, D 8, 64 filters)', samples: 3, spatial: [200], channels: 8, filters: 64, kernel: [3], padding: 'valid' },
  { label: '2-D same, strides (2, 1), kernel (3, 2)', samples: 2, spatial: [5, 7], channels: 3, filters: 4, kernel: [3, 2], strides: [2, 1], padding: 'same' },
  { label: '2-D valid, dilation 2, 2 groups', samples: 2, spatial: [6, 6], channels: 4, filters: 6, kernel: [3, 3], dilations: [2, 2], padding: 'valid', groups: 2 },
  { label: '2-D 1x1', samples: 3, spatial: [4, 5], channels: 1, filters: 1, kernel: [1, 1], padding: 'valid' },
  { label: '2-D as the LRCN file (3 channels, 16 filters, same)', samples: 1, spatial: [24, 24], channels: 3, filters: 16, kernel: [3, 3], padding: 'same' },
  { label: '2-D chunks across samples (K = 450)', samples: 3, spatial: [9, 11], channels: 50, filters: 9, kernel: [3, 3], strides: [2, 2], padding: 'same' },
  { label: '3-D same, strides (1, 2, 1)', samples: 2, spatial: [3, 4, 5], channels: 2, filters: 3, kernel: [2, 3, 2], strides: [1, 2, 1], padding: 'same' },
  { label: '3-D valid, dilation (1, 2, 1), 4 groups', samples: 1, spatial: [4, 5, 4], channels: 4, filters: 8, kernel: [2, 2, 2], dilations: [1, 2, 1], padding: 'valid', groups: 4 },
];

function reference(values: Float32Array, shape: number[]): ReferenceTensor {
  return { shape, data: Float64Array.from(values) };
}

function lift(values: number[]): Extents3 {
  const padded = [...Array(3 - values.length).fill(1), ...values];
  return [padded[0], padded[1], padded[2]];
}

function runCase(c: ConvCase, seed: number, withBias: boolean, activation: 'linear' | 'relu') {
  const random = seededRandom(seed);
  const rank = c.spatial.length;
  const strides = c.strides ?? Array(rank).fill(1);
  const dilations = c.dilations ?? Array(rank).fill(1);
  const groups = c.groups ?? 1;
  const xShape = [c.samples, ...c.spatial, c.channels];
  const kShape = [...c.kernel, c.channels / groups, c.filters];
  const depth = kShape.slice(0, -1).reduce((a, b) => a * b, 1);
  const x = randomFloats(random, xShape.reduce((a, b) => a * b, 1));
  const kernel = randomFloats(random, kShape.reduce((a, b) => a * b, 1), 1 / Math.sqrt(depth));
  const bias = withBias ? randomFloats(random, c.filters, 0.5) : null;
  const instance = defaultInstance();
  const weights = packConvWeights(instance, { kernel: lift(c.kernel), channels: c.channels, filters: c.filters, groups }, kernel, bias, 'test');
  try {
    const geometry = callGeometry(xShape, { kernel: c.kernel, strides, dilations, padding: c.padding }, c.filters, groups);
    expect(convScratchBytes(geometry, 'test')).toBe(kernelConvScratchBytes(instance, geometry));
    const output = { elementwise: activation === 'relu' ? ActivationId.relu : ActivationId.linear };
    const actual = runConv(weights, x, geometry, output, 'test');
    const expected = convRef(reference(x, xShape), reference(kernel, kShape), bias && reference(bias, [c.filters]), { strides, dilations, padding: c.padding }, groups, activation);
    expectClose({ shape: expected.shape, data: actual }, expected, { label: c.label });
    return { geometry, weights, x };
  } finally {
    releaseConvWeights(weights);
  }
}

describe('conv_forward against the float64 reference', () => {
  CONV_CASES.forEach((c, i) => {
    it(`${c.label}: with bias and relu`, () => {
      runCase(c, 100 + i, true, 'relu');
    });
    it(`${c.label}: without bias, linear`, () => {
      runCase(c, 200 + i, false, 'linear');
    });
  });
});

interface PoolCase {
  label: string;
  samples: number;
  spatial: number[];
  channels: number;
  pool: number[];
  strides?: number[];
  padding: 'valid' | 'same';
}

const POOL_CASES: PoolCase[] = [
  { label: '1-D pool 2 (the CNN-LSTM files)', samples: 4, spatial: [5], channels: 64, pool: [2], padding: 'valid' },
  { label: '1-D pool 3, stride 2, same, odd channels', samples: 3, spatial: [7], channels: 5, pool: [3], strides: [2], padding: 'same' },
  { label: '1-D pool 5, stride 1, same (windows clipped at both ends)', samples: 2, spatial: [6], channels: 3, pool: [5], strides: [1], padding: 'same' },
  { label: '1-D pool larger than stride, valid', samples: 2, spatial: [122], channels: 1, pool: [5], strides: [2], padding: 'valid' },
  { label: '2-D pool (2, 3), stride 2, same', samples: 2, spatial: [5, 7], channels: 3, pool: [2, 3], strides: [2, 2], padding: 'same' },
  { label: '2-D pool 4 as the LRCN file', samples: 2, spatial: [16, 16], channels: 16, pool: [4, 4], padding: 'valid' },
  { label: '3-D pool (1, 2, 2), same, odd rows (the ConvLSTM file)', samples: 2, spatial: [3, 5, 5], channels: 4, pool: [1, 2, 2], padding: 'same' },
  { label: '3-D pool 2, stride 1, valid', samples: 1, spatial: [3, 4, 5], channels: 6, pool: [2, 2, 2], strides: [1, 1, 1], padding: 'valid' },
];

describe('pool_forward against the float64 reference', () => {
  POOL_CASES.forEach((c, i) => {
    for (const mode of ['max', 'average'] as const) {
      it(`${c.label}: ${mode}`, () => {
        const random = seededRandom(300 + i);
        const rank = c.spatial.length;
        const strides = c.strides ?? c.pool;
        const xShape = [c.samples, ...c.spatial, c.channels];
        // Negative values everywhere: a padded tap counted as 0 would win the max.
        const x = randomFloats(random, xShape.reduce((a, b) => a * b, 1)).map((v) => v - 2);
        const geometry = callGeometry(xShape, { kernel: c.pool, strides, dilations: Array(rank).fill(1), padding: c.padding }, c.channels, 1);
        const actual = runPool(defaultInstance(), x, geometry, mode === 'max' ? PoolMode.max : PoolMode.average, 'test');
        const expected = poolRef(reference(x, xShape), { kernel: c.pool, strides, padding: c.padding }, mode);
        expectClose({ shape: expected.shape, data: actual }, expected, { label: c.label });
      });
    }
  });
});

describe('convolution memory', () => {
  it('stays flat across repeated calls once the first has grown it', () => {
    const c = CONV_CASES[9];
    runCase(c, 7, true, 'linear');
    const warm = memoryBytes();
    const allocated = defaultInstance().heap.allocatedBytes;
    for (let i = 0; i < 3; i++) runCase(c, 7, true, 'linear');
    expect(memoryBytes()).toBe(warm);
    expect(defaultInstance().heap.allocatedBytes).toBe(allocated);
  });
});
