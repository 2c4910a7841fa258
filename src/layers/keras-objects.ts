// Keras' get() for the small objects a layer option names (regularizers.get, constraints.get): the
// object itself, a Keras name, or a serialized { class_name, config } (Keras 3 adds module and
// registered_name, which say nothing here), each refused with a ConfigError naming the option.
import { ConfigError } from '../errors.js';
import { describeValue, isRecord } from '../initializers/validate.js';

/** @internal What resolving one kind of object needs. */
export interface KerasObjectKind<T> {
  /** 'regularizer', 'constraint'. */
  readonly kind: string;
  isInstance(value: unknown): value is T;
  /** The class a name or class_name stands for, with the config values that name implies; null when unknown. */
  lookup(name: string): { className: string; defaults: Record<string, unknown> } | null;
  /** The Keras config keys of a class and the constructor options they become. */
  configKeys(className: string): Readonly<Record<string, string>>;
  /** The object of a class from constructor options (ConfigError for a bad value). */
  construct(className: string, options: Record<string, unknown>): T;
  /** For messages: the names, the classes, and an example object. */
  readonly names: string;
  readonly classes: string;
  readonly example: string;
}

/** @internal Keras' <kind>s.get: a layer option's value as an object, null for none. */
export function resolveKerasObject<T>(spec: unknown, where: string, kind: KerasObjectKind<T>): T | null {
  if (spec === undefined || spec === null) return null;
  if (kind.isInstance(spec)) return spec;
  if (typeof spec === 'string') {
    const found = kind.lookup(spec);
    if (!found) throw new ConfigError(`${where}: unknown ${kind.kind} ${describeValue(spec)}; expected one of ${kind.names}, a ${kind.kind} such as ${kind.example}, or a Keras config { class_name, config }`);
    return build(kind, found.className, found.defaults, where);
  }
  if (isRecord(spec) && typeof spec.class_name === 'string') {
    const found = kind.lookup(spec.class_name);
    if (!found) throw new ConfigError(`${where}: unknown ${kind.kind} class_name ${describeValue(spec.class_name)}; expected ${kind.classes}`);
    const config = spec.config ?? {};
    if (!isRecord(config)) throw new ConfigError(`${where}: the config of ${spec.class_name} must be an object, received ${describeValue(config)}`);
    return build(kind, found.className, { ...found.defaults, ...config }, where);
  }
  throw new ConfigError(`${where}: expected a ${kind.kind} such as ${kind.example}, a name (${kind.names}), a Keras config { class_name, config } or null, received ${describeValue(spec)}`);
}

/** A class's object from a Keras config: each key as its option (None as the default), its errors said of the option `where`. */
function build<T>(kind: KerasObjectKind<T>, className: string, config: Record<string, unknown>, where: string): T {
  const keys = kind.configKeys(className);
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    // Keras 2 configs may carry a name; the object does not depend on it.
    if (key === 'name') continue;
    const option = keys[key];
    if (option === undefined) throw new ConfigError(`${where}: unknown ${className} config key '${key}'; ${className} takes ${Object.keys(keys).join(', ') || 'no keys'}`);
    if (value !== null) options[option] = value;
  }
  try {
    return kind.construct(className, options);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${where}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** @internal A constructor's options object: ConfigError for another value or an unknown key. */
export function checkedOptions<T extends object>(options: T, keys: readonly string[], where: string, expected: string): T {
  if (!isRecord(options)) throw new ConfigError(`${where}: expected ${expected}, received ${describeValue(options)}`);
  for (const key of Object.keys(options)) {
    if (!keys.includes(key)) throw new ConfigError(`${where}: unknown option '${key}'; expected ${keys.length ? keys.map((k) => `'${k}'`).join(', ') : 'none'}`);
  }
  return options;
}

/** @internal Keras' serialize as a layer config holds it: { class_name, config }, or null. */
export function serializeKerasObject(value: { className: string; getConfig(): Record<string, unknown> } | null): Record<string, unknown> | null {
  return value === null ? null : { class_name: value.className, config: value.getConfig() };
}
