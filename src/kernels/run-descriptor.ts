// The host's copy of the run descriptor layout (assembly/run.ts documents it;
// test/kernels-abi.test.ts checks every constant against the module's globals).

export const RUN = {
  DIRECTIONS: 0, MERGE: 1, MERGE_FLOATS: 2, B: 3, T: 4, D: 5, X: 6, MASK: 7, CHUNK: 8, SCRATCH: 9,
  TAPE: 10, STATE: 11, X_BACKWARD: 12, HEADER_WORDS: 16,
} as const;

export const DIR = {
  CELL: 0, H: 1, HP: 2, ACT: 3, RACT: 4, FLAGS: 5, KERNEL: 6, RECURRENT: 7, H0: 8, C0: 9,
  OUT: 10, OUT_BATCH_STRIDE: 11, OUT_STEP_STRIDE: 12, H_OUT: 13, C_OUT: 14, DROPOUT: 15, WORDS: 16,
} as const;

export const FLAG = {
  RETURN_SEQUENCES: 1, GO_BACKWARDS: 2, ZERO_OUTPUT_FOR_MASK: 4, OUT_REVERSED: 8,
} as const;

/** The backward block of each direction, after all direction blocks (recurrent_backward only). */
export const BWD = {
  D_OUT: 0, D_H_OUT: 1, D_C_OUT: 2, KERNEL_T: 3, RECURRENT_T: 4, D_X: 5, DP: 6, D_KERNEL: 7, D_RECURRENT: 8,
  D_BIAS: 9, D_H0: 10, D_C0: 11, SCRATCH: 12, FLAGS: 13, WORDS: 16,
} as const;

export const BWD_FLAG = { ACCUMULATE_DX: 1 } as const;

/** Words of a descriptor with `directions` direction blocks and their backward blocks. */
export function trainingDescriptorWords(directions: number): number {
  return runDescriptorWords(directions) + directions * BWD.WORDS;
}

export interface BackwardDirection {
  dOut: number;
  dHOut: number;
  dCOut: number;
  kernelT: number;
  recurrentT: number;
  dX: number;
  Dp: number;
  dKernel: number;
  dRecurrent: number;
  dBias: number;
  dH0: number;
  dC0: number;
  scratch: number;
  accumulateDx: boolean;
}

/** Writes the backward blocks into `words`, a view of a whole training descriptor. */
export function writeBackwardBlocks(words: Int32Array, directions: readonly BackwardDirection[]): void {
  directions.forEach((d, i) => {
    const at = runDescriptorWords(directions.length) + i * BWD.WORDS;
    words.fill(0, at, at + BWD.WORDS);
    words[at + BWD.D_OUT] = d.dOut;
    words[at + BWD.D_H_OUT] = d.dHOut;
    words[at + BWD.D_C_OUT] = d.dCOut;
    words[at + BWD.KERNEL_T] = d.kernelT;
    words[at + BWD.RECURRENT_T] = d.recurrentT;
    words[at + BWD.D_X] = d.dX;
    words[at + BWD.DP] = d.Dp;
    words[at + BWD.D_KERNEL] = d.dKernel;
    words[at + BWD.D_RECURRENT] = d.dRecurrent;
    words[at + BWD.D_BIAS] = d.dBias;
    words[at + BWD.D_H0] = d.dH0;
    words[at + BWD.D_C0] = d.dC0;
    words[at + BWD.SCRATCH] = d.scratch;
    words[at + BWD.FLAGS] = d.accumulateDx ? BWD_FLAG.ACCUMULATE_DX : 0;
  });
}

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
  /** The training tape, or 0 / absent for inference. */
  tape?: number;
  /** Direction 1's own input (a Bidirectional's dropout), or 0 / absent: both read x. */
  xBackward?: number;
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
  /** The recurrent-dropout block (assembly/cells/recurrent_dropout.ts), or 0 / absent. */
  dropout?: number;
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
  words[RUN.TAPE] = header.tape ?? 0;
  words[RUN.X_BACKWARD] = header.xBackward ?? 0;
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
    words[at + DIR.DROPOUT] = d.dropout ?? 0;
  });
}
