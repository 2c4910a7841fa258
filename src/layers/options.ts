// Reading layer options: every problem is a ConfigError naming the layer and the option.
import { ConfigError } from '../errors.js';

let randomSeedCounter = 0;

export function checkOptionsObject(options: unknown, className: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`${className}: options must be an object such as { units: 3 }, received ${JSON.stringify(options)}`);
  }
}

export function checkKnownKeys(options: object, allowed: readonly string[], layerName: string): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(`${layerName}: unknown option '${key}'; expected one of ${allowed.join(', ')}`);
    }
  }
}

export function booleanOption(value: unknown, fallback: boolean, key: string, layerName: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new ConfigError(`${layerName}: option '${key}' must be a boolean, received ${JSON.stringify(value)}`);
  }
  return value;
}

export function rateOption(value: unknown, key: string, layerName: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new ConfigError(`${layerName}: option '${key}' must be a number in [0, 1], received ${JSON.stringify(value)}`);
  }
  return value;
}

export function nextRandomSeed(): number {
  randomSeedCounter += 1;
  return (Math.floor(Math.random() * 0x3fffffff) + randomSeedCounter * 7919) | 0;
}
