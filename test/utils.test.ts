// Keras' pad_sequences and to_categorical: the examples of Keras' own documentation, and its
// rules for dtype, truncation, frames, a trailing axis of 1 and out-of-range labels.
import { describe, expect, it } from 'vitest';
import { ConfigError, InputError, ShapeError, padSequences, toCategorical } from '../dist/index.js';
import { expectError, untyped } from './expect-error.js';

const rows = [[1], [2, 3], [4, 5, 6]];

describe('padSequences', () => {
  it("gives Keras' documented results", () => {
    expect(padSequences(rows).toArray()).toEqual([[0, 0, 1], [0, 2, 3], [4, 5, 6]]);
    expect(padSequences(rows, { value: -1 }).toArray()).toEqual([[-1, -1, 1], [-1, 2, 3], [4, 5, 6]]);
    expect(padSequences(rows, { padding: 'post' }).toArray()).toEqual([[1, 0, 0], [2, 3, 0], [4, 5, 6]]);
    expect(padSequences(rows, { maxlen: 2 }).toArray()).toEqual([[0, 1], [2, 3], [5, 6]]);
  });

  it("truncates at the end asked, casts as int32 by default, keeps float32 when asked, pads frames", () => {
    expect(padSequences(rows, { maxlen: 2, truncating: 'post' }).toArray()).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(padSequences([[1.7, -2.5]], { maxlen: 3, value: 0.9 }).toArray()).toEqual([[0, 1, -2]]);
    expect(padSequences([[1.5, -2.5]], { maxlen: 3, value: 0.5, dtype: 'float32' }).toArray()).toEqual([[0.5, 1.5, -2.5]]);
    const frames = padSequences([[[1, 2], [3, 4]], [[5, 6]], []], { dtype: 'float32' });
    expect(frames.shape).toEqual([3, 2, 2]);
    expect(frames.toArray()).toEqual([[[1, 2], [3, 4]], [[0, 0], [5, 6]], [[0, 0], [0, 0]]]);
    expect(padSequences([Int32Array.of(7, 8)], { maxlen: 3 }).toArray()).toEqual([[0, 7, 8]]);
  });

  it('names what is wrong, with the camelCase hint for Keras spellings', () => {
    expectError(() => padSequences(rows, untyped({ max_len: 3 })), ConfigError, ["padSequences: unknown option 'max_len' (did you mean 'maxlen'? options are camelCase)"]);
    expectError(() => padSequences(rows, untyped({ padding: 'both' })), ConfigError, ["option 'padding' must be 'pre' or 'post', received \"both\""]);
    expectError(() => padSequences(rows, { maxlen: 0 }), ConfigError, ["option 'maxlen' must be a positive integer, received 0"]);
    expectError(() => padSequences(untyped([[1], 2])), InputError, ['padSequences: sequences[1] must be a list of ids or frames, received number 2']);
    expectError(() => padSequences(untyped([[[1, 2]], [[3]]])), ShapeError, ['sequences[1][0] must be a frame of 2 numbers like the first step']);
    expectError(() => padSequences(untyped([[1, 'a']])), InputError, ['sequences[0][1] holds']);
  });
});

describe('toCategorical', () => {
  it("gives Keras' documented one-hot rows, and squeezes a last axis of 1", () => {
    expect(toCategorical([0, 1, 2, 3], 4).toArray()).toEqual([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
    expect(toCategorical([[2], [0]]).toArray()).toEqual([[0, 0, 1], [1, 0, 0]]);
    expect(toCategorical([[1, 0, 1]], 2).shape).toEqual([1, 3, 2]);
  });

  it('refuses labels outside [0, numClasses) and a bad numClasses', () => {
    expectError(() => toCategorical([0, 3], 3), InputError, ['toCategorical: label 3 at index 1 is outside [0, 3)']);
    expectError(() => toCategorical([0, -1], 3), InputError, ['label -1 at index 1 is outside [0, 3)']);
    expectError(() => toCategorical([0, 1], 0), ConfigError, ['toCategorical: numClasses must be a positive integer, received 0']);
  });
});
