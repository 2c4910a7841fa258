// A recurrent layer built with the default orthogonal recurrent initializer keeps the Q the
// WebAssembly solve leaves packed, instead of packing the values again, and reads its Keras
// layout back only when asked. Whatever path a layer takes, it must compute what a layer given
// the same weights through setWeights (which packs getWeights()' values) computes, bit for bit,
// hand out exactly the initializer's values wherever the weights are read, and leave
// WebAssembly memory flat.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CuDNNGRU, CuDNNLSTM, Dense, GRU, LSTM, Sequential, SimpleRNN, initializers, loadModel, ready, saveModel, tensor, type Tensor } from '../src/index.js';
import { loadedInstance } from '../src/kernels/default-instance.js';
import { memoryBytes } from '../src/kernels/module.js';

const KERNEL_BYTES = readFileSync(new URL('../dist/wasm-rnn.wasm', import.meta.url));

type Recurrent = LSTM | GRU | SimpleRNN | CuDNNLSTM | CuDNNGRU;

/** An input of shape [2, 5, features] with values from a fixed recurrence in [-1, 1). */
function input(features: number): Tensor {
  const data = new Float32Array(2 * 5 * features);
  let state = 12345;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    data[i] = state / 2 ** 31 - 1;
  }
  return tensor(data, [2, 5, features]);
}

function bits(t: Tensor): Buffer {
  return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

const CASES: [string, (units: number) => Recurrent][] = [
  ['LSTM', (units) => new LSTM({ units, seed: 3 })],
  ['LSTM, gain 1.7', (units) => new LSTM({ units, seed: 4, recurrentInitializer: initializers.orthogonal({ gain: 1.7 }) })],
  ['GRU (reset_after, a recurrent bias row)', (units) => new GRU({ units, seed: 5, biasInitializer: initializers.randomUniform({ seed: 1 }) })],
  ['GRU, reset_after false (two recurrent blocks)', (units) => new GRU({ units, seed: 6, resetAfter: false, biasInitializer: 'ones' })],
  ['SimpleRNN (square: Householder)', (units) => new SimpleRNN({ units, seed: 7 })],
  ['CuDNNLSTM (another stored layout)', (units) => new CuDNNLSTM({ units, seed: 8 })],
  ['CuDNNGRU', (units) => new CuDNNGRU({ units, seed: 9 })],
];

describe('recurrent layers built with the orthogonal recurrent initializer', () => {
  beforeAll(async () => {
    await ready({ wasm: KERNEL_BYTES });
  });

  it.each(CASES.flatMap(([name, make]) => [16, 20, 64].map((units) => [name, units, make] as const)))(
    '%s with %i units computes what the same weights through setWeights compute, bit for bit',
    (_name, units, make) => {
      const x = input(3);
      const built = make(units);
      built.build([2, 5, 3]);
      const copy = make(units);
      copy.build([2, 5, 3]);
      copy.setWeights(built.getWeights());
      const y = built.apply(x) as Tensor;
      expect(bits(y).equals(bits(copy.apply(x) as Tensor))).toBe(true);
      expect(Array.from(y.data).some((v) => v !== 0)).toBe(true);
      built.dispose();
      copy.dispose();
    },
  );

  it('keeps WebAssembly memory flat across repeated builds and disposals', () => {
    const cycle = () => {
      for (const [, make] of CASES) {
        const layer = make(64);
        layer.build([2, 5, 3]);
        layer.dispose();
      }
    };
    const heap = loadedInstance()?.heap;
    if (!heap) throw new Error('not ready');
    cycle();
    const [memory, allocated] = [memoryBytes(), heap.allocatedBytes];
    cycle();
    cycle();
    expect(memoryBytes()).toBe(memory);
    expect(heap.allocatedBytes).toBe(allocated);
  });
});

/** Float32 bits of `values`, for exact comparisons. */
function floatBits(values: Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

describe('a recurrent kernel kept only packed after build', () => {
  beforeAll(async () => {
    await ready({ wasm: KERNEL_BYTES });
  });

  // The layer draws its recurrent kernel with seed + 1 when the initializer has none of its own.
  // The expected values are drawn after ready(), on the same WebAssembly path.
  const LAZY: [string, () => LSTM | GRU, () => Float32Array][] = [
    ['LSTM(64)', () => new LSTM({ units: 64, seed: 3 }), () => initializers.orthogonal().generate([64, 256], 4)],
    ['LSTM(64), gain 1.7', () => new LSTM({ units: 64, seed: 4, recurrentInitializer: initializers.orthogonal({ gain: 1.7 }) }), () => initializers.orthogonal({ gain: 1.7 }).generate([64, 256], 5)],
    ['GRU(40) with a recurrent bias row', () => new GRU({ units: 40, seed: 5, biasInitializer: 'ones' }), () => initializers.orthogonal().generate([40, 120], 6)],
    ['LSTM(24), seeded initializer', () => new LSTM({ units: 24, seed: 6, recurrentInitializer: initializers.orthogonal({ seed: 9 }) }), () => initializers.orthogonal({ seed: 9 }).generate([24, 96])],
  ];

  it.each(LAZY)('%s: getWeights() gives the initializer\'s values bit for bit, every time', (_name, make, draw) => {
    const expected = draw();
    const layer = make();
    layer.build([2, 5, 3]);
    const [first, second] = [layer.getWeights()[1], layer.getWeights()[1]];
    expect(floatBits(first.data).equals(floatBits(expected))).toBe(true);
    expect(floatBits(second.data).equals(floatBits(expected))).toBe(true);
    first.data.fill(0); // a copy: writing to it changes nothing
    expect(floatBits(layer.getWeights()[1].data).equals(floatBits(expected))).toBe(true);
    layer.dispose();
  });

  /** LSTM(16) then Dense(1), built, with the LSTM's recurrent kernel not yet read. */
  function lazyModel(): Sequential {
    const model = new Sequential({ name: 'lazy' });
    model.add(new LSTM({ units: 16, inputShape: [5, 3], seed: 21, name: 'lstm' }));
    model.add(new Dense({ units: 1, seed: 22, name: 'dense' }));
    model.build([null, 5, 3]);
    return model;
  }

  it('summary() and save read what a model whose weights were read gives', async () => {
    const [lazy, read] = [lazyModel(), lazyModel()];
    const expected = read.getWeights();
    expect(lazy.summary({ print: false })).toBe(read.summary({ print: false }));
    const loaded = await loadModel(await saveModel(lazy, { format: 'keras' }));
    const weights = loaded.getWeights();
    expect(weights.length).toBe(expected.length);
    weights.forEach((w, i) => expect(floatBits(w.data).equals(floatBits(expected[i].data))).toBe(true));
    expect(floatBits(weights[1].data).equals(floatBits(initializers.orthogonal().generate([16, 64], 22)))).toBe(true);
    for (const model of [lazy, read, loaded]) model.dispose();
  });

  it('training starts from the initializer\'s values: a fit gives the weights of one whose weights were read first', async () => {
    const [lazy, read] = [lazyModel(), lazyModel()];
    read.setWeights(read.getWeights());
    const x = input(3);
    const y = tensor(Float32Array.from([0.5, -0.25]), [2, 1]);
    for (const model of [lazy, read]) {
      model.compile({ optimizer: 'sgd', loss: 'mse' });
      await model.fit(x, y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
    }
    const [trained, expected] = [lazy.getWeights(), read.getWeights()];
    trained.forEach((w, i) => expect(floatBits(w.data).equals(floatBits(expected[i].data))).toBe(true));
    expect(floatBits(trained[1].data).equals(floatBits(initializers.orthogonal().generate([16, 64], 22)))).toBe(false);
    lazy.dispose();
    read.dispose();
  });
});
