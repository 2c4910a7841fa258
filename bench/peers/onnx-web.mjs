// onnxruntime-web: ONNX Runtime's CPU kernels compiled to SIMD WebAssembly, one thread.
import * as ort from 'onnxruntime-web';
import { buildOnnxRecurrentModel } from '../onnx-model.mjs';

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
  const dims = [B, T, D];
  return {
    async run(x) {
      const outputs = await session.run({ X: new ort.Tensor('float32', x, dims) });
      return outputs.Y_h.data;
    },
    async dispose() {
      await session.release();
    },
  };
}
