// The real Keras files of ../shared/models and ../shared/models2 (or a held-back twin folder,
// MODELS2_DIR=<folder>) streamed: a file with a recurrent layer either streams, every step equal
// bit for bit to predict on the prefix (on a twin of the model whose input has a free time axis,
// since these files fix it), or is refused with a ConfigError that names one of its layers; a file
// with Bidirectional or goBackwards is refused naming that layer. After a time window ('valid'
// padding, strides) a sequence output's step is the last step of predict on the prefix, and until
// predict has an output (it refuses a prefix shorter than the windows) every output is zeros.
// relaxed-simd.test.ts re-runs it.
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ModelFileError, ShapeError, modelFromConfig, ready, tensor, type Layer, type Model, type Sequential, type Tensor } from '../dist/index.js';
import { loadModel } from '../dist/io/keras.js';
import { MODELS2_DIR, MODELS_DIR, loadExpected, modelPath, type Expected } from './io/helpers.js';
import { testKernelVariant } from './kernel-variant.js';
import { PENDING } from './models2-pending.js';
import { frameAt, prefix } from './stream-prefix.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

/** Steps compared per file after its warm-up: enough to carry states through several frames, few enough to stay fast. */
const MAX_STEPS = 6;

function leaves(layers: readonly Layer[]): Layer[] {
  return layers.flatMap((layer) => {
    const nested = (layer as { layers?: readonly Layer[] }).layers;
    const wrapped = (layer as { layer?: Layer }).layer;
    return [layer, ...(nested ? leaves(nested) : []), ...(wrapped ? leaves([wrapped]) : [])];
  });
}

/** Files of the most common CNN-LSTM (Conv1D 'valid' and MaxPooling1D before the LSTM), which must stream. */
const MUST_STREAM = new Set([
  'G1213123--CIVL7018/cnn_lstm_model.h5', 'TecqHarishKrish--Predicting_Neonatal_Diseases/cnn_lstm_model.h5',
  'delladeldel--Time-Series-Forecasting-Using-CNN-LSTM/cnn_lstm_model.keras', 'sh3ngsh3ng--CMAPSS_GRP_2/cnn_lstm_model.h5',
]);

const RECURRENT = /^(SimpleRNN|LSTM|GRU|CuDNNLSTM|CuDNNGRU|ConvLSTM[123]D|Bidirectional|RNN)$/;

/** The model's config with every input's time axis free (None), so that predict takes a prefix (a rank-2 input is one of ids). */
function freeTime(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(freeTime);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([key, value]) => (
    (key === 'batch_input_shape' || key === 'batch_shape') && Array.isArray(value) && value.length >= 2
      ? [key, [value[0], null, ...value.slice(2)]]
      : [key, freeTime(value)])));
}

/** A copy of the model whose inputs have a free time axis, or null where its config will not rebuild that way. */
function freeTimeTwin(model: Model | Sequential, expected: Expected): Model | Sequential | null {
  // A Keras 1 or 2 file keeps its Keras version (hard_sigmoid differs between the majors).
  const kerasVersion = /^[12]\./.test(expected.keras_version) ? 2 : 3;
  try {
    const twin = modelFromConfig(JSON.stringify(freeTime(JSON.parse(model.toJSON({ kerasVersion })))), { kerasVersion });
    twin.setWeights(model.getWeights());
    twin.predict(inputsAt(expected.inputs.map((input) => ({ shape: input.shape, ids: input.shape.length === 2, data: Float32Array.from(input.data) })), expected.inputs[0].shape[0], 0));
    return twin;
  } catch (error) {
    if (error instanceof ShapeError || error instanceof ConfigError) return null;
    throw error;
  }
}

interface FileInput {
  shape: number[];
  ids: boolean;
  data: Float32Array;
}

/** The inputs' prefixes x[:, 0..t], one tensor or a list. */
function inputsAt(inputs: readonly FileInput[], B: number, t: number): Tensor | Tensor[] {
  const tensors = inputs.map(({ shape, ids, data }) => {
    const p = prefix(data, B, shape[1], width(shape), t).data;
    return ids ? tensor(Int32Array.from(p), [B, t + 1]) : tensor(p, [B, t + 1, ...shape.slice(2)]);
  });
  return tensors.length === 1 ? tensors[0] : tensors;
}

/** predict on the prefix of t + 1 frames, or null where it is too short for the model's time windows. */
function predictPrefix(twin: Model | Sequential, inputs: readonly FileInput[], B: number, t: number): Tensor[] | null {
  try {
    return outputsOf(twin.predict(inputsAt(inputs, B, t)));
  } catch (error) {
    if (error instanceof ShapeError && /too short on spatial axis 1/.test(error.message)) return null;
    throw error;
  }
}

/** The last step of each row of a sequence output (B, steps, ...frame); the output itself without a time axis. */
function lastStep(w: Tensor, B: number): number[] {
  return w.rank >= 3 ? stepOf(w, B, w.shape[1] - 1) : Array.from(w.data);
}

/** Step t of a sequence output (B, steps, ...frame). */
function stepOf(w: Tensor, B: number, t: number): number[] {
  const W = width(w.shape);
  const steps = w.shape[1];
  return Array.from({ length: B }, (_, b) => Array.from(w.data.subarray((b * steps + t) * W, (b * steps + t + 1) * W))).flat();
}

const outputsOf = (result: Tensor | Tensor[]) => (Array.isArray(result) ? result : [result]);

/** Values per frame of an input (batch, time, ...frame); 1 for ids. */
const width = (shape: readonly number[]) => shape.slice(2).reduce((p, d) => p * d, 1);

function streamFile(expected: Expected): () => Promise<void> {
  return async () => {
    const key = `${expected.folder}/${expected.file}`;
    let model: Model | Sequential;
    try {
      model = await loadModel(modelPath(expected));
    } catch (error) {
      // A file that does not load yet is the loader tests' business (models2-pending.ts).
      if (error instanceof ModelFileError && PENDING[key]) return;
      throw error;
    }
    const layers = leaves(model.layers);
    if (!layers.some((layer) => RECURRENT.test(layer.className))) return;
    const names = new Set(layers.map((layer) => layer.name));
    const future = layers.find((layer) => layer.className === 'Bidirectional' || (layer as { goBackwards?: boolean }).goBackwards === true);
    const B = expected.inputs[0].shape[0];
    let stream;
    try {
      stream = model.stream({ batchSize: B });
    } catch (error) {
      expect(MUST_STREAM.has(key), `${key} streams: ${String(error)}`).toBe(false);
      expect(error, String(error)).toBeInstanceOf(ConfigError);
      const named = /^(\w+):/.exec((error as Error).message)?.[1] ?? '';
      expect(names.has(named), `${(error as Error).message} names a layer of the file`).toBe(true);
      return;
    }
    expect(future, 'a file that reads the future does not stream').toBeUndefined();
    const inputs = expected.inputs.map((input) => ({
      shape: input.shape, ids: input.shape.length === 2, data: Float32Array.from(input.data),
    }));
    const steps = Math.min(...inputs.map((input) => input.shape[1]));
    const twin = freeTimeTwin(model, expected);
    // Without a twin (a config that fixes the time axis elsewhere), every step of the file's input
    // against predict on the whole input: its sequence outputs step by step, the others at the end.
    const whole = twin ? null : outputsOf(model.predict(inputsAt(inputs, B, steps - 1)));
    let compared = 0;
    let warmUp = true;
    for (let t = 0; t < steps && (!twin || compared < MAX_STEPS); t++) {
      const frames = inputs.map(({ shape, ids, data }) => {
        const frame = frameAt(data, B, shape[1], width(shape), t);
        return ids ? Int32Array.from(frame) : frame;
      });
      const got = (frames.length === 1 ? [stream.step(frames[0])] : stream.step(frames)).map((o) => Array.from(o));
      if (twin) {
        const want = predictPrefix(twin, inputs, B, t);
        if (want === null) {
          expect(warmUp, `step ${t}: predict refuses a prefix longer than one it took`).toBe(true);
          expect(got, `step ${t} (before the first output)`).toEqual(got.map((o) => o.map(() => 0)));
          continue;
        }
        warmUp = false;
        expect(got, `step ${t}`).toEqual(want.map((w) => lastStep(w, B)));
        compared++;
        continue;
      }
      (whole as Tensor[]).forEach((w, i) => {
        if (w.rank >= 3 && w.shape[1] === steps) expect(got[i], `output ${i} step ${t}`).toEqual(stepOf(w, B, t));
        else if (t === steps - 1) expect(got[i], `output ${i} last step`).toEqual(lastStep(w, B));
      });
    }
    stream.dispose();
    twin?.dispose();
    model.dispose();
  };
}

for (const root of [MODELS_DIR, MODELS2_DIR]) {
  describe(`the Keras files of ${root.pathname} stream as predict on every prefix, or are refused naming a layer`, () => {
    for (const expected of loadExpected(root)) it(`${expected.folder}/${expected.file}`, streamFile(expected), 60_000);
  });
}
