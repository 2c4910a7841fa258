// Packed weights a layer keeps in WebAssembly memory: released by dispose(),
// or when the layer is garbage-collected without it.
const registry = new FinalizationRegistry<() => void>((release) => {
  try {
    release();
  } catch {
    // The runtime is gone; there is no memory to return.
  }
});

export class OwnedBlock<T> {
  private value: T | null = null;
  private readonly release: (value: T) => void;

  constructor(release: (value: T) => void) {
    this.release = release;
  }

  get current(): T | null {
    return this.value;
  }

  /** Takes ownership of `value` for `owner`, releasing what was held before. */
  replace(owner: object, value: T): void {
    this.clear();
    this.value = value;
    const release = this.release;
    registry.register(owner, () => release(value), this);
  }

  clear(): void {
    if (this.value === null) return;
    registry.unregister(this);
    this.release(this.value);
    this.value = null;
  }
}
