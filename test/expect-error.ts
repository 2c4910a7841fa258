// How the tests check the "bad input" contract: the documented error class,
// a WasmRnnError named after its class, with a message that says what went wrong.
import { expect } from 'vitest';
import { WasmRnnError, type ConfigError, type DisposedError, type InputError, type RuntimeError, type ShapeError } from '../dist/index.js';

export type ErrorClass = typeof ShapeError | typeof ConfigError | typeof InputError | typeof RuntimeError | typeof DisposedError;

/** Passes a value the type system would reject, the way a JavaScript caller could. */
export function untyped<T>(value: unknown): T {
  return value as T;
}

/** The Error `fn` throws; fails when it returns, rethrows what is not an Error. */
export function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected the call to throw');
}

/** The Error `promise` rejects with; fails when it resolves, rethrows what is not an Error. */
export async function rejected(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected the promise to reject');
}

/**
 * Runs `run`, which must throw `errorClass` (a WasmRnnError, named after its class) whose message
 * contains every string and matches every RegExp of `expected`. Returns the error.
 */
export function expectError(run: () => unknown, errorClass: ErrorClass, expected: readonly (string | RegExp)[]): Error {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, thrown instanceof Error ? thrown.message : 'expected the call to throw').toBeInstanceOf(errorClass);
  expect(thrown).toBeInstanceOf(WasmRnnError);
  expect(thrown).toBeInstanceOf(Error);
  const error = thrown as Error;
  expect(error.name).toBe(errorClass.name);
  for (const part of expected) {
    if (typeof part === 'string') expect(error.message).toContain(part);
    else expect(error.message).toMatch(part);
  }
  return error;
}
