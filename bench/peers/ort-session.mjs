// What both ONNX Runtime peers (web and node) do with a session: feed X, read Y_h.
export function ortRunner(ort, session, dims) {
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
