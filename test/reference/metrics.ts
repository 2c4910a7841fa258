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
