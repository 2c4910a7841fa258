// Headless Chromium from the system (Debian's `chromium` package), driven with playwright-core.
// Never a test tool's own browser download: those cannot be fetched here or in CI.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { describe, it } from 'vitest';

/** The browser binary; CHROMIUM_PATH overrides the Debian location. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** CI sets CI=true; there a missing browser is a failure, locally a skip. */
export const IN_CI = ['true', '1'].includes((process.env.CI ?? '').toLowerCase());

export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  return `no Chromium at ${CHROMIUM_PATH}: install it with \`apt-get update && apt-get install -y chromium\` ` +
    '(.ci/run does this) or point CHROMIUM_PATH at a Chromium binary';
}

/**
 * `describe` that needs Chromium: without it the block fails with the reason when CI=true, and is
 * skipped locally with the reason printed.
 */
export function describeWithChromium(name: string, body: () => void): void {
  const missing = chromiumMissing();
  if (!missing) {
    describe(name, body);
  } else if (IN_CI) {
    describe(name, () => {
      it('has headless Chromium to run in', () => {
        throw new Error(missing);
      });
    });
  } else {
    // A developer machine without Chromium still passes `npm test`, and is told what it skipped.
    console.warn(`[browser tests] skipping "${name}": ${missing}`);
    describe.skipIf(true)(name, body);
  }
}

export interface Chromium {
  readonly context: BrowserContext;
  /** A new tab that records the page's console errors and uncaught exceptions in `errors`. */
  newPage(): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh profile directory, removed again by `close()`. */
export async function launchChromium(): Promise<Chromium> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'wasm-rnn-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1200, height: 900 },
      timeout: 30_000,
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()}`);
      });
      return { page, errors };
    },
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Loads in Node the kernel build Chromium picks by default (relaxed SIMD: Chromium has it on), so
 * pages that call ready() with defaults can be compared with Node bit for bit. Node 20 needs the flag.
 */
export async function readyAsChromium(api: { ready(options?: { kernels?: 'auto' | 'simd' | 'relaxed-simd' }): Promise<void> }): Promise<void> {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  await api.ready({ kernels: 'relaxed-simd' });
}

/**
 * Same build in the page as in Node: identical numbers, bit for bit. Different builds (plain SIMD
 * rounds a*b+c twice, relaxed SIMD once): equal to within float32 rounding of the fixtures' scale.
 */
export function sameBuildOrClose(inPage: { data: number[] }[], inNode: { data: number[] }[], sameBuild: boolean): string | undefined {
  for (let i = 0; i < inPage.length; i++) {
    for (let j = 0; j < inPage[i].data.length; j++) {
      const a = inPage[i].data[j];
      const b = inNode[i].data[j];
      const equal = sameBuild ? Object.is(a, b) : Math.abs(a - b) <= 2e-6 * Math.max(1, Math.abs(b));
      if (!equal) return `output ${i} element ${j}: Chromium ${a}, Node ${b} (${sameBuild ? 'same build, must be identical' : 'different builds'})`;
    }
  }
  return undefined;
}
