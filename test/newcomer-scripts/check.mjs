// Assertions the newcomer scripts share. Each script imports the package by its name, as an app
// does ('wasm-rnn' resolves through package.json's exports map to the built dist/), and exits
// non-zero when a check fails.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

/** A JSON file of ../shared (the reference data beside the repository). */
export function shared(path) {
  return JSON.parse(readFileSync(new URL(`../../../shared/${path}`, import.meta.url), 'utf8'));
}

/** Every value within abs + rel·|expected| of the expected one, and the same shape. */
export function close(actual, expected, { abs = 1e-5, rel = 1e-4 } = {}, label = 'tensor') {
  assert.deepEqual([...actual.shape], [...expected.shape], `${label}: shape`);
  const a = actual.data;
  const e = expected.data;
  assert.equal(a.length, e.length, `${label}: length`);
  for (let i = 0; i < e.length; i++) {
    const bound = abs + rel * Math.abs(e[i]);
    if (!(Math.abs(a[i] - e[i]) <= bound)) assert.fail(`${label}[${i}]: ${a[i]} is not within ${bound} of ${e[i]}`);
  }
}

/** Bit-identical tensors. */
export function same(actual, expected, label = 'tensor') {
  assert.deepEqual([...actual.shape], [...expected.shape], `${label}: shape`);
  assert.deepEqual(Array.from(actual.data), Array.from(expected.data), `${label}: values`);
}

/** `run` throws an instance of `ErrorClass` whose message contains every string in `parts`. */
export function throwsLike(run, ErrorClass, parts) {
  assert.throws(run, (error) => {
    assert.ok(error instanceof ErrorClass, `expected ${ErrorClass.name}, got ${error?.name}: ${error?.message}`);
    assert.equal(error.name, ErrorClass.name);
    for (const part of parts) assert.ok(error.message.includes(part), `message "${error.message}" lacks "${part}"`);
    return true;
  });
}

/** The same for a promise. */
export async function rejectsLike(promise, ErrorClass, parts) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof ErrorClass, `expected ${ErrorClass.name}, got ${error?.name}: ${error?.message}`);
    for (const part of parts) assert.ok(error.message.includes(part), `message "${error.message}" lacks "${part}"`);
    return true;
  });
}

export { assert };
