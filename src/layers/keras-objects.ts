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
  build(className: string, config: Record<string, unknown>, where: string): T;
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
    return kind.build(found.className, found.defaults, where);
  }
  if (isRecord(spec) && typeof spec.class_name === 'string') {
    const found = kind.lookup(spec.class_name);
    if (!found) throw new ConfigError(`${where}: unknown ${kind.kind} class_name ${describeValue(spec.class_name)}; expected ${kind.classes}`);
    const config = spec.config ?? {};
    if (!isRecord(config)) throw new ConfigError(`${where}: the config of ${spec.class_name} must be an object, received ${describeValue(config)}`);
    return kind.build(found.className, { ...found.defaults, ...config }, where);
  }
  throw new ConfigError(`${where}: expected a ${kind.kind} such as ${kind.example}, a name (${kind.names}), a Keras config { class_name, config } or null, received ${describeValue(spec)}`);
}

/** @internal Keras' serialize as a layer config holds it: { class_name, config }, or null. */
export function serializeKerasObject(value: { className: string; getConfig(): Record<string, unknown> } | null): Record<string, unknown> | null {
  return value === null ? null : { class_name: value.className, config: value.getConfig() };
}
