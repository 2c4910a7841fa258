import { ShapeError, formatShape } from '../errors.js';
import { SeededRandom, drawRandomSeed } from './random.js';
import { checkSeedArgument, describeValue } from './validate.js';

export interface Initializer {
  /** Keras class name, e.g. 'GlorotUniform', 'Constant'. */
  readonly className: string;
  /** Keras-style snake_case config, e.g. { seed: null } or { value: 0.1 } or { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: 3 }. */
  getConfig(): Record<string, unknown>;
  /** Values for a weight of `shape` (row-major). `fallbackSeed` is used only when the initializer was created without its own seed; with neither, a random seed is drawn (Math.random). Same seed + same shape => identical values. */
  generate(shape: readonly number[], fallbackSeed?: number): Float32Array;
}

export interface SeedOption {
  seed?: number;
}

/** Number of elements of `shape`, after checking it is a list of non-negative integers. @internal */
export function shapeSize(shape: readonly number[]): number {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    const shown = Array.isArray(shape) && shape.every((d) => typeof d === 'number') ? formatShape(shape) : describeValue(shape);
    throw new ShapeError(`shape: expected an array of non-negative integers, received ${shown}.`);
  }
  return shape.reduce((size, d) => size * d, 1);
}

/** Base of the random initializers: resolves the seed, then lets the subclass draw from it. @internal */
export abstract class SeededInitializer implements Initializer {
  abstract readonly className: string;

  protected constructor(protected readonly seed: number | undefined) {}

  abstract getConfig(): Record<string, unknown>;

  protected abstract sample(shape: readonly number[], size: number, random: SeededRandom): Float32Array;

  generate(shape: readonly number[], fallbackSeed?: number): Float32Array {
    const size = shapeSize(shape);
    return this.sample(shape, size, this.random(fallbackSeed));
  }

  /** The stream generate() draws from: the initializer's seed, else `fallbackSeed`, else a random one. */
  protected random(fallbackSeed: number | undefined): SeededRandom {
    const fallback = fallbackSeed === undefined ? undefined : checkSeedArgument(fallbackSeed, 'fallbackSeed');
    return new SeededRandom(this.seed ?? fallback ?? drawRandomSeed());
  }
}
