// summary({ layout: 'tf.keras' }) names what Keras 3 named by itself the way tf.keras 2 does
// (a functional model "model", inputs input_1, input_2, ...), and keeps every name given.
import { beforeAll, describe, expect, it } from 'vitest';
import { Concatenate, Dense, Input, LSTM, Model, ready } from '../dist/index.js';

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
