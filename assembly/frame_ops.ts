// Per-frame layers of a stream whose `predict` runs on the host (src/layers): merges,
// BatchNormalization and LayerNormalization (and the Activation layer, whose function predict
// runs in WebAssembly too: assembly/keras_activations.ts). Each repeats the host's
// arithmetic operation for operation, so that a streamed frame is bit-identical to predict:
// float32 where the host stores into a Float32Array after every operation (the merges),
// float64 where it computes in JavaScript numbers and rounds once on the store (the rest).
// Operands are read from the op's words as in assembly/stream.ts; every value is `rows`
// rows of `width` floats. The host mirrors the constants (src/kernels/stream-program.ts); they are
// not exported, and test/streaming-layers.test.ts runs every kind against predict.
import { f32_keras_activation } from "./keras_activations";

/** Element-wise merges (src/layers/merge.ts). */
export const FRAME_MERGE_ADD: i32 = 0;
export const FRAME_MERGE_SUBTRACT: i32 = 1;
export const FRAME_MERGE_MULTIPLY: i32 = 2;
export const FRAME_MERGE_AVERAGE: i32 = 3;
export const FRAME_MERGE_MAXIMUM: i32 = 4;
export const FRAME_MERGE_MINIMUM: i32 = 5;
/** Words of one merge input: pointer, width (the frame's or 1, broadcast), mask (or 0). */
export const FRAME_MERGE_INPUT_WORDS: i32 = 3;

// @ts-ignore: decorator
@inline function word(op: usize, i: i32): i32 {
  return load<i32>(op + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function address(op: usize, i: i32): usize {
  return <usize>load<u32>(op + (<usize>i << 2));
}

/**
 * Operands (from word `at`): out, rows, width, kind, maskAware, count, then count inputs of
 * FRAME_MERGE_INPUT_WORDS. maskAware: Keras 3's Multiply, Maximum and Minimum, which keep
 * masked rows of an input out of the result.
 */
export function frame_merge(op: usize, at: i32): void {
  const out = address(op, at);
  const rows = word(op, at + 1);
  const width = word(op, at + 2);
  const kind = word(op, at + 3);
  const maskAware = word(op, at + 4) != 0;
  const count = word(op, at + 5);
  const inputs = op + (<usize>(at + 6) << 2);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < width; j++) {
      let result: f32;
      if (kind == FRAME_MERGE_MULTIPLY) result = multiply(inputs, count, r, j, maskAware);
      else if (kind == FRAME_MERGE_MAXIMUM || kind == FRAME_MERGE_MINIMUM) result = extremum(inputs, count, r, j, maskAware, kind == FRAME_MERGE_MAXIMUM);
      else {
        result = input_value(inputs, 0, r, j);
        for (let k = 1; k < count; k++) {
          const v = input_value(inputs, k, r, j);
          result = kind == FRAME_MERGE_SUBTRACT ? result - v : result + v;
        }
        if (kind == FRAME_MERGE_AVERAGE) result = result / <f32>count;
      }
      store<f32>(out + ((<usize>r * width + j) << 2), result);
    }
  }
}

// @ts-ignore: decorator
@inline function input_value(inputs: usize, k: i32, r: i32, j: i32): f32 {
  const at = inputs + (<usize>(k * FRAME_MERGE_INPUT_WORDS) << 2);
  const w = load<i32>(at, 4);
  return load<f32>(<usize>load<u32>(at) + ((<usize>r * w + (w == 1 ? 0 : j)) << 2));
}

/** Whether input k has a mask (and maskAware). */
// @ts-ignore: decorator
@inline function has_mask(inputs: usize, k: i32, maskAware: bool): bool {
  return maskAware && load<u32>(inputs + (<usize>(k * FRAME_MERGE_INPUT_WORDS + 2) << 2)) != 0;
}

// @ts-ignore: decorator
@inline function row_valid(inputs: usize, k: i32, r: i32): bool {
  return load<f32>(<usize>load<u32>(inputs + (<usize>(k * FRAME_MERGE_INPUT_WORDS + 2) << 2)) + (<usize>r << 2)) != 0;
}

// Keras 3 Multiply: a masked input counts as 1, and where every input is masked the result is 0.
function multiply(inputs: usize, count: i32, r: i32, j: i32, maskAware: bool): f32 {
  let result: f32 = 1;
  let allMasked = maskAware;
  let noneValid = true;
  for (let k = 0; k < count; k++) {
    const masked = has_mask(inputs, k, maskAware);
    const valid = masked ? row_valid(inputs, k, r) : true;
    if (!masked) allMasked = false;
    if (valid) noneValid = false;
    result = result * (masked && !valid ? <f32>1 : input_value(inputs, k, r, j));
  }
  return allMasked && noneValid ? 0 : result;
}

// Keras 3 Maximum / Minimum: a masked input takes the running result's value and vice versa;
// the running result has a mask while every input so far had one (their OR).
function extremum(inputs: usize, count: i32, r: i32, j: i32, maskAware: bool, isMax: bool): f32 {
  let result = input_value(inputs, 0, r, j);
  let resultMasked = has_mask(inputs, 0, maskAware);
  let resultValid = resultMasked ? row_valid(inputs, 0, r) : true;
  for (let k = 1; k < count; k++) {
    let x = input_value(inputs, k, r, j);
    const masked = has_mask(inputs, k, maskAware);
    const valid = masked ? row_valid(inputs, k, r) : true;
    if (masked && !valid) x = result;
    if (resultMasked && !resultValid) result = x;
    result = isMax ? max(result, x) : min(result, x);
    if (masked && resultMasked) resultValid = valid || resultValid;
    else resultMasked = false;
  }
  return result;
}

/** Operands: x, rows, width, scale (f64 per feature), shift (f64), out: out = x * scale + shift (BatchNormalization). */
export function frame_affine(op: usize, at: i32): void {
  const x = address(op, at);
  const rows = word(op, at + 1);
  const width = word(op, at + 2);
  const scale = address(op, at + 3);
  const shift = address(op, at + 4);
  const out = address(op, at + 5);
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * width;
    for (let c = 0; c < width; c++) {
      const v = <f64>load<f32>(x + ((row + c) << 2));
      store<f32>(out + ((row + c) << 2), <f32>(v * load<f64>(scale + (<usize>c << 3)) + load<f64>(shift + (<usize>c << 3))));
    }
  }
}

/**
 * Operands: x, rows, width, gamma (f32 or 0), beta (f32 or 0), epsilon (f64, two words),
 * rmsScaling, out: LayerNormalization over each row's features, in the host's order.
 */
export function frame_layer_norm(op: usize, at: i32): void {
  const x = address(op, at);
  const rows = word(op, at + 1);
  const width = word(op, at + 2);
  const gamma = address(op, at + 3);
  const beta = address(op, at + 4);
  const epsilon = load<f64>(op + (<usize>(at + 5) << 2));
  const rms = word(op, at + 7) != 0;
  const out = address(op, at + 8);
  const count = <f64>width;
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * width) << 2);
    let sum: f64 = 0;
    for (let c = 0; c < width; c++) sum += <f64>load<f32>(row + (<usize>c << 2));
    let sumSquares: f64 = 0;
    for (let c = 0; c < width; c++) {
      const d = <f64>load<f32>(row + (<usize>c << 2)) - sum / count;
      sumSquares += d * d;
    }
    const mean = sum / count;
    const inv = 1 / Math.sqrt(sumSquares / count + epsilon);
    const to = out + ((<usize>r * width) << 2);
    for (let c = 0; c < width; c++) {
      const v = <f64>load<f32>(row + (<usize>c << 2));
      const centred = rms ? v : v - mean;
      const g: f64 = gamma != 0 ? <f64>load<f32>(gamma + (<usize>c << 2)) : 1;
      const b: f64 = beta != 0 ? <f64>load<f32>(beta + (<usize>c << 2)) : 0;
      store<f32>(to + (<usize>c << 2), <f32>(centred * inv * g + b));
    }
  }
}

/**
 * Operands: x, count (floats), kind (a KERAS_ACT_* of assembly/keras_activations.ts), out, width,
 * params (the parameter kinds' float32 parameters, or 0): the same function predict applies
 * (src/layers/activation-functions.ts), softmaxes (and PReLU's alphas) over rows of width.
 */
export function frame_activation(op: usize, at: i32): void {
  f32_keras_activation(address(op, at), address(op, at + 3), word(op, at + 1), word(op, at + 4), word(op, at + 2), address(op, at + 5));
}

/**
 * GlobalMaxPooling1D and GlobalAveragePooling1D over the frames so far (assembly/conv.ts
 * pool_forward over the prefix, or the host's masked mean). Operands: x, rows, width, mask (or 0),
 * maskGiven (a word, or 0), state, out, average. state: f64 sums (rows * width), f64 counts (rows),
 * f32 sums or maxima (rows * width), then the i32 step count; zero at the start of a sequence.
 * A mean is predict's float32 sum over the steps divided by their count, unless the input has a
 * Keras mask: then it is the host's float64 sum over the valid steps over their count. A mask that
 * is only the stream's per-frame mask counts once a step has been given one (the maskGiven word):
 * predict sees no mask before that, and the mask of the whole prefix after.
 */
export function frame_time_pool(op: usize, at: i32): void {
  const x = address(op, at);
  const rows = word(op, at + 1);
  const width = word(op, at + 2);
  const mask = address(op, at + 3);
  const maskGiven = address(op, at + 4);
  const state = address(op, at + 5);
  const out = address(op, at + 6);
  const average = word(op, at + 7) != 0;
  const values = <usize>rows * width;
  const sums64 = state;
  const counts = sums64 + (values << 3);
  const acc = counts + (<usize>rows << 3);
  const stepsAt = acc + (values << 2);
  const steps = load<i32>(stepsAt) + 1;
  store<i32>(stepsAt, steps);
  const masked = mask != 0 && (maskGiven == 0 || load<i32>(maskGiven) != 0);
  for (let r = 0; r < rows; r++) {
    const valid = mask == 0 || load<f32>(mask + (<usize>r << 2)) != 0;
    const count = load<f64>(counts + (<usize>r << 3)) + (valid ? 1 : 0);
    store<f64>(counts + (<usize>r << 3), count);
    for (let c = 0; c < width; c++) {
      const i = <usize>r * width + c;
      const v = load<f32>(x + (i << 2));
      const a = acc + (i << 2);
      if (!average) {
        store<f32>(a, steps == 1 ? v : max(load<f32>(a), v));
        store<f32>(out + (i << 2), load<f32>(a));
        continue;
      }
      store<f32>(a, load<f32>(a) + v);
      const s = sums64 + (i << 3);
      if (valid) store<f64>(s, load<f64>(s) + <f64>v);
      store<f32>(out + (i << 2), masked ? <f32>(load<f64>(s) / count) : load<f32>(a) / <f32>steps);
    }
  }
}
