// The instance layers use when none is given: made by ready() or initSync(),
// one per JavaScript realm (a worker has its own). Kept apart from module.ts so
// that the public declarations of ready() do not carry the instance type.
import { RuntimeError } from '../errors.js';
import type { KernelInstance } from './instance.js';

let current: KernelInstance | undefined;

/** The instance `ready()` or `initSync()` created; throws a RuntimeError before either completes. */
export function defaultInstance(): KernelInstance {
  if (!current) throw new RuntimeError('wasm-rnn is not ready: await ready() before running a layer');
  return current;
}

/** The instance, or undefined before `ready()`: for work that has a JavaScript fallback. */
export function loadedInstance(): KernelInstance | undefined {
  return current;
}

/** `instance` becomes the one layers use, unless one was made already. */
export function useDefaultInstance(instance: KernelInstance): KernelInstance {
  current ??= instance;
  return current;
}
