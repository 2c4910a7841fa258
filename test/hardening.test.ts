// Hostile and careless use of the public API (issue 12): tensors built by hand, sizes past what
// WebAssembly can address, use after dispose(). Each case ends in the package's own error, thrown
// before WebAssembly memory is touched, and a live layer still gives the reference's numbers after.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Bidirectional, Concatenate, ConfigError, Dense, DisposedError, Dropout, Embedding, GRU, InputError, LSTM,
  Masking, Model, RuntimeError, Sequential, ShapeError, SimpleRNN, Tensor, TimeDistributed, WasmRnnError,
  Input, memoryBytes, ready, tensor, type Layer, type TensorLike,
} from '../dist/index.js';
import { WasmHeap } from '../dist/kernels/heap.js';
import { defaultInstance } from '../dist/kernels/default-instance.js';
import { trapsAsErrors, withKernelSession } from '../dist/kernels/session.js';
import { expectError, untyped } from './expect-error.js';
import { expectClose } from './expect-close.js';
import { kerasWeightShapes, one, referenceOutputs, seededTensor } from './model-helpers.js';
import { recurrentSpec } from './reference/index.js';

beforeAll(async () => {
  await ready();
});

/** An LSTM with known weights whose outputs the float64 reference predicts; checked after each hostile call. */
function liveLstm(): () => void {
  const spec = recurrentSpec('LSTM', 5, { returnSequences: true });
  const layer = new LSTM({ units: 5, returnSequences: true });
  const weights = kerasWeightShapes(spec, 3).map((shape, i) => seededTensor(shape, 40 + i, 0.7));
  layer.setWeights(weights);
  const x = seededTensor([2, 4, 3], 50, 1.5);
  const expected = referenceOutputs(spec, undefined, weights, x);
  const check = () => expectClose([one(layer.apply(x))], expected);
  check();
  return check;
}

describe('error classes', () => {
  const classes = [WasmRnnError, ShapeError, ConfigError, InputError, RuntimeError, DisposedError];

  it.each(classes.map((C) => [C.name, C] as const))('%s sets its own name, so String(error) and the stack start with it', (name, ErrorClass) => {
    const error = new ErrorClass('what went wrong');
    expect(error.name).toBe(name);
    expect(String(error)).toBe(`${name}: what went wrong`);
    expect(error.stack?.split('\n')[0]).toBe(`${name}: what went wrong`);
    expect(error).toBeInstanceOf(WasmRnnError);
    expect(error).toBeInstanceOf(Error);
  });

  it('DisposedError is a RuntimeError', () => {
    expect(new DisposedError('x')).toBeInstanceOf(RuntimeError);
  });
});

describe('new Tensor(data, shape) validates data as tensor() does', () => {
  it('copies a flat number array into a Float32Array, and the result runs correctly', () => {
    const check = liveLstm();
    const values = Array.from({ length: 6 }, (_, i) => 0.1 * (i + 1));
    const t = new Tensor(values, [1, 3, 2]);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect([...t.data]).toEqual([...Float32Array.from(values)]);
    const spec = recurrentSpec('SimpleRNN', 3);
    const layer = new SimpleRNN({ units: 3 });
    const weights = kerasWeightShapes(spec, 2).map((shape, i) => seededTensor(shape, 60 + i, 0.6));
    layer.setWeights(weights);
    expectClose([one(layer.apply(t))], referenceOutputs(spec, undefined, weights, tensor(values, [1, 3, 2])));
    check();
  });

  it('converts other numeric typed arrays and booleans; wraps a Float32Array without copying', () => {
    expect([...new Tensor(new Float64Array([1.5, 2.5]), [2]).data]).toEqual([1.5, 2.5]);
    expect([...new Tensor(Int32Array.of(-3, 7), [2, 1]).data]).toEqual([-3, 7]);
    expect([...new Tensor([true, false], [2]).data]).toEqual([1, 0]);
    const wrapped = new Float32Array(4);
    expect(new Tensor(wrapped, [2, 2]).data).toBe(wrapped);
  });

  const badData: [string, unknown, RegExp][] = [
    ['an array-like object {length: 6}', { length: 6 }, /received an object \(Object\)/],
    ['a string', 'abcdef', /received string abcdef/],
    ['null', null, /received null/],
    ['a number', 6, /received number 6/],
    ['a BigInt64Array', new BigInt64Array(6), /received a BigInt64Array/],
    ['a DataView', new DataView(new ArrayBuffer(24)), /received a DataView/],
  ];
  it.each(badData)('refuses %s with InputError', (_, data, pattern) => {
    const check = liveLstm();
    expectError(() => new Tensor(untyped<Float32Array>(data), [1, 3, 2]), InputError, [/^tensor: data must be a Float32Array or a flat number array/, pattern]);
    check();
  });

  it('refuses a flat array holding a string or a nested array (InputError: use tensor())', () => {
    expectError(() => new Tensor(untyped<number[]>([1, 2, 3, 4, 5, '6']), [1, 3, 2]), InputError, [/^tensor: expected a number at depth 1, received string 6/]);
    expectError(() => new Tensor(untyped<number[]>([[1, 2], [3, 4], [5, 6]]), [1, 3, 2]), InputError, [/takes flat data/, /tensor\(nested\) reads nested arrays/]);
  });

  const badShapes: [string, unknown][] = [
    ['NaN', [NaN]], ['Infinity', [Infinity]], ['-1', [-1, -6]], ['1.5', [1.5, 4]], ['2^53', [2 ** 53, 0]], ['a string', '6'], ['a string entry', ['6']],
  ];
  it.each(badShapes)('refuses a shape with %s with ShapeError', (_, shape) => {
    expectError(() => new Tensor(new Float32Array(6), untyped<number[]>(shape)), ShapeError, [/^tensor: shape must be an array of non-negative integers/]);
  });

  it('a Tensor whose fields were replaced after construction cannot reach the kernels', () => {
    const check = liveLstm();
    const layer = new LSTM({ units: 2 });
    const forged = tensor(new Float32Array(6), [1, 2, 3]);
    Object.assign(forged, { data: [1, 2, 3, 4, 5, 6] });
    expectError(() => layer.apply(forged), InputError, [/input x/, /not a Float32Array of its shape's size/]);
    const fromPrototype = Object.create(Tensor.prototype) as Tensor;
    expectError(() => layer.apply(fromPrototype), InputError, [/input x/]);
    const reshaped = tensor(new Float32Array(6), [1, 2, 3]);
    Object.assign(reshaped, { shape: [1, 200, 3] });
    expectError(() => layer.apply(reshaped), InputError, [/input x/]);
    check();
  });
});

describe('the WebAssembly heap', () => {
  const badSizes: [string, unknown][] = [['NaN', NaN], ['-1', -1], ['1.5', 1.5], ['Infinity', Infinity], ['2^33', 2 ** 33], ['a string', '16'], ['undefined', undefined]];

  it.each(badSizes)('refuses a size of %s with RuntimeError and stays unchanged', (_, size) => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const heap = new WasmHeap(memory, 64);
    const kept = heap.alloc(32);
    expectError(() => heap.alloc(untyped<number>(size)), RuntimeError, [/WebAssembly heap: cannot allocate/, /integer from 0 to 4 GiB/]);
    expect(heap.allocatedBytes).toBe(32);
    // The next block comes right after the kept one, as if the bad call never happened.
    expect(heap.alloc(16)).toBe(kept + 32);
    expect(memory.buffer.byteLength).toBe(65536);
  });

  it('refuses to grow past the memory maximum or 4 GiB with RuntimeError and stays unchanged', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
    const heap = new WasmHeap(memory, 0);
    expectError(() => heap.alloc(3 * 65536), RuntimeError, [/WebAssembly memory cannot grow to 0.00 GiB \(196608 bytes\)/, /Maximum memory size exceeded/]);
    expect(heap.allocatedBytes).toBe(0);
    expect(heap.alloc(16)).toBe(0);
    expectError(() => heap.alloc(2 ** 32), RuntimeError, [/cannot grow to 4.00 GiB \(4294967312 bytes\)/, /at most 4 GiB/]);
    expect(heap.allocatedBytes).toBe(16);
    expect(heap.alloc(16)).toBe(16);
  });

  it('ignores a release of an unknown or already released pointer', () => {
    const heap = new WasmHeap(new WebAssembly.Memory({ initial: 1 }), 0);
    const a = heap.alloc(16);
    const b = heap.alloc(16);
    heap.release(12345);
    heap.release(NaN);
    heap.release(a);
    heap.release(a);
    expect(heap.allocatedBytes).toBe(16);
    expect(heap.alloc(16)).toBe(a);
    expect(heap.alloc(16)).toBe(b + 16);
  });

  it('uploads only a Float32Array of the expected length', () => {
    withKernelSession(defaultInstance(), (session) => {
      expectError(() => session.upload(untyped<Float32Array>([1, 2, 3, 4]), 4), InputError, [/expected a Float32Array of 4 values, received an array of length 4/]);
      expectError(() => session.upload(untyped<Float32Array>(new Float64Array(4)), 4), InputError, [/received a Float64Array/]);
      expectError(() => session.upload(new Float32Array(3), 4), InputError, [/received 3 values/]);
      expect(session.upload(new Float32Array(4), 4)).toBeGreaterThan(0);
    });
  });

  it('turns a WebAssembly trap into RuntimeError and lets other errors through', () => {
    // (module (func (export "trap") unreachable))
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 8, 1, 4, 116, 114, 97, 112, 0, 0, 10, 5, 1, 3, 0, 0, 11]);
    const trap = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.trap as () => void;
    expectError(() => trapsAsErrors(trap), RuntimeError, [/wasm-rnn kernel trapped \(unreachable/]);
    expect(() => trapsAsErrors(() => { throw new ShapeError('kept'); })).toThrow(ShapeError);
  });
});

describe('sizes past the 4 GiB WebAssembly can address', () => {
  // Zero-filled and never read before the size check refuses the call, so they cost no resident memory.
  const hugeBatch = () => new Tensor(new Float32Array(2 ** 23 * 8), [2 ** 23, 8, 1]);

  it('LSTM{units: 4} on [2^23, 8, 1] is a RuntimeError naming the shapes, before memory is touched', () => {
    const check = liveLstm();
    const layer = new LSTM({ units: 4, seed: 1 });
    layer.build([null, null, 1]);
    const before = memoryBytes();
    expectError(() => layer.apply(hugeBatch()), RuntimeError, [
      /^lstm(_\d+)?: LSTM on input \[8388608, 8, 1\] with 4 units: a buffer needs 4\.27 GiB/, /more than the 4 GiB/,
    ]);
    expect(memoryBytes()).toBe(before);
    check();
  });

  it('Bidirectional(GRU) on a batch that cannot fit is refused the same way', () => {
    const layer = new Bidirectional(new GRU({ units: 4, returnSequences: true }));
    expectError(() => layer.apply(hugeBatch()), RuntimeError, [/^bidirectional(_\d+)?: GRU on input \[8388608, 8, 1\] with 4 units: its buffers need/, /4 GiB/]);
  });

  it('after the memory has grown, the same call still fails cleanly and leaves live weights alone', () => {
    const check = liveLstm();
    const { heap } = defaultInstance();
    // Grow the memory to 3 GiB (pages never written, so not resident) and hand it back.
    heap.release(heap.alloc(3 * 2 ** 30));
    expect(memoryBytes()).toBeGreaterThanOrEqual(3 * 2 ** 30);
    const grown = memoryBytes();
    expectError(() => new LSTM({ units: 4, seed: 1 }).apply(hugeBatch()), RuntimeError, [/\[8388608, 8, 1\]/, /4 GiB/]);
    expect(memoryBytes()).toBe(grown);
    check();
  });

  it('SimpleRNN{units: 28000} is refused at build, before its initializers run', () => {
    const check = liveLstm();
    const before = memoryBytes();
    const layer = new SimpleRNN({ units: 28000 });
    expectError(() => layer.build([null, 8, 1]), RuntimeError, [/weights for 1 input features and 28000 units/, /4 GiB/]);
    expect(layer.built).toBe(false);
    expect(memoryBytes()).toBe(before);
    check();
  });

  const hugeLayers: [string, () => unknown, RegExp][] = [
    ['LSTM units 2^30', () => new LSTM({ units: 2 ** 30 }), /recurrent_kernel of shape \[1073741824, 4294967296\]/],
    ['GRU units 2^27', () => new GRU({ units: 2 ** 27 }), /recurrent_kernel of shape \[134217728, 402653184\]/],
    ['SimpleRNN units 2^16', () => new SimpleRNN({ units: 2 ** 16 }), /recurrent_kernel of shape \[65536, 65536\]/],
    ['Dense units 2^30', () => new Dense({ units: 2 ** 30 }), /weights for 1 input features and 1073741824 units/],
    ['Dense units 2^26 on 16 declared features', () => new Dense({ units: 2 ** 26, inputShape: [16] }), /weights for 16 input features and 67108864 units/],
    ['Embedding 2^20 x 2^12', () => new Embedding({ inputDim: 2 ** 20, outputDim: 2 ** 12 }), /embeddings of shape \[1048576, 4096\]/],
  ];
  it.each(hugeLayers)('%s is refused at construction with RuntimeError', (_, create, pattern) => {
    expectError(create, RuntimeError, [pattern, /more than the 4 GiB/]);
  });

  it('Dense units 2^26 is refused at build for the features it meets, before initializing', () => {
    const layer = new Dense({ units: 2 ** 26 });
    expectError(() => layer.build([null, 16]), RuntimeError, [/weights for 16 input features and 67108864 units/]);
    expect(layer.built).toBe(false);
  });

  it('a Dense call whose product cannot fit is a RuntimeError naming the shapes; so is one through TimeDistributed', () => {
    const check = liveLstm();
    const dense = new Dense({ units: 1024, seed: 1 });
    expectError(() => dense.apply(new Tensor(new Float32Array(2 ** 20), [2 ** 20, 1])), RuntimeError, [/^dense(_\d+)?: Dense on 1048576 rows of 1 features with 1024 units: its buffers need 8\.00 GiB/, /4 GiB/]);
    const wrapped = new TimeDistributed(new Dense({ units: 1024, seed: 1 }));
    expectError(() => wrapped.apply(new Tensor(new Float32Array(2 ** 20), [2 ** 10, 2 ** 10, 1])), RuntimeError, [/Dense on 1048576 rows of 1 features with 1024 units/]);
    check();
  });

  it('an Embedding lookup whose output cannot fit is a RuntimeError', () => {
    const layer = new Embedding({ inputDim: 4, outputDim: 2 ** 16 });
    expectError(() => layer.apply(new Tensor(new Float32Array(2 ** 16 + 1), [1, 2 ** 16 + 1])), RuntimeError, [/output for ids of shape \[1, 65537\]/, /\[65537, 65536\] float32 values/]);
  });

  it('an Embedding vocabulary float32 ids cannot carry exactly is a ConfigError', () => {
    expectError(() => new Embedding({ inputDim: 2 ** 24 + 1, outputDim: 1 }), ConfigError, [/option 'inputDim' must be at most 16777216, the ids a float32 holds exactly/]);
  });
});

describe('use after dispose()', () => {
  const x = () => seededTensor([2, 3, 4], 7);
  const recurrentCalls = (layer: LSTM | Bidirectional): [string, () => unknown][] => [
    ['apply', () => layer.apply(x())],
    ['call', () => layer.call(x())],
    ['build', () => layer.build([2, 3, 4])],
    ['getWeights', () => layer.getWeights()],
    ['setWeights', () => layer.setWeights([])],
    ['countParams', () => layer.countParams()],
    ['resetStates', () => layer.resetStates()],
    ['apply on a symbolic input', () => layer.apply(Input({ shape: [3, 4] }))],
  ];
  const subjects: [string, () => LSTM | Bidirectional, string][] = [
    ['LSTM', () => new LSTM({ units: 3, name: 'gone_lstm', stateful: true }), 'gone_lstm'],
    ['Bidirectional', () => new Bidirectional(new GRU({ units: 3 }), { name: 'gone_bi' }), 'gone_bi'],
  ];
  it.each(subjects)('every call on a disposed %s throws DisposedError; dispose() twice is harmless', (_, create, name) => {
    const layer = create();
    layer.apply(x());
    layer.dispose();
    layer.dispose();
    expect(layer.disposed).toBe(true);
    expect(layer.built).toBe(false);
    for (const [, run] of recurrentCalls(layer)) {
      expectError(run, DisposedError, [new RegExp(`^${name}: cannot `), /the layer was disposed/]);
    }
  });

  const otherLayers: [string, () => Layer, () => unknown][] = [
    ['Dense', () => new Dense({ units: 2 }), () => x()],
    ['Embedding', () => new Embedding({ inputDim: 5, outputDim: 2 }), () => [[1, 2]]],
    ['TimeDistributed', () => new TimeDistributed(new Dense({ units: 2 })), () => x()],
    ['Dropout', () => new Dropout({ rate: 0.5 }), () => x()],
    ['Masking', () => new Masking(), () => x()],
  ];
  it.each(otherLayers)('a disposed %s throws DisposedError on apply, build and weights', (_, create, input) => {
    const layer = create() as Layer & { apply(x: unknown): unknown };
    layer.apply(input());
    layer.dispose();
    layer.dispose();
    for (const run of [() => layer.apply(input()), () => layer.build([2, 3, 4]), () => layer.getWeights(), () => layer.setWeights([]), () => layer.countParams()]) {
      expectError(run, DisposedError, [/cannot /, /the layer was disposed/]);
    }
  });

  it('a disposed Concatenate throws DisposedError', () => {
    const layer = new Concatenate();
    layer.dispose();
    expectError(() => layer.apply([x(), x()]), DisposedError, [/the layer was disposed/]);
  });

  it('a disposed model throws DisposedError on every call, and its layers are disposed', () => {
    const lstm = new LSTM({ units: 3, inputShape: [3, 4] });
    const model = new Sequential({ layers: [lstm, new Dense({ units: 2 })], name: 'gone_model' });
    model.predict(x());
    model.dispose();
    model.dispose();
    expect(model.disposed).toBe(true);
    expect(lstm.disposed).toBe(true);
    const calls: (() => unknown)[] = [
      () => model.predict(x()), () => model.predictAll(x()), () => model.apply(x()), () => model.getWeights(),
      () => model.setWeights([]), () => model.countParams(), () => model.summary({ print: false }), () => model.resetStates(),
      () => model.add(new Dense({ units: 1 })), () => model.build([null, 3, 4]),
    ];
    for (const run of calls) expectError(run, DisposedError, [/^gone_model: cannot /, /the model was disposed/]);
  });

  it('a functional model over a layer disposed elsewhere names that layer', () => {
    const input = Input({ shape: [3, 4] });
    const shared = new GRU({ units: 2, name: 'shared_gru' });
    const model = new Model({ inputs: input, outputs: shared.apply(input) as never });
    model.predict(x());
    shared.dispose();
    expectError(() => model.predict(x()), DisposedError, [/^shared_gru: cannot run/]);
    expectError(() => new Model({ inputs: input, outputs: shared.apply(Input({ shape: [3, 4] })) as never }), DisposedError, [/^shared_gru: cannot /]);
  });
});

describe('other careless arguments', () => {
  it('a BigInt, a cycle, a function or a symbol as an option is the error class, not the TypeError of writing the message', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expectError(() => new LSTM({ units: untyped<number>(3n) }), ConfigError, ["option 'units'", '3n']);
    expectError(() => new LSTM({ units: untyped<number>(cyclic) }), ConfigError, ["option 'units'", 'an object (Object)']);
    expectError(() => new Dense({ units: untyped<number>(() => 3) }), ConfigError, ["option 'units'", 'a function']);
    expectError(() => new Dense({ units: untyped<number>(Symbol('x')) }), ConfigError, ["option 'units'", 'Symbol(x)']);
    expectError(() => new LSTM({ units: 2, dropout: untyped<number>(1n) }), ConfigError, ["option 'dropout'", '1n']);
    const model = new Sequential([Input({ shape: [2] }), new Dense(1, { seed: 1 })]);
    expectError(() => model.predict([[1, 2]], { batchSize: untyped<number>(1n) }), ConfigError, ["'batchSize'", '1n']);
    expectError(() => model.summary({ lineLength: untyped<number>(10n), print: false }), ConfigError, ["'lineLength'", '10n']);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(model.fit([[1, 2]], [[1]], { epochs: untyped<number>(2n), verbose: 0 })).rejects.toThrow(ConfigError);
    expect(model.predict([[1, 2]]).shape).toEqual([1, 1]);
  });

  it('build() with non-integer, NaN, Infinity or negative dimensions is a ShapeError', () => {
    for (const shape of [[2, NaN, 3], [2, 3, Infinity], [2, 3, -1], [2, 3, 1.5], 'abc', null]) {
      expectError(() => new LSTM({ units: 2 }).build(untyped<number[]>(shape)), ShapeError, [/build expects an input shape/]);
      expectError(() => new Dense({ units: 2 }).build(untyped<number[]>(shape)), ShapeError, [/build expects an input shape/]);
      expectError(() => new TimeDistributed(new Dense({ units: 2 })).build(untyped<number[]>(shape)), ShapeError, [/build expects an input shape/]);
    }
    expectError(() => new Dense({ units: 2 }).build([4, 0]), ShapeError, [/non-zero last axis/]);
  });

  it('a mask of the wrong type or shape is refused before the kernels run', () => {
    const check = liveLstm();
    const layer = new LSTM({ units: 2 });
    const xs = seededTensor([2, 3, 1], 3);
    expectError(() => layer.apply(xs, { mask: new Uint8Array(6) }), ShapeError, [/mask must have shape \[2, 3\]/, /received \[6\]/]);
    expectError(() => layer.apply(xs, { mask: untyped<TensorLike>({ length: 6 }) }), InputError, [/mask/]);
    expectError(() => layer.apply(xs, { mask: untyped<TensorLike>([['1', '1', '1'], ['1', '1', '1']]) }), InputError, [/mask/, /string 1/]);
    check();
  });

  it('initialState and setWeights given plain objects are InputErrors', () => {
    const layer = new LSTM({ units: 2 });
    const xs = seededTensor([1, 3, 1], 3);
    expectError(() => layer.apply(xs, { initialState: untyped<TensorLike[]>([{}, {}]) }), InputError, [/initialState\[0\] \(h\)/]);
    expectError(() => layer.setWeights(untyped<TensorLike[]>([{ shape: [1, 8] }, {}, {}])), InputError, [/setWeights kernel/]);
    expectError(() => layer.setWeights(untyped<TensorLike[]>({ length: 3 })), ShapeError, [/setWeights expects a list of 3 tensors/]);
  });

  it('Embedding ids out of range, non-integer or NaN are InputErrors', () => {
    const layer = new Embedding({ inputDim: 5, outputDim: 2 });
    for (const id of [5, -1, 1.5, NaN, Infinity]) {
      expectError(() => layer.apply([[0, id]]), InputError, [/ids must be integers in \[0, 4\]/, /at flat index 1/]);
    }
  });

  it('predict batchSize 0, NaN, Infinity, negative or fractional is a ConfigError; a huge one runs as one batch', () => {
    const model = new Sequential({ layers: [new Dense({ units: 2, inputShape: [3], seed: 1 })] });
    const xs = seededTensor([4, 3], 9);
    for (const batchSize of [0, NaN, Infinity, -2, 1.5]) {
      expectError(() => model.predict(xs, { batchSize }), ConfigError, [/predict option 'batchSize' must be a positive integer/]);
    }
    const whole = model.predict(xs) as Tensor;
    expect((model.predict(xs, { batchSize: Number.MAX_SAFE_INTEGER }) as Tensor).data).toEqual(whole.data);
    expect((model.predict(xs, { batchSize: 3 }) as Tensor).data).toEqual(whole.data);
  });

  it('Masking on inputs without features masks every step instead of failing', () => {
    const out = new Masking().apply(tensor([], [2, 3, 0]));
    expect(out.shape).toEqual([2, 3, 0]);
  });
});
