// wasm-rnn/keras in headless Chromium: each real Keras file in ../shared/models
// is fetched by URL in the page, loaded, summarised and run, and must match its
// expected outputs (the same check the Node tests in test/io make).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { MODELS_DIR, loadExpected, worstViolation } from '../io/helpers.js';
import { describeWithChromium } from './chromium.js';
import { openKerasPage, type KerasPage } from './keras-page.js';

const expectations = loadExpected();

interface PageResult {
  error?: string;
  shapes: number[][];
  outputs: number[][];
  summary: string;
}

/**
 * Runs in the page (as source text: vitest rewrites import() in functions it compiles): the loader
 * is the bundle at /bundle/keras.js, the model files are under /models/.
 */
const RUN_IN_PAGE = `async ({ url, inputs }) => {
  const keras = await import('/bundle/keras.js');
  try {
    const model = await keras.loadModel(url);
    const tensors = inputs.map((t) => keras.tensor(t.data, t.shape));
    const out = model.predict(tensors.length === 1 ? tensors[0] : tensors);
    const list = Array.isArray(out) ? out : [out];
    return { shapes: list.map((t) => [...t.shape]), outputs: list.map((t) => Array.from(t.data)), summary: model.summary({ print: false, layout: 'tf.keras' }) };
  } catch (error) {
    return { error: String(error), shapes: [], outputs: [], summary: '' };
  }
}`;

describeWithChromium('Keras model files in headless Chromium', () => {
  let keras: KerasPage;
  let page: Page;

  beforeAll(async () => {
    keras = await openKerasPage({ '/models/': MODELS_DIR });
    ({ page } = keras);
  }, 60_000);

  afterAll(async () => {
    await keras?.close();
  });

  for (const expected of expectations) {
    it(`${expected.folder}/${expected.file} (${expected.name})`, async () => {
      const args = { url: `/models/${expected.folder}/${expected.file}`, inputs: expected.inputs };
      const result = (await page.evaluate(`(${RUN_IN_PAGE})(${JSON.stringify(args)})`)) as PageResult;
      expect(result.error).toBeUndefined();
      expect(result.shapes).toEqual(expected.outputs.map((o) => o.shape));
      expected.outputs.forEach((e, i) => expect(worstViolation(result.outputs[i], e.data, expected.tolerance)).toBeLessThanOrEqual(1));
      expect(result.summary).toContain(`Total params: ${expected.summary.total_params.toLocaleString('en-US')}`);
      // Sequential summaries, like Keras', have no InputLayer row.
      for (const layer of expected.summary.layers.filter((l) => l.class_name !== 'InputLayer')) expect(result.summary).toContain(`${layer.name} (`);
    }, 60_000);
  }

  it('found every model file', () => {
    expect(expectations.length).toBeGreaterThanOrEqual(6);
  });
});
