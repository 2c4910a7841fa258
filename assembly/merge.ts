// Bidirectional merges that are not a concatenation (concat is written in
// place by the sequence kernels through output strides).
export const MERGE_SUM: i32 = 0;
export const MERGE_MUL: i32 = 1;
export const MERGE_AVE: i32 = 2;

/** out (n) = merge(forward (n), backward (n)); out may alias forward. */
export function f32_merge(out: usize, forward: usize, backward: usize, n: i32, mode: i32): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 2;
    const a = load<f32>(forward + off);
    const b = load<f32>(backward + off);
    let v: f32;
    if (mode == MERGE_SUM) v = a + b;
    else if (mode == MERGE_MUL) v = a * b;
    else v = (a + b) / 2;
    store<f32>(out + off, v);
  }
}
