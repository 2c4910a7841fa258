// `npm run bench -- --cnn`: the CNN-LSTM forecaster most published Keras CNN-LSTM files are,
// Conv1D(64, 3, relu) -> MaxPooling1D(2) -> LSTM(64) on T=200, D=8, at B=1 and B=32, for
// wasm-rnn's Sequential against onnxruntime-web (wasm, one thread) running the equivalent
// ONNX graph (bench/onnx-model.mjs buildOnnxCnnLstmModel) on the same weights and input.
// Outputs are cross-checked before timing; both are timed interleaved in one process
// (bench/timing.mjs). Writes bench/results/cnn-lstm.json.
import * as ort from 'onnxruntime-web';
import { Conv1D, LSTM, MaxPooling1D, Sequential, Tensor, kernelVariant, ready } from '../dist/index.js';
import { readyOptions } from './kernels.mjs';
import { buildOnnxCnnLstmModel } from './onnx-model.mjs';
import { measureInterleaved } from './timing.mjs';
import { createInput, createKerasWeights } from './weights.mjs';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

const SHAPE = { T: 200, D: 8, F: 64, k: 3, pool: 2, H: 64 };
const BATCHES = [1, 32];
/** Max abs difference beyond which onnxruntime-web's output is reported as disagreeing. */
export const CNN_TOLERANCE = 1e-4;

/** Conv1D weights in Keras layout: kernel (k, D, F), bias (F), Glorot-like. */
function convWeights({ D, F, k }, seed) {
  const values = createInput({ B: 1, T: k * D * F + F, D: 1 }, seed);
  const limit = Math.sqrt(6 / (k * D + k * F));
  return {
    kernel: { shape: [k, D, F], data: values.subarray(0, k * D * F).map((v) => v * limit) },
    bias: { shape: [F], data: values.slice(k * D * F).map((v) => v * 0.1) },
  };
}

function oursModel(conv, lstm) {
  const { T, D, F, k, pool, H } = SHAPE;
  const model = new Sequential({ layers: [
    new Conv1D(F, k, { activation: 'relu', inputShape: [T, D] }),
    new MaxPooling1D({ poolSize: pool }),
    new LSTM(H),
  ] });
  model.setWeights([conv.kernel, conv.bias, ...lstm].map((w) => new Tensor(w.data, w.shape)));
  return model;
}

export async function runCnnLstmBench({ timing, log }) {
  await ready(readyOptions());
  const { T, D, F, H } = SHAPE;
  const points = [];
  for (const [index, B] of BATCHES.entries()) {
    const seed = 5000 + 10 * index;
    const conv = convWeights(SHAPE, seed);
    const lstm = createKerasWeights('LSTM', { D: F, H }, seed + 1);
    const x = createInput({ B, T, D }, seed + 2);
    const model = oursModel(conv, lstm);
    const session = await ort.InferenceSession.create(buildOnnxCnnLstmModel(conv, lstm, { B, ...SHAPE }), {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    });
    const input = new Tensor(x, [B, T, D]);
    const runners = [
      { id: 'wasm-rnn', run: () => model.predict(input).data },
      { id: 'ort-web', run: async () => (await session.run({ X: new ort.Tensor('float32', x, [B, T, D]) })).Y_h.data },
    ];
    log(`CNN-LSTM B=${B}: timing wasm-rnn, ort-web (interleaved)...`);
    const results = await measureInterleaved(runners, x, timing);
    const ours = results.get('wasm-rnn');
    const peer = results.get('ort-web');
    let maxAbsDiff = 0;
    for (let i = 0; i < B * H; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(ours.output[i] - peer.output[i]));
    const point = {
      label: `Conv1D(${F}, ${SHAPE.k}) -> MaxPooling1D(${SHAPE.pool}) -> LSTM(${H}), T=${T} D=${D} B=${B}`,
      B, ...SHAPE,
      oursMs: ours.medianMs, ortWebMs: peer.medianMs, ratio: peer.medianMs / ours.medianMs,
      oursRuns: ours.runs, ortWebRuns: peer.runs, maxAbsDiff, disagrees: !(maxAbsDiff <= CNN_TOLERANCE),
    };
    log(`CNN-LSTM B=${B}: wasm-rnn ${point.oursMs.toFixed(3)} ms, ort-web ${point.ortWebMs.toFixed(3)} ms (${point.ratio.toFixed(2)}x), max|diff| ${maxAbsDiff.toExponential(1)}`);
    points.push(point);
    model.dispose();
    await session.release();
  }
  return { kernelVariant: kernelVariant(), tolerance: CNN_TOLERANCE, timing, points };
}

export function formatCnnLstmReport(results) {
  const lines = [
    `CNN-LSTM (wasm-rnn ${results.kernelVariant} kernels vs onnxruntime-web wasm, one thread; medians, interleaved in one process)`,
    '| point | wasm-rnn | onnxruntime-web | ratio | max abs diff |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const p of results.points) {
    lines.push(`| ${p.label} | ${p.oursMs.toFixed(3)} ms | ${p.ortWebMs.toFixed(3)} ms | ${p.ratio.toFixed(2)}x | ${p.maxAbsDiff.toExponential(1)} |`);
  }
  return lines.join('\n');
}
