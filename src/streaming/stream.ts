// A model or layer running live, one frame at a time: synchronous, one WebAssembly
// call per frame, and no JavaScript allocation once the first frame has run (the
// views on WebAssembly memory are cached and only rebuilt if the memory grew).
import { ConfigError, DisposedError, InputError, ShapeError, formatShape, quoted } from '../errors.js';
import { OwnedBlock } from '../kernels/owned.js';
import { checkKnownKeys, checkOptionsObject } from '../option-keys.js';
import { releaseStreamMemory, type StreamMemory, type StreamProgramBuilder, type StreamValue } from '../kernels/stream-program.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';

export interface StreamOptions {
  /** Rows per frame (independent streams run side by side); default 1. */
  batchSize?: number;
}

/** @internal What a stream's frames hold: floats, or integer ids for a model that starts with an Embedding. */
export interface StreamInput {
  readonly value: StreamValue;
  readonly ids: { readonly vocabulary: number } | null;
  /** The per-frame mask buffer (B floats) the recurrent layers read. */
  readonly mask: number;
  /** The shape of each row's frame: [features], or (rows, cols, channels) and the like for a per-frame CNN. */
  readonly frame: readonly number[];
  /** The model input's name (its InputLayer's), by which step() also takes the frame. */
  readonly name: string;
}

/** A state in Keras order: which layer it belongs to and its name. */
export interface StreamStateLabel {
  readonly layer: string;
  readonly state: string;
}

export class Stream {
  /** Rows per frame. */
  readonly batchSize: number;
  /** Values per frame of the (first) input: batchSize × features (or ids), or batchSize × a × b for an input (batch, time, a, b). */
  readonly frameLength: number;
  /** Values per output of the (first) output: batchSize × output features. */
  readonly outputLength: number;
  /** Values per frame of each input, in the model's input order. */
  readonly frameLengths: readonly number[];
  /** Values per output of each output, in the model's output order. */
  readonly outputLengths: readonly number[];

  private readonly owner: string;
  private readonly memory = new OwnedBlock<StreamMemory>(releaseStreamMemory);
  private readonly wasm: WebAssembly.Memory;
  private readonly run: (program: number) => void;
  private readonly program: number;
  private readonly inputs: readonly StreamInput[];
  /** The list framesByName fills, reused every step. */
  private readonly namedFrames: unknown[];
  private readonly outputValues: readonly StreamValue[];
  private readonly stateBuffers: readonly { readonly ptr: number; readonly floats: number }[];
  private readonly stateLabels: readonly StreamStateLabel[];
  /** Each state's shape without the batch axis: [units], or (...positions, filters) for a ConvLSTM. */
  private readonly stateShapes: readonly (readonly number[])[];
  private readonly seenFlags: readonly number[];
  private readonly histories: readonly { readonly ptr: number; readonly floats: number }[];
  /** The word that tells pooling ops a mask was given since the last reset (0: none reads it). */
  private readonly maskGiven: number;
  private readonly maskPtr: number;
  /** A layer that cannot keep a masked row's states, so step() takes no mask. */
  private readonly unmaskable: string | null;
  /** Why a mask given to step() would not reach the states it must keep (null: it reaches them). */
  private readonly maskUnreached: string | null;
  /** The outputs the stream owns, and the list step() returns them in (both reused). */
  private readonly outputs: readonly Float32Array[];
  private readonly outputList: Float32Array[];
  private frameViews: (Float32Array | Int32Array)[] = [];
  private maskView: Float32Array = new Float32Array(0);
  private maskGivenView: Int32Array = new Int32Array(1);
  private outputViews: Float32Array[] = [];
  private maskIsAllValid = true;
  private disposed = false;

  /** @internal Streams are opened by `layer.stream()` and `model.stream()`. */
  constructor(
    owner: string, builder: StreamProgramBuilder, inputs: readonly StreamInput[], outputs: readonly StreamValue[],
    stateLabels: readonly StreamStateLabel[], stateShapes: readonly (readonly number[])[],
  ) {
    this.owner = owner;
    this.batchSize = builder.batch;
    this.inputs = [...inputs];
    this.namedFrames = this.inputs.map(() => null);
    this.outputValues = [...outputs];
    this.frameLengths = Object.freeze(this.inputs.map((input) => builder.batch * input.value.width));
    this.outputLengths = Object.freeze(this.outputValues.map((output) => builder.batch * output.width));
    this.frameLength = this.frameLengths[0];
    this.outputLength = this.outputLengths[0];
    // Every input of a frame shares the one per-row mask buffer the recurrent layers read.
    this.maskPtr = this.inputs[0].mask;
    this.stateBuffers = [...builder.states];
    this.stateLabels = stateLabels;
    this.stateShapes = stateShapes;
    this.seenFlags = [...builder.seenFlags];
    this.histories = [...builder.histories];
    this.maskGiven = builder.maskGiven;
    this.unmaskable = builder.unmaskable;
    this.maskUnreached = builder.maskUnreached;
    this.wasm = builder.instance.exports.memory;
    this.run = builder.instance.exports.stream_step;
    this.program = builder.finish();
    this.memory.replace(this, builder.memory);
    this.outputs = this.outputLengths.map((length) => new Float32Array(length));
    this.outputList = [...this.outputs];
    this.refreshViews();
    this.maskView.fill(1);
  }

  /**
   * Runs one frame (batchSize × features floats; batchSize × a × b floats, each row's frame
   * row-major, for an input (batch, time, a, b); or Int32Array ids for an Embedding model) and
   * returns the output: a Float32Array the stream owns and overwrites on the next step, or `out`.
   * A model of several inputs or outputs takes a list of frames (one per input, in the model's
   * order) and returns a list of outputs (`out`: a list of buffers).
   * `mask` (batchSize values, nonzero = valid) skips rows: a masked row keeps its states, as Keras does.
   * After a time window with 'valid' padding or strides (Conv1D, MaxPooling1D, ...) the layers that
   * follow it run only on the frames where it has a new output; until its first output their values,
   * and so a step's output, are zeros (predict refuses so short a prefix), and reset() returns there.
   */
  step(frame: Float32Array | Int32Array, out?: Float32Array | null, mask?: ArrayLike<number | boolean> | null): Float32Array;
  step(frames: readonly (Float32Array | Int32Array)[], out?: readonly Float32Array[] | null, mask?: ArrayLike<number | boolean> | null): Float32Array[];
  /** The frames by input name, as predict takes a dict (`step({ signal, ids })`); returns the list of outputs. */
  step(frames: Readonly<Record<string, Float32Array | Int32Array>>, out?: readonly Float32Array[] | null, mask?: ArrayLike<number | boolean> | null): Float32Array[];
  step(
    given: Float32Array | Int32Array | readonly (Float32Array | Int32Array)[] | Readonly<Record<string, Float32Array | Int32Array>>,
    out?: Float32Array | readonly Float32Array[] | null, mask?: ArrayLike<number | boolean> | null,
  ): Float32Array | Float32Array[] {
    if (this.disposed) throw new DisposedError(`${this.owner}: the stream is disposed; open a new one with stream()`);
    const frames = isFrameRecord(given) ? this.framesByName(given) : given;
    // A list of frames holds typed arrays; a plain array of numbers is a (wrong) single frame.
    const list = Array.isArray(frames) && (frames.length === 0 || typeof frames[0] === 'object');
    if (list) this.checkFrameList(frames as readonly unknown[]);
    else {
      if (this.inputs.length !== 1 || this.outputValues.length !== 1) {
        const inputs = this.inputs.length === 1 ? 'its frame in a list, step([frame])' : 'a list of frames, one per input in the model\'s order';
        const outputs = this.outputValues.length === 1 ? 'a list of its one output' : `a list of ${this.outputValues.length} outputs`;
        throw new InputError(`${this.owner}: a stream of ${plural(this.inputs.length, 'input')} and ${plural(this.outputValues.length, 'output')} steps on ${inputs}, and returns ${outputs}`);
      }
      this.checkFrame(frames, 0);
    }
    this.checkOut(out, list);
    if (mask !== undefined && mask !== null && (typeof mask !== 'object' || mask.length !== this.batchSize)) {
      throw new InputError(`${this.owner}: stream.step mask must hold ${this.batchSize} values (one per batch row), received ${describeArray(mask)}`);
    }
    if (mask !== undefined && mask !== null) {
      for (let i = 0; i < this.batchSize; i++) {
        const value: unknown = mask[i];
        if (typeof value !== 'number' && typeof value !== 'boolean') {
          throw new InputError(`${this.owner}: stream.step mask must hold numbers or booleans (nonzero: the row is valid), received ${quoted(value) ?? String(value)} at row ${i}`);
        }
      }
    }
    if (mask !== undefined && mask !== null && this.unmaskable !== null) {
      throw new InputError(`${this.owner}: stream.step takes no mask: ${this.unmaskable} cannot keep a masked row's states (its predict refuses a mask too)`);
    }
    if (mask !== undefined && mask !== null && this.maskUnreached !== null) {
      throw new InputError(`${this.owner}: stream.step takes no mask: ${this.maskUnreached}`);
    }
    // Growing the memory detaches its buffer and empties every view on it: a length read costs
    // about 1 ns where the memory's buffer getter costs 10-17 (1% of a GRU(64) step).
    if (this.frameViews[0].length === 0) this.refreshViews();
    if (list) {
      const given = frames as readonly (Float32Array | Int32Array)[];
      for (let i = 0; i < given.length; i++) this.frameViews[i].set(given[i]);
    } else this.frameViews[0].set(frames as Float32Array | Int32Array);
    if (mask !== undefined && mask !== null) {
      for (let i = 0; i < this.batchSize; i++) this.maskView[i] = mask[i] === 0 || mask[i] === false ? 0 : 1;
      if (this.maskGiven !== 0) this.maskGivenView[0] = 1;
      this.maskIsAllValid = false;
    } else if (!this.maskIsAllValid) {
      this.maskView.fill(1);
      this.maskIsAllValid = true;
    }
    this.run(this.program);
    if (!list) {
      const target = (out as Float32Array | null | undefined) ?? this.outputs[0];
      target.set(this.outputViews[0]);
      return target;
    }
    const targets = out as readonly Float32Array[] | null | undefined;
    for (let i = 0; i < this.outputs.length; i++) {
      const target = targets ? targets[i] : this.outputs[i];
      target.set(this.outputViews[i]);
      this.outputList[i] = target;
    }
    return this.outputList;
  }

  /** Zeroes every state (a fresh sequence), or sets them from `states` (Keras order, each (batchSize, units), or (batchSize, ...positions, filters) for a ConvLSTM). */
  reset(states?: readonly TensorLike[]): void {
    if (this.disposed) throw new DisposedError(`${this.owner}: the stream is disposed; open a new one with stream()`);
    const values = states === undefined ? null : this.checkStates(states);
    const buffer = this.wasm.buffer;
    // First the windows, frame counter and values after a gate (some are states, set next).
    for (const history of this.histories) new Float32Array(buffer, history.ptr, history.floats).fill(0);
    this.stateBuffers.forEach((state, i) => {
      const view = new Float32Array(buffer, state.ptr, state.floats);
      if (values) view.set(values[i]);
      else view.fill(0);
    });
    // Keras' masked-output rule counts only the steps of a call: until a valid step, a masked
    // one outputs zeros whatever the initial states, so every reset starts unseen.
    for (const seen of this.seenFlags) new Uint8Array(buffer, seen, this.batchSize).fill(0);
    if (this.maskGiven !== 0) new Int32Array(buffer, this.maskGiven, 1)[0] = 0;
  }

  /** Copies of the current states in Keras order (per recurrent layer, [h] or [h, c]), each (batchSize, units) or a ConvLSTM's (batchSize, ...positions, filters). */
  states(): Tensor[] {
    if (this.disposed) throw new DisposedError(`${this.owner}: the stream is disposed; open a new one with stream()`);
    return this.stateBuffers.map((state, i) => new Tensor(new Float32Array(this.wasm.buffer, state.ptr, state.floats).slice(), [this.batchSize, ...this.stateShapes[i]]));
  }

  /** Frees the stream's WebAssembly memory; later calls throw. */
  dispose(): void {
    this.memory.clear();
    this.disposed = true;
  }

  /** A record of frames by input name as the list step() runs on, in a list the stream reuses (no allocation). */
  private framesByName(record: Readonly<Record<string, unknown>>): readonly unknown[] {
    // Loops without closures: a closure per step would be an allocation per step.
    let keys = 0;
    for (let i = 0; i < this.inputs.length; i++) {
      const { name } = this.inputs[i];
      if (!Object.hasOwn(record, name)) throw new InputError(`${this.owner}: stream.step frames by name lack input ${quoted(name)}; give one frame for each of ${this.inputNames()}`);
      this.namedFrames[i] = record[name];
    }
    for (const key in record) if (Object.hasOwn(record, key)) keys++;
    if (keys !== this.inputs.length) {
      const extra = Object.keys(record).find((key) => !this.inputs.some((input) => input.name === key));
      throw new InputError(`${this.owner}: stream.step frames name an input ${quoted(extra)} the model does not have; its inputs are ${this.inputNames()}`);
    }
    return this.namedFrames;
  }

  private inputNames(): string {
    return this.inputs.map((input) => quoted(input.name)).join(', ');
  }

  private checkFrameList(frames: readonly unknown[]): void {
    if (frames.length !== this.inputs.length) {
      throw new InputError(`${this.owner}: stream.step takes a list of ${this.inputs.length} frames, received ${frames.length}`);
    }
    for (let i = 0; i < frames.length; i++) this.checkFrame(frames[i], i);
  }

  private checkFrame(frame: unknown, index: number): void {
    const { ids, value } = this.inputs[index];
    const expected = ids ? Int32Array : Float32Array;
    const length = this.frameLengths[index];
    if (!(frame instanceof expected) || frame.length !== length) {
      const what = this.inputs.length === 1 ? 'frame' : `frames[${index}]`;
      const perRow = this.inputs[index].frame.length > 1 ? `${value.width} values, one frame of shape ${formatShape(this.inputs[index].frame)}` : `${value.width} ${ids ? 'ids' : 'features'}`;
      throw new InputError(`${this.owner}: stream.step ${what} must be ${ids ? 'an Int32Array of ids' : 'a Float32Array'} of ${length} ${length === 1 ? 'value' : 'values'} (batchSize ${this.batchSize} × ${perRow}), received ${describeArray(frame)}`);
    }
    if (!ids) return;
    const idsFrame = frame as Int32Array;
    for (let i = 0; i < idsFrame.length; i++) {
      const id = idsFrame[i];
      if (id < 0 || id >= ids.vocabulary) {
        throw new InputError(`${this.owner}: stream.step ids${this.inputs.length === 1 ? '' : ` of frames[${index}]`} must be integers in [0, ${ids.vocabulary - 1}], received ${id} at index ${i}`);
      }
    }
  }

  private checkOut(out: unknown, list: boolean): void {
    if (out === undefined || out === null) return;
    if (!list) {
      if (!this.outFits(out, 0)) {
        throw new InputError(`${this.owner}: stream.step out must be a Float32Array of ${this.outputLength} values (batchSize ${this.batchSize} × ${this.outputValues[0].width} features), received ${describeArray(out)}`);
      }
      return;
    }
    if (!Array.isArray(out) || out.length !== this.outputs.length) {
      throw new InputError(`${this.owner}: stream.step out must be a list of ${this.outputs.length} Float32Arrays, received ${describeArray(out)}`);
    }
    for (let i = 0; i < out.length; i++) {
      if (!this.outFits(out[i], i)) {
        throw new InputError(`${this.owner}: stream.step out[${i}] must be a Float32Array of ${this.outputLengths[i]} values (batchSize ${this.batchSize} × ${this.outputValues[i].width} features), received ${describeArray(out[i])}`);
      }
    }
  }

  private outFits(buffer: unknown, index: number): boolean {
    return buffer instanceof Float32Array && buffer.length === this.outputLengths[index];
  }

  private checkStates(states: readonly TensorLike[]): Float32Array[] {
    const count = this.stateBuffers.length;
    const names = this.stateLabels.map((l) => `${l.layer}.${l.state}`).join(', ');
    if (!Array.isArray(states) || states.length !== count) {
      throw new ShapeError(`${this.owner}: stream.reset states must be a list of ${count} tensors [${names}], received ${Array.isArray(states) ? states.length : typeof states}`);
    }
    return states.map((value, i) => {
      const label = `${this.owner}: stream.reset states[${i}] (${this.stateLabels[i].layer}.${this.stateLabels[i].state})`;
      const state = toTensor(value, label);
      const shape = [this.batchSize, ...this.stateShapes[i]];
      if (state.rank !== shape.length || state.shape.some((d, k) => d !== shape[k])) {
        throw new ShapeError(`${label} must have shape ${formatShape(shape)}, received ${formatShape(state.shape)}`);
      }
      return state.data;
    });
  }

  private refreshViews(): void {
    const buffer = this.wasm.buffer;
    this.frameViews = this.inputs.map((input, i) => new (input.ids ? Int32Array : Float32Array)(buffer, input.value.ptr, this.frameLengths[i]));
    this.maskView = new Float32Array(buffer, this.maskPtr, this.batchSize);
    if (this.maskGiven !== 0) this.maskGivenView = new Int32Array(buffer, this.maskGiven, 1);
    this.outputViews = this.outputValues.map((output, i) => new Float32Array(buffer, output.ptr, this.outputLengths[i]));
  }
}

/**
 * @internal Opens a stream: `build` lays out the model on the builder and returns its input, output and
 * state labels; on any error everything it allocated is released.
 */
export function openStream(
  owner: string, builder: StreamProgramBuilder,
  build: (builder: StreamProgramBuilder) => {
    inputs: readonly StreamInput[]; outputs: readonly StreamValue[]; states: readonly StreamStateLabel[]; stateShapes: readonly (readonly number[])[];
  },
): Stream {
  try {
    const { inputs, outputs, states, stateShapes } = build(builder);
    return new Stream(owner, builder, inputs, outputs, states, stateShapes);
  } catch (error) {
    releaseStreamMemory(builder.memory);
    throw error;
  }
}

/** Frames by input name: a plain object, not a typed array or a list. */
function isFrameRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function describeArray(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  const values = (count: number) => `${count} ${count === 1 ? 'value' : 'values'}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of ${values((value as unknown as ArrayLike<number>).length)}`;
  if (Array.isArray(value)) return `an array of ${values(value.length)}`;
  if (typeof value === 'object' && 'mask' in value) return "an options object; the mask is step's third argument itself, as in step(frame, null, [1, 0])";
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * @internal batchSize from stream options: a positive integer, default 1 (or the declared batch size);
 * ShapeError when it differs from a batch size the input declares.
 */
export function streamBatchSize(options: StreamOptions | undefined, owner: string, declared: number | null = null): number {
  if (options !== undefined) {
    checkOptionsObject(options, `${owner}: stream`, '{ batchSize: 1 }');
    checkKnownKeys(options, ['batchSize'], `${owner}: stream`);
  }
  const batch = options?.batchSize ?? declared ?? 1;
  if (!Number.isInteger(batch) || batch <= 0) {
    throw new ConfigError(`${owner}: stream option 'batchSize' must be a positive integer, received ${typeof batch === 'number' ? String(batch) : quoted(batch) ?? String(batch)}`);
  }
  if (declared !== null && batch !== declared) {
    throw new ShapeError(`${owner}: the input declares batch size ${declared}, so a stream must have batchSize ${declared}, received ${batch}`);
  }
  return batch;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
