// The backward kernels against plain float64: the transposed GEMM, the
// transposed packing and column sums against triple loops, and backpropagation
// through time for every row of the cell table (and both Bidirectional
// directions with each merge) against the float64 reference on odd shapes.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, RuntimeError } from '../dist/index.js';
import { defaultInstance } from '../dist/kernels/default-instance.js';
import { ActivationId } from '../dist/kernels/ids.js';
import { CELL_LIST, type CellSpec } from '../dist/kernels/cells.js';
import { packRecurrentWeights, releasePackedWeights, type DirectionMerge } from '../dist/kernels/recurrent.js';
import { runRecurrentTraining } from '../dist/kernels/backward.js';
import { referenceRecurrent, recurrentSpec, type ReferenceRecurrentSpec, type ReferenceTensor } from './reference/index.js';
import { referenceRecurrentBackward } from './reference/recurrent-backward.js';
import { maxViolation } from './fixtures.js';
import { testKernelVariant } from './kernel-variant.js';
import { withBuffers } from './heap-buffers.js';
import { randomFloats, randomMask, seededRandom } from './random.js';
import { weightShapesFor } from './training-helpers.js';

// float32 against float64 over sums of B*T products: the forward fixtures' bound, ten times looser.
const TOLERANCE = { abs: 1e-4, rel: 1e-3 };

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tolerance = TOLERANCE): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const { worst, index } = maxViolation(actual, expected, tolerance);
  expect(worst, `${what}[${index}]: ${actual[index]} vs ${expected[index]}`).toBeLessThanOrEqual(1);
}

describe('f32_gemm_tn against a float64 triple loop', () => {
  // Past one packed chunk: K > 128 rows, M > 256 columns of a, N ending on a half panel.
  const shapes: [number, number, number][] = [[1, 4, 1], [3, 12, 5], [4, 8, 7], [5, 20, 33], [7, 36, 300], [17, 4, 129], [2, 16, 0], [261, 12, 130], [6, 44, 257]];
  for (const [M, N, K] of shapes) {
    for (const accumulate of [false, true]) {
      it(`M=${M} N=${N} K=${K} accumulate=${accumulate}`, () => {
        const random = seededRandom(M * 7919 + N * 31 + K);
        const lda = M + 3;
        const ldb = N + 4;
        const ldc = N + 8;
        const a = randomFloats(random, K * lda);
        const b = randomFloats(random, K * ldb);
        const c0 = randomFloats(random, M * ldc);
        const { exports, heap } = defaultInstance();
        const c = withBuffers([Math.max(1, K * lda), Math.max(1, K * ldb), M * ldc, exports.f32_gemm_tn_scratch_bytes() / 4], ([pa, pb, pc, scratch]) => {
          heap.f32(pa, a.length).set(a);
          heap.f32(pb, b.length).set(b);
          heap.f32(pc, c0.length).set(c0);
          exports.f32_gemm_tn(pc, ldc, pa, lda, pb, ldb, M, N, K, accumulate ? 1 : 0, scratch);
          return heap.f32(pc, c0.length).slice();
        });
        for (let i = 0; i < M; i++) {
          for (let j = 0; j < ldc; j++) {
            if (j >= N) {
              expect(c[i * ldc + j], 'columns past N are untouched').toBe(c0[i * ldc + j]);
              continue;
            }
            let sum = accumulate ? c0[i * ldc + j] : 0;
            for (let k = 0; k < K; k++) sum += a[k * lda + i] * b[k * ldb + j];
            expect(Math.abs(c[i * ldc + j] - sum)).toBeLessThan(1e-5 * (1 + Math.abs(sum)) * Math.sqrt(K + 1));
          }
        }
      });
    }
  }
});

describe('f32_packed_transpose', () => {
  it.each([[1, 1, 1, 4], [3, 5, 3, 8], [4, 7, 2, 8], [1, 9, 5, 12], [2, 3, 17, 20], [1, 8, 8, 8], [3, 12, 33, 12], [4, 64, 64, 64]])(
    'G=%i H=%i N=%i Hp=%i: the transpose of the forward packing is what f32_gemm_pack_transposed packs from Keras layout',
    (G, H, N, Hp) => {
      const random = seededRandom(G * 1000 + H * 10 + N);
      const { exports, heap } = defaultInstance();
      const Np = Math.ceil(N / 4) * 4;
      const src = randomFloats(random, N * G * H);
      const bias = randomFloats(random, G * H);
      const forwardFloats = exports.f32_packed_size(N, G * Hp);
      const transposedFloats = exports.f32_packed_size(G * Hp, Np);
      const [fromPacked, fromKeras] = withBuffers([src.length, bias.length, forwardFloats, transposedFloats, transposedFloats], ([ps, pbias, forward, t1, t2]) => {
        heap.f32(ps, src.length).set(src);
        heap.f32(pbias, bias.length).set(bias);
        heap.f32(t1, transposedFloats).fill(Number.NaN);
        exports.f32_gemm_pack_weights(forward, ps, G * H, pbias, N, G, H, Hp);
        exports.f32_packed_transpose(t1, forward, N, G * Hp);
        exports.f32_gemm_pack_transposed(t2, ps, G * H, G, H, Hp, N, Np);
        return [heap.f32(t1, transposedFloats).slice(), heap.f32(t2, transposedFloats).slice()];
      });
      expect(Array.from(fromPacked)).toEqual(Array.from(fromKeras));
    },
  );
});

describe('f32_gemm_pack_transposed and f32_column_sums', () => {
  it.each([[1, 1, 1, 4], [3, 5, 3, 8], [4, 7, 2, 8], [1, 9, 5, 12], [2, 3, 17, 20]])('G=%i H=%i N=%i Hp=%i: dPre (rows, G*Hp) · packed = dPre · srcᵀ', (G, H, N, Hp) => {
    const random = seededRandom(G * 100 + H * 10 + N);
    const { exports, heap } = defaultInstance();
    const rows = 5;
    const Np = Math.ceil(N / 4) * 4;
    const src = randomFloats(random, N * G * H);
    const a = randomFloats(random, rows * G * Hp);
    // Padding columns of a gradient are zero, as the kernels keep them.
    for (let r = 0; r < rows; r++) for (let k = 0; k < G * Hp; k++) if (k % Hp >= H) a[r * G * Hp + k] = 0;
    const packedFloats = exports.f32_packed_size(G * Hp, Np);
    const [product, sums] = withBuffers([src.length, a.length, packedFloats, rows * Np, exports.f32_gemm_pack_bytes(rows, G * Hp) / 4, G * Hp], ([ps, pa, packed, pc, pack, psum]) => {
      heap.f32(ps, src.length).set(src);
      heap.f32(pa, a.length).set(a);
      exports.f32_gemm_pack_transposed(packed, ps, G * H, G, H, Hp, N, Np);
      exports.f32_gemm(pc, Np, pa, G * Hp, packed, rows, Np, G * Hp, 0, pack);
      exports.f32_column_sums(psum, pa, G * Hp, rows, G * Hp, 0);
      return [heap.f32(pc, rows * Np).slice(), heap.f32(psum, G * Hp).slice()];
    });
    for (let r = 0; r < rows; r++) {
      for (let n = 0; n < Np; n++) {
        let sum = 0;
        if (n < N) for (let g = 0; g < G; g++) for (let j = 0; j < H; j++) sum += a[r * G * Hp + g * Hp + j] * src[n * G * H + g * H + j];
        expect(product[r * Np + n]).toBeCloseTo(sum, 5);
      }
    }
    for (let k = 0; k < G * Hp; k++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += a[r * G * Hp + k];
      expect(sums[k]).toBeCloseTo(sum, 5);
    }
  });
});

/** The reference spec of a cell-table row. */
function specOf(cell: CellSpec, units: number, overrides: Partial<ReferenceRecurrentSpec>): ReferenceRecurrentSpec {
  return recurrentSpec(cell.kerasClass, units, { resetAfter: cell.kernel === 'gru_reset_after', ...overrides });
}

const ACTIVATION_IDS: Record<string, number> = {
  tanh: ActivationId.tanh, sigmoid: ActivationId.sigmoid, relu: ActivationId.relu, silu: ActivationId.silu,
  hard_sigmoid: ActivationId.hardSigmoidKeras3, linear: ActivationId.linear, elu: ActivationId.elu, softsign: ActivationId.softsign,
};

interface Variant {
  label: string;
  B: number;
  T: number;
  D: number;
  H: number;
  overrides: Partial<ReferenceRecurrentSpec>;
  masked: boolean;
  initialState: boolean;
  finalStateGradients: boolean;
}

const VARIANTS: Variant[] = [
  { label: 'B=1 T=1 last output', B: 1, T: 1, D: 1, H: 1, overrides: {}, masked: false, initialState: false, finalStateGradients: false },
  { label: 'B=3 T=7 sequences', B: 3, T: 7, D: 5, H: 5, overrides: { returnSequences: true }, masked: false, initialState: false, finalStateGradients: false },
  { label: 'B=5 T=13 mask, initial state, final-state gradients', B: 5, T: 13, D: 3, H: 17, overrides: {}, masked: true, initialState: true, finalStateGradients: true },
  { label: 'B=4 T=9 go_backwards sequences, mask', B: 4, T: 9, D: 2, H: 3, overrides: { returnSequences: true, goBackwards: true }, masked: true, initialState: true, finalStateGradients: false },
  { label: 'B=3 T=6 zero_output_for_mask sequences', B: 3, T: 6, D: 7, H: 6, overrides: { returnSequences: true, zeroOutputForMask: true }, masked: true, initialState: false, finalStateGradients: true },
  // Smooth activations on the long case: float32 rounding moves a pre-activation across a kink of relu or hard_sigmoid now and then.
  { label: 'B=2 T=40 H=33 softsign / sigmoid, no bias', B: 2, T: 40, D: 9, H: 33, overrides: { activation: 'softsign', useBias: false, returnSequences: true }, masked: false, initialState: false, finalStateGradients: false },
  { label: 'B=3 T=4 relu / hard_sigmoid', B: 3, T: 4, D: 3, H: 5, overrides: { activation: 'relu', recurrentActivation: 'hard_sigmoid', returnSequences: true }, masked: true, initialState: true, finalStateGradients: false },
  { label: 'B=2 T=5 elu / linear', B: 2, T: 5, D: 3, H: 4, overrides: { activation: 'elu', recurrentActivation: 'linear' }, masked: false, initialState: true, finalStateGradients: true },
  // 132 rows: the weight gradients sum over more than one packed chunk of f32_gemm_tn.
  { label: 'B=2 T=66 sequences, mask', B: 2, T: 66, D: 6, H: 9, overrides: { returnSequences: true }, masked: true, initialState: false, finalStateGradients: false },
  { label: 'B=3 T=5 silu / sigmoid, go_backwards last output', B: 3, T: 5, D: 4, H: 7, overrides: { activation: 'silu', goBackwards: true }, masked: true, initialState: false, finalStateGradients: false },
];

function toReference(data: Float32Array, shape: number[]): ReferenceTensor {
  return { shape, data: Float64Array.from(data) };
}

describe('backpropagation through time against the float64 reference', () => {
  for (const cell of CELL_LIST) {
    it.each(VARIANTS.map((v) => [v.label, v] as const))(`${cell.kernel}: %s`, (_label, v) => {
      const random = seededRandom(CELL_LIST.indexOf(cell) * 100 + VARIANTS.indexOf(v) + 1);
      const spec = specOf(cell, v.H, { ...v.overrides, returnState: true });
      const weights = weightShapesFor(spec, v.D).map((shape) => ({ shape, data: randomFloats(random, shape.reduce((a, b) => a * b, 1), 0.7) }));
      const x = randomFloats(random, v.B * v.T * v.D);
      const mask = v.masked ? randomMask(random, v.B, v.T) : null;
      const states = cell.states.map(() => randomFloats(random, v.B * v.H, 0.5));
      const perStep = spec.returnSequences ? v.T : 1;
      const dOut = randomFloats(random, v.B * perStep * v.H);
      const dFinal = cell.states.map(() => randomFloats(random, v.B * v.H));

      const instance = defaultInstance();
      const packed = packRecurrentWeights(instance, cell, v.D, v.H, weights[0].data, weights[1].data, spec.useBias ? weights[2].data : null);
      let memoryAfterFirst = 0;
      try {
        for (let repeat = 0; repeat < 3; repeat++) {
          if (repeat === 1) memoryAfterFirst = instance.heap.memoryBytes;
          const tape = runRecurrentTraining({
            x, batch: v.B, timesteps: v.T, mask, merge: 'none',
            directions: [{
              weights: packed, activation: ACTIVATION_IDS[spec.activation] as never, recurrentActivation: ACTIVATION_IDS[spec.recurrentActivation] as never,
              returnSequences: spec.returnSequences, goBackwards: spec.goBackwards, zeroOutputForMask: spec.zeroOutputForMask,
              initialState: v.initialState ? states : null, finalStates: true,
            }],
          });
          try {
            // The last repeat asks for no input gradient: the weight gradients stay the same, dX is skipped.
            const inputGradient = repeat < 2;
            const grads = tape.backward({ outputs: [dOut], finalStates: v.finalStateGradients ? [dFinal] : undefined, inputGradient });
            const refWeights = weights.map((w) => toReference(w.data, w.shape));
            const refOptions = {
              mask: mask ? toReference(mask, [v.B, v.T]) : undefined,
              initialState: v.initialState ? states.map((s) => toReference(s, [v.B, v.H])) : undefined,
            };
            const forward = referenceRecurrent(spec, refWeights, toReference(x, [v.B, v.T, v.D]), refOptions);
            expectClose(tape.result.outputs[0], forward[0].data, 'training-mode output', { abs: 1e-5, rel: 1e-4 });
            const expected = referenceRecurrentBackward(spec, refWeights, toReference(x, [v.B, v.T, v.D]), toReference(dOut, forward[0].shape), {
              ...refOptions,
              finalStateGradients: v.finalStateGradients ? dFinal.map((s) => toReference(s, [v.B, v.H])) : undefined,
            });
            expectClose(grads.directions[0].kernel, expected.weights[0].data, 'd kernel');
            expectClose(grads.directions[0].recurrentKernel, expected.weights[1].data, 'd recurrent_kernel');
            if (spec.useBias) expectClose(grads.directions[0].bias, expected.weights[2].data, 'd bias');
            if (inputGradient) expectClose(grads.x ?? [], expected.x.data, 'd x');
            else expect(grads.x, 'no d x when not asked for').toBeNull();
            grads.directions[0].initialState.forEach((g, i) => expectClose(g, expected.initialState[i].data, `d initial state ${i}`));
            if (mask && grads.x) {
              const dx = grads.x;
              for (let i = 0; i < v.B * v.T; i++) if (mask[i] === 0) for (let d = 0; d < v.D; d++) expect(dx[i * v.D + d]).toBe(0);
            }
          } finally {
            tape.release();
          }
        }
        expect(instance.heap.memoryBytes, 'memory stays flat across training steps').toBe(memoryAfterFirst);
      } finally {
        releasePackedWeights(packed);
      }
    });
  }
});

describe('Bidirectional backpropagation against the float64 reference', () => {
  const merges: DirectionMerge[] = ['concat', 'sum', 'mul', 'ave', 'none'];
  for (const cell of CELL_LIST) {
    for (const merge of merges) {
      for (const returnSequences of [true, false]) {
        it(`${cell.kernel} merge=${merge} returnSequences=${returnSequences}`, () => {
          const random = seededRandom(CELL_LIST.indexOf(cell) * 10 + merges.indexOf(merge) + (returnSequences ? 50 : 0));
          const [B, T, D, H] = [3, 6, 4, 5];
          const specs = [false, true].map((goBackwards) => specOf(cell, H, { returnSequences, goBackwards, zeroOutputForMask: returnSequences }));
          const weights = specs.map((spec) => weightShapesFor(spec, D).map((shape) => ({ shape, data: randomFloats(random, shape.reduce((a, b) => a * b, 1), 0.7) })));
          const x = randomFloats(random, B * T * D);
          const mask = randomMask(random, B, T);
          const perStep = returnSequences ? T : 1;
          const width = merge === 'concat' ? 2 * H : H;
          const dOuts = merge === 'none' ? [randomFloats(random, B * perStep * H), randomFloats(random, B * perStep * H)] : [randomFloats(random, B * perStep * width)];
          const instance = defaultInstance();
          const packed = weights.map((w) => packRecurrentWeights(instance, cell, D, H, w[0].data, w[1].data, w[2].data));
          try {
            const tape = runRecurrentTraining({
              x, batch: B, timesteps: T, mask, merge,
              directions: specs.map((spec, d) => ({
                weights: packed[d], activation: ActivationId.tanh, recurrentActivation: ActivationId.sigmoid,
                returnSequences, goBackwards: spec.goBackwards, zeroOutputForMask: spec.zeroOutputForMask, initialState: null, finalStates: false,
              })),
            });
            try {
              const grads = tape.backward({ outputs: dOuts });
              const xRef = toReference(x, [B, T, D]);
              const maskRef = toReference(mask, [B, T]);
              const refWeights = weights.map((w) => w.map((t) => toReference(t.data, t.shape)));
              const outs = specs.map((spec, d) => referenceRecurrent(spec, refWeights[d], xRef, { mask: maskRef })[0].data);
              // The backward direction's sequence is flipped back to input time before merging.
              const aligned = (d: number, b: number, s: number, j: number) => outs[d][(b * perStep + (d === 1 && returnSequences ? perStep - 1 - s : s)) * H + j];
              const dOwn = specs.map(() => new Float64Array(B * perStep * H));
              for (let b = 0; b < B; b++) {
                for (let s = 0; s < perStep; s++) {
                  for (let j = 0; j < H; j++) {
                    const at = (b * perStep + s) * H + j;
                    const g0 = merge === 'concat' ? dOuts[0][(b * perStep + s) * 2 * H + j] : merge === 'none' ? dOuts[0][at] : dOuts[0][at];
                    const g1 = merge === 'concat' ? dOuts[0][(b * perStep + s) * 2 * H + H + j] : merge === 'none' ? dOuts[1][at] : dOuts[0][at];
                    let own0 = g0, own1 = g1;
                    if (merge === 'ave') { own0 = g0 / 2; own1 = g1 / 2; }
                    if (merge === 'mul') { own0 = g0 * aligned(1, b, s, j); own1 = g1 * aligned(0, b, s, j); }
                    dOwn[0][at] = own0;
                    dOwn[1][(b * perStep + (returnSequences ? perStep - 1 - s : s)) * H + j] = own1;
                  }
                }
              }
              const shape = returnSequences ? [B, T, H] : [B, H];
              const expected = specs.map((spec, d) => referenceRecurrentBackward(spec, refWeights[d], xRef, { shape, data: dOwn[d] }, { mask: maskRef }));
              expected.forEach((e, d) => {
                expectClose(grads.directions[d].kernel, e.weights[0].data, `direction ${d} d kernel`);
                expectClose(grads.directions[d].recurrentKernel, e.weights[1].data, `direction ${d} d recurrent_kernel`);
                expectClose(grads.directions[d].bias, e.weights[2].data, `direction ${d} d bias`);
              });
              expectClose(grads.x ?? [], expected[0].x.data.map((v, i) => v + expected[1].x.data[i]), 'd x');
            } finally {
              tape.release();
            }
          } finally {
            packed.forEach(releasePackedWeights);
          }
        });
      }
    }
  }
});

describe('training tape size', () => {
  it('refuses a tape past the 4 GiB address space with a RuntimeError naming the sizes, before allocating', () => {
    const instance = defaultInstance();
    const cell = CELL_LIST.find((c) => c.kernel === 'gru_reset_after')!;
    const [B, T, D, H] = [1000, 600, 1, 256];
    const random = seededRandom(5);
    const packed = packRecurrentWeights(instance, cell, D, H, randomFloats(random, D * 3 * H), randomFloats(random, H * 3 * H), null);
    try {
      const before = instance.heap.memoryBytes;
      const run = () => runRecurrentTraining({
        x: new Float32Array(B * T * D), batch: B, timesteps: T, mask: null, merge: 'none',
        directions: [{ weights: packed, activation: ActivationId.tanh, recurrentActivation: ActivationId.sigmoid, returnSequences: true, goBackwards: false, zeroOutputForMask: false, initialState: null, finalStates: false }],
      });
      expect(run).toThrow(RuntimeError);
      expect(run).toThrow(/GRU training on input \[1000, 600, 1\] with 256 units \(a tape of \d+ bytes and \d+ bytes of backward buffers\): a buffer needs [\d.]+ GiB .* more than the 4 GiB/);
      expect(instance.heap.memoryBytes).toBe(before);
    } finally {
      releasePackedWeights(packed);
    }
  });
});
