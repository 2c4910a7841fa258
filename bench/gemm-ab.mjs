// f32_gemm A/B: two builds of the kernel module, the same product interleaved call burst by
// call burst in one process, reported as GMAC/s at the 10th percentile and the median of the
// bursts. On the shared 2-core host the median mostly measures the other processes: the 10th
// percentile (bursts of about 50 µs that nobody preempted) is what the kernel does with the core.
//
//   npx asc assembly/index.ts --target release -o /tmp/a.wasm      # before a change
//   npx asc assembly/index.ts --target release -o /tmp/b.wasm      # after it
//   node bench/gemm-ab.mjs /tmp/a.wasm /tmp/b.wasm 1,128,512 32,256,1024    # M,K,N ...
//   node bench/gemm-ab.mjs /tmp/a.wasm /tmp/b.wasm 1,128,512 1,128,512,i    # i: B's weights interleaved
//                                                                           # as a one-row stream's are
//
// M = 1 is the GEMV of a batch-1 recurrent step (h·U, K = H, N = G*Hp) and of a streamed
// frame's projection (x·W, K = D). Relaxed-SIMD builds get the V8 flag they need.
import { setFlagsFromString } from 'node:v8';
import { instantiateKernels } from './kernel-instance.mjs';

const [fileA, fileB, ...specs] = process.argv.slice(2);
if (!fileA || !fileB || specs.length === 0) {
  console.error('usage: node bench/gemm-ab.mjs A.wasm B.wasm M,K,N ...');
  process.exit(2);
}
if ([fileA, fileB].some((f) => f.includes('relaxed'))) setFlagsFromString('--experimental-wasm-relaxed-simd');
const BURSTS = Number(process.env.AB_BURSTS ?? 401);

/** Packs seeded weights once; returns a burst of calls of c = c + bias + a·W, about 50 µs long. */
function prepare({ kernels, alloc }, M, K, N, interleaved) {
  const w = alloc(K * N * 4);
  const bias = alloc(N * 4);
  const a = alloc(M * K * 4);
  const c = alloc(M * N * 4);
  const pack = alloc(kernels.f32_gemm_pack_bytes(M, K));
  const packed = alloc(kernels.f32_packed_size(K, N) * 4);
  const f32 = (ptr, n) => new Float32Array(kernels.memory.buffer, ptr, n);
  f32(w, K * N).set(Float32Array.from({ length: K * N }, (_, i) => Math.sin(i * 12.9898) * 0.1));
  f32(bias, N).set(Float32Array.from({ length: N }, (_, i) => Math.cos(i) * 0.1));
  f32(a, M * K).set(Float32Array.from({ length: M * K }, (_, i) => Math.cos(i * 0.7)));
  kernels.f32_gemm_pack_weights(packed, w, N, bias, K, 1, N, N);
  let tag = 0;
  if (interleaved) {
    kernels.f32_gemm_interleave_panels(packed, K, N, alloc((K + 1) * 128));
    tag = 1; // PACKED_INTERLEAVED
  }
  const calls = Math.max(1, Math.round(5e5 / (M * K * N)));
  const burst = () => {
    for (let i = 0; i < calls; i++) kernels.f32_gemm(c, N, a, K, packed + tag, M, N, K, 1, pack);
  };
  const result = () => {
    f32(c, M * N).fill(0);
    kernels.f32_gemm(c, N, a, K, packed + tag, M, N, K, 1, pack);
    return f32(c, M * N).slice();
  };
  return { burst, result, calls };
}

const builds = await Promise.all([instantiateKernels(fileA), instantiateKernels(fileB)]);
for (const spec of specs) {
  const [M, K, N] = spec.split(',').slice(0, 3).map(Number);
  const interleaved = spec.endsWith(',i');
  const runs = builds.map((build, i) => prepare(build, M, K, N, interleaved && i === 1));
  const [outA, outB] = runs.map((run) => run.result());
  const same = outA.every((v, i) => Object.is(v, outB[i]));
  for (const run of runs) for (let i = 0; i < 20; i++) run.burst();
  const times = runs.map(() => []);
  for (let b = 0; b < BURSTS; b++) {
    runs.forEach((run, i) => {
      const start = performance.now();
      run.burst();
      times[i].push(((performance.now() - start) * 1000) / run.calls);
    });
  }
  const at = (list, q) => [...list].sort((x, y) => x - y)[Math.floor(q * (list.length - 1))];
  const gmacs = (us) => ((M * K * N) / us / 1000).toFixed(1);
  const [p10A, p10B] = times.map((t) => at(t, 0.1));
  const [medA, medB] = times.map((t) => at(t, 0.5));
  console.log(`${spec.padEnd(14)} A ${gmacs(p10A)} (median ${gmacs(medA)})  B ${gmacs(p10B)} (median ${gmacs(medB)}) GMAC/s  ` +
    `B/A time ${(p10B / p10A).toFixed(3)} (median ${(medB / medA).toFixed(3)})${same ? '' : '  (outputs differ)'}`);
}
