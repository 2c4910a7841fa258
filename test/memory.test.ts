// WebAssembly memory is owned: it stays flat across repeated calls, and a long
// sequence without returnSequences needs memory for its input, not per step.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, memoryBytes, tensor, LSTM, GRU, Bidirectional, Sequential, Embedding, Dense, TimeDistributed, type Tensor } from '../dist/index.js';
import { randomFloats, seededRandom } from './random.js';

beforeAll(async () => {
  await ready();
});

describe('memory', () => {
  it('ready() is idempotent', async () => {
    const before = memoryBytes();
    await ready();
    await ready();
    expect(memoryBytes()).toBe(before);
    expect(before).toBeGreaterThan(0);
  });

  it('does not grow across repeated calls of the same shapes', () => {
    const random = seededRandom(1);
    const lstm = new LSTM({ units: 37, returnSequences: true, returnState: true, seed: 1 });
    const bi = new Bidirectional(new GRU({ units: 19, returnSequences: true }), { mergeMode: 'ave' });
    const x = tensor(randomFloats(random, 4 * 50 * 7), [4, 50, 7]);
    lstm.apply(x);
    bi.apply(x);
    const warm = memoryBytes();
    let first: Tensor | undefined;
    for (let i = 0; i < 50; i++) {
      const [seq] = lstm.apply(x) as Tensor[];
      bi.apply(x);
      first ??= seq;
      expect(seq.data).toEqual(first.data);
    }
    expect(memoryBytes()).toBe(warm);
  });

  it('disposing and recreating layers reuses the freed memory', () => {
    const x = tensor(new Float32Array(2 * 10 * 8).fill(0.5), [2, 10, 8]);
    const warmLayer = new LSTM({ units: 64, seed: 3 });
    warmLayer.apply(x);
    warmLayer.dispose();
    const warm = memoryBytes();
    for (let i = 0; i < 20; i++) {
      const layer = new LSTM({ units: 64, seed: 3 });
      layer.apply(x);
      layer.dispose();
    }
    expect(memoryBytes()).toBe(warm);
  });

  it('model.dispose() frees every layer, so building and dropping models does not grow memory', () => {
    const build = () => {
      const model = new Sequential();
      model.add(new Embedding({ inputDim: 50, outputDim: 8, inputLength: 6, seed: 1 }));
      // Big enough that 20 undisposed copies (about 400 KB of packed weights each) would grow memory.
      model.add(new Bidirectional(new GRU({ units: 128, returnSequences: true, seed: 2 })));
      model.add(new TimeDistributed(new Dense({ units: 4, seed: 3 })));
      model.predict(tensor([[1, 2, 3, 4, 5, 6]]));
      model.dispose();
    };
    build();
    const warm = memoryBytes();
    for (let i = 0; i < 20; i++) build();
    expect(memoryBytes()).toBe(warm);
  });

  it('a long sequence with returnSequences false needs no per-step memory', () => {
    const timesteps = 20000;
    const features = 4;
    const layer = new LSTM({ units: 64, seed: 2 });
    layer.build([1, timesteps, features]);
    const before = memoryBytes();
    const x = tensor(new Float32Array(timesteps * features).fill(0.1), [1, timesteps, features]);
    const out = layer.apply(x) as Tensor;
    expect(out.shape).toEqual([1, 64]);
    const inputBytes = timesteps * features * 4;
    // Projected gates for all steps alone would take T*4H*4 = 20 MB; only the input and a chunk may be added.
    expect(memoryBytes() - before).toBeLessThanOrEqual(inputBytes + 2 * 1024 * 1024);
  });
});
