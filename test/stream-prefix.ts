// Streaming against predict on prefixes: step t of a stream must return, bit for bit, what
// predict returns on x[:, 0..t]. Shared by the streaming test files.
import { expect } from 'vitest';
import { BatchNormalization, TimeDistributed, tensor, type Layer, type ModelBase, type Stream, type Tensor } from '../dist/index.js';
import { randomFloats, seededRandom } from './random.js';

/** Frame t of x (B, T, W): row b is x[b, t, :]. */
export function frameAt(x: Float32Array, B: number, T: number, W: number, t: number): Float32Array {
  const frame = new Float32Array(B * W);
  for (let b = 0; b < B; b++) frame.set(x.subarray((b * T + t) * W, (b * T + t + 1) * W), b * W);
  return frame;
}

/** x[:, 0..t] of x (B, T, W), as a tensor (B, t+1, W) (or (B, t+1) for W = 0: ids). */
export function prefix(x: Float32Array, B: number, T: number, W: number, t: number): Tensor {
  const w = Math.max(W, 1);
  const out = new Float32Array(B * (t + 1) * w);
  for (let b = 0; b < B; b++) out.set(x.subarray(b * T * w, (b * T + t + 1) * w), b * (t + 1) * w);
  return tensor(out, W === 0 ? [B, t + 1] : [B, t + 1, W]);
}

/** What step t must return: predict's last output, or its step t of a sequence output (each step a frame of any shape). */
export function expectedStep(result: Tensor, B: number, t: number): Float32Array {
  if (result.rank === 2) return result.data;
  const W = result.shape.slice(2).reduce((p, d) => p * d, 1);
  const out = new Float32Array(B * W);
  for (let b = 0; b < B; b++) out.set(result.data.subarray((b * (t + 1) + t) * W, (b * (t + 1) + t + 1) * W), b * W);
  return out;
}

/** Streams x (B, T, W) frame by frame and compares every step with `predictPrefix`, exactly. */
export function expectStreamMatchesPrefixes(
  stream: Stream, x: Float32Array, B: number, T: number, W: number,
  predictPrefix: (p: Tensor, t: number) => Tensor, frameOf: (f: Float32Array) => Float32Array | Int32Array = (f) => f,
): void {
  for (let t = 0; t < T; t++) {
    const got = stream.step(frameOf(frameAt(x, B, T, Math.max(W, 1), t)));
    const want = expectedStep(predictPrefix(prefix(x, B, T, W, t), t), B, t);
    expect(Array.from(got), `step ${t}`).toEqual(Array.from(want));
  }
}


/** A stream of `model` against predict on every prefix, then again after reset(). */
export function expectMatchesAroundReset(model: ModelBase, x: Float32Array, B: number, T: number, D: number): void {
  const stream = model.stream({ batchSize: B });
  expectStreamMatchesPrefixes(stream, x, B, T, D, (p) => model.predict(p) as Tensor);
  stream.reset();
  expectStreamMatchesPrefixes(stream, x, B, T, D, (p) => model.predict(p) as Tensor);
  stream.dispose();
}

/** Random weights for every layer of `layers` (BatchNormalization's variances, also under TimeDistributed, kept positive). */
export function randomize(layers: readonly Layer[], seed: number): void {
  const random = seededRandom(seed);
  for (const layer of layers) {
    const inner = layer instanceof TimeDistributed ? layer.layer : layer;
    layer.setWeights(layer.getWeights().map((w, i) => {
      const data = randomFloats(random, w.size, 1.2);
      if (inner instanceof BatchNormalization && i === 3) data.forEach((v, j) => { data[j] = Math.abs(v) + 0.1; });
      return tensor(data, [...w.shape]);
    }));
  }
}
