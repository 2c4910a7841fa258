// The loader's read limits and shard-path rules in headless Chromium, where URLs are
// read with fetch: timeoutMs, maxBytes and an AbortSignal end a load with the same
// errors as in Node, and a model.json's shards stay at its origin.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { gruTfjs } from '../io/tfjs-artifacts.js';
import { describeWithChromium, launchChromium, type Chromium } from './chromium.js';
import { bundleKeras } from './keras-page.js';
import { startStaticServer, type StaticServer } from './static-server.js';

const repo = new URL('../../', import.meta.url);

/** Each scenario's outcome in the page: the error's name and message, or 'loaded'. */
const RUN_IN_PAGE = `async (scenarios) => {
  const keras = await import('/bundle/keras.js');
  const results = {};
  for (const [name, url, options] of scenarios) {
    const controller = new AbortController();
    if (options.abortAfterMs) setTimeout(() => controller.abort(), options.abortAfterMs);
    const { abortAfterMs, ...rest } = options;
    const started = performance.now();
    try {
      const model = await keras.loadModel(url, abortAfterMs ? { ...rest, signal: controller.signal } : rest);
      results[name] = { outcome: 'loaded', params: model.countParams(), ms: performance.now() - started };
    } catch (error) {
      results[name] = { outcome: error.name, message: String(error.message), modelFileError: error instanceof keras.ModelFileError, ms: performance.now() - started };
    }
  }
  return results;
}`;

interface Outcome {
  outcome: string;
  message?: string;
  modelFileError?: boolean;
  params?: number;
  ms: number;
}

describeWithChromium('loadModel limits and shard paths in headless Chromium', () => {
  let work: string;
  let server: StaticServer;
  let browser: Chromium;
  let page: Page;
  const pending = new Set<ServerResponse>();
  let params = 0;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'wasm-rnn-keras-limits-'));
    await bundleKeras(join(work, 'bundle', 'keras.js'));
    const { modelJson, bytes, weights } = await gruTfjs();
    params = weights.reduce((n, w) => n + w.size, 0);
    const withPaths = (paths: string[]) => JSON.stringify({ ...modelJson, weightsManifest: [{ ...modelJson.weightsManifest[0], paths }] });
    await mkdir(join(work, 'files', 'tfjs'), { recursive: true });
    await writeFile(join(work, 'files', 'secret.bin'), bytes);
    await writeFile(join(work, 'files', 'tfjs', 'weights.bin'), bytes);
    await writeFile(join(work, 'files', 'tfjs', 'model.json'), withPaths(['weights.bin']));
    await writeFile(join(work, 'files', 'tfjs', 'climb.json'), withPaths(['%2e%2e/secret.bin']));
    await writeFile(join(work, 'files', 'tfjs', 'cross.json'), withPaths(['http://localhost:9/weights.bin']));
    await writeFile(join(work, 'files', 'tfjs', 'hang-shard.json'), withPaths(['/hang']));
    server = await startStaticServer(
      [
        { prefix: '/bundle/', dir: pathToFileURL(join(work, 'bundle') + '/') },
        { prefix: '/files/', dir: pathToFileURL(join(work, 'files') + '/') },
        { prefix: '/', dir: new URL('dist/', repo) },
      ],
      [
        (request, response) => {
          if (request.url === '/hang') {
            pending.add(response);
            response.on('close', () => pending.delete(response));
            return true;
          }
          if (request.url === '/endless') {
            response.writeHead(200, { 'content-type': 'application/octet-stream' });
            const timer = setInterval(() => (response.destroyed ? clearInterval(timer) : response.write(new Uint8Array(256 * 1024))), 2);
            response.on('close', () => clearInterval(timer));
            return true;
          }
          return false;
        },
      ],
    );
    browser = await launchChromium();
    ({ page } = await browser.newPage());
    await page.goto(`${server.origin}/bundle/`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('timeoutMs, maxBytes and signal end fetches; shards stay at the origin', async () => {
    const scenarios = [
      ['loads', '/files/tfjs/model.json', {}],
      ['hang', '/hang', { timeoutMs: 300 }],
      ['hang-shard', '/files/tfjs/hang-shard.json', { timeoutMs: 300 }],
      ['endless', '/endless', { maxBytes: 4 * 1024 * 1024 }],
      ['aborted', '/hang', { abortAfterMs: 100 }],
      ['too-big', '/files/tfjs/model.json', { maxBytes: 20_000 }],
      ['climb', '/files/tfjs/climb.json', {}],
      ['cross', '/files/tfjs/cross.json', {}],
      ['unknown-option', '/files/tfjs/model.json', { max_bytes: 10 }],
    ];
    const results = (await page.evaluate(`(${RUN_IN_PAGE})(${JSON.stringify(scenarios)})`)) as Record<string, Outcome>;
    expect(results.loads).toMatchObject({ outcome: 'loaded', params });
    for (const name of ['hang', 'hang-shard']) {
      expect(results[name], name).toMatchObject({ outcome: 'ModelFileError', modelFileError: true });
      expect(results[name].message).toMatch(/timeoutMs/);
      expect(results[name].ms).toBeLessThan(3000);
    }
    expect(results.endless).toMatchObject({ outcome: 'ModelFileError', modelFileError: true });
    expect(results.endless.message).toMatch(/maxBytes/);
    expect(results.aborted.outcome).toBe('AbortError');
    expect(results['too-big']).toMatchObject({ outcome: 'ModelFileError', modelFileError: true });
    // Over http the rule is the origin, not the folder: '%2e%2e/' stays on this server.
    expect(results.climb).toMatchObject({ outcome: 'loaded', params });
    expect(results.cross).toMatchObject({ outcome: 'ModelFileError', modelFileError: true });
    expect(results.cross.message).toMatch(/allowCrossOrigin/);
    expect(results['unknown-option']).toMatchObject({ outcome: 'ConfigError' });
    expect(results['unknown-option'].message).toMatch(/maxBytes/);
    // The page gave up on every request it made.
    for (let i = 0; i < 50 && pending.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(pending.size).toBe(0);
  }, 60_000);
});
