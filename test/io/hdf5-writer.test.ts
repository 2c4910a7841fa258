// The HDF5 writer against h5py (libhdf5) and against our own reader (jsfive): groups, datasets
// of each dtype, string attributes stored as h5py stores them, and groups large enough to need
// several symbol nodes and a wide B-tree node.
import { describe, expect, it } from 'vitest';
import { Dataset, File as Hdf5File, Group } from 'jsfive';
import { Hdf5Group, fixedStrings, vlenStrings, writeHdf5 } from '../../dist/io/hdf5-writer.js';
import { h5pyDump, h5pyMissing } from './h5py.js';

function sample(): { bytes: Uint8Array; kernel: Float32Array } {
  const root = new Hdf5Group();
  root.attr('keras_version', vlenStrings('3.9.2')).attr('backend', vlenStrings('tensorflow'));
  root.attr('model_config', vlenStrings('{"class_name": "Sequential"}', 'ascii'));
  root.attr('fixed', fixedStrings(['ab', 'c']));
  root.attr('unicode', vlenStrings('naïve ü ✓'));
  root.attr('empty', { values: new Float64Array(0), shape: [0] });
  const kernel = Float32Array.from({ length: 12 }, (_, i) => (i - 5.5) / 3);
  const layer = root.group('model_weights/lstm');
  layer.attr('weight_names', vlenStrings(['lstm/lstm_cell/kernel:0', 'lstm/lstm_cell/bias:0'], 'ascii'));
  layer.dataset('lstm/lstm_cell/kernel:0', [3, 4], kernel);
  layer.dataset('lstm/lstm_cell/bias:0', [4], Float32Array.from([1, -2, 3e-8, Math.fround(Math.PI)]));
  root.dataset('scalars/f64', [], Float64Array.from([0.1]));
  root.dataset('scalars/i64', [], BigInt64Array.from([-7n]));
  root.dataset('scalars/i32', [2], Int32Array.from([5, -6]));
  const many = root.group('many');
  for (let i = 0; i < 700; i++) many.group(`layer_${i}`).attr('name', vlenStrings(`n${i}`));
  root.group('empty_group');
  return { bytes: writeHdf5(root), kernel };
}

describe('HDF5 writer', () => {
  it('writes a file our reader (jsfive) reads back exactly', () => {
    const { bytes, kernel } = sample();
    const file = new Hdf5File(bytes.slice().buffer, 'sample.h5');
    const group = (path: string) => file.get(path) as Group;
    expect(file.attrs.keras_version).toBe('3.9.2');
    expect(file.attrs.model_config).toBe('{"class_name": "Sequential"}');
    expect(file.attrs.unicode).toBe('naïve ü ✓');
    // fixed-length strings are NUL-padded to the longest; the loader strips the padding
    expect(file.attrs.fixed).toEqual(['ab', 'c\0']);
    expect(group('model_weights/lstm').attrs.weight_names).toEqual(['lstm/lstm_cell/kernel:0', 'lstm/lstm_cell/bias:0']);
    const dataset = file.get('model_weights/lstm/lstm/lstm_cell/kernel:0') as Dataset;
    expect(dataset.shape).toEqual([3, 4]);
    expect(Array.from(dataset.value as ArrayLike<number>)).toEqual(Array.from(kernel));
    expect(group('many').keys.length).toBe(700);
    expect(group('many/layer_699').attrs.name).toBe('n699');
    expect(group('empty_group').keys).toEqual([]);
  });

  it.skipIf(h5pyMissing !== null)('writes a file h5py reads back exactly, strings stored as h5py stores them', () => {
    const { bytes, kernel } = sample();
    const dump = h5pyDump(bytes);
    const root = dump['/'];
    expect(root.members).toEqual(['empty_group', 'many', 'model_weights', 'scalars']);
    expect(root.attrs.keras_version).toEqual({ shape: [], kind: 'vlen', cset: 'utf8', value: ['3.9.2'] });
    expect(root.attrs.model_config).toEqual({ shape: [], kind: 'vlen', cset: 'ascii', value: ['{"class_name": "Sequential"}'] });
    expect(root.attrs.fixed).toEqual({ shape: [2], kind: 'fixed', cset: 'ascii', value: ['ab', 'c'] });
    expect(root.attrs.unicode).toEqual({ shape: [], kind: 'vlen', cset: 'utf8', value: ['naïve ü ✓'] });
    expect(root.attrs.empty).toEqual({ shape: [0], kind: 'float64', value: [] });
    expect(dump['model_weights/lstm'].attrs.weight_names.value).toEqual(['lstm/lstm_cell/kernel:0', 'lstm/lstm_cell/bias:0']);
    const k = dump['model_weights/lstm/lstm/lstm_cell/kernel:0'];
    expect([k.dtype, k.shape]).toEqual(['<f4', [3, 4]]);
    expect(k.values).toEqual([...kernel]);
    expect(dump['model_weights/lstm/lstm/lstm_cell/bias:0'].values).toEqual([1, -2, Math.fround(3e-8), Math.fround(Math.PI)]);
    expect(dump['scalars/f64']).toMatchObject({ dtype: '<f8', shape: [], values: [0.1] });
    expect(dump['scalars/i64']).toMatchObject({ dtype: '<i8', shape: [], values: [-7] });
    expect(dump['scalars/i32']).toMatchObject({ dtype: '<i4', shape: [2], values: [5, -6] });
    expect(dump.many.members).toHaveLength(700);
    expect(dump['many/layer_123'].attrs.name.value).toEqual(['n123']);
    expect(dump.empty_group.members).toEqual([]);
  });

  it('refuses a dataset whose values do not fill its shape, and a path through a dataset', () => {
    const root = new Hdf5Group();
    expect(() => root.dataset('x', [2, 2], new Float32Array(3))).toThrow(/needs 4 values, received 3/);
    root.dataset('x', [1], new Float32Array(1));
    expect(() => root.group('x/y')).toThrow(/is a dataset/);
    expect(() => root.dataset('x', [1], new Float32Array(1))).toThrow(/already exists/);
  });
});
