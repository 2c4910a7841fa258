// The uniform [0, 1) source behind fit's shuffling and Dropout's masks in training.

export type RandomSource = () => number;

/** A uniform generator (mulberry32) for shuffling and dropout. */
export function seededGenerator(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniformly random order of 0..n-1 (Fisher-Yates), as fit draws one every epoch. */
export function permutation(n: number, random: RandomSource): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
