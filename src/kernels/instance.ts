// One instantiated kernel module: its exports and the heap over its memory.
// Everything a layer keeps in WebAssembly memory belongs to one instance, so a
// worker thread, a training run or a stream can own an instance of its own.
import { RuntimeError } from '../errors.js';
import type { KernelExports } from './exports.js';
import { WasmHeap } from './heap.js';

export class KernelInstance {
  readonly exports: KernelExports;
  readonly heap: WasmHeap;

  constructor(exports: KernelExports) {
    if (!(exports.memory instanceof WebAssembly.Memory) || typeof exports.heap_base !== 'function' || typeof exports.recurrent_run !== 'function') {
      throw new RuntimeError('the WebAssembly module is not the wasm-rnn kernel module (no memory, heap_base or recurrent_run export)');
    }
    this.exports = exports;
    this.heap = new WasmHeap(exports.memory, exports.heap_base());
  }

  /** 'relaxed-simd' (fused multiply-add) or 'simd'. */
  get variant(): 'simd' | 'relaxed-simd' {
    return this.exports.kernel_uses_relaxed_simd() ? 'relaxed-simd' : 'simd';
  }
}
