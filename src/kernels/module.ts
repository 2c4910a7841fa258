// Loads and instantiates the kernel module once, then hands out its exports
// and the heap that manages its memory.
import { instantiate } from '@assemblyscript/loader';
import { RuntimeError } from '../errors.js';
import type { KernelExports } from './exports.js';
import { WasmHeap } from './heap.js';

/** Where the .wasm comes from when the caller does not say: next to the compiled package. */
const defaultWasmUrl = new URL('../wasm-rnn.wasm', import.meta.url);

export type WasmSource = URL | string | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module;

export interface ReadyOptions {
  /** The kernel module, for hosts that serve or bundle it themselves. */
  wasm?: WasmSource;
}

export interface KernelRuntime {
  readonly exports: KernelExports;
  readonly heap: WasmHeap;
}

let runtime: KernelRuntime | undefined;
let loading: Promise<KernelRuntime> | undefined;

/** Instantiates the WebAssembly module. Idempotent: later calls return the same instance. */
export async function ready(options: ReadyOptions = {}): Promise<void> {
  if (runtime) return;
  loading ??= load(options.wasm ?? defaultWasmUrl).then(
    (loaded) => (runtime = loaded),
    (error: unknown) => {
      loading = undefined;
      throw error instanceof RuntimeError ? error : new RuntimeError(`cannot load the wasm-rnn WebAssembly module: ${String(error)}`);
    },
  );
  await loading;
}

/** The instantiated module; throws a RuntimeError if `ready()` has not completed. */
export function kernelRuntime(): KernelRuntime {
  if (!runtime) throw new RuntimeError('wasm-rnn is not ready: await ready() before running a layer');
  return runtime;
}

/** Current size of the WebAssembly memory in bytes (0 before `ready()`). */
export function memoryBytes(): number {
  return runtime ? runtime.heap.memoryBytes : 0;
}

async function load(source: WasmSource): Promise<KernelRuntime> {
  if (typeof WebAssembly !== 'object' || !WebAssembly.validate(SIMD_PROBE)) {
    throw new RuntimeError('this JavaScript engine has no WebAssembly SIMD (128-bit), which wasm-rnn requires');
  }
  const { exports } = await instantiate<Record<string, unknown>>(await resolveSource(source));
  const kernels = exports as unknown as KernelExports;
  return { exports: kernels, heap: new WasmHeap(kernels.memory, kernels.heap_base()) };
}

async function resolveSource(source: WasmSource): Promise<WebAssembly.Module | BufferSource | Response> {
  if (!(source instanceof URL) && typeof source !== 'string') return source;
  const url = source instanceof URL ? source : new URL(source, defaultWasmUrl);
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return readFile(url);
  }
  return fetch(url);
}

/** A minimal module using one v128 instruction: validates only where SIMD exists. */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x0a, 0x0a, 0x01, 0x08, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0xfd, 0x62, 0x0b, // i32.const 0; i8x16.splat; i8x16.popcnt; end
]);
