import { describe, expect, it, vi } from 'vitest';
import { ConfigError, ShapeError } from '../src/errors.js';
import { getInitializer, initializers, type Initializer } from '../src/initializers/index.js';
import { orthonormalizeRows } from '../src/initializers/householder.js';
import { fillLaneNormals } from '../src/initializers/lane-normals.js';
import { SeededRandom } from '../src/initializers/random.js';

// ---- statistics helpers (expected values come from formulas, never from earlier output) ----

function mean(values: Float32Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function std(values: Float32Array): number {
  const m = mean(values);
  let sum = 0;
  for (const v of values) sum += (v - m) * (v - m);
  return Math.sqrt(sum / values.length);
}

function maxAbs(values: Float32Array, center = 0): number {
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v - center));
  return max;
}

/** Standard deviation of N(0, 1) truncated to [-2, 2]: 1 - 2·2φ(2)/Z, Z = ∫φ over [-2, 2] (Simpson). */
function truncatedUnitStd(): number {
  const phi = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  const steps = 2000;
  const h = 4 / steps;
  let integral = phi(-2) + phi(2);
  for (let i = 1; i < steps; i++) integral += (i % 2 === 1 ? 4 : 2) * phi(-2 + i * h);
  integral *= h / 3;
  return Math.sqrt(1 - (4 * phi(2)) / integral);
}

/** Checks W·Wᵀ (of = 'rows') or Wᵀ·W (of = 'columns') ≈ gain²·I for a row-major rows×cols W. */
function expectOrthonormal(w: Float32Array, rows: number, cols: number, of: 'rows' | 'columns', gain = 1): void {
  const count = of === 'rows' ? rows : cols;
  const length = of === 'rows' ? cols : rows;
  const at = (vector: number, k: number) => (of === 'rows' ? w[vector * cols + k] : w[k * cols + vector]);
  for (let p = 0; p < count; p++) {
    for (let q = 0; q < count; q++) {
      let dot = 0;
      for (let k = 0; k < length; k++) dot += at(p, k) * at(q, k);
      expect(Math.abs(dot - (p === q ? gain * gain : 0))).toBeLessThan(1e-5 * gain * gain);
    }
  }
}

const SEEDED_FACTORIES: [string, (seed?: number) => Initializer][] = [
  ['glorotUniform', (seed) => initializers.glorotUniform({ seed })],
  ['glorotNormal', (seed) => initializers.glorotNormal({ seed })],
  ['heNormal', (seed) => initializers.heNormal({ seed })],
  ['heUniform', (seed) => initializers.heUniform({ seed })],
  ['lecunNormal', (seed) => initializers.lecunNormal({ seed })],
  ['lecunUniform', (seed) => initializers.lecunUniform({ seed })],
  ['orthogonal', (seed) => initializers.orthogonal({ seed })],
  ['randomUniform', (seed) => initializers.randomUniform({ seed })],
  ['randomNormal', (seed) => initializers.randomNormal({ seed })],
  ['truncatedNormal', (seed) => initializers.truncatedNormal({ seed })],
  ['varianceScaling', (seed) => initializers.varianceScaling({ seed })],
];

describe('seeding', () => {
  it.each(SEEDED_FACTORIES)('%s: same seed gives the same values, another seed different ones', (_name, make) => {
    const shape = [6, 8];
    const first = make(42).generate(shape);
    expect(first).toHaveLength(48);
    expect(make(42).generate(shape)).toEqual(first);
    expect(make(42).generate(shape)).toEqual(make(42).generate(shape));
    expect(make(43).generate(shape)).not.toEqual(first);
  });

  it('uses fallbackSeed only when the initializer has no seed of its own', () => {
    const unseeded = initializers.glorotUniform();
    expect(unseeded.generate([5, 7], 11)).toEqual(unseeded.generate([5, 7], 11));
    expect(unseeded.generate([5, 7], 11)).toEqual(initializers.glorotUniform({ seed: 11 }).generate([5, 7]));
    expect(unseeded.generate([5, 7], 11)).not.toEqual(unseeded.generate([5, 7], 12));

    const seeded = initializers.glorotUniform({ seed: 3 });
    expect(seeded.generate([5, 7], 1)).toEqual(seeded.generate([5, 7], 2));
  });

  it('draws a fresh seed when there is neither', () => {
    const unseeded = initializers.randomNormal();
    expect(unseeded.generate([64])).not.toEqual(unseeded.generate([64]));
  });

  it('keeps seeds that differ only above 32 bits apart', () => {
    const low = initializers.randomUniform({ seed: 5 }).generate([16]);
    expect(initializers.randomUniform({ seed: 5 + 2 ** 32 }).generate([16])).not.toEqual(low);
    expect(initializers.randomUniform({ seed: -5 }).generate([16])).not.toEqual(low);
  });

  it('rejects non-integer seeds', () => {
    expect(() => initializers.heNormal({ seed: 1.5 })).toThrow(ConfigError);
    expect(() => initializers.heNormal().generate([2, 2], 0.5)).toThrow(/fallbackSeed/);
  });
});

describe('uniform variance scaling', () => {
  it('glorotUniform stays within ±sqrt(6/(fan_in+fan_out)) with variance limit²/3', () => {
    const [fanIn, fanOut] = [300, 700];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const values = initializers.glorotUniform({ seed: 1 }).generate([fanIn, fanOut]);
    expect(maxAbs(values)).toBeLessThanOrEqual(Math.fround(limit));
    expect(maxAbs(values)).toBeGreaterThan(0.99 * limit);
    expect(Math.abs(mean(values))).toBeLessThan(0.01 * limit);
    expect(Math.abs(std(values) ** 2 / (limit ** 2 / 3) - 1)).toBeLessThan(0.02);
  });

  it.each([
    // [description, initializer, shape, limit from Keras compute_fans by hand]
    ['heUniform, rank 2 uses fan_in', initializers.heUniform({ seed: 2 }), [40, 900], Math.sqrt(6 / 40)],
    ['lecunUniform, rank 3 multiplies the receptive field', initializers.lecunUniform({ seed: 2 }), [3, 4, 500], Math.sqrt(3 / 12)],
    ['lecunUniform, rank 1 uses shape[0]', initializers.lecunUniform({ seed: 2 }), [5000], Math.sqrt(3 / 5000)],
    [
      'varianceScaling fan_out',
      initializers.varianceScaling({ scale: 0.5, mode: 'fan_out', distribution: 'uniform', seed: 2 }),
      [2000, 20],
      Math.sqrt((3 * 0.5) / 20),
    ],
  ] as const)('%s', (_description, initializer, shape, limit) => {
    const values = initializer.generate(shape);
    expect(values).toHaveLength(shape.reduce((a, b) => a * b, 1));
    expect(maxAbs(values)).toBeLessThanOrEqual(Math.fround(limit));
    expect(maxAbs(values)).toBeGreaterThan(0.95 * limit);
  });

  it('a scalar shape has fans (1, 1)', () => {
    const values = initializers.heUniform({ seed: 9 }).generate([]);
    expect(values).toHaveLength(1);
    expect(Math.abs(values[0])).toBeLessThanOrEqual(Math.sqrt(6));
  });
});

describe('normal distributions', () => {
  it('the Keras constant 0.87962566103423978 is the std of a 2σ-truncated unit normal', () => {
    expect(truncatedUnitStd()).toBeCloseTo(0.87962566103423978, 9);
  });

  it.each([
    ['glorotNormal', initializers.glorotNormal({ seed: 4 }), [300, 500], 1 / ((300 + 500) / 2)],
    ['heNormal', initializers.heNormal({ seed: 4 }), [400, 500], 2 / 400],
    ['lecunNormal', initializers.lecunNormal({ seed: 4 }), [2, 2, 100, 250], 1 / (2 * 2 * 100)],
    ['varianceScaling default', initializers.varianceScaling({ scale: 0.3, seed: 4 }), [250, 800], 0.3 / 250],
  ] as const)('%s: truncated at 2σ, sample std sqrt(scale/n)', (_name, initializer, shape, variance) => {
    const values = initializer.generate(shape);
    const sigmaBeforeTruncation = Math.sqrt(variance) / truncatedUnitStd();
    expect(maxAbs(values)).toBeLessThanOrEqual(Math.fround(2 * sigmaBeforeTruncation) * (1 + 1e-6));
    expect(maxAbs(values)).toBeGreaterThan(1.95 * sigmaBeforeTruncation);
    expect(Math.abs(mean(values))).toBeLessThan(0.01 * Math.sqrt(variance));
    expect(Math.abs(std(values) / Math.sqrt(variance) - 1)).toBeLessThan(0.02);
  });

  it('untruncated_normal has std sqrt(scale/n) and reaches beyond 2σ', () => {
    const values = initializers
      .varianceScaling({ scale: 2, mode: 'fan_in', distribution: 'untruncated_normal', seed: 5 })
      .generate([100, 2000]);
    const sigma = Math.sqrt(2 / 100);
    expect(Math.abs(std(values) / sigma - 1)).toBeLessThan(0.02);
    expect(maxAbs(values)).toBeGreaterThan(3 * sigma);
  });

  it('truncatedNormal re-draws outside mean ± 2·stddev', () => {
    const values = initializers.truncatedNormal({ mean: 1, stddev: 0.5, seed: 6 }).generate([200000]);
    expect(maxAbs(values, 1)).toBeLessThanOrEqual(1.0000001);
    expect(Math.abs(mean(values) - 1)).toBeLessThan(0.005);
    expect(Math.abs(std(values) / (0.5 * truncatedUnitStd()) - 1)).toBeLessThan(0.02);
  });

  it('randomNormal has the requested mean and std, with defaults 0 and 0.05', () => {
    const values = initializers.randomNormal({ mean: -2, stddev: 3, seed: 7 }).generate([200000]);
    expect(Math.abs(mean(values) + 2)).toBeLessThan(0.03);
    expect(Math.abs(std(values) / 3 - 1)).toBeLessThan(0.02);
    const defaults = initializers.randomNormal({ seed: 7 }).generate([200000]);
    expect(Math.abs(std(defaults) / 0.05 - 1)).toBeLessThan(0.02);
  });

  it('randomUniform covers [minval, maxval) with variance (max-min)²/12, defaults ±0.05', () => {
    const values = initializers.randomUniform({ minval: 2, maxval: 5, seed: 8 }).generate([200000]);
    expect(values.every((v) => v >= 2 && v <= 5)).toBe(true);
    expect(Math.abs(mean(values) - 3.5)).toBeLessThan(0.01);
    expect(Math.abs(std(values) ** 2 / (9 / 12) - 1)).toBeLessThan(0.02);
    const defaults = initializers.randomUniform({ seed: 8 }).generate([10000]);
    expect(maxAbs(defaults)).toBeLessThanOrEqual(Math.fround(0.05));
    expect(maxAbs(defaults)).toBeGreaterThan(0.049);
  });
});

describe('orthogonal', () => {
  it('a wide [5, 20] matrix has orthonormal rows', () => {
    expectOrthonormal(initializers.orthogonal({ seed: 1 }).generate([5, 20]), 5, 20, 'rows');
  });

  it('a tall [20, 5] matrix has orthonormal columns', () => {
    expectOrthonormal(initializers.orthogonal({ seed: 1 }).generate([20, 5]), 20, 5, 'columns');
  });

  it('an [H, 4H] recurrent kernel has orthonormal rows; a square one is fully orthogonal', () => {
    expectOrthonormal(initializers.orthogonal({ seed: 2 }).generate([8, 32]), 8, 32, 'rows');
    const square = initializers.orthogonal({ seed: 3 }).generate([7, 7]);
    expectOrthonormal(square, 7, 7, 'rows');
    expectOrthonormal(square, 7, 7, 'columns');
  });

  it('flattens leading dimensions into rows', () => {
    expectOrthonormal(initializers.orthogonal({ seed: 4 }).generate([4, 3, 6]), 12, 6, 'columns');
  });

  it('gain scales the matrix', () => {
    const unit = initializers.orthogonal({ seed: 5 }).generate([6, 9]);
    const scaled = initializers.orthogonal({ seed: 5, gain: 2.5 }).generate([6, 9]);
    expectOrthonormal(scaled, 6, 9, 'rows', 2.5);
    for (let i = 0; i < unit.length; i++) expect(scaled[i]).toBeCloseTo(2.5 * unit[i], 6);
  });

  it('QR follows the Keras sign rule: A = Q·R with R = Qᵀ·A upper triangular, diag(R) >= 0', () => {
    const [m, n] = [5, 3];
    const a = Float64Array.from([2, -1, 0.5, -3, 4, 1, 0, 2, -2, 1, 1, 1, -0.5, 3, 2]);
    // orthonormalizeRows works on the vectors as rows: Aᵀ in, Qᵀ out.
    const qt = new Float64Array(n * m);
    for (let k = 0; k < m; k++) for (let j = 0; j < n; j++) qt[j * m + k] = a[k * n + j];
    orthonormalizeRows(qt, n, m);
    const q = (k: number, i: number) => qt[i * m + k];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let r = 0;
        for (let k = 0; k < m; k++) r += q(k, i) * a[k * n + j];
        if (i > j) expect(Math.abs(r)).toBeLessThan(1e-12);
        if (i === j) expect(r).toBeGreaterThan(0);
      }
    }
    for (let k = 0; k < m; k++) {
      for (let j = 0; j < n; j++) {
        let qr = 0;
        for (let i = 0; i < n; i++) {
          let r = 0;
          for (let t = 0; t < m; t++) r += q(t, i) * a[t * n + j];
          qr += q(k, i) * r;
        }
        expect(qr).toBeCloseTo(a[k * n + j], 12);
      }
    }
  });

  it('needs rank >= 2', () => {
    expect(() => initializers.orthogonal({ seed: 1 }).generate([5])).toThrow(ShapeError);
  });
});

describe('deterministic initializers', () => {
  it('zeros, ones and constant are exact', () => {
    expect(Array.from(initializers.zeros().generate([2, 3]))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(initializers.ones().generate([4]))).toEqual([1, 1, 1, 1]);
    expect(Array.from(initializers.constant(0.1).generate([3]))).toEqual(Array(3).fill(Math.fround(0.1)));
    expect(initializers.constant(-7).generate([])).toEqual(new Float32Array([-7]));
  });

  it('identity puts gain on the main diagonal of a 2-D shape', () => {
    expect(Array.from(initializers.identity({ gain: 2 }).generate([2, 3]))).toEqual([2, 0, 0, 0, 2, 0]);
    expect(Array.from(initializers.identity().generate([3, 2]))).toEqual([1, 0, 0, 1, 0, 0]);
    expect(() => initializers.identity().generate([2, 2, 2])).toThrow(ShapeError);
  });

  it('rejects malformed shapes', () => {
    expect(() => initializers.zeros().generate([2, -1])).toThrow(ShapeError);
    expect(() => initializers.glorotUniform().generate([2.5, 3])).toThrow(ShapeError);
  });
});

describe('getConfig', () => {
  it('uses Keras keys, with seed null when unset', () => {
    expect(initializers.glorotUniform().getConfig()).toEqual({ seed: null });
    expect(initializers.heNormal({ seed: 3 }).getConfig()).toEqual({ seed: 3 });
    expect(initializers.constant(0.25).getConfig()).toEqual({ value: 0.25 });
    expect(initializers.zeros().getConfig()).toEqual({});
    expect(initializers.orthogonal().getConfig()).toEqual({ gain: 1, seed: null });
    expect(initializers.identity().getConfig()).toEqual({ gain: 1 });
    expect(initializers.randomUniform().getConfig()).toEqual({ minval: -0.05, maxval: 0.05, seed: null });
    expect(initializers.randomNormal().getConfig()).toEqual({ mean: 0, stddev: 0.05, seed: null });
    expect(initializers.varianceScaling({ seed: 3 }).getConfig()).toEqual({
      scale: 1,
      mode: 'fan_in',
      distribution: 'truncated_normal',
      seed: 3,
    });
  });

  it('round-trips through getInitializer', () => {
    const originals = [
      initializers.glorotNormal({ seed: 1 }),
      initializers.orthogonal({ seed: 2, gain: 0.5 }),
      initializers.truncatedNormal({ seed: 3, mean: 0.2, stddev: 0.1 }),
      initializers.varianceScaling({ seed: 4, scale: 2, mode: 'fan_avg', distribution: 'uniform' }),
      initializers.constant(3),
    ];
    for (const original of originals) {
      const copy = getInitializer({ class_name: original.className, config: original.getConfig() }, 'kernel_initializer');
      expect(copy.className).toBe(original.className);
      expect(copy.generate([4, 6])).toEqual(original.generate([4, 6]));
    }
  });
});

describe('getInitializer', () => {
  it.each([
    ['glorot_uniform', 'GlorotUniform'],
    ['glorotUniform', 'GlorotUniform'],
    ['GlorotUniform', 'GlorotUniform'],
    ['glorot_normal', 'GlorotNormal'],
    ['he_normal', 'HeNormal'],
    ['heUniform', 'HeUniform'],
    ['LecunNormal', 'LecunNormal'],
    ['lecun_uniform', 'LecunUniform'],
    ['zeros', 'Zeros'],
    ['Zeros', 'Zeros'],
    ['zero', 'Zeros'],
    ['ones', 'Ones'],
    ['one', 'Ones'],
    ['constant', 'Constant'],
    ['orthogonal', 'Orthogonal'],
    ['Orthogonal', 'Orthogonal'],
    ['OrthogonalInitializer', 'Orthogonal'],
    ['identity', 'Identity'],
    ['IdentityInitializer', 'Identity'],
    ['random_uniform', 'RandomUniform'],
    ['uniform', 'RandomUniform'],
    ['RandomNormal', 'RandomNormal'],
    ['normal', 'RandomNormal'],
    ['truncated_normal', 'TruncatedNormal'],
    ['variance_scaling', 'VarianceScaling'],
  ])('resolves the name %s to %s', (name, className) => {
    expect(getInitializer(name, 'kernel_initializer').className).toBe(className);
  });

  it('returns an Initializer unchanged', () => {
    const initializer = initializers.ones();
    expect(getInitializer(initializer, 'bias_initializer')).toBe(initializer);
  });

  it('reads a Keras 3 serialized config, ignoring module and registered_name', () => {
    const serialized = { module: 'keras.initializers', class_name: 'Constant', config: { value: 0.1 }, registered_name: null };
    expect(getInitializer(serialized, 'bias_initializer').generate([2])).toEqual(new Float32Array([0.1, 0.1]));
  });

  it('reads Keras 2 configs, ignoring dtype and mapping distribution "normal" to truncated_normal', () => {
    const legacy = getInitializer(
      { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'normal', seed: null } },
      'kernel_initializer',
    );
    expect(legacy.getConfig()).toEqual({ scale: 1, mode: 'fan_avg', distribution: 'truncated_normal', seed: null });
    const v1 = getInitializer({ class_name: 'GlorotUniform', config: { seed: 5, dtype: 'float32' } }, 'kernel_initializer');
    expect(v1.generate([3, 3])).toEqual(initializers.glorotUniform({ seed: 5 }).generate([3, 3]));
    expect(getInitializer({ class_name: 'Zeros' }, 'bias_initializer').generate([2])).toEqual(new Float32Array(2));
    expect(getInitializer({ class_name: 'Orthogonal', config: { gain: 1, seed: 7 } }, 'recurrent_initializer').className).toBe(
      'Orthogonal',
    );
  });

  it.each([
    ['an unknown name', 'glorot_uniformm'],
    ['an unknown class_name', { class_name: 'Xavier', config: {} }],
    ['a negative stddev', { class_name: 'RandomNormal', config: { stddev: -1 } }],
    ['a non-number constant', { class_name: 'Constant', config: { value: '0.1' } }],
    ['a misspelled option', { class_name: 'TruncatedNormal', config: { stdev: 0.1 } }],
    ['an unknown mode', { class_name: 'VarianceScaling', config: { mode: 'fan_middle' } }],
    ['an unknown distribution', { class_name: 'VarianceScaling', config: { distribution: 'cauchy' } }],
    ['a zero scale', { class_name: 'VarianceScaling', config: { scale: 0 } }],
    ['a fractional seed', { class_name: 'HeNormal', config: { seed: 0.5 } }],
    ['minval above maxval', { class_name: 'RandomUniform', config: { minval: 1, maxval: 0 } }],
    ['a non-object config', { class_name: 'Ones', config: [1] as unknown as Record<string, unknown> }],
    ['a number', 3 as unknown as string],
    ['null', null as unknown as string],
  ])('throws ConfigError naming the argument for %s', (_case, spec) => {
    expect(() => getInitializer(spec, 'recurrent_initializer')).toThrow(ConfigError);
    expect(() => getInitializer(spec, 'recurrent_initializer')).toThrow(/recurrent_initializer/);
  });

  it('validates the factory options too', () => {
    expect(() => initializers.randomNormal({ stddev: -0.1 })).toThrow(/stddev.*>= 0.*-0\.1/);
    expect(() => initializers.constant('1' as unknown as number)).toThrow(ConfigError);
    expect(() => initializers.constant(Number.NaN)).toThrow(ConfigError);
    expect(() => initializers.orthogonal({ gain: Number.POSITIVE_INFINITY })).toThrow(/gain/);
  });
});

describe('normal draws are the same in every engine', () => {
  it('SeededRandom.normal() and the lane normals call no Math.log, cos or sin (engines differ in their last bit)', () => {
    const spies = (['log', 'cos', 'sin', 'exp', 'pow'] as const).map((name) => vi.spyOn(Math, name));
    try {
      const random = new SeededRandom(9);
      for (let i = 0; i < 1001; i++) random.normal();
      initializers.truncatedNormal({ seed: 2 }).generate([999]);
      fillLaneNormals(new SeededRandom(3).saveState(), new Float64Array(1001));
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('SeededRandom.normal() is Box–Muller of its uniforms to float64 accuracy', () => {
    const random = new SeededRandom(10);
    const uniforms = new SeededRandom(10);
    let worst = 0;
    let largest = 0;
    for (let i = 0; i < 100000; i++) {
      const [first, second] = [uniforms.uniform(), uniforms.uniform()];
      const radius = Math.sqrt(-2 * Math.log(1 - first));
      for (const expected of [radius * Math.cos(2 * Math.PI * second), radius * Math.sin(2 * Math.PI * second)]) {
        worst = Math.max(worst, Math.abs(random.normal() - expected) / Math.max(1, Math.abs(expected)));
        largest = Math.max(largest, Math.abs(expected));
      }
    }
    expect(worst).toBeLessThan(1e-14);
    expect(largest).toBeGreaterThan(4); // the tails were exercised
  });
});
