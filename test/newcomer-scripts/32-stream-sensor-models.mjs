// Streaming the models an audio or sensor app runs frame by frame: a stacked LSTM -> GRU ->
// SimpleRNN over 13 MFCC-like features, a keyword model over token ids (Int32Array frames,
// mask_zero), a causal TCN front end before an LSTM, and a grouped causal Conv1D with softmax
// (one softmax over all its filters, as Keras applies it). Every step equals predict on the frames
// so far, bit for bit; states() / reset(states) carry a stream on; batch sizes 1 and 4.
import {
  ready, tensor, Sequential, Model, Input, LSTM, GRU, SimpleRNN, Dense, Embedding, Masking, Conv1D, TimeDistributed,
} from 'wasm-rnn';
import { assert } from './check.mjs';

await ready();

/** Frame t of x (B, T, W) as B rows of W values (Int32Array for ids). */
function frame(x, B, T, W, t, Type = Float32Array) {
  const out = new Type(B * W);
  for (let b = 0; b < B; b++) for (let w = 0; w < W; w++) out[b * W + w] = x[b][t][w] ?? x[b][t];
  return out;
}

/** Predict on x[:, :t+1]; the last step of a sequence output. */
function predictPrefix(model, x, t) {
  const y = model.predict(tensor(x.map((row) => row.slice(0, t + 1))));
  if (y.rank === 2) return Array.from(y.data);
  const [B, steps, W] = y.shape;
  const out = [];
  for (let b = 0; b < B; b++) out.push(...y.data.subarray((b * steps + steps - 1) * W, (b * steps + steps) * W));
  return out;
}

function expectPrefixes(model, stream, x, W, label, Type) {
  const B = x.length;
  const T = x[0].length;
  for (let t = 0; t < T; t++) {
    assert.deepEqual(Array.from(stream.step(frame(x, B, T, W, t, Type))), predictPrefix(model, x, t), `${label}: step ${t}`);
  }
}

const sensor = (B, T, D, seed) => Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_u, t) => Array.from({ length: D }, (_v, d) => Math.sin(seed + b * 1.7 + t * 0.4 + d * 0.9))));

// 1. Stacked recurrent layers over 13 features, batch 1 and 4.
const D = 13;
const stacked = new Sequential([
  Input({ shape: [null, D] }),
  new LSTM(16, { returnSequences: true, seed: 1 }),
  new GRU(12, { returnSequences: true, seed: 2 }),
  new SimpleRNN(8, { seed: 3 }),
  new Dense(4, { activation: 'softmax', seed: 4 }),
]);
for (const B of [1, 4]) {
  const x = sensor(B, 9, D, B);
  const stream = stacked.stream({ batchSize: B });
  expectPrefixes(stacked, stream, x, D, `stacked B=${B}`);
  // Keras order: [h, c] of the LSTM, then h of the GRU, then h of the SimpleRNN.
  assert.deepEqual(stream.states().map((s) => s.shape), [[B, 16], [B, 16], [B, 12], [B, 8]]);
  stream.dispose();
}

// 2. states() / reset(states): a second stream picks up where the first one was.
const x = sensor(2, 10, D, 7);
const first = stacked.stream({ batchSize: 2 });
for (let t = 0; t < 6; t++) first.step(frame(x, 2, 10, D, t));
const saved = first.states();
const second = stacked.stream({ batchSize: 2 });
second.reset(saved);
for (let t = 6; t < 10; t++) {
  const f = frame(x, 2, 10, D, t);
  assert.deepEqual(Array.from(second.step(f)), Array.from(first.step(f)), `resumed step ${t}`);
}
assert.deepEqual(Array.from(first.step(frame(x, 2, 10, D, 0))), Array.from(second.step(frame(x, 2, 10, D, 0))));
first.reset();
assert.deepEqual(Array.from(first.step(frame(x, 2, 10, D, 0))), predictPrefix(stacked, x, 0), 'reset() starts a new sequence');
first.dispose();
second.dispose();

// 3. A keyword model over token ids: Embedding(mask_zero) -> GRU -> Dense(softmax), padding ids masked.
const keyword = new Sequential([
  Input({ shape: [null], dtype: 'int32' }),
  new Embedding(30, 6, { maskZero: true, seed: 5 }),
  new GRU(10, { seed: 6 }),
  new Dense(3, { activation: 'softmax', seed: 7 }),
]);
const ids = [[0, 0, 4, 9, 17, 3, 0, 22], [5, 6, 0, 29, 1, 1, 8, 0], [0, 12, 13, 14, 0, 0, 2, 7]];
const idStream = keyword.stream({ batchSize: 3 });
expectPrefixes(keyword, idStream, ids, 1, 'ids', Int32Array);
idStream.dispose();

// 4. A causal TCN front end: dilated causal Conv1D -> Masking-free LSTM -> Dense per frame.
const input = Input({ shape: [null, 5] });
const tcn1 = new Conv1D({ filters: 8, kernelSize: 3, dilationRate: 1, padding: 'causal', activation: 'relu', seed: 8 }).apply(input);
const tcn2 = new Conv1D({ filters: 8, kernelSize: 3, dilationRate: 2, padding: 'causal', activation: 'tanh', seed: 9 }).apply(tcn1);
const seq = new LSTM(6, { returnSequences: true, seed: 10 }).apply(tcn2);
const tcn = new Model({ inputs: input, outputs: new TimeDistributed(new Dense(2, { seed: 11 })).apply(seq) });
const xs = sensor(2, 12, 5, 3);
const tcnStream = tcn.stream({ batchSize: 2 });
expectPrefixes(tcn, tcnStream, xs, 5, 'tcn');
tcnStream.reset();
expectPrefixes(tcn, tcnStream, xs, 5, 'tcn after reset');
tcnStream.dispose();

// 5. A grouped causal Conv1D with softmax: each frame's 6 filters (3 groups of 2) sum to 1 together.
const grouped = new Sequential([
  Input({ shape: [null, 6] }),
  new Masking({ maskValue: 0 }),
  new Conv1D({ filters: 6, kernelSize: 4, groups: 3, padding: 'causal', activation: 'softmax', seed: 12 }),
  new GRU(5, { returnSequences: true, seed: 13 }),
]);
const head = new Sequential([Input({ shape: [null, 6] }), grouped.layers[1]]);
const xg = sensor(3, 8, 6, 11);
const groupedStream = grouped.stream({ batchSize: 3 });
expectPrefixes(grouped, groupedStream, xg, 6, 'grouped softmax');
groupedStream.dispose();
const probabilities = head.predict(tensor(xg));
for (let row = 0; row < probabilities.size / 6; row++) {
  const sum = probabilities.data.subarray(row * 6, row * 6 + 6).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-6, `row ${row}: the softmax runs over all 6 filters (sum ${sum})`);
}
const headStream = head.stream({ batchSize: 3 });
expectPrefixes(head, headStream, xg, 6, 'grouped softmax output');
headStream.dispose();
