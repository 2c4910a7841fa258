// What both GRU variants share (Keras gate order z, r, h).
import { ACT_SIGMOID, ACT_TANH } from "../activations";
import { madd, splat } from "../simd";

// @ts-ignore: decorator
@inline export function blend(z: v128, hPrev: v128, candidate: v128): v128 {
  // z*h + (1-z)*cand, the order Keras evaluates it in.
  return madd(z, hPrev, f32x4.mul(f32x4.sub(splat(1.0), z), candidate));
}

// Keras' defaults (tanh, sigmoid) get copies with the activations resolved at
// compile time; other activations dispatch per vector.
// @ts-ignore: decorator
@inline export function is_default(act: i32, ract: i32): bool {
  return act == ACT_TANH && ract == ACT_SIGMOID;
}
