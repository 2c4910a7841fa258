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

/**
 * Seeded initializers whose draws go through transcendental math: the normal ones (float64
 * Box–Muller) and the orthogonal one on both of its paths (the WebAssembly Cholesky QR for a
 * [64, 256] kernel, the float64 Householder for a [4, 16] one), each as plain numbers.
 */
export function runSeededInitializers(api: WasmRnn): Record<string, number[]> {
  const { initializers } = api;
  return {
    randomNormal: Array.from(initializers.randomNormal({ seed: 3, stddev: 0.5 }).generate([4099])),
    truncatedNormal: Array.from(initializers.truncatedNormal({ seed: 4 }).generate([4099])),
    heNormal: Array.from(initializers.heNormal({ seed: 5 }).generate([64, 64])),
    orthogonalWasm: Array.from(initializers.orthogonal({ seed: 6 }).generate([64, 256])),
    orthogonalHouseholder: Array.from(initializers.orthogonal({ seed: 7 }).generate([4, 16])),
  };
}

/** A small LSTM whose weights come from seeded Keras initializers: a quick check after loading. */
export function runSmallLstm(api: WasmRnn): PlainTensor {
  const layer = new api.LSTM({ units: 4, returnSequences: true, seed: 7 });
  const out = layer.apply(api.tensor(SEED_INPUT)) as ReturnType<WasmRnn['tensor']>;
  layer.dispose();
  return plain(out);
}

export interface TrainingRun {
  loss: number[];
  accuracy: number[];
  batchLosses: number[];
  iterations: number;
  weights: PlainTensor[];
  predictions: PlainTensor;
  evaluated: Record<string, number>;
}

/**
 * A small seeded training run: LSTM(4) -> Dense(1, sigmoid) with dropout on the LSTM's input,
 * binary crossentropy and Adam, fit for 3 epochs with shuffling, then predict and evaluate.
 */
export async function runTraining(api: WasmRnn): Promise<TrainingRun> {
  const [n, T, D] = [12, 6, 3];
  const xs = Float32Array.from({ length: n * T * D }, (_, i) => Math.sin(i * 0.37) * 0.8);
  const ys = Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const model = new api.Sequential({
    layers: [
      new api.LSTM({ units: 4, inputShape: [T, D], dropout: 0.25, seed: 5 }),
      new api.Dense({ units: 1, activation: 'sigmoid', seed: 6 }),
    ],
  });
  model.compile({ optimizer: api.optimizers.adam({ learningRate: 0.01 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
  const x = api.tensor(xs, [n, T, D]);
  const y = api.tensor(ys, [n, 1]);
  const batchLosses: number[] = [];
  const history = await model.fit(x, y, {
    batchSize: 5, epochs: 3, seed: 42, verbose: 0,
    callbacks: [{ onTrainBatchEnd: (_batch, logs) => { batchLosses.push(logs.loss); } }],
  });
  const run: TrainingRun = {
    loss: history.history.loss,
    accuracy: history.history.accuracy,
    batchLosses,
    iterations: model.optimizer.iterations,
    weights: model.getWeights().map(plain),
    predictions: plain(model.predict(x) as ReturnType<WasmRnn['tensor']>),
    evaluated: await model.evaluate(x, y, { batchSize: 5 }),
  };
  model.dispose();
  return run;
}

/**
 * Every Keras activation on a grid that reaches the overflow and underflow ends, and a streamed
 * keyword-spotting classifier (GRU -> Dense(gelu) -> Dense(softmax)), frame by frame: engines give
 * different last bits for Math.exp, tanh and log, and these run in WebAssembly so that they do not.
 */
export function runActivations(api: WasmRnn): PlainTensor[] {
  const grid = Float32Array.from({ length: 4010 }, (_, i) => (i - 2005) / 40);
  const outputs = api.KERAS_ACTIVATION_NAMES.map((name) => plain(new api.Activation(name).apply(api.tensor(grid, [401, 10])) as ReturnType<WasmRnn['tensor']>));
  const model = new api.Sequential({
    layers: [
      new api.GRU({ units: 8, returnSequences: true, seed: 3, inputShape: [null, 5] }),
      new api.Dense({ units: 6, activation: 'gelu', seed: 4 }),
      new api.Dense({ units: 4, activation: 'softmax', seed: 5 }),
    ],
  });
  const stream = model.stream();
  const streamed: number[] = [];
  for (let t = 0; t < 20; t++) streamed.push(...stream.step(Float32Array.from({ length: 5 }, (_, f) => Math.sin(t * 0.7 + f))));
  stream.dispose();
  model.dispose();
  return [...outputs, { shape: [20, 4], data: streamed }];
}
