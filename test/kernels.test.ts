// SIMD kernels against plain float64 arithmetic, table-driven over awkward
// sizes (1, 3, 5, 17, 33, 97): activations, the packed GEMM, and every cell
// through whole layers against the scalar reference in test/reference.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, SimpleRNN, LSTM, GRU, Bidirectional, type RecurrentLayer, type MergeMode } from '../dist/index.js';
import { defaultInstance } from '../dist/kernels/default-instance.js';
import { ActivationId } from '../dist/kernels/ids.js';
import { CELL_LIST } from '../dist/kernels/cells.js';
import { PACKED_INTERLEAVED } from '../dist/kernels/stream-program.js';
import {
  referenceActivation, referenceBidirectional, referenceRecurrent,
  type CellKind, type ReferenceRecurrentSpec, type ReferenceTensor,
} from './reference/index.js';
import { expectClose } from './expect-close.js';
import { testKernelVariant } from './kernel-variant.js';
import { withBuffers } from './heap-buffers.js';
import { randomFloats, randomMask, seededRandom } from './random.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

function asReference(data: Float32Array, shape: number[]): ReferenceTensor {
  return { shape, data: Float64Array.from(data) };
}

describe('f32_vactivate against float64', () => {
  const cases: [string, ActivationId, string, 'keras2' | 'keras3'][] = [
    ['tanh', ActivationId.tanh, 'tanh', 'keras3'],
    ['sigmoid', ActivationId.sigmoid, 'sigmoid', 'keras3'],
    ['hard_sigmoid keras3', ActivationId.hardSigmoidKeras3, 'hard_sigmoid', 'keras3'],
    ['hard_sigmoid keras2', ActivationId.hardSigmoidKeras2, 'hard_sigmoid', 'keras2'],
    ['relu', ActivationId.relu, 'relu', 'keras3'],
    ['relu6', ActivationId.relu6, 'relu6', 'keras3'],
    ['silu', ActivationId.silu, 'silu', 'keras3'],
    ['linear', ActivationId.linear, 'linear', 'keras3'],
    ['elu', ActivationId.elu, 'elu', 'keras3'],
    ['selu', ActivationId.selu, 'selu', 'keras3'],
    ['softsign', ActivationId.softsign, 'softsign', 'keras3'],
  ];
  // Dense near zero, where tanh must not cancel, plus saturation far beyond exp's range.
  const inputs = new Float32Array([
    ...Array.from({ length: 2001 }, (_, i) => (i - 1000) / 100),
    ...Array.from({ length: 201 }, (_, i) => (i - 100) * 1e-6),
    -1e30, -500, -88.5, -87.5, -50, 50, 87.5, 88.5, 500, 1e30, 0, -0, 1e-30, -1e-30,
  ]);

  // tanh is Eigen's rational approximation (as in TensorFlow and onnxruntime): a few ulp, 3.4e-7 at worst.
  const bound = (label: string) => (label === 'tanh' ? 4e-7 : 2.5e-7);
  for (const [label, id, name, variant] of cases) {
    it(`${label}: finite, and within ${bound(label)} relative (absolute below 0.5)`, () => {
      const reference = referenceActivation(name, variant);
      const actual = withBuffers([inputs.length, inputs.length], ([x, out]) => {
        const { exports, heap } = defaultInstance();
        heap.f32(x, inputs.length).set(inputs);
        exports.f32_vactivate(out, x, inputs.length, id);
        return heap.f32(out, inputs.length).slice();
      });
      let worst = 0;
      let worstAt = 0;
      for (let i = 0; i < inputs.length; i++) {
        expect(Number.isFinite(actual[i]), `${label}(${inputs[i]}) = ${actual[i]}`).toBe(true);
        const expected = reference(inputs[i]);
        const error = Math.abs(actual[i] - expected) / Math.max(Math.abs(expected), 0.5);
        if (error > worst) [worst, worstAt] = [error, i];
      }
      expect(worst, `worst at x=${inputs[worstAt]}: ${actual[worstAt]} vs ${reference(inputs[worstAt])}`).toBeLessThan(bound(label));
    });
  }

  it('exponential: within 2.5e-7 relative up to log(FLT_MAX), Infinity past it, as Keras overflows', () => {
    const xs = Float32Array.from([-100, -87.5, -20, -1, -1e-6, 0, 1e-6, 1, 20, 60, 88.5, 88.72, 88.73, 100, 1e30]);
    const actual = withBuffers([xs.length, xs.length], ([x, out]) => {
      const { exports, heap } = defaultInstance();
      heap.f32(x, xs.length).set(xs);
      exports.f32_vactivate(out, x, xs.length, ActivationId.exponential);
      return heap.f32(out, xs.length).slice();
    });
    xs.forEach((v, i) => {
      const expected = Math.fround(Math.exp(v));
      if (expected === Infinity) expect(actual[i], `exp(${v})`).toBe(Infinity);
      else expect(Math.abs(actual[i] - expected) / Math.max(expected, 1e-30), `exp(${v}) = ${actual[i]}`).toBeLessThan(2.5e-7);
    });
  });

  it('the recurrent gate sigmoid (0.5 + 0.5 tanh(x/2)) is within 2e-7 absolute, read through lstm_gates', () => {
    // With the forget gate at 0 and the candidate at tanh(+big) = 1, the new cell state is exactly the input gate.
    const n = inputs.length;
    const Hp = Math.ceil(n / 4) * 4;
    const sigmoid = referenceActivation('sigmoid', 'keras3');
    const cell = withBuffers([Hp, Hp, 4 * Hp], ([h, c, pre]) => {
      const { exports, heap } = defaultInstance();
      const gates = heap.f32(pre, 4 * Hp);
      gates.fill(0);
      gates.set(inputs, 0);
      gates.fill(-1e30, Hp, 2 * Hp);
      gates.fill(1e30, 2 * Hp, 3 * Hp);
      heap.f32(c, Hp).fill(0.75);
      exports.lstm_gates(h, c, pre, Hp, ActivationId.tanh, ActivationId.sigmoid);
      return heap.f32(c, Hp).slice(0, n);
    });
    let worst = 0;
    let worstAt = 0;
    cell.forEach((v, i) => {
      const error = Math.abs(v - sigmoid(inputs[i]));
      if (!(error <= worst)) [worst, worstAt] = [error, i];
    });
    expect(worst, `worst at x=${inputs[worstAt]}: ${cell[worstAt]}`).toBeLessThan(2e-7);
  });

  it('tanh keeps relative accuracy for tiny inputs', () => {
    const tiny = Float32Array.from([1e-3, -2e-4, 3e-5, 7e-8]);
    const actual = withBuffers([4, 4], ([x, out]) => {
      const { exports, heap } = defaultInstance();
      heap.f32(x, 4).set(tiny);
      exports.f32_vactivate(out, x, 4, ActivationId.tanh);
      return heap.f32(out, 4).slice();
    });
    tiny.forEach((v, i) => expect(Math.abs(actual[i] - Math.tanh(v)) / Math.abs(Math.tanh(v))).toBeLessThan(2e-7));
  });

  it('handles lengths that are not a multiple of four', () => {
    for (const n of [1, 2, 3, 5, 7]) {
      const values = Float32Array.from({ length: n }, (_, i) => i - 2.5);
      const actual = withBuffers([n + 4, n + 4], ([x, out]) => {
        const { exports, heap } = defaultInstance();
        heap.f32(x, n).set(values);
        heap.f32(out, n + 4).fill(123);
        exports.f32_vactivate(out, x, n, ActivationId.sigmoid);
        return heap.f32(out, n + 4).slice();
      });
      values.forEach((v, i) => expect(actual[i]).toBeCloseTo(1 / (1 + Math.exp(-v)), 6));
      expect(actual[n]).toBe(123);
    }
  });
});

interface GemmCase {
  a: Float32Array; b: Float32Array; bias: Float32Array; c0: Float32Array;
  M: number; N: number; K: number; lda: number; ldc: number; accumulate: boolean;
}

/** Seeded operands of one product: a (M, lda), b (K, N), bias (N), c0 (M, ldc = N + 4). */
function gemmCase(M: number, N: number, K: number, lda: number, seed: number, accumulate: boolean): GemmCase {
  const random = seededRandom(seed);
  const ldc = N + 4;
  const a = randomFloats(random, M * lda);
  const b = randomFloats(random, K * N);
  const bias = randomFloats(random, N);
  const c0 = randomFloats(random, M * ldc);
  return { a, b, bias, c0, M, N, K, lda, ldc, accumulate };
}

/** c (M, ldc) against the float64 triple loop of [c0 +] bias + a·b; the columns past N untouched. */
function expectGemmReference(c: Float32Array, { a, b, bias, c0, M, N, K, lda, ldc, accumulate }: GemmCase): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < ldc; j++) {
      if (j >= N) {
        expect(c[i * ldc + j], 'columns past N are untouched').toBe(c0[i * ldc + j]);
        continue;
      }
      let sum = bias[j] + (accumulate ? c0[i * ldc + j] : 0);
      for (let k = 0; k < K; k++) sum += a[i * lda + k] * b[k * N + j];
      expect(Math.abs(c[i * ldc + j] - sum)).toBeLessThan(1e-5 * (1 + Math.abs(sum)) * Math.sqrt(K));
    }
  }
}

describe('f32_gemm against a float64 triple loop', () => {
  const shapes: [number, number, number][] = [
    [1, 4, 1], [1, 8, 3], [1, 24, 5], [1, 36, 33], [1, 60, 17], [1, 64, 9], [3, 12, 5], [4, 16, 17], [5, 36, 33], [7, 20, 97], [9, 100, 64], [17, 4, 2],
    // Batch-1 tails: 1x16 then a half 1x8, 1x24 then 1x8, and several rows ending in half panels.
    [1, 20, 4], [1, 32, 6], [2, 52, 10], [6, 100, 11],
    // Several row groups of the packing buffer, and rows too long for it (read in place).
    [70, 20, 1000], [6, 12, 4100],
  ];
  for (const [M, N, K] of shapes) {
    for (const accumulate of [false, true]) {
      it(`M=${M} N=${N} K=${K} accumulate=${accumulate}`, () => {
        // Strided rows, as the kernels use them.
        const { a, b, bias, c0, lda, ldc } = gemmCase(M, N, K, K + 3, M * 1000 + N * 10 + K, accumulate);
        const { exports, heap } = defaultInstance();
        const packedFloats = exports.f32_packed_size(K, N);
        const packFloats = exports.f32_gemm_pack_bytes(M, K) / 4;
        const c = withBuffers([M * lda, K * N, N, M * ldc, packedFloats, packFloats], ([pa, pb, pbias, pc, packed, pack]) => {
          heap.f32(pa, a.length).set(a);
          heap.f32(pb, b.length).set(b);
          heap.f32(pbias, N).set(bias);
          heap.f32(pc, c0.length).set(c0);
          exports.f32_gemm_pack_weights(packed, pb, N, pbias, K, 1, N, N);
          exports.f32_gemm(pc, ldc, pa, lda, packed, M, N, K, accumulate ? 1 : 0, pack);
          return heap.f32(pc, c0.length).slice();
        });
        expectGemmReference(c, { a, b, bias, c0, M, N, K, lda, ldc, accumulate });
      });
    }
  }
});

describe('f32_gemm on interleaved panels (a stream\'s one-row layout)', () => {
  // Runs of four panels (32 columns) interleaved, then leftover panels as packed: N = 32, 36, 64,
  // 100 (three runs and a half panel), 136; several rows (each a one-row product) and one.
  const shapes: [number, number, number][] = [[1, 32, 1], [1, 36, 5], [1, 64, 9], [1, 100, 33], [1, 136, 17], [2, 32, 7], [3, 100, 64]];
  for (const [M, N, K] of shapes) {
    for (const accumulate of [false, true]) {
      it(`M=${M} N=${N} K=${K} accumulate=${accumulate}: the panels' bits, and the float64 loop`, () => {
        const { a, b, bias, c0, lda, ldc } = gemmCase(M, N, K, K + 1, M * 1000 + N * 10 + K + 7, accumulate);
        const { exports, heap } = defaultInstance();
        const packedFloats = exports.f32_packed_size(K, N);
        const packFloats = exports.f32_gemm_pack_bytes(M, K) / 4;
        const [plain, interleaved] = withBuffers(
          [M * lda, K * N, N, M * ldc, packedFloats, packFloats, (K + 1) * 32],
          ([pa, pb, pbias, pc, packed, pack, scratch]) => {
            heap.f32(pa, a.length).set(a);
            heap.f32(pb, b.length).set(b);
            heap.f32(pbias, N).set(bias);
            exports.f32_gemm_pack_weights(packed, pb, N, pbias, K, 1, N, N);
            const run = (tag: number) => {
              heap.f32(pc, c0.length).set(c0);
              exports.f32_gemm(pc, ldc, pa, lda, packed + tag, M, N, K, accumulate ? 1 : 0, pack);
              return heap.f32(pc, c0.length).slice();
            };
            const before = run(0);
            exports.f32_gemm_interleave_panels(packed, K, N, scratch);
            return [before, run(PACKED_INTERLEAVED)];
          },
        );
        expect(Array.from(interleaved), 'the same sums in the same order').toEqual(Array.from(plain));
        expectGemmReference(interleaved, { a, b, bias, c0, M, N, K, lda, ldc, accumulate });
      });
    }
  }
});

interface LayerCase {
  cell: CellKind;
  resetAfter?: boolean;
  batch: number;
  timesteps: number;
  features: number;
  units: number;
}

/** Each row of the cell table as the layer that runs it: a new cell is a new row here too. */
const LAYER_FOR_CELL: Record<string, Pick<LayerCase, 'cell' | 'resetAfter'>> = {
  simple_rnn: { cell: 'SimpleRNN' },
  lstm: { cell: 'LSTM' },
  gru_reset_after: { cell: 'GRU', resetAfter: true },
  gru_reset_before: { cell: 'GRU', resetAfter: false },
};

/** (B, T, D, H) at awkward sizes, run through every cell. */
const ODD_SHAPES: [number, number, number, number][] = [[1, 1, 1, 1], [3, 17, 5, 33], [5, 9, 17, 5], [7, 5, 33, 3], [1, 3, 2, 37]];

const LAYER_CASES: LayerCase[] = [
  ...CELL_LIST.flatMap((row) => {
    const layer = LAYER_FOR_CELL[row.kernel];
    if (!layer) throw new Error(`test/kernels.test.ts: no layer for the cell table's row ${row.kernel}; add it to LAYER_FOR_CELL`);
    return ODD_SHAPES.map(([batch, timesteps, features, units]) => ({ ...layer, batch, timesteps, features, units }));
  }),
  { cell: 'LSTM', batch: 6, timesteps: 33, features: 3, units: 97 },
  { cell: 'GRU', resetAfter: true, batch: 2, timesteps: 40, features: 1, units: 17 },
  // Long enough for several projection chunks (the host sizes a chunk at 2^18 floats): 64 + 64 + 22 steps.
  { cell: 'LSTM', batch: 8, timesteps: 150, features: 3, units: 125 },
  { cell: 'GRU', resetAfter: false, batch: 16, timesteps: 330, features: 2, units: 33 },
];

const VARIANTS = [
  { returnSequences: false, returnState: true, goBackwards: false, masked: false, initialState: false, zeroOutputForMask: false },
  { returnSequences: true, returnState: true, goBackwards: true, masked: false, initialState: true, zeroOutputForMask: false },
  { returnSequences: true, returnState: true, goBackwards: false, masked: true, initialState: true, zeroOutputForMask: false },
  { returnSequences: true, returnState: false, goBackwards: true, masked: true, initialState: false, zeroOutputForMask: true },
  { returnSequences: false, returnState: true, goBackwards: true, masked: true, initialState: true, zeroOutputForMask: true },
];

function createLayer(c: LayerCase, options: Record<string, unknown>): RecurrentLayer {
  const common = { units: c.units, ...options };
  if (c.cell === 'SimpleRNN') return new SimpleRNN(common as never);
  if (c.cell === 'LSTM') return new LSTM(common as never);
  return new GRU({ ...(common as never as object), resetAfter: c.resetAfter } as never);
}

function specFor(c: LayerCase, v: (typeof VARIANTS)[number]): ReferenceRecurrentSpec {
  return {
    cell: c.cell, units: c.units, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true,
    resetAfter: c.resetAfter ?? true, returnSequences: v.returnSequences, returnState: v.returnState,
    goBackwards: v.goBackwards, zeroOutputForMask: v.zeroOutputForMask, hardSigmoidVariant: 'keras3',
  };
}

describe('recurrent layers against the float64 reference on odd sizes', () => {
  for (const c of LAYER_CASES) {
    VARIANTS.forEach((v, variantIndex) => {
      const label = `${c.cell}${c.resetAfter === false ? ' reset_before' : ''} B=${c.batch} T=${c.timesteps} D=${c.features} H=${c.units} variant ${variantIndex}`;
      it(label, () => {
        const random = seededRandom(c.units * 7919 + c.timesteps * 31 + variantIndex);
        const { returnSequences, returnState, goBackwards, zeroOutputForMask } = v;
        const layer = createLayer(c, { returnSequences, returnState, goBackwards, zeroOutputForMask, seed: variantIndex });
        const x = randomFloats(random, c.batch * c.timesteps * c.features, 2);
        layer.build([c.batch, c.timesteps, c.features]);
        const weights = layer.getWeights();
        const mask = v.masked ? randomMask(random, c.batch, c.timesteps) : undefined;
        const stateCount = layer.stateNames.length;
        const states = v.initialState ? Array.from({ length: stateCount }, () => randomFloats(random, c.batch * c.units)) : undefined;
        const actual = layer.call(tensor(x, [c.batch, c.timesteps, c.features]), {
          mask: mask && tensor(mask, [c.batch, c.timesteps]),
          initialState: states?.map((s) => tensor(s, [c.batch, c.units])),
        });
        const expected = referenceRecurrent(
          specFor(c, v),
          weights.map((w) => asReference(w.data, [...w.shape])),
          asReference(x, [c.batch, c.timesteps, c.features]),
          {
            mask: mask && asReference(mask, [c.batch, c.timesteps]),
            initialState: states?.map((s) => asReference(s, [c.batch, c.units])),
          },
        );
        expectClose(actual, expected);
        layer.dispose();
      });
    });
  }
});

describe('Bidirectional against the float64 reference', () => {
  const modes: MergeMode[] = ['concat', 'sum', 'mul', 'ave', null];
  const cells: LayerCase[] = [
    { cell: 'LSTM', batch: 3, timesteps: 7, features: 5, units: 6 },
    { cell: 'GRU', resetAfter: false, batch: 2, timesteps: 9, features: 3, units: 5 },
    { cell: 'SimpleRNN', batch: 4, timesteps: 4, features: 2, units: 9 },
  ];
  for (const c of cells) {
    for (const mergeMode of modes) {
      for (const returnSequences of [true, false]) {
        it(`${c.cell} merge ${String(mergeMode)} returnSequences=${returnSequences} masked, with states`, () => {
          const random = seededRandom(c.units * 17 + (returnSequences ? 1 : 0));
          const inner = createLayer(c, { returnSequences, returnState: true, seed: 5 });
          const layer = new Bidirectional(inner, { mergeMode });
          layer.build([c.batch, c.timesteps, c.features]);
          const weights = layer.getWeights();
          const x = randomFloats(random, c.batch * c.timesteps * c.features, 2);
          const mask = randomMask(random, c.batch, c.timesteps);
          const stateCount = 2 * inner.stateNames.length;
          const states = Array.from({ length: stateCount }, () => randomFloats(random, c.batch * c.units));
          const actual = layer.call(tensor(x, [c.batch, c.timesteps, c.features]), {
            mask: tensor(mask, [c.batch, c.timesteps]),
            initialState: states.map((s) => tensor(s, [c.batch, c.units])),
          });
          const spec = specFor(c, { ...VARIANTS[0], returnSequences, returnState: true });
          const expected = referenceBidirectional(
            spec, mergeMode, weights.map((w) => asReference(w.data, [...w.shape])),
            asReference(x, [c.batch, c.timesteps, c.features]),
            { mask: asReference(mask, [c.batch, c.timesteps]), initialState: states.map((s) => asReference(s, [c.batch, c.units])) },
          );
          expectClose(actual, expected);
          layer.dispose();
        });
      }
    }
  }
});

describe('a row does not depend on its batch neighbours', () => {
  // Batch 1 runs the GEMV kernels (1x24, 1x16, 1x8), batches run 4x8 and 1x8: all sum in one order.
  const cells: [string, () => RecurrentLayer][] = [
    ['LSTM', () => new LSTM({ units: 13, seed: 4, returnSequences: true })],
    ['GRU reset_after', () => new GRU({ units: 29, seed: 6, returnSequences: true })],
    ['GRU reset_before', () => new GRU({ units: 29, seed: 6, resetAfter: false, returnSequences: true })],
    ['SimpleRNN', () => new SimpleRNN({ units: 50, seed: 8, returnSequences: true })],
  ];
  for (const [name, create] of cells) {
    it(`${name} and Dense give bit-identical rows alone and inside a batch of 7`, async () => {
      const { Dense } = await import('../dist/index.js');
      const random = seededRandom(77);
      const layer = create();
      const dense = new Dense({ units: 9, seed: 5 });
      const x = tensor(randomFloats(random, 7 * 6 * 5), [7, 6, 5]);
      const batchOut = layer.apply(x) as ReturnType<typeof tensor>;
      const batchDense = dense.apply(batchOut);
      const rowFloats = 6 * layer.units;
      for (let b = 0; b < 7; b++) {
        const row = tensor(x.data.slice(b * 30, (b + 1) * 30), [1, 6, 5]);
        const alone = layer.apply(row) as ReturnType<typeof tensor>;
        expect(alone.data).toEqual(batchOut.data.slice(b * rowFloats, (b + 1) * rowFloats));
        expect(dense.apply(alone).data).toEqual(batchDense.data.slice(b * 54, (b + 1) * 54));
      }
      layer.dispose();
      dense.dispose();
    });
  }
});
