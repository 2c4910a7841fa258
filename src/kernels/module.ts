// Loads and instantiates the kernel module once, then hands out its exports
// and the heap that manages its memory.
//
// Where the bytes come from:
// - by default, `wasm-rnn.wasm` one folder above the package's JavaScript (this file is
//   dist/kernels/module.js, the browser bundles dist/browser/wasm-rnn{,.min}.js, the .wasm
//   dist/wasm-rnn.wasm), found with the literal `new URL('../wasm-rnn.wasm', import.meta.url)`
//   that Vite, webpack and Parcel understand (esbuild does not: its users hand `ready({ wasm })`
//   the file's URL); under Vite's dev server, which pre-bundles dependencies away from their
//   files, the package's own copy;
// - in browsers (and for http(s) URLs anywhere) by `fetch`, compiled while it streams in;
// - in Node, for `file:` URLs and plain paths, by reading the file with node:fs taken from
//   process.getBuiltinModule and compiling it synchronously (loadNodeFileSync), or on Node
//   before 20.16 through a dynamic import of node:fs/promises; bundlers neither follow these
//   nor keep them in a browser bundle.
import { RuntimeError, quoted } from '../errors.js';
import { checkSameModule, readyRequest, type ReadyRequest } from './ready-options.js';
import type { KernelExports } from './exports.js';
import { loadedInstance, useDefaultInstance } from './default-instance.js';
import { KernelInstance } from './instance.js';
import { absoluteUrl, isNode, readNodeFile, readNodeFileSync } from '../platform.js';

/**
 * WebAssembly.Module where the program's types declare it (lib DOM or WebWorker, newer @types/node),
 * else any object: so these types compile in a Node project whose lib has no WebAssembly namespace.
 */
export type CompiledWasmModule = typeof globalThis extends { WebAssembly: { Module: { prototype: infer M } } } ? M : object;

/**
 * What `ready({ wasm })` accepts: a URL or string (a URL, or in Node also a file path), a `Response`
 * or a promise of one (`fetch(...)`), the bytes (`ArrayBuffer` or any typed array / `Buffer`), or an
 * already compiled `WebAssembly.Module`.
 */
export type WasmSource =
  | URL
  | string
  | Response
  | PromiseLike<Response>
  | ArrayBuffer
  | ArrayBufferView
  | CompiledWasmModule;

export interface ReadyOptions {
  /** The kernel module, for hosts that serve or bundle it themselves. Default: the .wasm beside the package. */
  wasm?: WasmSource;
  /**
   * Which packaged build to load when `wasm` is not given: 'auto' (default) takes the relaxed-SIMD
   * build (fused multiply-add) where the engine supports it, else the plain SIMD build.
   */
  kernels?: 'auto' | KernelVariant;
}

/** The two packaged builds of the same kernel source. */
export type KernelVariant = 'simd' | 'relaxed-simd';

let loading: Promise<KernelInstance> | undefined;
/** What the ready() call that loads the module asked for. */
let firstRequest: ReadyRequest | undefined;

/** Instantiates the WebAssembly module. Idempotent: later calls return the same instance. */
export async function ready(options: ReadyOptions = {}): Promise<void> {
  const request = readyRequest(options);
  if (firstRequest) checkSameModule(firstRequest, request, firstRequest.wasm === undefined ? resolvedVariant(firstRequest.kernels) : kernelVariant());
  else firstRequest = request;
  if (loadedInstance()) return;
  if (loading === undefined) {
    const source = options.wasm ?? defaultWasmUrl(options.kernels ?? 'auto');
    let loaded: KernelInstance | undefined;
    try {
      loaded = loadNodeFileSync(source);
    } catch (error) {
      firstRequest = undefined;
      throw loadError(error);
    }
    if (loaded !== undefined) {
      useDefaultInstance(loaded);
      return;
    }
    loading = load(source).then(
      (instance) => useDefaultInstance(instance),
      (error: unknown) => {
        loading = undefined;
        firstRequest = undefined;
        throw loadError(error);
      },
    );
  }
  await loading;
}

function loadError(error: unknown): RuntimeError {
  return error instanceof RuntimeError ? error : new RuntimeError(`cannot load the wasm-rnn WebAssembly module: ${describeError(error)}`, { cause: error });
}

/** Which build is running: 'relaxed-simd' (fused multiply-add) or 'simd'; null before `ready()`. */
export function kernelVariant(): KernelVariant | null {
  return loadedInstance()?.variant ?? null;
}

/** Current size of the WebAssembly memory in bytes (0 before `ready()`). */
export function memoryBytes(): number {
  return loadedInstance()?.heap.memoryBytes ?? 0;
}

/**
 * The packaged .wasm. Keep the expression literal: bundlers recognise exactly
 * `new URL('<relative path>', import.meta.url)` and emit the file with the app.
 */
function defaultWasmUrl(kernels: 'auto' | KernelVariant): URL {
  if (kernels !== 'auto' && kernels !== 'simd' && kernels !== 'relaxed-simd') {
    throw new RuntimeError(`ready({ kernels }) must be 'auto', 'simd' or 'relaxed-simd', received ${quoted(kernels)}`);
  }
  const relaxed = kernels === 'relaxed-simd' || (kernels === 'auto' && supportsRelaxedSimd());
  const beside = relaxed ? new URL('../wasm-rnn.relaxed.wasm', import.meta.url) : new URL('../wasm-rnn.wasm', import.meta.url);
  // Vite's dev server serves dependencies pre-bundled from node_modules/.vite/deps/ without the
  // files they reference (vitejs/vite#8427); the package's own copy is still served from
  // node_modules/wasm-rnn/dist/.
  const viteDeps = /^(.*\/node_modules\/)\.vite\/deps[^/]*\//.exec(import.meta.url);
  const file = relaxed ? 'wasm-rnn.relaxed.wasm' : 'wasm-rnn.wasm';
  return viteDeps ? new URL(`wasm-rnn/dist/${file}`, viteDeps[1]) : beside;
}

function resolvedVariant(kernels: 'auto' | KernelVariant): KernelVariant {
  return kernels === 'auto' ? (supportsRelaxedSimd() ? 'relaxed-simd' : 'simd') : kernels;
}

function supportsRelaxedSimd(): boolean {
  return typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function' && WebAssembly.validate(RELAXED_SIMD_PROBE);
}

/**
 * In Node, a file (the default source) is read, compiled and instantiated synchronously: the
 * asynchronous way costs a millisecond or two of every cold start in round trips through the
 * event loop and the compile threads, and Node puts no size limit on synchronous compilation as
 * browsers do. undefined for every other source, and where files cannot be read synchronously.
 */
function loadNodeFileSync(source: WasmSource): KernelInstance | undefined {
  NODE_ONLY: if (isNode()) {
    if (!(source instanceof URL || typeof source === 'string')) break NODE_ONLY;
    const url = source instanceof URL ? source : absoluteUrl(source);
    if (url !== undefined && url.protocol !== 'file:') break NODE_ONLY;
    checkWebAssembly();
    const bytes = readNodeFileSync(url ?? source);
    if (bytes === undefined) break NODE_ONLY;
    let memory: WebAssembly.Memory | undefined;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), kernelImports(() => memory));
    const kernels = instance.exports as unknown as KernelExports;
    memory = kernels.memory;
    return new KernelInstance(kernels);
  }
  return undefined;
}

async function load(source: WasmSource): Promise<KernelInstance> {
  checkWebAssembly();
  const module = await compile(source);
  let memory: WebAssembly.Memory | undefined;
  const instance = await WebAssembly.instantiate(module, kernelImports(() => memory));
  const kernels = instance.exports as unknown as KernelExports;
  memory = kernels.memory;
  return new KernelInstance(kernels);
}

function checkWebAssembly(): void {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') {
    throw new RuntimeError('this JavaScript engine has no WebAssembly, which wasm-rnn requires');
  }
  if (!WebAssembly.validate(SIMD_PROBE)) {
    throw new RuntimeError(
      'this JavaScript engine has no WebAssembly SIMD (128-bit), which wasm-rnn requires ' +
        '(Chrome 91+, Firefox 89+, Safari 16.4+, Node 16.4+)',
    );
  }
}

/**
 * What an AssemblyScript module may import: the release build imports nothing, but a debug build
 * (assertions on) imports `env.abort`, reported here as a RuntimeError with AssemblyScript's message.
 * The module's exports are plain functions on pointers, so no loader glue is needed beyond this.
 * @internal
 */
export function kernelImports(memory: () => WebAssembly.Memory | undefined): WebAssembly.Imports {
  const text = (ptr: number): string => {
    const buffer = memory()?.buffer;
    if (!buffer || ptr < 4 || ptr > buffer.byteLength) return '?';
    const view = new DataView(buffer);
    // An AssemblyScript string: UTF-16 code units, their byte length in the 4 bytes before them.
    const units = Math.min(view.getUint32(ptr - 4, true) >>> 1, (buffer.byteLength - ptr) >>> 1, 256);
    let result = '';
    for (let i = 0; i < units; i++) result += String.fromCharCode(view.getUint16(ptr + 2 * i, true));
    return result;
  };
  return {
    env: {
      abort(message: number, file: number, line: number, column: number): never {
        throw new RuntimeError(`wasm-rnn kernel aborted: ${text(message)} at ${text(file)}:${line}:${column}`);
      },
      seed: () => Date.now() * Math.random(),
    },
  };
}

/** Any accepted source to a compiled module, streaming when the source is a fetch. */
async function compile(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source as BufferSource);
  if (source instanceof URL || typeof source === 'string') return compileLocation(source);
  if (isThenable(source)) return compile(await source);
  // Last, because in Node the first read of the `Response` global loads its fetch implementation
  // (undici), about 40 ms that the default path (a file: URL) must not pay.
  if (isResponse(source)) return compileResponse(source);
  throw new RuntimeError(
    `ready({ wasm }) expects a URL, string, Response, ArrayBuffer, typed array or WebAssembly.Module, got ${describeValue(source)}`,
  );
}

async function compileLocation(location: URL | string): Promise<WebAssembly.Module> {
  const url = location instanceof URL ? location : absoluteUrl(location);
  // Node (or a runtime with its API). The label lets the browser bundle drop this block
  // (esbuild --drop-labels=NODE_ONLY), and with it every trace of node:fs.
  NODE_ONLY: if (isNode()) {
    if (url !== undefined && url.protocol !== 'file:') break NODE_ONLY;
    // A plain string in Node is a file path (relative to the working directory), as fs reads it.
    return WebAssembly.compile(await readNodeFile(url ?? location) as BufferSource);
  }
  // In browsers a relative string resolves against the document, exactly as fetch resolves it.
  const target = url ?? location;
  let response: Response;
  try {
    response = await fetch(target);
  } catch (error) {
    throw new RuntimeError(`cannot fetch the wasm-rnn WebAssembly module from ${String(target)}: ${describeError(error)}`, { cause: error });
  }
  return compileResponse(response);
}

async function compileResponse(response: Response): Promise<WebAssembly.Module> {
  const where = response.url || 'the given Response';
  if (!response.ok) {
    throw new RuntimeError(`cannot load the wasm-rnn WebAssembly module: ${where} answered ${response.status} ${response.statusText}`.trimEnd());
  }
  // Streaming compilation needs the `application/wasm` content type; servers that send another
  // one still work, through the whole-buffer path.
  const type = response.headers.get('content-type') ?? '';
  if (typeof WebAssembly.compileStreaming === 'function' && /^application\/wasm\b/i.test(type)) {
    return WebAssembly.compileStreaming(response);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (!WASM_MAGIC.every((byte, i) => bytes[i] === byte)) {
    // Typically a single-page-app server answering an unknown path with its index.html.
    throw new RuntimeError(
      `cannot load the wasm-rnn WebAssembly module: ${where} is not a WebAssembly module ` +
        `(content-type ${type || 'none'}, first bytes ${quoted(new TextDecoder().decode(bytes.subarray(0, 16)))}); is wasm-rnn.wasm served at that path?`,
    );
  }
  return WebAssembly.compile(bytes);
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];


function isResponse(value: unknown): value is Response {
  return typeof Response === 'function' && value instanceof Response;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'an object';
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A minimal module using one v128 instruction: validates only where SIMD exists. */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x0a, 0x0a, 0x01, 0x08, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0xfd, 0x62, 0x0b, // i32.const 0; i8x16.splat; i8x16.popcnt; end
]);

/** A minimal module using f32x4.relaxed_madd: validates only where relaxed SIMD exists. */
const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x0a, 0x13, 0x01, 0x11, 0x00, // code: one body of 17 bytes, no locals
  0x41, 0x00, 0xfd, 0x0f, 0x41, 0x00, 0xfd, 0x0f, 0x41, 0x00, 0xfd, 0x0f, // three i8x16.splat(0)
  0xfd, 0x85, 0x02, 0x0b, // f32x4.relaxed_madd; end
]);
