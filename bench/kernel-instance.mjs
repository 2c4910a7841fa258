// One instance of a kernel build (.wasm file) on its raw ABI, with a bump allocator over its
// memory, for the A/B scripts that compare two builds in one process.
import { readFileSync } from 'node:fs';

/** Instantiates `file`; alloc(bytes) hands out 64-byte aligned blocks past the heap base, growing memory. */
export async function instantiateKernels(file) {
  const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
  const kernels = instance.exports;
  let top = (kernels.heap_base() + 63) & ~63;
  const alloc = (bytes) => {
    const ptr = top;
    top = (top + bytes + 63) & ~63;
    const missing = top - kernels.memory.buffer.byteLength;
    if (missing > 0) kernels.memory.grow(Math.ceil(missing / 65536));
    return ptr;
  };
  return { kernels, alloc };
}
