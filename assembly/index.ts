// Kernel exports. Everything works on raw pointers into this module's memory;
// the TypeScript side (src/kernels) owns allocation, shapes and validation.
export { f32_vactivate, f32_softmax_rows } from "./activations";
export { f32_gemm, f32_pack_gate_panels, f32_packed_size } from "./gemm";
export { recurrent_sequence, recurrent_scratch_bytes, cell_gate_count, f32_copy_rows } from "./sequence";
export { lstm_gates } from "./lstm";
export { gru_gates_reset_after, gru_gates_reset_before_zr, gru_gates_reset_before_update } from "./gru";
export { simple_rnn_gates } from "./simple_rnn";
export { f32_merge } from "./merge";

/** First byte past the module's static data: the host allocates from here up. */
export function heap_base(): usize {
  return __heap_base;
}

/** 1 in the relaxed-SIMD build (fused multiply-add), 0 in the plain SIMD build. */
export function kernel_uses_relaxed_simd(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
