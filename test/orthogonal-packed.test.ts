// A recurrent layer built with the default orthogonal recurrent initializer keeps the Q the
// WebAssembly solve leaves packed, instead of packing the values again. Whatever path a layer
// takes, it must compute what a layer given the same weights through setWeights (which packs
// getWeights()' values) computes, bit for bit, and leave WebAssembly memory flat.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CuDNNGRU, CuDNNLSTM, GRU, LSTM, SimpleRNN, initializers, ready, tensor, type Tensor } from '../src/index.js';
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
