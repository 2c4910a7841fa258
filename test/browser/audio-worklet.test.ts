// A stream inside an AudioWorkletProcessor in headless Chromium: the main thread compiles the
// kernel module and posts it, the processor instantiates it with initSync and runs stream.step
// in process(). An OfflineAudioContext renders 10 s of a test signal in 128-sample frames through
// GRU(64) -> Dense(128) (a toy denoiser); the rendered samples must equal, bit for bit, Node's
// predict on the same frames (the same relaxed-SIMD build). Prints the real-time factor.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import * as api from '../../dist/index.js';
import { seededRandom } from '../random.js';
import { describeWithChromium, launchChromium, readyAsChromium, type Chromium } from './chromium.js';
import { startStaticServer, type StaticServer } from './static-server.js';

const repo = new URL('../../', import.meta.url);
const SAMPLE_RATE = 48_000;
const SECONDS = 10;
const FRAME = 128;
const UNITS = 64;

/** A deterministic test signal: two tones and some noise. */
function testSignal(): Float32Array {
  const random = seededRandom(42);
  const out = new Float32Array(SAMPLE_RATE * SECONDS);
  for (let i = 0; i < out.length; i++) {
    const t = i / SAMPLE_RATE;
    out[i] = 0.4 * Math.sin(2 * Math.PI * 220 * t) + 0.2 * Math.sin(2 * Math.PI * 1330 * t) + 0.1 * (random() * 2 - 1);
  }
  return out;
}

const toBase64 = (values: Float32Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
const fromBase64 = (text: string) => {
  const bytes = Buffer.from(text, 'base64');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};

describeWithChromium('a stream in an AudioWorklet', () => {
  let server: StaticServer;
  let browser: Chromium;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    await readyAsChromium(api);
    server = await startStaticServer([
      { prefix: '/dist/', dir: new URL('dist/', repo) },
      { prefix: '/worklet/', dir: new URL('./worklet/', import.meta.url) },
    ]);
    browser = await launchChromium();
    ({ page, errors: pageErrors } = await browser.newPage());
    await page.goto(`${server.origin}/worklet/index.html`);
    await page.waitForFunction(() => document.title === 'worklet ready', undefined, { timeout: 15_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders 10 s through GRU(64) -> Dense(128) with initSync and stream.step, equal to Node\'s predict', async () => {
    const model = new api.Sequential({
      layers: [new api.GRU({ units: UNITS, returnSequences: true, seed: 1, inputShape: [null, FRAME] }), new api.Dense({ units: FRAME, seed: 2 })],
    });
    const signal = testSignal();
    const steps = signal.length / FRAME;
    const expected = (model.predict(api.tensor(signal, [1, steps, FRAME])) as api.Tensor).data;
    const weights = model.getWeights().map((w) => ({ data: Array.from(w.data), shape: [...w.shape] }));
    const { output, ms } = await page.evaluate(
      (args) => (window as unknown as { renderThroughWorklet(a: unknown): Promise<{ output: string; ms: number }> }).renderThroughWorklet(args),
      { signal: toBase64(signal), sampleRate: SAMPLE_RATE, units: UNITS, weights },
    );
    expect(pageErrors).toEqual([]);
    const rendered = fromBase64(output);
    expect(rendered.length).toBe(expected.length);
    let mismatches = 0;
    let first = -1;
    for (let i = 0; i < rendered.length; i++) {
      if (!Object.is(rendered[i], expected[i])) {
        mismatches++;
        if (first < 0) first = i;
      }
    }
    expect(mismatches, `first mismatch at sample ${first}: worklet ${rendered[first]}, Node ${expected[first]}`).toBe(0);
    console.log(`[audio-worklet] ${SECONDS} s at ${SAMPLE_RATE} Hz (${steps} frames of ${FRAME}) rendered in ${ms.toFixed(0)} ms: real-time factor ${(SECONDS * 1000 / ms).toFixed(1)}x`);
  }, 120_000);
});
