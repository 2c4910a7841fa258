// Hostile sizes and shapes past the ones hardening.test.ts covers: windows whose span the kernels'
// 32-bit arithmetic cannot hold, host-side results too large to allocate, configs and nested
// arrays too deep to walk, keys every JS object has, and values JSON cannot print. Each is the
// package's own error, and a valid call after it still gives the right numbers.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AveragePooling1D, ConfigError, Conv1D, ConvLSTM1D, Dense, InputError, LSTM, MaxPooling1D, RuntimeError, Rescaling, Sequential, ShapeError,
  UpSampling1D, ZeroPadding1D, deserializeLayer, layerFromConfig, memoryBytes, modelFromJson, padSequences, ready, tensor, toCategorical,
} from '../dist/index.js';
import { expectError, untyped } from './expect-error.js';

beforeAll(async () => {
  await ready();
});

const x = () => tensor([[[1, 2], [3, 4], [5, 6]]]);

describe('windows the kernels cannot index are refused at construction', () => {
  it('a dilated kernel spanning 2^30 steps or more, and sizes past 32 bits, are ConfigErrors naming the option', () => {
    expectError(() => new Conv1D(1, 3, { dilationRate: 2 ** 31, padding: 'causal' }), ConfigError, ["option 'dilationRate'", 'at most 1073741823', String(2 ** 31)]);
    expectError(() => new Conv1D(1, 5, { dilationRate: 2 ** 28, padding: 'causal', name: 'wide' }), ConfigError, ['wide', "option 'kernelSize' 5 with dilationRate 268435456 spans 1073741825 steps", 'at most 1073741823']);
    expectError(() => new ConvLSTM1D(1, 3, { dilationRate: 2 ** 29 }), ConfigError, ["option 'kernelSize' 3 with dilationRate 536870912"]);
    expectError(() => new MaxPooling1D(2 ** 32, { strides: 1, padding: 'same' }), ConfigError, ["option 'poolSize'", 'at most 1073741823']);
    expectError(() => new AveragePooling1D(2 ** 33, { strides: 1, padding: 'same' }), ConfigError, ["option 'poolSize'"]);
    expectError(() => new Conv1D(1, 3, { strides: 2 ** 40 }), ConfigError, ["option 'strides'"]);
  });

  it('a causal Conv1D with a wide dilation that fits still computes its sums: every tap but the last reads the zero padding', () => {
    const conv = new Conv1D(1, 3, { dilationRate: 2 ** 20, padding: 'causal', kernelInitializer: 'ones', useBias: false });
    expect(Array.from(conv.apply(x()).data)).toEqual([3, 7, 11]);
    const pool = new MaxPooling1D(2 ** 20, { strides: 1, padding: 'same' });
    expect(Array.from(pool.apply(x()).data)).toEqual([5, 6, 5, 6, 5, 6]);
  });
});

describe('host-side results too large to allocate are refused before allocating', () => {
  it('ZeroPadding1D, UpSampling1D, toCategorical and padSequences past 4 GiB are RuntimeErrors naming the shape', () => {
    const before = process.memoryUsage().rss;
    expectError(() => new ZeroPadding1D([2 ** 31, 0], { name: 'pad' }).apply(x()), RuntimeError, ['pad: output', '[1, 2147483651, 2]', 'bytes']);
    expectError(() => new UpSampling1D(2 ** 29, { name: 'up' }).apply(x()), RuntimeError, ['up: output', '[1, 1610612736, 2]']);
    expectError(() => toCategorical([0, 1], 2 ** 31), RuntimeError, ['toCategorical: the one-hot rows', '[2, 2147483648]']);
    expectError(() => padSequences([[1]], { maxlen: 2 ** 31 }), RuntimeError, ['padSequences: the padded sequences', '[1, 2147483648, 1]']);
    // Nothing of those sizes was allocated first.
    expect(process.memoryUsage().rss - before).toBeLessThan(512 * 2 ** 20);
    expect(Array.from(new ZeroPadding1D([1, 0]).apply(x()).data)).toEqual([0, 0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(toCategorical([1, 0]).data)).toEqual([0, 1, 1, 0]);
  });
});

describe('configs and nested arrays too deep to walk', () => {
  // Written as text: JSON.stringify itself overflows the stack on objects this deep.
  const nestedSequentials = (depth: number): string => `${'{"class_name": "Sequential", "config": {"layers": ['.repeat(depth)}{"class_name": "Dense", "config": {"units": 1}}${']}}'.repeat(depth)}`;

  it('modelFromJson of 2000 nested Sequentials and a 5000-deep initializer are ConfigErrors, not a stack overflow', () => {
    expect(JSON.parse(nestedSequentials(3))).toBeTypeOf('object');
    expectError(() => modelFromJson(nestedSequentials(2000)), ConfigError, ['modelFromJson: the config nests deeper than 64 levels']);
    const initializer = `${'{"class_name": "Constant", "config": {"value": '.repeat(5000)}0${'}}'.repeat(5000)}`;
    const json = `{"class_name": "Sequential", "config": {"name": "m", "layers": [{"class_name": "Dense", "config": {"units": 1, "batch_input_shape": [null, 2], "kernel_initializer": ${initializer}}}]}}`;
    expectError(() => modelFromJson(json), ConfigError, ['nests deeper than 64 levels']);
  });

  it('a config that refers to itself is a ConfigError in layerFromConfig, deserializeLayer and modelFromConfig', () => {
    const config: Record<string, unknown> = { units: 2 };
    config.self = config;
    expectError(() => layerFromConfig({ class_name: 'LSTM', config }), ConfigError, ['layerFromConfig: the spec nests deeper than 64 levels']);
    expectError(() => deserializeLayer({ class_name: 'Dense', config }), ConfigError, ['nests deeper than 64 levels']);
    const model: Record<string, unknown> = { class_name: 'Sequential', config: { name: 'm', layers: [] } };
    (model.config as Record<string, unknown>).layers = [model];
    expectError(() => modelFromJson(untyped(model)), ConfigError, ['modelFromJson: expected the JSON string']);
  });

  it('tensor() of arrays nested 10000 deep is an InputError; 64 axes still read', () => {
    let deep: unknown = [1];
    for (let i = 0; i < 10000; i++) deep = [deep];
    expectError(() => tensor(untyped(deep)), InputError, ['tensor: values nest 10001 arrays deep', 'at most 64 axes']);
    let fits: unknown = [1];
    for (let i = 1; i < 64; i++) fits = [fits];
    expect(tensor(untyped(fits)).rank).toBe(64);
  });

  it("summary({ lineLength }) past a million characters is a ConfigError, not the engine's string limit", () => {
    const model = new Sequential([new Dense(2, { inputShape: [3] })]);
    expectError(() => model.summary({ lineLength: 1e9, print: false }), ConfigError, ["'lineLength' must be a positive integer up to 1000000", 'received 1000000000']);
    expect(model.summary({ lineLength: 120, print: false })).toContain('Total params: 8');
  });
});

describe('keys every object has and values JSON cannot print', () => {
  it("a layer config with the keys 'constructor', 'toString' or '__proto__' reads them as the unknown keys they are", () => {
    for (const key of ['constructor', 'toString', 'hasOwnProperty']) {
      const layer = layerFromConfig({ class_name: 'LSTM', config: { units: 2, [key]: 1 } });
      expect(layer.getConfig().units, key).toBe(2);
    }
    const polluted = JSON.parse('{"units": 2, "__proto__": {"units": 9}}') as Record<string, unknown>;
    expect(layerFromConfig({ class_name: 'GRU', config: polluted }).getConfig().units).toBe(2);
    expectError(() => deserializeLayer({ class_name: 'constructor', config: {} }), ConfigError, ["unknown layer class_name \"constructor\""]);
    expectError(() => deserializeLayer({ class_name: 'toString', config: {} }), ConfigError, ['unknown layer class_name "toString"']);
  });

  it('a typed array is a Rescaling scale, as a numpy array is; labels that are not class indices and shapes of strings are named', () => {
    const rescale = new Rescaling(new Float32Array([2, 0.5]), { offset: Float64Array.of(1, -1) });
    expect(Array.from(rescale.apply(tensor([[1, 4]])).data)).toEqual([3, 1]);
    expect(rescale.getConfig()).toMatchObject({ scale: [2, 0.5], offset: [1, -1] });
    expectError(() => toCategorical([0, NaN]), InputError, ['toCategorical: label NaN at index 1 is not a class index']);
    expectError(() => toCategorical([]), InputError, ['labels are empty', 'give numClasses']);
    expect(toCategorical([], 3).shape).toEqual([0, 3]);
    expectError(() => tensor([1, 2, 3, 4], untyped(['2', '2'])), ShapeError, ['received ["2","2"]']);
  });

  it('NaN and Infinity are printed as themselves in messages, not as null', () => {
    expectError(() => new LSTM(NaN), ConfigError, ["option 'units' must be a positive integer, received NaN"]);
    expectError(() => new Dense(Infinity), ConfigError, ['received Infinity']);
    expectError(() => new Rescaling(NaN), ConfigError, ['NaN']);
    expectError(() => new LSTM({ units: 2, dropout: -Infinity }), ConfigError, ['-Infinity']);
    expectError(() => new Rescaling([1, NaN]), ConfigError, ['[1,NaN]']);
  });
});

it('none of the refusals above left WebAssembly memory grown', () => {
  const before = memoryBytes();
  for (let i = 0; i < 20; i++) {
    expect(() => new ZeroPadding1D([2 ** 31, 0]).apply(x())).toThrow(RuntimeError);
    expect(() => modelFromJson('[' .repeat(100) + ']'.repeat(100))).toThrow(ConfigError);
  }
  expect(memoryBytes()).toBe(before);
});

describe('a stream too large for memory is refused before its first buffer', () => {
  it('stream({ batchSize }) of a model and of a layer: a RuntimeError naming the batch size, and the memory does not grow', async () => {
    const model = new Sequential([new LSTM({ units: 256, inputShape: [null, 4] }), new Dense({ units: 1 })]);
    model.predict(tensor(new Float32Array(8), [1, 2, 4]));
    const layer = new LSTM({ units: 64 });
    layer.build([1, null, 4]);
    const before = memoryBytes();
    for (const batchSize of [1e8, 1e7, 2e6]) expectError(() => model.stream({ batchSize }), RuntimeError, [`a stream of batchSize ${batchSize}`, 'floats per row']);
    // 2e6 rows: the frames and states would fit, the recurrent step's scratch beside them would not.
    for (const batchSize of [1e8, 1e7, 2e6]) expectError(() => layer.stream({ batchSize }), RuntimeError, [`a stream of batchSize ${batchSize}`, '196 floats per row beside its step\'s scratch']);
    expect(memoryBytes()).toBe(before);
    const stream = model.stream({ batchSize: 2 });
    expect(stream.step(new Float32Array(8))).toHaveLength(2);
    stream.dispose();
  });

  it("memory that runs out while most of it is in use names what dropped objects hold until the task ends", async () => {
    const { checkFits } = await import('../dist/kernels/sizes.js');
    expect(() => checkFits(2 ** 30, 3.5 * 2 ** 30, 'lstm: a call')).toThrow(/in use, more than the 4 GiB.*dropped without dispose\(\) free their memory only after the current task ends/);
    expect(() => checkFits(5e9, 0, 'lstm: a call')).toThrow(/more than the 4 GiB WebAssembly memory can address$/);
  });
});
