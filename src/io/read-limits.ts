// The limits one loadModel call reads under: a byte budget shared by the model
// file, its shards and the archive members it inflates, a deadline, and the
// caller's AbortSignal. Aborting (by the caller or by the deadline) rejects
// every pending read at once.
import { ModelFileError } from './errors.js';

/** 2 GiB: more than any recurrent model wasm-rnn can hold in WebAssembly memory. @internal */
export const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;
/** Five minutes for all reads of one load, so a stalled server cannot keep it pending forever. @internal */
export const DEFAULT_TIMEOUT_MS = 300_000;
/** setTimeout fires at once beyond this; longer deadlines are simply not armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ReadLimitOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  maxBytes?: number;
  allowCrossOrigin?: boolean;
}

/** @internal */
export class ReadLimits {
  /** Aborts when the caller's signal does or the deadline passes; fetches are started with it. */
  readonly signal: AbortSignal;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly allowCrossOrigin: boolean;
  private readonly controller = new AbortController();
  private readonly userSignal: AbortSignal | undefined;
  private readonly timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onUserAbort: (() => void) | undefined;
  private used = 0;

  constructor(options: ReadLimitOptions = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.allowCrossOrigin = options.allowCrossOrigin ?? false;
    this.signal = this.controller.signal;
    this.userSignal = options.signal;
    if (this.userSignal) {
      const user = this.userSignal;
      this.onUserAbort = () => this.controller.abort(user.reason);
      if (user.aborted) this.onUserAbort();
      else user.addEventListener('abort', this.onUserAbort, { once: true });
    }
    if (this.timeoutMs <= MAX_TIMER_MS && !this.signal.aborted) {
      this.timer = setTimeout(() => this.controller.abort(this.timeoutError()), this.timeoutMs);
      // A pending deadline must not keep Node alive after the caller has moved on.
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  /** Stops the deadline and detaches from the caller's signal; the load is over. */
  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.userSignal && this.onUserAbort) this.userSignal.removeEventListener('abort', this.onUserAbort);
  }

  /** Throws the abort reason (the caller's AbortError, or a ModelFileError for the deadline) if aborted. */
  check(): void {
    if (this.signal.aborted) throw this.abortReason();
  }

  /** What a read that failed because of the abort should reject with. */
  abortReason(): unknown {
    if (this.userSignal?.aborted) return this.userSignal.reason;
    const reason: unknown = this.signal.reason;
    return reason instanceof ModelFileError ? reason : this.timeoutError();
  }

  /** Settles with `promise`, or rejects as soon as the load is aborted. */
  race<T>(promise: Promise<T>): Promise<T> {
    this.check();
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.abortReason());
      this.signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => { this.signal.removeEventListener('abort', onAbort); resolve(value); },
        (error: unknown) => { this.signal.removeEventListener('abort', onAbort); reject(this.signal.aborted ? this.abortReason() : error); },
      );
    });
  }

  /** Bytes still allowed before maxBytes. */
  get remaining(): number {
    return this.maxBytes - this.used;
  }

  /**
   * Counts `bytes` against maxBytes, or throws a ModelFileError when they do not fit. `what` says
   * what the bytes are, for the message; the message gives the limit, never a size read elsewhere.
   */
  take(bytes: number, what: { file?: string; part?: string }): void {
    if (!(bytes <= this.remaining)) {
      throw new ModelFileError(`would take loadModel past its limit of ${this.maxBytes} bytes (option maxBytes)`, what);
    }
    this.used += bytes;
  }

  private timeoutError(): ModelFileError {
    return new ModelFileError(`loadModel did not finish reading within ${this.timeoutMs} ms (option timeoutMs)`);
  }
}
