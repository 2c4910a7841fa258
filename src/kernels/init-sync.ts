// Synchronous start-up for the places where nothing may be awaited before the first
// frame: an AudioWorkletProcessor (which cannot fetch, and whose process() is
// synchronous) or a worker handed the module by the main thread.
import { RuntimeError } from '../errors.js';
import { checkKnownKeys } from '../option-keys.js';
import type { KernelExports } from './exports.js';
import { KernelInstance } from './instance.js';
import { useDefaultInstance } from './default-instance.js';
import { kernelImports, kernelVariant, type CompiledWasmModule } from './module.js';

export interface InitSyncOptions {
  /** The kernel module: a compiled WebAssembly.Module (it can be posted to a worklet or worker), or its bytes. */
  wasm: CompiledWasmModule | ArrayBuffer | ArrayBufferView;
}

/**
 * Instantiates the kernel module synchronously, as `ready()` does asynchronously; after it, layers,
 * models and streams run. Idempotent: once `ready()` or `initSync()` has loaded a module, it returns.
 * Browsers limit synchronous compilation on the main thread to small byte sizes: there, compile
 * with `WebAssembly.compile` and pass the Module.
 */
export function initSync(options: InitSyncOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new RuntimeError(`initSync({ wasm }) expects an options object, with wasm a WebAssembly.Module or the module's bytes, received ${describe(options)}`);
  }
  checkKnownKeys(options, ['wasm'], 'initSync');
  const wasm = (options as Partial<InitSyncOptions> | null | undefined)?.wasm;
  if (!(wasm instanceof WebAssembly.Module || wasm instanceof ArrayBuffer || ArrayBuffer.isView(wasm))) {
    throw new RuntimeError(`initSync({ wasm }) expects a WebAssembly.Module, an ArrayBuffer or a typed array of the module's bytes, received ${describe(wasm)}`);
  }
  if (kernelVariant() !== null) return;
  // Bytes as a Uint8Array over the view's own range: WebAssembly.Module takes no DataView.
  const bytes = wasm instanceof WebAssembly.Module ? null : wasm instanceof ArrayBuffer ? new Uint8Array(wasm) : new Uint8Array(wasm.buffer, wasm.byteOffset, wasm.byteLength);
  if (bytes && !(bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d)) {
    throw new RuntimeError(`initSync({ wasm }): the ${bytes.length} bytes given are not a WebAssembly module (a module starts with the bytes \\0asm); pass the bytes of wasm-rnn.wasm or wasm-rnn.relaxed.wasm`);
  }
  let module: WebAssembly.Module;
  let memory: WebAssembly.Memory | undefined;
  try {
    module = bytes ? new WebAssembly.Module(bytes as BufferSource) : (wasm as WebAssembly.Module);
  } catch (error) {
    throw new RuntimeError(`initSync: cannot compile the wasm-rnn WebAssembly module (it needs WebAssembly SIMD: Chrome 91+, Firefox 89+, Safari 16.4+, Node 16.4+): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(module, kernelImports(() => memory));
  } catch (error) {
    throw new RuntimeError(`initSync: cannot instantiate the wasm-rnn WebAssembly module: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const exports = instance.exports as unknown as KernelExports;
  memory = exports.memory;
  useDefaultInstance(new KernelInstance(exports));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'an object';
}
