// Keras' regression metrics on class-index labels under a softmax: y_true (B, 1) broadcasts
// against y_pred (B, C) (keras/src/losses/losses.py: squeeze_or_expand_to_same_rank leaves equal
// ranks alone, then |y_true - y_pred| broadcasts), so 'mae' is mean over rows of mean_c |label - p_c|.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, Sequential, Dense, SGD, ShapeError } from '../dist/index.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

function softmaxModel(): Sequential {
  const model = new Sequential();
  model.add(new Dense({ units: 3, inputShape: [2], activation: 'softmax' }));
  model.setWeights([tensor([[0.5, -1, 0.25], [1.5, 0.75, -0.5]]), tensor([0.1, 0, -0.2])]);
  return model;
}

const x = [[1, 2], [-1, 0.5], [0.3, -2], [2, 1]];
const labels = [0, 2, 1, 2];

/** The softmax of x W + b in float64, from the weights set above. */
function probabilities(): number[][] {
  const W = [[0.5, -1, 0.25], [1.5, 0.75, -0.5]];
  const b = [0.1, 0, -0.2];
  return x.map((row) => {
    const z = b.map((bias, c) => bias + row[0] * W[0][c] + row[1] * W[1][c]);
    const e = z.map((v) => Math.exp(v - Math.max(...z)));
    const sum = e.reduce((a, v) => a + v, 0);
    return e.map((v) => v / sum);
  });
}

function meanOverRows(f: (label: number, p: number) => number): number {
  const p = probabilities();
  return labels.reduce((acc, label, r) => acc + p[r].reduce((s, v) => s + f(label, v), 0) / 3, 0) / labels.length;
}

describe('regression metrics with class-index labels', () => {
  it("'mae', 'mse' and RootMeanSquaredError broadcast y (B, 1) over the classes, as Keras does", async () => {
    const model = softmaxModel();
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['mae', 'mse', 'root_mean_squared_error'] });
    const result = await model.evaluate(tensor(x), tensor(labels.map((l) => [l])));
    const mse = meanOverRows((l, p) => (l - p) ** 2);
    expect(result.mae).toBeCloseTo(meanOverRows((l, p) => Math.abs(l - p)), 6);
    expect(result.mse).toBeCloseTo(mse, 6);
    expect(result.root_mean_squared_error).toBeCloseTo(Math.sqrt(mse), 6);
  });

  it('keeps the ShapeError where Keras raises: a crossentropy metric, and labels without the trailing 1', async () => {
    const model = softmaxModel();
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['binary_crossentropy'] });
    await expect(model.evaluate(tensor(x), tensor(labels.map((l) => [l])))).rejects.toThrow(ShapeError);
    const flat = softmaxModel();
    flat.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['mae'] });
    await expect(flat.evaluate(tensor(x), tensor(labels))).rejects.toThrow(ShapeError);
  });
});

describe('elementwise losses with class-index labels', () => {
  it("loss 'mse' broadcasts y (B, 1) over the classes as Keras' loss does, and fit's SGD step follows its gradient", async () => {
    const model = softmaxModel();
    model.compile({ optimizer: new SGD(0.1), loss: 'mse' });
    const y = tensor(labels.map((l) => [l]));
    const before = await model.evaluate(tensor(x), y);
    expect(before.loss).toBeCloseTo(meanOverRows((l, p) => (l - p) ** 2), 6);

    // d loss / d p_rc = 2 (p_rc - l_r) / (C B); through the softmax, dz_rc = p_rc (g_rc - sum_k g_rk p_rk).
    const p = probabilities();
    const C = 3;
    const W = [[0.5, -1, 0.25], [1.5, 0.75, -0.5]];
    const b = [0.1, 0, -0.2];
    const dz = p.map((row, r) => {
      const g = row.map((v) => (2 * (v - labels[r]!)) / (C * labels.length));
      const dot = g.reduce((s, gk, k) => s + gk * row[k]!, 0);
      return row.map((v, c) => v * (g[c]! - dot));
    });
    const expectedW = W.map((wRow, i) => wRow.map((w, c) => w - 0.1 * dz.reduce((s, dzr, r) => s + x[r]![i]! * dzr[c]!, 0)));
    const expectedB = b.map((bias, c) => bias - 0.1 * dz.reduce((s, dzr) => s + dzr[c]!, 0));
    await model.fit(tensor(x), y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false });
    const [kernel, bias] = model.getWeights();
    Array.from(kernel!.data).forEach((v, k) => expect(v).toBeCloseTo(expectedW[Math.floor(k / 3)]![k % 3]!, 6));
    Array.from(bias!.data).forEach((v, c) => expect(v).toBeCloseTo(expectedB[c]!, 6));
  });

  it('a crossentropy loss keeps the ShapeError on (B, 1) labels against (B, C), as Keras raises', async () => {
    const model = softmaxModel();
    model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
    await expect(model.evaluate(tensor(x), tensor(labels.map((l) => [l])))).rejects.toThrow(ShapeError);
  });
});
