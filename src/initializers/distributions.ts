/** RandomUniform, RandomNormal and TruncatedNormal, plus the sampling loops VarianceScaling reuses. */
import { ConfigError } from '../errors.js';
import { kernelUniform } from '../kernels/random.js';
import { SeededInitializer, type Initializer } from './initializer.js';
import type { SeededRandom } from './random.js';
import { checkKeys, readNumber, readSeed, type OptionBag } from './validate.js';

// Samples are computed in float64 and rounded once, on the store into the Float32Array.

export function sampleUniform(size: number, random: SeededRandom, minval: number, maxval: number): Float32Array {
  // The same values from WebAssembly once it is loaded; the stream continues as the loop leaves it.
  const words = random.saveState();
  const drawn = kernelUniform(words, size, minval, maxval);
  if (drawn) {
    random.restoreState(words);
    return drawn;
  }
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = minval + (maxval - minval) * random.uniform();
  return values;
}

export function sampleNormal(size: number, random: SeededRandom, mean: number, stddev: number): Float32Array {
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = mean + stddev * random.normal();
  return values;
}

/** Normal samples re-drawn until within two standard deviations of the mean. */
export function sampleTruncatedNormal(size: number, random: SeededRandom, mean: number, stddev: number): Float32Array {
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = mean + stddev * random.truncatedNormal();
  return values;
}

class RandomUniform extends SeededInitializer {
  readonly className = 'RandomUniform';

  constructor(
    private readonly minval: number,
    private readonly maxval: number,
    seed: number | undefined,
  ) {
    super(seed);
  }

  getConfig(): Record<string, unknown> {
    return { minval: this.minval, maxval: this.maxval, seed: this.seed ?? null };
  }

  protected sample(_shape: readonly number[], size: number, random: SeededRandom): Float32Array {
    return sampleUniform(size, random, this.minval, this.maxval);
  }
}

class Normal extends SeededInitializer {
  constructor(
    readonly className: 'RandomNormal' | 'TruncatedNormal',
    private readonly mean: number,
    private readonly stddev: number,
    seed: number | undefined,
  ) {
    super(seed);
  }

  getConfig(): Record<string, unknown> {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed ?? null };
  }

  protected sample(_shape: readonly number[], size: number, random: SeededRandom): Float32Array {
    return this.className === 'TruncatedNormal'
      ? sampleTruncatedNormal(size, random, this.mean, this.stddev)
      : sampleNormal(size, random, this.mean, this.stddev);
  }
}

export function createRandomUniform(options: OptionBag, where: string): Initializer {
  checkKeys(options, ['minval', 'maxval', 'seed'], where);
  const minval = readNumber(options, 'minval', -0.05, where);
  const maxval = readNumber(options, 'maxval', 0.05, where);
  if (minval > maxval) {
    throw new ConfigError(`${where} 'minval'/'maxval': expected minval <= maxval, received minval=${minval}, maxval=${maxval}.`);
  }
  return new RandomUniform(minval, maxval, readSeed(options, where));
}

function createNormal(className: 'RandomNormal' | 'TruncatedNormal', options: OptionBag, where: string): Initializer {
  checkKeys(options, ['mean', 'stddev', 'seed'], where);
  const mean = readNumber(options, 'mean', 0, where);
  const stddev = readNumber(options, 'stddev', 0.05, where, 'nonNegative');
  return new Normal(className, mean, stddev, readSeed(options, where));
}

export function createRandomNormal(options: OptionBag, where: string): Initializer {
  return createNormal('RandomNormal', options, where);
}

export function createTruncatedNormal(options: OptionBag, where: string): Initializer {
  return createNormal('TruncatedNormal', options, where);
}
