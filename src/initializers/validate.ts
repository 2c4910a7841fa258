/**
 * Reading initializer options (from TypeScript callers or from Keras configs) with
 * ConfigError messages that say where the value came from, what was expected and
 * what was received.
 */
import { ConfigError, quoted } from '../errors.js';

/** Options of one initializer, as plain key/value pairs. */
export type OptionBag = Readonly<Record<string, unknown>>;

/** @internal */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object' && value !== null) {
    let text: string;
    try {
      text = quoted(value);
    } catch {
      return 'an object';
    }
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  }
  return String(value);
}

/** @internal */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalidOption(where: string, key: string, expected: string, received: unknown): ConfigError {
  return new ConfigError(`${where} '${key}': expected ${expected}, received ${describeValue(received)}.`);
}

/** Copies caller options into an OptionBag; `undefined` means no options. @internal */
export function toOptionBag(options: unknown, where: string): OptionBag {
  if (options === undefined) return {};
  if (!isRecord(options)) {
    throw new ConfigError(`${where}: expected an options object, received ${describeValue(options)}.`);
  }
  return Object.fromEntries(Object.entries(options));
}

/** Rejects keys the initializer does not know, so a typo like `stdev` is not silently ignored. @internal */
export function checkKeys(options: OptionBag, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      const expected = allowed.length > 0 ? `one of ${allowed.map((k) => `'${k}'`).join(', ')}` : 'no options';
      throw new ConfigError(`${where}: unknown option '${key}'; expected ${expected}.`);
    }
  }
}

const NUMBER_RULES = {
  finite: { test: (x: number) => Number.isFinite(x), expected: 'a finite number' },
  nonNegative: { test: (x: number) => Number.isFinite(x) && x >= 0, expected: 'a finite number >= 0' },
  positive: { test: (x: number) => Number.isFinite(x) && x > 0, expected: 'a finite number > 0' },
} as const;

/** @internal */
export function readNumber(
  options: OptionBag,
  key: string,
  defaultValue: number,
  where: string,
  rule: keyof typeof NUMBER_RULES = 'finite',
): number {
  const value = options[key];
  if (value === undefined) return defaultValue;
  const { test, expected } = NUMBER_RULES[rule];
  if (typeof value === 'number' && test(value)) return value;
  throw invalidOption(where, key, expected, value);
}

/** @internal */
export function readChoice<T extends string>(
  options: OptionBag,
  key: string,
  defaultValue: T,
  choices: readonly T[],
  where: string,
): T {
  const value = options[key];
  if (value === undefined) return defaultValue;
  const match = choices.find((choice) => choice === value);
  if (match !== undefined) return match;
  throw invalidOption(where, key, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, value);
}

/** Keras stores an unset seed as `null`; both `null` and `undefined` mean "no seed". @internal */
export function readSeed(options: OptionBag, where: string): number | undefined {
  const value = options['seed'];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw invalidOption(where, 'seed', 'an integer or null', value);
}

/** @internal */
export function checkSeedArgument(value: unknown, argumentName: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw new ConfigError(`${argumentName}: expected an integer seed, received ${describeValue(value)}.`);
}
