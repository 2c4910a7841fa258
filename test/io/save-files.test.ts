// saveModel in Node: the format from the extension or { format }, TF.js shards beside
// model.json, writes that leave no partial file when they fail, and options checked by name.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dense, Layer, LSTM, Sequential, tensor } from '../../dist/index.js';
import { ConfigError, ModelFileError, loadModel, ready, saveModel, saveModelFiles } from '../../dist/io/keras.js';
import { randomizeWeights } from './save-models.js';

let dir: string;

beforeAll(async () => {
  await ready();
  dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-save-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function model(): Sequential {
  const m = new Sequential({ layers: [new LSTM({ units: 3, inputShape: [4, 2] }), new Dense({ units: 2 })] });
  randomizeWeights(m, 9);
  return m;
}

const x = tensor(Float32Array.from({ length: 16 }, (_, i) => Math.sin(i)), [2, 4, 2]);

describe('saveModel to a path', () => {
  it('takes the format from the extension and writes a file loadModel reads', async () => {
    const m = model();
    const expected = Array.from(m.predictAll(x)[0].data);
    for (const name of ['a.keras', 'b.h5', 'c.hdf5']) {
      const path = join(dir, name);
      await saveModel(m, path);
      expect(Array.from((await loadModel(path)).predictAll(x)[0].data)).toEqual(expected);
    }
    await saveModel(m, pathToFileURL(join(dir, 'd.bin')), { format: 'keras' });
    expect(Array.from((await loadModel(join(dir, 'd.bin'))).predictAll(x)[0].data)).toEqual(expected);
  });

  it('writes TF.js model.json with its shards beside it', async () => {
    const m = model();
    const folder = join(dir, 'tfjs');
    mkdirSync(folder);
    await saveModel(m, join(folder, 'model.json'), { shardBytes: 64 });
    const files = readdirSync(folder).sort();
    expect(files[files.length - 1]).toBe('model.json');
    expect(files.slice(0, -1)).toEqual(Array.from({ length: files.length - 1 }, (_, i) => `group1-shard${i + 1}of${files.length - 1}.bin`));
    expect(files.length - 1).toBe(Math.ceil((4 * m.countParams()) / 64));
    expect(Array.from((await loadModel(join(folder, 'model.json'))).predictAll(x)[0].data)).toEqual(Array.from(m.predictAll(x)[0].data));
  });

  it('replaces an existing file only when the new one is complete', async () => {
    const path = join(dir, 'replace.keras');
    writeFileSync(path, 'old');
    await saveModel(model(), path);
    expect((await loadModel(path)).layers.length).toBe(2);
  });

  it('leaves no file behind when the layer cannot be saved', async () => {
    class Custom extends Layer {
      constructor() {
        super({ name: 'custom' }, 'custom');
      }
      get className(): string { return 'MyCustomLayer'; }
      get built(): boolean { return true; }
      build(): void {}
      computeOutputShape(shape: readonly (number | null)[]) { return shape; }
      getWeights() { return []; }
      setWeights(): void {}
      countParams(): number { return 0; }
      getConfig() { return { name: this.name }; }
      computeOutputs(inputs: never[], masks: never[]) { return { outputs: inputs, masks }; }
    }
    const m = new Sequential({ layers: [new Dense({ units: 2, inputShape: [3] }), new Custom()] });
    const path = join(dir, 'custom.keras');
    await expect(saveModel(m, path)).rejects.toThrow(ConfigError);
    await expect(saveModel(m, path)).rejects.toThrow(/layer custom has class "MyCustomLayer"/);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.startsWith('custom'))).toEqual([]);
  });

  it('leaves no file behind when the disk write fails', async () => {
    // The target is a folder: the temporary file is written, the rename fails, and it is removed.
    const target = join(dir, 'taken.keras');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'x');
    const error = await saveModel(model(), target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toMatch(/taken\.keras: cannot be written/);
    expect(readdirSync(dir).filter((name) => name.startsWith('taken'))).toEqual(['taken.keras']);
    expect(readdirSync(target)).toEqual(['inside']);
    // A folder that does not exist: nothing is created.
    await expect(saveModel(model(), join(dir, 'missing', 'm.h5'))).rejects.toThrow(ModelFileError);
    await expect(saveModel(model(), join(dir, 'missing', 'm.h5'))).rejects.toThrow(`m.h5: cannot be written (its folder ${join(dir, 'missing')} does not exist; create it first`);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('a TF.js save whose shard cannot be written leaves neither model.json nor shards', async () => {
    const folder = join(dir, 'tfjs-fail');
    mkdirSync(folder);
    mkdirSync(join(folder, 'group1-shard2of3.bin'));
    const bytes = 4 * model().countParams();
    await expect(saveModel(model(), join(folder, 'model.json'), { shardBytes: 4 * Math.ceil(bytes / 12) })).rejects.toThrow(ModelFileError);
    expect(readdirSync(folder)).toEqual(['group1-shard2of3.bin']);
  });
});

describe('saveModel options', () => {
  it('names what is wrong', async () => {
    const m = model();
    await expect(saveModel(m, {} as never)).rejects.toThrow(/option 'format' must say 'keras' or 'h5'/);
    await expect(saveModel(m, { format: 'onnx' } as never)).rejects.toThrow(/option 'format' must be 'keras', 'h5' or 'tfjs', received "onnx"/);
    await expect(saveModel(m, { format: 'tfjs' } as never)).rejects.toThrow(/use saveModelFiles/);
    await expect(saveModel(m, { format: 'keras', compres: true } as never)).rejects.toThrow(/compres/);
    await expect(saveModel(m, { format: 'keras', compress: 'yes' } as never)).rejects.toThrow(/option 'compress' must be a boolean/);
    await expect(saveModel(m, join(dir, 'x.txt'))).rejects.toThrow(/cannot tell the format from "x.txt"/);
    await expect(saveModel({} as never, { format: 'h5' })).rejects.toThrow(/model must be a Sequential or Model/);
    expect(() => saveModelFiles(m, { format: 'tfjs', shardBytes: 3 })).toThrow(/option 'shardBytes' must be a positive multiple of 4, received 3/);
    m.dispose();
    await expect(saveModel(m, { format: 'h5' })).rejects.toThrow(/was disposed/);
  });

  it('saveModelFiles names each file', () => {
    expect(Object.keys(saveModelFiles(model(), { format: 'keras' }))).toEqual(['model.keras']);
    expect(Object.keys(saveModelFiles(model(), { format: 'h5' }))).toEqual(['model.h5']);
    expect(Object.keys(saveModelFiles(model(), { format: 'tfjs' }))).toEqual(['model.json', 'group1-shard1of1.bin']);
  });
});
