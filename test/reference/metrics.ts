// Float64 references of Keras 3.15's confusion metrics (keras/src/metrics/confusion_metrics.py
// and metrics_utils.py): counts by comparing every prediction with every threshold (Keras'
// general path; the default evenly spaced thresholds take a bucketed shortcut that must give
// the same counts), then the areas as Keras sums them.

export interface ReferenceAucOptions {
  numThresholds?: number;
  curve?: 'ROC' | 'PR' | 'PRGAIN';
  summationMethod?: 'interpolation' | 'majoring' | 'minoring';
  thresholds?: number[];
}

const divideNoNan = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** tp, fp, tn, fn at each threshold: a prediction is positive when greater than the threshold. */
export function referenceConfusion(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, thresholds: readonly number[]): { tp: number[]; fp: number[]; tn: number[]; fn: number[] } {
  const tp: number[] = [];
  const fp: number[] = [];
  const tn: number[] = [];
  const fn: number[] = [];
  for (const threshold of thresholds) {
    let a = 0, b = 0, c = 0, d = 0;
    for (let i = 0; i < yPred.length; i++) {
      const positive = yPred[i] > threshold;
      const label = yTrue[i] !== 0;
      if (label && positive) a++;
      else if (!label && positive) b++;
      else if (!label) c++;
      else d++;
    }
    tp.push(a);
    fp.push(b);
    tn.push(c);
    fn.push(d);
  }
  return { tp, fp, tn, fn };
}

/** Keras' AUC.result() for one label. */
export function referenceAuc(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: ReferenceAucOptions = {}): number {
  const n = options.thresholds ? options.thresholds.length + 2 : options.numThresholds ?? 200;
  const inner = options.thresholds ? [...options.thresholds].sort((a, b) => a - b) : Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1));
  const thresholds = [-1e-7, ...inner.map(Math.fround), 1 + 1e-7];
  const { tp, fp, tn, fn } = referenceConfusion(yTrue, yPred, thresholds);
  const curve = options.curve ?? 'ROC';
  const method = options.summationMethod ?? 'interpolation';
  if (curve === 'PR' && method === 'interpolation') {
    let total = 0;
    for (let i = 0; i < n - 1; i++) {
      const dtp = tp[i] - tp[i + 1];
      const p = [tp[i] + fp[i], tp[i + 1] + fp[i + 1]];
      const precSlope = divideNoNan(dtp, Math.max(p[0] - p[1], 0));
      const intercept = tp[i + 1] - precSlope * p[1];
      const safeRatio = p[0] > 0 && p[1] > 0 ? divideNoNan(p[0], Math.max(p[1], 0)) : 1;
      total += divideNoNan(precSlope * (dtp + intercept * Math.log(safeRatio)), Math.max(tp[i + 1] + fn[i + 1], 0));
    }
    return total;
  }
  const recall = tp.map((v, i) => divideNoNan(v, v + fn[i]));
  let x: number[];
  let y: number[];
  if (curve === 'ROC') {
    x = fp.map((v, i) => divideNoNan(v, v + tn[i]));
    y = recall;
  } else if (curve === 'PR') {
    x = recall;
    y = tp.map((v, i) => divideNoNan(v, v + fp[i]));
  } else {
    const scale = tp.map((v, i) => divideNoNan(v + fn[i], tn[i] + fp[i]));
    x = tp.map((v, i) => (v === 0 ? 0 : Math.max(1 - scale[i] * divideNoNan(fn[i], v), 0)));
    y = tp.map((v, i) => (v === 0 ? 1 : 1 - scale[i] * divideNoNan(fp[i], v)));
  }
  let total = 0;
  for (let i = 0; i < n - 1; i++) {
    const height = method === 'interpolation' ? (y[i] + y[i + 1]) / 2 : method === 'minoring' ? Math.min(y[i], y[i + 1]) : Math.max(y[i], y[i + 1]);
    total += (x[i] - x[i + 1]) * height;
  }
  return total;
}

/** The exact ROC AUC, the probability that a positive scores above a negative (ties count half). */
export function mannWhitneyAuc(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < yPred.length; i++) {
    if (yTrue[i] === 0) continue;
    for (let j = 0; j < yPred.length; j++) {
      if (yTrue[j] !== 0) continue;
      pairs++;
      wins += yPred[i] > yPred[j] ? 1 : yPred[i] === yPred[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

/**
 * Keras' FBetaScore over all rows at once, `(samples, classes)` row-major, from its formula: a
 * prediction is 1 above `threshold` (or, with null, at the row's maximum when that is not 0),
 * precision and recall per class with epsilon 1e-7 in each denominator, then the average.
 */
export function referenceFBeta(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, C: number, average: 'micro' | 'macro' | 'weighted', beta: number, threshold: number | null, weights?: ArrayLike<number>): number {
  const eps = 1e-7;
  const rows = yPred.length / C;
  const counts = Array.from({ length: average === 'micro' ? 1 : C }, () => ({ tp: 0, fp: 0, fn: 0, support: 0 }));
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: C }, (_, c) => yPred[r * C + c]);
    const peak = Math.max(...row);
    row.forEach((v, c) => {
      const predicted = threshold === null ? v >= peak && Math.abs(v) > 1e-9 : v > threshold;
      const label = yTrue[r * C + c] === 1;
      const w = weights ? weights[r] : 1;
      const k = counts[average === 'micro' ? 0 : c];
      if (predicted && label) k.tp += w;
      if (predicted && !label) k.fp += w;
      if (!predicted && label) k.fn += w;
      if (label) k.support += w;
    });
  }
  const scores = counts.map(({ tp, fp, fn }) => {
    const precision = tp / (tp + fp + eps);
    const recall = tp / (tp + fn + eps);
    return (1 + beta * beta) * (precision * recall) / (beta * beta * precision + recall + eps);
  });
  if (average !== 'weighted') return scores.reduce((a, b) => a + b, 0) / scores.length;
  const support = counts.reduce((a, k) => a + k.support, 0) + eps;
  return scores.reduce((a, s, c) => a + s * (counts[c].support / support), 0);
}

/** Keras' R2Score with uniform_average over all rows at once: 1 - SS_res / SS_tot per column, averaged. */
export function referenceR2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, C: number, weights?: ArrayLike<number>): number {
  const rows = yPred.length / C;
  let total = 0;
  for (let c = 0; c < C; c++) {
    let wSum = 0;
    let mean = 0;
    for (let r = 0; r < rows; r++) {
      const w = weights ? weights[r] : 1;
      wSum += w;
      mean += w * yTrue[r * C + c];
    }
    mean /= wSum;
    let residual = 0;
    let spread = 0;
    for (let r = 0; r < rows; r++) {
      const w = weights ? weights[r] : 1;
      residual += w * (yTrue[r * C + c] - yPred[r * C + c]) ** 2;
      spread += w * (yTrue[r * C + c] - mean) ** 2;
    }
    total += 1 - residual / spread;
  }
  return total / C;
}
