/** Resolving a layer's initializer option: an Initializer, a name, or a Keras 2/3 config. */
import { ConfigError } from '../errors.js';
import { lazy } from '../lazy.js';
import { createConstant, createIdentity, createOnes, createZeros } from './constant.js';
import { createRandomNormal, createRandomUniform, createTruncatedNormal } from './distributions.js';
import type { Initializer } from './initializer.js';
import { createOrthogonal } from './orthogonal.js';
import { createVarianceScaling, createVarianceScalingPreset } from './variance-scaling.js';
import { describeValue, isRecord, type OptionBag } from './validate.js';

/** What a layer option accepts: an Initializer, a name ('glorot_uniform', 'glorotUniform', 'GlorotUniform', 'zeros', 'orthogonal', ...), or a Keras serialized config such as { class_name: 'Constant', config: { value: 0.1 } } (Keras 3 adds module/registered_name keys: ignore them; Keras 2 may give class names like 'Zeros', 'Ones', 'RandomUniform', 'TruncatedNormal', 'VarianceScaling', 'Orthogonal', 'Identity', 'Constant', 'GlorotUniform', 'glorot_uniform'...). Unknown names and bad config values throw ConfigError naming the argument. */
export type InitializerSpec = Initializer | string | { class_name: string; config?: Record<string, unknown> };

type Creator = (options: OptionBag, where: string) => Initializer;

const CREATORS = {
  Zeros: createZeros,
  Ones: createOnes,
  Constant: createConstant,
  Identity: createIdentity,
  RandomUniform: createRandomUniform,
  RandomNormal: createRandomNormal,
  TruncatedNormal: createTruncatedNormal,
  VarianceScaling: createVarianceScaling,
  Orthogonal: createOrthogonal,
  GlorotUniform: (options, where) => createVarianceScalingPreset('GlorotUniform', options, where),
  GlorotNormal: (options, where) => createVarianceScalingPreset('GlorotNormal', options, where),
  HeNormal: (options, where) => createVarianceScalingPreset('HeNormal', options, where),
  HeUniform: (options, where) => createVarianceScalingPreset('HeUniform', options, where),
  LecunNormal: (options, where) => createVarianceScalingPreset('LecunNormal', options, where),
  LecunUniform: (options, where) => createVarianceScalingPreset('LecunUniform', options, where),
} satisfies Record<string, Creator>;

type ClassName = keyof typeof CREATORS;

/** Spelling-insensitive key: 'GlorotUniform', 'glorotUniform' and 'glorot_uniform' all meet here. */
function lookupKey(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

const classByKey = lazy(() => new Map<string, ClassName>([
  ...(Object.keys(CREATORS) as ClassName[]).map((name): [string, ClassName] => [lookupKey(name), name]),
  // Keras 3 aliases, and the class names Keras 3.0–3.3 serialized.
  ['uniform', 'RandomUniform'],
  ['normal', 'RandomNormal'],
  ['one', 'Ones'],
  ['zero', 'Zeros'],
  ['orthogonalinitializer', 'Orthogonal'],
  ['identityinitializer', 'Identity'],
]));

function knownNames(): string {
  return Object.keys(CREATORS)
    .map((name) => name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase())
    .sort()
    .join(', ');
}

function isInitializer(value: unknown): value is Initializer {
  return (
    isRecord(value) &&
    typeof value['className'] === 'string' &&
    typeof value['getConfig'] === 'function' &&
    typeof value['generate'] === 'function'
  );
}

function create(name: string, options: OptionBag, argumentName: string, describeName: () => string): Initializer {
  const className = classByKey().get(lookupKey(name));
  if (className === undefined) {
    throw new ConfigError(`${argumentName}: unknown initializer ${describeName()}; expected one of ${knownNames()}.`);
  }
  return CREATORS[className](options, `${argumentName} (${className} config)`);
}

export function getInitializer(spec: InitializerSpec, argumentName: string): Initializer {
  const value: unknown = spec;
  if (isInitializer(value)) return value;
  if (typeof value === 'string') {
    return create(value, {}, argumentName, () => describeValue(value));
  }
  if (isRecord(value) && typeof value['class_name'] === 'string') {
    const className = value['class_name'];
    const config = value['config'];
    if (config !== undefined && config !== null && !isRecord(config)) {
      throw new ConfigError(
        `${argumentName}: expected 'config' of ${className} to be an object, received ${describeValue(config)}.`,
      );
    }
    // Keras 2 (tf.compat.v1) configs carry a dtype; weights here are always float32.
    const options = Object.fromEntries(Object.entries(config ?? {}).filter(([key]) => key !== 'dtype'));
    return create(className, options, argumentName, () => `class_name '${className}'`);
  }
  throw new ConfigError(
    `${argumentName}: expected an Initializer, an initializer name such as 'glorot_uniform', ` +
      `or a Keras config { class_name, config }; received ${describeValue(value)}.`,
  );
}
