// The orthogonal initializer's three QR paths, the float64 Householder in JavaScript, the
// WebAssembly float32 Cholesky QR for tall Gaussians and the float64 Cholesky QR2 for square and
// near-square ones, at sizes that exercise their block edges and at a recurrent layer's sizes.
// Expected properties come from the definition (QᵀQ = I, R = QᵀA upper triangular with a
// positive diagonal, i.e. Keras' q *= sign(diag(r))), never from earlier output.
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryBytes, ready } from '../src/kernels/module.js';
import { RANDOM_STATE_BYTES, kernelOrthonormalColumns, kernelOrthonormalPackedRows, unpackOrthonormalRows } from '../src/kernels/orthonormal.js';
import { kernelOrthonormalColumnsF64 } from '../src/kernels/orthonormal-f64.js';
import { kernelUniform } from '../src/kernels/random.js';
import { loadedInstance } from '../src/kernels/default-instance.js';
import { KernelInstance } from '../src/kernels/instance.js';
import type { KernelExports } from '../src/kernels/exports.js';
import { orthonormalizeRows } from '../src/initializers/householder.js';
import { initializers } from '../src/initializers/index.js';
import { SeededRandom } from '../src/initializers/random.js';
import { fillLaneNormals, laneGaussian } from '../src/initializers/lane-normals.js';

/** One source for every ready() here: a second ready() must ask for the same module. */
const KERNEL_BYTES = readFileSync(new URL('../dist/wasm-rnn.wasm', import.meta.url));

/** A tall×narrow row-major Gaussian: what the initializer draws from `seed` before its QR. */
function gaussian(seed: number, tall: number, narrow: number): Float64Array {
  return laneGaussian(new SeededRandom(seed).saveState(), tall, narrow);
}

/**
 * The uniform pairs behind fillLaneNormals, from four plain sfc32 generators (SeededRandom's):
 * lane l starts from the seed's stream's next four words and warms up 12 steps; pair p = 4g + l
 * is lane l's g-th pair of words w0, w1 as first = ((w0 >>> 1) | 1)·2^-31 rounded to float32, in
 * (0, 1], and second = (w1 >>> 8)·2^-24 in [0, 1), behind normals 2p and 2p + 1.
 */
function laneUniformPairs(seed: number, pairs: number): Float64Array {
  const stream = new SeededRandom(seed);
  const lanes = [0, 1, 2, 3].map(() => {
    const lane = new SeededRandom(0);
    lane.restoreState(Uint32Array.of(stream.nextUint32(), stream.nextUint32(), stream.nextUint32(), stream.nextUint32()));
    for (let k = 0; k < 12; k++) lane.nextUint32();
    return lane;
  });
  const out = new Float64Array(2 * pairs);
  for (let p = 0; p < pairs; p++) {
    const lane = lanes[p % 4];
    out[2 * p] = Math.fround(((lane.nextUint32() >>> 1) | 1) * 2 ** -31);
    out[2 * p + 1] = (lane.nextUint32() >>> 8) * 2 ** -24;
  }
  return out;
}

/** max |⟨v_p, v_q⟩ - δ_pq·gain²| over `count` vectors of `length`, vector p's entry k at(p, k). */
function orthonormalityError(at: (p: number, k: number) => number, count: number, length: number, gain = 1): number {
  let worst = 0;
  for (let p = 0; p < count; p++) {
    for (let q = 0; q <= p; q++) {
      let dot = 0;
      for (let k = 0; k < length; k++) dot += at(p, k) * at(q, k);
      worst = Math.max(worst, Math.abs(dot - (p === q ? gain * gain : 0)));
    }
  }
  return worst;
}

/**
 * R = Qᵀ·A for the tall×narrow A and Q (column i's entry k at q(k, i)): the largest entry below the
 * diagonal relative to the largest diagonal entry, and the smallest diagonal entry.
 */
function triangularFactor(q: (k: number, i: number) => number, a: Float64Array, tall: number, narrow: number) {
  let below = 0;
  let largestDiagonal = 0;
  let smallestDiagonal = Infinity;
  for (let i = 0; i < narrow; i++) {
    for (let j = 0; j <= i; j++) {
      let r = 0;
      for (let k = 0; k < tall; k++) r += q(k, i) * a[k * narrow + j];
      if (i === j) {
        largestDiagonal = Math.max(largestDiagonal, r);
        smallestDiagonal = Math.min(smallestDiagonal, r);
      } else {
        below = Math.max(below, Math.abs(r));
      }
    }
  }
  return { relativeBelowDiagonal: below / largestDiagonal, smallestDiagonal };
}

/** Qᵀ of the tall×narrow `a` by the float64 Householder path. */
function householder(a: Float64Array, tall: number, narrow: number): Float64Array {
  const vectors = new Float64Array(narrow * tall);
  for (let k = 0; k < tall; k++) for (let j = 0; j < narrow; j++) vectors[j * tall + k] = a[k * narrow + j];
  orthonormalizeRows(vectors, narrow, tall);
  return vectors;
}

/**
 * `qt` (narrow rows of length tall) is the Q of the seed's tall×narrow Gaussian as Keras takes it:
 * orthonormal to 1e-6, R = QᵀA upper triangular with a positive diagonal (the sign rule), and
 * the float64 Householder's Q to 1e-6.
 */
function expectKerasQ(qt: Float32Array | null, seed: number, tall: number, narrow: number): void {
  expect(qt).not.toBeNull();
  if (!qt) return;
  expect(orthonormalityError((p, k) => qt[p * tall + k], narrow, tall)).toBeLessThan(1e-6);
  // The Gaussian is the JavaScript stream's: R = QᵀA of that matrix is triangular.
  const a = gaussian(seed, tall, narrow);
  const r = triangularFactor((k, i) => qt[i * tall + k], a, tall, narrow);
  expect(r.relativeBelowDiagonal).toBeLessThan(1e-6);
  expect(r.smallestDiagonal).toBeGreaterThan(0);
  const reference = householder(a, tall, narrow);
  let worst = 0;
  for (let i = 0; i < qt.length; i++) worst = Math.max(worst, Math.abs(qt[i] - reference[i]));
  expect(worst).toBeLessThan(1e-6);
}

const HOUSEHOLDER_SIZES: [number, number][] = [
  [1, 1], [3, 1], [3, 3], [17, 3], [17, 17], [64, 17], [64, 64], [257, 3], [257, 64], [257, 257],
];

describe('float64 Householder (orthonormalizeRows)', () => {
  it.each(HOUSEHOLDER_SIZES)('a %i×%i Gaussian: orthonormal Q with R = QᵀA upper triangular, diag(R) > 0', (tall, narrow) => {
    const a = gaussian(tall * 1000 + narrow, tall, narrow);
    const qt = householder(a, tall, narrow);
    expect(orthonormalityError((p, k) => qt[p * tall + k], narrow, tall)).toBeLessThan(1e-12);
    const r = triangularFactor((k, i) => qt[i * tall + k], a, tall, narrow);
    expect(r.relativeBelowDiagonal).toBeLessThan(1e-12);
    expect(r.smallestDiagonal).toBeGreaterThan(0);
  });

  it('keeps a zero vector zero instead of dividing by its norm', () => {
    const vectors = Float64Array.from([0, 0, 0, 1, 2, 2]);
    orthonormalizeRows(vectors, 2, 3);
    expect(Array.from(vectors.subarray(0, 3))).toEqual([1, 0, 0].map((x) => x * Math.sign(vectors[0])));
    expect(orthonormalityError((p, k) => vectors[p * 3 + k], 2, 3)).toBeLessThan(1e-12);
  });
});

it('the WebAssembly paths decline before ready()', () => {
  expect(kernelOrthonormalColumns({ matrix: gaussian(1, 64, 16) }, 64, 16, 1, true)).toBeNull();
  expect(kernelUniform(new SeededRandom(1).saveState(), 10, 0, 1)).toBeNull();
});

describe('WebAssembly Cholesky QR (kernelOrthonormalColumns)', () => {
  beforeAll(async () => {
    await ready({ wasm: KERNEL_BYTES });
  });

  // Tall enough for the method (tall >= 2·narrow, narrow >= 16); narrow not a multiple of 4 and
  // tall not a multiple of 8 exercise the padding; 2048×40 spans several draw calls.
  const SIZES: [number, number][] = [[64, 17], [128, 64], [256, 64], [257, 17], [257, 64], [603, 130], [2048, 40]];

  it.each(SIZES)('a %i×%i Gaussian drawn in WebAssembly: orthonormal to 1e-6, Keras sign rule, the Householder Q to 1e-6', (tall, narrow) => {
    const seed = tall + narrow;
    expectKerasQ(kernelOrthonormalColumns({ words: new SeededRandom(seed).saveState() }, tall, narrow, 1, true), seed, tall, narrow);
  });

  it('a given matrix gives the Q of the same stream drawn inside; columns and gain lay it out', () => {
    const [tall, narrow] = [200, 24];
    const drawn = kernelOrthonormalColumns({ words: new SeededRandom(11).saveState() }, tall, narrow, 1, true);
    const given = kernelOrthonormalColumns({ matrix: gaussian(11, tall, narrow) }, tall, narrow, 1, true);
    const columns = kernelOrthonormalColumns({ matrix: gaussian(11, tall, narrow) }, tall, narrow, -1.5, false);
    if (!drawn || !given || !columns) throw new Error('the kernel declined a Gaussian');
    let worst = 0;
    for (let i = 0; i < drawn.length; i++) worst = Math.max(worst, Math.abs(drawn[i] - given[i]));
    expect(worst).toBeLessThan(1e-6);
    for (let k = 0; k < tall; k++) {
      for (let j = 0; j < narrow; j++) expect(columns[k * narrow + j]).toBe(Math.fround(-1.5 * given[j * tall + k]));
    }
  });

  it('declines shapes outside its range and nearly rank-deficient matrices', () => {
    expect(kernelOrthonormalColumns({ matrix: gaussian(1, 100, 8) }, 100, 8, 1, true)).toBeNull(); // too few vectors
    expect(kernelOrthonormalColumns({ matrix: gaussian(2, 40, 32) }, 40, 32, 1, true)).toBeNull(); // not tall enough
    const a = gaussian(3, 128, 32);
    for (let k = 0; k < 128; k++) a[k * 32 + 5] = a[k * 32 + 2] + 1e-9 * a[k * 32 + 5]; // column 5 ≈ column 2
    expect(kernelOrthonormalColumns({ matrix: a }, 128, 32, 1, true)).toBeNull();
  });

  it('keeps WebAssembly memory flat across repeated calls', () => {
    const words = new SeededRandom(4).saveState();
    kernelOrthonormalColumns({ words }, 512, 128, 1, true);
    const after = memoryBytes();
    for (let i = 0; i < 3; i++) kernelOrthonormalColumns({ words }, 512, 128, 1, true);
    expect(memoryBytes()).toBe(after);
  });
});

/**
 * max |⟨q_p, q_r⟩ - δ_pr| over the sampled vectors p (every `step`-th, and the last) against
 * all r, vector p's entry k at(p, k): every pair that involves a sampled vector, for sizes where
 * all pairs would take the JavaScript loop seconds.
 */
function sampledOrthonormalityError(at: (p: number, k: number) => number, count: number, length: number, step: number): number {
  let worst = 0;
  const sampled = new Set<number>();
  for (let p = 0; p < count; p += step) sampled.add(p);
  sampled.add(count - 1);
  for (const p of sampled) {
    const row = Float64Array.from({ length }, (_, k) => at(p, k));
    for (let r = 0; r < count; r++) {
      let dot = 0;
      for (let k = 0; k < length; k++) dot += row[k] * at(r, k);
      worst = Math.max(worst, Math.abs(dot - (p === r ? 1 : 0)));
    }
  }
  return worst;
}

describe('WebAssembly float64 Cholesky QR2 (kernelOrthonormalColumnsF64)', () => {
  beforeAll(async () => {
    await ready({ wasm: KERNEL_BYTES });
  });

  // Square and near-square (narrow <= tall < 2·narrow): narrow not a multiple of 4 (zero padding
  // vectors), tall not a multiple of 8 (zero padding entries), and tall = narrow, the worst
  // conditioned case.
  const SIZES: [number, number][] = [[16, 16], [17, 17], [64, 64], [100, 64], [127, 100], [130, 129], [257, 257], [300, 201]];

  it.each(SIZES)('a %i×%i Gaussian: orthonormal to 1e-6, Keras sign rule, the float64 Householder Q to 1e-6', (tall, narrow) => {
    const seed = 3 * tall + narrow;
    expectKerasQ(kernelOrthonormalColumnsF64({ words: new SeededRandom(seed).saveState() }, tall, narrow, 1, true), seed, tall, narrow);
  });

  it('a given matrix gives the Q of the same stream drawn inside; columns and gain lay it out', () => {
    const [tall, narrow] = [90, 72];
    const drawn = kernelOrthonormalColumnsF64({ words: new SeededRandom(12).saveState() }, tall, narrow, 1, true);
    const given = kernelOrthonormalColumnsF64({ matrix: gaussian(12, tall, narrow) }, tall, narrow, 1, true);
    const columns = kernelOrthonormalColumnsF64({ matrix: gaussian(12, tall, narrow) }, tall, narrow, 1, false);
    const scaled = kernelOrthonormalColumnsF64({ matrix: gaussian(12, tall, narrow) }, tall, narrow, -1.5, false);
    if (!drawn || !given || !columns || !scaled) throw new Error('the kernel declined a Gaussian');
    expect(Buffer.from(drawn.buffer).equals(Buffer.from(given.buffer))).toBe(true);
    for (let k = 0; k < tall; k++) {
      for (let j = 0; j < narrow; j++) {
        expect(columns[k * narrow + j]).toBe(given[j * tall + k]);
        // gain times the float64 Q, rounded once: within one float32 rounding of gain times the rounded Q.
        expect(Math.abs(scaled[k * narrow + j] + 1.5 * given[j * tall + k])).toBeLessThanOrEqual(2 ** -23 * Math.abs(1.5 * given[j * tall + k]));
      }
    }
  });

  it('declines shapes outside its range and rank-deficient matrices', () => {
    expect(kernelOrthonormalColumnsF64({ matrix: gaussian(1, 15, 15) }, 15, 15, 1, true)).toBeNull(); // too few vectors
    expect(kernelOrthonormalColumnsF64({ matrix: gaussian(2, 30, 32) }, 30, 32, 1, true)).toBeNull(); // more vectors than entries
    const a = gaussian(3, 64, 64);
    for (let k = 0; k < 64; k++) a[k * 64 + 40] = a[k * 64 + 7]; // column 40 = column 7
    expect(kernelOrthonormalColumnsF64({ matrix: a }, 64, 64, 1, true)).toBeNull();
  });

  it('keeps WebAssembly memory flat across repeated calls', () => {
    const words = new SeededRandom(5).saveState();
    kernelOrthonormalColumnsF64({ words }, 200, 200, 1, false);
    const after = memoryBytes();
    for (let i = 0; i < 3; i++) kernelOrthonormalColumnsF64({ words }, 200, 200, 1, false);
    expect(memoryBytes()).toBe(after);
  });
});

describe("a recurrent layer's sizes", () => {
  beforeAll(async () => {
    await ready({ wasm: KERNEL_BYTES });
  });

  it('LSTM(1024): the packed 1024×4096 Qᵀ is orthonormal to 1e-5, diag(R) > 0', () => {
    const [n, m] = [1024, 4096];
    const words = new SeededRandom(31).saveState();
    const instance = loadedInstance();
    const packed = kernelOrthonormalPackedRows({ words }, m, n, 1);
    if (!instance || packed === null) throw new Error('the kernel declined a Gaussian');
    const qt = unpackOrthonormalRows(instance, packed, n, m);
    instance.heap.release(packed);
    expect(sampledOrthonormalityError((p, k) => qt[p * m + k], n, m, 61)).toBeLessThan(1e-5);
    // The sign rule: R's diagonal, ⟨q_i, a_i⟩ of the Gaussian's column i, is positive.
    const a = gaussian(31, m, n);
    for (let i = 0; i < n; i += 37) {
      let r = 0;
      for (let k = 0; k < m; k++) r += qt[i * m + k] * a[k * n + i];
      expect(r).toBeGreaterThan(0);
    }
  }, 30_000);

  it('SimpleRNN(1024): the square 1024×1024 Q is orthonormal to 1e-5, R = QᵀA upper triangular with diag(R) > 0', () => {
    const n = 1024;
    const qt = kernelOrthonormalColumnsF64({ words: new SeededRandom(32).saveState() }, n, n, 1, true);
    if (!qt) throw new Error('the kernel declined a Gaussian');
    expect(sampledOrthonormalityError((p, k) => qt[p * n + k], n, n, 17)).toBeLessThan(1e-5);
    // Sampled entries of R = QᵀA: below the diagonal about zero, on it positive.
    const a = gaussian(32, n, n);
    let largest = 0;
    let below = 0;
    for (let i = 0; i < n; i += 23) {
      for (let j = 0; j <= i; j += 7) {
        let r = 0;
        for (let k = 0; k < n; k++) r += qt[i * n + k] * a[k * n + j];
        if (j === i) {
          expect(r).toBeGreaterThan(0);
          largest = Math.max(largest, r);
        } else below = Math.max(below, Math.abs(r));
      }
      let diagonal = 0;
      for (let k = 0; k < n; k++) diagonal += qt[i * n + k] * a[k * n + i];
      expect(diagonal).toBeGreaterThan(0);
      largest = Math.max(largest, diagonal);
    }
    expect(below / largest).toBeLessThan(1e-5);
  }, 30_000);
});

describe('both packaged builds', () => {
  // Node 20 compiles the relaxed-SIMD build only behind this flag.
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  const build = (file: string) => {
    const module = new WebAssembly.Module(readFileSync(new URL(`../dist/${file}`, import.meta.url)));
    return new KernelInstance(new WebAssembly.Instance(module, {}).exports as unknown as KernelExports);
  };

  it('give the same Q bit for bit, drawn or given, as rows and as columns, with and without gain', () => {
    const [simd, relaxed] = [build('wasm-rnn.wasm'), build('wasm-rnn.relaxed.wasm')];
    expect(relaxed.variant).toBe('relaxed-simd');
    const bits = (q: Float32Array | null) => (q ? Buffer.from(q.buffer, q.byteOffset, q.byteLength) : Buffer.alloc(0));
    for (const [tall, narrow, gain, asRows] of [[1024, 256, 1, true], [603, 130, 1.5, false], [257, 17, 1, true]] as const) {
      const words = new SeededRandom(tall + narrow).saveState();
      const a = kernelOrthonormalColumns({ words }, tall, narrow, gain, asRows, simd);
      expect(a?.length).toBe(tall * narrow);
      expect(bits(kernelOrthonormalColumns({ words }, tall, narrow, gain, asRows, relaxed)).equals(bits(a))).toBe(true);
      const matrix = gaussian(tall + narrow, tall, narrow);
      expect(bits(kernelOrthonormalColumns({ matrix }, tall, narrow, gain, asRows, relaxed)).equals(bits(a))).toBe(true);
    }
    // The float64 path, square and near-square.
    for (const [tall, narrow, gain, asRows] of [[256, 256, 1, false], [130, 97, 1.5, true]] as const) {
      const words = new SeededRandom(tall + narrow).saveState();
      const a = kernelOrthonormalColumnsF64({ words }, tall, narrow, gain, asRows, simd);
      expect(a?.length).toBe(tall * narrow);
      expect(bits(kernelOrthonormalColumnsF64({ words }, tall, narrow, gain, asRows, relaxed)).equals(bits(a))).toBe(true);
    }
  });
});

describe('the warm-up before a large Q', () => {
  // From 256 vectors on, an instance's first call runs the kernels on small problems in the
  // memory it then draws V and G into: nothing of it may reach the result.
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  const fresh = () => {
    const module = new WebAssembly.Module(KERNEL_BYTES);
    return new KernelInstance(new WebAssembly.Instance(module, {}).exports as unknown as KernelExports);
  };

  it('leaves no trace: the first call on a fresh instance gives the bits of a later call, orthonormal, on a dirty heap too', () => {
    const [tall, narrow] = [640, 256];
    const words = new SeededRandom(17).saveState();
    const instance = fresh();
    const first = kernelOrthonormalColumns({ words }, tall, narrow, 1, true, instance);
    const second = kernelOrthonormalColumns({ words }, tall, narrow, 1, true, instance);
    if (!first || !second) throw new Error('the kernel declined a Gaussian');
    expect(Buffer.from(first.buffer).equals(Buffer.from(second.buffer))).toBe(true);
    expect(orthonormalityError((p, k) => first[p * tall + k], narrow, tall)).toBeLessThan(1e-5);
    // A heap whose freed blocks hold NaNs: the warm-up and the kernels must not read them.
    const dirty = fresh();
    const block = dirty.heap.alloc(8 << 20);
    new Float32Array(dirty.exports.memory.buffer, block, 2 << 20).fill(Number.NaN);
    dirty.heap.release(block);
    const third = kernelOrthonormalColumns({ words }, tall, narrow, 1, true, dirty);
    expect(third && Buffer.from(third.buffer).equals(Buffer.from(first.buffer))).toBe(true);
  });
});

describe('WebAssembly random streams', () => {
  beforeAll(async () => {
    await ready({ wasm: KERNEL_BYTES });
  });

  it('uniform samples are bit-identical to the JavaScript loop, and the stream continues alike', () => {
    for (const [count, minval, maxval] of [[1, 0, 1], [7, -0.3, 0.3], [10000, -2.5, 1e-3]]) {
      const js = new SeededRandom(21);
      const expected = new Float32Array(count);
      for (let i = 0; i < count; i++) expected[i] = minval + (maxval - minval) * js.uniform();
      const wasm = new SeededRandom(21);
      const words = wasm.saveState();
      const got = kernelUniform(words, count, minval, maxval);
      wasm.restoreState(words);
      expect(got).toEqual(expected);
      expect(wasm.uniform()).toBe(js.uniform());
    }
  });

  it('normals are bit-identical to the JavaScript lanes (fillLaneNormals), and float32-close to Math.log/cos/sin', () => {
    const instance = loadedInstance();
    if (!instance) throw new Error('not ready');
    const { exports, heap } = instance;
    const count = 200003; // not a multiple of 8: the last group is cut short
    const expected = new Float64Array(count);
    fillLaneNormals(new SeededRandom(5).saveState(), expected);
    const state = heap.alloc(RANDOM_STATE_BYTES);
    const out = heap.alloc(count * 4);
    try {
      new Uint32Array(exports.memory.buffer, state, 4).set(new SeededRandom(5).saveState());
      exports.random_seed_lanes(state);
      exports.random_normal_f32(state, out, count);
      const got = Float64Array.from(new Float32Array(exports.memory.buffer, out, count));
      expect(got).toEqual(expected);
      // Box–Muller of the same uniforms in float64 with the engine's Math.log/cos/sin: within a
      // few float32 ulp.
      const uniforms = laneUniformPairs(5, Math.ceil(count / 2));
      let worst = 0;
      let largest = 0;
      for (let i = 0; i < count; i += 2) {
        const [first, second] = [uniforms[i], uniforms[i + 1]];
        const radius = Math.sqrt(-2 * Math.log(first));
        const pair = [radius * Math.cos(2 * Math.PI * second), radius * Math.sin(2 * Math.PI * second)];
        for (let k = 0; k < 2 && i + k < count; k++) {
          worst = Math.max(worst, Math.abs(got[i + k] - pair[k]) / Math.max(1, Math.abs(pair[k])));
          largest = Math.max(largest, Math.abs(pair[k]));
        }
      }
      expect(worst).toBeLessThan(1e-6);
      expect(largest).toBeGreaterThan(4); // the tails were exercised
    } finally {
      heap.release(out);
      heap.release(state);
    }
  });
});

describe('fillLaneNormals', () => {
  it('a shorter draw is a prefix of a longer one', () => {
    const long = new Float64Array(1000);
    fillLaneNormals(new SeededRandom(3).saveState(), long);
    for (const length of [1, 2, 7, 8, 9, 999]) {
      const short = new Float64Array(length);
      fillLaneNormals(new SeededRandom(3).saveState(), short);
      expect(Array.from(short)).toEqual(Array.from(long.subarray(0, length)));
    }
  });

  it('is standard normal: moments, tails and neighbours uncorrelated within and across lanes', () => {
    const count = 400000;
    const z = new Float64Array(count);
    fillLaneNormals(new SeededRandom(12).saveState(), z);
    let sum = 0, squares = 0, fourth = 0, beyondTwo = 0;
    for (const x of z) {
      sum += x;
      squares += x * x;
      fourth += x ** 4;
      if (Math.abs(x) > 2) beyondTwo++;
    }
    // Bounds of about 5 standard errors of each statistic under N(0, 1).
    expect(Math.abs(sum / count)).toBeLessThan(5 / Math.sqrt(count));
    expect(Math.abs(squares / count - 1)).toBeLessThan(5 * Math.sqrt(2 / count));
    expect(Math.abs(fourth / count - 3)).toBeLessThan(5 * Math.sqrt(96 / count));
    expect(Math.abs(beyondTwo / count - 0.0455)).toBeLessThan(5 * Math.sqrt((0.0455 * 0.9545) / count));
    // Lag 1 is a pair's cos and sin, lag 2 the next lane, lag 8 the same lane's next pair.
    for (const lag of [1, 2, 8]) {
      let product = 0;
      for (let i = lag; i < count; i++) product += z[i] * z[i - lag];
      expect(Math.abs(product / (count - lag))).toBeLessThan(5 / Math.sqrt(count));
    }
  });
});

describe('orthogonal initializer', () => {
  beforeAll(async () => {
    await ready({ wasm: KERNEL_BYTES });
  });

  // [rows, cols]: wide and tall, both paths (narrow < 16 or a square-ish shape takes Householder).
  const SHAPES: [number, number][] = [
    [1, 1], [1, 257], [257, 1], [3, 3], [3, 257], [257, 3], [17, 17], [17, 257], [257, 17],
    [64, 64], [64, 257], [257, 64], [64, 256], [257, 257],
  ];

  it.each(SHAPES)('[%i, %i]: orthonormal to 1e-5 and Q of the seed\'s Gaussian with the sign fix', (rows, cols) => {
    const seed = 7 * rows + cols;
    const w = initializers.orthogonal({ seed }).generate([rows, cols]);
    const tall = Math.max(rows, cols);
    const narrow = Math.min(rows, cols);
    // Column i of Q (tall×narrow) is row i of a wide W, column i of a tall one.
    const q = rows < cols ? (k: number, i: number) => w[i * cols + k] : (k: number, i: number) => w[k * cols + i];
    expect(orthonormalityError((p, k) => q(k, p), narrow, tall)).toBeLessThan(1e-5);
    const r = triangularFactor(q, gaussian(seed, tall, narrow), tall, narrow);
    expect(r.relativeBelowDiagonal).toBeLessThan(1e-5);
    expect(r.smallestDiagonal).toBeGreaterThan(0);
  });

  it('gain scales both paths', () => {
    for (const shape of [[6, 9], [64, 256]]) {
      const unit = initializers.orthogonal({ seed: 5 }).generate(shape);
      const scaled = initializers.orthogonal({ seed: 5, gain: 2.5 }).generate(shape);
      let worst = 0;
      for (let i = 0; i < unit.length; i++) worst = Math.max(worst, Math.abs(scaled[i] - 2.5 * unit[i]));
      expect(worst).toBeLessThan(1e-6);
    }
  });
});
