// README snippet, verbatim (test/readme-snippets.test.ts checks that the README still has it): it must compile without casts.
import { CustomLayer, registerLayer, tensor, type CustomLayerConfig, type Shape, type Tensor } from 'wasm-rnn';

/** The attention layer of many Keras notebooks: a score tanh(x·W + b) per step, softmax over time, the weighted sum. */
class AttentionLayer extends CustomLayer {
  private w = tensor([0], [1]); // (features, 1), created in build
  private b = tensor([0], [1]); // (steps, 1)

  constructor(config: CustomLayerConfig = {}) {
    super(config, 'AttentionLayer'); // the class_name the file uses
  }

  override build([, steps, features]: Shape): void {
    this.w = this.addWeight('att_weight', [features ?? 1, 1], { initializer: 'random_normal' });
    this.b = this.addWeight('att_bias', [steps ?? 1, 1], { initializer: 'zeros' });
  }

  call(x: Tensor): Tensor {
    const [batch = 0, steps = 0, features = 0] = x.shape;
    const out = new Float32Array(batch * features);
    for (let n = 0; n < batch; n++) {
      const scores = Array.from({ length: steps }, (_, t) => {
        let s = this.b.data[t] ?? 0;
        for (let d = 0; d < features; d++) s += (x.data[(n * steps + t) * features + d] ?? 0) * (this.w.data[d] ?? 0);
        return Math.tanh(s);
      });
      const top = Math.max(...scores);
      const weights = scores.map((s) => Math.exp(s - top));
      const total = weights.reduce((a, b) => a + b, 0);
      const context = Array.from({ length: features }, (_, d) =>
        weights.reduce((sum, a, t) => sum + (a / total) * (x.data[(n * steps + t) * features + d] ?? 0), 0));
      out.set(context, n * features);
    }
    return tensor(out, [batch, features]);
  }

  computeOutputShape([batch, , features]: Shape): Shape {
    return [batch ?? null, features ?? null];
  }
}

// Every loadModel (and layerFromConfig, modelFromConfig) now builds class_name 'AttentionLayer' with it;
// or pass it to one load: loadModel(file, { customLayers: { AttentionLayer: (config) => new AttentionLayer(config) } }).
registerLayer('AttentionLayer', (config) => new AttentionLayer(config));

export { AttentionLayer };
