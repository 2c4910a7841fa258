// Kernel A/B: times two builds of the kernel module on the raw ABI, interleaved
// run by run in one process, so machine load hits both alike (on a shared
// machine, timings of separate processes move by up to 50%).
//
//   npx asc assembly/index.ts --target relaxed -o /tmp/a.wasm      # before a change
//   npx asc assembly/index.ts --target relaxed -o /tmp/b.wasm      # after it
//   node --experimental-wasm-relaxed-simd bench/kernel-ab.mjs /tmp/a.wasm /tmp/b.wasm LSTM,1,64 GRU,32,256
//   node bench/kernel-ab.mjs /tmp/a.wasm /tmp/b.wasm --grid        # the bench's 18 points
//
// Each spec is timed for AB_MS milliseconds (default 1500); longer runs steady the medians.
// A build is driven through its run descriptor (recurrent_run) or, for builds from before the
// descriptor, through the old positional recurrent_sequence, so old and new can be compared.
//
// Cells: SimpleRNN, LSTM, GRU (reset_after), GRU_BEFORE (reset_before); T = 100, D = 64.
import { CELLS } from '../dist/kernels/cells.js';
import { ActivationId } from '../dist/kernels/ids.js';
import { runDescriptorWords, writeRunDescriptor } from '../dist/kernels/run-descriptor.js';
import { instantiateKernels } from './kernel-instance.mjs';
import { median } from './timing.mjs';

const T = 100;
const D = 64;
const CELL_OF_SPEC = { SimpleRNN: CELLS.simple_rnn, LSTM: CELLS.lstm, GRU: CELLS.gru_reset_after, GRU_BEFORE: CELLS.gru_reset_before };
const GRID = ['SimpleRNN', 'LSTM', 'GRU'].flatMap((cell) => [1, 32].flatMap((B) => [64, 256, 512].map((H) => `${cell},${B},${H}`)));

/** Packs seeded weights and an input as src/kernels/recurrent.ts does, and returns one forward pass. */
function prepare({ kernels, alloc }, spec, B, H) {
  const cell = CELL_OF_SPEC[spec];
  const G = cell.gates.length;
  const Hp = Math.ceil(H / 4) * 4;
  const f32 = (ptr, n) => new Float32Array(kernels.memory.buffer, ptr, n);
  const fill = (ptr, n, seed) => f32(ptr, n).set(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.1));
  const W = alloc(D * G * H * 4);
  const U = alloc(H * G * H * 4);
  const bias = alloc(2 * G * H * 4);
  fill(W, D * G * H, 1);
  fill(U, H * G * H, 2);
  fill(bias, 2 * G * H, 3);
  const pack = kernels.f32_gemm_pack_weights ?? kernels.f32_pack_gate_panels;
  const kernel = alloc(kernels.f32_packed_size(D, G * Hp) * 4);
  pack(kernel, W, G * H, bias, D, G, H, Hp);
  const blocks = cell.recurrentBlocks.map(([from, to]) => kernels.f32_packed_size(H, (to - from) * Hp) * 4);
  const recurrent = alloc(blocks.reduce((a, b) => a + b, 0));
  let at = recurrent;
  cell.recurrentBlocks.forEach(([from, to], i) => {
    const blockBias = i === 0 && cell.recurrentBiasRow !== null ? bias + cell.recurrentBiasRow * G * H * 4 : 0;
    pack(at, U + from * H * 4, G * H, blockBias, H, to - from, H, Hp);
    at += blocks[i];
  });
  const x = alloc(B * T * D * 4);
  fill(x, B * T * D, 4);
  const out = alloc(B * H * 4);
  const chunk = Math.min(T, Math.max(8, Math.floor((1 << 18) / (B * G * Hp))));
  const act = ActivationId.tanh;
  const ract = ActivationId.sigmoid;
  if (kernels.recurrent_run) {
    const scratch = alloc(kernels.recurrent_scratch_bytes(cell.id, B, D, H, Hp, chunk));
    const descriptor = alloc(runDescriptorWords(1) * 4);
    writeRunDescriptor(new Int32Array(kernels.memory.buffer, descriptor, runDescriptorWords(1)), {
      merge: -1, mergeFloats: 0, B, T, D, x, mask: 0, chunk, scratch,
    }, [{
      cell: cell.id, H, Hp, act, ract, flags: 0, kernel, recurrent, h0: 0, c0: 0,
      out, outBatchStride: H, outStepStride: H, hOut: 0, cOut: 0,
    }]);
    return () => {
      kernels.recurrent_run(descriptor);
      return f32(out, B * H);
    };
  }
  // The positional ABI: reset_before's candidate block followed the z|r block in its own argument.
  const candidate = cell.recurrentBlocks.length > 1 ? recurrent + blocks[0] : 0;
  const scratch = alloc(kernels.recurrent_scratch_bytes(cell.id, B, Hp, chunk));
  return () => {
    kernels.recurrent_sequence(cell.id, out, H, H, 0, 0, 0, x, 0, 0, 0, kernel, recurrent, candidate, B, T, D, H, Hp, chunk, act, ract, 0, 0, 0, scratch);
    return f32(out, B * H);
  };
}

const [fileA, fileB, ...rest] = process.argv.slice(2);
const specs = rest.includes('--grid') ? GRID : rest;
if (!fileA || !fileB || specs.length === 0) {
  console.error('usage: node bench/kernel-ab.mjs A.wasm B.wasm (CELL,B,H ... | --grid)');
  process.exit(2);
}
const [a, b] = await Promise.all([instantiateKernels(fileA), instantiateKernels(fileB)]);
const ratios = [];
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
  ratios.push(mb / ma);
  console.log(`${spec.padEnd(18)} A ${ma.toFixed(3)} ms  B ${mb.toFixed(3)} ms  B/A ${(mb / ma).toFixed(3)}${agree ? '' : '  (outputs differ: the builds compute different things)'}`);
}
if (ratios.length > 1) {
  const geomean = Math.exp(ratios.reduce((sum, r) => sum + Math.log(r), 0) / ratios.length);
  console.log(`geometric mean B/A ${geomean.toFixed(3)} over ${ratios.length} points`);
}
