// Runs in Chromium. The test in Node calls these through `page.evaluate('harness.…')` and
// compares what they return with the fixtures and with the same code run in Node.
import type { Fixture } from '../../fixtures.js';
import { runActivations, runFixture, runSeedExamples, runSeededInitializers, runSmallLstm, runTraining, type PlainTensor, type TrainingRun, type WasmRnn } from '../cases.js';

/** `bundle`: dist/browser/wasm-rnn.js, the whole library as one unminified file (built for these tests, not published).
 *  `min`: dist/browser/wasm-rnn.min.js, the same minified, for a plain <script type="module">.
 *  `esm`: dist/index.js as tsc wrote it, what the `import`/`default` conditions give. */
export type Build = 'bundle' | 'min' | 'esm';

const BUILD_URLS: Record<Build, string> = {
  bundle: '/dist/browser/wasm-rnn.js',
  min: '/dist/browser/wasm-rnn.min.js',
  esm: '/dist/index.js',
};

async function load(build: Build): Promise<WasmRnn> {
  const api = (await import(BUILD_URLS[build])) as WasmRnn;
  await api.ready();
  return api;
}

/** A separate instance of a bundle (its own module record, so `ready()` starts afresh). */
async function freshBundle(tag: string, build: Build = 'bundle'): Promise<WasmRnn> {
  return (await import(`${BUILD_URLS[build]}?instance=${encodeURIComponent(tag)}-${Math.random()}`)) as WasmRnn;
}

const message = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

export type FixtureResult = { outputs: PlainTensor[] } | { error: string };

/** Fetches each fixture from /fixtures/ and runs it. */
export async function runFixtures(build: Build, names: string[]): Promise<Record<string, FixtureResult>> {
  const api = await load(build);
  const results: Record<string, FixtureResult> = {};
  for (const name of names) {
    try {
      const response = await fetch(`/fixtures/${name}.json`);
      if (!response.ok) throw new Error(`GET /fixtures/${name}.json: ${response.status}`);
      results[name] = { outputs: runFixture(api, (await response.json()) as Fixture) };
    } catch (error) {
      results[name] = { error: message(error) };
    }
  }
  return results;
}

export async function runSeed(build: Build): Promise<Record<'last' | 'seq', PlainTensor[]>> {
  return runSeedExamples(await load(build));
}

/** The seeded initializers of cases.ts in this build. */
export async function seededInitializers(build: Build): Promise<Record<string, number[]>> {
  return runSeededInitializers(await load(build));
}

/** The seeded training run of cases.ts in this build. */
export async function train(build: Build): Promise<TrainingRun> {
  return runTraining(await load(build));
}

export async function activations(build: Build): Promise<PlainTensor[]> {
  return runActivations(await load(build));
}

/** Which kernel build a page gets from ready() with defaults. */
export async function defaultVariant(build: Build): Promise<string | null> {
  return (await load(build)).kernelVariant();
}

export type SourceKind = 'default' | 'url' | 'string' | 'response' | 'promise' | 'arraybuffer' | 'typedarray' | 'module' | 'wrong-mime';

/**
 * `ready({ wasm })` from one kind of source, in a fresh instance; reports how many times
 * WebAssembly.compileStreaming ran, and a small LSTM's output to compare.
 */
export async function loadFrom(kind: SourceKind): Promise<{ streamed: number; output: PlainTensor; memoryBytes: number; variant: string | null }> {
  const wasmPath = '/dist/wasm-rnn.wasm';
  const sources: Record<SourceKind, () => Promise<unknown>> = {
    default: async () => undefined,
    url: async () => new URL(wasmPath, location.href),
    string: async () => `../..${wasmPath}`, // relative: resolved against this page (/harness/page/), as fetch does
    response: async () => fetch(wasmPath),
    promise: async () => fetch(wasmPath),
    arraybuffer: async () => (await fetch(wasmPath)).arrayBuffer(),
    typedarray: async () => new Uint8Array(await (await fetch(wasmPath)).arrayBuffer()),
    module: async () => WebAssembly.compileStreaming(fetch(wasmPath)),
    'wrong-mime': async () => '/wrong-mime/wasm-rnn.wasm',
  };
  // `promise` hands over the pending fetch itself, not its awaited Response.
  const source = kind === 'promise' ? fetch(wasmPath) : await sources[kind]();
  const api = await freshBundle(kind);
  const original = WebAssembly.compileStreaming;
  let streamed = 0;
  WebAssembly.compileStreaming = (input) => {
    streamed++;
    return original.call(WebAssembly, input);
  };
  try {
    await api.ready(source === undefined ? {} : { wasm: source as NonNullable<Parameters<WasmRnn['ready']>[0]>['wasm'] });
  } finally {
    WebAssembly.compileStreaming = original;
  }
  return { streamed, output: runSmallLstm(api), memoryBytes: api.memoryBytes(), variant: api.kernelVariant() };
}

/** What `ready()` rejects with when the engine has no WebAssembly SIMD (validate stubbed to say so). */
export async function readyWithoutSimd(): Promise<{ name: string; message: string; isRuntimeError: boolean }> {
  const api = await freshBundle('no-simd');
  const original = WebAssembly.validate;
  WebAssembly.validate = () => false;
  try {
    await api.ready();
    return { name: 'none', message: 'ready() resolved', isRuntimeError: false };
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message, isRuntimeError: error instanceof api.RuntimeError };
  } finally {
    WebAssembly.validate = original;
  }
}

/** What `ready({ wasm: url })` rejects with for a URL that does not serve the module. */
export async function readyError(url: string, build: Build = 'bundle'): Promise<string> {
  const api = await freshBundle('error', build);
  try {
    await api.ready({ wasm: url });
    return 'ready() resolved';
  } catch (error) {
    return message(error);
  }
}
