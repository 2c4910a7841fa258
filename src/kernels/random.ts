// Uniform samples drawn in WebAssembly (assembly/random.ts) from the initializers' sfc32 stream:
// the same float32 values the JavaScript loop gives, bit for bit, without running that loop
// cold in V8's first tier when a layer is built.
import { loadedInstance } from './default-instance.js';
import { RANDOM_STATE_BYTES } from './orthonormal.js';
import { WASM_MEMORY_LIMIT, alignBlock } from './sizes.js';

/**
 * `count` float32 values minval + (maxval - minval)·uniform() from the stream whose four state
 * words are `words`, which are advanced in place; null before `ready()` or when the values do not
 * fit beside what WebAssembly memory holds (the caller then draws them in JavaScript).
 */
export function kernelUniform(words: Uint32Array, count: number, minval: number, maxval: number): Float32Array | null {
  const instance = loadedInstance();
  if (!instance) return null;
  const { exports, heap } = instance;
  const bytes = count * 4;
  if (alignBlock(bytes) + alignBlock(RANDOM_STATE_BYTES) + heap.allocatedBytes > WASM_MEMORY_LIMIT) return null;
  const state = heap.alloc(RANDOM_STATE_BYTES);
  const out = heap.alloc(bytes);
  try {
    new Uint32Array(exports.memory.buffer, state, 4).set(words);
    exports.random_uniform_f32(state, out, count, minval, maxval);
    words.set(new Uint32Array(exports.memory.buffer, state, 4));
    return new Float32Array(exports.memory.buffer, out, count).slice();
  } finally {
    heap.release(out);
    heap.release(state);
  }
}
