// Host side of the optimizer kernels (assembly/optimizer.ts): a model's weights,
// their gradients and each state slot as flat buffers in WebAssembly memory, every
// weight starting on a whole f32x4 vector. The slots live as long as the optimizer
// (Keras keeps them across fit calls); the weights and gradients are written in,
// updated in one call per rule and read back each step.
import { RuntimeError } from '../errors.js';
import type { KernelInstance } from './instance.js';
import { checkAddressSpace, paddedUnits } from './recurrent.js';
import { trapsAsErrors } from './session.js';

export class OptimizerBuffers {
  readonly instance: KernelInstance;
  /** Each weight's float count, as given. */
  readonly lengths: readonly number[];
  /** Each weight's first float in the flat buffers (a multiple of 4). */
  readonly offsets: readonly number[];
  /** Floats of each flat buffer (a multiple of 4). */
  readonly floats: number;
  readonly weights: number;
  readonly gradients: number;
  /** One flat buffer per state slot. */
  readonly slots: readonly number[];

  /** `slotValues[k]` is slot k's initial value (Adagrad's initial accumulator; 0 elsewhere). */
  constructor(instance: KernelInstance, lengths: readonly number[], slotValues: readonly number[]) {
    this.instance = instance;
    this.lengths = [...lengths];
    const offsets: number[] = [];
    let floats = 0;
    for (const n of lengths) {
      offsets.push(floats);
      floats += paddedUnits(n);
    }
    this.offsets = offsets;
    this.floats = floats;
    const bytes = floats * 4;
    checkAddressSpace(new Array<number>(2 + slotValues.length).fill(bytes), () => `optimizer state for ${lengths.reduce((a, b) => a + b, 0)} weights`, instance);
    const { heap } = instance;
    const taken: number[] = [];
    try {
      for (let k = 0; k < 2 + slotValues.length; k++) {
        const ptr = heap.alloc(bytes);
        taken.push(ptr);
        heap.f32(ptr, floats).fill(k < 2 ? 0 : slotValues[k - 2]);
      }
    } catch (error) {
      for (const ptr of taken) heap.release(ptr);
      throw error;
    }
    [this.weights, this.gradients] = taken;
    this.slots = taken.slice(2);
  }

  /** Throws unless `values` are as many arrays of the lengths these buffers were made for. */
  checkLengths(values: readonly Float32Array[], what: string): void {
    if (values.length !== this.lengths.length || values.some((v, i) => v.length !== this.lengths[i])) {
      throw new RuntimeError(`${what}: the optimizer's state was made for ${this.lengths.length} weights of sizes [${this.lengths.join(', ')}], received ${values.length} of sizes [${values.map((v) => v.length).join(', ')}]; use a new optimizer for another model`);
    }
  }

  /** Copies each array into its place in the flat buffer at `base`; padding stays zero. */
  write(base: number, values: readonly Float32Array[]): void {
    const view = this.instance.heap.f32(base, this.floats);
    values.forEach((v, i) => view.set(v, this.offsets[i]));
  }

  /** Copies each weight's place in the flat buffer at `base` back into `values`. */
  read(base: number, values: readonly Float32Array[]): void {
    const view = this.instance.heap.f32(base, this.floats);
    values.forEach((v, i) => v.set(view.subarray(this.offsets[i], this.offsets[i] + v.length)));
  }

  /** Address of weight i's first float in the flat buffer at `base`. */
  at(base: number, i: number): number {
    return base + this.offsets[i] * 4;
  }

  /** Runs kernel calls, turning a trap into a RuntimeError. */
  run(body: () => void): void {
    trapsAsErrors(body);
  }

  release(): void {
    const { heap } = this.instance;
    for (const ptr of [this.weights, this.gradients, ...this.slots]) heap.release(ptr);
  }
}
