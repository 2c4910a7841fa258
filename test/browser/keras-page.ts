// A Chromium tab with wasm-rnn/keras as a bundler makes it for browsers (`/bundle/keras.js`, the
// kernels one folder above it as the package lays them out) and folders of model files mounted
// beside it, for the tests that load real Keras files in the page.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { launchChromium, type Chromium } from './chromium.js';
import { startStaticServer, type StaticServer } from './static-server.js';

const repo = new URL('../../', import.meta.url);

export interface KerasPage {
  page: Page;
  close(): Promise<void>;
}

/** What a bundler makes of `import { loadModel } from 'wasm-rnn/keras'` for a browser, written to `outfile`. */
export async function bundleKeras(outfile: string): Promise<void> {
  await build({
    entryPoints: [new URL('dist/io/keras.js', repo).pathname],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outfile,
    logLevel: 'silent',
  });
}

/** `mounts` maps URL prefixes ('/models/') to the folders served under them. */
export async function openKerasPage(mounts: Record<string, URL>): Promise<KerasPage> {
  const work = await mkdtemp(join(tmpdir(), 'wasm-rnn-keras-'));
  let server: StaticServer | undefined;
  let browser: Chromium | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    await rm(work, { recursive: true, force: true });
  };
  try {
    await bundleKeras(join(work, 'bundle', 'keras.js'));
    server = await startStaticServer([
      { prefix: '/bundle/', dir: pathToFileURL(join(work, 'bundle') + '/') },
      { prefix: '/', dir: new URL('dist/', repo) },
      ...Object.entries(mounts).map(([prefix, dir]) => ({ prefix, dir })),
    ].sort((a, b) => b.prefix.length - a.prefix.length));
    browser = await launchChromium();
    const { page } = await browser.newPage();
    await page.goto(`${server.origin}/bundle/`);
    return { page, close };
  } catch (error) {
    await close();
    throw error;
  }
}
