/** Orthogonal initializer (Keras 3): Q of the QR decomposition of a Gaussian matrix. */
import { ShapeError, formatShape } from '../errors.js';
import { kernelOrthonormalColumns, kernelOrthonormalPackedRows } from '../kernels/orthonormal.js';
import { kernelOrthonormalColumnsF64 } from '../kernels/orthonormal-f64.js';
import { orthonormalizeRows } from './householder.js';
import { SeededInitializer, shapeSize, type Initializer } from './initializer.js';
import { laneGaussian } from './lane-normals.js';
import type { SeededRandom } from './random.js';
import { checkKeys, readNumber, readSeed, type OptionBag } from './validate.js';

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

  /** generate() of a wide rank-2 shape, packed in WebAssembly memory only (see orthogonalPackedRows). */
  generatePackedRows(shape: readonly number[], fallbackSeed: number): number | null {
    if (shape.length !== 2 || !(shapeSize(shape) > 0) || shape[0] >= shape[1]) return null;
    const words = this.random(fallbackSeed).saveState();
    return kernelOrthonormalPackedRows({ words }, shape[1], shape[0], this.gain);
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
    if (size === 0) return new Float32Array(0);

    // Keras: Q of the QR of a tall×narrow Gaussian, q *= sign(diag(r)), transposed if wide.
    // WebAssembly draws the same Gaussian (laneGaussian's) and does the whole QR when it can: in
    // float32 for a tall one (tall >= 2·narrow), else in float64 (square ones, SimpleRNN's).
    const words = random.saveState();
    const drawn = kernelOrthonormalColumns({ words }, tall, narrow, this.gain, rows < cols)
      ?? kernelOrthonormalColumnsF64({ words }, tall, narrow, this.gain, rows < cols);
    if (drawn) return drawn;
    const gaussian = laneGaussian(words, tall, narrow);
    const vectors = householderOrthonormalColumns(gaussian, tall, narrow);
    const values = new Float32Array(size);

    // `vectors` holds Qᵀ: a wide matrix takes it as it is, a tall one transposed.
    const gain = this.gain;
    if (rows < cols) {
      for (let i = 0; i < size; i++) values[i] = gain * vectors[i];
    } else {
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) values[i * cols + j] = gain * vectors[j * rows + i];
      }
    }
    return values;
  }
}

/** Qᵀ (narrow rows of length tall) of the tall×narrow row-major `a`, in float64 JavaScript. */
function householderOrthonormalColumns(a: Float64Array, tall: number, narrow: number): Float64Array {
  const vectors = new Float64Array(narrow * tall);
  for (let i = 0; i < tall; i++) {
    for (let j = 0; j < narrow; j++) vectors[j * tall + i] = a[i * narrow + j];
  }
  orthonormalizeRows(vectors, narrow, tall);
  return vectors;
}

/**
 * What `initializer.generate(shape, fallbackSeed)` gives, packed for f32_gemm (and nowhere else)
 * in a heap block of the default instance that the caller then owns, when the initializer is the
 * orthogonal one and the WebAssembly path takes the shape (wide, both sides multiples of 8); null
 * otherwise. A recurrent layer keeps the block as its packed recurrent kernel, and reads the
 * values back from it (unpackOrthonormalRows) only when someone asks for them. @internal
 */
export function orthogonalPackedRows(initializer: Initializer, shape: readonly number[], fallbackSeed: number): number | null {
  return initializer instanceof Orthogonal ? initializer.generatePackedRows(shape, fallbackSeed) : null;
}

export function createOrthogonal(options: OptionBag, where: string): Initializer {
  checkKeys(options, ['gain', 'seed'], where);
  return new Orthogonal(readNumber(options, 'gain', 1, where), readSeed(options, where));
}
