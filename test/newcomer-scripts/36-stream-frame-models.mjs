// Streaming models whose frames are tensors of their own, as a Keras user builds them: a CNN-LSTM
// over (time, 20, 3) accelerometer windows (TimeDistributed Conv1D / MaxPooling1D / Flatten), a
// small LRCN over (time, 8, 8, 1) video frames (TimeDistributed Conv2D / MaxPooling2D /
// GlobalAveragePooling2D), a GRU over a (time, 16, 1) spectrogram seen through a Conv2D of kernel
// [1, 3], and a ConvLSTM2D. A frame is a Float32Array of batchSize × the frame's values, row-major;
// every step equals predict on the frames so far, bit for bit.
import {
  ready, tensor, Sequential, Input, LSTM, GRU, Dense, Conv1D, Conv2D, MaxPooling1D, MaxPooling2D, Flatten, GlobalAveragePooling2D,
  TimeDistributed, ConvLSTM2D, Reshape, InputError,
} from 'wasm-rnn';
import { assert } from './check.mjs';

await ready();

/** x (B, T, ...frame) of sines, as nested arrays. */
function signal(B, T, frame, seed) {
  let i = 0;
  const build = (dims) => (dims.length === 0 ? Math.sin(seed + 0.37 * i++) : Array.from({ length: dims[0] }, () => build(dims.slice(1))));
  return build([B, T, ...frame]);
}

/** Frame t of x: each row's frame flattened row-major, row after row. */
const frameOf = (x, t) => Float32Array.from(x.flatMap((row) => row[t].flat(Infinity)));

/** predict on x[:, :t+1]; step t of a sequence output, or the last output. */
function predictPrefix(model, x, t) {
  const y = model.predict(tensor(x.map((row) => row.slice(0, t + 1))));
  if (y.rank === 2) return Array.from(y.data);
  const perStep = y.size / (y.shape[0] * y.shape[1]);
  return Array.from({ length: y.shape[0] }, (_, b) => Array.from(y.data.subarray((b * (t + 1) + t) * perStep, (b * (t + 1) + t + 1) * perStep))).flat();
}

function expectPrefixes(model, x, label) {
  const stream = model.stream({ batchSize: x.length });
  for (let t = 0; t < x[0].length; t++) assert.deepEqual(Array.from(stream.step(frameOf(x, t))), predictPrefix(model, x, t), `${label}: step ${t}`);
  stream.dispose();
}

// 1. Activity recognition: 20 samples of 3 axes per frame, a CNN per window, then an LSTM.
const har = new Sequential([
  Input({ shape: [null, 20, 3] }),
  new TimeDistributed(new Conv1D(16, 3, { activation: 'relu', seed: 1 })),
  new TimeDistributed(new MaxPooling1D(2)),
  new TimeDistributed(new Flatten()),
  new LSTM(12, { seed: 2 }),
  new Dense(6, { activation: 'softmax', seed: 3 }),
]);
for (const B of [1, 3]) expectPrefixes(har, signal(B, 5, [20, 3], B), `activity B=${B}`);
const harStream = har.stream();
assert.equal(harStream.frameLength, 60);
assert.throws(() => harStream.step(new Float32Array(20)), (e) => e instanceof InputError && /60 values/.test(e.message) && /\[20, 3\]/.test(e.message));
harStream.dispose();

// 2. A small LRCN: a CNN per video frame, then an LSTM over the frames.
const lrcn = new Sequential([
  Input({ shape: [null, 8, 8, 1] }),
  new TimeDistributed(new Conv2D(4, 3, { padding: 'same', activation: 'relu', seed: 4 })),
  new TimeDistributed(new MaxPooling2D(2)),
  new TimeDistributed(new Conv2D(6, 3, { activation: 'relu', seed: 5 })),
  new TimeDistributed(new GlobalAveragePooling2D()),
  new LSTM(8, { returnSequences: true, seed: 6 }),
  new TimeDistributed(new Dense(2, { seed: 7 })),
]);
expectPrefixes(lrcn, signal(2, 4, [8, 8, 1], 9), 'lrcn');

// 3. A spectrogram: a Conv2D of kernel [1, 3] looks along the 16 bands of each frame alone.
const spectro = new Sequential([
  Input({ shape: [null, 16, 1] }),
  new Conv2D(4, [1, 3], { padding: 'same', activation: 'tanh', seed: 8 }),
  new Reshape([-1, 64]),
  new GRU(10, { seed: 9 }),
]);
expectPrefixes(spectro, signal(2, 6, [16, 1], 3), 'spectrogram');

// 4. ConvLSTM2D over (time, 6, 6, 2) frames, then a Dense on its flattened last state.
const conv = new Sequential([
  Input({ shape: [null, 6, 6, 2] }),
  new ConvLSTM2D(3, 3, { padding: 'same', seed: 10 }),
  new Flatten(),
  new Dense(1, { activation: 'sigmoid', seed: 11 }),
]);
expectPrefixes(conv, signal(2, 4, [6, 6, 2], 5), 'convlstm');
const convStream = conv.stream({ batchSize: 2 });
assert.deepEqual(convStream.states().map((s) => s.shape), [[2, 6, 6, 3], [2, 6, 6, 3]]);
convStream.dispose();
