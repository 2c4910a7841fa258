// The kernel module is an ordinary AssemblyScript module: the official loader
// instantiates it, and the compiled module can be handed to ready({ wasm }).
import { readFileSync } from 'node:fs';
import { instantiate } from '@assemblyscript/loader';
import { describe, expect, it } from 'vitest';
import { ready, kernelVariant, tensor, initializers, Bidirectional, LSTM, type Tensor } from '../dist/index.js';

describe('@assemblyscript/loader interop', () => {
  it('instantiates dist/wasm-rnn.wasm and its module drives the package', async () => {
    const bytes = readFileSync(new URL('../dist/wasm-rnn.wasm', import.meta.url));
    const { module, exports } = await instantiate<{ heap_base(): number; kernel_uses_relaxed_simd(): number }>(bytes);
    expect(exports.heap_base()).toBeGreaterThan(0);
    expect(exports.kernel_uses_relaxed_simd()).toBe(0);
    await ready({ wasm: module });
    expect(kernelVariant()).toBe('simd');
    const layer = new Bidirectional(new LSTM({
      units: 3,
      kernelInitializer: initializers.constant(0.1),
      recurrentInitializer: initializers.constant(0.1),
      biasInitializer: initializers.constant(0),
    }));
    const out = layer.apply(tensor([[[0.1, 4.2, 1.5, 1.1, 2.8], [1.0, 3.1, 2.5, 0.7, 1.1], [0.3, 2.1, 1.5, 2.1, 0.1], [2.2, 1.4, 0.5, 0.9, 1.1]]])) as Tensor;
    // The seed notebook's Keras printout: forward h 0.63031393, backward h 0.7038734.
    expect(out.data[0]).toBeCloseTo(0.63031393, 6);
    expect(out.data[3]).toBeCloseTo(0.7038734, 6);
  });
});
