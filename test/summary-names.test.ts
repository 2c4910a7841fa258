// summary({ layout: 'tf.keras' }) names what Keras 3 named by itself the way tf.keras 2 does
// (a functional model "model", inputs input_1, input_2, ...), and keeps every name given.
import { beforeAll, describe, expect, it } from 'vitest';
import { Concatenate, Dense, Embedding, Input, LSTM, Model, Sequential, Tensor, ready } from '../dist/index.js';

beforeAll(async () => {
  await ready();
});

/** tf.keras 2's name for a Keras 3 generated input name: input_layer -> input_1, input_layer_N -> input_(N+1). */
function kerasTwoInput(name: string): string {
  const match = /^input_layer(?:_(\d+))?$/.exec(name);
  if (!match) throw new Error(`not a generated input name: ${name}`);
  return `input_${Number(match[1] ?? 0) + 1}`;
}

describe('summary names', () => {
  it("tf.keras: a generated functional name becomes model, generated inputs input_N, in rows and 'Connected to'", () => {
    const left = Input({ shape: [5, 3] });
    const right = Input({ shape: [5, 3] });
    const joined = new Concatenate({ name: 'joined' }).apply([left, right]);
    const output = new Dense({ units: 2, name: 'head' }).apply(new LSTM({ units: 4, name: 'encoder' }).apply(joined));
    const model = new Model({ inputs: [left, right], outputs: output });
    expect(model.name).toMatch(/^functional(_\d+)?$/);
    const [leftName, rightName] = [kerasTwoInput(left.layer.name), kerasTwoInput(right.layer.name)];
    const text = model.summary({ print: false, layout: 'tf.keras' });
    expect(text.split('\n')[0]).toBe(`Model: "${model.name.replace('functional', 'model')}"`);
    expect(text).toContain(` ${leftName} (InputLayer)`);
    expect(text).toContain(` ${rightName} (InputLayer)`);
    expect(text).toContain(`['${leftName}[0][0]',`);
    expect(text).toContain(`'${rightName}[0][0]']`);
    expect(text).not.toContain('input_layer');
    expect(text).not.toContain('functional');
    // Keras 3's layout keeps Keras 3's names.
    const keras3 = model.summary({ print: false });
    expect(keras3).toContain(`Model: "${model.name}"`);
    expect(keras3).toContain(left.layer.name);
  });

  it('tf.keras: names given are printed as given, even when they look generated', () => {
    const input = Input({ shape: [3], name: 'input_layer_7' });
    const model = new Model({ inputs: input, outputs: new Dense({ units: 1 }).apply(input), name: 'functional' });
    const text = model.summary({ print: false, layout: 'tf.keras' });
    expect(text.split('\n')[0]).toBe('Model: "functional"');
    expect(text).toContain(' input_layer_7 (InputLayer)');
  });
});

describe("auto names as Keras 3 takes them (sequential.py: _maybe_rebuild, build, add, pop; every Functional takes 'functional_N')", () => {
  /** The N of an auto name: 'functional' is 0, 'functional_3' is 3. */
  const index = (name: string, prefix: string): number => {
    const match = new RegExp(`^${prefix}(?:_(\\d+))?$`).exec(name);
    if (!match) throw new Error(`not an auto name of ${prefix}: ${name}`);
    return Number(match[1] ?? 0);
  };
  /** A new functional model's index: the count of Functionals made so far. */
  const nextModel = () => {
    const input = Input({ shape: [2] });
    return index(new Model({ inputs: input, outputs: new Dense(1).apply(input) }).name, 'functional');
  };
  const nextInput = () => index(Input({ shape: [2] }).layer.name, 'input_layer');
  /** How many Functionals `make` had Keras create, counted by the names it took. */
  const functionals = (make: () => void): number => {
    const before = nextModel();
    make();
    return nextModel() - before - 1;
  };

  it('a Sequential without an input shape takes no input_layer name until it is built', () => {
    const before = nextInput();
    const model = new Sequential([new Embedding(1000, 64), new LSTM(8), new Dense(1)]);
    expect(model.built).toBe(false);
    expect(nextInput()).toBe(before + 1);
    model.build([null, 10]);
    // build() made its InputLayer (and a Functional): the next Input() comes after it.
    expect(nextInput()).toBe(before + 3);
    expect(model.outputShape).toEqual([null, 1]);
  });

  it("an Embedding's open (None, None) input is still traced when needed: summary shapes and predict", () => {
    const model = new Sequential([new Embedding(10, 4), new LSTM(3)]);
    expect(model.summary({ print: false })).toContain('(None, None, 4)');
    expect(model.predict(new Tensor(new Float32Array([1, 2, 3]), [1, 3])).shape).toEqual([1, 3]);
  });

  it('a declared input shape takes its input_layer name at add(), as Keras makes that InputLayer there', () => {
    const before = nextInput();
    const model = new Sequential();
    model.add(new Dense({ units: 4, inputShape: [2] }));
    expect(nextInput()).toBe(before + 2);
    expect(model.built).toBe(true);
  });

  it('the constructor rebuilds once, after all its layers; nothing without an InputLayer or with the InputLayer alone', () => {
    expect(functionals(() => new Sequential([Input({ shape: [4, 5] }), new LSTM(3), new Dense(1)]))).toBe(1);
    expect(functionals(() => new Sequential([new Dense({ units: 4, inputShape: [2] }), new Dense(1)]))).toBe(1);
    expect(functionals(() => new Sequential([Input({ shape: [3] })]))).toBe(0);
    expect(functionals(() => new Sequential([new Dense(2), new Dense(1)]))).toBe(0);
    expect(functionals(() => new Sequential())).toBe(0);
  });

  it('each add() after the InputLayer rebuilds, and so does pop() while a layer is left; build() and the first predict() too', () => {
    const model = new Sequential();
    expect(functionals(() => model.add(Input({ shape: [3] })))).toBe(0);
    expect(functionals(() => model.add(new Dense(2)))).toBe(1);
    expect(functionals(() => model.add(new Dense(1)))).toBe(1);
    expect(functionals(() => model.pop())).toBe(1);
    // Only the InputLayer is left: len(_layers) is 1, nothing to build.
    expect(functionals(() => model.pop())).toBe(0);
    const unbuilt = new Sequential([new Dense(2)]);
    expect(functionals(() => unbuilt.add(new Dense(1)))).toBe(0);
    expect(functionals(() => unbuilt.predict(new Tensor(new Float32Array(3), [1, 3])))).toBe(1);
    expect(functionals(() => unbuilt.predict(new Tensor(new Float32Array(3), [1, 3])))).toBe(0);
    // Keras' build() runs again on a built model: another Functional.
    expect(functionals(() => unbuilt.build([null, 3]))).toBe(1);
  });

  it('a model as the first layer: built at the add of a second layer (its InputLayer then), as _maybe_rebuild does', () => {
    const input = Input({ shape: [3] });
    const inner = new Model({ inputs: input, outputs: new Dense(2).apply(input) });
    const model = new Sequential();
    const before = nextInput();
    // functionals() takes two input names itself (its probe models' inputs).
    expect(functionals(() => model.add(inner))).toBe(0);
    expect(nextInput()).toBe(before + 3);
    expect(model.built).toBe(false);
    expect(functionals(() => model.add(new Dense(1)))).toBe(1);
    expect(model.built).toBe(true);
    // Two probes and the InputLayer the build made.
    expect(nextInput()).toBe(before + 7);
  });

  it('Sequential.fromConfig adds its layers one by one, as Keras: InputLayer, then one Functional per layer', () => {
    const config = new Sequential([Input({ shape: [3] }), new Dense(2), new Dense(1)]).getConfig();
    expect(functionals(() => Sequential.fromConfig(config))).toBe(2);
  });
});
