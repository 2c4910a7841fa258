// The optimizer's state in saved files, as Keras 3 keeps it (keras/src/optimizers/base_optimizer.py
// save_own_variables / load_own_variables, build() of each optimizer; saving_lib's optimizer/vars;
// legacy_h5_format's optimizer_weights): a model saved after N steps, loaded, and stepped once more
// takes the step the original takes, bit for bit, for every optimizer. The layout is read with h5py;
// one Adam step is computed here in float64 from the moments h5py reads; Keras' own files restore.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchNormalization, Dense, LSTM, Sequential, memoryBytes, optimizers, tensor, type OptimizerOptions } from '../../dist/index.js';
import { loadModel, ready, saveModel } from '../../dist/io/keras.js';
import { h5pyDump, h5pyMissing } from './h5py.js';
import { ModelFileError } from '../../dist/io/keras.js';
import { rejected } from '../expect-error.js';

const shared = (path: string) => fileURLToPath(new URL(`../../../shared/${path}`, import.meta.url));

beforeAll(async () => {
  await ready();
});

type Format = 'keras' | 'h5';
const weightsH5 = async (bytes: Uint8Array): Promise<Uint8Array> => unzipSync(bytes)['model.weights.h5'];
const slotsOf = (model: { optimizer: unknown }) => (model.optimizer as { slotArrays(): Float32Array[][] | null }).slotArrays();

function batch(seed: number) {
  const x = tensor(Array.from({ length: 5 * 4 * 2 }, (_, i) => Math.sin(i * 0.7 + seed)), [5, 4, 2]);
  const y = tensor(Array.from({ length: 5 }, (_, i) => Math.cos(i + seed)), [5, 1]);
  return { x, y };
}

function trainedModel(name: string, options: OptimizerOptions) {
  // BatchNormalization: its moving statistics are stepped weights without Keras optimizer slots.
  const model = new Sequential([new LSTM({ units: 3, inputShape: [4, 2], seed: 1 }), new BatchNormalization(), new Dense({ units: 1, seed: 2 })]);
  const factory = (optimizers as unknown as Record<string, (o: OptimizerOptions) => unknown>)[name];
  model.compile({ optimizer: factory(options) as never, loss: 'mse' });
  for (let step = 0; step < 3; step++) model.trainOnBatch(batch(step).x, batch(step).y);
  return model;
}

const CASES: [string, OptimizerOptions][] = [
  ['sgd', {}],
  ['sgd', { momentum: 0.9, nesterov: true }],
  ['adam', {}],
  ['adam', { amsgrad: true }],
  ['adamw', { weightDecay: 0.01 }],
  ['rmsprop', {}],
  ['rmsprop', { momentum: 0.5, centered: true }],
  ['adagrad', {}],
  ['nadam', {}],
  ['adamax', {}],
  ['adadelta', { learningRate: 0.5 }],
  ['lion', {}],
  ['ftrl', { learningRate: 0.1 }],
];

describe('a saved optimizer state restores: the next step is the step the saved model takes', () => {
  for (const format of ['keras', 'h5'] as Format[]) {
    it.each(CASES)(`${format}: %s %j`, async (name, options) => {
      const original = trainedModel(name, options);
      const bytes = await saveModel(original, { format });
      const restored = await loadModel(bytes);
      expect(restored.optimizer.iterations).toBe(3);
      expect(slotsOf(restored)).toEqual(slotsOf(original));
      const next = batch(7);
      original.trainOnBatch(next.x, next.y);
      restored.trainOnBatch(next.x, next.y);
      expect(restored.optimizer.iterations).toBe(4);
      original.getWeights().forEach((w, i) => expect(Array.from(restored.getWeights()[i].data), `weight ${i}`).toEqual(Array.from(w.data)));
      // A fresh optimizer would take another step (SGD without momentum has no state but iterations).
      if (name !== 'sgd' || options.momentum) {
        const fresh = await loadModel(bytes);
        fresh.compile({ optimizer: (optimizers as unknown as Record<string, (o: OptimizerOptions) => unknown>)[name](options) as never, loss: 'mse' });
        fresh.trainOnBatch(next.x, next.y);
        expect(fresh.getWeights().some((w, i) => w.data.some((v, k) => v !== restored.getWeights()[i].data[k]))).toBe(true);
        fresh.dispose();
      }
      original.dispose();
      restored.dispose();
    });
  }
});

describe.skipIf(h5pyMissing !== null)("the written layout is Keras 3's, as h5py reads it", () => {
  it('.keras: optimizer/vars named after the optimizer, iteration int64, learning_rate float32, then momentum and velocity interleaved per trainable variable', async () => {
    const model = trainedModel('adam', {});
    const dump = h5pyDump(await weightsH5(await saveModel(model, { format: 'keras' })));
    expect(dump['optimizer/vars'].attrs.name.value).toEqual(['adam']);
    // LSTM kernel, recurrent kernel, bias; BatchNormalization gamma, beta (not its moving statistics); Dense kernel, bias.
    const shapes = [[2, 12], [3, 12], [12], [3], [3], [3, 1], [1]];
    expect(dump['optimizer/vars'].members).toHaveLength(2 + 2 * shapes.length);
    expect(dump['optimizer/vars/0']).toMatchObject({ dtype: '<i8', shape: [], values: [3] });
    expect(dump['optimizer/vars/1']).toMatchObject({ dtype: '<f4', shape: [], values: [Math.fround(0.001)] });
    shapes.forEach((shape, i) => {
      expect(dump[`optimizer/vars/${2 + 2 * i}`]).toMatchObject({ dtype: '<f4', shape });
      expect(dump[`optimizer/vars/${3 + 2 * i}`]).toMatchObject({ dtype: '<f4', shape });
    });
    // The velocity is the running mean of squared gradients: never negative; the momentum is signed.
    expect(dump['optimizer/vars/3'].values?.every((v) => v >= 0)).toBe(true);
    model.dispose();
  });

  it(".h5: optimizer_weights with weight_names as Keras 3's variable paths, in optimizer.variables order", async () => {
    const model = trainedModel('rmsprop', { momentum: 0.5, centered: true });
    const dump = h5pyDump(await saveModel(model, { format: 'h5' }));
    const names = dump['optimizer_weights'].attrs.weight_names.value;
    const [lstm, norm, dense] = model.layers.map((layer) => layer.name);
    // Keras 3's variable paths (model/layer/cell/weight) with '/' as '_', BatchNormalization's moving statistics left out.
    const weights = [`${lstm}_lstm_cell_kernel`, `${lstm}_lstm_cell_recurrent_kernel`, `${lstm}_lstm_cell_bias`, `${norm}_gamma`, `${norm}_beta`, `${dense}_kernel`, `${dense}_bias`];
    const { name } = model;
    // RMSprop's build(): all velocities, then all momentums, then all average gradients.
    expect(names).toEqual(['rmsprop/iteration', 'rmsprop/learning_rate', ...['velocity', 'momentum', 'average_gradient'].flatMap((slot) => weights.map((w) => `rmsprop/${name}_${w}_${slot}`))]);
    expect(dump[`optimizer_weights/rmsprop/iteration`]).toMatchObject({ dtype: '<i8', shape: [], values: [3] });
    expect(dump[`optimizer_weights/rmsprop/${name}_${lstm}_lstm_cell_kernel_velocity`]).toMatchObject({ dtype: '<f4', shape: [2, 12] });
    model.dispose();
  });

  it('one Adam step computed in float64 from the moments and weights h5py reads equals the restored model step', async () => {
    const model = new Sequential([new Dense({ units: 2, inputShape: [3], seed: 3 })]);
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'mse' });
    const x = tensor([0.5, -1, 2, 1.5, 0.25, -0.75], [2, 3]);
    const y = tensor([1, -1, 0.5, 2], [2, 2]);
    model.trainOnBatch(x, y);
    model.trainOnBatch(x, y);
    const bytes = await saveModel(model, { format: 'keras' });
    const dump = h5pyDump(await weightsH5(bytes));
    const values = (path: string) => dump[path].values as number[];
    const w = [values('layers/dense/vars/0'), values('layers/dense/vars/1')];
    const t = values('optimizer/vars/0')[0] + 1;
    const m = [values('optimizer/vars/2'), values('optimizer/vars/4')];
    const v = [values('optimizer/vars/3'), values('optimizer/vars/5')];
    // mse over 2 rows x 2 units: dL/dy = 2 (y - t) / 4.
    const xs = [[0.5, -1, 2], [1.5, 0.25, -0.75]];
    const ts = [[1, -1], [0.5, 2]];
    const dy = xs.map((row, r) => [0, 1].map((u) => (2 * (row.reduce((s, xi, i) => s + xi * w[0][i * 2 + u], 0) + w[1][u] - ts[r][u])) / 4));
    const g = [w[0].map((_, k) => dy.reduce((s, d, r) => s + xs[r][Math.floor(k / 2)] * d[k % 2], 0)), [0, 1].map((u) => dy[0][u] + dy[1][u])];
    const [b1, b2, eps, lr] = [0.9, 0.999, 1e-7, Math.fround(0.01)];
    const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    const expected = w.map((wi, j) => wi.map((value, k) => {
      const mk = b1 * m[j][k] + (1 - b1) * g[j][k];
      const vk = b2 * v[j][k] + (1 - b2) * g[j][k] ** 2;
      return value - (alpha * mk) / (Math.sqrt(vk) + eps);
    }));
    const restored = await loadModel(bytes);
    restored.trainOnBatch(x, y);
    restored.getWeights().forEach((weight, j) => weight.data.forEach((value, k) => expect(Math.abs(value - expected[j][k])).toBeLessThan(2e-6)));
    // The step moved the weights far more than that tolerance.
    expect(Math.max(...w[0].map((value, k) => Math.abs(value - expected[0][k])))).toBeGreaterThan(1e-3);
    model.dispose();
    restored.dispose();
  });
});

describe("Keras' own files", () => {
  const python = (file: string, code: string): unknown => JSON.parse(execFileSync('/usr/bin/python3', ['-c', code, file], { encoding: 'utf8' }));

  it.skipIf(h5pyMissing !== null)('Keras 3 .keras and .h5 files (a GRU model, saved at different points): iterations and every Adam moment as h5py reads them', async () => {
    const readers: [string, string][] = [
      [shared('models/TeKuV--cc_rnn/gru_model.keras'), "import sys,io,json,zipfile,h5py; g=h5py.File(io.BytesIO(zipfile.ZipFile(sys.argv[1]).read('model.weights.h5')),'r')['optimizer/vars']; print(json.dumps([g[str(i)][()].reshape(-1).tolist() for i in range(len(g))]))"],
      [shared('models/TeKuV--cc_rnn/gru_model.h5'), "import sys,json,h5py; g=h5py.File(sys.argv[1],'r')['optimizer_weights']; print(json.dumps([g[n][()].reshape(-1).tolist() for n in g.attrs['weight_names']]))"],
    ];
    for (const [file, code] of readers) {
      const fromKeras = python(file, code) as number[][];
      const model = await loadModel(file);
      expect(model.optimizer.iterations, file).toBe(fromKeras[0][0]);
      expect(model.optimizer.iterations).toBe(600);
      expect(model.optimizer.learningRate).toBe(Math.fround(fromKeras[1][0]));
      const slots = slotsOf(model) as Float32Array[][];
      // Keras: momentum, velocity per variable (GRU kernel, recurrent kernel, bias, Dense kernel, bias).
      expect(slots[0]).toHaveLength(5);
      slots[0].forEach((momentum, i) => {
        expect(Array.from(momentum), `${file} momentum ${i}`).toEqual(fromKeras[2 + 2 * i].map(Math.fround));
        expect(Array.from(slots[1][i]), `${file} velocity ${i}`).toEqual(fromKeras[3 + 2 * i].map(Math.fround));
      });
      model.dispose();
    }
  });

  it("a tf.keras 2 .h5 ('Adam/iter:0', moments not interleaved, no learning_rate) loads with a fresh optimizer and a warning, as in Keras 3", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const model = await loadModel(shared('models2/pjunes--MLD_lstm_autoencoder/lstm_autoencoder.h5'));
      expect(model.optimizer.iterations).toBe(0);
      expect(slotsOf(model)).toBeNull();
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/lstm_autoencoder\.h5: skipping the optimizer state: adam has 30 variables for this model whereas the saved optimizer has 29; the model starts with a freshly initialized optimizer/);
      model.dispose();
    } finally {
      warn.mockRestore();
    }
  });

  it('a model saved compiled before its first step has no optimizer group and loads with a fresh optimizer, silently', async () => {
    const model = new Sequential([new Dense({ units: 1, inputShape: [2] })]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      for (const format of ['keras', 'h5'] as Format[]) {
        const bytes = await saveModel(model, { format });
        if (h5pyMissing === null) {
          const dump = h5pyDump(format === 'keras' ? await weightsH5(bytes) : bytes);
          expect(Object.keys(dump).filter((path) => path.startsWith('optimizer'))).toEqual([]);
        }
        const restored = await loadModel(bytes);
        expect(restored.optimizer.iterations).toBe(0);
        expect(slotsOf(restored)).toBeNull();
        restored.dispose();
      }
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
    model.dispose();
  });
});

describe.skipIf(h5pyMissing !== null)('an optimizer state that does not fit', () => {
  it('.keras: as many variables but another shape fails the load with a ModelFileError naming the variable (Keras: assign fails)', async () => {
    const dense = (units: number, inputs: number) => {
      const model = new Sequential([new Dense({ units, inputShape: [inputs] })]);
      model.compile({ optimizer: 'adam', loss: 'mse' });
      model.trainOnBatch(tensor(new Float32Array(2 * inputs).fill(1), [2, inputs]), tensor(new Float32Array(2 * units).fill(0), [2, units]));
      return model;
    };
    const [a, b] = [dense(2, 3), dense(3, 2)];
    const archive = unzipSync(await saveModel(a, { format: 'keras' }));
    const dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-optimizer-'));
    try {
      writeFileSync(join(dir, 'a.h5'), archive['model.weights.h5']);
      writeFileSync(join(dir, 'b.h5'), unzipSync(await saveModel(b, { format: 'keras' }))['model.weights.h5']);
      // h5py puts model b's optimizer group (6 variables of other shapes) into model a's weights.
      execFileSync('/usr/bin/python3', ['-c', "import sys,h5py; a=h5py.File(sys.argv[1],'a'); b=h5py.File(sys.argv[2],'r'); del a['optimizer']; b.copy('optimizer', a); a.close()", join(dir, 'a.h5'), join(dir, 'b.h5')]);
      archive['model.weights.h5'] = new Uint8Array(readFileSync(join(dir, 'a.h5')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const error = await rejected(loadModel(zipSync(archive)));
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.message).toMatch(/optimizer\/vars.*cannot restore the optimizer state: optimizer variable 2 \(momentum of trainable weight 0\) has shape \[2, 3\] in the file but the model needs \[3, 2\]/);
    // Without compile the file loads: the optimizer state is only read for the compiled model.
    const uncompiled = await loadModel(zipSync(archive), { compile: false });
    expect(uncompiled.getWeights()[0].shape).toEqual([3, 2]);
    for (const model of [a, b, uncompiled]) model.dispose();
  });
});

describe.skipIf(h5pyMissing !== null)('another variable count', () => {
  it(".keras with a variable missing: Keras' warning, and a fresh optimizer", async () => {
    const model = trainedModel('adam', {});
    const archive = unzipSync(await saveModel(model, { format: 'keras' }));
    const dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-optimizer-'));
    try {
      writeFileSync(join(dir, 'w.h5'), archive['model.weights.h5']);
      execFileSync('/usr/bin/python3', ['-c', "import sys,h5py; f=h5py.File(sys.argv[1],'a'); del f['optimizer/vars/15']; f.close()", join(dir, 'w.h5')]);
      archive['model.weights.h5'] = new Uint8Array(readFileSync(join(dir, 'w.h5')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const restored = await loadModel(zipSync(archive));
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/skipping the optimizer state: adam has 16 variables for this model whereas the saved optimizer has 15; the model starts with a freshly initialized optimizer/);
      expect(restored.optimizer.iterations).toBe(0);
      expect(slotsOf(restored)).toBeNull();
      restored.dispose();
    } finally {
      warn.mockRestore();
    }
    model.dispose();
  });
});

describe('memory', () => {
  it('stays flat across repeated load, restore, step and dispose', async () => {
    const model = trainedModel('adam', { amsgrad: true });
    const bytes = await saveModel(model, { format: 'keras' });
    model.dispose();
    const next = batch(9);
    const cycle = async () => {
      const restored = await loadModel(bytes);
      restored.trainOnBatch(next.x, next.y);
      const weights = restored.getWeights().map((w) => Array.from(w.data));
      restored.dispose();
      return weights;
    };
    const first = await cycle();
    const warm = memoryBytes();
    for (let i = 0; i < 20; i++) expect(await cycle()).toEqual(first);
    expect(memoryBytes()).toBe(warm);
  });
});
