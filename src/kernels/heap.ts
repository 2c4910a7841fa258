// A first-fit allocator over the module's linear memory. Layers keep packed
// weights here for their lifetime; each call borrows scratch and returns it, so
// repeated calls of the same shapes reuse the same bytes and memory stays flat.
import { RuntimeError } from '../errors.js';
import { BLOCK_ALIGN, WASM_MEMORY_LIMIT, alignBlock, formatBytes } from './sizes.js';

const PAGE_BYTES = 65536;

interface FreeBlock {
  ptr: number;
  bytes: number;
}

export class WasmHeap {
  private readonly memory: WebAssembly.Memory;
  private top: number;
  private readonly free: FreeBlock[] = [];
  private readonly sizes = new Map<number, number>();
  private allocated = 0;

  constructor(memory: WebAssembly.Memory, base: number) {
    this.memory = memory;
    this.top = roundUp(base >>> 0, BLOCK_ALIGN);
  }

  /**
   * Allocates `bytes` (rounded up to 16), growing the memory only when no freed block fits.
   * A size that is not a non-negative integer, or a block that would end past the 4 GiB
   * WebAssembly can address, is a RuntimeError and leaves the heap as it was.
   */
  alloc(bytes: number): number {
    if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > WASM_MEMORY_LIMIT) {
      throw new RuntimeError(`WebAssembly heap: cannot allocate ${String(bytes)} bytes; a size must be an integer from 0 to 4 GiB`);
    }
    const size = alignBlock(bytes);
    for (let i = 0; i < this.free.length; i++) {
      const block = this.free[i];
      if (block.bytes < size) continue;
      const ptr = block.ptr;
      if (block.bytes === size) this.free.splice(i, 1);
      else {
        block.ptr += size;
        block.bytes -= size;
      }
      this.sizes.set(ptr, size);
      this.allocated += size;
      return ptr;
    }
    const ptr = this.top;
    this.ensureCapacity(ptr + size);
    this.top = ptr + size;
    this.sizes.set(ptr, size);
    this.allocated += size;
    return ptr;
  }

  /** Returns a block; a pointer the heap did not hand out (or already took back) is ignored. */
  release(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) return;
    this.sizes.delete(ptr);
    this.allocated -= size;
    let index = this.free.findIndex((b) => b.ptr > ptr);
    if (index < 0) index = this.free.length;
    this.free.splice(index, 0, { ptr, bytes: size });
    // Coalesce with the next and the previous neighbour.
    const next = this.free[index + 1];
    if (next && ptr + size === next.ptr) {
      this.free[index].bytes += next.bytes;
      this.free.splice(index + 1, 1);
    }
    const prev = this.free[index - 1];
    if (prev && prev.ptr + prev.bytes === ptr) {
      prev.bytes += this.free[index].bytes;
      this.free.splice(index, 1);
      index -= 1;
    }
    // A free block at the top goes back to the bump region.
    const last = this.free[this.free.length - 1];
    if (last && last.ptr + last.bytes === this.top) {
      this.top = last.ptr;
      this.free.pop();
    }
  }

  /** Bytes in blocks handed out and not yet released. */
  get allocatedBytes(): number {
    return this.allocated;
  }

  /** Bytes currently reserved by the WebAssembly memory. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** The memory's current buffer (growing the memory replaces it). */
  get buffer(): ArrayBuffer {
    return this.memory.buffer;
  }

  /** A fresh view: growing the memory detaches old ones. */
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  private ensureCapacity(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    if (end > WASM_MEMORY_LIMIT) {
      throw new RuntimeError(`WebAssembly memory cannot grow to ${formatBytes(end)}: WebAssembly addresses at most 4 GiB`);
    }
    const pages = Math.ceil((end - have) / PAGE_BYTES);
    try {
      this.memory.grow(pages);
    } catch (cause) {
      throw new RuntimeError(`WebAssembly memory cannot grow to ${formatBytes(end)} (${String(cause)})`);
    }
  }
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}
