// saveModel in headless Chromium: a page loads a real Keras file, saves it to bytes (.keras,
// stored and deflated, and .h5), to a Blob and to TF.js files, and loads each back; every copy
// predicts exactly what the original does, and a path save is refused in the browser.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { MODELS_DIR, loadExpected } from '../io/helpers.js';
import { describeWithChromium } from './chromium.js';
import { openKerasPage, type KerasPage } from './keras-page.js';

const gru = loadExpected().find((e) => e.file === 'gru_model.keras');

const RUN_IN_PAGE = `async ({ url, input }) => {
  const keras = await import('/bundle/keras.js');
  const model = await keras.loadModel(url);
  const x = keras.tensor(input.data, input.shape);
  const run = (m) => Array.from(m.predict(x).data);
  const copies = {};
  copies.keras = await keras.loadModel(await keras.saveModel(model, { format: 'keras' }));
  copies.deflated = await keras.loadModel(await keras.saveModel(model, { format: 'keras', compress: true }));
  copies.h5 = await keras.loadModel(await keras.saveModel(model, { format: 'h5' }));
  const blob = await keras.saveModelBlob(model, { format: 'keras' });
  copies.blob = await keras.loadModel(new Uint8Array(await blob.arrayBuffer()));
  const files = keras.saveModelFiles(model, { format: 'tfjs' });
  copies.tfjs = await keras.loadModel(files['model.json'], { weightFiles: files });
  let pathError = '';
  try { await keras.saveModel(model, 'model.keras'); } catch (error) { pathError = String(error); }
  const expected = run(model);
  return {
    expected,
    copies: Object.fromEntries(Object.entries(copies).map(([name, m]) => [name, run(m)])),
    blobType: blob.type,
    pathError,
  };
}`;

describeWithChromium('saveModel in headless Chromium', () => {
  let keras: KerasPage;
  let page: Page;

  beforeAll(async () => {
    keras = await openKerasPage({ '/models/': MODELS_DIR });
    ({ page } = keras);
  }, 60_000);

  afterAll(async () => {
    await keras?.close();
  });

  it('saves a model to bytes in every format and loads it back, predicting the same', async () => {
    if (!gru) throw new Error('gru_model.keras is missing from ../shared/models');
    const args = { url: `/models/${gru.folder}/${gru.file}`, input: gru.inputs[0] };
    const result = (await page.evaluate(`(${RUN_IN_PAGE})(${JSON.stringify(args)})`)) as {
      expected: number[]; copies: Record<string, number[]>; blobType: string; pathError: string;
    };
    expect(result.expected.length).toBe(4);
    expect(Object.keys(result.copies)).toEqual(['keras', 'deflated', 'h5', 'blob', 'tfjs']);
    for (const [name, values] of Object.entries(result.copies)) expect(values, name).toEqual(result.expected);
    expect(result.blobType).toBe('application/zip');
    expect(result.pathError).toMatch(/a path can be written only in Node/);
  }, 60_000);
});
