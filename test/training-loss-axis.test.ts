// Keras' `axis` on the crossentropy losses, CosineSimilarity and their metrics: a row runs along
// that axis, the values keep the other axes in order. Keras' test values
// (losses_test.py test_binary_segmentation_different_axis, torch backend), float64 formulas
// indexed along the axis directly, central differences, fit, and the refusals.
import { expectCentralDifferences } from './loss-gradient-check.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, Sequential, Dense, LSTM, TimeDistributed, ConfigError, ShapeError } from '../dist/index.js';
import { computeLoss, resolveLoss } from '../dist/training/losses.js';
import { RunningMetric, resolveMetrics } from '../dist/training/metrics.js';
import { randomFloats, seededRandom } from './random.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const spec = (className: string, config: Record<string, unknown>) => resolveLoss({ class_name: className, config }, 'test');
const close = (actual: number, expected: number, what = 'loss') => expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-6 + 1e-6 * Math.abs(expected));

describe('loss axis', () => {
  it("SparseCategoricalCrossentropy along axis 0 and 1 (Keras' segmentation test values)", () => {
    const labels = [[0, 1, 1, 0], [1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 1]];
    const probabilities = [
      [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [0.2, 0.8]],
      [[0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0]],
      [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]],
      [[0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [0.6, 0.4]],
    ];
    // np.moveaxis(y_pred, 2, 0): (2, 4, 4), classes first; three copies of it for axis 1.
    const classesFirst = [0, 1].map((c) => probabilities.map((row) => row.map((p) => p[c])));
    const expected = (-Math.log(0.2) - Math.log(0.4)) / 16;
    // Axis 0 is the samples axis here (Keras' torch backend takes it): refused, naming why.
    expect(() => computeLoss(spec('SparseCategoricalCrossentropy', { axis: 0 }), tensor(labels), tensor(classesFirst), undefined, undefined, 'test')).toThrow(/axis 0 is the samples axis/);
    const three = computeLoss(spec('SparseCategoricalCrossentropy', { axis: 1 }), tensor([labels, labels, labels]), tensor([classesFirst, classesFirst, classesFirst]), undefined, undefined, 'test');
    close(three.loss, expected);
    // A label axis of 1 at the class axis is squeezed.
    const withAxis = tensor([labels.map((r) => r), labels, labels].map((l) => [l]));
    close(computeLoss(spec('SparseCategoricalCrossentropy', { axis: 1 }), withAxis, tensor([classesFirst, classesFirst, classesFirst]), undefined, undefined, 'test').loss, expected);
  });

  // y (B, C, T): categorical crossentropy along axis 1 and binary crossentropy along axis 1, from
  // their formulas indexed [b][c][t] directly, and the gradient by central differences.
  it.each([
    ['CategoricalCrossentropy', { axis: 1 }], ['CategoricalCrossentropy', { axis: -2, from_logits: true, label_smoothing: 0.1 }],
    ['BinaryCrossentropy', { axis: 1 }], ['CosineSimilarity', { axis: 1 }], ['CategoricalFocalCrossentropy', { axis: 1 }],
  ] as const)('%s %j on (B, C, T) against its formula along the axis, with sample weights and finite differences', (className, config) => {
    const [B, C, T] = [3, 4, 2];
    const random = seededRandom(JSON.stringify(config).length + className.length);
    const logits = className === 'CosineSimilarity' || ('from_logits' in config);
    const yPred = logits ? randomFloats(random, B * C * T, 2) : Float32Array.from({ length: B * C * T }, () => Math.fround(0.05 + 0.9 * random()));
    const yTrue = new Float32Array(B * C * T);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) {
      const hot = Math.floor(random() * C);
      for (let c = 0; c < C; c++) yTrue[(b * C + c) * T + t] = className === 'CosineSimilarity' ? Math.fround(random() - 0.5) : c === hot ? 1 : 0;
    }
    const sampleWeight = Float32Array.of(0.5, 1.5, 1);
    const at = (b: number, c: number, t: number) => (b * C + c) * T + t;
    const ls = (config as { label_smoothing?: number }).label_smoothing ?? 0;
    const value = (p: ArrayLike<number>, b: number, t: number): number => {
      const row = Array.from({ length: C }, (_, c) => p[at(b, c, t)]);
      const target = Array.from({ length: C }, (_, c) => yTrue[at(b, c, t)]);
      switch (className) {
        case 'CategoricalCrossentropy': {
          const smoothed = target.map((v) => v * (1 - ls) + ls / C);
          if (logits) {
            const peak = Math.max(...row);
            const logSum = peak + Math.log(row.reduce((s, v) => s + Math.exp(v - peak), 0));
            return -smoothed.reduce((s, v, c) => s + v * (row[c] - logSum), 0);
          }
          const total = row.reduce((s, v) => s + v, 0);
          return -smoothed.reduce((s, v, c) => s + v * Math.log(row[c] / total), 0);
        }
        case 'BinaryCrossentropy':
          return -target.reduce((s, z, c) => s + z * Math.log(row[c]) + (1 - z) * Math.log(1 - row[c]), 0) / C;
        case 'CosineSimilarity': {
          const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
          return -row.reduce((s, v, c) => s + v * target[c], 0) / (norm(row) * norm(target));
        }
        default: {
          const total = row.reduce((s, v) => s + v, 0);
          return target.reduce((s, v, c) => s + 0.25 * (1 - row[c] / total) ** 2 * -v * Math.log(row[c] / total), 0);
        }
      }
    };
    const reference = (p: ArrayLike<number>) => {
      let sum = 0;
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) sum += sampleWeight[b] * value(p, b, t);
      return sum / (B * T);
    };
    const result = computeLoss(spec(className, config), tensor(yTrue, [B, C, T]), tensor(yPred, [B, C, T]), undefined, sampleWeight, 'test');
    close(result.loss, reference(yPred));
    expectCentralDifferences(result.gradient, yPred, reference, 1e-5);
  });

  it('the metrics with axis: each sample the mean of its values along the other axes', () => {
    const [B, C, T] = [2, 3, 2];
    const random = seededRandom(5);
    const yPred = Float32Array.from({ length: B * C * T }, () => Math.fround(0.1 + 0.8 * random()));
    const yTrue = Float32Array.from({ length: B * C * T }, (_, i) => (Math.floor(i / T) % C === (i % T) ? 1 : 0));
    const [metric] = resolveMetrics([{ class_name: 'CategoricalCrossentropy', config: { axis: 1 } }], 'test');
    const running = new RunningMetric(metric);
    running.update(tensor(yTrue, [B, C, T]), tensor(yPred, [B, C, T]), undefined);
    let sum = 0;
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) {
      let total = 0;
      for (let c = 0; c < C; c++) total += yPred[(b * C + c) * T + t];
      for (let c = 0; c < C; c++) sum -= yTrue[(b * C + c) * T + t] * Math.log(yPred[(b * C + c) * T + t] / total);
    }
    close(running.value, sum / (B * T), 'metric');
  });

  it('fit: sparse labels along axis 1 of a (samples, steps, units) output are checked against that axis, and train', async () => {
    const [N, T, D, U] = [4, 3, 2, 5];
    const random = seededRandom(9);
    const m = new Sequential();
    m.add(new LSTM({ units: 3, returnSequences: true, inputShape: [T, D], seed: 1 }));
    m.add(new TimeDistributed(new Dense({ units: U, seed: 2 })));
    m.compile({ optimizer: 'adam', loss: { class_name: 'SparseCategoricalCrossentropy', config: { axis: 1, from_logits: true } } });
    const x = tensor(randomFloats(random, N * T * D), [N, T, D]);
    // One label in [0, T) per sample and unit: the classes run along the steps.
    const labels = Float32Array.from({ length: N * U }, (_, i) => i % T);
    await expect(m.fit(x, tensor(Float32Array.from(labels, (l, i) => (i === 7 ? T : l)), [N, U]), { verbose: 0 })).rejects.toThrow(/integers in \[0, 2\] for 3 outputs, received 3/);
    const before = m.computeGradients(x, tensor(labels, [N, U]));
    expect(before.every((g) => g.data.every(Number.isFinite))).toBe(true);
    const history = await m.fit(x, tensor(labels, [N, U]), { epochs: 20, batchSize: N, verbose: 0, shuffle: false });
    expect(history.history.loss[19]).toBeLessThan(history.history.loss[0]);
  });

  it('refuses axis 0, an axis outside y_pred, a mask with another axis, and y of another shape', () => {
    const p = tensor(new Float32Array(12).fill(0.25), [2, 3, 2]);
    const t = tensor(new Float32Array(12).fill(0), [2, 3, 2]);
    expect(() => computeLoss(spec('CategoricalCrossentropy', { axis: 3 }), t, p, undefined, undefined, 'test')).toThrow(ShapeError);
    expect(() => computeLoss(spec('CategoricalCrossentropy', { axis: 0 }), t, p, undefined, undefined, 'test')).toThrow(ConfigError);
    expect(() => computeLoss(spec('CategoricalCrossentropy', { axis: 1 }), t, p, Float32Array.of(1, 1, 1, 1), undefined, 'test')).toThrow(/axis 1 with an output mask/);
    expect(() => computeLoss(spec('CategoricalCrossentropy', { axis: 1 }), tensor(new Float32Array(6), [2, 3]), p, undefined, undefined, 'test')).toThrow(/with axis 1 y must have the shape of the model's output \[2, 3, 2\], received \[2, 3\]/);
    expect(() => spec('CategoricalCrossentropy', { axis: 1.5 })).toThrow(/'axis' must be an integer/);
    expect(() => spec('Huber', { axis: 1 })).toThrow(/unknown loss config key 'axis'/);
    const shown = (computeLoss(spec('CategoricalCrossentropy', { axis: 1 }), t, p, undefined, undefined, 'test') as { loss: number }).loss;
    expect(shown).toBe(0);
  });
});
