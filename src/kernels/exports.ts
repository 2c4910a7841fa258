// The WebAssembly module's exports as the host sees them: pointers and sizes
// are numbers, booleans are 0/1.

export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  heap_base(): number;
  kernel_uses_relaxed_simd(): number;
  f32_vactivate(out: number, x: number, n: number, kind: number): void;
  f32_softmax_rows(x: number, rows: number, cols: number, ld: number): void;
  f32_gemm(c: number, ldc: number, a: number, lda: number, packed: number, M: number, N: number, K: number, accumulate: number): void;
  f32_pack_gate_panels(packed: number, src: number, srcLd: number, bias: number, K: number, G: number, H: number, Hp: number): void;
  f32_packed_size(K: number, N: number): number;
  recurrent_sequence(
    cell: number,
    out: number, outBatchStride: number, outStepStride: number, outReversed: number,
    hOut: number, cOut: number,
    x: number, mask: number, h0: number, c0: number,
    kernel: number, recurrent: number, recurrentCandidate: number,
    B: number, T: number, D: number, H: number, Hp: number, chunk: number,
    act: number, ract: number,
    returnSequences: number, goBackwards: number, zeroOutputForMask: number,
    scratch: number,
  ): void;
  recurrent_scratch_bytes(cell: number, B: number, Hp: number, chunk: number): number;
  cell_gate_count(cell: number): number;
  f32_copy_rows(dst: number, dstStride: number, src: number, srcStride: number, rows: number, cols: number): void;
  lstm_gates(h: number, c: number, pre: number, Hp: number, act: number, ract: number): void;
  gru_gates_reset_after(h: number, pre: number, rec: number, Hp: number, act: number, ract: number): void;
  gru_gates_reset_before_zr(rh: number, rec: number, h: number, pre: number, Hp: number, ract: number): void;
  gru_gates_reset_before_update(h: number, preCandidate: number, z: number, Hp: number, act: number): void;
  simple_rnn_gates(h: number, pre: number, Hp: number, act: number): void;
  f32_merge(out: number, forward: number, backward: number, n: number, mode: number): void;
}
