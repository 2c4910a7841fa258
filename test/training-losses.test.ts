// Every Keras loss against its float64 reference (test/reference/losses.ts): values with masks
// and sample weights, gradients by central finite differences of the reference, the names and
// configs compile() accepts, bad options, and one fit per loss against a float64 training loop.
import { expectCentralDifferences } from './loss-gradient-check.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, Sequential, Dense, ConfigError } from '../dist/index.js';
import { computeLoss, resolveLoss } from '../dist/training/losses.js';
import { referenceLoss, type ReferenceLossKind, type ReferenceLossOptions } from './reference/losses.js';
import { referenceDenseFit } from './reference/dense-training.js';
import { seededRandom } from './random.js';
import { expectClose } from './expect-close.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

type Domain = 'real' | 'probability' | 'distribution' | 'positive' | 'binary' | 'signed' | 'onehot' | 'label' | 'away_from_zero' | 'count';

interface Case {
  label: string;
  /** The compile() argument. */
  loss: string | { class_name: string; config: Record<string, unknown> };
  kind: ReferenceLossKind;
  options?: ReferenceLossOptions;
  target: Domain;
  prediction: Domain;
}

const CASES: Case[] = [
  { label: 'huber', loss: 'huber', kind: 'huber', target: 'real', prediction: 'real' },
  { label: 'Huber delta 0.3', loss: { class_name: 'Huber', config: { delta: 0.3, reduction: 'sum_over_batch_size', name: 'huber_loss' } }, kind: 'huber', options: { delta: 0.3 }, target: 'real', prediction: 'real' },
  { label: 'log_cosh', loss: 'log_cosh', kind: 'log_cosh', target: 'real', prediction: 'real' },
  { label: 'KLDivergence', loss: { class_name: 'KLDivergence', config: {} }, kind: 'kl_divergence', target: 'distribution', prediction: 'distribution' },
  { label: 'kld', loss: 'kld', kind: 'kl_divergence', target: 'distribution', prediction: 'probability' },
  { label: 'poisson', loss: 'poisson', kind: 'poisson', target: 'count', prediction: 'positive' },
  { label: 'cosine_similarity', loss: 'cosine_similarity', kind: 'cosine_similarity', target: 'real', prediction: 'real' },
  { label: 'CosineSimilarity axis -1', loss: { class_name: 'CosineSimilarity', config: { axis: -1 } }, kind: 'cosine_similarity', target: 'real', prediction: 'real' },
  { label: 'hinge, 0/1 labels', loss: 'hinge', kind: 'hinge', target: 'binary', prediction: 'real' },
  { label: 'hinge, -1/1 labels', loss: 'Hinge', kind: 'hinge', target: 'signed', prediction: 'real' },
  { label: 'hinge, real targets', loss: 'hinge', kind: 'hinge', target: 'real', prediction: 'real' },
  { label: 'squared_hinge, 0/1 labels', loss: 'squared_hinge', kind: 'squared_hinge', target: 'binary', prediction: 'real' },
  { label: 'squared_hinge, -1/1 labels', loss: 'squaredHinge', kind: 'squared_hinge', target: 'signed', prediction: 'real' },
  { label: 'categorical_hinge', loss: 'categorical_hinge', kind: 'categorical_hinge', target: 'onehot', prediction: 'real' },
  { label: 'mape', loss: 'mape', kind: 'mape', target: 'away_from_zero', prediction: 'real' },
  { label: 'MeanAbsolutePercentageError', loss: 'MeanAbsolutePercentageError', kind: 'mape', target: 'away_from_zero', prediction: 'real' },
  { label: 'msle', loss: 'msle', kind: 'msle', target: 'positive', prediction: 'real' },
  { label: 'mean_squared_logarithmic_error', loss: 'mean_squared_logarithmic_error', kind: 'msle', target: 'positive', prediction: 'positive' },
  { label: 'BinaryCrossentropy label_smoothing 0.2', loss: { class_name: 'BinaryCrossentropy', config: { label_smoothing: 0.2 } }, kind: 'binary_crossentropy', options: { labelSmoothing: 0.2 }, target: 'binary', prediction: 'probability' },
  { label: 'BinaryCrossentropy logits, label_smoothing 0.1', loss: { class_name: 'BinaryCrossentropy', config: { from_logits: true, label_smoothing: 0.1 } }, kind: 'binary_crossentropy', options: { fromLogits: true, labelSmoothing: 0.1 }, target: 'binary', prediction: 'real' },
  { label: 'CategoricalCrossentropy label_smoothing 0.1', loss: { class_name: 'CategoricalCrossentropy', config: { label_smoothing: 0.1, axis: -1 } }, kind: 'categorical_crossentropy', options: { labelSmoothing: 0.1 }, target: 'onehot', prediction: 'distribution' },
  { label: 'CategoricalCrossentropy logits, label_smoothing 0.3', loss: { class_name: 'CategoricalCrossentropy', config: { from_logits: true, label_smoothing: 0.3 } }, kind: 'categorical_crossentropy', options: { fromLogits: true, labelSmoothing: 0.3 }, target: 'onehot', prediction: 'real' },
  { label: 'binary_focal_crossentropy', loss: 'binary_focal_crossentropy', kind: 'binary_focal_crossentropy', target: 'binary', prediction: 'probability' },
  { label: 'BinaryFocalCrossentropy balanced, gamma 3, logits, smoothing', loss: { class_name: 'BinaryFocalCrossentropy', config: { apply_class_balancing: true, alpha: 0.4, gamma: 3, from_logits: true, label_smoothing: 0.1 } }, kind: 'binary_focal_crossentropy', options: { applyClassBalancing: true, alpha: 0.4, gamma: 3, fromLogits: true, labelSmoothing: 0.1 }, target: 'binary', prediction: 'real' },
  { label: 'BinaryFocalCrossentropy gamma 0.5', loss: { class_name: 'BinaryFocalCrossentropy', config: { gamma: 0.5 } }, kind: 'binary_focal_crossentropy', options: { gamma: 0.5 }, target: 'binary', prediction: 'probability' },
  { label: 'categorical_focal_crossentropy', loss: 'categorical_focal_crossentropy', kind: 'categorical_focal_crossentropy', target: 'onehot', prediction: 'distribution' },
  { label: 'CategoricalFocalCrossentropy alpha per class, logits, smoothing', loss: { class_name: 'CategoricalFocalCrossentropy', config: { alpha: [0.2, 0.5, 0.3], gamma: 1.5, from_logits: true, label_smoothing: 0.05 } }, kind: 'categorical_focal_crossentropy', options: { alpha: [0.2, 0.5, 0.3], gamma: 1.5, fromLogits: true, labelSmoothing: 0.05 }, target: 'onehot', prediction: 'real' },
  { label: 'CategoricalFocalCrossentropy gamma 0, unnormalised probabilities', loss: { class_name: 'CategoricalFocalCrossentropy', config: { gamma: 0, alpha: 1 } }, kind: 'categorical_focal_crossentropy', options: { gamma: 0, alpha: 1 }, target: 'onehot', prediction: 'positive' },
];

/** float32 values of a domain, `rows` rows of C. */
function draw(domain: Domain, random: () => number, rows: number, C: number): Float32Array {
  const out = new Float32Array(rows * C);
  for (let r = 0; r < rows; r++) {
    const hot = Math.floor(random() * C);
    let total = 0;
    for (let c = 0; c < C; c++) {
      const u = random();
      const i = r * C + c;
      switch (domain) {
        case 'real': out[i] = (u * 2 - 1) * 2.5; break;
        case 'probability': out[i] = 0.02 + 0.96 * u; break;
        case 'distribution': out[i] = 0.05 + u; total += out[i]; break;
        case 'positive': out[i] = 0.1 + 2 * u; break;
        case 'binary': out[i] = u < 0.5 ? 0 : 1; break;
        case 'signed': out[i] = u < 0.5 ? -1 : 1; break;
        case 'onehot': out[i] = c === hot ? 1 : 0; break;
        case 'away_from_zero': out[i] = (u < 0.5 ? -1 : 1) * (0.5 + u); break;
        case 'count': out[i] = Math.floor(u * 4); break;
        case 'label': out[i] = hot; break;
      }
    }
    if (domain === 'distribution') for (let c = 0; c < C; c++) out[r * C + c] = out[r * C + c] / total;
  }
  return out;
}

interface Batch {
  yTrue: Float32Array;
  yPred: Float32Array;
  shape: number[];
  samples: number;
  C: number;
  mask?: Float32Array;
  sampleWeight?: Float32Array;
}

function batches(c: Case, seed: number): Batch[] {
  const random = seededRandom(seed);
  const C = 3;
  const out: Batch[] = [];
  // Per-sample rows; per-step rows with a mask; per-sample rows with sample weights.
  for (const [B, T, masked, weighted] of [[5, 1, false, false], [3, 4, true, false], [4, 1, false, true]] as const) {
    const rows = B * T;
    const shape = T === 1 ? [B, C] : [B, T, C];
    const mask = masked ? Float32Array.from({ length: rows }, (_, i) => (i % 5 === 2 ? 0 : 1)) : undefined;
    const sampleWeight = weighted ? Float32Array.from({ length: B }, () => Math.fround(0.25 + random() * 1.5)) : undefined;
    out.push({ yTrue: draw(c.target, random, rows, C), yPred: draw(c.prediction, random, rows, C), shape, samples: B, C, mask, sampleWeight });
  }
  return out;
}

describe('losses against the float64 reference', () => {
  it.each(CASES.map((c) => [c.label, c] as const))('%s: value and finite-difference gradient', (_label, c) => {
    const spec = resolveLoss(c.loss, 'test');
    batches(c, CASES.indexOf(c) + 1).forEach((b, k) => {
      const result = computeLoss(spec, tensor(b.yTrue, b.shape), tensor(b.yPred, b.shape), b.mask, b.sampleWeight, 'test');
      const reference = (pred: ArrayLike<number>) => referenceLoss(c.kind, b.yTrue, pred, b.C, b.samples, c.options, b.mask, b.sampleWeight);
      const expected = reference(b.yPred);
      expect(Math.abs(result.loss - expected), `batch ${k}: ${result.loss} vs ${expected}`).toBeLessThanOrEqual(1e-9 + 1e-9 * Math.abs(expected));
      expectCentralDifferences(result.gradient, b.yPred, reference, 1e-6, `batch ${k} `);
    });
  });

  it('a masked step and a sample weight of 0 give exactly zero gradient', () => {
    for (const kind of ['huber', 'log_cosh', 'poisson', 'categorical_hinge', 'binary_focal_crossentropy'] as const) {
      const spec = resolveLoss(kind, 'test');
      const random = seededRandom(3);
      const yPred = draw(kind === 'poisson' ? 'positive' : 'probability', random, 6, 3);
      const yTrue = draw(kind === 'categorical_hinge' ? 'onehot' : 'binary', random, 6, 3);
      const mask = Float32Array.of(1, 0, 1, 1, 1, 1);
      const masked = computeLoss(spec, tensor(yTrue, [2, 3, 3]), tensor(yPred, [2, 3, 3]), mask, undefined, 'test');
      expect(Array.from(masked.gradient.subarray(3, 6))).toEqual([0, 0, 0]);
      const weighted = computeLoss(spec, tensor(yTrue, [6, 3]), tensor(yPred, [6, 3]), undefined, Float32Array.of(1, 1, 0, 1, 1, 1), 'test');
      expect(Array.from(weighted.gradient.subarray(6, 9))).toEqual([0, 0, 0]);
    }
  });
});

describe('SparseCategoricalCrossentropy ignore_class', () => {
  it('leaves the rows of that label out as a mask does, and-ed with the output mask', () => {
    const random = seededRandom(31);
    const [B, T, C] = [3, 4, 3];
    const labels = Float32Array.from({ length: B * T }, (_, i) => (i % 4 === 1 ? -1 : Math.floor(random() * C)));
    const pred = draw('distribution', random, B * T, C);
    const spec = resolveLoss({ class_name: 'SparseCategoricalCrossentropy', config: { ignore_class: -1 } }, 'test');
    for (const outputMask of [undefined, Float32Array.from({ length: B * T }, (_, i) => (i % 5 === 3 ? 0 : 1))]) {
      const kept = Float32Array.from(labels, (l, i) => (l !== -1 && (!outputMask || outputMask[i] !== 0) ? 1 : 0));
      const safe = labels.map((l) => (l === -1 ? 0 : l));
      const result = computeLoss(spec, tensor(labels, [B, T]), tensor(pred, [B, T, C]), outputMask, undefined, 'test');
      const reference = (p: ArrayLike<number>) => referenceLoss('sparse_categorical_crossentropy', safe, p, C, B, {}, kept);
      expect(Math.abs(result.loss - reference(pred))).toBeLessThanOrEqual(1e-12);
      const p64 = Float64Array.from(pred);
      for (let i = 0; i < p64.length; i++) {
        const keptValue = p64[i];
        p64[i] = keptValue + 1e-6;
        const up = reference(p64);
        p64[i] = keptValue - 1e-6;
        const down = reference(p64);
        p64[i] = keptValue;
        const numeric = (up - down) / 2e-6;
        expect(Math.abs(result.gradient[i] - numeric), `d/dy_pred[${i}]`).toBeLessThanOrEqual(2e-7 + 1e-6 * Math.abs(numeric));
      }
    }
  });

  it('lets fit take the ignored label, which is otherwise an InputError', async () => {
    const model = new Sequential();
    model.add(new Dense({ units: 3, activation: 'softmax', inputShape: [2], seed: 1 }));
    const x = tensor([[1, 2], [3, 4], [5, 6]]);
    const y = tensor([0, 255, 2], [3]);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    await expect(model.fit(x, y, { verbose: 0 })).rejects.toThrow(/labels must be class indices, integers in \[0, 2\] for 3 outputs, received 255/);
    model.compile({ optimizer: 'sgd', loss: { class_name: 'SparseCategoricalCrossentropy', config: { ignore_class: 255 } } });
    const p = model.predict(x).data;
    const history = await model.fit(x, y, { verbose: 0, shuffle: false });
    // One batch: the mean over the two kept rows of -log p[label].
    const expected = -(Math.log(p[0]) + Math.log(p[2 * 3 + 2])) / 2;
    expect(Math.abs(history.history.loss[0] - expected)).toBeLessThanOrEqual(1e-6);
    model.dispose();
  });
});

describe('loss names and configs', () => {
  it('resolves Keras function names, aliases, camelCase and class names to the same loss', () => {
    const same: [string, string][] = [
      ['huber', 'Huber'], ['log_cosh', 'logCosh'], ['log_cosh', 'LogCosh'], ['kl_divergence', 'kld'], ['kl_divergence', 'KLD'],
      ['kl_divergence', 'KLDivergence'], ['kl_divergence', 'klDivergence'], ['poisson', 'Poisson'], ['cosine_similarity', 'CosineSimilarity'],
      ['hinge', 'Hinge'], ['squared_hinge', 'SquaredHinge'], ['categorical_hinge', 'CategoricalHinge'], ['categorical_hinge', 'categoricalHinge'],
      ['mape', 'MAPE'], ['mape', 'mean_absolute_percentage_error'], ['mape', 'meanAbsolutePercentageError'], ['msle', 'MSLE'],
      ['msle', 'MeanSquaredLogarithmicError'], ['binary_focal_crossentropy', 'BinaryFocalCrossentropy'], ['categorical_focal_crossentropy', 'categoricalFocalCrossentropy'],
    ];
    for (const [a, b] of same) expect(resolveLoss(b, 'test'), `${b}`).toEqual(resolveLoss(a, 'test'));
    // keras.losses.huber as get_compile_config() writes a loss function.
    expect(resolveLoss({ module: 'keras.losses', class_name: 'function', config: 'huber', registered_name: 'function' }, 'test')).toEqual(resolveLoss('huber', 'test'));
    expect(resolveLoss({ class_name: 'Huber', config: { delta: 2.5 } }, 'test').delta).toBe(2.5);
  });

  it('refuses unknown names, keys and bad option values with a ConfigError naming them', () => {
    const bad: [unknown, RegExp][] = [
      ['logcosh', /unknown loss "logcosh" \(did you mean 'log_cosh'\?\)/],
      ['huber_loss', /unknown loss "huber_loss"/],
      [{ class_name: 'Hubber', config: {} }, /unknown loss class "Hubber"/],
      [{ class_name: 'Huber', config: { from_logits: true } }, /unknown loss config key 'from_logits'; Huber takes name, reduction, dtype, delta/],
      [{ class_name: 'Huber', config: { delta: -1 } }, /'delta' must be a non-negative number, received -1/],
      [{ class_name: 'Huber', config: { delta: '1' } }, /'delta' must be a non-negative number, received "1"/],
      [{ class_name: 'BinaryCrossentropy', config: { label_smoothing: 1.5 } }, /'label_smoothing' must be a number in \[0, 1\], received 1.5/],
      [{ class_name: 'SparseCategoricalCrossentropy', config: { label_smoothing: 0.1 } }, /unknown loss config key 'label_smoothing'/],
      [{ class_name: 'CosineSimilarity', config: { axis: 'last' } }, /'axis' must be an integer \(the axis a row runs along; -1 the last\), received "last"/],
      [{ class_name: 'BinaryFocalCrossentropy', config: { gamma: -2 } }, /'gamma' must be a non-negative number/],
      [{ class_name: 'BinaryFocalCrossentropy', config: { alpha: [0.1, 0.9] } }, /'alpha' must be a number,/],
      [{ class_name: 'BinaryFocalCrossentropy', config: { apply_class_balancing: 1 } }, /'apply_class_balancing' must be a boolean/],
      [{ class_name: 'CategoricalFocalCrossentropy', config: { alpha: [0.1, 'x'] } }, /'alpha' must be a number or a list of numbers, one per class/],
      [{ class_name: 'Poisson', config: { reduction: 'auto' } }, /'reduction' must be one of 'sum_over_batch_size', 'sum'/],
      [{ class_name: 'KLDivergence', config: { dtype: 'float16' } }, /'dtype' must be 'float32' or null/],
      [{ class_name: 'SparseCategoricalCrossentropy', config: { ignore_class: 1.5 } }, /'ignore_class' must be null or an integer, received 1.5/],
    ];
    for (const [loss, message] of bad) {
      expect(() => resolveLoss(loss, 'model: compile'), JSON.stringify(loss)).toThrow(ConfigError);
      expect(() => resolveLoss(loss, 'model: compile'), JSON.stringify(loss)).toThrow(message);
    }
  });

  it('refuses a per-class alpha whose length is not the class count', () => {
    const spec = resolveLoss({ class_name: 'CategoricalFocalCrossentropy', config: { alpha: [0.5, 0.5] } }, 'test');
    expect(() => computeLoss(spec, tensor(new Float32Array(6).fill(0.3), [2, 3]), tensor(new Float32Array(6).fill(0.3), [2, 3]), undefined, undefined, 'm')).toThrow(/alpha has 2 entries for 3 classes/);
  });
});

describe('fit with each new loss against a float64 training loop', () => {
  const [N, D, C] = [6, 3, 3];
  const lr = 0.05;
  for (const c of CASES) {
    it(c.label, async () => {
      const random = seededRandom(100 + CASES.indexOf(c));
      const activation = c.prediction === 'distribution' || c.prediction === 'positive' ? 'softmax' : c.prediction === 'probability' ? 'sigmoid' : 'linear';
      const model = new Sequential();
      model.add(new Dense({ units: C, activation, inputShape: [D], seed: CASES.indexOf(c) + 7 }));
      model.compile({ optimizer: { class_name: 'SGD', config: { learning_rate: lr } }, loss: c.loss as never });
      const x = Float32Array.from({ length: N * D }, () => Math.fround(random() * 2 - 1));
      const y = draw(c.target, random, N, C);
      const [kernel, bias] = model.getWeights().map((t) => Float64Array.from(t.data));
      const history = await model.fit(tensor(x, [N, D]), tensor(y, [N, C]), { batchSize: 4, epochs: 2, shuffle: false, verbose: 0 });
      const expected = referenceDenseFit({
        x, y, D, C, activation, kernel, bias, batchSize: 4, epochs: 2,
        loss: (yb, pred, samples) => referenceLoss(c.kind, yb, pred, C, samples, c.options),
        update: (weights, gradients) => weights.forEach((w, k) => w.forEach((v, i) => { w[i] = v - Math.fround(lr) * gradients[k][i]; })),
      });
      expectClose(history.history.loss, expected, { label: 'epoch losses' });
      model.getWeights().forEach((t, k) => expectClose(t.data, [kernel, bias][k], { label: `weight ${k}` }));
      model.dispose();
    });
  }
});
