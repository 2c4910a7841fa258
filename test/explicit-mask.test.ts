// Keras' layer(x, mask=m) in a functional graph: the mask is a graph input of its own, as in the
// Keras video-classification tutorial (`GRU(16, return_sequences=True)(frame_features, mask=mask_input)`
// on `keras.Input((T,), dtype="bool")`). Keras' rule: the given mask takes the place of the one x
// carries, a sequence output carries it on, and the mask gets no gradient. The expected numbers
// come from the float64 reference with that mask, and from central differences for the gradients.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Bidirectional, ConfigError, Dense, GRU, Input, InputError, LSTM, Model, ShapeError, modelFromJson, tensor, type Tensor,
} from '../dist/index.js';
import { loadModel, ready, saveModel } from '../dist/io/keras.js';
import { expectClose } from './expect-close.js';
import { expectError, untyped } from './expect-error.js';
import { testKernelVariant } from './kernel-variant.js';
import { expectGradients, randomize, ref } from './model-gradient-check.js';
import { randomFloats, seededRandom } from './random.js';
import { denseRef, recurrentSpec, referenceBidirectional, referenceRecurrent, type ReferenceTensor } from './reference/index.js';

const B = 3;
const T = 5;
const D = 4;
// Row 0 is all valid, row 1 right-padded, row 2 has a gap and a masked first step.
const MASK_ROWS = [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [0, 1, 0, 1, 1]];
const maskTensor = tensor(MASK_ROWS.flat(), [B, T]);
const maskRef: ReferenceTensor = { shape: [B, T], data: Float64Array.from(MASK_ROWS.flat()) };
const x = tensor(randomFloats(seededRandom(71), B * T * D, 1), [B, T, D]);

let dir = '';
beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
  dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-mask-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The tutorial's model: GRU(4, seq) on the frames with the mask input, GRU(3) on its (masked) sequence, Dense(2). */
function tutorialModel(): Model {
  const frames = Input({ shape: [T, D], name: 'frames' });
  const mask = Input({ shape: [T], dtype: 'bool', name: 'frame_mask' });
  const sequence = new GRU(4, { returnSequences: true, name: 'gru_seq' }).apply(frames, { mask });
  const last = new GRU(3, { name: 'gru_last' }).apply(sequence);
  const model = new Model({ inputs: [frames, mask], outputs: new Dense(2, { name: 'head' }).apply(last) });
  randomize(model, 72, 0.6);
  return model;
}

function tutorialReference([k1, r1, b1, k2, r2, b2, dk, db]: ReferenceTensor[]): ReferenceTensor {
  const [sequence] = referenceRecurrent(recurrentSpec('GRU', 4, { returnSequences: true }), [k1, r1, b1], ref(x), { mask: maskRef });
  const [last] = referenceRecurrent(recurrentSpec('GRU', 3), [k2, r2, b2], sequence, { mask: maskRef });
  return denseRef(last, dk, db, 'linear');
}

describe("layer(x, { mask }) on symbolic tensors: Keras' explicit mask", () => {
  it('predict masks the steps as the float64 reference does, the mask carried on by the sequence output', () => {
    const model = tutorialModel();
    expect(model.inputNames).toEqual(['frames', 'frame_mask']);
    const weights = model.getWeights().map(ref);
    expectClose(model.predict([x, maskTensor]) as Tensor, tutorialReference(weights));
    // The mask takes booleans as Keras' bool input does, and a dict by input name.
    const byName = model.predict({ frames: x, frame_mask: MASK_ROWS.map((row) => row.map((v) => v === 1)) }) as Tensor;
    expect(Array.from(byName.data)).toEqual(Array.from((model.predict([x, maskTensor]) as Tensor).data));
    // What the masked steps hold does not matter.
    const noisy = tensor(x.data.map((v, i) => (MASK_ROWS.flat()[Math.floor(i / D)] === 0 ? 50 : v)), [B, T, D]);
    expect(Array.from((model.predict([noisy, maskTensor]) as Tensor).data)).toEqual(Array.from((model.predict([x, maskTensor]) as Tensor).data));
  });

  it('fit trains through it: computeGradients against central differences, the mask input getting none', async () => {
    const model = tutorialModel();
    const y = randomFloats(seededRandom(73), B * 2);
    expectGradients(model, [x, maskTensor], y, tutorialReference);
    const history = await model.fit([x, maskTensor], tensor(y, [B, 2]), { epochs: 2, batchSize: 2, verbose: 0 });
    expect(history.history.loss).toHaveLength(2);
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
  });

  it('goes with initial states (x, then the states, then the mask) and with Bidirectional', () => {
    const frames = Input({ shape: [T, D] });
    const h0 = Input({ shape: [3] });
    const c0 = Input({ shape: [3] });
    const mask = Input({ shape: [T], dtype: 'bool' });
    const lstm = new LSTM(3, { returnSequences: true });
    const bidirectional = new Bidirectional(new GRU(2), { mergeMode: 'concat' });
    const model = new Model({ inputs: [frames, h0, c0, mask], outputs: [lstm.apply(frames, { initialState: [h0, c0], mask }), bidirectional.apply(frames, { mask })] });
    randomize(model, 74, 0.6);
    const random = seededRandom(75);
    const h = tensor(randomFloats(random, B * 3, 1), [B, 3]);
    const c = tensor(randomFloats(random, B * 3, 1), [B, 3]);
    const [sequence, merged] = model.predict([x, h, c, maskTensor]) as Tensor[];
    const [expectedSequence] = referenceRecurrent(
      recurrentSpec('LSTM', 3, { returnSequences: true }), lstm.getWeights().map(ref), ref(x), { mask: maskRef, initialState: [ref(h), ref(c)] },
    );
    expectClose(sequence, expectedSequence, { label: 'LSTM with initial states and mask' });
    const [expectedMerged] = referenceBidirectional(recurrentSpec('GRU', 2), 'concat', bidirectional.getWeights().map(ref), ref(x), { mask: maskRef });
    expectClose(merged, expectedMerged, { label: 'Bidirectional with mask' });
  });

  it('saves and loads: .keras, .h5 and both JSON spellings, the mask under the call\'s kwargs as Keras writes it', async () => {
    const model = tutorialModel();
    const expected = Array.from((model.predict([x, maskTensor]) as Tensor).data);
    const keras3 = JSON.parse(model.toJSON()) as { config: { layers: { name: string; inbound_nodes: unknown[] }[] } };
    const node3 = keras3.config.layers.find((layer) => layer.name === 'gru_seq')?.inbound_nodes[0] as { args: unknown[]; kwargs: { mask: { config: { keras_history: unknown; dtype: string } } } };
    expect(node3.args).toHaveLength(1);
    expect(node3.kwargs.mask.config.keras_history).toEqual(['frame_mask', 0, 0]);
    expect(node3.kwargs.mask.config.dtype).toBe('bool');
    const keras2 = JSON.parse(model.toJSON({ kerasVersion: 2 })) as typeof keras3;
    // tf.keras 2: [name, node, tensor, kwargs] per input of the call, a tensor in the kwargs as [name, node, tensor].
    expect(keras2.config.layers.find((layer) => layer.name === 'gru_seq')?.inbound_nodes[0]).toEqual([['frames', 0, 0, { mask: ['frame_mask', 0, 0] }]]);
    for (const json of [model.toJSON(), model.toJSON({ kerasVersion: 2 })]) {
      const rebuilt = modelFromJson(json);
      rebuilt.setWeights(model.getWeights());
      expect(Array.from((rebuilt.predict([x, maskTensor]) as Tensor).data)).toEqual(expected);
    }
    for (const file of ['tutorial.keras', 'tutorial.h5']) {
      await saveModel(model, join(dir, file));
      const loaded = await loadModel(join(dir, file));
      expect(Array.from((loaded.predict([x, maskTensor]) as Tensor).data)).toEqual(expected);
    }
  });

  it('errors: a mask that is data or of another shape, a model that would stream it; the next call works', () => {
    const frames = Input({ shape: [T, D] });
    const gru = new GRU(2, { name: 'masked_gru' });
    expectError(() => gru.apply(frames, untyped({ mask: maskTensor })), InputError, ['masked_gru', 'mask', 'symbolic tensor', 'Tensor']);
    expectError(() => gru.apply(frames, { mask: Input({ shape: [T + 1] }) }), ShapeError, ['masked_gru', 'mask', `[None, ${T}]`, `[None, ${T + 1}]`]);
    const mask = Input({ shape: [T], dtype: 'bool' });
    const model = new Model({ inputs: [frames, mask], outputs: gru.apply(frames, { mask }) });
    expectError(() => model.stream(), ConfigError, ['masked_gru', 'mask=m', 'step(frame, out, mask)']);
    expect((model.predict([x, maskTensor]) as Tensor).shape).toEqual([B, 2]);
  });
});
