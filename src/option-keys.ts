// Options objects everywhere (layer constructors, apply, predict, summary, ready) are checked the
// same way: an unknown key is a ConfigError that names it, and a Keras snake_case spelling gets
// the camelCase name this package uses.
import { ConfigError, quoted } from './errors.js';

export function checkOptionsObject(options: unknown, where: string, example = '{ units: 3 }'): asserts options is object {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`${where}: options must be an object such as ${example}, received ${describeOptions(options)}`);
  }
}

/** `fromConfig` names the static method that reads Keras configs, for options that look like one (snake_case keys). */
export function checkKnownKeys(options: object, allowed: readonly string[], where: string, fromConfig?: string): void {
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const suggestion = suggestKey(key, allowed);
    const hint = suggestion === null ? '' : ` (did you mean '${suggestion}'?${key.includes('_') ? ' options are camelCase' : ''})`;
    const snakeKeys = Object.keys(options).filter((k) => k.includes('_')).length;
    const configHint = fromConfig && snakeKeys > 1 ? `; a Keras config such as getConfig() returns is read by ${fromConfig}(config)` : '';
    throw new ConfigError(`${where}: unknown option '${key}'${hint}${configHint}; expected one of ${allowed.join(', ')}`);
  }
}

/**
 * The allowed key a misspelt one most likely meant: its camelCase form, the same letters in
 * another case, one edit away, or two neighbouring letters swapped.
 */
export function suggestKey(key: string, allowed: readonly string[]): string | null {
  const camel = key.replace(/_+([a-z0-9])/gi, (_, letter: string) => letter.toUpperCase());
  if (allowed.includes(camel)) return camel;
  const folded = camel.toLowerCase();
  const plain = (name: string) => name.toLowerCase().replace(/_/g, '');
  return allowed.find((name) => plain(name) === folded)
    ?? allowed.find((name) => folded.length > 3 && withinOneEdit(plain(name), folded))
    ?? allowed.find((name) => folded.length > 3 && isOneSwap(plain(name), folded))
    ?? null;
}

/** b is a with two neighbouring letters exchanged ('untis' for 'units'). */
function isOneSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i < a.length - 1 && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const tail = (x: string, skip: number) => x.slice(i + skip);
  return tail(a, 1) === tail(b, 1) || tail(a, 1) === tail(b, 0) || tail(a, 0) === tail(b, 1);
}

/** A value as an error message names it: its JSON for scalars, its length for arrays, its class for objects. */
export function describeOptions(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return quoted(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value === 'object' ? `an object (${value.constructor?.name ?? 'Object'})` : typeof value;
}

/** Names what a wrapper (Bidirectional, TimeDistributed) received instead of a layer; Keras' keyword form gets the call to write. */
export function describeWrapped(value: unknown, className: string, example: string): string {
  const keyword = value !== null && typeof value === 'object' && 'layer' in value;
  return `${describeOptions(value)}${keyword ? `; the layer goes first, as in Keras' ${className}(layer, ...): ${example}` : ''}`;
}

/**
 * Keras' first positional argument given by keyword, as notebooks write it
 * (`ModelCheckpoint(filepath='...', save_best_only=True)` → `new ModelCheckpoint({ filepath, saveBestOnly })`):
 * a plain object first, with nothing after it, is the options holding that argument under `key`.
 * Anything else is the positional form, returned as it is.
 */
export function keywordFirst<Options extends object>(first: unknown, second: Options | undefined, key: string, where: string): [unknown, Options | undefined] {
  const plain = typeof first === 'object' && first !== null && !Array.isArray(first) && [Object.prototype, null].includes(Object.getPrototypeOf(first));
  if (!plain) return [first, second];
  if (second !== undefined) throw new ConfigError(`${where}: give '${key}' first and the options after it, or one options object with '${key}' in it, not both`);
  const { [key]: value, ...rest } = first as Record<string, unknown>;
  return [value, rest as Options];
}
