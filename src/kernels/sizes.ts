// Byte counts of buffers in WebAssembly memory, computed in JS before anything is allocated.
// The kernels do their address arithmetic in 32 bits, so a size that reaches them must be exact
// and fit the 4 GiB a wasm32 memory can address; one that does not is a RuntimeError naming the
// shapes, thrown while memory is still untouched.
import { RuntimeError, formatShape } from '../errors.js';
import type { KernelExports } from './exports.js';

/** A wasm32 memory addresses at most 65536 pages of 64 KiB. */
export const WASM_MEMORY_LIMIT = 2 ** 32;
/** The heap hands out 16-byte aligned blocks. */
export const BLOCK_ALIGN = 16;

/** Whose sizes these are, for the message (e.g. `lstm: input x of shape [2, 5, 3]`); a function is only called on failure. */
export type Describe = string | (() => string);

/** Bytes of float32 values counted by the product of `dims`. */
export function floatBytes(dims: readonly number[], what: Describe): number {
  let floats = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new RuntimeError(`${text(what)}: ${formatShape(dims)} is not a list of sizes`);
    floats *= d;
  }
  const bytes = floats * 4;
  if (bytes > WASM_MEMORY_LIMIT) tooLarge(what, `${formatShape(dims)} float32 values need`, bytes);
  return bytes;
}

/** The sum of byte counts as the heap lays them out (each block aligned); refuses a total past the limit. */
export function blockBytes(parts: readonly number[], what: Describe): number {
  let total = 0;
  for (const bytes of parts) {
    if (bytes > WASM_MEMORY_LIMIT) tooLarge(what, 'a buffer needs', bytes);
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RuntimeError(`${text(what)}: ${bytes} bytes is not a size`);
    total += alignBlock(bytes);
  }
  if (total > WASM_MEMORY_LIMIT) tooLarge(what, 'its buffers need', total);
  return total;
}

/** Throws unless `bytes` more fit beside the `inUse` bytes already held in WebAssembly memory. */
export function checkFits(bytes: number, inUse: number, what: Describe): void {
  if (bytes + inUse <= WASM_MEMORY_LIMIT) return;
  // Memory held by objects already dropped is the likely cause when this much is in use: they are
  // freed by a FinalizationRegistry, whose callbacks run only once the current task has ended.
  const held = bytes <= WASM_MEMORY_LIMIT / 2 && inUse >= WASM_MEMORY_LIMIT / 4
    ? '; layers, models and streams dropped without dispose() free their memory only after the current task ends (a loop that awaits only promises does not end it), so dispose() each one, or yield with await new Promise((resolve) => setTimeout(resolve))'
    : '';
  throw new RuntimeError(`${text(what)}: needs ${formatBytes(bytes)} beside the ${formatBytes(inUse)} in use, more than the 4 GiB WebAssembly memory can address${held}`);
}

/** Columns of a packed GEMM panel (assembly/gemm.ts NR). */
const PANEL_COLUMNS = 8;

/** Bytes of a K x N matrix packed into panels, bias row first (assembly/gemm.ts f32_packed_size). */
export function packedMatrixBytes(K: number, N: number, what: Describe): number {
  return floatBytes([Math.ceil(N / PANEL_COLUMNS) * PANEL_COLUMNS, K + 1], what);
}

/** packedMatrixBytes cross-checked against the kernel's own count, an i32 exact for any size that fits. */
export function checkedPackedBytes(exports: KernelExports, K: number, N: number, what: Describe): number {
  const bytes = packedMatrixBytes(K, N, what);
  const kernelBytes = exports.f32_packed_size(K, N) * 4;
  if (kernelBytes !== bytes) throw new RuntimeError(`wasm-rnn: the kernel counts ${kernelBytes} packed bytes for ${K} x ${N}, src/kernels ${bytes}`);
  return bytes;
}

export function alignBlock(bytes: number): number {
  return Math.ceil(Math.max(bytes, 1) / BLOCK_ALIGN) * BLOCK_ALIGN;
}

/** `1.50 GiB (1610612736 bytes)`: exact bytes, so a message can be checked against the shapes. */
export function formatBytes(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(2)} GiB (${Number.isSafeInteger(bytes) ? bytes : bytes.toPrecision(3)} bytes)`;
}

function text(what: Describe): string {
  return typeof what === 'string' ? what : what();
}

function tooLarge(what: Describe, subject: string, bytes: number): never {
  throw new RuntimeError(`${text(what)}: ${subject} ${formatBytes(bytes)}, more than the 4 GiB WebAssembly memory can address`);
}
