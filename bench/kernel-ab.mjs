// Kernel A/B: times two builds of the kernel module on the raw ABI, interleaved
// run by run in one process, so machine load hits both alike (on a shared
// machine, timings of separate processes move by up to 50%).
//
//   npx asc assembly/index.ts --target relaxed -o /tmp/a.wasm      # before a change
//   npx asc assembly/index.ts --target relaxed -o /tmp/b.wasm      # after it
//   node --experimental-wasm-relaxed-simd bench/kernel-ab.mjs /tmp/a.wasm /tmp/b.wasm LSTM,1,64 GRU,32,256
//
// Each spec is timed for AB_MS milliseconds (default 1500); longer runs steady the medians.
//
// Cells: SimpleRNN, LSTM, GRU (reset_after), GRU_BEFORE (reset_before); T = 100, D = 64.
import { readFileSync } from 'node:fs';
import { median } from './timing.mjs';

const T = 100;
const D = 64;
const CELLS = { SimpleRNN: [0, 1], LSTM: [1, 4], GRU: [2, 3], GRU_BEFORE: [3, 3] };
const ACT_TANH = 1;
const ACT_SIGMOID = 2;

async function instantiate(file) {
  const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
  const kernels = instance.exports;
  let top = (kernels.heap_base() + 15) & ~15;
  const alloc = (bytes) => {
    const ptr = top;
    top = (top + bytes + 15) & ~15;
    const missing = top - kernels.memory.buffer.byteLength;
    if (missing > 0) kernels.memory.grow(Math.ceil(missing / 65536));
    return ptr;
  };
  return { kernels, alloc };
}

/** Packs seeded weights and an input as src/kernels/recurrent.ts does, and returns one forward pass. */
function prepare({ kernels, alloc }, cell, B, H) {
  const [id, G] = CELLS[cell];
  const Hp = Math.ceil(H / 4) * 4;
  const f32 = (ptr, n) => new Float32Array(kernels.memory.buffer, ptr, n);
  const fill = (ptr, n, seed) => f32(ptr, n).set(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.1));
  const W = alloc(D * G * H * 4);
  const U = alloc(H * G * H * 4);
  const bias = alloc(2 * G * H * 4);
  fill(W, D * G * H, 1);
  fill(U, H * G * H, 2);
  fill(bias, 2 * G * H, 3);
  const resetBefore = id === 3;
  const kernel = alloc(kernels.f32_packed_size(D, G * Hp) * 4);
  kernels.f32_pack_gate_panels(kernel, W, G * H, bias, D, G, H, Hp);
  const recurrent = alloc(kernels.f32_packed_size(H, (resetBefore ? 2 : G) * Hp) * 4);
  kernels.f32_pack_gate_panels(recurrent, U, G * H, id === 2 ? bias + G * H * 4 : 0, H, resetBefore ? 2 : G, H, Hp);
  let candidate = 0;
  if (resetBefore) {
    candidate = alloc(kernels.f32_packed_size(H, Hp) * 4);
    kernels.f32_pack_gate_panels(candidate, U + 2 * H * 4, G * H, 0, H, 1, H, Hp);
  }
  const x = alloc(B * T * D * 4);
  fill(x, B * T * D, 4);
  const out = alloc(B * H * 4);
  const chunk = Math.min(T, Math.max(8, Math.floor((1 << 18) / (B * G * Hp))));
  const scratch = alloc(kernels.recurrent_scratch_bytes(id, B, Hp, chunk));
  return () => {
    kernels.recurrent_sequence(id, out, H, H, 0, 0, 0, x, 0, 0, 0, kernel, recurrent, candidate, B, T, D, H, Hp, chunk, ACT_TANH, ACT_SIGMOID, 0, 0, 0, scratch);
    return f32(out, B * H);
  };
}

const [fileA, fileB, ...specs] = process.argv.slice(2);
if (!fileA || !fileB || specs.length === 0) {
  console.error('usage: node bench/kernel-ab.mjs A.wasm B.wasm CELL,B,H [CELL,B,H ...]');
  process.exit(2);
}
const [a, b] = await Promise.all([instantiate(fileA), instantiate(fileB)]);
for (const spec of specs) {
  const [cell, B, H] = spec.split(',');
  const runA = prepare(a, cell, Number(B), Number(H));
  const runB = prepare(b, cell, Number(B), Number(H));
  const [outA, outB] = [runA().slice(), runB().slice()];
  const agree = outA.every((v, i) => Math.abs(v - outB[i]) < 1e-4);
  const timesA = [];
  const timesB = [];
  const start = performance.now();
  while (performance.now() - start < Number(process.env.AB_MS ?? 1500) || timesA.length < 7) {
    let t = performance.now();
    runA();
    timesA.push(performance.now() - t);
    t = performance.now();
    runB();
    timesB.push(performance.now() - t);
  }
  const [ma, mb] = [median(timesA), median(timesB)];
  console.log(`${spec.padEnd(18)} A ${ma.toFixed(3)} ms  B ${mb.toFixed(3)} ms  B/A ${(mb / ma).toFixed(3)}${agree ? '' : '  (outputs differ: the builds compute different things)'}`);
}
