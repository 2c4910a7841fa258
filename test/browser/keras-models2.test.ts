// The Chromium leg of test/models2.test.ts: each file in ../shared/models2 (or MODELS2_DIR) is
// fetched by URL in the page with its expected*.json, loaded, run and compared there (the inputs
// of the video models are megabytes: they never cross the page boundary). Pending files must
// fail in the page as in Node, naming exactly their missing classes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { MODELS2_DIR, loadExpected } from '../io/helpers.js';
import { PENDING, namedUnsupportedClasses } from '../models2-pending.js';
import { describeWithChromium } from './chromium.js';
import { openKerasPage, type KerasPage } from './keras-page.js';

const expectations = loadExpected(MODELS2_DIR);

interface PageResult {
  error?: string;
  errorClass?: string;
  shapes: number[][];
  /** Per output: max |a - e| / (abs + rel |e|), NaN as Infinity (null in JSON). */
  worst: (number | null)[];
  layers: { name: string; className: string; params: number }[];
  summary: string;
}

/** Runs in the page, as source text (vitest rewrites import() in functions it compiles). */
const RUN_IN_PAGE = `async ({ url, expectedUrl }) => {
  const keras = await import('/bundle/keras.js');
  const expected = await (await fetch(expectedUrl)).json();
  try {
    const model = await keras.loadModel(url);
    const tensors = expected.inputs.map((t) => keras.tensor(t.dtype === 'int32' ? Int32Array.from(t.data) : Float32Array.from(t.data), t.shape));
    const list = model.predictAll(tensors.length === 1 ? tensors[0] : tensors);
    const worst = expected.outputs.map((e, i) => {
      const a = list[i]?.data;
      if (!a || a.length !== e.data.length) return Infinity;
      let w = 0;
      for (let j = 0; j < a.length; j++) {
        const r = Math.abs(a[j] - e.data[j]) / (expected.tolerance.abs + expected.tolerance.rel * Math.abs(e.data[j]));
        w = Number.isNaN(r) ? Infinity : Math.max(w, r);
      }
      return w;
    });
    const layers = model.layers.map((l) => ({ name: l.name, className: l.className, params: l.countParams() }));
    return { shapes: list.map((t) => [...t.shape]), worst, layers, summary: model.summary({ print: false, layout: 'tf.keras' }) };
  } catch (error) {
    return { error: String(error && error.message), errorClass: error && error.name, shapes: [], worst: [], layers: [], summary: '' };
  }
}`;

describeWithChromium('Keras model files of ../shared/models2 in headless Chromium', () => {
  let keras: KerasPage;
  let page: Page;

  beforeAll(async () => {
    keras = await openKerasPage({ '/models2/': MODELS2_DIR });
    ({ page } = keras);
  }, 60_000);

  afterAll(async () => {
    await keras?.close();
  });

  for (const expected of expectations) {
    const key = `${expected.folder}/${expected.file}`;
    const missing = PENDING[key];
    it(`${key} (${expected.name})${missing ? ': pending' : ''}`, async () => {
      const args = { url: `/models2/${key}`, expectedUrl: `/models2/${expected.folder}/${expected.name}` };
      const result = (await page.evaluate(`(${RUN_IN_PAGE})(${JSON.stringify(args)})`)) as PageResult;
      if (missing) {
        expect(result.errorClass, `${key} loads now: delete it from test/models2-pending.ts`).toBe('ModelFileError');
        expect(namedUnsupportedClasses(result.error ?? ''), result.error).toEqual([...missing].sort());
        return;
      }
      expect(result.error).toBeUndefined();
      expect(result.shapes).toEqual(expected.outputs.map((o) => o.shape));
      result.worst.forEach((w, i) => expect(w ?? Infinity, `output ${expected.outputs[i].name}`).toBeLessThanOrEqual(1));
      const total = expected.summary.total_params;
      expect(result.summary).toContain(`Total params: ${total.toLocaleString('en-US')}`);
      expect(result.summary).toContain(`Trainable params: ${(expected.summary.trainable_params ?? total).toLocaleString('en-US')}`);
      expect(result.summary).toContain(`Non-trainable params: ${(expected.summary.non_trainable_params ?? 0).toLocaleString('en-US')}`);
      const rows = expected.summary.layers.filter((l) => l.class_name !== 'InputLayer' || result.layers.some((r) => r.name === l.name));
      expect(result.layers).toEqual(rows.map((l) => ({ name: l.name, className: l.class_name.split('(')[0], params: l.params })));
    }, 120_000);
  }

  it('found model files', () => {
    expect(expectations.length).toBeGreaterThan(0);
  });
});
