// Reading layer options: every problem is a ConfigError naming the layer and the option.
import { ConfigError, quoted } from '../errors.js';
import { checkOptionsObject } from '../option-keys.js';

export { checkKnownKeys, checkOptionsObject } from '../option-keys.js';

let randomSeedCounter = 0;

export function booleanOption(value: unknown, fallback: boolean, key: string, layerName: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new ConfigError(`${layerName}: option '${key}' must be a boolean, received ${quoted(value)}`);
  }
  return value;
}

export function rateOption(value: unknown, key: string, layerName: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new ConfigError(`${layerName}: option '${key}' must be a number in [0, 1], received ${quoted(value)}`);
  }
  return value;
}

export function nextRandomSeed(): number {
  randomSeedCounter += 1;
  return (Math.floor(Math.random() * 0x3fffffff) + randomSeedCounter * 7919) | 0;
}

/**
 * Keras' positional first argument (`LSTM(3)`, `Dense(1, ...)`, `Dropout(0.5)`): `[value, options?]`
 * or `[options]` become one options object with `value` under `key`.
 */
export function positionalOptions(args: readonly unknown[], key: string, className: string): Record<string, unknown> {
  const [first, second] = args;
  if (typeof first !== 'number') {
    if (args.length > 1) {
      throw new ConfigError(`${className}: expected (options) or (${key}, options), received ${args.length} arguments with a first one that is not a number`);
    }
    // The example must be a valid value: a rate or a standard deviation is a fraction, a size is a count.
    checkOptionsObject(first, className, `{ ${key}: ${key === 'rate' || key === 'stddev' ? 0.5 : 3} }`);
    return first as Record<string, unknown>;
  }
  if (args.length > 2) throw new ConfigError(`${className}: expected (${key}, options), received ${args.length} arguments`);
  if (second === undefined) return { [key]: first };
  checkOptionsObject(second, `${className}: options after ${key}`, "{ name: 'my_layer' }");
  if (key in (second as object)) {
    throw new ConfigError(`${className}: '${key}' is given twice, as the first argument (${first}) and in the options (${quoted((second as Record<string, unknown>)[key])})`);
  }
  return { ...(second as Record<string, unknown>), [key]: first };
}

/**
 * positionalOptions for a layer whose first argument has a Keras default (`Masking()`,
 * `Concatenate()`): no arguments, or only undefined ones, are the defaults.
 */
export function optionalPositionalOptions(args: readonly unknown[], key: string, className: string): Record<string, unknown> {
  return args.every((a) => a === undefined) ? {} : positionalOptions(args, key, className);
}

/**
 * Keras' two positional numbers (`Embedding(5000, 64)`): `[a, b, options?]` or `[options]`
 * become one options object with a and b under `keys`.
 */
export function twoPositionalOptions(args: readonly unknown[], keys: readonly [string, string], className: string): Record<string, unknown> {
  const [first, second, third] = args;
  const [a, b] = keys;
  if (typeof first !== 'number') {
    if (args.length > 1) throw new ConfigError(`${className}: expected (options) or (${a}, ${b}, options), received ${args.length} arguments with a first one that is not a number`);
    checkOptionsObject(first, className, `{ ${a}: 1000, ${b}: 64 }`);
    return first as Record<string, unknown>;
  }
  if (args.length > 3) throw new ConfigError(`${className}: expected (${a}, ${b}, options), received ${args.length} arguments`);
  if (typeof second !== 'number') throw new ConfigError(`${className}: after ${a} (${first}) comes ${b}, a number, as in Keras' ${className}(${a}, ${b}), received ${quoted(second) ?? 'undefined'}`);
  if (third === undefined) return { [a]: first, [b]: second };
  checkOptionsObject(third, `${className}: options after ${a} and ${b}`, "{ name: 'my_layer' }");
  for (const key of keys) {
    if (key in (third as object)) throw new ConfigError(`${className}: '${key}' is given twice, as an argument and in the options`);
  }
  return { ...(third as Record<string, unknown>), [a]: first, [b]: second };
}

/** An axis or a list of axes as a first argument (`LayerNormalization([1, 2])`, `Dot([2, 2])`), not an options object. */
export function isAxisValue(value: unknown): boolean {
  return typeof value === 'number' || Array.isArray(value);
}

/**
 * Like positionalOptions for a first argument that is not a number (`Reshape([128, 1])`,
 * `Activation('relu')`): `isValue` tells the value from an options object.
 */
export function leadingValueOptions(
  first: unknown, rest: unknown, key: string, className: string, isValue: (value: unknown) => boolean,
): Record<string, unknown> {
  if (!isValue(first)) {
    if (rest !== undefined) throw new ConfigError(`${className}: expected (options) or (${key}, options), received 2 arguments with a first one that is not a ${key}`);
    checkOptionsObject(first, className, `{ ${key}: ... }`);
    return first as Record<string, unknown>;
  }
  if (rest === undefined) return { [key]: first };
  checkOptionsObject(rest, `${className}: options after ${key}`, "{ name: 'my_layer' }");
  if (key in (rest as object)) {
    throw new ConfigError(`${className}: '${key}' is given twice, as the first argument and in the options`);
  }
  return { ...(rest as Record<string, unknown>), [key]: first };
}
