// The host's copy of the run descriptor layout (assembly/run.ts documents it;
// test/kernels-abi.test.ts checks every constant against the module's globals).

export const RUN = {
  DIRECTIONS: 0, MERGE: 1, MERGE_FLOATS: 2, B: 3, T: 4, D: 5, X: 6, MASK: 7, CHUNK: 8, SCRATCH: 9,
  TAPE: 10, STATE: 11, HEADER_WORDS: 16,
} as const;

export const DIR = {
  CELL: 0, H: 1, HP: 2, ACT: 3, RACT: 4, FLAGS: 5, KERNEL: 6, RECURRENT: 7, H0: 8, C0: 9,
  OUT: 10, OUT_BATCH_STRIDE: 11, OUT_STEP_STRIDE: 12, H_OUT: 13, C_OUT: 14, WORDS: 16,
} as const;

export const FLAG = {
  RETURN_SEQUENCES: 1, GO_BACKWARDS: 2, ZERO_OUTPUT_FOR_MASK: 4, OUT_REVERSED: 8,
} as const;

/** Words of a descriptor with `directions` direction blocks. */
export function runDescriptorWords(directions: number): number {
  return RUN.HEADER_WORDS + directions * DIR.WORDS;
}

export interface RunHeader {
  merge: number;
  mergeFloats: number;
  B: number;
  T: number;
  D: number;
  x: number;
  mask: number;
  chunk: number;
  scratch: number;
  /** A stream's persistent seen flags (B bytes), or 0 / absent: every run starts unseen. */
  state?: number;
}

export interface RunDirection {
  cell: number;
  H: number;
  Hp: number;
  act: number;
  ract: number;
  flags: number;
  kernel: number;
  recurrent: number;
  h0: number;
  c0: number;
  out: number;
  outBatchStride: number;
  outStepStride: number;
  hOut: number;
  cOut: number;
}

/** Writes a descriptor into `words` (a view of its bytes in the module's memory). */
export function writeRunDescriptor(words: Int32Array, header: RunHeader, directions: readonly RunDirection[]): void {
  words.fill(0);
  words[RUN.DIRECTIONS] = directions.length;
  words[RUN.MERGE] = header.merge;
  words[RUN.MERGE_FLOATS] = header.mergeFloats;
  words[RUN.B] = header.B;
  words[RUN.T] = header.T;
  words[RUN.D] = header.D;
  words[RUN.X] = header.x;
  words[RUN.MASK] = header.mask;
  words[RUN.CHUNK] = header.chunk;
  words[RUN.SCRATCH] = header.scratch;
  words[RUN.STATE] = header.state ?? 0;
  directions.forEach((d, i) => {
    const at = RUN.HEADER_WORDS + i * DIR.WORDS;
    words[at + DIR.CELL] = d.cell;
    words[at + DIR.H] = d.H;
    words[at + DIR.HP] = d.Hp;
    words[at + DIR.ACT] = d.act;
    words[at + DIR.RACT] = d.ract;
    words[at + DIR.FLAGS] = d.flags;
    words[at + DIR.KERNEL] = d.kernel;
    words[at + DIR.RECURRENT] = d.recurrent;
    words[at + DIR.H0] = d.h0;
    words[at + DIR.C0] = d.c0;
    words[at + DIR.OUT] = d.out;
    words[at + DIR.OUT_BATCH_STRIDE] = d.outBatchStride;
    words[at + DIR.OUT_STEP_STRIDE] = d.outStepStride;
    words[at + DIR.H_OUT] = d.hOut;
    words[at + DIR.C_OUT] = d.cOut;
  });
}
