/** Orthogonal initializer (Keras 3): Q of the QR decomposition of a Gaussian matrix. */
import { ShapeError, formatShape } from '../errors.js';
import { SeededInitializer, type Initializer } from './initializer.js';
import type { SeededRandom } from './random.js';
import { checkKeys, readNumber, readSeed, type OptionBag } from './validate.js';

/**
 * The m×n (m >= n) matrix Q of the thin QR decomposition of `a` (row-major, float64),
 * by Householder reflections, with each column's sign chosen so that diag(R) >= 0.
 * With that sign rule Q is unique for a full-rank `a`, so this matches Keras'
 * `q * sign(diag(r))` whatever sign convention its QR routine uses.
 */
export function orthonormalColumns(a: Float64Array, m: number, n: number): Float64Array {
  const r = Float64Array.from(a);
  const reflectors: { v: Float64Array; normSquared: number }[] = [];
  const diagonalOfR = new Float64Array(n);

  for (let k = 0; k < n; k++) {
    const v = new Float64Array(m - k);
    let columnNormSquared = 0;
    for (let i = k; i < m; i++) {
      v[i - k] = r[i * n + k];
      columnNormSquared += v[i - k] * v[i - k];
    }
    // Reflect onto -sign(x0)·‖x‖·e1: the opposite sign avoids cancellation in v = x - alpha·e1.
    const alpha = v[0] >= 0 ? -Math.sqrt(columnNormSquared) : Math.sqrt(columnNormSquared);
    v[0] -= alpha;
    diagonalOfR[k] = alpha;
    let normSquared = 0;
    for (const x of v) normSquared += x * x;
    reflectors.push({ v, normSquared });
    if (normSquared === 0) continue; // an all-zero column needs no reflection

    for (let j = k + 1; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k] * r[i * n + j];
      const factor = (2 * dot) / normSquared;
      for (let i = k; i < m; i++) r[i * n + j] -= factor * v[i - k];
    }
  }

  // Q = H0·H1·…·H(n-1) applied to the first n columns of the identity, innermost first.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const { v, normSquared } = reflectors[k];
    if (normSquared === 0) continue;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k] * q[i * n + j];
      const factor = (2 * dot) / normSquared;
      for (let i = k; i < m; i++) q[i * n + j] -= factor * v[i - k];
    }
  }

  // numpy's sign(0) would zero a column; a zero pivot (probability 0) keeps its sign instead.
  for (let j = 0; j < n; j++) {
    if (diagonalOfR[j] >= 0) continue;
    for (let i = 0; i < m; i++) q[i * n + j] = -q[i * n + j];
  }
  return q;
}

class Orthogonal extends SeededInitializer {
  readonly className = 'Orthogonal';

  constructor(
    private readonly gain: number,
    seed: number | undefined,
  ) {
    super(seed);
  }

  getConfig(): Record<string, unknown> {
    return { gain: this.gain, seed: this.seed ?? null };
  }

  protected sample(shape: readonly number[], size: number, random: SeededRandom): Float32Array {
    if (shape.length < 2) {
      throw new ShapeError(
        `Orthogonal initializer: expected a shape of rank >= 2, received ${formatShape(shape)} of rank ${shape.length}.`,
      );
    }
    // Leading dimensions are flattened into rows so conv-style kernels work too.
    const rows = shape.slice(0, -1).reduce((product, d) => product * d, 1);
    const cols = shape[shape.length - 1];
    const tall = Math.max(rows, cols);
    const narrow = Math.min(rows, cols);
    const values = new Float32Array(size);
    if (size === 0) return values;

    const gaussian = new Float64Array(tall * narrow);
    for (let i = 0; i < gaussian.length; i++) gaussian[i] = random.normal();
    const q = orthonormalColumns(gaussian, tall, narrow);

    // A wide matrix takes Qᵀ, so it has orthonormal rows instead of columns.
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const entry = rows >= cols ? q[i * narrow + j] : q[j * narrow + i];
        values[i * cols + j] = this.gain * entry;
      }
    }
    return values;
  }
}

export function createOrthogonal(options: OptionBag, where: string): Initializer {
  checkKeys(options, ['gain', 'seed'], where);
  return new Orthogonal(readNumber(options, 'gain', 1, where), readSeed(options, where));
}
