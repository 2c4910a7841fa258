// Every real Keras file in ../shared/models2 (CNN-LSTMs, autoencoders, CuDNN and Keras 1 files, ...),
// driven by the folder listing and each expected*.json alone, so a held-back twin folder
// (MODELS2_DIR=<folder>) runs the same way: load in Node, predict within the stated tolerance,
// and summarise with the file's layer names, classes and Keras' parameter counts. Files listed in
// ./models2-pending.ts must instead fail with a ModelFileError naming exactly their missing classes.
import { beforeAll, describe, expect, it } from 'vitest';
import { Model, ModelFileError, Sequential, loadModel, ready, tensor, type Tensor } from '../dist/io/keras.js';
import { MODELS2_DIR, checkOutputs, loadExpected, modelPath, type Expected } from './io/helpers.js';
import { PENDING, namedUnsupportedClasses } from './models2-pending.js';

const all = loadExpected(MODELS2_DIR);
const LOAD_TIMEOUT = 120_000;

beforeAll(async () => {
  await ready();
});

function inputsOf(expected: Expected): Tensor[] {
  return expected.inputs.map((input) => tensor(input.dtype === 'int32' ? Int32Array.from(input.data) : Float32Array.from(input.data), input.shape));
}

/** 'Bidirectional(GRU)' -> 'Bidirectional': the README labels wrappers with their inner class, Keras prints the outer one. */
function outerClass(label: string): string {
  return label.split('(')[0];
}

/** Keras' totals lines, as the tf.keras 2 layout prints them. */
function totalsOf(summary: string): { total: string; trainable: string; nonTrainable: string } {
  const line = (label: string) => summary.split('\n').find((l) => l.startsWith(label))?.slice(label.length);
  return { total: line('Total params: ') ?? '', trainable: line('Trainable params: ') ?? '', nonTrainable: line('Non-trainable params: ') ?? '' };
}

describe(`real Keras files in ${MODELS2_DIR.pathname}`, () => {
  it('finds model files with expected outputs', () => {
    expect(all.length).toBeGreaterThan(0);
  });

  for (const expected of all) {
    const key = `${expected.folder}/${expected.file}`;
    const missing = PENDING[key];
    const label = `${key} (${expected.name}, Keras ${expected.keras_version})`;

    if (missing !== undefined) {
      it(`${label}: pending, fails naming ${missing.join(', ')}`, async () => {
        const error = await loadModel(modelPath(expected)).then(
          () => new Error(`${key} loads now: delete it from test/models2-pending.ts`),
          (thrown: unknown) => thrown,
        );
        expect(error).toBeInstanceOf(ModelFileError);
        expect(namedUnsupportedClasses((error as Error).message), (error as Error).message).toEqual([...missing].sort());
      }, LOAD_TIMEOUT);
      continue;
    }

    describe(label, () => {
      let model: Sequential | Model;

      beforeAll(async () => {
        model = await loadModel(modelPath(expected));
      }, LOAD_TIMEOUT);

      it('predicts the expected outputs within the tolerance', () => {
        const inputs = inputsOf(expected);
        const outputs = model.predictAll(inputs.length === 1 ? inputs[0] : inputs);
        const { shapes, worst } = checkOutputs(outputs, expected);
        expect(shapes).toEqual(expected.outputs.map((o) => o.shape));
        worst.forEach((w, i) => expect(w, `output ${expected.outputs[i].name}: max |diff| / (abs + rel |e|)`).toBeLessThanOrEqual(1));
      }, LOAD_TIMEOUT);

      it("has the file's layer names and classes, and Keras' parameter counts and totals", () => {
        // Keras lists InputLayer rows only for functional models; Sequential.layers omits them too.
        const rows = expected.summary.layers.filter((row) => model instanceof Model || row.class_name !== 'InputLayer');
        expect(model.layers.map((layer) => layer.name)).toEqual(rows.map((row) => row.name));
        expect(model.layers.map((layer) => layer.className)).toEqual(rows.map((row) => outerClass(row.class_name)));
        expect(model.layers.map((layer) => layer.countParams())).toEqual(rows.map((row) => row.params));
        expect(model.countParams()).toBe(expected.summary.total_params);
        const trainable = expected.summary.trainable_params ?? expected.summary.total_params;
        const nonTrainable = expected.summary.non_trainable_params ?? 0;
        const text = model.summary({ print: false, layout: 'tf.keras' });
        expect(totalsOf(text)).toEqual({
          total: expected.summary.total_params.toLocaleString('en-US'),
          trainable: trainable.toLocaleString('en-US'),
          nonTrainable: nonTrainable.toLocaleString('en-US'),
        });
        const keras3 = model.summary({ print: false });
        expect(keras3).toContain(` Total params: ${expected.summary.total_params.toLocaleString('en-US')} (`);
        expect(keras3).toContain(` Trainable params: ${trainable.toLocaleString('en-US')} (`);
        expect(keras3).toContain(` Non-trainable params: ${nonTrainable.toLocaleString('en-US')} (`);
      });
    });
  }
});
