// tensor(): building dense float32 tensors from the values users write, and
// the errors for values that do not describe a tensor.
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  InputError,
  ShapeError,
  Tensor,
  tensor,
  type NestedArray,
  type TensorLike,
} from '../dist/index.js';
import { expectError, untyped } from './expect-error.js';

describe('tensor() from nested arrays', () => {
  it('infers the shape of a 2-D nested array and flattens it row-major', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t).toBeInstanceOf(Tensor);
    expect(t.shape).toEqual([2, 3]);
    expect(t.rank).toBe(2);
    expect(t.size).toBe(6);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('infers the shape of a 3-D (batch, timesteps, features) nested array', () => {
    const values = [
      [[1, 2], [3, 4], [5, 6]],
      [[7, 8], [9, 10], [11, 12]],
    ];
    const t = tensor(values);
    expect(t.shape).toEqual([2, 3, 2]);
    expect(t.rank).toBe(3);
    expect(t.size).toBe(12);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(t.toArray()).toEqual(values);
  });

  it('stores values as float32', () => {
    const t = tensor([[0.1, -1e-8], [1 / 3, 16777217]]);
    expect(Array.from(t.data)).toEqual([Math.fround(0.1), Math.fround(-1e-8), Math.fround(1 / 3), Math.fround(16777217)]);
  });

  it('gives empty arrays a zero-length axis', () => {
    const empty = tensor([]);
    expect(empty.shape).toEqual([0]);
    expect(empty.size).toBe(0);
    expect(empty.toArray()).toEqual([]);

    const rows = tensor([[], []]);
    expect(rows.shape).toEqual([2, 0]);
    expect(rows.size).toBe(0);
    expect(rows.toArray()).toEqual([[], []]);
  });
});

describe("tensor()'s dtype, tfjs' third argument", () => {
  it("takes 'float32' and refuses the rest rather than skip a conversion it does not make", () => {
    expect(tensor([1.5, 2], [2], 'float32').toArray()).toEqual([1.5, 2]);
    expectError(() => tensor([1.5, 2], [2], untyped('int32')), ConfigError, ['tensor: dtype', "'float32'", '"int32"']);
    expectError(() => tensor([true, false], [2], untyped('bool')), ConfigError, ['"bool"']);
    expect(tensor([1, 2], [2]).dtype).toBe('float32');
  });
});

describe('tensor() from flat arrays and explicit shapes', () => {
  it('treats a flat array without a shape as 1-D', () => {
    const t = tensor([1.5, -2, 3]);
    expect(t.shape).toEqual([3]);
    expect(t.rank).toBe(1);
    expect(t.size).toBe(3);
    expect(t.toArray()).toEqual([1.5, -2, 3]);
  });

  it('reshapes flat data to an explicit shape', () => {
    const t = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(tensor([1, 2, 3, 4, 5, 6], [3, 1, 2]).toArray()).toEqual([[[1, 2]], [[3, 4]], [[5, 6]]]);
  });

  it('reshapes nested data to an explicit shape of the same size', () => {
    const t = tensor([[1, 2], [3, 4], [5, 6]], [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('accepts a zero-size explicit shape such as [1, 0, 3]', () => {
    const t = tensor([], [1, 0, 3]);
    expect(t.shape).toEqual([1, 0, 3]);
    expect(t.size).toBe(0);
    expect(t.toArray()).toEqual([[]]);
  });

  it('infers one -1 axis from the values count, as numpy reshape(-1, n) does', () => {
    const values = [1, 2, 3, 4, 5, 6];
    expect(tensor(values, [-1, 2]).shape).toEqual([3, 2]);
    expect(tensor(values, [1, -1, 3]).shape).toEqual([1, 2, 3]);
    expect(tensor(new Float32Array(24), [2, -1, 4]).shape).toEqual([2, 3, 4]);
    expect(tensor([[1, 2], [3, 4]], [-1]).toArray()).toEqual([1, 2, 3, 4]);
    expect(tensor([], [-1, 3]).shape).toEqual([0, 3]);
    expect(tensor(values, [-1, 2]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
  });

  it('refuses a -1 axis the count does not divide, two -1 axes and other negatives with a ShapeError', () => {
    expectError(() => tensor([1, 2, 3, 4, 5], [-1, 2]), ShapeError, [/^tensor: 5 values/, /\[-1, 2\]/, /-1 has no whole size/]);
    expectError(() => tensor([1, 2, 3, 4], [-1, -1]), ShapeError, [/one -1/, /\[-1, -1\]/]);
    expectError(() => tensor([1, 2, 3, 4], [-1, 0]), ShapeError, [/-1 has no whole size/]);
    expectError(() => tensor([1, 2, 3, 4], [-2, 2]), ShapeError, [/non-negative integers/]);
    expectError(() => new Tensor(new Float32Array(4), [-1, 2]), ShapeError, [/non-negative integers/]);
  });

  it('copies the shape argument, so later changes to the caller array do not leak in', () => {
    const shape = [2, 2];
    const t = tensor([1, 2, 3, 4], shape);
    shape[0] = 4;
    expect(t.shape).toEqual([2, 2]);
    expect(Object.isFrozen(t.shape)).toBe(true);
  });
});

describe('tensor() from typed arrays', () => {
  it('converts a Float64Array to float32, 1-D without a shape', () => {
    const source = new Float64Array([0.1, 0.2, -0.3]);
    const t = tensor(source);
    expect(t.shape).toEqual([3]);
    expect(Array.from(t.data)).toEqual([Math.fround(0.1), Math.fround(0.2), Math.fround(-0.3)]);
  });

  it('converts an Int32Array with an explicit shape', () => {
    const t = tensor(new Int32Array([1, -2, 3, -4, 5, -6]), [3, 2]);
    expect(t.shape).toEqual([3, 2]);
    expect(t.toArray()).toEqual([
      [1, -2],
      [3, -4],
      [5, -6],
    ]);
  });

  it('converts the other integer typed arrays by value', () => {
    expect(Array.from(tensor(new Uint8Array([0, 255])).data)).toEqual([0, 255]);
    expect(Array.from(tensor(new Int16Array([-32768, 7])).data)).toEqual([-32768, 7]);
    expect(Array.from(tensor(new Uint32Array([4294967295])).data)).toEqual([Math.fround(4294967295)]);
  });

  it('copies a Float32Array instead of aliasing it', () => {
    const source = new Float32Array([1, 2, 3, 4]);
    const t = tensor(source, [2, 2]);
    source[0] = 99;
    expect(t.data[0]).toBe(1);
    expect(t.data).not.toBe(source);
  });

  it('copies an existing Tensor, keeping its shape unless a new one is given', () => {
    const original = tensor([[1, 2], [3, 4]]);
    const copy = tensor(original);
    expect(copy).not.toBe(original);
    expect(copy.shape).toEqual([2, 2]);
    expect(Array.from(copy.data)).toEqual([1, 2, 3, 4]);
    copy.data[0] = 42;
    expect(original.data[0]).toBe(1);

    const reshaped = tensor(original, [4]);
    expect(reshaped.shape).toEqual([4]);
    expect(reshaped.toArray()).toEqual([1, 2, 3, 4]);
  });
});

describe('tensor() from a number (rank 0)', () => {
  it('gives a scalar of shape [], rank 0, size 1', () => {
    const t = tensor(2.5);
    expect(t.shape).toEqual([]);
    expect(t.rank).toBe(0);
    expect(t.size).toBe(1);
    expect(t.toArray()).toBe(2.5);
  });

  it('reshapes a number to any shape of size 1', () => {
    const t = tensor(-7, [1, 1]);
    expect(t.shape).toEqual([1, 1]);
    expect(t.toArray()).toEqual([[-7]]);
  });
});

describe('Tensor round trips', () => {
  const cases: { title: string; values: NestedArray }[] = [
    { title: 'rank 0', values: 3 },
    { title: 'rank 1', values: [1, -1, 0.5] },
    { title: 'rank 2', values: [[1, 2, 3], [4, 5, 6]] },
    { title: 'rank 3', values: [[[0.25], [0.5]], [[0.75], [1]]] },
    { title: 'rank 4', values: [[[[1, 2]], [[3, 4]]]] },
  ];

  for (const { title, values } of cases) {
    it(`toArray() returns the nested input (${title})`, () => {
      const t = tensor(values);
      expect(t.toArray()).toEqual(values);
      const again = tensor(t.toArray());
      expect(again.shape).toEqual(t.shape);
      expect(Array.from(again.data)).toEqual(Array.from(t.data));
    });
  }

  it('data + shape rebuild the same tensor', () => {
    const t = tensor([[[1, 2, 3]], [[4, 5, 6]]]);
    const rebuilt = tensor(t.data, t.shape);
    expect(rebuilt.shape).toEqual([2, 1, 3]);
    expect(rebuilt.rank).toBe(t.rank);
    expect(rebuilt.size).toBe(t.size);
    expect(rebuilt.toArray()).toEqual(t.toArray());
  });

  it('toString() prints the values as numpy does, then the shape (more cases in newcomer.test.ts)', () => {
    expect(tensor([[1, 2, 3], [4, 5, 6]]).toString()).toBe('Tensor([[1., 2., 3.],\n        [4., 5., 6.]], shape=(2, 3))');
    expect(tensor(1).toString()).toBe('Tensor(1., shape=())');
  });

  it('the Tensor constructor wraps its Float32Array without copying', () => {
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    const t = new Tensor(data, [3, 2]);
    expect(t.data).toBe(data);
    expect(t.shape).toEqual([3, 2]);
    expect(t.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
  });
});

describe('tensor() errors', () => {
  describe('ragged nesting is a ShapeError', () => {
    const cases: { title: string; values: unknown; patterns: RegExp[] }[] = [
      { title: 'a short second row', values: [[1, 2], [3]], patterns: [/ragged/, /length 2 at depth 1/, /\[2, 2\]/, /length 1/] },
      { title: 'a number where a row belongs', values: [[1, 2], 3], patterns: [/ragged/, /depth 1/, /number 3/] },
      { title: 'a row where a number belongs', values: [1, [2]], patterns: [/ragged/, /expected a number at depth 1/, /\[2\]/] },
      { title: 'a deeper row', values: [[[1]], [2]], patterns: [/ragged/, /depth 2/, /\[2, 1, 1\]/] },
      { title: 'a long third row', values: [[1], [2], [3, 4]], patterns: [/ragged/, /length 1 at depth 1/, /length 2/] },
    ];
    for (const { title, values, patterns } of cases) {
      it(title, () => {
        expectError(() => tensor(untyped<TensorLike>(values)), ShapeError, [/^tensor:/, ...patterns]);
      });
    }
  });

  describe('values that do not fit the explicit shape are a ShapeError', () => {
    const cases: { title: string; values: TensorLike; shape: number[]; patterns: RegExp[] }[] = [
      { title: 'flat array', values: [1, 2, 3], shape: [2, 2], patterns: [/3 values/, /\[3\]/, /\[2, 2\]/, /4 values/] },
      { title: 'nested array', values: [[1, 2], [3, 4]], shape: [3], patterns: [/4 values/, /\[2, 2\]/, /shape \[3\]/, /3 values/] },
      { title: 'typed array', values: new Float64Array(5), shape: [2, 3], patterns: [/5 values/, /\[2, 3\]/, /6 values/] },
      { title: 'number', values: 4, shape: [2], patterns: [/1 values/, /shape \[\]/, /\[2\]/] },
      { title: 'zero-size shape', values: [1], shape: [1, 0, 3], patterns: [/1 values/, /\[1, 0, 3\]/, /0 values/] },
    ];
    for (const { title, values, shape, patterns } of cases) {
      it(title, () => {
        expectError(() => tensor(values, shape), ShapeError, [/^tensor:/, ...patterns]);
      });
    }

    it('the Tensor constructor checks data length against the shape', () => {
      expectError(() => new Tensor(new Float32Array(3), [2, 2]), ShapeError, [/3 values/, /\[2, 2\]/, /needs 4/]);
    });

    it('the Tensor constructor given nested arrays is an InputError that points to tensor()', () => {
      expectError(() => new Tensor(untyped([[1, 2, 3]]), [1, 3]), InputError, [/takes flat data/, /received a nested array/, /tensor\(nested\)/]);
    });
  });

  describe('entries that are not numbers are an InputError', () => {
    const cases: { title: string; values: unknown; patterns: RegExp[] }[] = [
      { title: 'a string', values: ['a', 1], patterns: [/expected a number at depth 1/, /string a/] },
      { title: 'null', values: [[1, null]], patterns: [/expected a number at depth 2/, /null/] },
      { title: 'undefined', values: [[1, undefined]], patterns: [/expected a number at depth 2/, /undefined/] },
      { title: 'an object', values: [[{}]], patterns: [/expected a number/, /object/] },
    ];
    for (const { title, values, patterns } of cases) {
      it(title, () => {
        expectError(() => tensor(untyped<TensorLike>(values)), InputError, [/^tensor:/, ...patterns]);
      });
    }
  });

  describe('values that are not arrays, numbers or typed arrays are an InputError', () => {
    const cases: { title: string; values: unknown; received: RegExp }[] = [
      { title: 'a string', values: 'abc', received: /received string abc/ },
      { title: 'a plain object', values: { data: [1, 2] }, received: /received an object/ },
      { title: 'null', values: null, received: /received null/ },
      { title: 'undefined', values: undefined, received: /received undefined/ },
      { title: 'a DataView', values: new DataView(new ArrayBuffer(8)), received: /received a DataView/ },
    ];
    for (const { title, values, received } of cases) {
      it(title, () => {
        expectError(() => tensor(untyped<TensorLike>(values)), InputError, [/^tensor: values must be/, /nested number arrays/, received]);
      });
    }
  });

  describe('shapes with negative, non-integer or non-number entries are a ShapeError', () => {
    const cases: { title: string; shape: unknown }[] = [
      { title: 'a negative entry', shape: [2, -2] },
      { title: 'a fractional entry', shape: [2.5] },
      { title: 'NaN', shape: [Number.NaN] },
      { title: 'Infinity', shape: [Number.POSITIVE_INFINITY] },
      { title: 'a string entry', shape: ['2', 2] },
      { title: 'a string instead of an array', shape: '2,2' },
      { title: 'null', shape: null },
    ];
    for (const { title, shape } of cases) {
      it(title, () => {
        expectError(() => tensor([1, 2, 3, 4], untyped<number[]>(shape)), ShapeError, [/^tensor: shape/, /non-negative integers/, /received/]);
      });
    }

    it('the Tensor constructor rejects them too', () => {
      expectError(() => new Tensor(new Float32Array(4), [-1, -4]), ShapeError, [/shape/, /non-negative integers/]);
    });
  });
});

describe('JSON.stringify(tensor)', () => {
  it('writes the nested arrays of toArray(), as numpy tolist() would, inside other objects too', () => {
    const t = tensor([[1, 2.5, -3], [0, 0.25, 7]]);
    expect(JSON.stringify(t)).toBe('[[1,2.5,-3],[0,0.25,7]]');
    expect(JSON.parse(JSON.stringify({ weights: [t], scalar: tensor(4, []) }))).toEqual({ weights: [[[1, 2.5, -3], [0, 0.25, 7]]], scalar: 4 });
    // JSON has no NaN or Infinity: JSON.stringify writes null for them, as for any number.
    expect(JSON.stringify(tensor([Number.NaN, Number.POSITIVE_INFINITY, 1]))).toBe('[null,null,1]');
  });
});
