// trainOnBatch / testOnBatch as Keras' train_on_batch / test_on_batch take and return them:
// class_weight folded into per-sample weights, return_dict accepted, the result read by name or
// destructured as Keras' list.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, tensor, Sequential, LSTM, Dense, ConfigError, type Tensor } from '../dist/index.js';
import { untyped } from './expect-error.js';
import { randomFloats, seededRandom } from './random.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

const N = 6;
const LABELS = [0, 1, 2, 1, 0, 2];

function classifier(): Sequential {
  const m = new Sequential();
  m.add(new LSTM({ units: 4, inputShape: [5, 3], seed: 11 }));
  m.add(new Dense({ units: 3, activation: 'softmax', seed: 12 }));
  m.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return m;
}

function batch(): { x: Tensor; y: Tensor } {
  const random = seededRandom(5);
  return { x: tensor(randomFloats(random, N * 5 * 3), [N, 5, 3]), y: tensor(Float32Array.from(LABELS), [N, 1]) };
}

describe('trainOnBatch', () => {
  it('with classWeight takes the same step as the per-sample weights the class weights give', () => {
    const { x, y } = batch();
    const classWeight = { 0: 1, 1: 3, 2: 0.5 };
    const byClass = classifier();
    const bySample = classifier();
    const a = byClass.trainOnBatch(x, y, { classWeight });
    // Keras' class_weight: each sample weighs its label's class weight.
    const sampleWeight = tensor(Float32Array.from(LABELS.map((label) => classWeight[label as 0 | 1 | 2])), [N]);
    const b = bySample.trainOnBatch(x, y, { sampleWeight });
    expect(a.loss).toBe(b.loss);
    byClass.getWeights().forEach((w, i) => expect(w.data).toEqual(bySample.getWeights()[i].data));
    const unweighted = classifier().trainOnBatch(x, y);
    expect(unweighted.loss).not.toBe(a.loss);
  });

  it('returns the logs by name that also destructure as Keras list, with or without returnDict', () => {
    const { x, y } = batch();
    const logs = classifier().trainOnBatch(x, y, { returnDict: true });
    expect(Object.keys(logs)).toEqual(['loss', 'accuracy']);
    const [loss, accuracy] = classifier().trainOnBatch(x, y, { returnDict: false });
    expect(loss).toBe(logs.loss);
    expect(accuracy).toBe(logs.accuracy);
    expect([...logs]).toEqual([logs.loss, logs.accuracy]);
  });

  it('refuses bad options with a ConfigError before any step', () => {
    const { x, y } = batch();
    const m = classifier();
    const sampleWeight = tensor(new Float32Array(N).fill(1), [N]);
    expect(() => m.trainOnBatch(x, y, { classWeight: { 0: 1 }, sampleWeight })).toThrow(/'classWeight' and 'sampleWeight' cannot be used together/);
    expect(() => m.trainOnBatch(x, y, untyped({ returnDict: 'yes' }))).toThrow(ConfigError);
    expect(() => m.trainOnBatch(x, y, untyped({ class_weight: { 0: 1 } }))).toThrow(/classWeight/);
    expect(() => m.trainOnBatch(x, y, untyped({ classWeight: { 0: 'heavy' } }))).toThrow(ConfigError);
    expect(m.optimizer.iterations).toBe(0);
    expect(m.trainOnBatch(x, y).loss).toBeGreaterThan(0);
  });
});

describe('testOnBatch', () => {
  it('accepts returnDict and leaves the weights as they were', () => {
    const { x, y } = batch();
    const m = classifier();
    const before = m.getWeights().map((w) => w.data.slice());
    const logs = m.testOnBatch(x, y, { returnDict: true });
    const [loss] = m.testOnBatch(x, y, { returnDict: false });
    expect(loss).toBe(logs.loss);
    m.getWeights().forEach((w, i) => expect(w.data).toEqual(before[i]));
    expect(() => m.testOnBatch(x, y, untyped({ returnDict: 1 }))).toThrow(ConfigError);
  });
});
