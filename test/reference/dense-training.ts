// A float64 training loop for one Dense layer, act(x·W + b), as Keras' fit runs it without
// shuffling: batches in order, the loss on each, its gradient by central differences, then an
// update of both weights. The epoch loss is the sample-weighted mean of the batch losses.

export interface ReferenceDenseFit {
  x: Float32Array;
  y: Float32Array;
  D: number;
  C: number;
  activation: 'linear' | 'sigmoid' | 'softmax';
  kernel: Float64Array;
  bias: Float64Array;
  batchSize: number;
  epochs: number;
  /** The loss of one batch: targets, predictions, sample count. */
  loss(yBatch: Float32Array, yPred: Float64Array, samples: number): number;
  /** Updates [kernel, bias] in place from their gradients. */
  update(weights: Float64Array[], gradients: Float64Array[]): void;
}

export function referenceDenseForward(x: ArrayLike<number>, kernel: Float64Array, bias: Float64Array, rows: number, D: number, C: number, activation: string): Float64Array {
  const out = new Float64Array(rows * C);
  for (let r = 0; r < rows; r++) {
    const z = Array.from({ length: C }, (_, c) => {
      let s = bias[c];
      for (let d = 0; d < D; d++) s += x[r * D + d] * kernel[d * C + c];
      return s;
    });
    const peak = Math.max(...z);
    const total = z.reduce((s, v) => s + Math.exp(v - peak), 0);
    for (let c = 0; c < C; c++) {
      out[r * C + c] = activation === 'softmax' ? Math.exp(z[c] - peak) / total : activation === 'sigmoid' ? 1 / (1 + Math.exp(-z[c])) : z[c];
    }
  }
  return out;
}

/** Runs the loop; returns each epoch's loss. The kernel and bias are updated in place. */
export function referenceDenseFit(f: ReferenceDenseFit): number[] {
  const n = f.x.length / f.D;
  const weights = [f.kernel, f.bias];
  const losses: number[] = [];
  for (let epoch = 0; epoch < f.epochs; epoch++) {
    let total = 0;
    for (let start = 0; start < n; start += f.batchSize) {
      const end = Math.min(n, start + f.batchSize);
      const xb = f.x.subarray(start * f.D, end * f.D);
      const yb = f.y.subarray(start * f.C, end * f.C);
      const lossOf = () => f.loss(yb, referenceDenseForward(xb, f.kernel, f.bias, end - start, f.D, f.C, f.activation), end - start);
      total += lossOf() * (end - start);
      const gradients = weights.map((w) => w.map((kept, i) => {
        const h = 1e-6;
        w[i] = kept + h;
        const up = lossOf();
        w[i] = kept - h;
        const down = lossOf();
        w[i] = kept;
        return (up - down) / (2 * h);
      }));
      f.update(weights, gradients);
    }
    losses.push(total / n);
  }
  return losses;
}
