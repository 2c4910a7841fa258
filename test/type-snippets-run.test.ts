// The type test's layer snippets (test/types/keras-layers.ts) run as well as compile: each value
// the types promise has the shape Keras gives it (worked out by hand from the layer's options).
// The snippets import 'wasm-rnn', the package by its own name (the Node bundle), so classes are
// checked by their fields and names rather than instanceof this file's imports.
import { describe, expect, it } from 'vitest';

describe('test/types/keras-layers.ts at run time', () => {
  it('runs, and what the types call a tuple is a list of that length, with Keras shapes', async () => {
    const s = await import('./types/keras-layers.js');
    const shape = (t: { shape: readonly number[]; data: Float32Array }) => (expect(t.data).toBeInstanceOf(Float32Array), [...t.shape]);
    expect(shape(s.convLstm)).toEqual([1, 5, 5, 2]); // padding 'same', 2 filters, last step
    expect(shape(s.convLstmSeq)).toEqual([1, 3, 3, 3, 2]); // 'valid' 3x3 on 5x5, every step
    expect([s.cOut, s.cH, s.cC].map(shape)).toEqual([[1, 3, 3, 2], [1, 3, 3, 2], [1, 3, 3, 2]]);
    expect([s.c1Out, s.c1H, s.c1C].map(shape)).toEqual([[1, 4, 2], [1, 4, 2], [1, 4, 2]]);
    expect(s.convFourth).toBeUndefined();
    expect(shape(s.attOut)).toEqual([2, 6, 4]);
    expect(shape(s.scores)).toEqual([2, 6, 6]); // (B, Tq, Tv)
    expect(shape(s.causal)).toEqual([2, 6, 4]);
    expect([s.lstmOut, s.lstmH, s.lstmC].map(shape)).toEqual([[2, 3], [2, 3], [2, 3]]);
    expect([s.gruOut, s.gruH].map(shape)).toEqual([[2, 3], [2, 3]]);
    expect([s.bFw, s.bBw].map(shape)).toEqual([[2, 3], [2, 3]]);
    expect(shape(s.concat)).toEqual([2, 6, 6]);
    expect([s.f1, s.f2].map(shape)).toEqual([[2, 6, 3], [2, 6, 7]]);
    expect(s.frameOut).toBeInstanceOf(Float32Array);
    expect(s.frameOut.length).toBe(2);
    expect(s.states.map(shape)).toEqual([[1, 8], [1, 8]]);
    expect(s.layerOut.length).toBe(4);
    expect(() => s.bareConfig()).toThrow(expect.objectContaining({ name: 'ConfigError' }));
  });
});
