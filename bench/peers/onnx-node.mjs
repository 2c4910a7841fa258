// onnxruntime-node: ONNX Runtime's native CPU build (MLAS), pinned to one thread. The
// "native" mark: how close WebAssembly gets to compiled C++ on the same machine.
import * as ort from 'onnxruntime-node';
import { buildOnnxRecurrentModel } from '../onnx-model.mjs';
import { ortRunner } from './ort-session.mjs';

export async function createRunner(cell, weights, shape) {
  const { B, T, D } = shape;
  const session = await ort.InferenceSession.create(buildOnnxRecurrentModel(cell, weights, shape), {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
  return ortRunner(ort, session, [B, T, D]);
}
