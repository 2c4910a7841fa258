// The WebAssembly module's exports as the host sees them: pointers and sizes
// are numbers, booleans are 0/1. The module also exports its id and layout
// constants as globals (ACT_*, CELL_*, MERGE_*, RUN_*, DIR_*, FLAG_*), which
// test/kernels-abi.test.ts compares with the host's mirrors.

export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  heap_base(): number;
  kernel_uses_relaxed_simd(): number;
  /** out (n) = act(x (n)). */
  f32_vactivate(out: number, x: number, n: number, kind: number): void;
  /** x (rows, ld): softmax over each row's first cols floats, in place. */
  f32_softmax_rows(x: number, rows: number, cols: number, ld: number): void;
  /** out (count) = a Keras activation (KERAS_ACTIVATION kind) of x (count) in float64; the normalising ones over rows of width. out may be x, except for sparsemax. */
  f32_keras_activation(x: number, out: number, count: number, width: number, kind: number, params: number): void;
  /** c (M, N; ldc) = [c +] bias + a (M, K; lda) · packed (K, N); packA: f32_gemm_pack_bytes(M, K) of scratch. */
  f32_gemm(c: number, ldc: number, a: number, lda: number, packed: number, M: number, N: number, K: number, accumulate: number, packA: number): void;
  /** packed = src (K, G*H; srcLd) as G column blocks padded to Hp, bias (G*H) or 0 first. */
  f32_gemm_pack_weights(packed: number, src: number, srcLd: number, bias: number, K: number, G: number, H: number, Hp: number): void;
  /** Bytes of packing buffer f32_gemm needs for M rows of K floats. */
  f32_gemm_pack_bytes(M: number, K: number): number;
  /** Interleaves a packed (K, N) matrix in place for one-row products (tag it with PACKED_INTERLEAVED); scratch: (K + 1) * 128 bytes. */
  f32_gemm_interleave_panels(packed: number, K: number, N: number, scratch: number): void;
  /** Floats of a packed (K, N) matrix. */
  f32_packed_size(K: number, N: number): number;
  /** Runs the run descriptor at `run` (assembly/run.ts). */
  recurrent_run(run: number): void;
  /** Scratch bytes of one run, exact (an f64): the host refuses sizes past the address space. */
  recurrent_scratch_bytes(cell: number, B: number, D: number, H: number, Hp: number, chunk: number): number;
  /** Bytes of one direction's training tape, exact (an f64). */
  recurrent_tape_bytes(cell: number, B: number, T: number, Hp: number): number;
  /** Backpropagates the training descriptor at `run` (assembly/backward.ts). */
  recurrent_backward(run: number): void;
  /** Scratch bytes of one direction's backward pass, exact (an f64). */
  recurrent_backward_scratch_bytes(cell: number, B: number, T: number, Hp: number): number;
  /** Floats of a cell's packed transposed recurrent weights. */
  recurrent_transposed_floats(cell: number, Hp: number): number;
  /** c (M, N; ldc) = [c +] aᵀ · b; a (K, M; lda), b (K, N; ldb); scratch: f32_gemm_tn_scratch_bytes() bytes. */
  f32_gemm_tn(c: number, ldc: number, a: number, lda: number, b: number, ldb: number, M: number, N: number, K: number, accumulate: number, scratch: number): void;
  /** Bytes of scratch one f32_gemm_tn call needs, whatever its shapes. */
  f32_gemm_tn_scratch_bytes(): number;
  /** dst = the transpose (N, Kp) of the (K, N) matrix src that f32_gemm_pack_weights packed, packed the same way. */
  f32_packed_transpose(dst: number, src: number, K: number, N: number): void;
  /** packed = the transpose of src's G gate blocks of H columns (src (N, G*H; srcLd)), as a (G*Hp, Np) f32_gemm operand. */
  f32_gemm_pack_transposed(packed: number, src: number, srcLd: number, G: number, H: number, Hp: number, N: number, Np: number): void;
  /** out (cols) = [out +] column sums of a (rows, cols; lda). */
  f32_column_sums(out: number, a: number, lda: number, rows: number, cols: number, accumulate: number): void;
  /** dst rows += src rows. */
  f32_add_rows(dst: number, dstStride: number, src: number, srcStride: number, rows: number, cols: number): void;
  /** Optimizer updates over flat float32 buffers of n floats, n a multiple of 4 (assembly/optimizer.ts); 0 = no such slot. */
  f32_weight_decay(w: number, n: number, factor: number): void;
  f32_sgd_update(w: number, g: number, m: number, n: number, lr: number, momentum: number, nesterov: number): void;
  f32_adam_update(w: number, g: number, m: number, v: number, vhat: number, n: number, alpha: number, beta1: number, beta2: number, epsilon: number): void;
  f32_rmsprop_update(w: number, g: number, v: number, avg: number, mom: number, n: number, lr: number, rho: number, epsilon: number, momentum: number): void;
  f32_adagrad_update(w: number, g: number, acc: number, n: number, lr: number, epsilon: number): void;
  f32_nadam_update(w: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, epsilon: number, u1: number, d1: number, c: number, d0: number, d2: number): void;
  f32_adamax_update(w: number, g: number, m: number, u: number, n: number, lr: number, beta1: number, beta2: number, epsilon: number, correction: number): void;
  f32_adadelta_update(w: number, g: number, acc: number, accDelta: number, n: number, lr: number, rho: number, epsilon: number): void;
  f32_lion_update(w: number, g: number, m: number, n: number, lr: number, beta1: number, beta2: number): void;
  f32_ftrl_update(w: number, g: number, acc: number, linear: number, n: number, lr: number, power: number, l1: number, twiceL2: number, shrinkage: number): void;
  f32_sum_squares(g: number, n: number): number;
  f32_scale_divide(g: number, n: number, scale: number, divisor: number): void;
  f32_clip_values(g: number, n: number, c: number): void;
  cell_gate_count(cell: number): number;
  cell_state_count(cell: number): number;
  cell_work_blocks(cell: number): number;
  f32_copy_rows(dst: number, dstStride: number, src: number, srcStride: number, rows: number, cols: number): void;
  lstm_gates(h: number, c: number, pre: number, Hp: number, act: number, ract: number): void;
  gru_gates_reset_after(h: number, pre: number, rec: number, Hp: number, act: number, ract: number): void;
  gru_gates_reset_before_zr(rh: number, rec: number, h: number, pre: number, Hp: number, ract: number): void;
  gru_gates_reset_before_update(h: number, preCandidate: number, z: number, Hp: number, act: number): void;
  simple_rnn_gates(h: number, pre: number, Hp: number, act: number): void;
  f32_merge(out: number, forward: number, backward: number, n: number, mode: number): void;
  /** Floats of a convolution's packed weights for the geometry block at geom (assembly/conv.ts). */
  conv_packed_floats(geom: number): number;
  /** Packs a Keras kernel (kD, kH, kW, C/groups, F) and bias (F) or 0 for conv_forward. */
  conv_pack_weights(packed: number, kernel: number, bias: number, geom: number): void;
  /** Scratch bytes of one conv_forward, exact (an f64). */
  conv_scratch_bytes(geom: number): number;
  /** Output rows one GEMM of conv_forward covers. */
  conv_chunk_rows(geom: number): number;
  /** out (rows, ldOut) = [out +] bias + x ⋆ kernel over the geometry at geom. */
  conv_forward(geom: number, x: number, packed: number, out: number, ldOut: number, accumulate: number, scratch: number): void;
  /** out = max (mode 0) or mean (mode 1) over each window of x, padded taps excluded. */
  pool_forward(geom: number, x: number, out: number, mode: number): void;
  /** A whole ConvLSTM sequence for the descriptor at run (assembly/conv_lstm.ts). */
  conv_lstm_run(run: number): void;
  /** Runs a stream's per-frame program (assembly/stream.ts). */
  stream_step(program: number): void;
  /** G += the products of V's column panels [first, last), through `scratch` (orthonormal_scratch_bytes). */
  f32_gram_band(g: number, w: number, scratch: number, rows: number, first: number, last: number): void;
  orthonormal_scratch_bytes(rows: number, blocks: number): number;
  /** Rows first.. of L, G = L·Lᵀ, packed as float32 or (packF64) float64; 0, or 1 + the row whose pivot kept at most minRatio of its squared norm. */
  f64_cholesky_rows(g: number, n: number, first: number, count: number, packed: number, minRatio: number, packF64: number): number;
  /** Q = L⁻¹·V in column panels [first, last), each panel then written out (times gain, as rows or as the tall matrix): output rows below headRows at head, the rest at tail (0: none, the panels keep Q). */
  f32_substitute_panels(w: number, rows: number, packed: number, first: number, last: number, sums: number, head: number, headRows: number, tail: number, n: number, m: number, gain: number, asRows: number): void;
  orthonormal_packed_floats(n: number): number;
  /** Groups [from, to) of V's column panels (group b·n + j: entries 8b.. of vector j): drawn from the lanes in `state`, or from source when it is not 0. */
  orthonormal_fill(state: number, source: number, w: number, rows: number, n: number, m: number, from: number, to: number): void;
  orthonormal_pad(w: number, rows: number, n: number, m: number): void;
  f64_norm_deviation(sums: number, n: number): number;
  /** Float64 panels of V from its float32 column panels; vectors n..rows-1 zero (assembly/orthonormal_f64.ts). */
  orthonormal_widen(out: number, w: number, rows: number, n: number, blocks: number): void;
  orthonormal_f64_scratch_bytes(rows: number, panels: number): number;
  /** G += the products of V's float64 panels [first, last), through `scratch`. */
  f64_gram_band(g: number, w: number, scratch: number, rows: number, first: number, last: number): void;
  /** Q = L⁻¹·V in float64 panels [first, last), in place; squared row norms added to sums. */
  f64_substitute_panels(w: number, rows: number, packed: number, first: number, last: number, sums: number): void;
  /** Q's n vectors times gain, rounded to float32, as rows (n×m) or as the tall m×n matrix. */
  f64_orthonormal_write(out: number, w: number, rows: number, n: number, m: number, gain: number, asRows: number): void;
  /** out (count float32) = minval + (maxval - minval)·uniform() from the sfc32 words at `state`, which advance. */
  random_uniform_f32(state: number, out: number, count: number, minval: number, maxval: number): void;
  /** The four normal lanes at `state` seeded from its sfc32 words (as fillLaneNormals seeds them). */
  random_seed_lanes(state: number): void;
  /** out (count float32) = the lanes' next normals (fillLaneNormals' values), eight at a time. */
  random_normal_f32(state: number, out: number, count: number): void;
}
