// The demo page (`npm run demo:web`) in headless Chromium: started through its own server script,
// used the way a person would (type, draw, pick GRU and units), checked against Node, and
// photographed to test/browser/__screenshots__/ (ignored by git).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import * as api from '../../dist/index.js';
import { loadModel } from '../../dist/io/keras.js';
import { describeWithChromium, launchChromium, readyAsChromium, type Chromium } from './chromium.js';
import type { DemoState } from '../../src/web-demo/app.js';
import type { DemoTraining } from '../../src/web-demo/training.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const screenshots = new URL('./__screenshots__/', import.meta.url);


/** Starts `node dist/web-demo/serve.js --port 0` and reads the URL it prints. */
async function startDemo(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['dist/web-demo/serve.js', '--port', '0'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((found, fail) => {
    const timer = setTimeout(() => fail(new Error(`the demo server printed no URL in 10 s:\n${output}`)), 10_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /wasm-rnn demo: (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        found(match[1]);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => fail(new Error(`the demo server exited (${code}):\n${output}`)));
  });
  return { child, url };
}

/** The same layer in Node, on the input the page parsed. */
function computeInNode(state: DemoState): { sequence: number[][]; states: Record<string, number[]> } {
  const options = { units: state.units, seed: state.seed, returnSequences: true, returnState: true };
  const layer = state.cell === 'LSTM' ? new api.LSTM(options) : new api.GRU(options);
  const [seq, ...finals] = layer.apply(api.tensor([state.input])) as api.Tensor[];
  layer.dispose();
  const names = state.cell === 'LSTM' ? ['h', 'c'] : ['h'];
  return {
    sequence: (seq.toArray() as number[][][])[0],
    states: Object.fromEntries(names.map((name, i) => [name, Array.from(finals[i].data)])),
  };
}

describeWithChromium('the web demo page', () => {
  let demo: { child: ChildProcess; url: string };
  let chromium: Chromium;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    await readyAsChromium(api);
    demo = await startDemo();
    chromium = await launchChromium();
    ({ page, errors } = await chromium.newPage());
    await page.goto(demo.url);
    await waitForRuns(1);
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    demo?.child.kill();
  });

  const state = () => page.evaluate('window.demoState') as Promise<DemoState>;
  const runs = async () => Number(await page.getAttribute('body', 'data-runs'));
  async function waitForRuns(count: number): Promise<void> {
    try {
      await page.waitForFunction((n) => Number(document.body.dataset.runs ?? 0) >= n, count, { timeout: 15_000 });
    } catch (error) {
      const shown = await page.textContent('#error').catch(() => null);
      throw new Error(`the demo did not finish run ${count}: page says "${shown ?? ''}"; page errors: ${errors.join('; ') || 'none'}`, { cause: error });
    }
  }

  /** Fraction of heatmap pixels tinted red or blue, and how many distinct colours it has. */
  const heatmapPixels = () =>
    page.evaluate(() => {
      const canvas = document.getElementById('heatmap') as HTMLCanvasElement;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let tinted = 0;
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4) {
        colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        if (Math.abs(data[i] - data[i + 2]) > 24) tinted++;
      }
      return { tinted: tinted / (data.length / 4), colours: colours.size, width: canvas.width, height: canvas.height };
    });

  it('runs the seed example through an LSTM on load, with the numbers Node computes', async () => {
    await mkdir(screenshots, { recursive: true });
    await page.screenshot({ path: fileURLToPath(new URL('demo-lstm.png', screenshots)), fullPage: true });
    const s = await state();
    expect([s.cell, s.units, s.seed]).toEqual(['LSTM', 8, 42]);
    expect(s.input).toHaveLength(4);
    const node = computeInNode(s);
    expect(s.sequence).toEqual(node.sequence);
    expect(s.states).toEqual(node.states);
    const shown = await page.$$eval('td[data-output="h"]', (cells) => cells.map((c) => c.textContent));
    expect(shown).toEqual(node.states.h.map((v) => v.toFixed(6)));
    expect(await page.textContent('#time')).toMatch(/^\d+(\.\d+)? (ms|µs)$/);
    expect(s.runs).toBeGreaterThanOrEqual(5);
    expect(s.medianMs).toBeGreaterThan(0);
  });

  it('turns a drawing into a sequence and shows a GRU\'s hidden states as a heatmap', async () => {
    // Draw one period of a sine wave across the box.
    const box = (await page.locator('#draw').boundingBox())!;
    const y = (f: number) => box.y + box.height * (0.5 - 0.4 * Math.sin(2 * Math.PI * f));
    await page.mouse.move(box.x + 4, y(0));
    await page.mouse.down();
    for (let i = 1; i <= 40; i++) await page.mouse.move(box.x + 4 + ((box.width - 8) * i) / 40, y(i / 40));
    await page.mouse.up();
    await page.selectOption('#cell', 'GRU');
    await page.fill('#units', '12');
    const before = await runs();
    await page.dispatchEvent('#units', 'change');
    await waitForRuns(before + 1);

    await mkdir(screenshots, { recursive: true });
    const path = fileURLToPath(new URL('demo.png', screenshots));
    await page.screenshot({ path, fullPage: true });
    console.log(`[demo] screenshot: ${path}`);

    const s = await state();
    expect([s.cell, s.units]).toEqual(['GRU', 12]);
    expect(s.input).toHaveLength(32);
    expect(s.input.every((step) => step.length === 1)).toBe(true);
    const values = s.input.map((step) => step[0]);
    expect(Math.max(...values)).toBeGreaterThan(0.5); // the crest of the sine
    expect(Math.min(...values)).toBeLessThan(-0.5); // and its trough
    const node = computeInNode(s);
    expect(s.sequence).toEqual(node.sequence);
    expect(s.states).toEqual(node.states);
    expect(Object.keys(s.states)).toEqual(['h']);

    const pixels = await heatmapPixels();
    expect(pixels.tinted, 'share of heatmap pixels in colour').toBeGreaterThan(0.3);
    expect(pixels.colours).toBeGreaterThan(30);

  }, 30_000);

  it('reports bad input in the page instead of failing', async () => {
    await page.fill('#sequence', '1, 2\n3');
    await page.waitForFunction(() => (document.getElementById('error')?.textContent ?? '') !== '');
    expect(await page.textContent('#error')).toMatch(/line 2 has 1 numbers, line 1 has 2/);
    const before = await runs();
    await page.click('#example');
    await waitForRuns(before + 1);
    expect(await page.textContent('#error')).toBe('');
  });

  it('live mode steps a stream as you draw, and its hidden states equal apply on the whole drawing', async () => {
    await page.selectOption('#cell', 'LSTM');
    await page.fill('#units', '6');
    await page.check('#live');
    const box = (await page.locator('#draw').boundingBox())!;
    const y = (f: number) => box.y + box.height * (0.5 - 0.35 * Math.cos(2 * Math.PI * f));
    await page.mouse.move(box.x + 4, y(0));
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) {
      const before = await runs();
      await page.mouse.move(box.x + 4 + ((box.width - 8) * i) / 20, y(i / 20));
      await waitForRuns(before + 1);
      const s = await state();
      expect(s.mode).toBe('live');
      // Every step shows at once: the heatmap has as many columns as points drawn so far.
      expect(s.sequence).toHaveLength(s.input.length);
    }
    await page.mouse.up();
    const s = await state();
    expect([s.cell, s.units, s.mode]).toEqual(['LSTM', 6, 'live']);
    expect(s.input.length).toBeGreaterThanOrEqual(21);
    const node = computeInNode(s);
    expect(s.sequence).toEqual(node.sequence);
    expect(s.states).toEqual(node.states);
    // Typing a step more steps once more; turning live off runs the whole sequence again.
    const before = await runs();
    await page.fill('#sequence', `${s.input.map((row) => row.join(', ')).join('\n')}\n0.25`);
    await waitForRuns(before + 1);
    const typed = await state();
    expect(typed.input).toHaveLength(s.input.length + 1);
    expect(typed.sequence.slice(0, s.sequence.length)).toEqual(s.sequence);
    expect(typed.sequence).toEqual(computeInNode(typed).sequence);
    await page.uncheck('#live');
    await waitForRuns(before + 2);
    expect((await state()).mode).toBe('apply');
  }, 60_000);

  it('trains a toy task in the page, draws the loss curve batch by batch, and downloads the trained model as .keras', async () => {
    for (const task of ['sum-sign', 'sine-next'] as const) {
      await page.selectOption('#task', task);
      await page.click('#train');
      await page.waitForFunction((t) => window.demoTraining?.task === t && window.demoTraining.done, task, { timeout: 60_000 });
      const trained = (await page.evaluate('window.demoTraining')) as DemoTraining;
      expect(trained.batchLosses, `${task}: a running loss after every batch`).toHaveLength(8 * 8);
      expect(trained.epochLosses).toHaveLength(8);
      expect(trained.epochLosses[7], `${task}: the loss goes down`).toBeLessThan(trained.epochLosses[0] * 0.8);
      expect(await page.textContent('#train-status')).toMatch(/^epoch 8\/8: loss \d/);
      const drawn = await page.evaluate(() => {
        const canvas = document.getElementById('loss-curve') as HTMLCanvasElement;
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let blue = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i + 2] > 150 && data[i] < 120) blue++;
        return blue;
      });
      expect(drawn, 'pixels of the curve').toBeGreaterThan(200);

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
      expect(download.suggestedFilename()).toBe(`wasm-rnn-${task}.keras`);
      const bytes = new Uint8Array(await readFile((await download.path())!));
      const saved = (await page.evaluate('window.demoTraining')) as DemoTraining;
      expect(bytes.length, 'the file is the bytes saveModelBlob wrote').toBe(saved.downloadedBytes);
      const loaded = await loadModel(bytes);
      const probe = saved.probe!;
      const predictions = loaded.predict(api.tensor(probe.x, [probe.predictions.length, 20, 1])) as api.Tensor;
      // The same kernel build as the page (readyAsChromium): the trained weights predict bit for bit.
      expect(Array.from(predictions.data), `${task}: the loaded file predicts as the trained model`).toEqual(probe.predictions);
      loaded.dispose();
    }
    await page.screenshot({ path: fileURLToPath(new URL('demo-training.png', screenshots)), fullPage: true });
  }, 120_000);

  it('logged no errors in the page', () => {
    expect(errors).toEqual([]);
  });
});
