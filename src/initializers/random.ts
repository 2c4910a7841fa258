/**
 * Seeded pseudo-random numbers for weight initialization: sfc32 (small, fast, passes
 * PractRand) with its 128-bit state filled by splitmix32 from one integer seed.
 * Values are reproducible across platforms because every step is 32-bit integer math.
 */
import { boxMuller } from './box-muller.js';

const TWO_POW_32 = 2 ** 32;
const TWO_POW_53 = 2 ** 53;

/** A splitmix32 stream: a Weyl sequence passed through the murmur3 finalizer. */
function splitmix32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** @internal */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Box–Muller yields normals in pairs; the second one is kept for the next call. */
  private spareNormal: number | null = null;

  /** `seed` is any safe integer; both 32-bit halves feed the state so large seeds stay distinct. */
  constructor(seed: number) {
    const lowWords = splitmix32(seed >>> 0);
    const highWords = splitmix32(Math.floor(seed / TWO_POW_32) ^ 0x5bd1e995);
    this.a = lowWords() ^ highWords();
    this.b = lowWords() ^ highWords();
    this.c = lowWords() ^ highWords();
    this.d = lowWords() ^ highWords();
    // The usual sfc32 warm-up, so the first outputs do not echo the seeding.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** @internal The four sfc32 state words, for a generator that continues this stream elsewhere (WebAssembly). */
  saveState(): Uint32Array {
    return Uint32Array.of(this.a, this.b, this.c, this.d);
  }

  /** @internal Continues from `words` (as saveState gave them, advanced by the same generator); drops a spare normal. */
  restoreState(words: Uint32Array): void {
    this.a = words[0] | 0;
    this.b = words[1] | 0;
    this.c = words[2] | 0;
    this.d = words[3] | 0;
    this.spareNormal = null;
  }

  /** Next raw 32-bit output of sfc32, as an unsigned integer. */
  nextUint32(): number {
    const result = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + result) | 0;
    return result >>> 0;
  }

  /** Uniform in [0, 1) with full 53-bit double resolution (two 32-bit draws). */
  uniform(): number {
    const high27 = this.nextUint32() >>> 5;
    const low26 = this.nextUint32() >>> 6;
    return (high27 * 2 ** 26 + low26) / TWO_POW_53;
  }

  /** Standard normal N(0, 1) via Box–Muller, the same bits in every engine (no Math.log/cos/sin). */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    const first = this.uniform();
    const [cosine, sine] = boxMuller(first, this.uniform());
    this.spareNormal = sine;
    return cosine;
  }

  /** Standard normal restricted to [-2, 2] by re-drawing, as Keras' truncated_normal does. */
  truncatedNormal(): number {
    for (;;) {
      const z = this.normal();
      if (z >= -2 && z <= 2) return z;
    }
  }
}

/** A fresh, non-reproducible seed for initializers that were given none. @internal */
export function drawRandomSeed(): number {
  return Math.floor(Math.random() * TWO_POW_32);
}
