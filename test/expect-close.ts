// The one closeness check of the suite: values within a tolerance of what an
// independent reference (or a fixture) says, with the same shapes.
import { expect } from 'vitest';
import { maxViolation, type Tolerance } from './fixtures.js';

/** The kernels' float32 tolerance against the float64 reference, unless a fixture states its own. */
export const TOLERANCE: Tolerance = { abs: 1e-5, rel: 1e-4 };

/** A tensor, a reference tensor, or a flat list of numbers (taken as 1-D). */
export type CloseValues = { readonly shape: readonly number[]; readonly data: ArrayLike<number> } | ArrayLike<number>;

export interface CloseOptions {
  tolerance?: Tolerance;
  /** Names the checked value in failure messages. */
  label?: string;
}

function isShaped(value: CloseValues): value is { readonly shape: readonly number[]; readonly data: ArrayLike<number> } {
  return typeof (value as { shape?: unknown }).shape === 'object';
}

function asList(value: CloseValues | readonly CloseValues[]): CloseValues[] {
  if (isShaped(value as CloseValues)) return [value as CloseValues];
  const items = value as ArrayLike<unknown>;
  return items.length > 0 && typeof items[0] === 'object' ? Array.from(items as ArrayLike<CloseValues>) : [value as CloseValues];
}

function parts(value: CloseValues): { shape: number[]; data: ArrayLike<number> } {
  return isShaped(value) ? { shape: [...value.shape], data: value.data } : { shape: [value.length], data: value };
}

/**
 * `actual` (one value or a list) within `tolerance` (default TOLERANCE) of `expected`, elementwise
 * `|a - e| <= abs + rel * |e|`, with the same shapes; a NaN never passes.
 */
export function expectClose(actual: CloseValues | readonly CloseValues[], expected: CloseValues | readonly CloseValues[], options: CloseOptions = {}): void {
  const { tolerance = TOLERANCE, label = 'output' } = options;
  const got = asList(actual).map(parts);
  const want = asList(expected).map(parts);
  expect(got.map((v) => v.shape), `${label} shapes`).toEqual(want.map((v) => v.shape));
  want.forEach((reference, i) => {
    const { worst, index } = maxViolation(got[i].data, reference.data, tolerance);
    const which = want.length > 1 ? `${label} ${i}` : label;
    expect(worst, `${which}[${index}]: got ${got[i].data[index]}, expected ${reference.data[index]}`).toBeLessThanOrEqual(1);
  });
}
