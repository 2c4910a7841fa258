// The computations the browser tests compare, written once and run twice: in Node against
// dist/index.js, and in Chromium (served transpiled by static-server.ts) against whichever build the
// page imported. They take the package's module as an argument and return plain arrays, which
// cross from the page to Node unchanged (doubles survive the trip exactly).
import type { Fixture, TensorJson } from '../fixtures.js';

export type WasmRnn = typeof import('../../dist/index.js');

export interface PlainTensor {
  shape: number[];
  data: number[];
}

/** The seed notebooks' input, [1, 4, 5]. */
export const SEED_INPUT = [[[0.1, 4.2, 1.5, 1.1, 2.8], [1.0, 3.1, 2.5, 0.7, 1.1], [0.3, 2.1, 1.5, 2.1, 0.1], [2.2, 1.4, 0.5, 0.9, 1.1]]];

const plain = (t: { shape: readonly number[]; data: ArrayLike<number> }): PlainTensor => ({ shape: [...t.shape], data: Array.from(t.data) });

/** One shared Keras fixture through the public path: layerFromConfig -> build -> setWeights -> apply. */
export function runFixture(api: WasmRnn, fixture: Fixture): PlainTensor[] {
  const kerasVersion = fixture.hard_sigmoid_variant === 'keras2' ? 2 : 3;
  const toTensor = (t: TensorJson) => api.tensor(t.data, t.shape);
  const layer = api.layerFromConfig(fixture.layer as Parameters<WasmRnn['layerFromConfig']>[0], { kerasVersion });
  const x = toTensor(fixture.inputs.x);
  layer.build(x.shape);
  layer.setWeights(fixture.weights.map(toTensor));
  const out = layer.apply(x, {
    mask: fixture.inputs.mask ? toTensor(fixture.inputs.mask) : undefined,
    initialState: fixture.inputs.initial_state?.map(toTensor),
  });
  layer.dispose();
  return (Array.isArray(out) ? out : [out]).map(plain);
}

/**
 * The seed golden example: Bidirectional(LSTM(3, Constant(0.1) kernels, zero bias, return_state))
 * on the [1, 4, 5] seed input, without and with return_sequences.
 */
export function runSeedExamples(api: WasmRnn): Record<'last' | 'seq', PlainTensor[]> {
  const run = (returnSequences: boolean) => {
    const layer = new api.Bidirectional(new api.LSTM({
      units: 3,
      kernelInitializer: api.initializers.constant(0.1),
      recurrentInitializer: api.initializers.constant(0.1),
      biasInitializer: api.initializers.constant(0),
      returnState: true,
      returnSequences,
    }));
    const out = layer.apply(api.tensor(SEED_INPUT)) as ReturnType<WasmRnn['tensor']>[];
    layer.dispose();
    return out.map(plain);
  };
  return { last: run(false), seq: run(true) };
}

/** A small LSTM whose weights come from seeded Keras initializers: a quick check after loading. */
export function runSmallLstm(api: WasmRnn): PlainTensor {
  const layer = new api.LSTM({ units: 4, returnSequences: true, seed: 7 });
  const out = layer.apply(api.tensor(SEED_INPUT)) as ReturnType<WasmRnn['tensor']>;
  layer.dispose();
  return plain(out);
}
