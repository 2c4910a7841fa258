// What Keras' loss and metric classes share here: an instance is the Keras config it stands for,
// `{ module, class_name, config }` when serialized, as compile configs and files keep it.
import { checkKnownKeys, checkOptionsObject } from '../option-keys.js';

const camelCase = (key: string) => key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
const snakeCase = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** The Keras config `{ module, class_name, config, registered_name }` of a loss or metric instance. */
export interface KerasObjectConfig {
  module: string;
  class_name: string;
  config: Record<string, unknown>;
  registered_name: null;
}

/**
 * @internal The snake_case Keras config of camelCase options: `allowed` are the class's Keras
 * keys; a key it does not take (a snake_case spelling among them) is a ConfigError suggesting
 * the camelCase one.
 */
export function kerasConfigOf(options: unknown, allowed: readonly string[], where: string): Record<string, unknown> {
  if (options === undefined) return {};
  checkOptionsObject(options, where, '{ fromLogits: true }');
  checkKnownKeys(options, allowed.map(camelCase), where);
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) config[snakeCase(key)] = value;
  return config;
}

/** A Keras loss or metric as its class and config. */
export abstract class KerasConfigObject {
  /** Keras' class name, as configs and files write it. */
  readonly className: string;
  readonly name: string;
  private readonly module: string;
  private readonly config: Record<string, unknown>;

  /** @internal */
  protected constructor(module: string, className: string, config: Record<string, unknown> & { name: string }) {
    this.module = module;
    this.className = className;
    this.name = config.name;
    this.config = config;
  }

  /** Keras' get_config(): the name and the options given, in Keras' snake_case. */
  getConfig(): Record<string, unknown> {
    return structuredClone(this.config);
  }

  /** Keras' serialized form, `{ module, class_name, config, registered_name }`, which compile configs and files keep. */
  toJSON(): KerasObjectConfig {
    return { module: this.module, class_name: this.className, config: this.getConfig(), registered_name: null };
  }
}
