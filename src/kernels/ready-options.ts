// ready() loads the module once per page or process. The call that loads it decides which module;
// a later call may repeat those options or leave them out, but asking for another module is an
// error rather than a silently ignored request.
import { ConfigError, RuntimeError, quoted } from '../errors.js';
import { checkKnownKeys, checkOptionsObject } from '../option-keys.js';

const KERNEL_CHOICES: readonly unknown[] = ['auto', 'simd', 'relaxed-simd'];

/** What a ready() call asks for; `kernels` is 'auto' when left out. */
export interface ReadyRequest {
  readonly wasm: unknown;
  readonly kernels: 'auto' | 'simd' | 'relaxed-simd';
}

export function readyRequest(options: unknown): ReadyRequest {
  checkOptionsObject(options, 'ready', "{ kernels: 'simd' }");
  checkKnownKeys(options, ['wasm', 'kernels'], 'ready');
  const { wasm, kernels = 'auto' } = options as { wasm?: unknown; kernels?: unknown };
  if (!KERNEL_CHOICES.includes(kernels)) {
    throw new RuntimeError(`ready({ kernels }) must be 'auto', 'simd' or 'relaxed-simd', received ${quoted(kernels)}`);
  }
  return { wasm, kernels: kernels as ReadyRequest['kernels'] };
}

/**
 * Throws unless `later` can be served by the module `first` loads. `firstVariant` is the build
 * `first` picked ('auto' resolved), or null while a caller's own module is still loading.
 */
export function checkSameModule(first: ReadyRequest, later: ReadyRequest, firstVariant: string | null): void {
  if (later.wasm === undefined && later.kernels === 'auto') return;
  const sameWasm = later.wasm === undefined || (first.wasm !== undefined && sameSource(first.wasm, later.wasm));
  const sameKernels = later.kernels === 'auto' || later.kernels === firstVariant;
  if (sameWasm && sameKernels) return;
  const asked = later.wasm !== undefined && !sameWasm ? `another wasm source (${describeSource(later.wasm)})` : `kernels: '${later.kernels}'`;
  const loaded = first.wasm !== undefined ? `the wasm source ${describeSource(first.wasm)}` : `the '${firstVariant ?? first.kernels}' build`;
  throw new ConfigError(
    `ready() asks for ${asked}, but wasm-rnn already loads ${loaded} from the first ready() call; the module is loaded once per page or process, so call ready() with the same options or none`,
  );
}

function sameSource(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const location = (value: unknown) => (value instanceof URL || typeof value === 'string' ? String(value) : null);
  return location(a) !== null && location(a) === location(b);
}

function describeSource(value: unknown): string {
  if (value instanceof URL || typeof value === 'string') return String(value);
  return (value as object | null)?.constructor?.name ?? String(value);
}
