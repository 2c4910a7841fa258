// Scoped use of an instance's heap for one call: every buffer taken here is
// returned when the call ends, whether it succeeded or not.
import { InputError, RuntimeError } from '../errors.js';
import { describe } from '../tensor.js';
import type { KernelExports } from './exports.js';
import type { WasmHeap } from './heap.js';
import type { KernelInstance } from './instance.js';

export class KernelSession {
  readonly exports: KernelExports;
  private readonly heap: WasmHeap;
  private readonly taken: number[] = [];

  constructor(instance: KernelInstance) {
    this.exports = instance.exports;
    this.heap = instance.heap;
  }

  alloc(bytes: number): number {
    const ptr = this.heap.alloc(bytes);
    this.taken.push(ptr);
    return ptr;
  }

  /**
   * Copies `values`, which must be a Float32Array of exactly `floats` values, into a fresh buffer
   * and returns its address: nothing else can reach the kernels.
   */
  upload(values: Float32Array, floats: number): number {
    if (!(values instanceof Float32Array) || values.length !== floats) {
      const received = values instanceof Float32Array ? `${values.length} values` : describe(values);
      throw new InputError(`WebAssembly upload: expected a Float32Array of ${floats} values, received ${received}`);
    }
    const ptr = this.alloc(values.byteLength);
    this.heap.f32(ptr, values.length).set(values);
    return ptr;
  }

  /**
   * A fresh buffer of `floats` zeros and a view of it, to fill before the next allocation (which
   * may grow the memory and detach the view) without building the buffer in JavaScript first.
   */
  zeros(floats: number): { ptr: number; view: Float32Array } {
    const ptr = this.alloc(floats * 4);
    const view = this.heap.f32(ptr, floats);
    view.fill(0);
    return { ptr, view };
  }

  /** Copies `length` floats out of the module's memory. */
  download(ptr: number, length: number): Float32Array {
    return this.heap.f32(ptr, length).slice();
  }

  close(): void {
    for (let i = this.taken.length - 1; i >= 0; i--) this.heap.release(this.taken[i]);
    this.taken.length = 0;
  }
}

/** Runs `body` with a session on `instance` and always releases its buffers. */
export function withKernelSession<T>(instance: KernelInstance, body: (session: KernelSession) => T): T {
  const session = new KernelSession(instance);
  try {
    return trapsAsErrors(() => body(session));
  } finally {
    session.close();
  }
}

/**
 * Runs kernel code, turning a WebAssembly trap into this package's RuntimeError. The size checks
 * are meant to make traps impossible; this keeps a missed case from surfacing as an engine error.
 */
export function trapsAsErrors<T>(body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      throw new RuntimeError(`wasm-rnn kernel trapped (${error.message}); please report this with the call's shapes`);
    }
    throw error;
  }
}
