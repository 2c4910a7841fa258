// Every case in ../shared/training (and the held-back h_* cases when present):
// modelFromConfig -> setWeights -> compile with the fixture's Keras optimizer
// config and loss -> computeGradients on the first batch -> fit with an
// onTrainBatchEnd callback -> getWeights / predict / evaluate, each field
// within its own tolerance (../shared/training/README.md, "Pass rule").
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, modelFromConfig, tensor, type CompileOptions, type Logs, type Tensor } from '../dist/index.js';
import { maxViolation } from './fixtures.js';
import { testKernelVariant } from './kernel-variant.js';

interface TensorJson {
  shape: number[];
  data: number[];
}

interface Tolerance {
  abs: number;
  rel: number;
}

interface TrainingCase {
  name: string;
  model: Record<string, unknown>;
  weights: TensorJson[];
  x: TensorJson[];
  y: TensorJson;
  sample_weight?: TensorJson;
  compile: { optimizer: CompileOptions['optimizer']; loss: CompileOptions['loss']; metrics: string[] | null };
  fit: { batch_size: number; epochs: number; shuffle: boolean; validation_split: number };
  expected: {
    first_batch_gradients: TensorJson[];
    first_batch_clipped_gradients?: TensorJson[];
    steps_per_epoch: number;
    train_samples: number;
    batch_losses: TensorJson;
    batch_running_loss: TensorJson;
    history: Record<string, number[]>;
    iterations: number;
    final_weights: TensorJson[];
    predictions: TensorJson;
    evaluate: Record<string, number>;
  };
  tolerance: Record<'gradients' | 'losses' | 'history' | 'weights' | 'predictions', Tolerance>;
}

const DIR = new URL('../../shared/training/', import.meta.url);
const CASES = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

function toTensor(t: TensorJson): Tensor {
  return tensor(Float32Array.from(t.data), t.shape);
}

function expectWithin(actual: ArrayLike<number>, expected: readonly number[], tol: Tolerance, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const { worst, index } = maxViolation(actual, expected.map(Math.fround), tol);
  expect(worst, `${what}[${index}]: ${actual[index]} vs ${expected[index]}`).toBeLessThanOrEqual(1);
}

describe('training fixtures (../shared/training)', () => {
  it('has cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(27);
  });

  it.each(CASES)('%s', async (file) => {
    const c = JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as TrainingCase;
    const model = modelFromConfig(c.model);
    model.setWeights(c.weights.map(toTensor));
    model.compile({ optimizer: c.compile.optimizer, loss: c.compile.loss, metrics: c.compile.metrics });
    const x = c.x.map(toTensor);
    const input = x.length === 1 ? x[0] : x;
    const y = toTensor(c.y);
    const sampleWeight = c.sample_weight ? toTensor(c.sample_weight) : undefined;
    const { tolerance: tol, expected } = c;

    // The first batch of epoch 1 (validation_split cuts the last samples off first; batches keep data order).
    const first = Math.min(c.fit.batch_size, expected.train_samples);
    const firstX = x.map((t) => tensor(t.data.slice(0, first * (t.size / t.shape[0])), [first, ...t.shape.slice(1)]));
    const firstY = tensor(y.data.slice(0, first * (y.size / y.shape[0])), [first, ...y.shape.slice(1)]);
    const gradients = model.computeGradients(firstX.length === 1 ? firstX[0] : firstX, firstY, {
      sampleWeight: sampleWeight ? tensor(sampleWeight.data.slice(0, first), [first]) : undefined,
    });
    expect(gradients.map((g) => g.shape)).toEqual(expected.first_batch_gradients.map((g) => g.shape));
    gradients.forEach((g, i) => expectWithin(g.data, expected.first_batch_gradients[i].data, tol.gradients, `first_batch_gradients[${i}]`));
    if (expected.first_batch_clipped_gradients) {
      const clipped = model.optimizer.clipGradients(gradients.map((g) => g.data));
      clipped.forEach((g, i) => expectWithin(g, expected.first_batch_clipped_gradients![i].data, tol.gradients, `first_batch_clipped_gradients[${i}]`));
    }
    expect(model.optimizer.iterations, 'computeGradients takes no step').toBe(0);

    const running: number[] = [];
    const history = await model.fit(input, y, {
      batchSize: c.fit.batch_size, epochs: c.fit.epochs, shuffle: c.fit.shuffle, validationSplit: c.fit.validation_split,
      sampleWeight, verbose: 0,
      callbacks: [{ onTrainBatchEnd: (_batch: number, logs: Logs) => { running.push(logs.loss); } }],
    });
    expect(running.length, 'steps').toBe(c.fit.epochs * expected.steps_per_epoch);

    // batch_losses: what trainOnBatch returns for each batch from the same state, on a twin model
    // stepped through the same batches in order (no fixture shuffles).
    expect(c.fit.shuffle).toBe(false);
    const twin = modelFromConfig(c.model);
    twin.setWeights(c.weights.map(toTensor));
    twin.compile({ optimizer: c.compile.optimizer, loss: c.compile.loss, metrics: c.compile.metrics });
    const slice = (t: Tensor, from: number, to: number) => {
      const row = t.size / t.shape[0];
      return tensor(t.data.slice(from * row, to * row), [to - from, ...t.shape.slice(1)]);
    };
    const stepLosses: number[] = [];
    for (let e = 0; e < c.fit.epochs; e++) {
      for (let k = 0; k < expected.steps_per_epoch; k++) {
        const [from, to] = [k * c.fit.batch_size, Math.min(expected.train_samples, (k + 1) * c.fit.batch_size)];
        const bx = x.map((t) => slice(t, from, to));
        const logs = twin.trainOnBatch(bx.length === 1 ? bx[0] : bx, slice(y, from, to), { sampleWeight: sampleWeight ? slice(sampleWeight, from, to) : undefined });
        stepLosses.push(logs.loss);
      }
    }
    expectWithin(stepLosses, expected.batch_losses.data, tol.losses, 'batch_losses');
    expectWithin(running, expected.batch_running_loss.data, tol.losses, 'batch_running_loss');
    expect(Object.keys(history.history)).toEqual(Object.keys(expected.history));
    for (const [key, values] of Object.entries(expected.history)) expectWithin(history.history[key], values, tol.history, `history.${key}`);
    expect(model.optimizer.iterations).toBe(expected.iterations);
    const finalWeights = model.getWeights();
    finalWeights.forEach((w, i) => expectWithin(w.data, expected.final_weights[i].data, tol.weights, `final_weights[${i}]`));
    const predictions = model.predict(input) as Tensor;
    expect(predictions.shape).toEqual(expected.predictions.shape);
    expectWithin(predictions.data, expected.predictions.data, tol.predictions, 'predictions');
    const evaluated = await model.evaluate(input, y, { batchSize: c.fit.batch_size, sampleWeight });
    expect(Object.keys(evaluated)).toEqual(Object.keys(expected.evaluate));
    for (const [key, value] of Object.entries(expected.evaluate)) expectWithin([evaluated[key]], [value], tol.history, `evaluate.${key}`);
    model.dispose();
  });
});
