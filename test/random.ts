// A tiny seeded generator so randomized tests are reproducible.
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** float32-exact values uniform in [-scale, scale). */
export function randomFloats(random: () => number, length: number, scale = 1): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = (random() * 2 - 1) * scale;
  return out;
}

/** A (B, T) 0/1 mask with gaps, leading and trailing padding, and sometimes an empty row. */
export function randomMask(random: () => number, batch: number, timesteps: number): Float32Array {
  const mask = new Float32Array(batch * timesteps);
  for (let i = 0; i < mask.length; i++) mask[i] = random() < 0.7 ? 1 : 0;
  if (batch > 2) mask.fill(0, timesteps, 2 * timesteps);
  return mask;
}
