import { defaultInstance } from '../dist/kernels/default-instance.js';

/** Runs a raw kernel on buffers (sizes in floats) borrowed from the heap and returns them afterwards. */
export function withBuffers<T>(sizes: number[], body: (ptrs: number[]) => T): T {
  const { heap } = defaultInstance();
  const ptrs = sizes.map((floats) => heap.alloc(floats * 4));
  try {
    return body(ptrs);
  } finally {
    for (const ptr of ptrs.reverse()) heap.release(ptr);
  }
}
