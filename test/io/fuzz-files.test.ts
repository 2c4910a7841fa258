// Structure-aware fuzzing of the loaders (issue 12): every mutated file must end in
// the package's own error or in a model that predicts (finite numbers of the right
// shape, or the package's error). A seeded, bounded set runs in `npm test`;
// `npm run fuzz -- --cases N --seed S` runs more (FUZZ_CASES, FUZZ_SEED).
import { beforeAll, describe, expect, it } from 'vitest';
import { WasmRnnError, loadModel, ready, tensor, type Tensor } from '../../dist/io/keras.js';
import { MUTATION_KINDS, fuzzBases, fuzzCase, type FuzzCase } from './fuzz-mutations.js';

const env = typeof process === 'object' ? process.env : {};
const CASES = Number(env.FUZZ_CASES ?? MUTATION_KINDS.length * 8);
const SEED = Number(env.FUZZ_SEED ?? 20_261_201);
/** Each case must end within this, load and predict together; a bounded loader needs far less. */
const CASE_MS = Number(env.FUZZ_CASE_MS ?? 3_000);

beforeAll(async () => {
  await ready();
  await fuzzBases();
});

interface Outcome {
  kind: 'error' | 'model';
  ms: number;
  message: string;
}

async function run(c: FuzzCase): Promise<Outcome> {
  const started = performance.now();
  const ms = () => performance.now() - started;
  let model;
  try {
    model = await loadModel(c.source, { timeoutMs: CASE_MS, ...c.options });
  } catch (error) {
    if (!(error instanceof WasmRnnError)) throw new Error(`${c.name}: ${(error as Error)?.constructor?.name}: ${(error as Error)?.message ?? String(error)}`);
    return { kind: 'error', ms: ms(), message: error.message };
  }
  const inputs = c.expected.inputs.map((input) => tensor(Float32Array.from(input.data), input.shape));
  try {
    const outputs = model.predictAll(inputs.length === 1 ? inputs[0] : inputs) as Tensor[];
    outputs.forEach((output, i) => {
      expect(output.shape, c.name).toEqual(c.expected.outputs[i].shape);
      expect(output.data.every(Number.isFinite), `${c.name}: non-finite output`).toBe(true);
    });
  } catch (error) {
    // A mutated config may change shapes: the package's own error is an answer.
    if (!(error instanceof WasmRnnError)) throw new Error(`${c.name}: predict: ${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`);
  } finally {
    model.dispose();
  }
  return { kind: 'model', ms: ms(), message: '' };
}

describe(`structure-aware fuzzing: ${CASES} cases, seed ${SEED}`, () => {
  for (const kind of MUTATION_KINDS) {
    const indices = Array.from({ length: CASES }, (_, i) => i).filter((i) => MUTATION_KINDS[i % MUTATION_KINDS.length] === kind);
    it(`${kind}: ${indices.length} cases end in the package's error or a working model, each within ${CASE_MS} ms`, async () => {
      const counts = { error: 0, model: 0 };
      let slowest = { ms: 0, name: '' };
      for (const index of indices) {
        const c = await fuzzCase(SEED, index, kind);
        const outcome = await run(c);
        counts[outcome.kind]++;
        if (outcome.ms > slowest.ms) slowest = { ms: outcome.ms, name: c.name };
        expect(outcome.ms, `${c.name} took ${outcome.ms.toFixed(0)} ms`).toBeLessThan(CASE_MS);
      }
      expect(counts.error + counts.model).toBe(indices.length);
      if (env.FUZZ_VERBOSE) console.log(`${kind}: ${counts.error} errors, ${counts.model} models; slowest ${slowest.ms.toFixed(0)} ms (${slowest.name})`);
    }, Math.max(30_000, indices.length * CASE_MS));
  }
});
