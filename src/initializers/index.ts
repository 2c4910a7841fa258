/** Public surface of the Keras initializers. */
import { ConfigError } from '../errors.js';
import { createConstant, createIdentity, createOnes, createZeros } from './constant.js';
import { createRandomNormal, createRandomUniform, createTruncatedNormal } from './distributions.js';
import type { Initializer, SeedOption } from './initializer.js';
import { createOrthogonal } from './orthogonal.js';
import { describeValue, toOptionBag, type OptionBag } from './validate.js';
import {
  createVarianceScaling,
  createVarianceScalingPreset,
  type FanMode,
  type ScalingDistribution,
  type VarianceScalingPreset,
} from './variance-scaling.js';

export type { Initializer, SeedOption } from './initializer.js';
export { getInitializer, type InitializerSpec } from './get-initializer.js';

export interface InitializerFactories {
  zeros(): Initializer;
  ones(): Initializer;
  constant(value: number): Initializer;
  glorotUniform(o?: SeedOption): Initializer;
  glorotNormal(o?: SeedOption): Initializer;
  heNormal(o?: SeedOption): Initializer;
  heUniform(o?: SeedOption): Initializer;
  lecunNormal(o?: SeedOption): Initializer;
  lecunUniform(o?: SeedOption): Initializer;
  orthogonal(o?: SeedOption & { gain?: number }): Initializer;
  /** Defaults: minval -0.05, maxval 0.05. */
  randomUniform(o?: SeedOption & { minval?: number; maxval?: number }): Initializer;
  /** Defaults: mean 0, stddev 0.05. */
  randomNormal(o?: SeedOption & { mean?: number; stddev?: number }): Initializer;
  /** Defaults: mean 0, stddev 0.05; values beyond two stddev of the mean are re-drawn. */
  truncatedNormal(o?: SeedOption & { mean?: number; stddev?: number }): Initializer;
  /** Defaults: scale 1, mode 'fan_in', distribution 'truncated_normal'. */
  varianceScaling(o?: SeedOption & { scale?: number; mode?: FanMode; distribution?: ScalingDistribution }): Initializer;
  /** 2-D only; `gain` on the main diagonal. */
  identity(o?: { gain?: number }): Initializer;
}

/** Wraps an options-module creator so its errors name the public factory. */
function factory(name: string, create: (options: OptionBag, where: string) => Initializer) {
  return (options?: object): Initializer => {
    const where = `initializers.${name}() options`;
    return create(toOptionBag(options, where), where);
  };
}

function preset(name: string, className: VarianceScalingPreset) {
  return factory(name, (options, where) => createVarianceScalingPreset(className, options, where));
}

export const initializers: InitializerFactories = {
  zeros: () => createZeros({}, 'initializers.zeros()'),
  ones: () => createOnes({}, 'initializers.ones()'),
  constant: (value: number) => {
    if (typeof value !== 'number') {
      throw new ConfigError(`initializers.constant() 'value': expected a finite number, received ${describeValue(value)}.`);
    }
    return createConstant({ value }, 'initializers.constant()');
  },
  glorotUniform: preset('glorotUniform', 'GlorotUniform'),
  glorotNormal: preset('glorotNormal', 'GlorotNormal'),
  heNormal: preset('heNormal', 'HeNormal'),
  heUniform: preset('heUniform', 'HeUniform'),
  lecunNormal: preset('lecunNormal', 'LecunNormal'),
  lecunUniform: preset('lecunUniform', 'LecunUniform'),
  orthogonal: factory('orthogonal', createOrthogonal),
  randomUniform: factory('randomUniform', createRandomUniform),
  randomNormal: factory('randomNormal', createRandomNormal),
  truncatedNormal: factory('truncatedNormal', createTruncatedNormal),
  varianceScaling: factory('varianceScaling', createVarianceScaling),
  identity: factory('identity', createIdentity),
};
