/** VarianceScaling and its named presets (Glorot, He, LeCun), with Keras 3 formulas. */
import { sampleNormal, sampleTruncatedNormal, sampleUniform } from './distributions.js';
import { SeededInitializer, type Initializer } from './initializer.js';
import type { SeededRandom } from './random.js';
import { checkKeys, readChoice, readNumber, readSeed, type OptionBag } from './validate.js';

export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';
export type ScalingDistribution = 'truncated_normal' | 'untruncated_normal' | 'uniform';

const FAN_MODES: readonly FanMode[] = ['fan_in', 'fan_out', 'fan_avg'];
const DISTRIBUTIONS: readonly ScalingDistribution[] = ['truncated_normal', 'untruncated_normal', 'uniform'];

/**
 * Standard deviation of a unit normal truncated to [-2, 2]. Dividing by it makes the
 * truncated samples have exactly the requested standard deviation.
 */
const TRUNCATED_STDDEV_FACTOR = 0.87962566103423978;

/** Keras' (fan_in, fan_out): kernels are [..., receptive field, input, output]. @internal */
export function computeFans(shape: readonly number[]): [fanIn: number, fanOut: number] {
  const rank = shape.length;
  if (rank === 0) return [1, 1];
  if (rank === 1) return [shape[0], shape[0]];
  if (rank === 2) return [shape[0], shape[1]];
  const receptiveField = shape.slice(0, -2).reduce((product, d) => product * d, 1);
  return [shape[rank - 2] * receptiveField, shape[rank - 1] * receptiveField];
}

/** @internal */
export const VARIANCE_SCALING_PRESETS = {
  GlorotUniform: { scale: 1, mode: 'fan_avg', distribution: 'uniform' },
  GlorotNormal: { scale: 1, mode: 'fan_avg', distribution: 'truncated_normal' },
  HeNormal: { scale: 2, mode: 'fan_in', distribution: 'truncated_normal' },
  HeUniform: { scale: 2, mode: 'fan_in', distribution: 'uniform' },
  LecunNormal: { scale: 1, mode: 'fan_in', distribution: 'truncated_normal' },
  LecunUniform: { scale: 1, mode: 'fan_in', distribution: 'uniform' },
} as const satisfies Record<string, { scale: number; mode: FanMode; distribution: ScalingDistribution }>;

/** @internal */
export type VarianceScalingPreset = keyof typeof VARIANCE_SCALING_PRESETS;

class VarianceScaling extends SeededInitializer {
  constructor(
    readonly className: 'VarianceScaling' | VarianceScalingPreset,
    private readonly scale: number,
    private readonly mode: FanMode,
    private readonly distribution: ScalingDistribution,
    seed: number | undefined,
  ) {
    super(seed);
  }

  getConfig(): Record<string, unknown> {
    // Keras presets serialize only their seed; the rest is implied by the class name.
    if (this.className !== 'VarianceScaling') return { seed: this.seed ?? null };
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed ?? null };
  }

  protected sample(shape: readonly number[], size: number, random: SeededRandom): Float32Array {
    const [fanIn, fanOut] = computeFans(shape);
    const fan = this.mode === 'fan_in' ? fanIn : this.mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const scale = this.scale / Math.max(1, fan);
    switch (this.distribution) {
      case 'truncated_normal':
        return sampleTruncatedNormal(size, random, 0, Math.sqrt(scale) / TRUNCATED_STDDEV_FACTOR);
      case 'untruncated_normal':
        return sampleNormal(size, random, 0, Math.sqrt(scale));
      case 'uniform': {
        const limit = Math.sqrt(3 * scale);
        return sampleUniform(size, random, -limit, limit);
      }
    }
  }
}

/** @internal */
export function createVarianceScaling(options: OptionBag, where: string): Initializer {
  checkKeys(options, ['scale', 'mode', 'distribution', 'seed'], where);
  // Like Keras: the distribution is case-insensitive and the legacy 'normal' means truncated.
  const raw = options['distribution'];
  const lowered = typeof raw === 'string' ? raw.toLowerCase() : raw;
  const alias = lowered === 'normal' ? 'truncated_normal' : lowered;
  const normalized = DISTRIBUTIONS.some((d) => d === alias) ? { ...options, distribution: alias } : options;
  return new VarianceScaling(
    'VarianceScaling',
    readNumber(options, 'scale', 1, where, 'positive'),
    readChoice(options, 'mode', 'fan_in', FAN_MODES, where),
    readChoice(normalized, 'distribution', 'truncated_normal', DISTRIBUTIONS, where),
    readSeed(options, where),
  );
}

/** @internal */
export function createVarianceScalingPreset(preset: VarianceScalingPreset, options: OptionBag, where: string): Initializer {
  checkKeys(options, ['seed'], where);
  const { scale, mode, distribution } = VARIANCE_SCALING_PRESETS[preset];
  return new VarianceScaling(preset, scale, mode, distribution, readSeed(options, where));
}
