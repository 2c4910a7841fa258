// onnxruntime-web: ONNX Runtime's CPU kernels compiled to SIMD WebAssembly, one thread.
import * as ort from 'onnxruntime-web';
import { buildOnnxRecurrentModel } from '../onnx-model.mjs';
import { ortRunner } from './ort-session.mjs';

// Must be set before the first session: the wasm module is instantiated once with it.
ort.env.wasm.numThreads = 1;
// Quiet: ORT's own warnings would interleave with the progress lines.
ort.env.logLevel = 'error';

export async function createRunner(cell, weights, shape) {
  const { B, T, D } = shape;
  const session = await ort.InferenceSession.create(buildOnnxRecurrentModel(cell, weights, shape), {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  return ortRunner(ort, session, [B, T, D]);
}
