// Scoped use of an instance's heap for one call: every buffer taken here is
// returned when the call ends, whether it succeeded or not.
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

  /** Copies `values` into a fresh buffer and returns its address. */
  upload(values: Float32Array): number {
    const ptr = this.alloc(values.byteLength);
    this.heap.f32(ptr, values.length).set(values);
    return ptr;
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
    return body(session);
  } finally {
    session.close();
  }
}
