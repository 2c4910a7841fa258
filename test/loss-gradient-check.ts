import { expect } from 'vitest';

/**
 * Checks a loss's analytic gradient (float32) against central differences of its float64 reference,
 * one y_pred entry at a time: |analytic - numeric| <= 2e-7 + relative * |numeric|.
 */
export function expectCentralDifferences(
  gradient: ArrayLike<number>,
  yPred: ArrayLike<number>,
  reference: (pred: ArrayLike<number>) => number,
  relative: number,
  label = '',
): void {
  const pred = Float64Array.from(yPred);
  const step = 1e-6;
  for (let i = 0; i < pred.length; i++) {
    const kept = pred[i];
    pred[i] = kept + step;
    const up = reference(pred);
    pred[i] = kept - step;
    const down = reference(pred);
    pred[i] = kept;
    const numeric = (up - down) / (2 * step);
    expect(Math.abs(gradient[i] - numeric), `${label}d/dy_pred[${i}]: ${gradient[i]} vs ${numeric}`).toBeLessThanOrEqual(2e-7 + relative * Math.abs(numeric));
  }
}
