// SimpleRNN cell.
import { f32x4_activate, ACT_TANH } from "./activations";

/** h (Hp) = act(pre), pre (Hp) = x·W + b + h·U. */
export function simple_rnn_gates(h: usize, pre: usize, Hp: i32, act: i32): void {
  // tanh, Keras' default, gets a copy with the activation resolved at compile time.
  if (act == ACT_TANH) simple_rnn_row(h, pre, Hp, ACT_TANH);
  else simple_rnn_row(h, pre, Hp, act);
}

// @ts-ignore: decorator
@inline function simple_rnn_row(h: usize, pre: usize, Hp: i32, act: i32): void {
  for (let j = 0; j < Hp; j += 4) {
    const off = <usize>j << 2;
    v128.store(h + off, f32x4_activate(v128.load(pre + off), act));
  }
}
