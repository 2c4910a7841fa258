// An AudioWorkletProcessor running a wasm-rnn stream: the main thread compiled the
// kernel module and passes it (with the model's weights) in processorOptions, the
// constructor instantiates it with initSync, and process() makes one stream.step per
// 128-sample render quantum, writing the model's 128 outputs as the output samples.
import { initSync, Sequential, GRU, Dense, Tensor } from '/dist/browser/wasm-rnn.min.js';

class DenoiserProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { module, units, weights } = options.processorOptions;
    initSync({ wasm: module });
    const model = new Sequential({
      layers: [new GRU({ units, returnSequences: true, inputShape: [null, 128] }), new Dense({ units: 128 })],
    });
    model.setWeights(weights.map(({ data, shape }) => new Tensor(data, shape)));
    this.stream = model.stream({ batchSize: 1 });
    this.silence = new Float32Array(128);
    this.steps = 0;
    this.port.onmessage = () => this.port.postMessage({ steps: this.steps });
  }

  process(inputs, outputs) {
    const input = inputs[0]?.[0] ?? this.silence;
    const output = outputs[0][0];
    this.stream.step(input.length === 128 ? input : this.silence, output);
    this.steps++;
    return true;
  }
}

registerProcessor('wasm-rnn-denoiser', DenoiserProcessor);
