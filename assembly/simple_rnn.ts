// SimpleRNN cell.
import { f32x4_activate } from "./activations";

/** h (Hp) = act(pre), pre (Hp) = x·W + b + h·U. */
export function simple_rnn_gates(h: usize, pre: usize, Hp: i32, act: i32): void {
  for (let j = 0; j < Hp; j += 4) {
    const off = <usize>j << 2;
    v128.store(h + off, f32x4_activate(v128.load(pre + off), act));
  }
}
