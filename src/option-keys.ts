// Options objects everywhere (layer constructors, apply, predict, summary, ready) are checked the
// same way: an unknown key is a ConfigError that names it, and a Keras snake_case spelling gets
// the camelCase name this package uses.
import { ConfigError } from './errors.js';

export function checkOptionsObject(options: unknown, where: string, example = '{ units: 3 }'): asserts options is object {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`${where}: options must be an object such as ${example}, received ${describeOptions(options)}`);
  }
}

export function checkKnownKeys(options: object, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const suggestion = suggestKey(key, allowed);
    const hint = suggestion === null ? '' : ` (did you mean '${suggestion}'?${key.includes('_') ? ' options are camelCase' : ''})`;
    throw new ConfigError(`${where}: unknown option '${key}'${hint}; expected one of ${allowed.join(', ')}`);
  }
}

/** The allowed key a misspelt one most likely meant: its camelCase form, or the same letters in another case. */
function suggestKey(key: string, allowed: readonly string[]): string | null {
  const camel = key.replace(/_+([a-z0-9])/gi, (_, letter: string) => letter.toUpperCase());
  if (allowed.includes(camel)) return camel;
  const folded = key.replace(/_/g, '').toLowerCase();
  return allowed.find((name) => name.toLowerCase() === folded) ?? null;
}

function describeOptions(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value === 'object' ? `an object (${value.constructor?.name ?? 'Object'})` : typeof value;
}
