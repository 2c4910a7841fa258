// Kernel exports. Everything works on raw pointers into this module's memory;
// the TypeScript side (src/kernels) owns allocation, shapes and validation.
// The id and layout constants are exported as globals so that the host's
// mirrors of them are tested against the module (test/kernels-abi.test.ts).
export { f32_vactivate, f32_softmax_rows } from "./activations";
export { f32_keras_activation } from "./keras_activations";
export {
  ACT_LINEAR, ACT_TANH, ACT_SIGMOID, ACT_HARD_SIGMOID_K3, ACT_HARD_SIGMOID_K2, ACT_RELU, ACT_RELU6,
  ACT_ELU, ACT_SELU, ACT_SOFTSIGN, ACT_EXPONENTIAL, ACT_SILU,
} from "./activations";
export { f32_gemm, f32_gemm_pack_weights, f32_gemm_pack_bytes, f32_packed_size, f32_gemm_interleave_panels, PACKED_INTERLEAVED } from "./gemm";
export { recurrent_run, recurrent_scratch_bytes, recurrent_tape_bytes, f32_copy_rows } from "./sequence";
export { recurrent_backward, recurrent_backward_scratch_bytes, recurrent_transposed_floats } from "./backward";
export { f32_gemm_tn, f32_gemm_tn_scratch_bytes, f32_gemm_pack_transposed, f32_packed_transpose, f32_column_sums, f32_add_rows } from "./gemm_backward";
export { cell_gate_count, cell_state_count, cell_work_blocks } from "./cells/index";
export { CELL_SIMPLE_RNN, CELL_LSTM, CELL_GRU_RESET_AFTER, CELL_GRU_RESET_BEFORE } from "./cells/index";
export * from "./run-words";
export { lstm_gates } from "./cells/lstm";
export { gru_gates_reset_after } from "./cells/gru_reset_after";
export { gru_gates_reset_before_zr, gru_gates_reset_before_update } from "./cells/gru_reset_before";
export { simple_rnn_gates } from "./cells/simple_rnn";
export {
  conv_forward, conv_pack_weights, conv_packed_floats, conv_scratch_bytes, conv_chunk_rows, pool_forward,
  CONV_N, CONV_IN, CONV_CHANNELS, CONV_OUT, CONV_FILTERS, CONV_GROUPS, CONV_KERNEL, CONV_STRIDES, CONV_DILATIONS, CONV_PAD, CONV_WORDS,
  POOL_MAX, POOL_AVERAGE,
} from "./conv";
export { conv_lstm_run, CONV_LSTM_RETURN_SEQUENCES, CONV_LSTM_GO_BACKWARDS, CONV_LSTM_WORDS } from "./conv_lstm";
export { f32_merge, MERGE_SUM, MERGE_MUL, MERGE_AVE } from "./merge";
export {
  f32_gram_band, orthonormal_scratch_bytes, f64_cholesky_rows, f32_substitute_panels, orthonormal_packed_floats,
  orthonormal_fill, orthonormal_pad, f64_norm_deviation,
} from "./orthonormal";
export { orthonormal_widen, orthonormal_f64_scratch_bytes, f64_gram_band, f64_substitute_panels, f64_orthonormal_write } from "./orthonormal_f64";
export { random_uniform_f32, random_seed_lanes, random_normal_f32, RANDOM_STATE_BYTES } from "./random";

/** First byte past the module's static data: the host allocates from here up. */
export function heap_base(): usize {
  return __heap_base;
}

/** 1 in the relaxed-SIMD build (fused multiply-add), 0 in the plain SIMD build. */
export function kernel_uses_relaxed_simd(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
export {
  stream_step, STREAM_OP_RECURRENT, STREAM_OP_DENSE, STREAM_OP_GATHER, STREAM_OP_MASKING, STREAM_OP_COPY_ROWS,
  STREAM_OP_MASK_ANY, STREAM_OP_MERGE, STREAM_OP_AFFINE, STREAM_OP_LAYER_NORM, STREAM_OP_ACTIVATION, STREAM_OP_MASK_ALL, STREAM_OP_TIME_POOL,
  STREAM_OP_SOFTMAX, STREAM_OP_CONV, STREAM_OP_POOL, STREAM_OP_PERMUTE, STREAM_OP_CONV_LSTM, STREAM_OP_TICK, STREAM_OP_GATE, STREAM_OP_HEADER_WORDS,
} from "./stream";
export {
  f32_weight_decay, f32_sgd_update, f32_adam_update, f32_rmsprop_update, f32_adagrad_update,
  f32_sum_squares, f32_scale_divide, f32_clip_values,
} from "./optimizer";
export { f32_nadam_update, f32_adamax_update, f32_adadelta_update, f32_lion_update, f32_ftrl_update } from "./optimizer_extra";
